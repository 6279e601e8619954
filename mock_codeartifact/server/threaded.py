"""``ThreadedCodeArtifactServer``: a real HTTP server on a background thread, for tests."""

from __future__ import annotations

import threading
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..backend import Backend
from .app import CodeArtifactApp


class _QuietHandler(WSGIRequestHandler):
    """Tests drive thousands of requests; one log line each would drown their output."""

    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class ThreadedCodeArtifactServer:
    """Serve a fresh backend on ``host:port`` (``port=0`` picks a free port) from a daemon thread.

    ``endpoint_url`` is the base URL to give boto3 (``endpoint_url=``) or the AWS CLI (``--endpoint-url``);
    ``backend`` is the state it serves, for seeding and inspection.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, backend: Backend | None = None) -> None:
        self.host = host
        self.port = port
        self.app = CodeArtifactApp(backend)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def backend(self) -> Backend:
        return self.app.backend

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self._server.server_port}"

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = make_server(self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="mock-codeartifact-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def reset(self) -> None:
        self.backend.reset()

    def __enter__(self) -> ThreadedCodeArtifactServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
