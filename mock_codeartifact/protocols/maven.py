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

from ..backend.formats import MAVEN
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
from .storage import maven as maven_storage

FORMAT = MAVEN  # the record this endpoint serves (backend/formats.py)

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
    metadata: dict[str, Any] | None = None
    if path.filename.endswith(".pom"):
        try:
            pom = parse_pom(body)
        except MavenError as exc:
            raise ProtocolError(400, f"Invalid POM: {exc}") from None
        metadata = {
            "summary": pom.description,
            "display_name": path.artifact_id,
            "home_page": pom.url,
            "source_code_repository": pom.scm_url,
            "licenses": [dict(x) for x in pom.licenses] or None,
            "dependencies": pom_dependencies(pom),
        }
    maven_storage.stage(req, path.group_id, path.artifact_id, version, path.filename, body, metadata)
    return Response(b"", status=201)


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
    stored = maven_storage.own_asset(req, path.group_id, path.artifact_id, version, name)
    if stored is None:
        raise ProtocolError(404, f"Not Found: {name} has not been uploaded")
    expected = stored.hashes[path.checksum]
    if not given or given[0].lower() != expected:
        raise ProtocolError(400, f"Checksum mismatch for {name}: the uploaded {path.checksum} does not match the file")
    return Response(b"", status=201)


def _put_artifact_metadata(req: RepoRequest, path: MavenPath, body: bytes) -> Response:
    try:
        listed = metadata_versions(body)
    except MavenError as exc:
        raise ProtocolError(400, str(exc)) from None
    # Writing the metadata publishes what it lists. Versions it names that this repository does not hold
    # (or holds already finished) are left alone; metadata for an unknown artifact (a plugin group's
    # metadata, for one) is accepted and changes nothing (undocumented in AWS).
    maven_storage.finish(req, path.group_id, path.artifact_id, listed)
    return Response(b"", status=201)


def _put_snapshot_metadata(req: RepoRequest, path: MavenPath, body: bytes) -> Response:
    assert path.version is not None
    try:
        build = snapshot_build(body, path.version)
    except MavenError as exc:
        raise ProtocolError(400, str(exc)) from None
    maven_storage.publish_snapshot(req, path.group_id, path.artifact_id, path.version, build, METADATA, body)
    return Response(b"", status=201)
