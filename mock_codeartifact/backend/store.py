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
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import not_found
from .assets import AssetStore

if TYPE_CHECKING:
    from .domains import Domain
    from .repositories import Repository
    from .tokens import AuthToken


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
        # State other modules attach to the backend (e.g. mock_codeartifact.external's stand-in registries);
        # cleared by reset.
        self.extensions: dict[str, Any] = {}

    def state(self, account: str, region: str) -> RegionState:
        key = (account, region)
        st = self._states.get(key)
        if st is None:
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
            self.extensions.clear()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(slots=True)
class Call:
    """The context of one operation: who calls, in which region, and (server mode) the server's base URL."""

    backend: Backend
    account: str
    region: str
    endpoint: str | None = None
    now: dt.datetime = field(default_factory=utcnow)

    def state(self, owner: str | None = None) -> RegionState:
        return self.backend.state(owner or self.account, self.region)

    @contextmanager
    def locked(self, owner: str | None = None) -> Iterator[RegionState]:
        st = self.state(owner)
        with st.lock:
            yield st

    @contextmanager
    def domain(self, name: str, owner: str | None = None) -> Iterator[Domain]:
        """Lock the owner's state and yield the domain, or raise ResourceNotFoundException."""
        st = self.state(owner)
        with st.lock:
            yield find_domain(st, name)

    @contextmanager
    def repository(self, domain: str, owner: str | None, name: str) -> Iterator[Repository]:
        st = self.state(owner)
        with st.lock:
            yield find_domain(st, domain).find_repository(name)


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
