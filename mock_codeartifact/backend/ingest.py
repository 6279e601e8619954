"""How package versions enter, leave and are found in repositories: the one internal API that
PublishPackageVersion, CopyPackageVersions, the seeding API (``mock_codeartifact.seeding``) and the
package-manager protocol handlers (``mock_codeartifact.protocols``) all go through.

Callers hold the lock of the domain owner's ``RegionState`` (``Call.repository(...)`` or ``st.lock``) for the
whole operation. Every function here checks everything before it changes anything.

Writing (each records what it changed in ``backend.changes``, the source of CodeArtifact's events):
  ``ingest_version``   add a version or extend one (assets, status, metadata, readme, dependencies, origin)
  ``set_status``       change a version's status (UpdatePackageVersionsStatus)
  ``dispose_version``  delete a version's assets and mark it Disposed
  ``revise``           give a version a new revision for a metadata change made elsewhere (npm deprecate)
  ``delete_version``   remove a version and release its bytes
  ``drop_package``     remove a package and release all its bytes
  ``free_repository``  release every asset of a repository (DeleteRepository; records nothing)
  ``store_copy``       place a copy of a version in another repository, sharing its bytes (copy, retention)
  ``release_version``  give back a version's asset bytes (records nothing: a building block of the above)

Reading:
  ``find_package``, ``find_version``, ``asset_bytes``, ``search_order``, ``resolve_version``,
  ``visible_versions``; origin checks without side effects: ``entry_blocked``, ``upstream_allowed``
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ConflictException, ServiceQuotaExceededException, conflict, invalid
from . import formats
from . import origin as gates
from .assets import Blob
from .catalog import (
    ALLOW,
    ARCHIVED,
    BLOCK,
    DISPOSED,
    PUBLISHED,
    UNFINISHED,
    UNLISTED,
    Meta,
    Package,
    PackageVersion,
    new_revision,
    table,
)
from .changes import CREATED, DELETED, UPDATED, asset_diff, record
from .coordinates import (
    Coordinate,
    check_asset_name,
    check_format,
    check_namespace,
    check_text,
    default_display_name,
    storage_coordinates,
)
from .store import Backend, utcnow

if TYPE_CHECKING:
    from .entities import Repository

MAX_ASSETS_PER_VERSION = 150  # "Assets per package version", not adjustable (user guide, quotas)
MAX_UPSTREAM_SEARCH = 25  # "Upstream repositories searched" per request, the requesting one included

INTERNAL = "INTERNAL"
EXTERNAL = "EXTERNAL"
UNKNOWN = "UNKNOWN"
ORIGIN_TYPES = (INTERNAL, EXTERNAL, UNKNOWN)
INGEST_STATUSES = (PUBLISHED, UNFINISHED, UNLISTED, ARCHIVED)

# The public repository of each format's external connection, for EXTERNAL versions seeded without one.
DEFAULT_CONNECTIONS = formats.DEFAULT_CONNECTIONS
_UNFINISHED = formats.names_where(lambda f: f.unfinished)
_IMMUTABLE = formats.names_where(lambda f: f.immutable_assets)
_FROM_UPSTREAMS = formats.names_where(lambda f: f.from_upstreams)
_DIST_TAGS = formats.names_where(lambda f: f.dist_tags)


@dataclass
class IngestResult:
    package: Package
    version: PackageVersion
    created: bool  # a new version
    changed: bool  # anything changed (a new revision was made)
    assets: list[tuple[str, Blob]] = field(default_factory=list)  # the assets given, as stored


def entry_blocked(
    repo: Repository, pkg: Package | None, coord: Coordinate, origin_type: str, from_upstream: bool
) -> str | None:
    """Why the package-level restrictions or a registered gate (package groups) block this entry, or None."""
    if origin_type == INTERNAL and not from_upstream:
        if pkg is not None and pkg.publish == BLOCK:
            return "publish is blocked by the package's origin configuration"
        restriction = gates.PUBLISH
    elif origin_type == UNKNOWN and not from_upstream:
        return None  # legacy versions that pre-date origin tracking: no gate applies
    else:
        if pkg is not None and pkg.upstream == BLOCK:
            return "upstream is blocked by the package's origin configuration"
        restriction = gates.INTERNAL_UPSTREAM if from_upstream else gates.EXTERNAL_UPSTREAM
    return gates.blocked(repo.domain, coord.format, coord.namespace, coord.name, restriction, repo.name)


def new_package(repo: Repository, coord: Coordinate, origin_type: str) -> Package:
    """A package record with AWS's default restrictions: publish ALLOW / upstream BLOCK when its first version
    is published directly, publish BLOCK / upstream ALLOW when it is ingested or retained from upstream."""
    if origin_type == INTERNAL:
        return Package(coord, ALLOW, BLOCK)
    return Package(coord, BLOCK, ALLOW)


def ingest_version(
    backend: Backend,
    repo: Repository,
    *,
    format: str,
    namespace: str | None,
    package: str,
    version: str,
    assets: Mapping[str, bytes] | Iterable[tuple[str, bytes]] = (),
    status: str = PUBLISHED,
    origin_type: str = INTERNAL,
    external_connection: str | None = None,
    meta: Meta | None = None,
    published_time: dt.datetime | None = None,
    normalize: bool = True,
    immutable: bool | None = None,
    npm_tags: Iterable[str] | None = None,
    now: dt.datetime | None = None,
    replaced: Mapping[str, Blob] | None = None,
) -> IngestResult:
    """Add a package version to ``repo`` or extend an existing one, as a package manager's publish would.

    The caller holds the lock of the domain owner's state. Arguments:

    * ``format``/``namespace``/``package``/``version``: as the publisher sent them. With ``normalize`` (the
      default) they are normalized for storage (PyPI PEP 503 names, NuGet names and versions, Swift names and
      namespaces); the name as given becomes the default ``displayName``.
    * ``assets``: asset name -> bytes (a mapping, or ``(name, bytes)`` pairs). Identical bytes are stored once
      (``backend.assets``); the four hashes are computed once per content.
    * ``status``: the status the version ends in (``Published``, ``Unfinished``, ``Unlisted``, ``Archived``).
      An ``Unfinished`` version accepts more assets and moves to ``status`` on a later call; a version in any
      other status keeps it.
    * ``origin_type``: ``INTERNAL`` (published directly to ``repo``: the package's ``publish`` restriction and
      the ``PUBLISH`` gate apply), ``EXTERNAL`` (ingested through ``external_connection``, default the
      repository's or the format's public one: ``upstream`` and ``EXTERNAL_UPSTREAM`` apply) or ``UNKNOWN``.
    * ``meta``: summary, display name, home page, source repository, licenses, readme, dependencies. On an
      existing version, the fields given replace the stored ones.
    * ``immutable``: whether a version that is no longer Unfinished refuses new assets (default: generic
      only, as PublishPackageVersion documents); other formats may add assets to a Published or Unlisted
      version (a wheel next to an sdist), never to an Archived or Disposed one.
    * ``npm_tags``: dist-tags to point at this version (npm; default ``["latest"]`` for a new Published
      version, nothing for an existing one).
    * ``replaced``: the assets of the version of this name that the caller removed just before (a Maven
      SNAPSHOT standing for a new build): the change is recorded as an update of that version.

    Rules: re-sending an asset with identical bytes is idempotent; different bytes under an existing name is a
    ConflictException (409); more than 150 assets is ServiceQuotaExceededException; an entry blocked by origin
    controls is a ConflictException. Each change makes a new revision; the origin (domain entry point) of an
    existing version never changes. Raises before changing anything.
    """
    check_format(format)
    check_namespace(format, namespace)
    check_text(package, "package")
    if namespace is not None:
        check_text(namespace, "namespace")
    check_text(version, "version")
    if status not in INGEST_STATUSES:
        raise invalid(f"Invalid status '{status}' for a new package version: use one of {', '.join(INGEST_STATUSES)}")
    if status == UNFINISHED and format not in _UNFINISHED:
        # "Currently only generic and Maven package versions can have a status of Unfinished."
        raise invalid(
            f"Package versions of format '{format}' cannot be Unfinished (only {' and '.join(sorted(_UNFINISHED))})"
        )
    if origin_type not in ORIGIN_TYPES:
        raise invalid(f"Invalid origin type '{origin_type}'")
    items = list(assets.items()) if isinstance(assets, Mapping) else list(assets)
    for name, data in items:
        check_asset_name(name)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise invalid(f"The content of asset '{name}' must be bytes")

    if normalize:
        coord, version = storage_coordinates(format, namespace, package, version)
    else:
        coord = Coordinate(format, namespace, package)
    if immutable is None:
        immutable = format in _IMMUTABLE
    now = now or utcnow()
    store = backend.assets
    packages = table(repo)
    pkg = packages.get(coord.key)
    pv = pkg.versions.get(version) if pkg is not None else None

    reason = entry_blocked(repo, pkg, coord, origin_type, from_upstream=False)
    if reason is not None:
        raise conflict(
            f"Package version {coord.name} {version} cannot be added to repository '{repo.name}': {reason}",
            "package",
            coord.name,
        )

    # "Publishing and upstream repositories": with upstream ALLOW, a version that an upstream repository
    # already has cannot be published (409). Generic packages are never fetched from upstreams.
    if (
        origin_type == INTERNAL
        and pv is None
        and pkg is not None
        and pkg.upstream == ALLOW
        and format in _FROM_UPSTREAMS
    ):
        for up in search_order(repo)[1:]:
            if find_version(up, coord, version) is not None:
                raise conflict(
                    f"Package version {coord.name} {version} already exists in upstream repository '{up.name}'",
                    "package-version",
                    version,
                )

    # Which assets are new; conflicting content fails the whole call.
    new_assets: list[tuple[str, Blob]] = []
    given: list[tuple[str, Blob]] = []
    seen: dict[str, Blob] = {}
    for name, data in items:
        blob = store.blob(bytes(data))
        old = pv.assets.get(name) if pv is not None else None
        old = old if old is not None else seen.get(name)
        if old is not None:
            if old.sha256 != blob.sha256:
                raise ConflictException(
                    f"Asset '{name}' of package version {coord.name} {version} already exists with different content",
                    resource_type="asset",
                    resource_id=name,
                )
            given.append((name, old))
            continue
        seen[name] = blob
        new_assets.append((name, blob))
        given.append((name, blob))
    if pv is not None and new_assets and pv.status != UNFINISHED:
        if immutable or pv.status in (ARCHIVED, DISPOSED):
            raise conflict(
                f"Package version {coord.name} {version} is {pv.status} and cannot accept new assets",
                "package-version",
                version,
            )
    count = (len(pv.assets) if pv is not None else 0) + len(new_assets)
    if count > MAX_ASSETS_PER_VERSION:
        raise ServiceQuotaExceededException(
            f"A package version can have at most {MAX_ASSETS_PER_VERSION} assets",
            resource_type="package-version",
            resource_id=version,
        )

    # Apply.
    created = pv is None
    if pkg is None:
        pkg = packages.add(new_package(repo, coord, origin_type))
    if pv is None:
        entry_repo = repo.name if origin_type == INTERNAL else None
        entry_conn = None
        if origin_type == EXTERNAL:
            entry_conn = external_connection or (
                repo.external_connections[0] if repo.external_connections else DEFAULT_CONNECTIONS.get(format)
            )
        pv = PackageVersion(version, status, published_time or now, origin_type, entry_repo, entry_conn)
        display = meta.display_name if meta is not None and meta.display_name else None
        stored_meta = meta.copy() if meta is not None else Meta()
        stored_meta.display_name = display or default_display_name(format, coord.namespace, coord.name, package)
        pv.meta = stored_meta
        pkg.add(pv)
        changed = status_changed = meta_changed = True
    else:
        status_changed = meta_changed = False
        if pv.status == UNFINISHED and status != UNFINISHED:
            pv.status = status
            status_changed = True
        if meta is not None:
            merged = pv.meta.copy()
            for slot in Meta.__slots__:
                value = getattr(meta, slot)
                if value is not None and getattr(merged, slot) != value:
                    setattr(merged, slot, value)
                    meta_changed = True
            pv.meta = merged
        changed = bool(new_assets) or status_changed or meta_changed
    stored: dict[str, Blob] = {}
    for name, blob in new_assets:
        stored[name] = pv.assets[name] = store.hold(repo.domain, blob)
    if changed and not created:
        pv.revision = new_revision()
    if format in _DIST_TAGS:
        # Tags given explicitly always apply; ``latest`` moves only when a new Published version arrives.
        tags = npm_tags if npm_tags is not None else (("latest",) if created and pv.status == PUBLISHED else ())
        for tag in tags:
            pkg.dist_tags[tag] = pv.version
    if replaced is not None:
        added, removed, updated = asset_diff(dict(replaced), pv.assets)
        record(
            backend.changes,
            repo,
            pkg,
            pv,
            UPDATED,
            added=added,
            removed=removed,
            updated=updated,
            metadata=True,
            now=now,
        )
    elif changed:
        record(
            backend.changes,
            repo,
            pkg,
            pv,
            CREATED if created else UPDATED,
            added=len(new_assets),
            metadata=meta_changed,
            status=status_changed,
            now=now,
        )
    result_assets = [(name, stored.get(name, blob)) for name, blob in given]
    return IngestResult(pkg, pv, created, changed, result_assets)


# --------------------------------------------------------------------------- releasing bytes


def release_version(backend: Backend, repo: Repository, pv: PackageVersion) -> None:
    """Give back every asset of ``pv`` (dispose, delete); bytes nobody else holds are freed."""
    for blob in pv.assets.values():
        backend.assets.release(repo.domain, blob)
    pv.assets = {}


def set_status(backend: Backend, repo: Repository, pkg: Package, pv: PackageVersion, status: str) -> None:
    """Give ``pv`` the status ``status`` (its revision stays: a status is neither asset nor metadata)."""
    if pv.status != status:
        pv.status = status
        record(backend.changes, repo, pkg, pv, UPDATED, status=True)


def dispose_version(backend: Backend, repo: Repository, pkg: Package, pv: PackageVersion) -> None:
    """Delete the assets of ``pv`` and mark it Disposed (its metadata, and so its revision, stay)."""
    if pv.status == DISPOSED:
        return
    count = len(pv.assets)
    release_version(backend, repo, pv)
    pv.status = DISPOSED
    record(backend.changes, repo, pkg, pv, UPDATED, removed=count, status=True)


def revise(backend: Backend, repo: Repository, pkg: Package, pv: PackageVersion) -> None:
    """A new revision for ``pv``, whose metadata the caller changed outside ``Meta`` (npm deprecations)."""
    pv.revision = new_revision()
    record(backend.changes, repo, pkg, pv, UPDATED, metadata=True)


def delete_version(backend: Backend, repo: Repository, pkg: Package, pv: PackageVersion) -> None:
    """Remove ``pv`` from ``pkg`` and release its bytes; the package record stays, even with no version left."""
    count = len(pv.assets)
    release_version(backend, repo, pv)
    pkg.remove(pv.version)
    record(backend.changes, repo, pkg, pv, DELETED, removed=count)


def drop_package(backend: Backend, repo: Repository, pkg: Package, *, recorded: bool = True) -> None:
    """Remove ``pkg`` and release all its bytes; with ``recorded``, one deletion recorded per version."""
    gone = [(pv, len(pv.assets)) for pv in pkg.versions.values()]
    for pv, _ in gone:
        release_version(backend, repo, pv)
    table(repo).discard(pkg.coord.key)
    if recorded:
        now = utcnow()
        for pv, count in gone:
            record(backend.changes, repo, pkg, pv, DELETED, removed=count, now=now)


def free_repository(backend: Backend, repo: Repository) -> None:
    """Release every asset byte of ``repo`` and lower its domain's ``assetSizeBytes`` (DeleteRepository).

    No change is recorded: AWS documents events for package version operations, not for a repository's
    deletion (docs/events.md)."""
    packages = table(repo)
    for pkg in list(packages.values()):
        drop_package(backend, repo, pkg, recorded=False)


# --------------------------------------------------------------------------- copies and retention


def store_copy(
    backend: Backend,
    dest: Repository,
    pkg: Package,
    source: PackageVersion,
    dest_pkg: Package | None = None,
    now: dt.datetime | None = None,
) -> PackageVersion:
    """Put a copy of ``source`` (a version of ``pkg`` in another repository) into ``dest``, replacing any
    version of the same name there. The copy shares the bytes, keeps status, revision, published time,
    metadata and origin (the domain entry point is where the version first entered the domain)."""
    packages = table(dest)
    if dest_pkg is None:
        dest_pkg = packages.get(pkg.coord.key)
    if dest_pkg is None:
        # A package first created in a repository by a copy: the defaults of a direct publish (undocumented).
        dest_pkg = packages.add(Package(pkg.coord, ALLOW, BLOCK))
    old = dest_pkg.versions.get(source.version)
    old_assets = dict(old.assets) if old is not None else {}
    if old is not None:
        release_version(backend, dest, old)
        dest_pkg.remove(source.version)
    pv = PackageVersion(
        source.version,
        source.status,
        source.published,
        source.origin_type,
        source.entry_repository,
        source.entry_connection,
        source.revision,
    )
    pv.meta = source.meta
    for name, blob in source.assets.items():
        pv.assets[name] = backend.assets.hold(dest.domain, blob)
    dest_pkg.add(pv)
    if pkg.format in _DIST_TAGS:
        for tag, v in pkg.dist_tags.items():
            if v == source.version:
                dest_pkg.dist_tags[tag] = v
    if old is None:
        record(backend.changes, dest, dest_pkg, pv, CREATED, added=len(pv.assets), metadata=True, status=True, now=now)
    else:
        added, removed, updated = asset_diff(old_assets, pv.assets)
        record(
            backend.changes,
            dest,
            dest_pkg,
            pv,
            UPDATED,
            added=added,
            removed=removed,
            updated=updated,
            metadata=old.meta.as_tuple() != pv.meta.as_tuple(),
            status=old.status != pv.status,
            now=now,
        )
    return pv


# --------------------------------------------------------------------------- reading


def find_package(repo: Repository, coord: Coordinate) -> Package | None:
    return table(repo).get(coord.key)


def find_version(repo: Repository, coord: Coordinate, version: str) -> PackageVersion | None:
    pkg = table(repo).get(coord.key)
    return pkg.versions.get(version) if pkg is not None else None


def asset_bytes(pv: PackageVersion, name: str) -> bytes | None:
    blob = pv.assets.get(name)
    return blob.data if blob is not None else None


def search_order(repo: Repository, limit: int = MAX_UPSTREAM_SEARCH) -> list[Repository]:
    """``repo`` then its upstreams, depth-first in priority order, each once, at most ``limit`` repositories
    (user guide, repo-upstream-search-order: my_repo -> A -> (C, D -> E), then B). Upstreams that were deleted
    stay listed on their downstreams and are skipped."""
    order: list[Repository] = []
    seen: set[str] = set()
    repos = repo.domain.repositories

    def visit(r: Repository) -> None:
        if len(order) >= limit or r.name in seen:
            return
        seen.add(r.name)
        order.append(r)
        for name in r.upstreams:
            up = repos.get(name)
            if up is not None:
                visit(up)

    visit(repo)
    return order


def upstream_allowed(repo: Repository, pkg: Package | None, coord: Coordinate) -> bool:
    """Whether ``repo`` may retain a version of ``pkg`` (its own record, or None) from an internal upstream."""
    return entry_blocked(repo, pkg, coord, INTERNAL, from_upstream=True) is None


def resolve_version(
    backend: Backend, repo: Repository, coord: Coordinate, version: str, *, retain: bool = True
) -> tuple[Repository, Package, PackageVersion] | None:
    """Find ``version`` as a package manager reading through ``repo`` would: ``repo`` first, then its upstreams
    in search order. A version found upstream is visible only when the downstream package's ``upstream``
    restriction and the ``INTERNAL_UPSTREAM`` gate allow it; with ``retain`` it is then copied into ``repo``
    only (never into intermediate repositories), origin preserved, and that copy is returned. The package
    record created by retention gets publish BLOCK / upstream ALLOW."""
    local_pkg = find_package(repo, coord)
    if local_pkg is not None:
        pv = local_pkg.versions.get(version)
        if pv is not None:
            return repo, local_pkg, pv
    if not upstream_allowed(repo, local_pkg, coord):
        return None
    for up in search_order(repo)[1:]:
        pkg = find_package(up, coord)
        pv = pkg.versions.get(version) if pkg is not None else None
        if pkg is None or pv is None or pv.status == DISPOSED:
            continue
        if not retain:
            return up, pkg, pv
        if local_pkg is None:
            local_pkg = table(repo).add(Package(coord, BLOCK, ALLOW))
        copy = store_copy(backend, repo, pkg, pv, local_pkg)
        return repo, local_pkg, copy
    return None


def visible_versions(repo: Repository, coord: Coordinate) -> list[tuple[Repository, PackageVersion]]:
    """Every version of a package visible through ``repo``: its own, then those of its upstreams (in search
    order, first one wins) when the upstream restriction and gate allow them. Nothing is retained."""
    local_pkg = find_package(repo, coord)
    out: dict[str, tuple[Repository, PackageVersion]] = {}
    if local_pkg is not None:
        for pv in local_pkg.iter_versions():
            out[pv.version] = (repo, pv)
    if upstream_allowed(repo, local_pkg, coord):
        for up in search_order(repo)[1:]:
            pkg = find_package(up, coord)
            if pkg is None:
                continue
            for pv in pkg.iter_versions():
                if pv.version not in out and pv.status != DISPOSED:
                    out[pv.version] = (up, pv)
    return list(out.values())


def asset_summary(name: str, blob: Blob) -> dict[str, Any]:
    return {"name": name, "size": blob.size, "hashes": dict(blob.hashes)}
