"""The repository-endpoint router: ``/{region}/{domain}/{owner}/{format}/{repository}/...`` to one format module.

A request whose Host is a real repository-endpoint host (``{domain}-{owner}.d.codeartifact.{region}.amazonaws
.com``) is addressed as on AWS instead: ``/{format}/{repository}/...``, the rest taken from the host name.

It parses the path, then resolves the request in one step under the owner's state lock
(``storage.open_request``): the token (401 with a Basic challenge otherwise), the caller as a ``Call`` (as the
control plane gets it), the repository (404); and hands a ``RepoRequest`` to the module registered for the format,
which works on that repository while the lock is held. Errors become the
format's own error response (``ProtocolError``) or, for errors raised by the backend, the AWS-style error the
control plane would answer; nothing escapes as a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from time import perf_counter, time
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request, Response

from ..backend.formats import NAMES
from ..bounded import LimitExceeded
from ..dispatch import codec
from ..errors import CodeArtifactError, InternalServerException
from ..settings import DEFAULT_HOST
from ..wire.hosts import repository_endpoint_parts
from .auth import challenge, token_from_header
from .base import ProtocolError, RepoRequest, json_response
from .storage import open_request, record_call, redact_query, utcnow

if TYPE_CHECKING:
    from ..backend.entities import AuthToken
    from ..backend.store import Backend

log = logging.getLogger(__name__)

Handler = Callable[[RepoRequest], Response]
ErrorRenderer = Callable[[int, str, dict[str, str]], Response]

# Every format CodeArtifact knows; a format without a module answers a clean 404.
KNOWN_FORMATS = frozenset(NAMES)


def default_error(status: int, message: str, headers: dict[str, str]) -> Response:
    return json_response(status, {"error": message, "message": message}, headers)


class DataPlaneRouter:
    """The ``data_plane`` of ``CodeArtifactApp``: one instance serves every registered format module.

    Called with the request and the backend; it reaches state only through ``storage/``."""

    def __init__(self, modules: Iterable[ModuleType] | None = None) -> None:
        if modules is None:
            from . import PROTOCOL_MODULES

            modules = PROTOCOL_MODULES
        self.handlers: dict[str, Handler] = {}
        self.errors: dict[str, ErrorRenderer] = {}
        for module in modules:
            self.register(module)

    def register(self, module: ModuleType) -> None:
        """Plug in a format module (``FORMAT``, ``handle``, optional ``render_error``)."""
        fmt: str = module.FORMAT.name
        self.handlers[fmt] = module.handle
        self.errors[fmt] = getattr(module, "render_error", default_error)

    def render_error(self, path: str, status: int, message: str) -> Response:
        """An error in the shape of the format ``path`` addresses (for refusals made before routing)."""
        parts = path.split("/")
        fmt = parts[4] if len(parts) > 5 else ""
        return self.errors.get(fmt, default_error)(status, message, {})

    def __call__(self, request: Request, backend: Backend) -> Response | None:
        segments = _segments(request)
        address = _address(request, segments)
        if address is None:
            return None
        # Recorded in the backend's call log (backend/calls.py), the route and format as its operation.
        started, clock = time(), perf_counter()
        found: list[AuthToken] = []
        response = self._route(request, backend, address, found)
        path = "/" + "/".join(address.rest)
        params: dict[str, Any] = {
            "format": address.fmt,
            "domain": address.domain,
            "domainOwner": address.owner,
            "repository": address.repository,
            "method": request.method,
            "path": path,
        }
        if request.args:
            params["query"] = redact_query(request.args)
        token = found[0] if found else None
        status = response.status_code
        record_call(
            backend,
            f"{address.fmt} {request.method} {path}",
            params,
            token.principal_arn if token is not None else None,
            token.principal_account if token is not None else None,
            address.region,
            status,
            _error_code(response) if status >= 400 else None,
            started,
            perf_counter() - clock,
        )
        return response

    def _route(self, request: Request, backend: Backend, address: _Address, found: list[AuthToken]) -> Response:
        region, domain, owner, fmt, repository, rest, prefix = address
        render = self.errors.get(fmt, default_error)
        handler = self.handlers.get(fmt)
        if handler is None:
            return render(404, f"The {fmt} format has no repository endpoint in mock-codeartifact", {})
        if not rest:
            # ".../{format}/{repository}" without the trailing slash: the endpoint always ends with "/".
            rest = [""]
        raw_token = token_from_header(request.headers.get("Authorization"))
        with open_request(backend, region, domain, owner, repository, raw_token, utcnow()) as opened:
            token, call, repo = opened.token, opened.call, opened.repository
            if token is None or call is None:
                return render(
                    401,
                    "Unauthorized: a valid CodeArtifact authorization token is required",
                    challenge(domain, owner, region),
                )
            found.append(token)
            if repo is None:
                return render(
                    404, f"Repository '{repository}' in domain '{domain}' owned by '{owner}' does not exist", {}
                )
            base = f"{prefix}{fmt}/{repository}/"
            return self._handle(
                handler, RepoRequest(request, call, owner, domain, repository, fmt, rest, base, token, repo), render
            )

    def _handle(self, handler: Handler, req: RepoRequest, render: ErrorRenderer) -> Response:
        """The format module's answer; its refusals and failures in the format's shape or AWS's."""
        request = req.request
        try:
            return handler(req)
        except ProtocolError as error:
            return render(error.status, error.message, error.headers)
        except LimitExceeded as error:  # an upload larger than a cap of limits.py, refused before it was unpacked
            return render(error.status, error.message, {})
        except CodeArtifactError as error:
            answer = codec().encode_error(error)
            return Response(answer.body, status=answer.status, headers=answer.headers)
        except Exception:
            log.exception("mock-codeartifact data plane failed on %s %s", request.method, request.path)
            answer = codec().encode_error(InternalServerException("An internal error occurred in mock-codeartifact"))
            return Response(answer.body, status=answer.status, headers=answer.headers)


