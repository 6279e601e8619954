"""``m.events`` and ``GET /_mock/events``: the events the recorded changes make, one per receiving account."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from ..backend.changes import ChangeLog, VersionChange
from .format import event


def events_of(changes: list[VersionChange]) -> list[dict[str, Any]]:
    """The events of ``changes``, in order; a change in a repository administered by another account than the
    domain owner's gives two (the owner's first)."""
    return [event(c, account) for c in changes for account in c.receivers]


class EventLog(Sequence[dict[str, Any]]):
    """The CodeArtifact events produced since the last reset, oldest first, in EventBridge's JSON form (the
    dicts a rule's target receives). A live view: it reads the backend's changes each time it is used.

    ``filter(...)`` selects by envelope (``account``, ``region``) and detail fields (``repositoryName="r"``,
    ``operationType="Deleted"``, ...); ``clear()`` forgets the events so far (``reset()`` does too)."""

    def __init__(self, changes: ChangeLog) -> None:
        self._changes = changes

    def _events(self) -> list[dict[str, Any]]:
        return events_of(list(self._changes))

    def __len__(self) -> int:
        return sum(len(c.receivers) for c in self._changes)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return self._events()[index]
        changes = list(self._changes)
        if index < 0:
            index += sum(len(c.receivers) for c in changes)
        if index >= 0:
            for change in changes:  # render only the event asked for
                receivers = change.receivers
                if index < len(receivers):
                    return event(change, receivers[index])
                index -= len(receivers)
        raise IndexError("event index out of range")

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._events())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, EventLog)):
            return self._events() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EventLog({self._events()!r})"

    def filter(self, *, account: str | None = None, region: str | None = None, **detail: Any) -> list[dict[str, Any]]:
        """The events whose ``account``/``region`` and detail fields equal the values given."""
        out = []
        for ev in self._events():
            if account is not None and ev["account"] != account:
                continue
            if region is not None and ev["region"] != region:
                continue
            d = ev["detail"]
            if all(d.get(k) == v for k, v in detail.items()):
                out.append(ev)
        return out

    def clear(self) -> None:
        """Forget the events so far (sequence numbers go on increasing)."""
        self._changes.clear()
