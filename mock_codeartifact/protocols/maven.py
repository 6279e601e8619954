"""maven: the Maven repository layout, as ``mvn deploy`` writes it and Maven resolves from it.

Routes under ``.../maven/{repository}/``:

- ``PUT  group/path/artifact/version/file`` — an artifact file (jar, pom, sources, ...). The version is
  **Unfinished** until the artifact's ``maven-metadata.xml`` is written (user guide, maven-checksums). From the
  POM come the dependencies (``dependencyType`` = scope, ``optional``, or ``parent`` for ``<parent>``) and the
  metadata (description, url, scm, licenses); Maven packages have no readme ("CodeArtifact does not support
  displaying readme files from Maven packages").
- ``PUT  group/path/artifact/maven-metadata.xml`` — publishes every Unfinished version it lists.
- ``GET  group/path/artifact/maven-metadata.xml`` — generated from the Published versions (Unlisted and
  Unfinished ones are not listed), in publish order.
- ``GET  group/path/artifact/version/file`` — a file of a Published or Unlisted version.
- ``*.md5``, ``*.sha1``, ``*.sha256``, ``*.sha512`` — served from the asset's hashes; a PUT is checked against them
  (400 on a mismatch) and never stored as an asset.

SNAPSHOT versions (user guide, maven-snapshots; unique snapshots only): files PUT under ``1.0-SNAPSHOT/`` named
``a-1.0-20210728.194552-1.jar`` create the build version ``1.0-20210728.194552-1`` (Unfinished). The PUT of
``1.0-SNAPSHOT/maven-metadata.xml`` then (re)creates ``1.0-SNAPSHOT`` as Published with that build's assets
plus the metadata file, and sets the build to Unlisted. A request for a file under ``1.0-SNAPSHOT/`` is
answered from the latest build, or from the named build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from werkzeug.wrappers import Response

from ..backend import ingest
from ..backend.catalog import ALLOW, PUBLISHED, UNFINISHED, UNLISTED, Meta
from ..backend.coordinates import Coordinate
from ..errors import ServiceQuotaExceededException, conflict
from . import storage
from .base import ProtocolError, RepoRequest, text_response
from .maven_pom import (
    METADATA,
    MavenError,
    MavenPath,
    file_version,
    metadata_versions,
    parse_path,
    parse_pom,
    pom_dependencies,
    render_artifact_metadata,
    snapshot_build,
)

FORMAT = "maven"

_CHECKSUM_ALGORITHMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-512": "sha512"}


def render_error(status: int, message: str, headers: dict[str, str]) -> Response:
    return text_response(status, message + "\n", headers)


def handle(req: RepoRequest) -> Response:
    method = req.request.method
    try:
        path = parse_path(req.segments)
    except MavenError as exc:
        raise ProtocolError(404 if method in ("GET", "HEAD") else 400, str(exc)) from None
    if method in ("GET", "HEAD"):
        return _get(req, path)
    if method == "PUT":
        return _put(req, path)
    raise ProtocolError(405, f"Method {method} is not allowed", {"Allow": "GET, HEAD, PUT"})


def _coord(path: MavenPath) -> Coordinate:
    return Coordinate(FORMAT, path.group_id, path.artifact_id)


# ------------------------------------------------------------------------------------------------ reads


def _get(req: RepoRequest, path: MavenPath) -> Response:
    if path.kind == "metadata":
        data = _artifact_metadata(req, path)
        if path.checksum is not None:
            digest = hashlib.new(_CHECKSUM_ALGORITHMS[path.checksum], data).hexdigest()
            return _bytes(digest.encode(), "text/plain")
    else:
        asset = _file(req, path)
        if path.checksum is not None:
            # Checksum files are not assets: they are answered from the hashes CodeArtifact keeps for each asset.
            return _bytes(asset.hashes[path.checksum].encode(), "text/plain")
        data = asset.content
    if path.filename.endswith((".xml", ".pom")):
        ctype = "text/xml"
    elif path.filename.endswith((".jar", ".war", ".ear", ".zip")):
        ctype = "application/java-archive"
    else:
        ctype = "application/octet-stream"
    return _bytes(data, ctype)


def _bytes(data: bytes, ctype: str) -> Response:
    # werkzeug drops the body of a HEAD response and keeps this Content-Length.
    return Response(data, status=200, headers={"Content-Length": str(len(data))}, content_type=ctype)


def _artifact_metadata(req: RepoRequest, path: MavenPath) -> bytes:
    versions = storage.listable_versions(req, path.group_id, path.artifact_id)
    if not versions:
        raise ProtocolError(404, f"Not Found: {path.group_id}:{path.artifact_id} has no published versions")
    ordered = sorted(versions, key=lambda v: (v.published or dt.datetime.min.replace(tzinfo=dt.timezone.utc), v.seq))
    updated = max((v.published for v in ordered if v.published), default=req.now)
    return render_artifact_metadata(path.group_id, path.artifact_id, [v.version for v in ordered], updated)


def _file(req: RepoRequest, path: MavenPath) -> storage.StoredAsset:
    assert path.version is not None
    g, a = path.group_id, path.artifact_id
    if path.kind == "version-metadata":
        return storage.fetch_asset(req, g, a, path.version, METADATA)
    if not path.is_snapshot_dir:
        return storage.fetch_asset(req, g, a, path.version, path.filename)
    # A SNAPSHOT directory: the latest build's files are assets of the SNAPSHOT version itself; older builds are
    # reached through their build versions (Unlisted, still downloadable).
    try:
        return storage.fetch_asset(req, g, a, path.version, path.filename)
    except ProtocolError:
        try:
            build = file_version(path)
        except MavenError:
            raise ProtocolError(404, f"Not Found: {path.filename}") from None
        return storage.fetch_asset(req, g, a, build, path.filename)


# ------------------------------------------------------------------------------------------------ writes


def _put(req: RepoRequest, path: MavenPath) -> Response:
    body = req.body()
    if path.checksum is not None:
        return _put_checksum(req, path, body)
    if path.kind == "metadata":
        return _put_artifact_metadata(req, path, body)
    if path.kind == "version-metadata":
        return _put_snapshot_metadata(req, path, body)
    try:
        version = file_version(path)
    except MavenError as exc:
        raise ProtocolError(400, str(exc)) from None
    meta = None
    if path.filename.endswith(".pom"):
        try:
            pom = parse_pom(body)
        except MavenError as exc:
            raise ProtocolError(400, f"Invalid POM: {exc}") from None
        licenses = [dict(x) for x in pom.licenses] or None
        meta = Meta(
            summary=pom.description,
            display_name=path.artifact_id,
            home_page=pom.url,
            source_code_repository=pom.scm_url,
            licenses=licenses,
            dependencies=pom_dependencies(pom),
        )
    with req.locked() as (_domain, repo):
        _ingest(
            req,
            repo,
            path,
            version=version,
            assets={path.filename: body},
            status=UNFINISHED,
            meta=meta,
            now=req.now,
        )
    return Response(b"", status=201)


def _ingest(req: RepoRequest, repo: Any, path: MavenPath, **fields: Any) -> Any:
    """Store into the artifact ``path`` names, through the ingestion path every format shares."""
    return ingest.ingest_version(
        req.app.backend, repo, format=FORMAT, namespace=path.group_id, package=path.artifact_id, **fields
    )


def _put_checksum(req: RepoRequest, path: MavenPath, body: bytes) -> Response:
    """Check an uploaded checksum against the stored file; checksums are never stored as assets."""
    assert path.checksum is not None
    if path.kind == "metadata":
        # The artifact-level maven-metadata.xml is regenerated from the versions, so its uploaded checksum
        # describes a file the mock does not keep: accepted without a check.
        return Response(b"", status=201)
    given = body.decode("ascii", errors="replace").strip().split()[:1]
    if path.kind == "version-metadata":
        version, name = path.version, METADATA
    else:
        try:
            version, name = file_version(path), path.filename
        except MavenError as exc:
            raise ProtocolError(400, str(exc)) from None
    assert version is not None
    with req.locked() as (_domain, repo):
        pv = ingest.find_version(repo, _coord(path), version)
        blob = pv.assets.get(name) if pv is not None else None
        if blob is None:
            raise ProtocolError(404, f"Not Found: {name} has not been uploaded")
        expected = blob.hashes[path.checksum]
    if not given or given[0].lower() != expected:
        raise ProtocolError(400, f"Checksum mismatch for {name}: the uploaded {path.checksum} does not match the file")
    return Response(b"", status=201)


def _put_artifact_metadata(req: RepoRequest, path: MavenPath, body: bytes) -> Response:
    try:
        listed = metadata_versions(body)
    except MavenError as exc:
        raise ProtocolError(400, str(exc)) from None
    coord = _coord(path)
    with req.locked() as (_domain, repo):
        pending = []
        for version in listed:
            pv = ingest.find_version(repo, coord, version)
            if pv is not None and pv.status == UNFINISHED:
                pending.append(version)
        # Writing the metadata publishes what it lists. Versions it names that this repository does not hold
        # (or holds already finished) are left alone; metadata for an unknown artifact (a plugin group's
        # metadata, for one) is accepted and changes nothing (undocumented in AWS).
        for version in pending:
            _ingest(
                req,
                repo,
                path,
                version=version,
                status=PUBLISHED,
                normalize=False,
                now=req.now,
            )
    return Response(b"", status=201)


def _put_snapshot_metadata(req: RepoRequest, path: MavenPath, body: bytes) -> Response:
    assert path.version is not None
    try:
        build = snapshot_build(body, path.version)
    except MavenError as exc:
        raise ProtocolError(400, str(exc)) from None
    coord = _coord(path)
    backend = req.app.backend
    with req.locked() as (_domain, repo):
        build_pv = ingest.find_version(repo, coord, build)
        if build_pv is None or not build_pv.assets:
            raise ProtocolError(400, f"Snapshot build {build} has no uploaded files in this repository")
        assets: dict[str, bytes] = {name: blob.data for name, blob in build_pv.assets.items()}
        assets[METADATA] = body
        meta = build_pv.meta
        pkg = ingest.find_package(repo, coord)
        assert pkg is not None
        _check_snapshot_publish(repo, pkg, coord, path.version, len(assets))
        if build_pv.status == UNFINISHED:
            _ingest(
                req,
                repo,
                path,
                version=build,
                status=UNLISTED,
                normalize=False,
                now=req.now,
            )
        old = pkg.versions.get(path.version)
        if old is not None:
            same = set(old.assets) == set(assets) and all(old.assets[n].data == d for n, d in assets.items())
            if same:
                return Response(b"", status=201)
            # The SNAPSHOT version now stands for the new build: its assets are replaced (user guide).
            ingest.release_version(backend, repo, old)
            pkg.remove(path.version)
        _ingest(
            req,
            repo,
            path,
            version=path.version,
            assets=assets,
            status=PUBLISHED,
            meta=_copy_meta(meta),
            normalize=False,
            now=req.now,
        )
    return Response(b"", status=201)


def _check_snapshot_publish(repo: Any, pkg: Any, coord: Coordinate, version: str, asset_count: int) -> None:
    """What would make the SNAPSHOT's publish fail, checked before the build is unlisted and the previous
    SNAPSHOT replaced (a failed request changes nothing): origin controls and package groups, a SNAPSHOT an
    upstream repository already has, the assets-per-version quota."""
    reason = ingest._blocked(repo, pkg, coord, ingest.INTERNAL, from_upstream=False)
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


def _copy_meta(meta: Any) -> Meta | None:
    return meta.copy() if isinstance(meta, Meta) else None
