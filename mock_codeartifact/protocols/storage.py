"""The one door of the repository endpoints to backend state, on top of ``backend/ingest.py`` (shared with the
seeding API). No other module of ``protocols/`` imports backend state; the router and the format modules call
these functions with the ``RepoRequest`` (or, before there is one, the backend).

- ``valid_token`` / ``repository_exists``: what the router checks before it calls a format module;
  ``stand_in_registry``: the stand-ins for public registries (``protocols/stand_ins.py``).
- ``publish``: a package manager's publish; ``ingest_version`` with origin INTERNAL (origin controls, 409 on
  conflicting content, new revision, hashes, readme, dependencies, metadata).
- ``listable_versions``: what a package manager's version list shows: the repository's own versions, its
  upstreams' (in search order, when origin controls allow) and those of external-connection stand-ins
  (``backend/stand_ins.py``), Published only (Unlisted, Archived, Disposed and Unfinished are left out).
- ``fetch_asset``: a download: the version is resolved through the upstream graph; a version found upstream is
  retained in the requesting repository, one found only through an external connection is ingested into the
  repository holding the connection (origin EXTERNAL) and retained in the requesting one. Archived, Disposed
  and Unfinished versions are not downloadable (404).
- ``dist_tags`` / ``set_dist_tag``: npm tags, merged across upstreams (an upstream tag wins on a clash).
- ``has_version``, ``package_names``, ``package_coordinates``: what the repository itself holds.
- ``stage``, ``own_asset``, ``finish``, ``publish_snapshot``: Maven's Unfinished versions and SNAPSHOT builds.

Every function that reads or writes a repository first authorizes the token's principal (``authorize``: reads
need ``ReadFromRepository`` on the repository, publishes ``PublishPackageVersion`` on the package, npm tags and
deprecations and Maven metadata ``PutPackageMetadata`` on the package), then holds the owner's state lock for its
whole duration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import bounded
from ..authorization import enforce
from ..authorization.table import PUBLISH_PACKAGE_VERSION, PUT_PACKAGE_METADATA, READ_FROM_REPOSITORY
from ..backend import ingest
from ..backend.assets import Blob
from ..backend.calls import redact_query
from ..backend.catalog import ALLOW, DISPOSED, PUBLISHED, UNFINISHED, UNLISTED, Meta, Package, table
from ..backend.coordinates import Coordinate
from ..backend.entities import EXTERNAL_CONNECTIONS, AuthToken
from ..backend.stand_ins import ExternalRegistry, ExternalVersion, MetadataFiller, find_registry, registry_of
from ..backend.store import Backend, utcnow
from ..backend.tokens import find_token
from ..errors import AccessDeniedException, ServiceQuotaExceededException, conflict
from ..iam.identity import Principal
from .base import ProtocolError, RepoRequest

if TYPE_CHECKING:
    from ..backend.entities import Repository

__all__ = [
    "PUBLISH", "PUT_METADATA", "READ", "StoredAsset", "StoredVersion", "authorize", "dist_tags", "fetch_asset", "finish", "has_version", "listable_versions",
    "own_asset", "package_coordinates", "package_names", "publish", "publish_snapshot", "record_call",
    "redact_query", "repository_exists",
    "set_deprecations", "set_dist_tag", "stage", "stand_in_registry", "utcnow", "valid_token",
]  # fmt: skip

DOWNLOADABLE = (PUBLISHED, UNLISTED)


# ------------------------------------------------------------------------------------------------ authorization

READ = READ_FROM_REPOSITORY
PUBLISH = PUBLISH_PACKAGE_VERSION
PUT_METADATA = PUT_PACKAGE_METADATA
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def authorize(req: RepoRequest, action: str, namespace: str | None = None, name: str | None = None) -> None:
    """403 unless the token's principal may perform ``action``: ``ReadFromRepository`` on the repository,
    ``PublishPackageVersion`` / ``PutPackageMetadata`` on the package ``namespace``/``name``; the same decision
    as the control plane's (``mock_codeartifact.authorization``), against the policies as they are now."""
    key = (action, None, None) if action == READ else (action, namespace, name)
    if key in req.authorized:
        return
    if enforce.enabled(req.backend):
        token = req.token
        principal = Principal(
            token.principal_arn or f"arn:aws:iam::{token.domain_owner}:root", token.principal_account or req.owner
        )
        if action == READ:
            target = enforce.repository_target(req.region, req.owner, req.domain, req.repository)
        else:
            target = enforce.package_target(
                req.region, req.owner, req.domain, req.repository, req.format, namespace, name or ""
            )
        try:
            enforce.check(req.backend, principal, action, target)
        except AccessDeniedException as denied:
            raise ProtocolError(403, denied.message) from None
    req.authorized.add(key)


