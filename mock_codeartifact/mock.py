"""The mock: ``mock_codeartifact`` as decorator, context manager, or ``start()``/``stop()``; ``MockCodeArtifact``.

How it works lives beside it: :mod:`.interception` (the botocore hook and the ``responses`` mock),
:mod:`.environment` (fake credentials, region, boto3's default session), :mod:`.activation` (process-wide
start/stop and state) and :mod:`.decorators` (functions and classes). See docs/activation.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .authorization import enforce
from .backend import Backend
from .backend.calls import CallRecord
from .environment import FAKE_ENV
from .events import EventLog
from .iam import identity
from .iam.identity import Principal
from .inprocess.activation import activate, backend, deactivate, dispatcher, is_active, reset
from .inprocess.decorators import decorate
from .inprocess.responses import RawBody
from .inprocess.send_hook import before_send
from .network_guard import disable as disable_guard
from .network_guard import enable as enable_guard
from .settings import DEFAULT_HOST, account_id

if TYPE_CHECKING:
    from typing import TypeAlias

    from .server import ThreadedCodeArtifactServer
    from .state import Snapshot

    # An export (a directory or a tar archive) or a Snapshot (docs/state.md).
    StateSource: TypeAlias = str | os.PathLike[str] | Snapshot

# Whatever is decorated comes back with its own type: a function (sync or async) keeps its signature, a class
# stays that class.
F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "FAKE_ENV",
    "MockCodeArtifact",
    "RawBody",
    "backend",
    "before_send",
    "dispatcher",
    "is_active",
    "mock_codeartifact",
    "reset",
    "started_mocks",
]

_backend = backend()
# Older names, kept for code that imported them from here.
_before_send = before_send
_RawBody = RawBody

# The mocks started and not yet stopped, in the order they started (the pytest plugin names a test that leaves one
# behind). Keyed by id: an instance is kept alive here while it is started.
_started: dict[int, MockCodeArtifact] = {}


def started_mocks() -> list[MockCodeArtifact]:
    """The mocks started (``start()``, ``with``, a decorator, a fixture) and not yet stopped, oldest first."""
    return list(_started.values())


class MockCodeArtifact:
    """One activation of the mock. Use as a context manager, a decorator, or with ``start()``/``stop()``.

    While any instance is active, every CodeArtifact request made through botocore or aiobotocore is answered
    in-process. Nested activations share state; state is reset when the outermost one starts. ``state`` (an export
    directory or tar archive, or a ``Snapshot``) is loaded each time this mock starts, replacing all state.
    """

    def __init__(
        self, state: StateSource | None = None, authorization: bool = True, block_other_clients: bool = True
    ) -> None:
        self._active = 0
        self._state = state
        # authorization=False: while this mock is active, resource policies and cross-account rules are not
        # enforced for any request this process answers (docs/authorization.md).
        self._authorization = authorization
        # block_other_clients=False: while this mock is active, HTTP clients other than botocore and requests
        # may reach real CodeArtifact hosts (docs/reach.md).
        self._block = block_other_clients

    def start(self) -> None:
        """Activate the mock (resetting all state if no other mock is active, then loading ``state``).

        A malformed account id in ``MOCK_CODEARTIFACT_ACCOUNT_ID`` or ``MOTO_ACCOUNT_ID`` raises
        ``mock_codeartifact.settings.InvalidAccountIdError`` (a ``ValueError`` naming the variable) here, before
        anything changes."""
        account_id()
        activate()
        self._active += 1
        _started[id(self)] = self
        if not self._authorization:
            enforce.disable()
        if not self._block:
            disable_guard()
        if self._state is not None:
            try:
                self.import_state(self._state)
            except BaseException:
                self.stop()
                raise

    # State you can keep (mock_codeartifact.state, docs/state.md).

    def snapshot(self) -> Snapshot:
        """An immutable snapshot of the whole state (every account and region), cheap to ``restore``."""
        from .state import snapshot

        return snapshot(_backend)

    def restore(self, snapshot: Snapshot) -> None:
        """Replace the whole state with a copy of ``snapshot`` (any number of times)."""
        from .state import restore

        restore(_backend, snapshot)

    def export_state(self, path: str | os.PathLike[str]) -> None:
        """Write the whole state to ``path``: a directory, or a tar archive (``.tar``, ``.tar.gz``, ``.tgz``)."""
        from .state import export_state

        export_state(_backend, path)

    def import_state(self, source: StateSource) -> None:
        """Replace the whole state with an export (directory or tar archive) or a Snapshot; a bad export raises
        ``mock_codeartifact.state.StateFormatError`` and changes nothing."""
        from .state import import_state

        import_state(_backend, source)

    def stop(self) -> None:
        """Deactivate this mock; the hooks go away when the outermost mock stops."""
        if not self._active:
            raise RuntimeError("this mock_codeartifact was not started")
        self._active -= 1
        if not self._active:
            _started.pop(id(self), None)
        if not self._authorization:
            enforce.enable()
        if not self._block:
            enable_guard()
        deactivate()

    @property
    def started(self) -> bool:
        """Whether this mock is started (and not yet stopped as many times)."""
        return self._active > 0

    def __enter__(self) -> MockCodeArtifact:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @staticmethod
    def reset() -> None:
        """Clear all state and the registered access keys."""
        reset()

    @staticmethod
    def acting_as(principal_arn: str) -> AbstractContextManager[Principal]:
        """``with m.acting_as("arn:aws:iam::222222222222:role/ci"):`` -- requests in the block are that principal's."""
        return identity.acting_as(principal_arn)

    @staticmethod
    def register_principal(access_key_id: str, principal_arn: str) -> None:
        """Requests signed with ``access_key_id`` are made by ``principal_arn`` (see ``mock_codeartifact.principals``)."""
        identity.register(access_key_id, principal_arn)

    @property
    def calls(self) -> list[CallRecord]:
        """The calls this mock answered, oldest first (``operation``, ``params``, ``principal``, ``account``,
        ``region``, ``status``, ``error``, ``duration_ms``); the newest ``call_log_size`` are kept, and every
        reset clears them (docs/call-log.md)."""
        return _backend.calls.records()

    @property
    def call_log_size(self) -> int:
        """How many calls ``calls`` keeps (``MOCK_CODEARTIFACT_CALL_LOG_SIZE``, else 1000); assign to change."""
        return _backend.calls.size

    @call_log_size.setter
    def call_log_size(self, size: int) -> None:
        _backend.calls.resize(size)

    @property
    def events(self) -> EventLog:
        """The CodeArtifact EventBridge events produced since the last reset, oldest first, as the dicts a rule's
        target receives; ``m.events.filter(repositoryName=..., operationType=...)``, ``m.events.clear()``
        (docs/events.md)."""
        return EventLog(_backend.changes)

    @property
    def backend(self) -> Backend:
        """The backend answering requests (for seeding and inspection)."""
        return _backend

    def server(
        self, host: str = DEFAULT_HOST, port: int = 0, *, access_log: bool = False
    ) -> ThreadedCodeArtifactServer:
        """A started ``ThreadedCodeArtifactServer`` over this mock's own state (docs/pytest-plugin.md).

        What a test does in-process and what it does over HTTP (boto3 with ``endpoint_url``, the AWS CLI, package
        managers on the repository endpoints ``GetRepositoryEndpoint`` names) read and change the same domains,
        repositories, packages and tokens. Use it as a context manager (``with m.server() as server:``), or call
        ``server.stop()``; ``server.endpoint_url`` and ``server.client()`` reach it. The state is the in-process
        mock's: it is reset when the outermost mock starts, and registered principals, ``acting_as`` and
        ``authorization=False`` apply to both doors alike.
        """
        from .server import ThreadedCodeArtifactServer

        server = ThreadedCodeArtifactServer(host, port, backend=_backend, access_log=access_log)
        server.start()
        return server

    def dashboard_url(self) -> str:
        """The URL of a read-only dashboard of this mock's state, served from a background thread (docs/dashboard.md)."""
        from .server.dashboards import dashboard_url

        return dashboard_url(_backend)

    def __call__(self, target: F) -> F:
        return _decorate(target, self._state, self._authorization, self._block)


