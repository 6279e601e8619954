"""Packages and package versions: the 15 control-plane operations.

The data model and indexes are in ``catalog.py``, coordinates and normalization in ``coordinates.py``, the
ingestion path shared with the seeding API and the protocol handlers in ``ingest.py``, asset bytes in
``assets.py``. Choices where AWS is undocumented are marked "Undocumented" and listed in docs/packages.md.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import ConflictException, invalid, not_found
from .catalog import (
    ARCHIVED,
    DELETED,
    DISPOSED,
    PUBLISHED,
    UNFINISHED,
    UNLISTED,
    Package,
    PackageVersion,
    table,
)
from .coordinates import (
    Coordinate,
    api_coordinates,
    api_version,
    check_generic_asset_name,
    check_namespace,
    describe_coordinate,
)
from .formats import BY_NAME, names_where, version_key
from .ingest import (
    asset_summary,
    delete_version,
    dispose_version,
    drop_package,
    ingest_version,
    search_order,
    set_status,
    store_copy,
)
from .pagination import make_token, read_token
from .store import Call

if TYPE_CHECKING:
    from .entities import Repository

# PublishPackageVersion's formats: "Only generic packages can be published using this API".
_PUBLISH_API = names_where(lambda f: f.publish_api)

DEFAULT_PACKAGES_PAGE = 100  # list-packages: "returns at most 100 results by default" (user guide)
DEFAULT_VERSIONS_PAGE = 50  # list-package-versions: 50 by default (user guide)
DEFAULT_ASSETS_PAGE = 50  # undocumented

UPDATE_TARGETS = (PUBLISHED, UNLISTED, ARCHIVED)


# --------------------------------------------------------------------------- lookups


def _coordinate(fmt: str, namespace: str | None, package: str, version: str | None = None) -> tuple[Coordinate, str]:
    check_namespace(fmt, namespace)
    coord, v = api_coordinates(fmt, namespace, package, version)
    return coord, v or ""


def _package(repo: Repository, coord: Coordinate) -> Package:
    pkg = table(repo).get(coord.key)
    if pkg is None:
        raise not_found(
            f"Package not found in repository. {describe_coordinate(repo.name, coord)}", "package", coord.name
        )
    return pkg


def _version(repo: Repository, pkg: Package, version: str) -> PackageVersion:
    pv = pkg.versions.get(version)
    if pv is None:
        raise not_found(
            f"Package version not found in repository. {describe_coordinate(repo.name, pkg.coord)}, "
            f"PackageVersion = {version}",
            "package-version",
            version,
        )
    return pv


@contextmanager
def _package_in(
    call: Call, domain: str, owner: str | None, repository: str, fmt: str, namespace: str | None, package: str
) -> Iterator[tuple[Repository, Package]]:
    """Lock the owner's state and yield the repository and package an operation names, or raise NotFound."""
    coord, _ = _coordinate(fmt, namespace, package)
    with call.repository(domain, owner, repository) as repo:
        yield repo, _package(repo, coord)


@contextmanager
def _version_in(
    call: Call,
    domain: str,
    owner: str | None,
    repository: str,
    fmt: str,
    namespace: str | None,
    package: str,
    version: str,
) -> Iterator[tuple[Repository, Package, PackageVersion]]:
    """Like ``_package_in``, and the package version too."""
    coord, v = _coordinate(fmt, namespace, package, version)
    with call.repository(domain, owner, repository) as repo:
        pkg = _package(repo, coord)
        yield repo, pkg, _version(repo, pkg, v)


def _echo(pkg: Package, pv: PackageVersion) -> dict[str, Any]:
    """The members that list/get version results echo: format, namespace, package, version, versionRevision."""
    out: dict[str, Any] = {"format": pkg.format}
    if pkg.namespace is not None:
        out["namespace"] = pkg.namespace
    out.update(package=pkg.name, version=pv.version, versionRevision=pv.revision)
    return out