def _read_or_publish(req: RepoRequest) -> str:
    """What a lookup of the repository's own versions needs: a read, or (during an upload) the publish."""
    return READ if req.request.method in _SAFE_METHODS else PUBLISH


# ------------------------------------------------------------------------------------------------ the router


def valid_token(backend: Backend, region: str, domain: str, owner: str, raw: str, now: dt.datetime) -> AuthToken | None:
    """The token ``raw`` if it is known in ``owner``'s state of ``region``, unexpired and issued for ``domain``."""
    token = find_token(backend.state(owner, region), raw)
    if token is None or not token.valid_for(domain, owner, now):
        return None
    return token


def record_call(
    backend: Backend,
    operation: str,
    params: dict[str, Any],
    principal: str | None,
    account: str | None,
    region: str | None,
    status: int,
    error: str | None,
    started: float,
    seconds: float,
) -> None:
    """Add a repository-endpoint request to the backend's call log (``backend/calls.py``)."""
    backend.calls.record(operation, params, principal, account, region, status, error, started, seconds)


def repository_exists(backend: Backend, region: str, domain: str, owner: str, repository: str) -> bool:
    st = backend.state(owner, region)
    with st.lock:
        d = st.domains.get(domain)
        return d is not None and repository in d.repositories


def stand_in_registry(backend: Backend, fill_metadata: MetadataFiller) -> ExternalRegistry:
    """The backend's stand-ins for public registries, created with ``fill_metadata`` on first use."""
    return registry_of(backend, fill_metadata)


@contextmanager
def _locked(
    req: RepoRequest, action: str, namespace: str | None = None, name: str | None = None
) -> Iterator[Repository]:
    """Authorize the token's principal for ``action``, then hold the owner's state lock and yield the request's
    repository (404 if it or its domain is gone)."""
    authorize(req, action, namespace, name)
    st = req.backend.state(req.owner, req.region)
    with st.lock:
        domain = st.domains.get(req.domain)
        repo = domain.repositories.get(req.repository) if domain is not None else None
        if domain is None or repo is None:
            raise ProtocolError(404, f"Repository '{req.repository}' in domain '{req.domain}' does not exist")
        yield repo


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
    extras: dict[tuple[str, str], dict[str, Any]] = req.backend.extensions.setdefault(_EXTRA_KEY, {})
    return extras


def _extra_of(req: RepoRequest, assets: list[StoredAsset]) -> dict[str, Any]:
    table = req.backend.extensions.get(_EXTRA_KEY)
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
    if ingest.entry_blocked(holder, holder_pkg, coord, ingest.EXTERNAL, from_upstream=False) is not None:
        return False
    if holder is not repo:
        return ingest.upstream_allowed(repo, ingest.find_package(repo, coord), coord)
    return True


