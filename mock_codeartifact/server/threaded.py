"""``ThreadedCodeArtifactServer``: a real HTTP server on a background thread, for tests."""

from __future__ import annotations

from types import TracebackType

from ..backend import Backend
from .app import CodeArtifactApp
from .serving import WSGIServer


class ThreadedCodeArtifactServer:
    """Serve a fresh backend on ``host:port`` (``port=0`` picks a free port) from daemon threads.

    ``endpoint_url`` is the base URL to give boto3 (``endpoint_url=``) or the AWS CLI (``--endpoint-url``);
    ``backend`` is the state it serves, for seeding and inspection. Connections are kept alive between
    requests; ``access_log=True`` logs one line per request on the ``mock_codeartifact.server.access`` logger.
    ``stop()`` answers the requests in flight before it returns and leaves no thread behind.
    """

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, backend: Backend | None = None, *, access_log: bool = False
    ) -> None:
        self.host = host
        self.port = port
        self.access_log = access_log
        self.app = CodeArtifactApp(backend)
        self._server: WSGIServer | None = None

    @property
    def backend(self) -> Backend:
        return self.app.backend

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self._server.port}"

    def start(self) -> None:
        if self._server is not None:
            return
        server = WSGIServer(self.app, self.host, self.port, access_log=self.access_log)
        server.start()
        self._server = server

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stop()
        self._server = None

    def reset(self) -> None:
        self.backend.reset()

    def __enter__(self) -> ThreadedCodeArtifactServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
