"""botocore's requests answered in-process: the ``before-send.codeartifact`` handler's answer, fake credentials for
clients made without any, and fallbacks for sessions made before this module was imported.

At import, :func:`.send_hook.before_send` (which the moto integration may have registered already) joins
``botocore.handlers.BUILTIN_HANDLERS`` (registered first), so every session created afterwards carries it —
botocore's and aiobotocore's (``AioSession`` builds on the same list). The specific event name makes it win over
moto's catch-all ``before-send`` handler in either order. Sessions and clients created earlier lack the handler:
while installed, ``URLLib3Session.send`` is wrapped as a fallback that answers requests to CodeArtifact hosts, and the
boto3 default session gets the handler once per session object.
"""

from __future__ import annotations

import sys
import weakref
from typing import Any

import botocore.credentials
import botocore.handlers
import botocore.httpsession

from ..environment import FAKE_ENV
from ..wire import HttpRequest
from ..wire.hosts import host_of, is_api_host, is_loopback
from . import answers, send_hook
from .answers import body_bytes, headers_of, respond
from .responses import Response
from .send_hook import before_send

_real_urllib3_send = botocore.httpsession.URLLib3Session.send


def install() -> None:
    send_hook.set_handler(botocore_answer)
    _register_on_default_session()
    botocore.httpsession.URLLib3Session.send = _fallback_send


def uninstall() -> None:
    send_hook.set_handler(None)
    botocore.httpsession.URLLib3Session.send = _real_urllib3_send


def botocore_answer(request: Any) -> Response | None:
    """The in-process answer to a botocore request while installed (``before_send`` hands requests here)."""
    answer = answers.answer
    url = request.url
    if answer is None or is_loopback(host_of(url)):  # before the body is read: a stream is the server's to send
        return None
    return Response(
        url, answer(HttpRequest.from_url(request.method, url, headers_of(request.headers), body_bytes(request.body)))
    )


def _fallback_send(self: Any, request: Any) -> Any:
    # Only for clients whose session predates this module (they lack the before-send handler).
    if answers.answer is not None and is_api_host(host_of(request.url)):
        return Response(request.url, respond(request.method, request.url, request.headers, request.body))
    return _real_urllib3_send(self, request)


def _before_sign(request: Any = None, request_signer: Any = None, **kwargs: Any) -> None:
    # A client created while no credentials were configured has none, and signing (which precedes before-send)
    # would raise NoCredentialsError. While installed, sign that request with fake ones, for this request only
    # (the client itself is left as it is).
    if answers.answer is None or request is None or getattr(request_signer, "_credentials", False) is not None:
        return
    # A new dict: the one in the context can be shared with the client's cached endpoint resolution.
    signing = request.context.get("signing") or {}
    request.context["signing"] = {**signing, "request_credentials": _fake_credentials(request_signer)}


def _fake_credentials(request_signer: Any) -> Any:
    keys = (FAKE_ENV["AWS_ACCESS_KEY_ID"], FAKE_ENV["AWS_SECRET_ACCESS_KEY"], FAKE_ENV["AWS_SESSION_TOKEN"])
    if type(request_signer).__module__.startswith("aiobotocore"):
        from aiobotocore.credentials import AioCredentials  # aiobotocore awaits its credentials

        return AioCredentials(*keys)
    return botocore.credentials.Credentials(*keys)


send_hook.register_builtin()
_BUILTIN_SIGN = ("before-sign.codeartifact", _before_sign)
if _BUILTIN_SIGN not in botocore.handlers.BUILTIN_HANDLERS:
    botocore.handlers.BUILTIN_HANDLERS.append(_BUILTIN_SIGN)

_SEND_ID = "mock-codeartifact-before-send"
_SIGN_ID = "mock-codeartifact-before-sign"
_registered_sessions: weakref.WeakSet[Any] = weakref.WeakSet()


def _register_on_default_session() -> None:
    """A boto3 default session created before import lacks the built-in handler: add it, once per session."""
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None)
    if session is None or session in _registered_sessions:
        return
    # botocore runs *every* before-send handler (the first answer wins), so a session made after import, which
    # already carries the built-in registration, must not get a second one: each call would be applied twice.
    # Drop whatever is there and leave exactly one registration.
    events = session.events
    events.unregister("before-send.codeartifact", before_send)
    events.register_first("before-send.codeartifact", before_send, unique_id=_SEND_ID)
    events.unregister("before-sign.codeartifact", _before_sign)
    events.register("before-sign.codeartifact", _before_sign, unique_id=_SIGN_ID)
    _registered_sessions.add(session)
