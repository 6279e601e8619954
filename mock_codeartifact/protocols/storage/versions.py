"""Package versions as every package manager sees them: listing, download, publish, what the repository holds.

- ``listable_versions``: what a package manager's version list shows: the repository's own versions, its
  upstreams' (in search order, when origin controls allow) and those of the external registries
  (``backend/external.py``) behind its external connections, Published only (Unlisted, Archived, Disposed and
  Unfinished are left out).
- ``fetch_asset``: a download: the version is resolved through the upstream graph; a version found upstream is
  retained in the requesting repository, one found only through an external connection is ingested into the
  repository holding the connection (origin EXTERNAL) and retained in the requesting one. Archived, Disposed
  and Unfinished versions are not downloadable (404).
- ``publish``: a package manager's publish; ``ingest_version`` with origin INTERNAL (origin controls, 409 on
  conflicting content, new revision, hashes, readme, dependencies, metadata), with protocol data CodeArtifact's
  metadata has no field for (``Extras.asset_data``).
- ``has_version``, ``package_names``, ``package_coordinates``: what the repository itself holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ... import bounded
from ...backend import ingest
from ...backend.assets import Blob
from ...backend.catalog import DISPOSED, PUBLISHED, UNLISTED, Meta, table
from ...backend.coordinates import Coordinate
from ...backend.entities import EXTERNAL_CONNECTIONS
from ...backend.external import ExternalRegistry, ExternalVersion, MetadataFiller
from ...backend.store import Backend
from ..base import ProtocolError, RepoRequest
from .pipeline import PUBLISH, READ, coordinate, read_or_publish, repository

if TYPE_CHECKING:
    from ...backend.entities import Repository

__all__ = [
    "StoredAsset", "StoredVersion", "external_offers", "external_registry", "fetch_asset", "has_version",
    "listable_versions", "meta_of", "package_coordinates", "package_names", "publish",
]  # fmt: skip

DOWNLOADABLE = (PUBLISHED, UNLISTED)


@dataclass
class StoredAsset:
    name: str
    blob: Blob | None = None
    data: bytes | None = None  # for external-registry assets not yet ingested

    @property
    def content(self) -> bytes:
        return self.blob.data if self.blob is not None else (self.data or b"")

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        if self.blob is not None:
            return self.blob.sha256
        return hashlib.sha256(self.content).hexdigest()

    @property
    def hashes(self) -> dict[str, str]:
        return dict(self.blob.hashes) if self.blob is not None else _hashes(self.content)


def _hashes(data: bytes) -> dict[str, str]:
    return {
        "MD5": hashlib.md5(data).hexdigest(),
        "SHA-1": hashlib.sha1(data).hexdigest(),
        "SHA-256": hashlib.sha256(data).hexdigest(),
        "SHA-512": hashlib.sha512(data).hexdigest(),
    }


@dataclass
class StoredVersion:
    version: str
    status: str
    published: dt.datetime | None
    seq: int
    meta: Meta | None
    assets: list[StoredAsset] = field(default_factory=list)
    requires_python: str | None = None
    # Protocol data that CodeArtifact's metadata has no field for (e.g. cargo's index entry), as given to
    # ``publish(extra=...)``; kept by the content of the version's assets, so copies and retained versions keep it.
    extra: dict[str, Any] = field(default_factory=dict)
    revision: str | None = None
    deprecated: str | None = None  # npm deprecation message


def external_registry(backend: Backend, fill_metadata: MetadataFiller) -> ExternalRegistry:
    """The backend's external registries, created with ``fill_metadata`` on first use."""
    return backend.extras.external_registry(fill_metadata)


def _connections(req: RepoRequest, repo: Repository) -> Iterator[tuple[Repository, str]]:
    """Repositories of the search order with an external connection of this format, and that connection."""
    for r in ingest.search_order(repo):
        for conn in r.external_connections:
            if EXTERNAL_CONNECTIONS.get(conn) == req.format:
                yield r, conn


def _external_allowed(repo: Repository, holder: Repository, coord: Coordinate) -> bool:
    """Origin controls: EXTERNAL_UPSTREAM on the repository with the connection and, when that is another
    repository, INTERNAL_UPSTREAM on the requesting one (its retention)."""
    holder_pkg = ingest.find_package(holder, coord)
    if ingest.entry_blocked(holder, holder_pkg, coord, ingest.EXTERNAL, from_upstream=False) is not None:
        return False
    if holder is not repo:
        return ingest.upstream_allowed(repo, ingest.find_package(repo, coord), coord)
    return True


def external_offers(
    req: RepoRequest, repo: Repository, coord: Coordinate
) -> list[tuple[Repository, str, dict[str, ExternalVersion]]]:
    """``(holder, connection, versions)`` for each external connection of the search order whose registry offers
    the package and whose origin controls let it in."""
    registry = req.backend.extras.external
    if registry is None:
        return []
    out = []
    for holder, conn in _connections(req, repo):
        offered = registry.versions(conn, coord.namespace, coord.name)
        if offered and _external_allowed(repo, holder, coord):
            out.append((holder, conn, offered))
    return out


