"""The one storage path of every format module, on top of ``backend/ingest.py`` (shared with the seeding API).

- ``publish``: a package manager's publish; ``ingest_version`` with origin INTERNAL (origin controls, 409 on
  conflicting content, new revision, hashes, readme, dependencies, metadata).
- ``listable_versions``: what a package manager's version list shows: the repository's own versions, its
  upstreams' (in search order, when origin controls allow) and those of external-connection stand-ins
  (``mock_codeartifact.external``), Published only (Unlisted, Archived, Disposed and Unfinished are left out).
- ``fetch_asset``: a download: the version is resolved through the upstream graph; a version found upstream is
  retained in the requesting repository, one found only through an external connection is ingested into the
  repository holding the connection (origin EXTERNAL) and retained in the requesting one. Archived, Disposed
  and Unfinished versions are not downloadable (404).
- ``dist_tags`` / ``set_dist_tag``: npm tags, merged across upstreams (an upstream tag wins on a clash).

Every function takes the owner's state lock for its whole duration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..backend import ingest
from ..backend.assets import Blob
from ..backend.catalog import DISPOSED, PUBLISHED, UNLISTED, Meta, new_revision, table
from ..backend.coordinates import Coordinate
from ..backend.repositories import EXTERNAL_CONNECTIONS
from ..external import ExternalVersion, find_registry
from .base import ProtocolError, RepoRequest

if TYPE_CHECKING:
    from ..backend.repositories import Repository

DOWNLOADABLE = (PUBLISHED, UNLISTED)


@dataclass
class StoredAsset:
    name: str
    blob: Blob | None = None
    data: bytes | None = None  # for stand-in assets not yet ingested

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
    # ``publish(extra=...)``; keyed by the content of the version's assets, so copies and retained versions keep it.
    extra: dict[str, Any] = field(default_factory=dict)
    revision: str | None = None
    deprecated: str | None = None  # npm deprecation message


_EXTRA_KEY = "protocol-extra"
# npm deprecation messages by package version revision: deprecating makes a new revision in that repository,
# so the message follows the version into copies made later and never outlives a deleted version.
_DEPRECATED_KEY = "npm-deprecated"


def _extras(req: RepoRequest) -> dict[tuple[str, str], dict[str, Any]]:
    return req.app.backend.extensions.setdefault(_EXTRA_KEY, {})


def _extra_of(req: RepoRequest, assets: list[StoredAsset]) -> dict[str, Any]:
    table = req.app.backend.extensions.get(_EXTRA_KEY)
    if not table:
        return {}
    out: dict[str, Any] = {}
    for asset in assets:
        if asset.blob is not None:
            found = table.get((req.format, asset.blob.sha256))
            if found:
                out.update(found)
    return out


def _coord(req: RepoRequest, namespace: str | None, name: str) -> Coordinate:
    return Coordinate(req.format, namespace, name)


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
    if ingest._blocked(holder, holder_pkg, coord, ingest.EXTERNAL, from_upstream=False) is not None:
        return False
    if holder is not repo:
        return ingest._upstream_allowed(repo, ingest.find_package(repo, coord), coord)
    return True


def _stand_in(
    req: RepoRequest, repo: Repository, coord: Coordinate
) -> list[tuple[Repository, str, dict[str, ExternalVersion]]]:
    registry = find_registry(req.app.backend)
    if registry is None:
        return []
    out = []
    for holder, conn in _connections(req, repo):
        offered = registry.versions(conn, coord.namespace, coord.name)
        if offered and _external_allowed(repo, holder, coord):
            out.append((holder, conn, offered))
    return out


def listable_versions(req: RepoRequest, namespace: str | None, name: str) -> list[StoredVersion]:
    coord = _coord(req, namespace, name)
    with req.locked() as (_domain, repo):
        out: dict[str, StoredVersion] = {}
        deprecations = req.app.backend.extensions.get(_DEPRECATED_KEY)
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
                extra=_extra_of(req, assets),
                revision=pv.revision,
                deprecated=deprecations.get(pv.revision) if deprecations else None,
            )
        for _holder, _conn, offered in _stand_in(req, repo, coord):
            for ev in offered.values():
                if ev.version not in out:
                    assets = [StoredAsset(n, data=d) for n, d in ev.assets.items()]
                    out[ev.version] = StoredVersion(ev.version, PUBLISHED, ev.published, -1, ev.meta, assets)
        return [v for v in out.values() if v.status == PUBLISHED]


def fetch_asset(req: RepoRequest, namespace: str | None, name: str, version: str, asset_name: str) -> StoredAsset:
    coord = _coord(req, namespace, name)
    backend = req.app.backend
    with req.locked() as (_domain, repo):
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
    for holder, conn, offered in _stand_in(req, repo, coord):
        ev = offered.get(version)
        if ev is None:
            continue
        existing = ingest.find_version(holder, coord, version)
        if existing is not None and existing.status == DISPOSED:
            continue
        registry = find_registry(req.app.backend)
        tags = registry.dist_tags(conn, coord.namespace, coord.name) if registry is not None else {}
        result = ingest.ingest_version(
            req.app.backend,
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
    (summary, readme, dependencies, display_name, home_page, source_code_repository, licenses)."""
    meta = Meta(**{k: v for k, v in metadata.items() if k in Meta.__slots__})
    with req.locked() as (_domain, repo):
        result = ingest.ingest_version(
            req.app.backend,
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
            for _name, blob in result.assets:
                # Merged, not replaced: identical bytes may be published as several versions, so callers key
                # their entries by version (e.g. "cargo:{name}:{version}").
                _extras(req).setdefault((req.format, blob.sha256), {}).update(extra)


def package_names(req: RepoRequest, namespace: str | None) -> list[str]:
    """Names of the packages of this format (and namespace) stored in the repository itself."""
    with req.locked() as (_domain, repo):
        return [key[2] for key in table(repo).keys_sorted if key[0] == req.format and key[1] == (namespace or "")]


def dist_tags(req: RepoRequest, namespace: str | None, name: str) -> dict[str, str]:
    coord = _coord(req, namespace, name)
    with req.locked() as (_domain, repo):
        local = ingest.find_package(repo, coord)
        merged: dict[str, str] = {}
        if local is not None:
            merged.update(local.dist_tags)
        if ingest._upstream_allowed(repo, local, coord):
            for up in ingest.search_order(repo)[1:]:
                pkg = ingest.find_package(up, coord)
                if pkg is not None:
                    # "npm tags are merged across upstreams; on a clash the upstream tag wins".
                    merged.update(pkg.dist_tags)
        registry = find_registry(req.app.backend)
        if registry is not None:
            for _holder, conn, _offered in _stand_in(req, repo, coord):
                for tag, ver in registry.dist_tags(conn, coord.namespace, coord.name).items():
                    merged.setdefault(tag, ver)
        return merged


def set_dist_tag(req: RepoRequest, namespace: str | None, name: str, tag: str, version: str | None) -> None:
    coord = _coord(req, namespace, name)
    with req.locked() as (_domain, repo):
        pkg = ingest.find_package(repo, coord)
        if pkg is None:
            raise ProtocolError(404, f"Not found: package {name} is not in this repository")
        if version is None:
            if tag not in pkg.dist_tags:
                raise ProtocolError(404, f"Not found: tag {tag}")
            del pkg.dist_tags[tag]
            return
        pv = pkg.versions.get(version)
        if pv is None or pv.status == DISPOSED:
            raise ProtocolError(404, f"Not found: version {version} of {name} is not in this repository")
        pkg.dist_tags[tag] = version


def set_deprecations(req: RepoRequest, namespace: str | None, name: str, messages: dict[str, str]) -> int:
    """npm deprecate: ``version -> message`` ("" undeprecates) for versions the repository itself holds; versions
    only visible through upstreams are left alone. Each change makes a new revision. Returns how many changed."""
    coord = _coord(req, namespace, name)
    with req.locked() as (_domain, repo):
        pkg = ingest.find_package(repo, coord)
        if pkg is None:
            raise ProtocolError(404, f"Not found: package {name} is not in this repository")
        table_ = req.app.backend.extensions.setdefault(_DEPRECATED_KEY, {})
        changes = []
        for version, message in messages.items():
            pv = pkg.versions.get(version)
            if pv is None or pv.status == DISPOSED:
                continue
            if (table_.get(pv.revision) or "") != message:
                changes.append((pv, message))
        for pv, message in changes:
            table_.pop(pv.revision, None)
            pv.revision = new_revision()
            if message:
                table_[pv.revision] = message
        return len(changes)
