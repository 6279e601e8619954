"""Events into moto's EventBridge, in this process, while moto's ``mock_aws`` is active.

Each event is put on the receiving account's default event bus in the domain's region through moto's own
``PutEvents`` (its events backend, no HTTP), so rules and their targets (SQS, CloudWatch Logs, other buses) fire as
they would in AWS. moto is never imported here: if a test has not imported moto's EventBridge, no rule exists
and there is nothing to do; the check is two dictionary look-ups per change. A failure never reaches the
CodeArtifact call that made the change.
"""

from __future__ import annotations

import json
import logging
import sys

from ..backend.changes import VersionChange
from .format import event

LOG = logging.getLogger("mock_codeartifact.events")


def moto_active() -> bool:
    """Whether moto's in-process ``mock_aws`` is active and its EventBridge has been imported."""
    if "moto.events.models" not in sys.modules:
        return False
    core = sys.modules.get("moto.core.models")
    mock = getattr(core, "MockAWS", None)
    return bool(getattr(mock, "_nested_count", 0) > 0)


class MotoDelivery:
    """A ``ChangeLog`` listener: put each change's events on moto's default buses while moto's mock is active."""

    # The change log asks before it makes a change for a listener: nothing is made while moto's mock is off.
    wanted = staticmethod(moto_active)

    def __call__(self, change: VersionChange) -> None:
        if moto_active():
            self._put(change)

    @staticmethod
    def _put(change: VersionChange) -> None:
        try:
            backends = sys.modules["moto.events.models"].events_backends
            for account in change.receivers:
                ev = event(change, account)
                # No Time: moto's default target input splices the time in unquoted, which only moto's own value survives.
                entry = {
                    "Source": ev["source"],
                    "Resources": ev["resources"],
                    "DetailType": ev["detail-type"],
                    "Detail": json.dumps(ev["detail"]),
                }
                answer = backends[account][change.region].put_events([entry])
                if any("ErrorCode" in e for e in answer):
                    LOG.warning("moto's EventBridge refused an event: %s", answer)
        except Exception:  # moto's internals are not an API: never fail the CodeArtifact call
            LOG.warning("could not put a CodeArtifact event on moto's EventBridge", exc_info=True)


deliver_to_moto = MotoDelivery()
