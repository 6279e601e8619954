"""Who may talk to the server: the Host names it serves, cross-site rules for ``/_mock/``, the admin token.

A server on 127.0.0.1 is reachable by every web page the machine's browser opens: a page can send simple
cross-site requests (``POST`` with ``text/plain`` needs no CORS preflight) and, by DNS rebinding, make its own
name resolve to 127.0.0.1 and read answers as same-origin. ``Guard`` closes both doors (docs/security.md):

* **Host.** Only Host names the server is meant to serve are answered: loopback names (``localhost``,
  ``*.localhost``), IP literals (a rebinding page always has a DNS name), the bound address, and the names given
  with ``--allowed-host`` (``*`` allows every name). Others get 403.
* **Cross-site ``/_mock/``.** A request a browser marks as coming from another site (``Sec-Fetch-Site``
  ``cross-site``/``same-site``, or an ``Origin`` other than the server's own) is refused on every ``/_mock/``
  route but the dashboard page (a link to it may be followed) and ``/_mock/health``. A ``POST`` (but to the
  read-only dashboard, which refuses it) that a browser could have sent (a ``Mozilla/`` User-Agent, or a
  header only browsers add) must also carry a content type a page cannot send without a preflight (JSON, for
  instance) or the ``X-Mock-CodeArtifact`` header: the rule that protects older browsers that send neither
  ``Origin`` nor ``Sec-Fetch-Site``. Programs (no browser marks) are served as before.
* **Admin token.** With one set (``--admin-token``), every ``/_mock/`` route but ``/_mock/health`` needs it:
  ``X-Mock-CodeArtifact-Token: TOKEN`` or ``Authorization: Bearer TOKEN``; the dashboard opened with
  ``?token=TOKEN`` gets it as a ``SameSite=Strict`` cookie.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..settings import DEFAULT_HOST

ADMIN_HEADER = "X-Mock-CodeArtifact-Token"
"""The header that carries the admin token."""
INTENT_HEADER = "X-Mock-CodeArtifact"
"""A header a browser cannot add to a cross-site request without a CORS preflight (which the server never
grants): its presence shows a ``POST`` to ``/_mock/`` comes from a program, not from a web page."""
COOKIE = "mock-codeartifact-admin"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
# What a page may send cross-site without a preflight (the Fetch standard's CORS-safelisted request types).
_SIMPLE_TYPES = frozenset({"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
_OPEN_ROUTES = ("/_mock/health",)


def host_name(host: str) -> str:
    """The name in a ``Host`` value, lower case, without port or IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def is_loopback_address(host: str) -> bool:
    """Whether ``host`` (a bind address) is a loopback name or address."""
    name = host_name(host)
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass
class Refused:
    """A request the guard does not let through: answer ``status`` with ``message``."""

    status: int
    message: str


