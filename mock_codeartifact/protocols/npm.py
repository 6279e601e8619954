"""npm: packuments (full and abbreviated), scoped packages, publish with attachments, tarballs, dist-tags.

Routes under ``.../npm/{repository}/`` (``{pkg}`` is ``name``, ``@scope%2Fname`` or ``@scope/name``):

- ``GET {pkg}`` — the packument; ``Accept: application/vnd.npm.install-v1+json`` gives the abbreviated form.
  Versions come from the repository and its upstreams; Unlisted, Archived, Disposed and Unfinished versions are
  left out. ``GET {pkg}/{version-or-tag}`` — one version's manifest.
- ``GET {pkg}/-/{name}-{version}.tgz`` — the tarball (asset ``package.tgz``); Archived/Disposed: 404.
- ``PUT {pkg}`` — ``npm publish``: one version with its base64 ``_attachments``. README, description,
  license, homepage, repository and the four dependency kinds come from the tarball's own ``package.json``
  (and README file); the body's ``dist-tags`` are applied (``latest`` feeds ``defaultDisplayVersion``).
- ``PUT {pkg}`` without attachments — ``npm deprecate`` (unpublish is not supported, as in CodeArtifact).
- ``GET /-/package/{pkg}/dist-tags``, ``PUT|DELETE /-/package/{pkg}/dist-tags/{tag}`` — ``npm dist-tag``.
- ``GET /-/ping`` — ``npm ping``; ``GET /-/whoami`` — ``npm whoami`` (user ``aws``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from .. import bounded
from ..backend.formats import NPM
from . import storage
from .base import ProtocolError, RepoRequest, json_response
from .storage import npm as npm_storage

FORMAT = NPM  # the record this endpoint serves (backend/formats.py)

ABBREVIATED = "application/vnd.npm.install-v1+json"
TARBALL_ASSET = "package.tgz"
_NAME = re.compile(r"[a-z0-9~-][a-z0-9._~-]*", re.IGNORECASE)
_MAX_NAME = 214
_DEPENDENCY_KINDS = (
    ("dependencies", "regular"),
    ("devDependencies", "dev"),
    ("peerDependencies", "peer"),
    ("optionalDependencies", "optional"),
)
_ABBREVIATED_FIELDS = (
    "name",
    "version",
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "bundleDependencies",
    "acceptDependencies",
    "bin",
    "directories",
    "engines",
    "os",
    "cpu",
    "deprecated",
    "_hasShrinkwrap",
    "hasInstallScript",
)


def render_error(status: int, message: str, headers: dict[str, str]) -> Response:
    return json_response(status, {"error": message}, headers)


@dataclass(frozen=True)
class PackageName:
    scope: str | None  # without "@": CodeArtifact's namespace
    name: str

    @property
    def full(self) -> str:
        return f"@{self.scope}/{self.name}" if self.scope else self.name

    @property
    def url(self) -> str:
        return f"@{self.scope}%2f{quote(self.name)}" if self.scope else quote(self.name)


def parse_name(text: str) -> PackageName:
    """``name`` or ``@scope/name``; 400 for anything npm would not accept (which rules out path traversal)."""
    scope = None
    name = text
    if text.startswith("@"):
        scope, sep, name = text[1:].partition("/")
        if not sep or not _valid_part(scope):
            raise ProtocolError(400, f"Invalid package name {text!r}")
    if not _valid_part(name) or name.startswith((".", "_")) or len(text) > _MAX_NAME:
        raise ProtocolError(400, f"Invalid package name {text!r}")
    return PackageName(scope, name)


def _valid_part(part: str) -> bool:
    return bool(part) and _NAME.fullmatch(part) is not None and part not in (".", "..")


def _split(segments: list[str]) -> tuple[PackageName, list[str]]:
    if segments[0].startswith("@") and "/" not in segments[0]:
        if len(segments) < 2:
            raise ProtocolError(404, "Not found")
        return parse_name(f"{segments[0]}/{segments[1]}"), segments[2:]
    return parse_name(segments[0]), segments[1:]


def handle(req: RepoRequest) -> Response:
    seg = [s for s in req.segments]
    if seg and seg[-1] == "" and len(seg) > 1:
        seg = seg[:-1]
    method = req.request.method
    if seg == [""]:
        raise ProtocolError(404, "Not found")
    if seg[0] == "-":
        return _special(req, seg[1:])
    pkg, rest = _split(seg)
    if not rest:
        if method in ("GET", "HEAD"):
            return _packument(req, pkg)
        if method == "PUT":
            return _publish(req, pkg)
        raise ProtocolError(405, f"Method {method} is not supported by CodeArtifact for {pkg.full}")
    if method not in ("GET", "HEAD"):
        raise ProtocolError(405, f"Method {method} is not supported here")
    if len(rest) == 2 and rest[0] == "-":
        return _tarball(req, pkg, rest[1])
    if len(rest) == 1:
        return _one_version(req, pkg, rest[0])
    raise ProtocolError(404, "Not found")


def _special(req: RepoRequest, seg: list[str]) -> Response:
    method = req.request.method
    if seg == ["ping"] and method in ("GET", "HEAD"):
        return json_response(200, {})
    if seg == ["whoami"] and method == "GET":
        return json_response(200, {"username": "aws"})
    if len(seg) >= 3 and seg[0] == "package":
        pkg, after = _split(seg[1:])
        if after and after[0] == "dist-tags":
            return _dist_tags(req, pkg, after[1:])
    raise ProtocolError(404, "Not found: this npm registry endpoint is not supported by CodeArtifact")


# ---------------------------------------------------------------- manifests from tarballs


_MANIFEST_CACHE: dict[str, dict[str, Any] | None] = {}
_README_CACHE: dict[str, str | None] = {}


def read_tarball(data: bytes) -> tuple[dict[str, Any], str | None]:
    """``package.json`` (parsed) and the README text of an npm tarball, read through ``bounded``: ValueError if
    it is not one, ``bounded.LimitExceeded`` if it is larger than the caps allow."""
    seen = {"manifest": False, "readme": False}

    def wanted(name: str) -> bool:
        parts = name.lstrip("./").split("/")
        if len(parts) != 2:
            return False
        if parts[1] == "package.json" and (parts[0] == "package" or not seen["manifest"]):
            seen["manifest"] = True
            return True
        if parts[1].lower().startswith("readme") and not seen["readme"]:
            seen["readme"] = True
            return True
        return False

    members = bounded.read_tar(data, wanted, compressed=data[:2] == b"\x1f\x8b")
    manifest_raw = readme_raw = None
    for name, content in members.items():
        top, base = name.lstrip("./").split("/")
        if base == "package.json":
            if manifest_raw is None or top == "package":
                manifest_raw = content
        else:
            readme_raw = content
    if manifest_raw is None:
        raise ValueError("not a valid npm tarball: no package.json in the tarball")
    try:
        manifest = bounded.loads_json(manifest_raw.decode("utf-8"), "package.json")
    except UnicodeDecodeError:
        raise ValueError("not a valid npm tarball: package.json is not UTF-8") from None
    if not isinstance(manifest, dict):
        raise ValueError("package.json is not a JSON object")
    readme = readme_raw.decode("utf-8", errors="replace") if readme_raw is not None else None
    return manifest, readme


def _manifest_of(asset: storage.StoredAsset) -> dict[str, Any] | None:
    key = asset.sha256
    if key not in _MANIFEST_CACHE:
        if len(_MANIFEST_CACHE) > 2048:
            _MANIFEST_CACHE.clear()
        try:
            _MANIFEST_CACHE[key] = read_tarball(asset.content)[0]
        except (ValueError, bounded.LimitExceeded):
            _MANIFEST_CACHE[key] = None
    return _MANIFEST_CACHE[key]


def metadata_from_assets(assets: dict[str, bytes]) -> dict[str, Any] | None:
    """Summary, readme and dependencies of a stand-in version's real tarball (asset ``package.tgz``)."""
    if TARBALL_ASSET not in assets:
        return None
    try:
        manifest, readme = read_tarball(assets[TARBALL_ASSET])
    except ValueError:
        return None
    description = manifest.get("description")
    return {
        "summary": description if isinstance(description, str) else None,
        "readme": readme,
        "dependencies": dependencies_of(manifest),
    }