def listable_versions(req: RepoRequest, namespace: str | None, name: str) -> list[StoredVersion]:
    coord = coordinate(req, namespace, name)
    repo = repository(req, READ)
    extras = req.backend.extras
    out: dict[str, StoredVersion] = {}
    for _where, pv in ingest.visible_versions(repo, coord):
        if pv.version in out:
            continue
        if pv.status != PUBLISHED:
            # A version the repository itself holds with another status hides the upstream one too.
            out[pv.version] = StoredVersion(pv.version, pv.status, pv.published, pv.seq, pv.meta)
            continue
        assets = [StoredAsset(n, blob=b) for n, b in pv.assets.items()]
        out[pv.version] = StoredVersion(
            pv.version,
            pv.status,
            pv.published,
            pv.seq,
            pv.meta,
            assets,
            extra=extras.data_of(req.format, [b.sha256 for b in pv.assets.values()]),
            revision=pv.revision,
            deprecated=extras.deprecation(pv.revision),
        )
    for _holder, _conn, offered in external_offers(req, repo, coord):
        for ev in offered.values():
            if ev.version not in out:
                assets = [StoredAsset(n, data=d) for n, d in ev.assets.items()]
                out[ev.version] = StoredVersion(ev.version, PUBLISHED, ev.published, -1, ev.meta, assets)
    return [v for v in out.values() if v.status == PUBLISHED]


def fetch_asset(req: RepoRequest, namespace: str | None, name: str, version: str, asset_name: str) -> StoredAsset:
    coord = coordinate(req, namespace, name)
    backend = req.backend
    repo = repository(req, READ)
    found = ingest.resolve_version(backend, repo, coord, version, retain=False)
    if found is None:
        found = _ingest_external(req, repo, coord, version)
    if found is None:
        raise ProtocolError(404, f"Not found: {name} {version}")
    where, _pkg, pv = found
    if pv.status not in DOWNLOADABLE or asset_name not in pv.assets:
        raise ProtocolError(404, f"Not found: {asset_name} of {name} {version}")
    if where is not repo:
        retained = ingest.resolve_version(backend, repo, coord, version, retain=True)
        if retained is None:
            raise ProtocolError(404, f"Not found: {name} {version}")
        pv = retained[2]
    return StoredAsset(asset_name, blob=pv.assets[asset_name])


def _ingest_external(req: RepoRequest, repo: Repository, coord: Coordinate, version: str) -> Any:
    for holder, conn, offered in external_offers(req, repo, coord):
        ev = offered.get(version)
        if ev is None:
            continue
        existing = ingest.find_version(holder, coord, version)
        if existing is not None and existing.status == DISPOSED:
            continue
        registry = req.backend.extras.external
        tags = registry.dist_tags(conn, coord.namespace, coord.name) if registry is not None else {}
        result = ingest.ingest_version(
            req.backend,
            holder,
            format=coord.format,
            namespace=coord.namespace,
            package=coord.name,
            version=ev.version,
            assets=ev.assets,
            origin_type=ingest.EXTERNAL,
            external_connection=conn,
            meta=ev.meta,
            published_time=ev.published,
            normalize=False,
            npm_tags=[t for t, v in tags.items() if v == ev.version],
            now=req.now,
        )
        return holder, result.package, result.version
    return None


def publish(
    req: RepoRequest,
    namespace: str | None,
    name: str,
    version: str,
    asset_name: str,
    content: bytes,
    metadata: dict[str, Any],
    dist_tags: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Store one asset of a version as a direct publish (origin INTERNAL); ``metadata`` keys are ``Meta``'s
    (summary, readme, dependencies, display_name, home_page, source_code_repository, licenses), each within
    the caps of ``bounded.check_metadata``; ``extra``: protocol data kept with the asset's content."""
    bounded.check_metadata(metadata)
    meta = meta_of(metadata)
    repo = repository(req, PUBLISH, namespace, name)
    result = ingest.ingest_version(
        req.backend,
        repo,
        format=req.format,
        namespace=namespace,
        package=name,
        version=version,
        assets={asset_name: content},
        meta=meta,
        npm_tags=list(dist_tags) if dist_tags is not None else None,
        now=req.now,
    )
    if extra:
        extras = req.backend.extras
        for _name, blob in result.assets:
            extras.add_data(req.format, blob.sha256, extra)


def meta_of(metadata: dict[str, Any]) -> Meta:
    """The ``Meta`` of a publish's ``metadata`` (keys that are not ``Meta``'s are left out)."""
    return Meta(**{k: v for k, v in metadata.items() if k in Meta.__slots__})


def has_version(req: RepoRequest, namespace: str | None, name: str, version: str) -> bool:
    """Whether the repository itself holds ``version`` (any status), upstreams left aside."""
    repo = repository(req, read_or_publish(req), namespace, name)
    return ingest.find_version(repo, coordinate(req, namespace, name), version) is not None


def package_names(req: RepoRequest, namespace: str | None) -> list[str]:
    """Names of the packages of this format (and namespace) stored in the repository itself."""
    repo = repository(req, READ)
    return [key[2] for key in table(repo).keys_sorted if key[0] == req.format and key[1] == (namespace or "")]


def package_coordinates(req: RepoRequest) -> list[tuple[str, str]]:
    """``(namespace, name)`` of every package of this format stored in the repository itself ("" for none)."""
    repo = repository(req, READ)
    return [(key[1], key[2]) for key in table(repo).keys_sorted if key[0] == req.format]
