"""The one door of the repository endpoints to backend state, on top of ``backend/ingest.py`` (shared with the
seeding API). No other module of ``protocols/`` imports backend state (checked by ``tests/test_import_graph.py``).

- ``pipeline``: a request becomes a ``Call`` and its repository is resolved once, under its owner's lock, which
  the request holds until it is answered (``open_request``); ``authorize`` decides actions against that
  repository; the call log.
- ``versions``: what every format does (version lists through upstreams and external registries, downloads,
  publishes, what the repository holds), re-exported here.
- the per-format parts: ``storage.npm`` (dist-tags, deprecations) and ``storage.maven`` (Unfinished versions,
  SNAPSHOT builds).

Every function that reads or writes the repository first authorizes the caller (reads need
``ReadFromRepository`` on the repository, publishes ``PublishPackageVersion`` on the package, npm tags and
deprecations and Maven metadata ``PutPackageMetadata`` on the package).
"""

from __future__ import annotations

from .pipeline import (
    PUBLISH,
    PUT_METADATA,
    READ,
    Opened,
    authorize,
    open_request,
    record_call,
    redact_query,
    utcnow,
)
from .versions import (
    StoredAsset,
    StoredVersion,
    external_registry,
    fetch_asset,
    has_version,
    listable_versions,
    package_coordinates,
    package_names,
    publish,
)

__all__ = [
    "PUBLISH", "PUT_METADATA", "READ", "Opened", "StoredAsset", "StoredVersion", "authorize", "external_registry",
    "fetch_asset", "has_version", "listable_versions", "open_request", "package_coordinates", "package_names",
    "publish", "record_call", "redact_query", "utcnow",
]  # fmt: skip
