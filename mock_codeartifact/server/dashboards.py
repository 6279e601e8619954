"""Background servers that show an in-process mock's state on its dashboard (``m.dashboard_url()``).

They sit beside ``ThreadedCodeArtifactServer`` rather than in ``dashboard/``: the dashboard's pages are served by
the app that the threaded server runs, so the pages must not import the server.
"""

from __future__ import annotations

import threading

from ..backend import Backend
from ..settings import DEFAULT_HOST
from .dashboard.layout import BASE
from .threaded import ThreadedCodeArtifactServer

_servers: dict[int, ThreadedCodeArtifactServer] = {}
_servers_lock = threading.Lock()


def dashboard_url(backend: Backend, host: str = DEFAULT_HOST, port: int = 0) -> str:
    """Serve ``backend`` on a background ``ThreadedCodeArtifactServer`` (one per backend, started on first use,
    kept until ``stop_dashboards()`` or the end of the process) and return the dashboard's URL."""
    with _servers_lock:
        server = _servers.get(id(backend))
        if server is None or server.backend is not backend:
            # Kept for the whole process: it must not hold fake AWS credentials in the environment that long.
            server = ThreadedCodeArtifactServer(host=host, port=port, backend=backend, fake_environment=False)
            server.start()
            _servers[id(backend)] = server
        return server.endpoint_url + BASE


def stop_dashboards() -> None:
    """Stop every server ``dashboard_url`` started."""
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.stop()