def describe_version(pkg: Package, pv: PackageVersion) -> dict[str, Any]:
    m = pv.meta
    out: dict[str, Any] = {"format": pkg.format}
    if pkg.namespace is not None:
        out["namespace"] = pkg.namespace
    out["packageName"] = pkg.name
    if m.display_name is not None:
        out["displayName"] = m.display_name
    out["version"] = pv.version
    for key, value in (
        ("summary", m.summary),
        ("homePage", m.home_page),
        ("sourceCodeRepository", m.source_code_repository),
    ):
        if value is not None:
            out[key] = value
    out["publishedTime"] = pv.published
    if m.licenses is not None:
        out["licenses"] = [dict(li) for li in m.licenses]
    out["revision"] = pv.revision
    out["status"] = pv.status
    out["origin"] = pv.origin()
    return out


# --------------------------------------------------------------------------- publish


def publish_package_version(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    package_version: str,
    asset_content: bytes,
    asset_name: str,
    asset_sha256: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
    unfinished: bool | None = None,
) -> dict[str, Any]:
    # "Only generic packages can be published using this API"; the error is undocumented (ValidationException).
    if format not in _PUBLISH_API:
        raise invalid(
            f"PublishPackageVersion supports only the {', '.join(sorted(_PUBLISH_API))} format, not '{format}'"
        )
    check_namespace(format, namespace)
    check_generic_asset_name(asset_name)
    data = asset_content if isinstance(asset_content, bytes) else bytes(asset_content or b"")
    if hashlib.sha256(data).hexdigest() != asset_sha256:
        # Undocumented error type; the only plausible declared one.
        raise invalid("The SHA256 hash provided does not match the SHA256 hash of the asset content")
    with call.repository(domain, domain_owner, repository) as repo:
        result = ingest_version(
            call.backend,
            repo,
            format=format,
            namespace=namespace,
            package=package,
            version=package_version,
            assets=[(asset_name, data)],
            status=UNFINISHED if unfinished else PUBLISHED,
            now=call.now,
        )
        pkg, pv = result.package, result.version
        name, blob = result.assets[0]
        out: dict[str, Any] = {"format": pkg.format}
        if pkg.namespace is not None:
            out["namespace"] = pkg.namespace
        out.update(
            package=pkg.name,
            version=pv.version,
            versionRevision=pv.revision,
            status=pv.status,
            asset=asset_summary(name, blob),
        )
        return out


# --------------------------------------------------------------------------- describing and listing