@dataclass
class Guard:
    """The access rules of one server (see the module's docstring)."""

    bound_host: str = DEFAULT_HOST
    allowed_hosts: Iterable[str] = ()
    admin_token: str | None = None
    _names: frozenset[str] = field(init=False, repr=False)
    _any_host: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = {host_name(h) for h in self.allowed_hosts}
        self._any_host = "*" in names
        bound = host_name(self.bound_host)
        if bound not in ("0.0.0.0", "::", ""):
            names.add(bound)
        self._names = frozenset(names | LOOPBACK_NAMES)

    def host_allowed(self, host: str) -> bool:
        if self._any_host or not host:
            return True  # no Host (HTTP/1.0): not a browser's request, so no rebinding
        name = host_name(host)
        if name in self._names or name.endswith(".localhost"):
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def check(self, environ: dict[str, Any]) -> Refused | None:
        """None when the request may be served, else why not."""
        host = environ.get("HTTP_HOST", "")
        if not self.host_allowed(host):
            return Refused(
                403,
                f"The Host {host_name(host)!r} is not served by this server (start it with --allowed-host NAME, "
                "or allowed_hosts=[...], to serve it)",
            )
        path: str = environ.get("PATH_INFO", "")
        if not path.startswith("/_mock/") or path in _OPEN_ROUTES:
            return None
        method = environ.get("REQUEST_METHOD", "GET")
        dashboard = path == "/_mock/ui" or path.startswith("/_mock/ui/")
        if not (dashboard and method in ("GET", "HEAD")) and self._cross_site(environ, host):
            return Refused(403, "Cross-site requests to /_mock/ routes are refused")
        if (
            method == "POST"
            and not dashboard
            and _from_a_browser(environ)
            and not environ.get("HTTP_" + INTENT_HEADER.upper().replace("-", "_"))
        ):
            media = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
            if media in _SIMPLE_TYPES:
                return Refused(
                    403,
                    f"A POST to a /_mock/ route needs a JSON body (Content-Type: application/json) or the header "
                    f"{INTENT_HEADER}: 1",
                )
        if self.admin_token is not None and not self._has_token(environ):
            return Refused(401, f"This server's /_mock/ routes need its admin token (header {ADMIN_HEADER})")
        return None

    def _cross_site(self, environ: dict[str, Any], host: str) -> bool:
        site = environ.get("HTTP_SEC_FETCH_SITE", "").strip().lower()
        if site and site not in ("same-origin", "none"):
            return True
        origin = environ.get("HTTP_ORIGIN")
        if origin is None:
            return False
        parts = urlsplit(origin.strip())
        return not parts.netloc or parts.netloc.lower() != host.strip().lower()

    def _has_token(self, environ: dict[str, Any]) -> bool:
        token = self.admin_token or ""
        given = environ.get("HTTP_" + ADMIN_HEADER.upper().replace("-", "_"), "")
        if not given:
            scheme, _, value = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
            given = value.strip() if scheme.lower() == "bearer" else ""
        if not given:
            cookie = SimpleCookie()
            try:
                cookie.load(environ.get("HTTP_COOKIE", ""))
            except Exception:  # a malformed cookie header is no token
                cookie = SimpleCookie()
            morsel = cookie.get(COOKIE)
            given = morsel.value if morsel is not None else ""
        if not given and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            given = (parse_qs(environ.get("QUERY_STRING", "")).get("token") or [""])[0]
            if given and hmac.compare_digest(given.encode(), token.encode()):
                environ["mock_codeartifact.set_admin_cookie"] = True
        return bool(given) and hmac.compare_digest(given.encode(), token.encode())

    def cookie_header(self) -> tuple[str, str]:
        """The ``Set-Cookie`` header that gives a browser the admin token for later ``/_mock/`` requests."""
        return "Set-Cookie", f"{COOKIE}={self.admin_token}; Path=/_mock/; HttpOnly; SameSite=Strict"


def unprotected_warning(host: str) -> str:
    """The warning printed when the server listens beyond this machine without an admin token."""
    line = "!" * 78
    return (
        f"{line}\n"
        f"WARNING: listening on {host}, beyond this machine, and /_mock/ routes need no admin token:\n"
        "anyone who can reach this port can read the whole state (tokens included) with GET /_mock/state,\n"
        "replace it, or reset it. Start with --admin-token TOKEN (or --admin-token auto) to require a token.\n"
        f"{line}"
    )


_BROWSER_HEADERS = ("HTTP_ORIGIN", "HTTP_REFERER", "HTTP_COOKIE", "HTTP_SEC_FETCH_SITE", "HTTP_SEC_FETCH_MODE")


def _from_a_browser(environ: dict[str, Any]) -> bool:
    """Whether a web page could have made this request: every browser sends a ``Mozilla/`` User-Agent (or one of
    the headers only browsers add). Programs (requests, curl, the SDKs, the fixtures) send none of them, so
    ``POST /_mock/reset`` from a test keeps working as the contract has it, with no extra header."""
    if environ.get("HTTP_USER_AGENT", "").startswith("Mozilla/"):
        return True
    return any(environ.get(name) for name in _BROWSER_HEADERS)
