"""In-memory state: one ``RegionState`` per (account, region), each guarded by its own lock.

Every operation runs as a ``Call``: it knows the caller's account and region, finds the state of the account
that owns the domain it names (``domainOwner`` reaches another account), and holds that state's lock for the
whole operation, so concurrent threads never interleave inside one account's state. Operations check
everything before they change anything, so a call that raises has changed nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..errors import not_found
from .arns import partition
from .assets import AssetStore
from .calls import CallLog
from .changes import ChangeLog
from .extras import Extras

T = TypeVar("T")

if TYPE_CHECKING:
    from .entities import AuthToken, Domain, Repository


@dataclass(eq=False)
class RegionState:
    account: str
    region: str
    domains: dict[str, Domain] = field(default_factory=dict)
    tokens: dict[str, AuthToken] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)


class Backend:
    """All state of the mock, for every account and region."""

    def __init__(self) -> None:
        self._states: dict[tuple[str, str], RegionState] = {}
        self._lock = threading.Lock()
        self.assets = AssetStore()  # asset bytes, content-addressed (backend/assets.py)
        # What the repository endpoints keep beside CodeArtifact's data (backend/extras.py); cleared by reset.
        self.extras = Extras()
        self.calls = CallLog()  # the calls answered from this backend (backend/calls.py); cleared by reset
        # Package version changes as committed, for CodeArtifact's EventBridge events (backend/changes.py).
        self.changes = ChangeLog()

    def state(self, account: str, region: str, create: bool = False) -> RegionState:
        """The state of ``account`` in ``region``. A lookup (``create=False``) never adds a record: for an
        account/region with no state it returns an empty one that is not kept, so a request naming made-up
        owners and regions leaves memory where it was. Only what creates a domain passes ``create=True``."""
        key = (account, region)
        st = self._states.get(key)
        if st is None:
            if not create:
                return RegionState(account, region)
            with self._lock:
                st = self._states.setdefault(key, RegionState(account, region))
        return st

    def states_in_region(self, region: str) -> list[RegionState]:
        with self._lock:
            return [s for (_, r), s in self._states.items() if r == region]

    def all_states(self) -> list[RegionState]:
        with self._lock:
            return list(self._states.values())

    def reset(self) -> None:
        with self._lock:
            self._states = {}
            self.assets.clear()
            self.extras.clear()
            self.calls.clear()
        self.changes.reset()

    @contextmanager
    def exclusive(self) -> Iterator[dict[tuple[str, str], RegionState]]:
        """Hold every region's lock (no operation runs meanwhile) and yield the states, for a consistent
        snapshot or a wholesale ``install``. Region locks are taken without holding the backend lock, since an
        operation may create a state while it holds its own region's lock; a state created meanwhile restarts
        the attempt."""
        while True:
            with self._lock:
                states = dict(self._states)
            with ExitStack() as stack:
                for key in sorted(states):
                    stack.enter_context(states[key].lock)
                with self._lock:
                    if self._states.keys() != states.keys():
                        continue
                yield states
                return

    def install(self, states: dict[tuple[str, str], RegionState], extras: Extras) -> None:
        """Make ``states`` and ``extras`` the whole content (restoring a snapshot). Call inside
        ``exclusive()``. Existing ``RegionState`` objects (and their locks) are kept and refilled, so that an
        operation already waiting for a lock sees the installed content, not a discarded object."""
        names = [f.name for f in fields(RegionState) if f.name not in ("account", "region", "lock")]
        with self._lock:
            current = self._states
            merged: dict[tuple[str, str], RegionState] = {}
            for key in current.keys() | states.keys():
                target = current.get(key)
                source = states.get(key) or RegionState(*key)
                if target is None:
                    target = RegionState(*key)
                for name in names:
                    setattr(target, name, getattr(source, name))
                merged[key] = target
            self._states = merged
            self.extras.take(extras)
        # The recorded changes describe the state just replaced (sequence numbers go on: they only increase).
        self.changes.clear()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(slots=True)
class Call:
    """The context of one operation: who calls, in which region, and (server mode) the server's base URL."""

    backend: Backend
    account: str
    region: str
    endpoint: str | None = None
    # Who asked (an IAM/STS ARN); recorded on what the call creates (tokens), never checked here.
    principal_arn: str | None = None
    _now: dt.datetime | None = field(default=None, repr=False)

    @property
    def now(self) -> dt.datetime:
        """The time of the call, read once on first use (most reads never need it)."""
        now = self._now
        if now is None:
            now = self._now = utcnow()
        return now

    @property
    def principal(self) -> str:
        """The caller's ARN; the account root when the call names no principal."""
        return self.principal_arn or f"arn:{partition(self.region)}:iam::{self.account}:root"

    def state(self, owner: str | None = None) -> RegionState:
        return self.backend.state(owner or self.account, self.region)

    def locked(self, owner: str | None = None, create: bool = False) -> Held[RegionState]:
        """Lock the owner's state and yield it (``create``: keep a new state, for what creates a domain)."""
        st = self.backend.state(owner or self.account, self.region, create)
        st.lock.acquire()
        return Held(st.lock, st)

    def domain(self, name: str, owner: str | None = None) -> Held[Domain]:
        """Lock the owner's state and yield the domain, or raise ResourceNotFoundException."""
        st = self.state(owner)
        st.lock.acquire()
        try:
            return Held(st.lock, find_domain(st, name))
        except BaseException:
            st.lock.release()
            raise

    def repository(self, domain: str, owner: str | None, name: str) -> Held[Repository]:
        """Lock the owner's state and yield the repository, or raise ResourceNotFoundException."""
        st = self.state(owner)
        st.lock.acquire()
        try:
            return Held(st.lock, find_domain(st, domain).find_repository(name))
        except BaseException:
            st.lock.release()
            raise


class Held(Generic[T]):
    """A value found under a lock that is already held, released on leaving the ``with`` block.

    Every operation opens one of these; a class costs less than a ``contextmanager`` generator."""

    __slots__ = ("_lock", "_value")

    def __init__(self, lock: threading.RLock, value: T) -> None:
        self._lock = lock
        self._value = value

    def __enter__(self) -> T:
        return self._value

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def find_domain(st: RegionState, name: str) -> Domain:
    d = st.domains.get(name)
    if d is None:
        raise not_found(
            f"Domain not found. Domain '{name}' owned by account '{st.account}' does not exist",
            "domain",
            name,
        )
    return d


def drop_none(**items: Any) -> dict[str, Any]:
    return {k: v for k, v in items.items() if v is not None}
