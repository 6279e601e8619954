"""Activation: ``mock_codeartifact`` as decorator, context manager, or ``start()``/``stop()``.

How requests are caught:

* At import, a handler for botocore's service-specific ``before-send.codeartifact`` event joins
  ``botocore.handlers.BUILTIN_HANDLERS`` (registered first), so every session created afterwards carries it.
  The specific event name makes it win over moto's catch-all ``before-send`` handler in either order.
* Sessions and clients created before this module was imported do not carry it; while a mock is active,
  ``URLLib3Session.send`` is wrapped as a fallback that answers requests to CodeArtifact hosts.
* ``requests`` calls to CodeArtifact hosts are answered through a private ``responses`` mock, which passes
  every other request on to whatever ``HTTPAdapter.send`` was in place when it started (a user's own
  ``responses`` mock, moto's, or the network).

Requests to a loopback endpoint (a ``ThreadedCodeArtifactServer``) are never intercepted, so server-mode
tests run inside an active mock too.
"""

from __future__ import annotations

import functools
import inspect
import io
import json
import os
import re
import threading
import unittest
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, TypeVar

import botocore.credentials
import botocore.handlers
import botocore.httpsession
from botocore.awsrequest import AWSResponse

from .api import Dispatcher, codec
from .backend import Backend
from .wire import Headers, HttpRequest, HttpResponse

F = TypeVar("F", bound=Callable[..., Any])

_backend = Backend()
_dispatcher: Dispatcher | None = None
_lock = threading.RLock()
_depth = 0
_env_set: dict[str, str] = {}
_requests_mock: Any = None
_real_urllib3_send = botocore.httpsession.URLLib3Session.send

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
_CODEARTIFACT_HOST = re.compile(r"^codeartifact(-fips)?\.[a-z0-9-]+\.(amazonaws\.com(\.cn)?|api\.aws|on\.aws)$")
_LOOPBACK = ("127.", "localhost", "[::1]", "::1")


def backend() -> Backend:
    """The process-wide backend that in-process mocking answers from."""
    return _backend


def dispatcher() -> Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        with _lock:
            if _dispatcher is None:
                _dispatcher = Dispatcher(_backend, codec())
    return _dispatcher


def reset() -> None:
    """Clear all state (every account and region)."""
    _backend.reset()


def is_active() -> bool:
    return _depth > 0


# --------------------------------------------------------------------------- botocore hooks


class _RawBody(io.BytesIO):
    """What botocore reads a response body from: ``stream()`` for buffered bodies, ``read()`` for streams."""

    def stream(self, amt: int = 65536, decode_content: bool | None = None) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


def _host_of(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0]


def _is_loopback(host: str) -> bool:
    return host.startswith(_LOOPBACK)


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


def _answer(method: str, url: str, headers: Any, body: Any) -> HttpResponse:
    request = HttpRequest.from_url(method, url, Headers(headers), _body_bytes(body))
    return dispatcher().handle(request)


def _to_aws_response(url: str, response: HttpResponse) -> AWSResponse:
    headers = dict(response.headers)
    headers["Content-Length"] = str(len(response.body))
    return AWSResponse(url, response.status, headers, _RawBody(response.body))


def _before_send(request: Any, **kwargs: Any) -> AWSResponse | None:
    if not _depth or _is_loopback(_host_of(request.url)):
        return None
    return _to_aws_response(request.url, _answer(request.method, request.url, request.headers, request.body))


def _fallback_send(self: Any, request: Any) -> Any:
    # Only for clients whose session predates this module (they lack the before-send handler).
    if _depth and _CODEARTIFACT_HOST.match(_host_of(request.url).split(":", 1)[0]):
        return _to_aws_response(request.url, _answer(request.method, request.url, request.headers, request.body))
    return _real_urllib3_send(self, request)


