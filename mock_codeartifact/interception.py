"""Interception: how CodeArtifact requests reach the in-process answer instead of the network.

* At import, a handler for botocore's service-specific ``before-send.codeartifact`` event
  (:func:`.send_hook.before_send`, which the moto integration may have registered already) joins
  ``botocore.handlers.BUILTIN_HANDLERS`` (registered first), so every session created afterwards carries it —
  botocore's and aiobotocore's (``AioSession`` builds on the same list). The specific event name makes it win over
  moto's catch-all ``before-send`` handler in either order. While installed, it hands requests to :func:`botocore_answer`.
* Its answer is an ``AWSResponse`` for botocore. aiobotocore awaits whatever a handler returns when it is
  awaitable; awaited, the answer becomes an ``AioAWSResponse`` whose body aiobotocore reads with ``await``
  (``await body.read()``, ``async for chunk in body``). So one handler serves both, and botocore never sees a
  coroutine.
* Sessions and clients created before this module was imported do not carry the handler; while installed,
  ``URLLib3Session.send`` (and aiobotocore's HTTP sessions, when aiobotocore is loaded) are wrapped as a fallback
  that answers requests to CodeArtifact hosts. The boto3 default session gets the handler once per session object.
* ``requests`` calls to CodeArtifact hosts are answered through one private ``responses`` mock, built once and
  only started and stopped per installation; it passes every other request on to whatever ``HTTPAdapter.send``
  was in place when it started (a user's own ``responses`` mock, moto's, or the network). Calls to the API hosts
  get the API's answer; calls to repository-endpoint hosts the repository endpoints' (``inprocess_endpoints``).

Requests to a loopback endpoint (a ``ThreadedCodeArtifactServer``) are never intercepted.
"""

from __future__ import annotations

import io
import json
import sys
import weakref
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from typing import Any

import botocore.credentials
import botocore.handlers
import botocore.httpsession
from botocore.awsrequest import AWSResponse

from . import send_hook
from .environment import FAKE_ENV
from .send_hook import before_send
from .wire import Headers, HttpRequest, HttpResponse
from .wire.hosts import (
    API_HOST,
    REPOSITORY_ENDPOINT_HOST,
    host_of,
    is_api_host,
    is_loopback,
    not_url_pattern,
    url_pattern,
)

Answer = Callable[[HttpRequest], HttpResponse]
# (method, url, headers, body) -> (status, headers, body): the repository endpoints (inprocess_endpoints.py).
EndpointAnswer = Callable[[str, str, Any, bytes], tuple[int, dict[str, str], bytes]]

_answer: Answer | None = None
_endpoints: EndpointAnswer | None = None
_real_urllib3_send = botocore.httpsession.URLLib3Session.send


def install(answer: Answer, endpoints: EndpointAnswer | None = None) -> None:
    """Answer every CodeArtifact request with ``answer`` (``requests`` to repository-endpoint hosts with
    ``endpoints``) until :func:`uninstall`."""
    global _answer, _endpoints
    _answer, _endpoints = answer, endpoints
    send_hook.set_handler(botocore_answer)
    _register_on_default_session()
    botocore.httpsession.URLLib3Session.send = _fallback_send
    _install_aio_fallback()
    _requests_mock.start()


def uninstall() -> None:
    global _answer, _endpoints
    send_hook.set_handler(None)
    botocore.httpsession.URLLib3Session.send = _real_urllib3_send
    _uninstall_aio_fallback()
    _requests_mock.stop()
    _answer = _endpoints = None


# --------------------------------------------------------------------------- botocore


class RawBody(io.BytesIO):
    """What botocore reads a response body from: ``stream()`` for buffered bodies, ``read()`` for streams."""

    def stream(self, amt: int = 65536, decode_content: bool | None = None) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


