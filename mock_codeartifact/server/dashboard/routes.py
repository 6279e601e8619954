"""Routing for ``/_mock/ui``: parse the path, call the view, and wrap the page in a response whose headers
forbid everything the dashboard does not need (no inline script, no other origin, no framing)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from urllib.parse import quote

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
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


# The pages, by path below /_mock/ui (empty segments dropped first: /_mock/ui//a/ is /_mock/ui/a). A page's view
# takes the backend, the path's parts and the request; werkzeug's matcher prefers a literal segment to a
# variable one, so /static/x is a file, not the account "static" in region "x".
PAGES = Map(
    [
        Rule("/", endpoint="home"),
        Rule("/static/<name>", endpoint="static"),
        Rule("/changes", endpoint="changes"),
        Rule("/activity", endpoint="activity"),
        Rule("/<account>/<region>", endpoint="home"),
        Rule("/<account>/<region>/<domain>", endpoint="domain"),
        Rule("/<account>/<region>/<domain>/search", endpoint="search"),
        Rule("/<account>/<region>/<domain>/package-groups", endpoint="groups"),
        Rule("/<account>/<region>/<domain>/package-group", endpoint="group"),
        Rule("/<account>/<region>/<domain>/repositories/<repo>", endpoint="repository"),
        Rule("/<account>/<region>/<domain>/repositories/<repo>/package", endpoint="package"),
        Rule("/<account>/<region>/<domain>/repositories/<repo>/version", endpoint="version"),
        Rule("/<account>/<region>/<domain>/repositories/<repo>/asset", endpoint="asset"),
    ],
    strict_slashes=False,
    merge_slashes=False,
    redirect_defaults=False,
)


def handle(request: Request, backend: Backend) -> Response:
    """Answer a ``/_mock/ui`` request (GET or HEAD) from ``backend``; nothing here changes state."""
    if request.method not in ("GET", "HEAD"):
        return Response(
            "The dashboard is read-only: GET only.\n",
            status=405,
            headers={"Allow": "GET, HEAD"},
            content_type="text/plain; charset=utf-8",
        )
    STAMP.set(backend.calls.stamp)
    path = "/" + "/".join(p for p in request.path[len(BASE) :].split("/") if p)
    try:
        endpoint, parts = PAGES.bind("").match(path, "GET")
    except HTTPException:
        return _not_found("No such page.")
    try:
        return _VIEWS[str(endpoint)](backend, request, **parts)
    except views.NotFound as missing:
        return _not_found(str(missing))


def _args(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.args.items()}


def _home(backend: Backend, request: Request, account: str | None = None, region: str | None = None) -> Response:
    if account is None or region is None:
        return _html(views.home(backend))
    return _html(views.home(backend, account, region))


def _domain(backend: Backend, request: Request, account: str, region: str, domain: str) -> Response:
    return _html(views.domain_view(backend, views.Where(account, region, domain)))


def _search(backend: Backend, request: Request, account: str, region: str, domain: str) -> Response:
    return _html(views.search_view(backend, views.Where(account, region, domain), _args(request)))


def _groups(backend: Backend, request: Request, account: str, region: str, domain: str) -> Response:
    return _html(views.groups_view(backend, views.Where(account, region, domain)))


def _group(backend: Backend, request: Request, account: str, region: str, domain: str) -> Response:
    args = request.args
    where = views.Where(account, region, domain)
    return _html(views.group_view(backend, where, args.get("pattern", ""), args.get("start")))


def _repository(backend: Backend, request: Request, account: str, region: str, domain: str, repo: str) -> Response:
    where = views.Where(account, region, domain)
    return _html(views.repository_view(backend, where, repo, request.host_url, _args(request)))


def _package(backend: Backend, request: Request, account: str, region: str, domain: str, repo: str) -> Response:
    return _html(views.package_view(backend, views.Where(account, region, domain), repo, _args(request)))


def _version(backend: Backend, request: Request, account: str, region: str, domain: str, repo: str) -> Response:
    return _html(views.version_view(backend, views.Where(account, region, domain), repo, _args(request)))


def _asset(backend: Backend, request: Request, account: str, region: str, domain: str, repo: str) -> Response:
    name, data = views.asset_bytes(backend, views.Where(account, region, domain), repo, _args(request))
    return _download(name, data)


def _static_page(backend: Backend, request: Request, name: str) -> Response:
    return _static(name)


def _changes_page(backend: Backend, request: Request) -> Response:
    return _changes(backend)


def _activity(backend: Backend, request: Request) -> Response:
    return _html(activity_view(backend, _args(request)))


_VIEWS: dict[str, Callable[..., Response]] = {
    "home": _home,
    "static": _static_page,
    "changes": _changes_page,
    "activity": _activity,
    "domain": _domain,
    "search": _search,
    "groups": _groups,
    "group": _group,
    "repository": _repository,
    "package": _package,
    "version": _version,
    "asset": _asset,
}


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
