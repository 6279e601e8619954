"""A recorded change as the EventBridge event CodeArtifact sends (AWS user guide, "CodeArtifact event format and
example"): the envelope, then the detail, in the order of the guide's example event."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

from ..backend.arns import package_arn
from ..backend.changes import VersionChange

SOURCE = "aws.codeartifact"
DETAIL_TYPE = "CodeArtifact Package Version State Change"


def detail(change: VersionChange) -> dict[str, Any]:
    """The event's ``detail``: the same for every account that receives the change."""
    return {
        "domainName": change.domain,
        "domainOwner": change.domain_owner,
        "repositoryName": change.repository,
        "repositoryAdministrator": change.administrator,
        "packageFormat": change.format,
        "packageNamespace": change.namespace,
        "packageName": change.name,
        "packageVersion": change.version,
        "packageVersionState": change.state,
        "packageVersionRevision": change.revision,
        "changes": {
            "assetsAdded": change.assets_added,
            "assetsRemoved": change.assets_removed,
            "metadataUpdated": change.metadata_updated,
            "assetsUpdated": change.assets_updated,
            "statusChanged": change.status_changed,
        },
        "operationType": change.operation,
        "sequenceNumber": change.sequence,
        "eventDeduplicationId": deduplication_id(change),
    }


def deduplication_id(change: VersionChange) -> str:
    """Shaped like the guide's example (base64 of 32 bytes); derived from the change, so every copy of one event
    (each receiving account, each delivery attempt) carries the same value."""
    key = "/".join(
        (
            change.region,
            change.domain_owner,
            change.domain,
            change.repository,
            change.format,
            change.namespace or "",
            change.name,
            change.version,
            str(change.sequence),
            change.revision,
        )
    )
    return base64.b64encode(hashlib.sha256(key.encode()).digest()).decode()


def resource(change: VersionChange) -> str:
    """``resources``' one entry: the package's ARN (in the domain owner's account)."""
    return package_arn(
        change.region,
        change.domain_owner,
        change.domain,
        change.repository,
        change.format,
        change.namespace,
        change.name,
    )


def timestamp(change: VersionChange) -> str:
    return change.time.strftime("%Y-%m-%dT%H:%M:%SZ")


def event_id(change: VersionChange, account: str) -> str:
    """The event's ``id``: a UUID that names this change for this account, the same on every read (derived from
    the log's identity and the change's serial number, so nothing is stored per change)."""
    digest = hashlib.md5(f"{change.log}/{change.serial}/{account}".encode(), usedforsecurity=False).digest()
    return str(uuid.UUID(bytes=digest, version=4))


def event(change: VersionChange, account: str) -> dict[str, Any]:
    """The event ``account`` receives for ``change``, as EventBridge hands it to a rule's target."""
    return {
        "version": "0",
        "id": event_id(change, account),
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": account,
        "time": timestamp(change),
        "region": change.region,
        "resources": [resource(change)],
        "detail": detail(change),
    }


def put_events_entry(change: VersionChange, account: str) -> dict[str, Any]:
    """The ``PutEvents`` entry that puts ``account``'s event on its default bus (``Time`` as a datetime, as
    botocore takes it)."""
    ev = event(change, account)
    return {
        "Time": change.time,
        "Source": SOURCE,
        "Resources": ev["resources"],
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps(ev["detail"]),
    }
