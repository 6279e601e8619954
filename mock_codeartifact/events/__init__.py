"""CodeArtifact's EventBridge events: the package version changes the backend records (``backend/changes.py``),
turned into events (``format``), listed (``log``: ``m.events``, ``GET /_mock/events``) and delivered: to moto's
EventBridge in this process while ``mock_aws`` is active (``moto_bus``), and from a server to another EventBridge
endpoint with ``PutEvents`` (``endpoint``, ``--events-endpoint``). See docs/events.md.

Nothing here imports moto: its EventBridge is reached through ``sys.modules`` when a test has imported it.
"""

from __future__ import annotations

from ..backend import Backend
from .format import DETAIL_TYPE, SOURCE, event, put_events_entry
from .log import EventLog
from .moto_bus import deliver_to_moto

__all__ = ["DETAIL_TYPE", "SOURCE", "EventLog", "attach", "deliver_to_moto", "event", "put_events_entry"]


def attach(backend: Backend) -> None:
    """Deliver the changes ``backend`` records to moto's EventBridge whenever moto's mock is active (idempotent)."""
    backend.changes.add_listener(deliver_to_moto)
