"""Routing for ``/_mock/ui``: parse the path, call the view, and wrap the page in a response whose headers
forbid everything the dashboard does not need (no inline script, no other origin, no framing)."""

from __future__ import annotations

import json
from importlib import resources
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from ...backend import Backend
from . import views
from .activity import activity_view
from .layout import BASE, STAMP, page
from .markup import tag

# Scripts and styles only from this server, no inline script, nothing fetched elsewhere (dashboard.js fetches
# only this server's own pages, to update them live), no framing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
STATIC_TYPES = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
_static_cache: dict[str, bytes] = {}


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _static(name: str) -> Response:
    content_type = STATIC_TYPES.get(name)
    if content_type is None:
        return _not_found(f"No static file '{name}'.")
    data = _static_cache.get(name)
    if data is None:
        data = _static_cache[name] = (resources.files(__package__) / "static" / name).read_bytes()
    headers = dict(SECURITY_HEADERS, **{"Cache-Control": "max-age=300"})
    return Response(data, content_type=content_type, headers=headers)


def _not_found(message: str) -> Response:
    body = page(
        "Not found",
        [("All domains", BASE), ("Not found", None)],
        tag(
            "section",
            tag("p", message),
            tag("p", tag("a", "Back to all domains", href=BASE)),
            class_="card empty-state",
        ),
    )
    return _html(body, 404)


def handle(request: Request, backend: Backend) -> Response:
    """Answer a ``/_mock/ui`` request (GET or HEAD) from ``backend``; nothing here changes state."""
    if request.method not in ("GET", "HEAD"):
        return Response(
            "The dashboard is read-only: GET only.\n",
            status=405,
            headers={"Allow": "GET, HEAD"},
            content_type="text/plain; charset=utf-8",
        )
    rest = request.path[len(BASE) :]
    if rest == "":
        rest = "/"
    parts = [p for p in rest.split("/") if p]
    args = {k: v for k, v in request.args.items()}
    STAMP.set(backend.calls.stamp)
    try:
        if not parts:
            return _html(views.home(backend))
        if parts[0] == "static" and len(parts) == 2:
            return _static(parts[1])
        if parts == ["changes"]:
            return _changes(backend)
        if parts == ["activity"]:
            return _html(activity_view(backend, args))
        if len(parts) == 2:
            return _html(views.home(backend, parts[0], parts[1]))
        if len(parts) < 3:
            raise views.NotFound("No such page.")
        where = views.Where(parts[0], parts[1], parts[2])
        tail = parts[3:]
        if not tail:
            return _html(views.domain_view(backend, where))
        if tail == ["search"]:
            return _html(views.search_view(backend, where, args))
        if tail == ["package-groups"]:
            return _html(views.groups_view(backend, where))
        if tail == ["package-group"]:
            return _html(views.group_view(backend, where, args.get("pattern", ""), args.get("start")))
        if tail[0] == "repositories" and len(tail) == 2:
            return _html(views.repository_view(backend, where, tail[1], request.host_url, args))
        if tail[0] == "repositories" and len(tail) == 3:
            repo, kind = tail[1], tail[2]
            if kind == "package":
                return _html(views.package_view(backend, where, repo, args))
            if kind == "version":
                return _html(views.version_view(backend, where, repo, args))
            if kind == "asset":
                name, data = views.asset_bytes(backend, where, repo, args)
                return _download(name, data)
        raise views.NotFound("No such page.")
    except views.NotFound as missing:
        return _not_found(str(missing))


def _changes(backend: Backend) -> Response:
    """``{"stamp": N}``: N changes with every call the mock answers and every reset (what the pages poll)."""
    body = json.dumps({"stamp": backend.calls.stamp})
    return Response(body, content_type="application/json", headers=SECURITY_HEADERS)


def _download(name: str, data: bytes) -> Response:
    # Always a download, never rendered: the bytes are user data too.
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return Response(data, content_type="application/octet-stream", headers=headers)
