"""The WSGI application: the same codec, dispatcher and backend as in-process mocking, over real HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from werkzeug.wrappers import Request, Response

from .. import bounded, events
from ..authorization import enforce
from ..backend import Backend
from ..backend.calls import parse_since
from ..bounded import LimitExceeded
from ..dispatch import Dispatcher, codec
from ..events.endpoint import EndpointDelivery
from ..iam import identity
from ..wire import Headers, HttpRequest
from . import sts
from .body_limit import BadLength, BodyTooLarge, bound_body
from .events_api import events_api
from .guard import Guard

# A data-plane handler gets the request and the backend, and returns a response, or None when the path is not its own.
DataPlane = Callable[[Request, Backend], Response | None]


class CodeArtifactApp:
    """A WSGI app serving the CodeArtifact API (``/v1/...``), ``/_mock/...``, repository endpoints and
    ``sts:GetCallerIdentity`` (``POST /``)."""

    def __init__(
        self,
        backend: Backend | None = None,
        data_plane: DataPlane | None = None,
        authorization: bool = True,
        events_endpoint: str | None = None,
        guard: Guard | None = None,
    ) -> None:
        self.backend = backend or Backend()
        # Which Host names are served, cross-site rules for /_mock/, the admin token (server/guard.py).
        self.guard = guard or Guard()
        # CodeArtifact's EventBridge events (docs/events.md): to moto's EventBridge when moto's mock_aws is active
        # in this process, and with events_endpoint (--events-endpoint) to that EventBridge API.
        events.attach(self.backend)
        self.events_delivery: EndpointDelivery | None = None
        if events_endpoint:
            self.events_delivery = EndpointDelivery(events_endpoint)
            self.backend.changes.add_listener(self.events_delivery)
        # authorization=False (--no-authorization): resource policies and cross-account rules are not enforced,
        # neither on the API nor on the repository endpoints.
        self.authorization = authorization
        self.dispatcher = Dispatcher(self.backend, codec(), authorization=authorization)
        if not authorization:
            enforce.set_enabled_for(self.backend, False)
        if data_plane is None:  # the repository endpoints of real package managers (mock_codeartifact.protocols)
            from ..protocols.router import DataPlaneRouter

            data_plane = DataPlaneRouter()
        self.data_plane = data_plane
        # Set by mock_codeartifact.state.http.enable_persistence (server --state-dir): runs each request (given
        # the request and self.handle) so that its changes are durable before the answer goes out, or undone.
        self.transaction: Callable[[Request, Callable[[Request], Response]], Response] | None = None

    def close(self) -> None:
        """Stop delivering events to ``events_endpoint`` (what is queued gets one more attempt)."""
        if self.events_delivery is not None:
            self.backend.changes.remove_listener(self.events_delivery)
            self.events_delivery.close()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        refused = self.guard.check(environ)
        if refused is not None:
            response = self.refuse(environ.get("PATH_INFO", "/"), refused.status, refused.message)
            return response(environ, start_response)
        try:
            bound_body(environ)  # one body limit for every route, before anything reads the body
        except (BodyTooLarge, BadLength) as exc:
            status = 413 if isinstance(exc, BodyTooLarge) else 400
            response = self.refuse(environ.get("PATH_INFO", "/"), status, str(exc))
        else:
            request = Request(environ)
            if self.transaction is not None:
                response = self.transaction(request, self.handle)
            else:
                response = self.handle(request)
        if environ.get("mock_codeartifact.set_admin_cookie"):
            response.headers.add(*self.guard.cookie_header())
        return response(environ, start_response)

    def refuse(self, path: str, status: int, message: str) -> Response:
        """A refusal before routing, in the shape each kind of client expects: an AWS-style error on the control
        plane (``x-amzn-ErrorType``), the format's own error body on a repository endpoint, JSON elsewhere."""
        if path.startswith("/v1/"):
            code = _REFUSAL_CODES.get(status, "ValidationException")
            headers = {"x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())}
            return Response(json.dumps({"message": message}), status, headers, content_type="application/json")
        render = getattr(self.data_plane, "render_error", None)
        if render is not None and not path.startswith("/_mock/"):
            response: Response = render(path, status, message)
            return response
        return _json(status, {"message": message})

    def handle(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_mock/"):
            return self._mock_api(request)
        if path == "/" and sts.is_sts_request(request):  # sts:GetCallerIdentity (server/sts.py)
            return sts.answer(request)
        if path.startswith("/v1/"):
            base = request.host_url.rstrip("/")
            http_request = HttpRequest(
                request.method,
                path,
                request.query_string.decode("latin-1"),
                Headers(cast("Mapping[str, Any]", request.headers)),  # werkzeug's Headers: a mapping in all but type
                request.get_data(),
                request.host,
            )
            answer = self.dispatcher.handle(http_request, endpoint=base)
            # Header values outside latin-1 (a non-ASCII X-AssetName) go on the wire as their UTF-8 bytes.
            headers = {k: v if v.isascii() else v.encode().decode("latin-1") for k, v in answer.headers.items()}
            return Response(answer.body, status=answer.status, headers=headers)
        if self.data_plane is not None:
            response = self.data_plane(request, self.backend)
            if response is not None:
                return response
        return _json(404, {"message": f"No route for {request.method} {path}"})

    def _mock_api(self, request: Request) -> Response:
        if request.path == "/_mock/health" and request.method in ("GET", "HEAD"):
            health: dict[str, Any] = {"status": "ok"}
            if self.events_delivery is not None:
                health["events"] = self.events_delivery.stats()
            return _json(200, health)
        if request.path == "/_mock/events":
            return events_api(request, self.backend)
        if request.path == "/_mock/ui" or request.path.startswith("/_mock/ui/"):  # read-only dashboard
            from .dashboard import handle as dashboard

            return dashboard(request, self.backend)
        if request.path.startswith("/_mock/external"):  # stand-ins for external connections
            from .external_api import http_api

            try:
                return http_api(request, self.backend)
            except LimitExceeded as exc:  # a stand-in's package read through bounded (its archive, its metadata)
                return _json(413, {"message": exc.message})
        if request.path == "/_mock/state":  # export / import (mock_codeartifact.state.http)
            from ..state.http import state_api

            return state_api(request, self.backend)
        if request.path == "/_mock/reset" and request.method == "POST":
            self.backend.reset()
            identity.clear()
            return _json(200, {"status": "reset"})
        if request.path == "/_mock/principals":
            return _principals(request)
        if request.path == "/_mock/calls":
            if request.method not in ("GET", "HEAD"):
                return _json(405, {"message": "Use GET"})
            return self._calls(request)
        return _json(404, {"message": f"No route for {request.method} {request.path}"})

    def _calls(self, request: Request) -> Response:
        """``GET /_mock/calls``: the call log, newest last; ``?operation=``, ``?status=`` (``404``, ``4xx``,
        ``error``), ``?since=`` (ISO 8601 or epoch seconds) and ``?after=`` (a sequence number) filter it."""
        args = request.args
        try:
            since = parse_since(args["since"]) if args.get("since") else None
            after = int(args["after"]) if args.get("after") else None
        except ValueError as exc:
            return _json(400, {"message": str(exc)})
        log = self.backend.calls
        records = log.select(args.get("operation") or None, args.get("status") or None, since, after)
        return _json(200, {"calls": [r.to_json() for r in records], "size": log.size, "stamp": log.stamp})


_REFUSAL_CODES = {413: "RequestEntityTooLargeException", 403: "AccessDeniedException", 401: "UnauthorizedException"}


def _principals(request: Request) -> Response:
    """``GET`` lists the registered access keys; ``POST {"accessKeyId", "principalArn"}`` registers one
    (``mock_codeartifact.principals.register`` over HTTP, for a server in another process)."""
    if request.method == "GET":
        return _json(200, {"principals": identity.registered()})
    if request.method != "POST":
        return _json(405, {"message": "Use GET or POST"})
    try:
        body = bounded.loads_json(request.get_data() or b"{}", "the body")
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        identity.register(str(body.get("accessKeyId") or ""), str(body.get("principalArn") or ""))
    except LimitExceeded as exc:
        return _json(413, {"message": exc.message})
    except ValueError as exc:
        return _json(400, {"message": str(exc)})
    return _json(200, {"principals": identity.registered()})


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