def _before_sign(request: Any = None, request_signer: Any = None, **kwargs: Any) -> None:
    # A client created while no credentials were configured has none, and signing (which precedes
    # before-send) would raise NoCredentialsError. While a mock is active, sign that request with fake ones,
    # for this request only (the client itself is left as it is).
    if _depth and request is not None and getattr(request_signer, "_credentials", False) is None:
        # A new dict: the one in the context can be shared with the client's cached endpoint resolution.
        signing = request.context.get("signing") or {}
        request.context["signing"] = {**signing, "request_credentials": _FAKE_CREDENTIALS}


_FAKE_CREDENTIALS = botocore.credentials.Credentials(
    FAKE_ENV["AWS_ACCESS_KEY_ID"], FAKE_ENV["AWS_SECRET_ACCESS_KEY"], FAKE_ENV["AWS_SESSION_TOKEN"]
)
_BUILTIN = ("before-send.codeartifact", _before_send, botocore.handlers.REGISTER_FIRST)
_BUILTIN_SIGN = ("before-sign.codeartifact", _before_sign)
for _handler in (_BUILTIN, _BUILTIN_SIGN):
    if _handler not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.append(_handler)


def _register_on_default_session() -> None:
    """A boto3 default session created before import lacks the built-in handler: add it (once)."""
    import boto3

    session = boto3.DEFAULT_SESSION
    if session is not None:
        # botocore runs *every* before-send handler (the first answer wins), so a session made after import,
        # which already carries the built-in registration, must not get a second one: each call would be
        # applied twice. Drop whatever is there and leave exactly one registration.
        events = session.events
        events.unregister("before-send.codeartifact", _before_send, unique_id=_DEFAULT_SESSION_ID)
        events.unregister("before-send.codeartifact", _before_send)
        events.register_first("before-send.codeartifact", _before_send, unique_id=_DEFAULT_SESSION_ID)
        events.unregister("before-sign.codeartifact", _before_sign, unique_id=_DEFAULT_SESSION_ID + "-sign")
        events.unregister("before-sign.codeartifact", _before_sign)
        events.register("before-sign.codeartifact", _before_sign, unique_id=_DEFAULT_SESSION_ID + "-sign")


_DEFAULT_SESSION_ID = "mock-codeartifact-before-send"


# --------------------------------------------------------------------------- requests hook


def _requests_callback(request: Any) -> tuple[int, dict[str, str], bytes]:
    response = _answer(request.method, request.url, request.headers, request.body)
    return response.status, response.headers, response.body


# Repository endpoints ({domain}-{owner}.d.codeartifact.{region}.amazonaws.com, dual-stack ....on.aws) are
# served in server mode only; in-process, a request to one is answered here instead of reaching the network.
_REPOSITORY_ENDPOINT = re.compile(
    r"https?://[a-z0-9-]+-[0-9]{12}\.(d\.codeartifact\.[a-z0-9-]+\.amazonaws\.com(\.cn)?"
    r"|codeartifact\.[a-z0-9-]+\.on\.aws)(:\d+)?(/.*)?"
)


def _repository_endpoint_callback(request: Any) -> tuple[int, dict[str, str], bytes]:
    message = (
        "mock-codeartifact serves repository endpoints (package managers, HTTP clients) in server mode only: "
        "use ThreadedCodeArtifactServer or mock-codeartifact-server, whose GetRepositoryEndpoint returns URLs on "
        "that server. In-process mocking answers the CodeArtifact API."
    )
    return 501, {"Content-Type": "application/json"}, json.dumps({"message": message}).encode()


def _start_requests_mock() -> Any:
    try:
        import requests.adapters
        import responses
    except ImportError:  # pragma: no cover - responses is a dependency, requests comes with it
        return None
    mock = responses.RequestsMock(
        assert_all_requests_are_fired=False, real_adapter_send=requests.adapters.HTTPAdapter.send
    )
    url = re.compile(r"https?://codeartifact(-fips)?\.[a-z0-9-]+\.(amazonaws\.com(\.cn)?|api\.aws)(:\d+)?/.*")
    for method in ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"):
        mock.add_callback(method, url, callback=_requests_callback)
        mock.add_callback(method, _REPOSITORY_ENDPOINT, callback=_repository_endpoint_callback)
    mock.add_passthru(
        re.compile(
            r"^(?!https?://(codeartifact(-fips)?\.[a-z0-9-]+\.(amazonaws\.com|api\.aws)"
            r"|[a-z0-9-]+-[0-9]{12}\.(d\.codeartifact\.|codeartifact\.[a-z0-9-]+\.on\.aws)))"
        )
    )
    mock.start()
    return mock


