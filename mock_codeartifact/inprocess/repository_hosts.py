"""The repository endpoints in-process: a request to a real repository host, answered by the server's application.

``requests`` calls to ``https://{domain}-{owner}.d.codeartifact.{region}.amazonaws.com/{format}/{repository}/...``
(twine, Poetry, pip's own code run in the test's process, any script using ``requests``) reach the same WSGI
application the server runs, over the in-process mock's backend: the same token check, the same authorization,
the same state as the mock's boto3 clients see. The application is built on the first such request (it loads every
format module), never by an activation that does not need it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..backend import Backend


class RepositoryEndpoints:
    """``endpoints(method, url, headers, body)`` -> ``(status, headers, body)``: the repository-endpoint
    application's answer over ``backend`` (the application is built on the first call)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._lock = threading.Lock()
        self._app: Any = None

    def _application(self) -> Any:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    from ..server.app import CodeArtifactApp
                    from ..server.guard import Guard

                    # Only requests to CodeArtifact's own host names get here (the interception picks them), so
                    # the server's Host rule, which guards a listening socket against rebinding, has nothing to do.
                    self._app = CodeArtifactApp(self.backend, guard=Guard(allowed_hosts=("*",)))
        return self._app

    def __call__(self, method: str, url: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        from werkzeug.test import EnvironBuilder, run_wsgi_app

        scheme, _, rest = url.partition("://")
        host, slash, target = rest.partition("/")
        path, _, query = (slash + target).split("#", 1)[0].partition("?")
        builder = EnvironBuilder(
            path=path or "/",
            base_url=f"{scheme}://{host}",
            query_string=query,
            method=method,
            headers=[(k, v) for k, v in headers.items() if k.lower() != "content-length"],
            data=body,
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        app_iter, status, response_headers = run_wsgi_app(self._application(), environ, buffered=True)
        try:
            data = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        out: dict[str, str] = {}
        for name, value in response_headers.items():
            out[name] = f"{out[name]}, {value}" if name in out else value
        return int(status.split(" ", 1)[0]), out, data
