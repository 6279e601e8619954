"""In-process snapshots: ``snapshot(backend)`` and ``restore(backend, snap)``.

A ``Snapshot`` is a private copy of every account's and region's state (domains, repositories, packages and
versions, package groups, policies, tags, tokens, the stand-in public registries) plus the asset references.
Asset bytes are never copied: a ``Blob`` is immutable and content-addressed, so the snapshot, the live backend
and any number of restored copies share it; the reference counts and each domain's per-content counts are
saved beside it and installed with it, so ``assetSizeBytes`` and freeing stay right after any number of
restores.

Restoring copies the snapshot again (the snapshot itself is never handed out, so it cannot change and can be
shared by every test of a session). The copy is a structural one written for this state: package versions,
packages and package tables, which make up nearly all objects of a large world, are copied field by field;
immutable values (strings, times, blobs, version metadata, frozen records) are shared; anything else is
copied generically, so state that later modules attach is covered too.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import enum
import threading
import types
from decimal import Decimal
from typing import Any

from ..backend import Backend, RegionState
from ..backend.assets import Blob
from ..backend.catalog import Meta, Package, PackageTable, PackageVersion
from ..backend.entities import AuthToken, Policy
from ..backend.extras import Extras
from ..backend.group_patterns import Pattern

__all__ = ["Snapshot", "restore", "snapshot"]

StateKey = tuple[str, str]

# Values that are never changed in place once stored, so copies may share them.
_SHARED: frozenset[type] = frozenset(
    {
        str,
        int,
        float,
        bool,
        type(None),
        bytes,
        Decimal,
        dt.datetime,
        dt.date,
        dt.timedelta,
        Blob,
        Meta,  # replaced, never edited, once a version holds it (ingest copies before merging)
        Pattern,
        Policy,
        AuthToken,
        types.FunctionType,
        types.BuiltinFunctionType,
        type,
    }
)
_LOCK = type(threading.Lock())
_RLOCK = type(threading.RLock())
_PV_SLOTS = tuple(s for s in PackageVersion.__slots__ if s not in ("assets",))


class _Copier:
    """A deep copy that shares immutable values and knows the hot types of the package catalog."""

    def __init__(self) -> None:
        self.memo: dict[int, Any] = {}

    def copy(self, obj: Any) -> Any:
        cls = type(obj)
        if cls in _SHARED or isinstance(obj, enum.Enum):
            return obj
        found = self.memo.get(id(obj))
        if found is not None:
            return found
        handler = _HANDLERS.get(cls)
        if handler is not None:
            return handler(self, obj)
        if cls is _LOCK:
            return threading.Lock()
        if cls is _RLOCK:
            return threading.RLock()
        if isinstance(obj, tuple):
            return self._tuple(obj)
        if isinstance(obj, dict) and cls.__module__ not in ("collections", "weakref"):
            return self._object(obj, dict_items=True)
        if isinstance(obj, (list, dict)):
            return copy.deepcopy(obj, self.memo)
        if dataclasses.is_dataclass(obj) or hasattr(obj, "__dict__") or hasattr(cls, "__slots__"):
            return self._object(obj)
        return copy.deepcopy(obj, self.memo)

    def _tuple(self, obj: tuple[Any, ...]) -> tuple[Any, ...]:
        items = [self.copy(v) for v in obj]
        if all(a is b for a, b in zip(items, obj, strict=True)):
            return obj
        if type(obj) is tuple:
            return tuple(items)
        make = getattr(obj, "_make", None)
        return make(items) if make is not None else type(obj)(items)

    def _object(self, obj: Any, dict_items: bool = False) -> Any:
        cls: Any = type(obj)
        new = cls.__new__(cls)
        self.memo[id(obj)] = new
        if dict_items:
            c = self.copy
            dict.update(new, ((c(k), c(v)) for k, v in dict.items(obj)))
        for klass in cls.__mro__:
            for slot in klass.__dict__.get("__slots__", ()):
                if slot in ("__dict__", "__weakref__") or not hasattr(obj, slot):
                    continue
                object.__setattr__(new, slot, self.copy(getattr(obj, slot)))
        state = getattr(obj, "__dict__", None)
        if state is not None:
            c = self.copy
            new.__dict__.update({k: c(v) for k, v in state.items()})
        return new


def _list(copier: _Copier, obj: list[Any]) -> list[Any]:
    new: list[Any] = []
    copier.memo[id(obj)] = new
    c = copier.copy
    new.extend(c(v) for v in obj)
    return new


def _dict(copier: _Copier, obj: dict[Any, Any]) -> dict[Any, Any]:
    new: dict[Any, Any] = {}
    copier.memo[id(obj)] = new
    c = copier.copy
    for k, v in obj.items():
        new[c(k)] = c(v)
    return new


def _set(copier: _Copier, obj: set[Any]) -> set[Any]:
    new: set[Any] = set()
    copier.memo[id(obj)] = new
    new.update(copier.copy(v) for v in obj)
    return new


def _version(pv: PackageVersion) -> PackageVersion:
    new = PackageVersion.__new__(PackageVersion)
    for slot in _PV_SLOTS:
        object.__setattr__(new, slot, getattr(pv, slot))
    new.assets = dict(pv.assets)  # blobs are shared
    return new


def _package(copier: _Copier, pkg: Package) -> Package:
    new = Package.__new__(Package)
    new.coord = pkg.coord
    new.publish = pkg.publish
    new.upstream = pkg.upstream
    new.versions = {v: _version(pv) for v, pv in pkg.versions.items()}
    new.by_version = list(pkg.by_version)  # tuples of strings: shared
    new.by_time = list(pkg.by_time)
    new.dist_tags = dict(pkg.dist_tags)
    return new


def _table(copier: _Copier, table: PackageTable) -> PackageTable:
    new = PackageTable.__new__(PackageTable)
    copier.memo[id(table)] = new
    dict.update(new, ((key, _package(copier, pkg)) for key, pkg in table.items()))
    new.keys_sorted = list(table.keys_sorted)
    return new


_HANDLERS: dict[type, Any] = {
    list: _list,
    dict: _dict,
    set: _set,
    frozenset: lambda copier, obj: frozenset(copier.copy(v) for v in obj),
    PackageTable: _table,
    Package: _package,
    PackageVersion: lambda copier, pv: _version(pv),
}


class Snapshot:
    """The whole state of a backend at one moment: immutable, and cheap to restore any number of times.

    Take one with ``MockCodeArtifact.snapshot()`` (or ``mock_codeartifact.state.snapshot(backend)``) and bring
    it back with ``restore``. Snapshots hold asset bytes by reference, so keeping many costs little memory.
    """

    __slots__ = ("states", "extras", "blobs", "refs", "domain_counts", "taken")

    states: dict[StateKey, RegionState]
    extras: Extras
    blobs: dict[str, Blob]
    refs: dict[str, int]
    domain_counts: list[tuple[Any, dict[str, int]]]
    taken: dt.datetime

    def __init__(self) -> None:
        raise TypeError("take a snapshot with snapshot(backend) or MockCodeArtifact.snapshot()")

    @classmethod
    def build(
        cls,
        states: dict[StateKey, RegionState],
        extras: Extras,
        blobs: dict[str, Blob],
        refs: dict[str, int],
        domain_counts: list[tuple[Any, dict[str, int]]],
    ) -> Snapshot:
        snap = object.__new__(cls)
        for name, value in (
            ("states", states),
            ("extras", extras),
            ("blobs", blobs),
            ("refs", refs),
            ("domain_counts", domain_counts),
            ("taken", dt.datetime.now(dt.timezone.utc)),
        ):
            object.__setattr__(snap, name, value)
        return snap

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Snapshot is immutable")

    @property
    def regions(self) -> list[StateKey]:
        """The (account, region) pairs that hold anything."""
        return sorted(k for k, st in self.states.items() if st.domains or st.tokens)

    @property
    def asset_count(self) -> int:
        """How many distinct asset contents the snapshot references."""
        return len(self.blobs)

    def __repr__(self) -> str:
        return f"<Snapshot of {len(self.regions)} account/region states, {self.asset_count} assets, {self.taken}>"


def _copy_world(
    states: dict[StateKey, RegionState],
    extras: Extras,
    domain_counts: list[tuple[Any, dict[str, int]]],
) -> tuple[dict[StateKey, RegionState], Extras, list[tuple[Any, dict[str, int]]]]:
    copier = _Copier()
    new_states = {key: copier.copy(st) for key, st in states.items()}
    new_extras: Extras = copier.copy(extras)
    # Domains nobody reaches any more (deleted ones) hold no bytes; only reachable ones keep their counts.
    counts = [(copier.memo[id(d)], dict(c)) for d, c in domain_counts if id(d) in copier.memo]
    return new_states, new_extras, counts


def snapshot(backend: Backend) -> Snapshot:
    """Take an immutable snapshot of ``backend``'s whole state (no operation runs while it is copied)."""
    with backend.exclusive() as states:
        blobs, refs, domain_counts = backend.assets.holdings()
        copied = _copy_world(states, backend.extras, domain_counts)
    return Snapshot.build(copied[0], copied[1], blobs, refs, copied[2])


def restore(backend: Backend, snap: Snapshot) -> None:
    """Replace ``backend``'s whole state with a copy of ``snap`` (which stays unchanged, for later restores)."""
    if not isinstance(snap, Snapshot):
        raise TypeError(f"restore() needs a Snapshot, not {type(snap).__name__}")
    states, extras, counts = _copy_world(snap.states, snap.extras, snap.domain_counts)
    install(backend, states, extras, snap.blobs, snap.refs, counts)


def install(
    backend: Backend,
    states: dict[StateKey, RegionState],
    extras: Extras,
    blobs: dict[str, Blob],
    refs: dict[str, int],
    domain_counts: list[tuple[Any, dict[str, int]]],
) -> None:
    """Make freshly built state (nobody else holds it) the backend's whole content, atomically."""
    with backend.exclusive():
        backend.install(states, extras)
        backend.assets.install(blobs, refs, domain_counts)


def adopt(backend: Backend, snap: Snapshot) -> None:
    """Install a snapshot built for this one use (an import) without copying it again."""
    install(backend, snap.states, snap.extras, snap.blobs, snap.refs, snap.domain_counts)
