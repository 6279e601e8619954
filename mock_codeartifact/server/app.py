"""The WSGI application: the same codec, dispatcher and backend as in-process mocking, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from werkzeug.wrappers import Request, Response

from .. import events
from ..backend import Backend
from ..bounded import LimitExceeded
from ..dispatch import Dispatcher, codec
from ..events.endpoint import EndpointDelivery
from ..wire import Headers, HttpRequest, aws_error
from . import mock_api, sts
from .body_limit import BadLength, bound_body
from .guard import Guard
from .mock_api import json_answer

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
        # authorization=False (--no-authorization): resource policies and cross-account rules are not enforced on
        # this backend, neither on the API nor on the repository endpoints (the dispatcher turns the switch off).
        self.authorization = authorization
        self.dispatcher = Dispatcher(self.backend, codec(), authorization=authorization)
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
        except LimitExceeded as exc:  # BodyTooLarge
            response = self.refuse(environ.get("PATH_INFO", "/"), exc.status, exc.message)
        except BadLength as exc:
            response = self.refuse(environ.get("PATH_INFO", "/"), 400, str(exc))
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
            headers, body = aws_error.render(_REFUSAL_CODES.get(status, "ValidationException"), message)
            return Response(body, status, headers)
        render = getattr(self.data_plane, "render_error", None)
        if render is not None and not path.startswith("/_mock/"):
            response: Response = render(path, status, message)
            return response
        return json_answer(status, {"message": message})

    def handle(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_mock/"):
            return mock_api.handle(self, request)  # the server's own routes (server/mock_api.py)
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
        return json_answer(404, {"message": f"No route for {request.method} {path}"})


_REFUSAL_CODES = {413: "RequestEntityTooLargeException", 403: "AccessDeniedException", 401: "UnauthorizedException"}