def _stand_in(
    req: RepoRequest, repo: Repository, coord: Coordinate
) -> list[tuple[Repository, str, dict[str, ExternalVersion]]]:
    registry = find_registry(req.backend)
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
    with _locked(req, READ) as repo:
        out: dict[str, StoredVersion] = {}
        deprecations = req.backend.extensions.get(_DEPRECATED_KEY)
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
    backend = req.backend
    with _locked(req, READ) as repo:
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
        registry = find_registry(req.backend)
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
    the caps of ``bounded.check_metadata``."""
    bounded.check_metadata(metadata)
    meta = _meta(metadata)
    with _locked(req, PUBLISH, namespace, name) as repo:
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
            for _name, blob in result.assets:
                # Merged, not replaced: identical bytes may be published as several versions, so callers key
                # their entries by version (e.g. "cargo:{name}:{version}").
                _extras(req).setdefault((req.format, blob.sha256), {}).update(extra)


def _meta(metadata: dict[str, Any]) -> Meta:
    return Meta(**{k: v for k, v in metadata.items() if k in Meta.__slots__})


def has_version(req: RepoRequest, namespace: str | None, name: str, version: str) -> bool:
    """Whether the repository itself holds ``version`` (any status), upstreams left aside."""
    with _locked(req, _read_or_publish(req), namespace, name) as repo:
        return ingest.find_version(repo, _coord(req, namespace, name), version) is not None


def package_names(req: RepoRequest, namespace: str | None) -> list[str]:
    """Names of the packages of this format (and namespace) stored in the repository itself."""
    with _locked(req, READ) as repo:
        return [key[2] for key in table(repo).keys_sorted if key[0] == req.format and key[1] == (namespace or "")]


def package_coordinates(req: RepoRequest) -> list[tuple[str, str]]:
    """``(namespace, name)`` of every package of this format stored in the repository itself ("" for none)."""
    with _locked(req, READ) as repo:
        return [(key[1], key[2]) for key in table(repo).keys_sorted if key[0] == req.format]


def dist_tags(req: RepoRequest, namespace: str | None, name: str) -> dict[str, str]:
    coord = _coord(req, namespace, name)
    with _locked(req, READ) as repo:
        local = ingest.find_package(repo, coord)
        merged: dict[str, str] = {}
        if local is not None:
            merged.update(local.dist_tags)
        if ingest.upstream_allowed(repo, local, coord):
            for up in ingest.search_order(repo)[1:]:
                pkg = ingest.find_package(up, coord)
                if pkg is not None:
                    # "npm tags are merged across upstreams; on a clash the upstream tag wins".
                    merged.update(pkg.dist_tags)
        registry = find_registry(req.backend)
        if registry is not None:
            for _holder, conn, _offered in _stand_in(req, repo, coord):
                for tag, ver in registry.dist_tags(conn, coord.namespace, coord.name).items():
                    merged.setdefault(tag, ver)
        return merged


def set_dist_tag(req: RepoRequest, namespace: str | None, name: str, tag: str, version: str | None) -> None:
    coord = _coord(req, namespace, name)
    with _locked(req, PUT_METADATA, namespace, name) as repo:
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
    with _locked(req, PUT_METADATA, namespace, name) as repo:
        pkg = ingest.find_package(repo, coord)
        if pkg is None:
            raise ProtocolError(404, f"Not found: package {name} is not in this repository")
        table_ = req.backend.extensions.setdefault(_DEPRECATED_KEY, {})
        changes = []
        for version, message in messages.items():
            pv = pkg.versions.get(version)
            if pv is None or pv.status == DISPOSED:
                continue
            if (table_.get(pv.revision) or "") != message:
                changes.append((pv, message))
        for pv, message in changes:
            table_.pop(pv.revision, None)
            ingest.revise(req.backend, repo, pkg, pv)
            if message:
                table_[pv.revision] = message
        return len(changes)


# ------------------------------------------------------------------------------------------------ maven


def stage(
    req: RepoRequest,
    namespace: str | None,
    name: str,
    version: str,
    asset_name: str,
    content: bytes,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Add one asset to a version that stays Unfinished until ``finish`` or ``publish_snapshot`` (created if
    new); ``metadata`` (``Meta``'s keys) replaces the stored fields it gives."""
    meta = _meta(metadata) if metadata is not None else None
    with _locked(req, PUBLISH, namespace, name) as repo:
        ingest.ingest_version(
            req.backend,
            repo,
            format=req.format,
            namespace=namespace,
            package=name,
            version=version,
            assets={asset_name: content},
            status=UNFINISHED,
            meta=meta,
            now=req.now,
        )


def own_asset(req: RepoRequest, namespace: str | None, name: str, version: str, asset_name: str) -> StoredAsset | None:
    """An asset of a version the repository itself holds, in any status (no upstream resolution), or None."""
    with _locked(req, _read_or_publish(req), namespace, name) as repo:
        pv = ingest.find_version(repo, _coord(req, namespace, name), version)
        blob = pv.assets.get(asset_name) if pv is not None else None
        return StoredAsset(asset_name, blob=blob) if blob is not None else None


