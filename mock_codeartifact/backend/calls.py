"""The call log: the calls a mock answered, newest kept (docs/call-log.md).

Each ``Backend`` holds one ``CallLog``; the dispatcher (control plane) and the repository-endpoint router record
into it, in-process and in server mode alike. Recording keeps a plain tuple; the ``CallRecord`` objects are made
only when someone reads the log, so a call pays for an append and nothing more.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SIZE_ENV = "MOCK_CODEARTIFACT_CALL_LOG_SIZE"
DEFAULT_SIZE = 1000
REDACTED = "***"
# Query parameters of a repository-endpoint request that can carry a credential.
_SECRET_WORDS = ("token", "auth", "password", "secret", "signature", "credential", "key")


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One call a mock answered.

    ``operation``: the API operation (``CreateDomain``), or for a repository endpoint ``"FORMAT METHOD /path"``
    (``"npm GET /lodash"``); ``params``: the decoded request parameters by their API names (asset bodies shown as
    their size, credentials redacted); ``principal``: the caller's IAM ARN; ``account`` and ``region`` of the
    caller; ``status``: the HTTP status of the answer; ``error``: the error code (``ResourceNotFoundException``)
    or None; ``duration_ms``: the time the mock took to answer; ``time``: when the call arrived (UTC);
    ``sequence``: its position in this mock's log (increasing, never reused).
    """

    operation: str
    params: Mapping[str, Any]
    principal: str | None
    account: str | None
    region: str | None
    status: int
    error: str | None
    duration_ms: float
    time: dt.datetime
    sequence: int

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object (``time`` in ISO 8601, parameters made JSON-safe)."""
        return {
            "sequence": self.sequence,
            "time": self.time.isoformat(),
            "operation": self.operation,
            "params": _json_safe(self.params),
            "principal": self.principal,
            "account": self.account,
            "region": self.region,
            "status": self.status,
            "error": self.error,
            "duration_ms": self.duration_ms,
        }


# (sequence, epoch seconds, operation, params, principal, account, region, status, error, duration in seconds)
Raw = tuple[int, float, str, Mapping[str, Any], str | None, str | None, str | None, int, str | None, float]
_FIELDS = 10


def _size_from_env() -> int:
    raw = os.environ.get(SIZE_ENV, "")
    try:
        size = int(raw)
    except ValueError:
        return DEFAULT_SIZE
    return max(size, 0)


class CallLog:
    """The bounded log of one backend: the newest ``size`` calls (``MOCK_CODEARTIFACT_CALL_LOG_SIZE``, else
    1000; 0 keeps none).

    The calls are kept in one preallocated list, ``_FIELDS`` slots per call, written in place: recording a call
    keeps no object of its own (benchmarks/README.md, "The hot path")."""

    def __init__(self, size: int | None = None) -> None:
        self._size = _size_from_env() if size is None else size
        self._ring: list[Any] = [None] * (self._size * _FIELDS)
        self._last = 0  # the sequence number of the newest call (or clear)
        self._first = 1  # the oldest sequence number still kept (a clear moves it past everything)
        self._lock = threading.Lock()
        # Changes with every record and every clear: what a dashboard page polls to know that it is out of date.
        self.stamp = 0

    @property
    def size(self) -> int:
        """How many calls are kept (the oldest go first)."""
        return self._size

    def resize(self, size: int) -> None:
        """Keep the newest ``size`` calls from now on."""
        if size < 0:
            raise ValueError("the call log size cannot be negative")
        with self._lock:
            kept = self._raws()[-size:] if size else []
            self._size = size
            self._ring = [None] * (size * _FIELDS)
            for raw in kept:
                at = (raw[0] % size) * _FIELDS
                self._ring[at : at + _FIELDS] = raw

    def record(
        self,
        operation: str,
        params: Mapping[str, Any],
        principal: str | None,
        account: str | None,
        region: str | None,
        status: int,
        error: str | None,
        started: float,
        seconds: float,
    ) -> None:
        """Add one call (``started``: epoch seconds; ``seconds``: how long the answer took)."""
        with self._lock:
            sequence = self._last = self._last + 1
            size = self._size
            if size:
                ring, at = self._ring, (sequence % size) * _FIELDS
                ring[at] = sequence
                ring[at + 1] = started
                ring[at + 2] = operation
                ring[at + 3] = params
                ring[at + 4] = principal
                ring[at + 5] = account
                ring[at + 6] = region
                ring[at + 7] = status
                ring[at + 8] = error
                ring[at + 9] = seconds
            self.stamp = sequence

    def clear(self) -> None:
        """Forget every call (the sequence goes on, so a reader can tell that the log changed)."""
        with self._lock:
            self._last += 1
            self._first = self._last + 1  # the slots of older calls are overwritten as new ones come
            self.stamp = self._last

    def _raws(self) -> list[Raw]:
        # Under the lock. The calls kept, oldest first.
        size = self._size
        if not size:
            return []
        ring, out = self._ring, []
        for sequence in range(max(self._first, self._last - size + 1), self._last + 1):
            at = (sequence % size) * _FIELDS
            if ring[at] == sequence:
                out.append(tuple(ring[at : at + _FIELDS]))
        return out

    def __len__(self) -> int:
        with self._lock:
            return len(self._raws())

    def records(self) -> list[CallRecord]:
        """The calls kept, oldest first."""
        with self._lock:
            raws = self._raws()
        return [_record(raw) for raw in raws]

    def select(
        self,
        operation: str | None = None,
        status: int | str | None = None,
        since: dt.datetime | None = None,
        after: int | None = None,
    ) -> list[CallRecord]:
        """The calls kept that match every filter given, oldest first.

        ``operation``: the operation name, or the first words of it (``npm`` matches every npm repository-endpoint
        call); ``status``: an HTTP status (``404``) or a class (``"4xx"``), ``"error"`` for any error answer;
        ``since``: calls that arrived at or after this time; ``after``: calls with a greater ``sequence``.
        """
        with self._lock:
            entries: Iterable[Raw] = self._raws()
        if after is not None:
            entries = [e for e in entries if e[0] > after]
        if since is not None:
            # Compared as the datetimes the records show (microseconds), so a record's own time selects it.
            entries = [e for e in entries if dt.datetime.fromtimestamp(e[1], dt.timezone.utc) >= since]
        if operation:
            prefix = operation + " "
            entries = [e for e in entries if e[2] == operation or e[2].startswith(prefix)]
        if status is not None:
            entries = [e for e in entries if _status_matches(e[7], e[8], status)]
        return [_record(raw) for raw in entries]


def _status_matches(value: int, error: str | None, wanted: int | str) -> bool:
    if isinstance(wanted, int):
        return value == wanted
    text = wanted.strip().lower()
    if text == "error":
        return error is not None or value >= 400
    if text == "ok":
        return error is None and value < 400
    if len(text) == 3 and text.endswith("xx") and text[0].isdigit():
        return value // 100 == int(text[0])
    return text.isdigit() and value == int(text)


def _record(raw: Raw) -> CallRecord:
    sequence, started, operation, params, principal, account, region, status, error, seconds = raw
    return CallRecord(
        operation,
        params,
        principal,
        account,
        region,
        status,
        error,
        round(seconds * 1000, 3),
        dt.datetime.fromtimestamp(started, dt.timezone.utc),
        sequence,
    )


def parse_since(text: str) -> dt.datetime:
    """A ``since`` filter: ISO 8601 (naive means UTC) or seconds since the epoch; ``ValueError`` otherwise."""
    try:
        return dt.datetime.fromtimestamp(float(text), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"since={text!r} is neither an ISO 8601 time nor seconds since the epoch") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def redact_query(query: Mapping[str, str]) -> dict[str, str]:
    """A repository endpoint's query parameters, any that can carry a credential redacted."""
    return {k: REDACTED if any(w in k.lower() for w in _SECRET_WORDS) else v for k, v in query.items()}


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
