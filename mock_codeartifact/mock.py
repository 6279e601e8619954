"""The mock: ``mock_codeartifact`` as decorator, context manager, or ``start()``/``stop()``; ``MockCodeArtifact``.

How it works lives beside it: :mod:`.interception` (the botocore hook and the ``responses`` mock),
:mod:`.environment` (fake credentials, region, boto3's default session), :mod:`.activation` (process-wide
start/stop and state) and :mod:`.decorators` (functions and classes). See docs/activation.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from . import network_guard
from .activation import activate, backend, deactivate, dispatcher, is_active, reset
from .authorization import enforce
from .backend import Backend
from .backend.calls import CallRecord
from .decorators import decorate
from .environment import FAKE_ENV
from .events import EventLog
from .iam import identity
from .interception import RawBody
from .send_hook import before_send

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
]

_backend = backend()
# Older names, kept for code that imported them from here.
_before_send = before_send
_RawBody = RawBody


class MockCodeArtifact:
    """One activation of the mock. Use as a context manager, a decorator, or with ``start()``/``stop()``.

    While any instance is active, every CodeArtifact request made through botocore or aiobotocore is answered
    in-process. Nested activations share state; state is reset when the outermost one starts. ``state`` (an export
    directory or tar archive, or a ``Snapshot``) is loaded each time this mock starts, replacing all state.
    """

    def __init__(self, state: Any = None, authorization: bool = True, block_other_clients: bool = True) -> None:
        self._active = 0
        self._state = state
        # authorization=False: while this mock is active, resource policies and cross-account rules are not
        # enforced for any request this process answers (docs/authorization.md).
        self._authorization = authorization
        # block_other_clients=False: while this mock is active, HTTP clients other than botocore and requests
        # may reach real CodeArtifact hosts (docs/reach.md).
        self._block = block_other_clients

    def start(self) -> None:
        """Activate the mock (resetting all state if no other mock is active, then loading ``state``)."""
        activate()
        self._active += 1
        if not self._authorization:
            enforce.disable()
        if not self._block:
            network_guard.disable()
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
        if not self._authorization:
            enforce.enable()
        if not self._block:
            network_guard.enable()
        deactivate()

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
    def acting_as(principal_arn: str) -> Any:
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

    def dashboard_url(self) -> str:
        """The URL of a read-only dashboard of this mock's state, served from a background thread (docs/dashboard.md)."""
        from .server.dashboards import dashboard_url

        return dashboard_url(_backend)

    def __call__(self, target: F) -> F:
        return _decorate(target, self._state, self._authorization, self._block)


def _decorate(target: F, state: Any, authorization: bool = True, block_other_clients: bool = True) -> F:
    if state is None and authorization and block_other_clients:
        return decorate(target, MockCodeArtifact)
    if state is not None and isinstance(target, type):
        raise TypeError("mock_codeartifact(state=...) decorates functions; for a class, restore in setUp")
    # Each run is in a mock that loads ``state`` and/or leaves authorization or the guard off.
    return decorate(target, lambda: MockCodeArtifact(state, authorization, block_other_clients))


def mock_codeartifact(
    target: F | None = None, *, state: Any = None, authorization: bool = True, block_other_clients: bool = True
) -> Any:
    """Mock AWS CodeArtifact: ``@mock_codeartifact`` on a function or class, or ``with mock_codeartifact() as m``.

    ``state``: an exported state (directory or tar archive) or a Snapshot to start from (docs/state.md).
    ``authorization=False``: resource policies are not enforced while it is active (docs/authorization.md).
    ``block_other_clients=False``: clients other than botocore and ``requests`` may reach real CodeArtifact hosts
    while it is active (docs/reach.md)."""
    if target is None:
        return MockCodeArtifact(state, authorization, block_other_clients)
    return _decorate(target, state, authorization, block_other_clients)


mock_codeartifact.reset = reset  # type: ignore[attr-defined]