def _decorate(target: F, state: StateSource | None, authorization: bool = True, block_other_clients: bool = True) -> F:
    if state is None and authorization and block_other_clients:
        return decorate(target, MockCodeArtifact)
    if state is not None and isinstance(target, type):
        raise TypeError("mock_codeartifact(state=...) decorates functions; for a class, restore in setUp")
    # Each run is in a mock that loads ``state`` and/or leaves authorization or the guard off.
    return decorate(target, lambda: MockCodeArtifact(state, authorization, block_other_clients))


class _MockCodeArtifactFunction:
    """Mock AWS CodeArtifact: ``@mock_codeartifact`` on a function or class, or ``with mock_codeartifact() as m``.

    ``state``: an exported state (directory or tar archive) or a Snapshot to start from (docs/state.md).
    ``authorization=False``: resource policies are not enforced while it is active (docs/authorization.md).
    ``block_other_clients=False``: clients other than botocore and ``requests`` may reach real CodeArtifact hosts
    while it is active (docs/reach.md).

    Typed for ``mypy --strict`` (docs/typing.md): a decorated function or class keeps its own type, with or
    without arguments (``@mock_codeartifact(authorization=False)``), and ``mock_codeartifact()`` is a
    ``MockCodeArtifact``. ``mock_codeartifact.reset()`` clears all state.
    """

    @overload
    def __call__(
        self,
        target: F,
        *,
        state: StateSource | None = None,
        authorization: bool = True,
        block_other_clients: bool = True,
    ) -> F: ...

    @overload
    def __call__(
        self,
        target: None = None,
        *,
        state: StateSource | None = None,
        authorization: bool = True,
        block_other_clients: bool = True,
    ) -> MockCodeArtifact: ...

    def __call__(
        self,
        target: F | None = None,
        *,
        state: StateSource | None = None,
        authorization: bool = True,
        block_other_clients: bool = True,
    ) -> F | MockCodeArtifact:
        if target is None:
            return MockCodeArtifact(state, authorization, block_other_clients)
        return _decorate(target, state, authorization, block_other_clients)

    @staticmethod
    def reset() -> None:
        """Clear all state (every account and region) and the registered access keys."""
        reset()

    def __repr__(self) -> str:
        return f"<mock_codeartifact from {__name__}>"


# An object rather than a function so that its overloads and ``mock_codeartifact.reset`` are both typed.
mock_codeartifact = _MockCodeArtifactFunction()
