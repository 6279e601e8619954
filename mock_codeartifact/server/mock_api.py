"""The server's own routes, ``/_mock/...``: one ``werkzeug.routing.Map``, one endpoint function per route.

A path no rule matches is a 404, a method its rule does not allow a 405 with ``Allow`` (JSON ``{"message"}``
either way), and a cap of ``mock_codeartifact.bounded`` hit while reading a body is its 413 (``LimitExceeded``),
for every route alike. The dashboard (``/_mock/ui`` and below) routes its own pages (``dashboard/routes.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.wrappers import Request, Response

from .. import bounded
from ..backend import Backend
from ..backend.calls import parse_since
from ..bounded import LimitExceeded
from ..events.endpoint import EndpointDelivery
from ..iam import caller
from .events_api import events_api


class ServedApp(Protocol):
    """What the routes need of the app they serve (``server.app.CodeArtifactApp``)."""

    backend: Backend
    events_delivery: EndpointDelivery | None


Endpoint = Callable[..., Response]


class _Rest(BaseConverter):
    """The rest of the path, empty included (the dashboard parses its own)."""

    regex = ".*"
    part_isolating = False


_GET = ["GET", "HEAD"]

ROUTES = Map(
    [
        Rule("/_mock/health", endpoint="health", methods=_GET),
        Rule("/_mock/reset", endpoint="reset", methods=["POST"]),
        Rule("/_mock/state", endpoint="state", methods=[*_GET, "PUT"]),
        Rule("/_mock/calls", endpoint="calls", methods=_GET),
        Rule("/_mock/events", endpoint="events", methods=_GET),
        Rule("/_mock/principals", endpoint="principals", methods=["GET", "POST"]),
        Rule("/_mock/external", endpoint="external_clear", methods=["DELETE"]),
        Rule("/_mock/external/<connection>", endpoint="external_add", methods=["POST"]),
        Rule("/_mock/external/<connection>/<package>", endpoint="external_remove", methods=["DELETE"]),
        # Every method: the dashboard answers anything but GET with its own read-only 405.
        Rule("/_mock/ui", endpoint="ui"),
        Rule("/_mock/ui/<rest:rest>", endpoint="ui"),
    ],
    converters={"rest": _Rest},
    strict_slashes=False,  # /_mock/external/ is /_mock/external, as it always was
    merge_slashes=False,
    redirect_defaults=False,
)


def json_answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """A JSON answer of the ``/_mock/`` routes (``{"message": ...}`` for an error)."""
    return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")


def limit_exceeded(error: LimitExceeded) -> Response:
    """The one answer to a body over a cap on the ``/_mock/`` routes: ``LimitExceeded.status`` (413)."""
    return json_answer(error.status, {"message": error.message})


def handle(app: ServedApp, request: Request) -> Response:
    """Answer a ``/_mock/...`` request of ``app``."""
    try:
        endpoint, args = ROUTES.bind("").match(request.path, request.method)
    except MethodNotAllowed as refused:
        allowed = list(refused.valid_methods or ())
        return json_answer(
            405,
            {"message": f"{request.method} is not allowed on {request.path}: use {' or '.join(allowed)}"},
            {"Allow": ", ".join(allowed)},
        )
    except NotFound:
        return json_answer(404, {"message": f"No route for {request.method} {request.path}"})
    try:
        return _ENDPOINTS[str(endpoint)](app, request, **args)
    except LimitExceeded as error:  # a body (or a stand-in's package) read through bounded, over a cap
        return limit_exceeded(error)


def _health(app: ServedApp, request: Request) -> Response:
    health: dict[str, Any] = {"status": "ok"}
    if app.events_delivery is not None:
        health["events"] = app.events_delivery.stats()
    return json_answer(200, health)


def _reset(app: ServedApp, request: Request) -> Response:
    app.backend.reset()
    caller.clear()
    return json_answer(200, {"status": "reset"})


def _state(app: ServedApp, request: Request) -> Response:
    from ..state.http import state_api  # export / import (mock_codeartifact.state.http)

    return state_api(request, app.backend)


def _calls(app: ServedApp, request: Request) -> Response:
    """``GET /_mock/calls``: the call log, newest last; ``?operation=``, ``?status=`` (``404``, ``4xx``,
    ``error``), ``?since=`` (ISO 8601 or epoch seconds) and ``?after=`` (a sequence number) filter it."""
    args = request.args
    try:
        since = parse_since(args["since"]) if args.get("since") else None
        after = int(args["after"]) if args.get("after") else None
    except ValueError as exc:
        return json_answer(400, {"message": str(exc)})
    log = app.backend.calls
    records = log.select(args.get("operation") or None, args.get("status") or None, since, after)
    return json_answer(200, {"calls": [r.to_json() for r in records], "size": log.size, "stamp": log.stamp})


def _events(app: ServedApp, request: Request) -> Response:
    return events_api(request, app.backend)


def _principals(app: ServedApp, request: Request) -> Response:
    """``GET`` lists the registered access keys; ``POST {"accessKeyId", "principalArn"}`` registers one
    (``mock_codeartifact.principals.register`` over HTTP, for a server in another process)."""
    if request.method == "POST":
        try:
            body = bounded.loads_json(request.get_data() or b"{}", "the body")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            caller.register(str(body.get("accessKeyId") or ""), str(body.get("principalArn") or ""))
        except ValueError as exc:
            return json_answer(400, {"message": str(exc)})
    return json_answer(200, {"principals": caller.registered()})


def _external_clear(app: ServedApp, request: Request) -> Response:
    from . import external_api  # the stand-ins (protocols/external.py), loaded when first used

    return external_api.clear(app.backend)


def _external_add(app: ServedApp, request: Request, connection: str) -> Response:
    from . import external_api  # the stand-ins (protocols/external.py), loaded when first used

    return external_api.add(request, app.backend, connection)


def _external_remove(app: ServedApp, request: Request, connection: str, package: str) -> Response:
    from . import external_api  # the stand-ins (protocols/external.py), loaded when first used

    return external_api.remove(request, app.backend, connection, package)


def _ui(app: ServedApp, request: Request, rest: str = "") -> Response:
    from .dashboard import handle as dashboard  # read-only dashboard

    return dashboard(request, app.backend)


_ENDPOINTS: dict[str, Endpoint] = {
    "health": _health,
    "reset": _reset,
    "state": _state,
    "calls": _calls,
    "events": _events,
    "principals": _principals,
    "external_clear": _external_clear,
    "external_add": _external_add,
    "external_remove": _external_remove,
    "ui": _ui,
}
