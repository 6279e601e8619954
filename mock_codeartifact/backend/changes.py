"""Package version changes, as the backend commits them: what CodeArtifact's EventBridge events describe.

The functions of ``ingest`` that create, change and delete package versions call ``record`` once per version they
changed, after every check has passed (a call that raises has recorded nothing). ``Backend.changes`` keeps them:
the recent changes (bounded), a sequence number per package, and the listeners that turn changes into events and
deliver them (``mock_codeartifact.events``). The backend knows nothing of events, EventBridge or moto.

What each change holds follows the detail of the documented event (AWS user guide, "CodeArtifact event format
and example"); docs/events.md lists the facts and the choices where AWS documents nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assets import Blob
    from .catalog import Package, PackageVersion
    from .entities import Repository

CREATED = "Created"
UPDATED = "Updated"
DELETED = "Deleted"

LOG = logging.getLogger("mock_codeartifact.events")
DEFAULT_CAPACITY = 10_000  # changes kept for reading back (m.events, GET /_mock/events); older ones are dropped


class VersionChange:
    """One committed change of one package version in one repository."""

    __slots__ = (
        "region",
        "domain",
        "domain_owner",
        "repository",
        "administrator",
        "format",
        "namespace",
        "name",
        "version",
        "state",
        "revision",
        "assets_added",
        "assets_removed",
        "assets_updated",
        "metadata_updated",
        "status_changed",
        "operation",
        "sequence",
        "time",
        "serial",
        "log",
    )

    def __init__(
        self,
        region: str,
        domain: str,
        domain_owner: str,
        repository: str,
        administrator: str,
        format: str,
        namespace: str | None,
        name: str,
        version: str,
        state: str,
        revision: str,
        assets_added: int,
        assets_removed: int,
        assets_updated: int,
        metadata_updated: bool,
        status_changed: bool,
        operation: str,
        time: dt.datetime,
    ) -> None:
        self.region = region
        self.domain = domain
        self.domain_owner = domain_owner
        self.repository = repository
        self.administrator = administrator
        self.format = format
        self.namespace = namespace
        self.name = name
        self.version = version
        self.state = state
        self.revision = revision
        self.assets_added = assets_added
        self.assets_removed = assets_removed
        self.assets_updated = assets_updated
        self.metadata_updated = metadata_updated
        self.status_changed = status_changed
        self.operation = operation
        self.time = time
        self.sequence = 0  # set by ChangeLog.record
        self.serial = 0  # position in the log since the last reset, from 1
        self.log = ""  # the log's identity since its last reset: with ``serial``, names the change for good

    def row(self) -> Row:
        """The change as a tuple of plain values: what the log keeps (see ``ChangeLog``)."""
        return (
            self.region,
            self.domain,
            self.domain_owner,
            self.repository,
            self.administrator,
            self.format,
            self.namespace,
            self.name,
            self.version,
            self.state,
            self.revision,
            self.assets_added,
            self.assets_removed,
            self.assets_updated,
            self.metadata_updated,
            self.status_changed,
            self.operation,
            self.time,
            self.sequence,
            self.serial,
            self.log,
        )

    @classmethod
    def of(cls, row: Row) -> VersionChange:
        """The change a log row holds."""
        change = cls(*row[:_FIELDS])
        change.sequence, change.serial, change.log = row[18], row[19], row[20]
        return change

    @property
    def receivers(self) -> tuple[str, ...]:
        """The accounts that receive the change's event: the domain owner and the repository's administrator,
        once when they are the same account (user guide, "Monitoring CodeArtifact events")."""
        if self.administrator == self.domain_owner:
            return (self.domain_owner,)
        return (self.domain_owner, self.administrator)


# VersionChange.row(): its fields in the order of ``__init__`` (``_FIELDS`` of them), then sequence, serial and log.
Row = tuple[Any, ...]
_FIELDS = 18
_ROW = _FIELDS + 3
# Told of each change as it is recorded. A listener with a ``wanted()`` attribute is asked first, and skipped (the
# change is not even made into a ``VersionChange``) when it answers False.
Listener = Callable[[VersionChange], None]


# A log's identity: a random prefix per process and a counter (a reset is on every mock's start; uuid4 per reset
# showed in entering and leaving a mock).
_LOG_PREFIX = uuid.uuid4().hex[:16]
_LOG_COUNTER = itertools.count(1)


def _new_log_id() -> str:
    return f"{_LOG_PREFIX}{next(_LOG_COUNTER)}"


class ChangeLog:
    """The changes the backend committed, oldest first, and the listeners told of each one as it is recorded.

    ``reset`` (with the backend's) forgets the changes and the sequence numbers; listeners stay (they are how the
    process delivers events, not state). The log keeps each change's values in place in one list (``_ROW``
    slots per change, up to ``capacity`` changes, grown as changes come), not as an object per change
    (benchmarks/README.md, "The hot path")."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        # The change numbered ``serial`` is at ``((serial - 1) % capacity) * _ROW``: changes are numbered from 1
        # after each reset, so the list fills in order and then wraps.
        self._ring: list[Any] = []
        self._first = 1  # the oldest serial still kept (a clear moves it past every change so far)
        self._sequences: dict[tuple[str, ...], int] = {}
        self._serial = 0
        self._log = _new_log_id()
        self._lock = threading.Lock()
        self.listeners: list[Listener] = []

    def record(self, change: VersionChange) -> None:
        """Record ``change`` (its sequence, serial and log are set here)."""
        self.record_fields(change.row()[:_FIELDS])

    def record_fields(self, fields: Row) -> None:
        """Record the change whose first 18 fields (in ``VersionChange``'s order) are ``fields``: what ``record``
        does, without making a ``VersionChange`` unless a listener wants one."""
        # One package's changes are recorded under its domain owner's state lock, so they never race; the log's
        # own lock orders changes of different accounts.
        key = (fields[0], fields[2], fields[1], fields[3], fields[5], fields[6], fields[7])
        with self._lock:
            sequence = self._sequences.get(key, 0) + 1
            self._sequences[key] = sequence
            serial = self._serial = self._serial + 1
            row = (*fields, sequence, serial, self._log)
            if self._capacity:
                ring, at = self._ring, ((serial - 1) % self._capacity) * _ROW
                if at == len(ring):
                    ring.extend(row)
                else:
                    ring[at : at + _ROW] = row
        change: VersionChange | None = None
        for listener in self.listeners:
            wanted = getattr(listener, "wanted", None)
            if wanted is not None and not wanted():
                continue
            if change is None:
                change = VersionChange.of(row)
            try:
                listener(change)
            except Exception:  # the change is made: telling a listener must never fail the call that made it
                LOG.warning("a listener of package version changes failed", exc_info=True)

    def _rows(self, after: int = 0) -> list[Row]:
        # Under the lock: the rows kept with a serial greater than ``after``, oldest first.
        ring, capacity = self._ring, self._capacity
        out: list[Row] = []
        if not capacity:
            return out
        for serial in range(max(self._first, self._serial - capacity + 1, after + 1), self._serial + 1):
            at = ((serial - 1) % capacity) * _ROW
            out.append(tuple(ring[at : at + _ROW]))
        return out

    def __iter__(self) -> Iterator[VersionChange]:
        with self._lock:
            rows = self._rows()
        return map(VersionChange.of, rows)

    @property
    def serial(self) -> int:
        """The serial number of the newest change recorded (0 after a reset): it moves whenever a version is
        created, changed or deleted, so readers may cache what only those change (the dashboard's counts)."""
        return self._serial

    def __len__(self) -> int:
        with self._lock:
            if not self._capacity:
                return 0
            return self._serial + 1 - max(self._first, self._serial - self._capacity + 1)

    def since(self, serial: int) -> list[VersionChange]:
        """The changes recorded after the one numbered ``serial`` (0: all that are kept)."""
        with self._lock:
            rows = self._rows(serial)
        return [VersionChange.of(r) for r in rows]

    def clear(self) -> None:
        """Forget the recorded changes (sequence numbers go on)."""
        with self._lock:
            self._first = self._serial + 1

    def reset(self) -> None:
        with self._lock:
            self._ring = []
            self._first = 1
            self._sequences.clear()
            self._serial = 0
            self._log = _new_log_id()  # serials start again: the changes they name now are new ones

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener`` with every change recorded from now on (once, however often it is added)."""
        with self._lock:
            if listener not in self.listeners:
                self.listeners = [*self.listeners, listener]

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            self.listeners = [x for x in self.listeners if x != listener]


def record(
    changes: ChangeLog,
    repo: Repository,
    pkg: Package,
    pv: PackageVersion,
    operation: str,
    *,
    added: int = 0,
    removed: int = 0,
    updated: int = 0,
    metadata: bool = False,
    status: bool = False,
    state: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Record that ``pv`` (of ``pkg`` in ``repo``) was created, updated or deleted. Call after the change."""
    d = repo.domain
    coord = pkg.coord
    changes.record_fields(
        (
            d.region,
            d.name,
            d.owner,
            repo.name,
            repo.administrator_account,
            coord.format,
            coord.namespace,
            coord.name,
            pv.version,
            state or pv.status,
            pv.revision,
            added,
            removed,
            updated,
            metadata,
            status,
            operation,
            now or dt.datetime.now(dt.timezone.utc),
        )
    )


def asset_diff(before: dict[str, Blob], after: dict[str, Blob]) -> tuple[int, int, int]:
    """``(added, removed, updated)`` between two ``name -> Blob`` maps of one version."""
    added = sum(1 for n in after if n not in before)
    removed = sum(1 for n in before if n not in after)
    updated = sum(1 for n, b in after.items() if n in before and before[n].sha256 != b.sha256)
    return added, removed, updated
