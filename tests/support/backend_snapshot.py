"""A full, comparable snapshot of a ``Backend``: the oracle of the atomicity checks.

The walker is generic on purpose, so that state added by later modules (packages, assets, package groups, ...)
is covered without touching this file: it walks dataclasses, objects with ``__dict__`` or ``__slots__``, dicts
(in insertion order, which is observable through listings), lists, tuples, sets and frozensets, and turns every
leaf into a plain value. Locks, conditions and events are ignored. An object met again on the path from the root
(``Repository.domain`` points back to its ``Domain``) becomes a ``<back-reference>`` marker, so the walk ends.

An empty ``RegionState`` (created on the fly for an account or region that has nothing) is dropped: it cannot be
told apart from an absent one through the API. Likewise state materialized on first use with exactly its
default content (a domain's package-group registry holding only the root group) is walked as not yet there.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import threading
import weakref
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any

_LOCK_TYPES: tuple[type, ...] = (
    type(threading.Lock()),
    type(threading.RLock()),
    threading.Condition,
    threading.Event,
    threading.Semaphore,
)
_LEAVES = (str, int, float, bool, type(None), Decimal, dt.datetime, dt.date, dt.timedelta)
_BIG_BYTES = 256


def _attributes(obj: Any) -> list[tuple[str, Any]]:
    out: dict[str, Any] = {}
    if is_dataclass(obj):
        for f in fields(obj):
            if hasattr(obj, f.name):
                out[f.name] = getattr(obj, f.name)
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot not in ("__dict__", "__weakref__") and hasattr(obj, slot):
                out.setdefault(slot, getattr(obj, slot))
    if hasattr(obj, "__dict__"):
        for k, v in vars(obj).items():
            out.setdefault(k, v)
    return list(out.items())


def _lazy_defaults() -> dict[tuple[str, str], Callable[[Any], Any]]:
    """State that the backend materializes on first use, identical to what was "there" before.

    ``(owner class, attribute) -> factory(owner)``: when the attribute's value equals what the factory builds,
    it is walked as the unmaterialized field default (an empty dict). A domain's package-group registry, with
    its root group ``/*`` (created at the domain's creation time, all ALLOW), is built on the first package-group
    call, even one that fails; through the API the root group has existed all along.
    """
    try:
        from mock_codeartifact.backend.package_groups import GroupRegistry
    except ImportError:  # pragma: no cover - a backend without package groups
        return {}
    return {("Domain", "package_groups"): GroupRegistry}


_LAZY = _lazy_defaults()


class _Walker:
    def __init__(self) -> None:
        self.path: set[int] = set()

    def _attribute(self, owner: Any, name: str, value: Any) -> Any:
        walked = self.walk(value)
        factory = _LAZY.get((type(owner).__name__, name))
        if factory is not None and not (isinstance(value, dict) and not value):
            try:
                pristine = self.walk(factory(owner))
            except Exception:  # pragma: no cover - the factory's signature changed: compare as is
                return walked
            if walked == pristine:
                return self.walk({})
        return walked

    def walk(self, obj: Any) -> Any:
        if isinstance(obj, _LEAVES):
            return obj
        if isinstance(obj, enum.Enum):
            return ("enum", type(obj).__name__, obj.value)
        if isinstance(obj, bytes | bytearray | memoryview):
            data = bytes(obj)
            return data if len(data) <= _BIG_BYTES else ("bytes", len(data), hashlib.sha256(data).hexdigest())
        if isinstance(obj, _LOCK_TYPES):
            return "<lock>"
        if isinstance(obj, weakref.ref):
            target = obj()
            return ("weakref", type(target).__name__, getattr(target, "name", None))
        if callable(obj) and not is_dataclass(obj) and not hasattr(obj, "__dict__"):
            return ("callable", getattr(obj, "__qualname__", repr(obj)))
        ident = id(obj)
        if ident in self.path:
            return ("<back-reference>", type(obj).__name__)
        self.path.add(ident)
        try:
            return self._container(obj)
        finally:
            self.path.discard(ident)

    def _container(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            return ("dict", [(self.walk(k), self.walk(v)) for k, v in obj.items()])
        if isinstance(obj, list | tuple):
            return (type(obj).__name__, [self.walk(v) for v in obj])
        if isinstance(obj, set | frozenset):
            return ("set", sorted((self.walk(v) for v in obj), key=repr))
        if isinstance(obj, type) or callable(obj) and not hasattr(obj, "__dict__"):
            return ("type", getattr(obj, "__qualname__", repr(obj)))
        attrs = _attributes(obj)
        if not attrs and not hasattr(obj, "__dict__"):
            return ("repr", repr(obj))
        return (
            "object",
            type(obj).__name__,
            [(k, self._attribute(obj, k, v)) for k, v in attrs if not isinstance(v, _LOCK_TYPES)],
        )


def snapshot_of(obj: Any) -> Any:
    """A plain, comparable value describing ``obj`` and everything reachable from it."""
    return _Walker().walk(obj)


def _is_empty_region(state: Any) -> bool:
    for _, v in _attributes(state):
        if isinstance(v, dict | list | set | tuple | frozenset) and len(v) > 0:
            return False
    return True


def snapshot_backend(backend: Any, history: bool = False) -> Any:
    """Snapshot every account and region of ``backend``, holding each region's lock while walking it.

    The package version changes the backend recorded (``backend.changes``, the source of CodeArtifact's events) and
    the call log (``backend.calls``: every call is recorded, failed ones included) are history, not state: a restore
    starts new logs (docs/events.md, docs/call-log.md). ``history=True`` adds them, for the checks that
    a failed call records nothing."""
    states: dict[Any, Any] = dict(getattr(backend, "_states", {}))
    with ExitStack() as stack:
        for st in states.values():
            lock = getattr(st, "lock", None)
            if lock is not None:
                stack.enter_context(lock)
        walked = {key: snapshot_of(st) for key, st in states.items() if not _is_empty_region(st)}
        others = [
            (k, snapshot_of(v)) for k, v in _attributes(backend) if k not in ("_states", "_lock", "changes", "calls")
        ]
        log = getattr(backend, "changes", None)
        if history and log is not None:
            others.append(("changes", [(c.serial, c.operation, c.repository, c.name, c.version) for c in log]))
    return ("backend", sorted(walked.items(), key=repr), others)


def diff(before: Any, after: Any, path: str = "") -> str | None:
    """The first difference between two snapshots, as a readable path, or None when they are equal."""
    if before == after:
        return None
    if type(before) is not type(after):
        return f"{path or '<root>'}: {_short(before)} -> {_short(after)}"
    if isinstance(before, tuple) and before and before[0] == "object" and len(before) == 3:
        b, a = dict(before[2]), dict(after[2])
        for key in list(b) + [k for k in a if k not in b]:
            found = diff(b.get(key, "<absent>"), a.get(key, "<absent>"), f"{path}.{key}")
            if found:
                return found
    if isinstance(before, tuple) and before and before[0] == "dict":
        b, a = dict((repr(k), v) for k, v in before[1]), dict((repr(k), v) for k, v in after[1])
        for key in list(b) + [k for k in a if k not in b]:
            found = diff(b.get(key, "<absent>"), a.get(key, "<absent>"), f"{path}[{key}]")
            if found:
                return found
        return f"{path}: key order changed"
    if isinstance(before, tuple | list) and len(before) == len(after):
        for i, (x, y) in enumerate(zip(before, after, strict=True)):
            found = diff(x, y, f"{path}#{i}" if isinstance(before, list) else path)
            if found:
                return found
    return f"{path or '<root>'}: {_short(before)} -> {_short(after)}"


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