class AioRawBody:
    """What aiobotocore reads a body from: ``await raw.read()``, and ``raw.content`` for streamed bodies; the part of
    aiohttp's ``ClientResponse`` that aiobotocore uses (``raw_headers``: aiobotocore before 2.21 reads the headers
    there)."""

    def __init__(self, url: str, data: bytes, headers: Any) -> None:
        self.url = url
        self.content = _AioContent(data)
        self.raw_headers = tuple((str(k).encode("utf-8"), str(v).encode("utf-8")) for k, v in headers.items())

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        self.content.close()

    def release(self) -> None:
        self.content.close()

    # aiohttp's ClientResponse is its own async context manager; aiobotocore 2.x's ``async with body`` delegates to
    # it (and yields it), 3.x handles ``async with`` itself. .ci/versions runs the async tests on both.
    async def __aenter__(self) -> AioRawBody:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.release()


class _AioContent:
    """The part of aiohttp's ``StreamReader`` that aiobotocore's ``AioStreamingBody`` uses."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    async def read(self, amt: int = -1) -> bytes:
        return self._data.read(amt if amt is not None and amt >= 0 else -1)

    def at_eof(self) -> bool:
        return self._data.tell() >= len(self._data.getbuffer())

    def close(self) -> None:
        pass

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        while chunk := await self.read(n):
            yield chunk


class Response(AWSResponse):  # type: ignore[misc]  # botocore ships no types
    """The mock's answer: an ``AWSResponse`` for botocore, and, awaited (only aiobotocore awaits it), the same
    answer as an ``AioAWSResponse``."""

    def __await__(self) -> Generator[Any, None, Any]:
        from aiobotocore.awsrequest import AioAWSResponse

        return AioAWSResponse(self.url, self.status_code, self.headers, AioRawBody(self.url, self._body, self.headers))
        yield  # a generator that returns at once: nothing to wait for

    def __init__(self, url: str, answer: HttpResponse) -> None:
        headers = answer.headers  # the answer's own dict, made for this response
        headers["Content-Length"] = str(len(answer.body))
        super().__init__(url, answer.status, headers, RawBody(answer.body))
        self._body = answer.body


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    if hasattr(body, "read"):
        start = body.tell() if hasattr(body, "tell") else None
        data = body.read()
        if start is not None and hasattr(body, "seek"):
            body.seek(start)  # botocore may retry and re-read the same stream
        return data if isinstance(data, bytes) else data.encode()
    return b"".join(_body_bytes(part) for part in body)


def _headers(source: Any) -> Headers:
    # botocore's HeadersDict answers every lookup through two Python-level methods, and raises (and catches) a
    # KeyError for each absent header; the codec looks up several that are usually absent. Its keys already
    # carry their lower-case form, so one pass makes a plain dict. Anything else is wrapped as it is.
    inner = getattr(source, "_dict", None)
    if type(inner) is dict:
        try:
            return Headers.from_lowered({key._lower: value for key, value in inner.items()})
        except AttributeError:  # not botocore's layout after all
            pass
    return Headers(source)


def _respond(method: str, url: str, headers: Any, body: Any) -> HttpResponse:
    answer = _answer
    if answer is None:  # uninstalled by another thread meanwhile
        raise RuntimeError("mock_codeartifact is not active")
    return answer(HttpRequest.from_url(method, url, _headers(headers), _body_bytes(body)))


def botocore_answer(request: Any) -> Response | None:
    """The in-process answer to a botocore request while installed (``before_send`` hands requests here)."""
    answer = _answer
    url = request.url
    if answer is None or is_loopback(host_of(url)):  # before the body is read: a stream is the server's to send
        return None
    return Response(
        url, answer(HttpRequest.from_url(request.method, url, _headers(request.headers), _body_bytes(request.body)))
    )


def _fallback_send(self: Any, request: Any) -> Any:
    # Only for clients whose session predates this module (they lack the before-send handler).
    if _answer is not None and is_api_host(host_of(request.url)):
        return Response(request.url, _respond(request.method, request.url, request.headers, request.body))
    return _real_urllib3_send(self, request)


def _before_sign(request: Any = None, request_signer: Any = None, **kwargs: Any) -> None:
    # A client created while no credentials were configured has none, and signing (which precedes before-send)
    # would raise NoCredentialsError. While installed, sign that request with fake ones, for this request only
    # (the client itself is left as it is).
    if _answer is None or request is None or getattr(request_signer, "_credentials", False) is not None:
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


# --------------------------------------------------------------------------- aiobotocore sessions made before import

_aio_patched: list[tuple[Any, Any]] = []


def _install_aio_fallback() -> None:
    # Only when aiobotocore is already loaded: importing it (and aiohttp) costs more than a whole activation.
    module = sys.modules.get("aiobotocore.httpsession")
    if module is None or _aio_patched:
        return
    for name in ("AIOHTTPSession",):
        cls = getattr(module, name, None)
        if cls is not None:
            _aio_patched.append((cls, cls.send))
            cls.send = _aio_fallback(cls.send)
    httpx_module = sys.modules.get("aiobotocore.httpxsession")
    cls = getattr(httpx_module, "HttpxSession", None)
    if cls is not None:
        _aio_patched.append((cls, cls.send))
        cls.send = _aio_fallback(cls.send)


def _uninstall_aio_fallback() -> None:
    while _aio_patched:
        cls, send = _aio_patched.pop()
        cls.send = send


def _aio_fallback(real_send: Any) -> Any:
    async def send(self: Any, request: Any) -> Any:
        if _answer is not None and is_api_host(host_of(request.url)):
            return await Response(request.url, _respond(request.method, request.url, request.headers, request.body))
        return await real_send(self, request)

    return send


# --------------------------------------------------------------------------- requests


def _requests_callback(request: Any) -> tuple[int, dict[str, str], bytes]:
    response = _respond(request.method, request.url, request.headers, request.body)
    return response.status, response.headers, response.body


def _repository_endpoint_callback(request: Any) -> tuple[int, dict[str, str], bytes]:
    # A real repository host: the repository-endpoint application over the mock's state.
    endpoints = _endpoints
    if endpoints is not None:
        return endpoints(request.method, request.url, request.headers, _body_bytes(request.body))
    message = "mock_codeartifact is not active"  # uninstalled by another thread meanwhile
    return 503, {"Content-Type": "application/json"}, json.dumps({"message": message}).encode()


class _RequestsMock:
    """One ``responses`` mock for the process, put in place and taken out with each installation.

    ``responses``' own ``start()`` resolves its patch target by import path every time; swapping
    ``HTTPAdapter.send`` directly does the same (back to what was there when it started) at a fraction of the cost.
    """

    def __init__(self) -> None:
        self._send: Any = None
        self._mock: Any = None
        self._passthrough: Any = None
        self._adapter: Any = None

    def _build(self) -> None:
        import requests.adapters
        import responses

        # Requests to other hosts go on to whatever HTTPAdapter.send was in place when the mock started.
        mock = responses.RequestsMock(assert_all_requests_are_fired=False, real_adapter_send=self._pass_on)  # type: ignore[arg-type]
        api, endpoint = url_pattern(API_HOST), url_pattern(REPOSITORY_ENDPOINT_HOST)
        for method in ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"):
            mock.add_callback(method, api, callback=_requests_callback)
            mock.add_callback(method, endpoint, callback=_repository_endpoint_callback)
        mock.add_passthru(not_url_pattern(API_HOST, REPOSITORY_ENDPOINT_HOST))
        self._mock, self._send, self._adapter = mock, mock.unbound_on_send(), requests.adapters.HTTPAdapter

    def _pass_on(self, adapter: Any, request: Any, **kwargs: Any) -> Any:
        return self._passthrough(adapter, request, **kwargs)

    def start(self) -> None:
        if self._send is None:
            try:
                self._build()
            except ImportError:  # pragma: no cover - responses (and requests with it) is a dependency
                return
        self._passthrough = self._adapter.send
        self._adapter.send = self._send

    def stop(self) -> None:
        if self._send is None or self._passthrough is None:
            return
        self._adapter.send = self._passthrough
        self._passthrough = None
        if self._mock.calls:
            self._mock.calls.reset()  # recorded calls would pile up across activations


_requests_mock = _RequestsMock()
