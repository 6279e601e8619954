"""The dispatch table: the one place that knows both the model's operation names and the backend's functions.

Each operation ``CreateDomain`` is served by the function ``create_domain`` of one backend module; the table is
derived from the model once, at import, and a test checks that all operations are covered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from time import perf_counter, time
from types import ModuleType
from typing import Any

from botocore import xform_name

from .authorization import switch
from .authorization.enforce import Authorizer
from .backend import Backend, Call, domains, package_groups, packages, policies, repositories, tags, tokens
from .errors import AccessDeniedException, CodeArtifactError, InternalServerException, ValidationException
from .iam.caller import Principal, principal_of, region_of
from .wire import Codec, HttpRequest, HttpResponse

log = logging.getLogger(__name__)

Handler = Callable[..., dict[str, Any]]

BACKEND_MODULES: tuple[ModuleType, ...] = (domains, repositories, policies, tokens, tags, packages, package_groups)


def _handlers(codec: Codec) -> dict[str, Handler]:
    table: dict[str, Handler] = {}
    for name in codec.operations:
        fn_name = xform_name(name)
        for module in BACKEND_MODULES:
            fn = getattr(module, fn_name, None)
            if fn is not None:
                table[name] = fn
                break
    return table


class Dispatcher:
    """Decode a request, authorize it, call the backend, encode its answer (or its modeled error).

    ``authorization=False`` turns the authorization switch (``mock_codeartifact.authorization.switch``) off for
    ``backend`` (the server's ``--no-authorization``).
    """

    def __init__(self, backend: Backend, codec: Codec, authorization: bool = True) -> None:
        self.backend = backend
        self.codec = codec
        self.handlers = _handlers(codec)
        self.authorization = authorization
        if not authorization:
            switch.turn_off(backend)
        self.authorizer = Authorizer(backend, codec.model)

    def handle(self, request: HttpRequest, endpoint: str | None = None) -> HttpResponse:
        started, clock = time(), perf_counter()
        operation: str | None = None
        payload: str | None = None
        params: dict[str, Any] = {}
        principal: Principal | None = None
        region: str | None = None
        error: str | None = None
        try:
            spec = self.codec.route(request)
            operation, payload = spec.name, spec.payload
            params = self.codec.decode(spec, request)
            handler = self.handlers.get(spec.name)
            if handler is None:
                raise ValidationException(
                    f"The operation {spec.name} is not implemented by mock-codeartifact",
                    reason="UNKNOWN_OPERATION",
                )
            names = spec.py_names
            principal = principal_of(request)
            region = region_of(request)
            try:
                self.authorizer.check_operation(spec.name, params, principal, region)
            except AccessDeniedException:
                # The switch is read only after a denial (benchmarks/README.md, "The hot path").
                if switch.enforced(self.backend):
                    raise
            call = Call(self.backend, principal.account, region, endpoint, principal_arn=principal.arn)
            result = handler(call, **{names[k]: v for k, v in params.items()})
            response = spec.encode(result)
        except CodeArtifactError as exc:
            response = self.codec.encode_error(exc)
            error = exc.code
        except Exception:  # a bug in the mock: answer like AWS would, and leave a trace for the developer
            log.exception("mock-codeartifact failed on %s %s", request.method, request.path)
            response = self.codec.encode_error(
                InternalServerException("An internal error occurred in mock-codeartifact")
            )
            error = InternalServerException.code
        if error is not None:
            principal, region = _identity_after_error(request, principal, region)
        if payload is not None and payload in params:  # an asset body: logged as its size
            # ``params`` is this request's own dict, and the handler has had its arguments: replaced in place.
            params[payload] = f"<{len(params[payload])} bytes>"
        self.backend.calls.record(
            operation or f"{request.method} {request.path}",
            params,
            principal.arn if principal is not None else None,
            principal.account if principal is not None else None,
            region,
            response.status,
            error,
            started,
            perf_counter() - clock,
        )
        return response


def _identity_after_error(
    request: HttpRequest, principal: Principal | None, region: str | None
) -> tuple[Principal | None, str | None]:
    """Who asked, and where, for a call that failed before they were resolved."""
    try:
        return principal or principal_of(request), region or region_of(request)
    except Exception:  # an identity that cannot be resolved is left out of the log, not turned into an error
        return principal, region


_CODEC: Codec | None = None


def codec() -> Codec:
    global _CODEC
    if _CODEC is None:
        _CODEC = Codec()
    return _CODEC
