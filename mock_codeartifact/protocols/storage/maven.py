"""What only Maven does: versions that stay Unfinished while their files arrive, and SNAPSHOT builds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...backend import ingest
from ...backend.catalog import ALLOW, PUBLISHED, UNFINISHED, UNLISTED, Meta, Package
from ...backend.coordinates import Coordinate
from ...errors import ServiceQuotaExceededException, conflict
from ..base import ProtocolError, RepoRequest
from .pipeline import PUBLISH, PUT_METADATA, coordinate, read_or_publish, repository
from .versions import StoredAsset, meta_of

if TYPE_CHECKING:
    from ...backend.entities import Repository

__all__ = ["finish", "own_asset", "publish_snapshot", "stage"]


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
    meta = meta_of(metadata) if metadata is not None else None
    repo = repository(req, PUBLISH, namespace, name)
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
    repo = repository(req, read_or_publish(req), namespace, name)
    pv = ingest.find_version(repo, coordinate(req, namespace, name), version)
    blob = pv.assets.get(asset_name) if pv is not None else None
    return StoredAsset(asset_name, blob=blob) if blob is not None else None


def finish(req: RepoRequest, namespace: str | None, name: str, versions: list[str]) -> None:
    """Publish those of ``versions`` that are Unfinished in the repository itself; the others are left alone."""
    coord = coordinate(req, namespace, name)
    repo = repository(req, PUT_METADATA, namespace, name)
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
    coord = coordinate(req, namespace, name)
    backend = req.backend
    repo = repository(req, PUT_METADATA, namespace, name)
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