def dependencies_of(manifest: dict[str, Any]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for key, kind in _DEPENDENCY_KINDS:
        deps = manifest.get(key)
        if not isinstance(deps, dict):
            continue
        for dep_name, requirement in deps.items():
            if not isinstance(dep_name, str) or not dep_name:
                continue
            entry: dict[str, str] = {"dependencyType": kind}
            if dep_name.startswith("@") and "/" in dep_name:
                scope, _, bare = dep_name[1:].partition("/")
                entry["namespace"] = scope
                entry["package"] = bare
            else:
                entry["package"] = dep_name
            if isinstance(requirement, str):
                entry["versionRequirement"] = requirement
            out.append(entry)
    return out


def _sections_from_meta(meta: Any) -> dict[str, dict[str, str]]:
    """Dependency sections rebuilt from stored dependencies (for versions seeded without a real tarball)."""
    sections: dict[str, dict[str, str]] = {}
    kinds = {kind: key for key, kind in _DEPENDENCY_KINDS}
    for dep in (meta.dependencies if meta is not None else None) or []:
        key = kinds.get(dep.get("dependencyType") or "regular", "dependencies")
        name = f"@{dep['namespace']}/{dep['package']}" if dep.get("namespace") else dep["package"]
        sections.setdefault(key, {})[name] = dep.get("versionRequirement", "*")
    return sections


def _version_document(req: RepoRequest, pkg: PackageName, v: storage.StoredVersion) -> dict[str, Any] | None:
    asset = next((a for a in v.assets if a.name == TARBALL_ASSET), None)
    if asset is None:
        return None
    manifest = _manifest_of(asset)
    if manifest is None:
        manifest = {"name": pkg.full, "version": v.version}
        if v.meta is not None and v.meta.summary:
            manifest["description"] = v.meta.summary
        manifest.update(_sections_from_meta(v.meta))
    doc = dict(manifest)
    doc["name"] = pkg.full
    doc["version"] = v.version
    doc["_id"] = f"{pkg.full}@{v.version}"
    doc["dist"] = {
        "tarball": f"{req.base_url}{pkg.url}/-/{quote(pkg.name)}-{quote(v.version)}.tgz",
        "shasum": asset.hashes["SHA-1"],
        "integrity": "sha512-" + base64.b64encode(bytes.fromhex(asset.hashes["SHA-512"])).decode(),
    }
    doc.pop("readme", None)
    doc.pop("deprecated", None)
    if v.deprecated:
        doc["deprecated"] = v.deprecated
    return doc


def _iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


# ---------------------------------------------------------------- reads


def _packument(req: RepoRequest, pkg: PackageName) -> Response:
    versions = storage.listable_versions(req, pkg.scope, pkg.name)
    tags = npm_storage.dist_tags(req, pkg.scope, pkg.name)
    docs: dict[str, dict[str, Any]] = {}
    times: dict[str, str] = {}
    latest_time = None
    for v in versions:
        doc = _version_document(req, pkg, v)
        if doc is None:
            continue
        docs[v.version] = doc
        if v.published is not None:
            times[v.version] = _iso(v.published)
            latest_time = v.published if latest_time is None or v.published > latest_time else latest_time
    if not docs:
        raise ProtocolError(404, f"Not found: {pkg.full}")
    tags = {t: ver for t, ver in tags.items() if ver in docs}
    if "latest" not in tags:
        # Without a "latest" tag npm cannot pick a default; CodeArtifact's defaultDisplayVersion falls back to
        # the most recently published version, and so does the packument.
        candidates = [v for v in versions if v.version in docs]
        newest = max(candidates, key=lambda v: (v.published.timestamp() if v.published else 0.0, v.seq))
        tags["latest"] = newest.version
    modified = _iso(latest_time) if latest_time is not None else None
    accept = req.request.headers.get("Accept", "")
    if ABBREVIATED in accept:
        body: dict[str, Any] = {
            "name": pkg.full,
            "dist-tags": tags,
            "versions": {
                ver: {k: doc[k] for k in (*_ABBREVIATED_FIELDS, "dist") if k in doc} for ver, doc in docs.items()
            },
        }
        if modified:
            body["modified"] = modified
        return json_response(200, body, content_type=ABBREVIATED)
    latest_doc = docs.get(tags["latest"], {})
    body = {"_id": pkg.full, "name": pkg.full, "dist-tags": tags, "versions": docs}
    if modified:
        body["time"] = {"created": min(times.values()), "modified": modified, **times}
    for key in ("description", "homepage", "license", "repository", "keywords", "author", "bugs"):
        if key in latest_doc:
            body[key] = latest_doc[key]
    latest = next((v for v in versions if v.version == tags["latest"]), None)
    if latest is not None and latest.meta is not None and latest.meta.readme:
        body["readme"] = latest.meta.readme
    return json_response(200, body)


def _one_version(req: RepoRequest, pkg: PackageName, ref: str) -> Response:
    versions = {v.version: v for v in storage.listable_versions(req, pkg.scope, pkg.name)}
    tags = npm_storage.dist_tags(req, pkg.scope, pkg.name)
    version = tags.get(ref, ref)
    v = versions.get(version)
    doc = _version_document(req, pkg, v) if v is not None else None
    if doc is None:
        raise ProtocolError(404, f"Not found: {pkg.full}@{ref}")
    return json_response(200, doc)


def _tarball(req: RepoRequest, pkg: PackageName, filename: str) -> Response:
    prefix = f"{pkg.name}-"
    if not (filename.startswith(prefix) and filename.endswith(".tgz")) or len(filename) <= len(prefix) + 4:
        raise ProtocolError(404, f"Not found: {filename}")
    version = filename[len(prefix) : -4]
    if "/" in version or version in (".", ".."):
        raise ProtocolError(404, f"Not found: {filename}")
    asset = storage.fetch_asset(req, pkg.scope, pkg.name, version, TARBALL_ASSET)
    return Response(
        asset.content,  # werkzeug leaves the body out of a HEAD answer and keeps Content-Length
        status=200,
        headers={"Content-Length": str(asset.size), "ETag": f'"{asset.sha256}"'},
        content_type="application/octet-stream",
    )


# ---------------------------------------------------------------- publish


def _publish(req: RepoRequest, pkg: PackageName) -> Response:
    if req.request.mimetype != "application/json":
        raise ProtocolError(
            415, f"Unsupported Media Type '{req.request.mimetype or 'none'}': publish with application/json"
        )
    body = req.json_body()
    if not isinstance(body, dict):
        raise ProtocolError(400, "The publish body must be a JSON object")
    if body.get("name") != pkg.full:
        raise ProtocolError(400, f"The body's name {body.get('name')!r} does not match the URL ({pkg.full!r})")
    attachments = body.get("_attachments")
    versions = body.get("versions")
    if not attachments:
        # Without attachments the body is the whole packument rewritten: npm deprecate (supported by CodeArtifact,
        # user guide "npm-commands") or unpublish (not supported).
        return _deprecate(req, pkg, versions)
    if (
        not isinstance(attachments, dict)
        or not isinstance(versions, dict)
        or len(versions) != 1
        or len(attachments) != 1
    ):
        raise ProtocolError(400, "A publish must carry exactly one version and one attachment")
    ((version, manifest),) = versions.items()
    ((att_name, attachment),) = attachments.items()
    if not isinstance(manifest, dict) or not isinstance(attachment, dict) or not isinstance(version, str):
        raise ProtocolError(400, "Malformed publish body")
    if not _valid_part(version) or len(version) > 255:
        raise ProtocolError(400, f"Invalid version {version!r}")
    if att_name != f"{pkg.full}-{version}.tgz" and att_name != f"{pkg.name}-{version}.tgz":
        raise ProtocolError(400, f"Unexpected attachment name {att_name!r}")
    data_b64 = attachment.get("data")
    if not isinstance(data_b64, str):
        raise ProtocolError(400, "The attachment has no base64 data")
    try:
        data = base64.b64decode(data_b64, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError(400, "The attachment data is not valid base64") from None
    length = attachment.get("length")
    if length is not None and length != len(data):
        raise ProtocolError(400, "The attachment length does not match its data")
    found = manifest.get("dist")
    dist: dict[str, Any] = found if isinstance(found, dict) else {}
    if dist.get("shasum") and dist["shasum"] != hashlib.sha1(data).hexdigest():
        raise ProtocolError(400, "The tarball's shasum does not match dist.shasum")
    integrity = dist.get("integrity")
    if isinstance(integrity, str) and integrity.startswith("sha512-"):
        if integrity != "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode():
            raise ProtocolError(400, "The tarball's integrity does not match dist.integrity")
    try:
        package_json, readme = read_tarball(data)
    except ValueError as exc:
        raise ProtocolError(400, str(exc)) from None
    if package_json.get("name") != pkg.full or package_json.get("version") != version:
        raise ProtocolError(
            400,
            f"The tarball's package.json ({package_json.get('name')}@{package_json.get('version')}) does not match "
            f"{pkg.full}@{version}",
        )
    tags = body.get("dist-tags") or {}
    if not isinstance(tags, dict) or not all(isinstance(t, str) and isinstance(v, str) for t, v in tags.items()):
        raise ProtocolError(400, "dist-tags must map tag names to versions")
    repository = package_json.get("repository")
    if isinstance(repository, dict):
        repository = repository.get("url")
    license_ = package_json.get("license")
    metadata: dict[str, Any] = {
        "summary": package_json.get("description") if isinstance(package_json.get("description"), str) else None,
        "readme": readme or (body.get("readme") if isinstance(body.get("readme"), str) else None),
        "dependencies": dependencies_of(package_json),
        "home_page": package_json.get("homepage") if isinstance(package_json.get("homepage"), str) else None,
        "source_code_repository": repository if isinstance(repository, str) else None,
        "licenses": [{"name": license_}] if isinstance(license_, str) else None,
        "display_name": pkg.full,
    }
    storage.publish(
        req,
        pkg.scope,
        pkg.name,
        version,
        TARBALL_ASSET,
        data,
        metadata,
        dist_tags={t: v for t, v in tags.items() if v == version},
    )
    return json_response(200, {"ok": True, "id": pkg.full, "rev": version, "success": True})


def _deprecate(req: RepoRequest, pkg: PackageName, versions: Any) -> Response:
    if not isinstance(versions, dict) or not versions:
        raise ProtocolError(400, "CodeArtifact does not support unpublishing; a packument update needs its versions")
    messages: dict[str, str] = {}
    for version, doc in versions.items():
        if not isinstance(doc, dict):
            raise ProtocolError(400, f"Malformed version {version!r}")
        message = doc.get("deprecated", "")
        if not isinstance(message, str):
            raise ProtocolError(400, f"'deprecated' of {version!r} must be a string")
        messages[version] = message
    current = {v.version for v in storage.listable_versions(req, pkg.scope, pkg.name)}
    if not current:
        raise ProtocolError(404, f"Not found: {pkg.full}")
    npm_storage.set_deprecations(req, pkg.scope, pkg.name, messages)
    return json_response(200, {"ok": True, "id": pkg.full})


# ---------------------------------------------------------------- dist-tags


def _dist_tags(req: RepoRequest, pkg: PackageName, tail: list[str]) -> Response:
    method = req.request.method
    if not tail or tail == [""]:
        if method != "GET":
            raise ProtocolError(405, f"Method {method} is not supported here")
        tags = npm_storage.dist_tags(req, pkg.scope, pkg.name)
        if not tags and not storage.listable_versions(req, pkg.scope, pkg.name):
            raise ProtocolError(404, f"Not found: {pkg.full}")
        return json_response(200, tags)
    if len(tail) != 1 or not _valid_part(tail[0]):
        raise ProtocolError(400, "Invalid tag name")
    tag = tail[0]
    if method == "PUT":
        value = req.json_body()
        if not isinstance(value, str):
            raise ProtocolError(400, "The body must be a JSON string naming the version")
        npm_storage.set_dist_tag(req, pkg.scope, pkg.name, tag, value)
    elif method == "DELETE":
        if tag == "latest":
            raise ProtocolError(400, "The latest tag cannot be removed")
        npm_storage.set_dist_tag(req, pkg.scope, pkg.name, tag, None)
    else:
        raise ProtocolError(405, f"Method {method} is not supported here")
    return json_response(200, npm_storage.dist_tags(req, pkg.scope, pkg.name))