def finish(req: RepoRequest, namespace: str | None, name: str, versions: list[str]) -> None:
    """Publish those of ``versions`` that are Unfinished in the repository itself; the others are left alone."""
    coord = _coord(req, namespace, name)
    with _locked(req, PUT_METADATA, namespace, name) as repo:
        pending = []
        for version in versions:
            pv = ingest.find_version(repo, coord, version)
            if pv is not None and pv.status == UNFINISHED:
                pending.append(version)
        for version in pending:
            ingest.ingest_version(
                req.backend,
                repo,
                format=req.format,
                namespace=namespace,
                package=name,
                version=version,
                status=PUBLISHED,
                normalize=False,
                now=req.now,
            )


def publish_snapshot(
    req: RepoRequest, namespace: str | None, name: str, snapshot: str, build: str, metadata_name: str, metadata: bytes
) -> None:
    """Make ``snapshot`` (``1.0-SNAPSHOT``) stand for ``build``: Published with the build's assets plus the
    metadata file, the build Unlisted, a previous SNAPSHOT's assets replaced; identical content changes nothing.
    Everything that could refuse it is checked first (a failed request changes nothing)."""
    coord = _coord(req, namespace, name)
    backend = req.backend
    with _locked(req, PUT_METADATA, namespace, name) as repo:
        build_pv = ingest.find_version(repo, coord, build)
        if build_pv is None or not build_pv.assets:
            raise ProtocolError(400, f"Snapshot build {build} has no uploaded files in this repository")
        assets: dict[str, bytes] = {asset: blob.data for asset, blob in build_pv.assets.items()}
        assets[metadata_name] = metadata
        meta = build_pv.meta
        pkg = ingest.find_package(repo, coord)
        assert pkg is not None
        _check_snapshot_publish(repo, pkg, coord, snapshot, len(assets))
        fields: dict[str, Any] = {"format": req.format, "namespace": namespace, "package": name, "now": req.now}
        if build_pv.status == UNFINISHED:
            ingest.ingest_version(backend, repo, version=build, status=UNLISTED, normalize=False, **fields)
        old = pkg.versions.get(snapshot)
        if old is not None:
            same = set(old.assets) == set(assets) and all(old.assets[n].data == d for n, d in assets.items())
            if same:
                return
            # The SNAPSHOT version now stands for the new build: its assets are replaced (user guide).
            replaced = dict(old.assets)
            ingest.release_version(backend, repo, old)
            pkg.remove(snapshot)
        else:
            replaced = None
        ingest.ingest_version(
            backend,
            repo,
            version=snapshot,
            assets=assets,
            status=PUBLISHED,
            meta=meta.copy() if isinstance(meta, Meta) else None,
            normalize=False,
            replaced=replaced,
            **fields,
        )


def _check_snapshot_publish(repo: Repository, pkg: Package, coord: Coordinate, version: str, asset_count: int) -> None:
    """What would make the SNAPSHOT's publish fail, checked before the build is unlisted and the previous
    SNAPSHOT replaced: origin controls and package groups, a SNAPSHOT an upstream repository already has, the
    assets-per-version quota."""
    reason = ingest.entry_blocked(repo, pkg, coord, ingest.INTERNAL, from_upstream=False)
    if reason is not None:
        raise conflict(
            f"Package version {coord.name} {version} cannot be added to repository '{repo.name}': {reason}",
            "package",
            coord.name,
        )
    if version not in pkg.versions and pkg.upstream == ALLOW:
        for up in ingest.search_order(repo)[1:]:
            if ingest.find_version(up, coord, version) is not None:
                raise conflict(
                    f"Package version {coord.name} {version} already exists in upstream repository '{up.name}'",
                    "package-version",
                    version,
                )
    if asset_count > ingest.MAX_ASSETS_PER_VERSION:
        raise ServiceQuotaExceededException(
            f"A package version can have at most {ingest.MAX_ASSETS_PER_VERSION} assets",
            resource_type="package-version",
            resource_id=version,
        )
