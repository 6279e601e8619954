"""``GET /_mock/ui``: a read-only, server-rendered dashboard of the mock's state (docs/dashboard.md).

``handle(request, backend)`` answers every ``/_mock/ui`` request of ``server.app.CodeArtifactApp``. Serving an
in-process mock's backend on a background server is ``server.dashboards.dashboard_url`` (``m.dashboard_url()``).
"""

from .routes import handle

__all__ = ["handle"]