def describe_package(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    coord, _ = _coordinate(format, namespace, package)
    with call.repository(domain, domain_owner, repository) as repo:
        return {"package": _package(repo, coord).description()}


def describe_package_version(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    package_version: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    coord, version = _coordinate(format, namespace, package, package_version)
    with call.repository(domain, domain_owner, repository) as repo:
        pkg = _package(repo, coord)
        return {"packageVersion": describe_version(pkg, _version(repo, pkg, version))}


def list_packages(
    call: Call,
    *,
    domain: str,
    repository: str,
    domain_owner: str | None = None,
    format: str | None = None,
    namespace: str | None = None,
    package_prefix: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
    publish: str | None = None,
    upstream: str | None = None,
) -> dict[str, Any]:
    # "--namespace can't be used by itself ... results in an error" (user guide); the error type is undocumented.
    if namespace is not None and format is None and package_prefix is None:
        raise invalid("The namespace filter cannot be used by itself: also give a format or a package prefix")
    # The API normalizes NuGet names and Swift names and namespaces; its filters follow (undocumented).
    rules = BY_NAME.get(format) if format is not None else None
    if rules is not None and rules.api_normalizes:
        namespace = rules.api_namespace(namespace) if namespace is not None else None
        package_prefix = rules.api_name(package_prefix) if package_prefix is not None else None
    with call.repository(domain, domain_owner, repository) as repo:
        filters = [
            "ListPackages",
            domain,
            repo.domain.owner,
            repository,
            format,
            namespace,
            package_prefix,
            publish,
            upstream,
        ]
        packages = table(repo)
        keys = packages.keys_sorted
        if next_token is not None:
            start = bisect_right(keys, tuple(read_token(next_token, filters)))
        elif format is not None:
            start = bisect_left(keys, (format, namespace or "", ""))
        else:
            start = 0
        size = max_results or DEFAULT_PACKAGES_PAGE

        def matches() -> Iterator[Package]:
            for i in range(start, len(keys)):
                key = keys[i]
                if format is not None:
                    if key[0] != format:
                        return
                    if namespace is not None and not key[1].startswith(namespace):
                        if key[1] > namespace:
                            return
                        continue
                elif namespace is not None and not key[1].startswith(namespace):
                    continue
                if package_prefix is not None and not key[2].startswith(package_prefix):
                    continue
                pkg = packages[key]
                if (publish is None or pkg.publish == publish) and (upstream is None or pkg.upstream == upstream):
                    yield pkg

        page, more = _take(matches(), size)
        out: dict[str, Any] = {"packages": [p.summary() for p in page]}
        if more:
            out["nextToken"] = make_token(list(page[-1].coord.key), filters)
        return out


def _take(items: Iterator[Any], size: int) -> tuple[list[Any], bool]:
    """The first ``size`` items and whether there is at least one more."""
    page: list[Any] = []
    for item in items:
        if len(page) == size:
            return page, True
        page.append(item)
    return page, False


def list_package_versions(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
    status: str | None = None,
    sort_by: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
    origin_type: str | None = None,
) -> dict[str, Any]:
    with _package_in(call, domain, domain_owner, repository, format, namespace, package) as (repo, pkg):
        coord = pkg.coord
        filters = [
            "ListPackageVersions",
            domain,
            repo.domain.owner,
            repository,
            list(coord),
            status,
            sort_by,
            origin_type,
        ]
        versions = pkg.versions
        size = max_results or DEFAULT_VERSIONS_PAGE

        def keep(pv: PackageVersion) -> bool:
            return (status is None or pv.status == status) and (origin_type is None or pv.origin_type == origin_type)

        if sort_by == "PUBLISHED_TIME":
            # "sorted in descending order based on publish time (the most-recently published versions first)"
            by_time = pkg.by_time
            stop = bisect_left(by_time, tuple(read_token(next_token, filters))) if next_token else len(by_time)

            def newest_first() -> Iterator[PackageVersion]:
                for i in range(stop - 1, -1, -1):
                    pv = versions[by_time[i][2]]
                    if keep(pv):
                        yield pv

            page, more = _take(newest_first(), size)
            token_key: Callable[[PackageVersion], Any] = lambda pv: list(pv.time_key)  # noqa: E731
        else:
            # Without sortBy AWS lists newest first; "newest" is the format's own version order (version_order.py).
            by_version = pkg.by_version
            if next_token:
                stop_at = bisect_left(by_version, version_key(pkg.format, read_token(next_token, filters)))
            else:
                stop_at = len(by_version)

            def in_order() -> Iterator[PackageVersion]:
                for i in range(stop_at - 1, -1, -1):
                    pv = versions[by_version[i][1]]
                    if keep(pv):
                        yield pv

            page, more = _take(in_order(), size)
            token_key = lambda pv: pv.version  # noqa: E731
        out: dict[str, Any] = {}
        default = pkg.default_display_version()
        if default is not None:
            out["defaultDisplayVersion"] = default
        out["format"] = pkg.format
        if pkg.namespace is not None:
            out["namespace"] = pkg.namespace
        out["package"] = pkg.name
        out["versions"] = [pv.summary() for pv in page]
        if more:
            out["nextToken"] = make_token(token_key(page[-1]), filters)
        return out


def list_package_version_assets(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    package_version: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
) -> dict[str, Any]:
    with _version_in(call, domain, domain_owner, repository, format, namespace, package, package_version) as (
        repo,
        pkg,
        pv,
    ):
        filters = ["ListPackageVersionAssets", domain, repo.domain.owner, repository, list(pkg.coord), pv.version]
        names = list(pv.assets)  # upload order; at most 150
        start = 0
        if next_token is not None:
            last = read_token(next_token, filters)
            start = names.index(last) + 1 if last in names else len(names)
        size = max_results or DEFAULT_ASSETS_PAGE
        page = names[start : start + size]
        out = _echo(pkg, pv)
        out["assets"] = [asset_summary(n, pv.assets[n]) for n in page]
        if start + size < len(names):
            out["nextToken"] = make_token(page[-1], filters)
        return out


def get_package_version_asset(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    package_version: str,
    asset: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
    package_version_revision: str | None = None,
) -> dict[str, Any]:
    # Asset names are never normalized (NuGet note in the user guide).
    with _version_in(call, domain, domain_owner, repository, format, namespace, package, package_version) as (
        repo,
        pkg,
        pv,
    ):
        version = pv.version
        if package_version_revision is not None and package_version_revision != pv.revision:
            # Only the current revision is kept (undocumented).
            raise not_found(
                f"Package version revision '{package_version_revision}' of {pkg.name} {version} not found",
                "package-version",
                version,
            )
        if pv.status == ARCHIVED:
            # "Assets cannot be downloaded" from an Archived version; undocumented error: the declared 409.
            raise ConflictException(
                f"Package version {pkg.name} {version} is Archived; its assets cannot be downloaded",
                resource_type="package-version",
                resource_id=version,
            )
        blob = pv.assets.get(asset)
        if blob is None:
            raise not_found(
                f"Asset '{asset}' not found in package version {pkg.name} {version} (status {pv.status})",
                "asset",
                asset,
            )
        return {
            "asset": blob.data,
            "assetName": asset,
            "packageVersion": pv.version,
            "packageVersionRevision": pv.revision,
        }


def get_package_version_readme(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    package_version: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    with _version_in(call, domain, domain_owner, repository, format, namespace, package, package_version) as (
        repo,
        pkg,
        pv,
    ):
        out = _echo(pkg, pv)
        if pv.meta.readme is not None:  # no readme: the result without one, not an error (undocumented)
            out["readme"] = pv.meta.readme
        return out


def list_package_version_dependencies(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    package_version: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
    next_token: str | None = None,
) -> dict[str, Any]:
    with _version_in(call, domain, domain_owner, repository, format, namespace, package, package_version) as (
        repo,
        pkg,
        pv,
    ):
        filters = ["ListPackageVersionDependencies", domain, repo.domain.owner, repository, list(pkg.coord), pv.version]
        if next_token is not None:
            read_token(next_token, filters)  # all dependencies fit in one page: no token is ever issued
        out = _echo(pkg, pv)
        out["dependencies"] = [dict(d) for d in pv.meta.dependencies or ()]
        return out


# --------------------------------------------------------------------------- changing status


def _check_revisions(versions: list[str], version_revisions: dict[str, str] | None) -> None:
    # "the versions passed to --version-revisions must be the same as the versions passed to --versions"
    if version_revisions is not None and set(version_revisions) != set(versions):
        raise invalid("The versions in versionRevisions must be the same as the versions in versions")


Check = Callable[[PackageVersion], "tuple[str, str] | None"]


def _select(
    fmt: str,
    pkg: Package,
    versions: list[str],
    version_revisions: dict[str, str] | None,
    expected_status: str | None,
    check: Check | None = None,
) -> tuple[list[tuple[str, PackageVersion]], dict[str, dict[str, str]]]:
    """Check every requested version; if any fails, every other one is SKIPPED and nothing is selected (AWS's
    documented all-or-nothing behaviour)."""
    ok: list[tuple[str, PackageVersion]] = []
    failed: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    for given in versions:
        v = api_version(fmt, given)
        if v in seen:
            continue
        seen.add(v)
        pv = pkg.versions.get(v)
        error: tuple[str, str] | None = None
        if pv is None:
            error = ("NOT_FOUND", f"Could not find version {v}")
        elif expected_status is not None and pv.status != expected_status:
            error = ("MISMATCHED_STATUS", f"current status: {pv.status}, expected status: {expected_status}")
        elif version_revisions is not None:
            expected = version_revisions.get(given, version_revisions.get(v))
            if expected != pv.revision:
                error = ("MISMATCHED_REVISION", f"current revision: {pv.revision}, expected revision: {expected}")
        if error is None and pv is not None and check is not None:
            error = check(pv)
        if error is not None:
            failed[v] = {"errorCode": error[0], "errorMessage": error[1]}
        else:
            assert pv is not None
            ok.append((v, pv))
    if failed:
        for v, _ in ok:
            failed[v] = {"errorCode": "SKIPPED", "errorMessage": f"version {v} is skipped"}
        ok = []
    return ok, failed


def update_package_versions_status(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    versions: list[str],
    target_status: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
    version_revisions: dict[str, str] | None = None,
    expected_status: str | None = None,
) -> dict[str, Any]:
    if target_status not in UPDATE_TARGETS:
        # Undocumented error type: the target is invalid whatever the versions' states.
        raise invalid(
            f"Invalid targetStatus '{target_status}': UpdatePackageVersionsStatus can set Archived, Published or "
            "Unlisted (use DisposePackageVersions to dispose)"
        )
    _check_revisions(versions, version_revisions)
    with _package_in(call, domain, domain_owner, repository, format, namespace, package) as (repo, pkg):

        def allowed(pv: PackageVersion) -> tuple[str, str] | None:
            if pv.status == DISPOSED:
                return ("NOT_ALLOWED", f"cannot change the status of version {pv.version} from Disposed")
            return None

        ok, failed = _select(format, pkg, versions, version_revisions, expected_status, allowed)
        successful: dict[str, dict[str, str]] = {}
        for v, pv in ok:
            # The revision names a set of assets and metadata; a status is neither, so it keeps its revision.
            set_status(call.backend, repo, pkg, pv, target_status)
            successful[v] = {"revision": pv.revision, "status": pv.status}
        return {"successfulVersions": successful, "failedVersions": failed}


def dispose_package_versions(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    versions: list[str],
    domain_owner: str | None = None,
    namespace: str | None = None,
    version_revisions: dict[str, str] | None = None,
    expected_status: str | None = None,
) -> dict[str, Any]:
    _check_revisions(versions, version_revisions)
    with _package_in(call, domain, domain_owner, repository, format, namespace, package) as (repo, pkg):
        ok, failed = _select(format, pkg, versions, version_revisions, expected_status)
        successful: dict[str, dict[str, str]] = {}
        for v, pv in ok:
            # Assets deleted; metadata (and so the revision) kept. Disposing a Disposed version again succeeds
            # and changes nothing.
            dispose_version(call.backend, repo, pkg, pv)
            successful[v] = {"revision": pv.revision, "status": DISPOSED}
        return {"successfulVersions": successful, "failedVersions": failed}


def delete_package_versions(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    versions: list[str],
    domain_owner: str | None = None,
    namespace: str | None = None,
    expected_status: str | None = None,
) -> dict[str, Any]:
    with _package_in(call, domain, domain_owner, repository, format, namespace, package) as (repo, pkg):
        ok, failed = _select(format, pkg, versions, None, expected_status)
        successful: dict[str, dict[str, str]] = {}
        for v, pv in ok:
            delete_version(call.backend, repo, pkg, pv)  # the package record stays, even with no version left
            successful[v] = {"revision": pv.revision, "status": DELETED}
        return {"successfulVersions": successful, "failedVersions": failed}


def delete_package(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    with _package_in(call, domain, domain_owner, repository, format, namespace, package) as (repo, pkg):
        drop_package(call.backend, repo, pkg)
        return {"deletedPackage": pkg.summary()}


# --------------------------------------------------------------------------- copy


def copy_package_versions(
    call: Call,
    *,
    domain: str,
    source_repository: str,
    destination_repository: str,
    format: str,
    package: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
    versions: list[str] | None = None,
    version_revisions: dict[str, str] | None = None,
    allow_overwrite: bool | None = None,
    include_from_upstream: bool | None = None,
) -> dict[str, Any]:
    # "You must specify versions or versionRevisions. You cannot specify both." (error type undocumented)
    if (versions is None) == (version_revisions is None):
        raise invalid("Exactly one of versions and versionRevisions must be specified")
    requested = list(versions) if versions is not None else list(version_revisions or {})
    if not requested:
        raise invalid("At least one version must be specified")
    if len(requested) > 100:
        raise invalid("At most 100 versions can be copied in one request")
    if source_repository == destination_repository:
        raise invalid("The source and destination repositories must be different")  # undocumented
    coord, _ = _coordinate(format, namespace, package)
    with call.domain(domain, domain_owner) as d:
        source = d.find_repository(source_repository)
        dest = d.find_repository(destination_repository)
        repos = search_order(source) if include_from_upstream else [source]
        holders = [(r, p) for r in repos if (p := table(r).get(coord.key)) is not None]
        if not holders:
            raise not_found(
                f"Package not found in repository. {describe_coordinate(source.name, coord)}", "package", coord.name
            )
        dest_pkg = table(dest).get(coord.key)

        plan: list[tuple[str, Package, PackageVersion]] = []
        failed: dict[str, dict[str, str]] = {}
        seen: set[str] = set()
        for given in requested:
            v = api_version(format, given)
            if v in seen:
                continue
            seen.add(v)
            found = next(((p, p.versions[v]) for _, p in holders if v in p.versions), None)
            error: tuple[str, str] | None = None
            if found is None:
                error = ("NOT_FOUND", f"Could not find version {v}")
            else:
                src_pkg, pv = found
                expected = version_revisions.get(given, version_revisions.get(v)) if version_revisions else None
                existing = dest_pkg.versions.get(v) if dest_pkg is not None else None
                if version_revisions is not None and expected != pv.revision:
                    error = ("MISMATCHED_REVISION", f"current revision: {pv.revision}, expected revision: {expected}")
                elif pv.status in (DISPOSED, UNFINISHED):
                    # Undocumented: a Disposed version has no assets and an Unfinished one is incomplete.
                    error = ("NOT_ALLOWED", f"Version {v} with status {pv.status} cannot be copied")
                elif existing is not None and existing.content_signature() == pv.content_signature():
                    continue  # identical: "considered successful", and absent from the output
                elif existing is not None and not allow_overwrite:
                    error = ("ALREADY_EXISTS", f"Version {v} already exists")
                else:
                    plan.append((v, src_pkg, pv))
            if error is not None:
                failed[v] = {"errorCode": error[0], "errorMessage": error[1]}
        if failed:
            for v, _, _ in plan:
                failed[v] = {"errorCode": "SKIPPED", "errorMessage": f"Version {v} was skipped"}
            return {"successfulVersions": {}, "failedVersions": failed}
        successful: dict[str, dict[str, str]] = {}
        for v, src_pkg, pv in plan:
            copy = store_copy(call.backend, dest, src_pkg, pv, dest_pkg, now=call.now)
            dest_pkg = table(dest).get(coord.key)
            successful[v] = {"revision": copy.revision, "status": copy.status}
        return {"successfulVersions": successful, "failedVersions": {}}


# --------------------------------------------------------------------------- origin configuration


def put_package_origin_configuration(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    package: str,
    restrictions: dict[str, str],
    domain_owner: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    coord, _ = _coordinate(format, namespace, package)
    with call.repository(domain, domain_owner, repository) as repo:
        packages = table(repo)
        pkg = packages.get(coord.key)
        if pkg is None:
            # "a package is created in the repository with no versions and the requested restrictions"
            pkg = packages.add(Package(coord))
        pkg.publish = restrictions["publish"]
        pkg.upstream = restrictions["upstream"]
        return {"originConfiguration": {"restrictions": pkg.restrictions()}}