# --------------------------------------------------------------------------- credentials


def _credentials_configured() -> bool:
    env = os.environ
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return True
    # Web identity (OIDC in CI, EKS) and container credentials: fake keys in the environment would take
    # precedence over them for every other AWS call made while the mock is active.
    if any(env.get(var) for var in _CREDENTIAL_SOURCE_VARS):
        return True
    for var, default in (
        ("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        ("AWS_CONFIG_FILE", "~/.aws/config"),
    ):
        path = os.path.expanduser(env.get(var, default))
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if any(marker in text for marker in _CREDENTIAL_FILE_MARKERS):
            return True
    return False


_CREDENTIAL_SOURCE_VARS = (
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
_CREDENTIAL_FILE_MARKERS = (
    "aws_access_key_id",
    "credential_process",
    "sso_",
    "role_arn",
    "credential_source",
    "web_identity_token_file",
)


def _provide_credentials() -> None:
    if not _credentials_configured():
        for key, value in FAKE_ENV.items():
            if key not in os.environ:
                os.environ[key] = value
                _env_set[key] = value
    if not os.environ.get("AWS_DEFAULT_REGION") and not os.environ.get("AWS_REGION"):
        os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
        _env_set["AWS_DEFAULT_REGION"] = "us-east-1"


def _restore_credentials() -> None:
    for key, value in _env_set.items():
        if os.environ.get(key) == value:
            del os.environ[key]
    _env_set.clear()


# --------------------------------------------------------------------------- activation


def _activate() -> None:
    global _depth, _requests_mock
    with _lock:
        if _depth == 0:
            _backend.reset()
            _provide_credentials()
            _register_on_default_session()
            botocore.httpsession.URLLib3Session.send = _fallback_send  # type: ignore[method-assign]
            _requests_mock = _start_requests_mock()
        _depth += 1


def _deactivate() -> None:
    global _depth, _requests_mock
    with _lock:
        if _depth == 0:
            raise RuntimeError("mock_codeartifact is not active")
        _depth -= 1
        if _depth == 0:
            botocore.httpsession.URLLib3Session.send = _real_urllib3_send  # type: ignore[method-assign]
            if _requests_mock is not None:
                _requests_mock.stop(allow_assert=False)
                _requests_mock = None
            _restore_credentials()


class MockCodeArtifact:
    """One activation of the mock. Use as a context manager, a decorator, or with ``start()``/``stop()``.

    While any instance is active, every CodeArtifact request made through botocore is answered in-process.
    Nested activations share state; state is reset when the outermost one starts. ``state`` (an export
    directory or tar archive, or a ``Snapshot``) is loaded each time this mock starts, replacing all state.
    """

    def __init__(self, state: Any = None) -> None:
        self._active = 0
        self._state = state

    def start(self) -> None:
        """Activate the mock (resetting all state if no other mock is active, then loading ``state``)."""
        _activate()
        self._active += 1
        if self._state is not None:
            try:
                self.import_state(self._state)
            except BaseException:
                self.stop()
                raise

    # State you can keep (mock_codeartifact.state, docs/state.md).

    def snapshot(self) -> Any:
        """An immutable snapshot of the whole state (every account and region), cheap to ``restore``."""
        from .state import snapshot

        return snapshot(_backend)

    def restore(self, snapshot: Any) -> None:
        """Replace the whole state with a copy of ``snapshot`` (any number of times)."""
        from .state import restore

        restore(_backend, snapshot)

    def export_state(self, path: str | os.PathLike[str]) -> None:
        """Write the whole state to ``path``: a directory, or a tar archive (``.tar``, ``.tar.gz``, ``.tgz``)."""
        from .state import export_state

        export_state(_backend, path)

    def import_state(self, source: Any) -> None:
        """Replace the whole state with an export (directory or tar archive) or a Snapshot; a bad export raises
        ``mock_codeartifact.state.StateFormatError`` and changes nothing."""
        from .state import import_state

        import_state(_backend, source)

    def stop(self) -> None:
        """Deactivate this mock; the hooks go away when the outermost mock stops."""
        if not self._active:
            raise RuntimeError("this mock_codeartifact was not started")
        self._active -= 1
        _deactivate()

    def __enter__(self) -> MockCodeArtifact:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @staticmethod
    def reset() -> None:
        """Clear all state."""
        reset()

    @property
    def backend(self) -> Backend:
        """The backend answering requests (for seeding and inspection)."""
        return _backend

    def dashboard_url(self) -> str:
        """The URL of a read-only dashboard of this mock's state, served from a background thread (docs/dashboard.md)."""
        from .server.dashboard import dashboard_url

        return dashboard_url(_backend)

    def __call__(self, target: F) -> F:
        if self._state is None:
            return _decorate(target)
        return _with_state(target, self._state)


def _wrap_function(func: F) -> F:
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with MockCodeArtifact():
                return await func(*args, **kwargs)

        return async_wrapper  # type: ignore[return-value]

    # Generators (yield-fixtures among them) run after the call returns: keep the mock for their whole life.
    if inspect.isgeneratorfunction(func):

        @functools.wraps(func)
        def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            with MockCodeArtifact():
                return (yield from func(*args, **kwargs))

        return generator_wrapper  # type: ignore[return-value]

    if inspect.isasyncgenfunction(func):

        @functools.wraps(func)
        async def async_generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            with MockCodeArtifact():
                async for item in func(*args, **kwargs):
                    yield item

        return async_generator_wrapper  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with MockCodeArtifact():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _decorate_testcase(cls: type) -> type:
    original_setup = cls.setUp

    @functools.wraps(original_setup)
    def setUp(self: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
        mock = MockCodeArtifact()
        mock.start()
        # Cleanups run after tearDown, so setUp, the test and tearDown all run inside this activation.
        self.addCleanup(mock.stop)
        original_setup(self)

    cls.setUp = setUp  # type: ignore[attr-defined]

    if cls.setUpClass.__func__ is not unittest.TestCase.setUpClass.__func__:  # type: ignore[attr-defined]
        # State made in a user's setUpClass stays visible to the class's tests (nested activations share it).
        original_setup_class = cls.setUpClass.__func__  # type: ignore[attr-defined]
        original_teardown_class = cls.tearDownClass.__func__  # type: ignore[attr-defined]

        def setUpClass(klass: type) -> None:  # noqa: N802
            mock = MockCodeArtifact()
            mock.start()
            klass._mock_codeartifact_class_mock = mock  # type: ignore[attr-defined]
            try:
                original_setup_class(klass)
            except BaseException:
                mock.stop()
                raise

        def tearDownClass(klass: type) -> None:  # noqa: N802
            try:
                original_teardown_class(klass)
            finally:
                klass.__dict__["_mock_codeartifact_class_mock"].stop()
                del klass._mock_codeartifact_class_mock  # type: ignore[attr-defined]

        cls.setUpClass = classmethod(setUpClass)  # type: ignore[assignment]
        cls.tearDownClass = classmethod(tearDownClass)  # type: ignore[assignment]
    return cls


def _decorate_class(cls: type) -> type:
    if isinstance(cls, type) and issubclass(cls, unittest.TestCase):
        return _decorate_testcase(cls)
    for name, attr in list(vars(cls).items()):
        if name.startswith("test") and inspect.isfunction(attr):
            setattr(cls, name, _wrap_function(attr))
    setup = vars(cls).get("setup_method")
    if inspect.isfunction(setup):
        # pytest runs setup_method, the test and teardown_method separately: keep one activation across them.
        teardown = getattr(cls, "teardown_method", None)

        @functools.wraps(setup)
        # pytest passes the test method only when the function's code takes a second argument: keep that shape.
        def setup_method(self: Any, method: Any = None) -> Any:
            mock = MockCodeArtifact()
            mock.start()
            self._mock_codeartifact_method_mock = mock
            try:
                return setup(self, *_optional_arg(setup, method))
            except BaseException:  # pytest skips teardown_method when setup_method fails
                del self._mock_codeartifact_method_mock
                mock.stop()
                raise

        def teardown_method(self: Any, method: Any = None) -> Any:
            try:
                if teardown is not None:
                    return teardown(self, *_optional_arg(teardown, method))
            finally:
                mock = self.__dict__.pop("_mock_codeartifact_method_mock", None)
                if mock is not None:
                    mock.stop()

        cls.setup_method = setup_method  # type: ignore[attr-defined]
        cls.teardown_method = teardown_method  # type: ignore[attr-defined]
    setup_class = vars(cls).get("setup_class")
    if isinstance(setup_class, classmethod):
        _wrap_setup_class(cls, setup_class.__func__)
    return cls


def _optional_arg(func: Callable[..., Any], arg: Any) -> tuple[Any, ...]:
    """``(arg,)`` when ``func(self, arg)`` takes it (pytest's convention for setup_method/teardown_method)."""
    code = getattr(func, "__code__", None)
    return (arg,) if code is None or code.co_argcount > 1 else ()


def _wrap_setup_class(cls: type, setup: Callable[..., Any]) -> None:
    """pytest's ``setup_class``, the tests and ``teardown_class`` run inside one activation (moto misses this)."""
    teardown = getattr(cls, "teardown_class", None)  # bound, possibly inherited

    def setup_class(klass: type) -> None:
        mock = MockCodeArtifact()
        mock.start()
        klass._mock_codeartifact_class_mock = mock  # type: ignore[attr-defined]
        try:
            setup(klass)
        except BaseException:  # pytest skips teardown_class when setup_class fails
            del klass._mock_codeartifact_class_mock  # type: ignore[attr-defined]
            mock.stop()
            raise

    def teardown_class(klass: type) -> None:
        try:
            if teardown is not None:
                teardown()
        finally:
            mock = klass.__dict__.get("_mock_codeartifact_class_mock")
            if mock is not None:
                del klass._mock_codeartifact_class_mock  # type: ignore[attr-defined]
                mock.stop()

    cls.setup_class = classmethod(setup_class)  # type: ignore[attr-defined]
    cls.teardown_class = classmethod(teardown_class)  # type: ignore[attr-defined]


def _with_state(target: F, state: Any) -> F:
    """``@mock_codeartifact(state=...)`` on a function: each call runs in a mock that loads ``state``."""
    if isinstance(target, type):
        raise TypeError("mock_codeartifact(state=...) decorates functions; for a class, restore in setUp")
    if inspect.iscoroutinefunction(target):

        @functools.wraps(target)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with MockCodeArtifact(state):
                return await target(*args, **kwargs)

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(target)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with MockCodeArtifact(state):
            return target(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _decorate(target: F) -> F:
    if isinstance(target, type):
        return _decorate_class(target)  # type: ignore[return-value]
    return _wrap_function(target)


def mock_codeartifact(target: F | None = None, *, state: Any = None) -> Any:
    """Mock AWS CodeArtifact: ``@mock_codeartifact`` on a function or class, or ``with mock_codeartifact() as m``.

    ``state``: an exported state (directory or tar archive) or a Snapshot to start from (docs/state.md)."""
    if target is None:
        return MockCodeArtifact(state)
    if state is not None:
        return _with_state(target, state)
    return _decorate(target)


mock_codeartifact.reset = reset  # type: ignore[attr-defined]
