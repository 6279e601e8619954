"""``GET /_mock/ui``: a read-only, server-rendered dashboard of the mock's state (docs/dashboard.md).

``handle(request, backend)`` answers every ``/_mock/ui`` request of ``server.app.CodeArtifactApp``;
``dashboard_url(backend)`` serves an in-process mock's backend on a background server and returns the URL
(``mock_codeartifact().dashboard_url()``).
"""

from .routes import dashboard_url, handle, stop_dashboards

__all__ = ["dashboard_url", "handle", "stop_dashboards"]