class _Address(NamedTuple):
    """Where a repository-endpoint request goes; ``prefix`` is the endpoint's URL up to the format."""

    region: str
    domain: str
    owner: str
    fmt: str
    repository: str
    rest: list[str]
    prefix: str


def _address(request: Request, segments: list[str]) -> _Address | None:
    """The request's repository endpoint, or None when the path is not one."""
    host = request.environ.get("HTTP_HOST", "")
    parts = repository_endpoint_parts(host) if "codeartifact" in host else None
    if parts is not None:
        # AWS's own addressing: the domain, owner and region are in the host name, the path starts with the
        # format (the in-process mock's answer to requests made to the real host names).
        if len(segments) < 2 or segments[0] not in KNOWN_FORMATS:
            return None
        (domain, owner, region), (fmt, repository) = parts, segments[:2]
        return _Address(region, domain, owner, fmt, repository, segments[2:], _host_url(request))
    if len(segments) < 5 or segments[3] not in KNOWN_FORMATS:
        return None
    region, domain, owner, fmt, repository = segments[:5]
    return _Address(
        region, domain, owner, fmt, repository, segments[5:], f"{_host_url(request)}{region}/{domain}/{owner}/"
    )


def _error_code(response: Response) -> str:
    """The AWS error code of an AWS-style error answer, else the status's name (``NotFound``)."""
    code = response.headers.get("x-amzn-ErrorType")
    if code:
        return code.split(":", 1)[0]
    return "".join(word.capitalize() for word in HTTP_STATUS_CODES.get(response.status_code, "Error").split())


_HOST = re.compile(r"[A-Za-z0-9.\-\[\]:]+")


def _host_url(request: Request) -> str:
    """``scheme://host/`` as the client addressed the server (werkzeug's ``host_url`` costs a full URL rebuild)."""
    environ = request.environ
    host = environ.get("HTTP_HOST", "")
    if not _HOST.fullmatch(host):
        host = f"{environ.get('SERVER_NAME', DEFAULT_HOST)}:{environ.get('SERVER_PORT', '80')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}/"


def _segments(request: Request) -> list[str]:
    """Path segments, each percent-decoded on its own, so ``@scope%2Fname`` stays one segment."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path = raw.split("?", 1)[0]
        if "://" in path:  # an absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        parts = path.split("/")[1:]
        return [unquote(p, errors="replace") for p in parts]
    return request.path.split("/")[1:]
