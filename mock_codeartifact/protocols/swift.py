"""swift: the Swift Package Registry service (SE-0292, API version 1).

Routes under ``.../swift/{repository}/`` (``swift package-registry set <endpoint>``):

- ``GET {scope}/{name}`` — releases, with a ``Link`` header to the latest one.
- ``GET {scope}/{name}/{version}`` — release metadata (``resources`` with the archive's SHA-256 checksum).
- ``GET {scope}/{name}/{version}/Package.swift[?swift-version=X]`` — the manifest from the archive; a missing
  tools-version-specific manifest redirects (303) to the unqualified one.
- ``GET {scope}/{name}/{version}.zip`` — the source archive, with a ``Digest`` header.
- ``GET identifiers?url=`` — package identifiers whose release metadata names that repository URL.
- ``PUT {scope}/{name}/{version}`` — publish (multipart ``source-archive`` and optional ``metadata``); 201.
- ``POST login`` — 200 when the token is valid (the router already checked it).

Scope and name are lower-cased (user guide, swift-name-normalization); versions must be SemVer 2.0 and are
stored as given. Errors are ``application/problem+json``. No Swift toolchain runs on the development
machine: these routes are tested over HTTP against the registry specification.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from .. import bounded
from ..backend.formats import SWIFT
from . import storage
from .base import ProtocolError, RepoRequest, json_response

FORMAT = SWIFT  # the record this endpoint serves (backend/formats.py)

JSON_V1 = "application/vnd.swift.registry.v1+json"
SWIFT_V1 = "application/vnd.swift.registry.v1+swift"
_SCOPE = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9])){0,38}")
_NAME = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9]|[-_](?=[a-zA-Z0-9])){0,99}")
SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_SWIFT_VERSION = re.compile(r"\d+(?:\.\d+){0,2}")
_HEADERS = {"Content-Version": "1"}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def render_error(status: int, message: str, headers: dict[str, str]) -> Response:
    """Problem details (RFC 7807), as the registry specification requires for every error."""
    return Response(
        json.dumps({"detail": message}),
        status=status,
        headers={**_HEADERS, **headers},
        content_type="application/problem+json",
    )


def _check_accept(req: RepoRequest, media: str) -> None:
    """An ``Accept`` naming another API version gets 415 (specification, "API versioning")."""
    accept = req.request.headers.get("Accept", "")
    for part in accept.split(","):
        mt = part.split(";")[0].strip().lower()
        m = re.fullmatch(r"application/vnd\.swift\.registry\.v(\w+)\+(\w+)", mt)
        if m is not None and m.group(1) != "1":
            raise ProtocolError(415, f"Unsupported API version '{m.group(1)}'; this registry speaks version 1")


def handle(req: RepoRequest) -> Response:
    method = req.request.method
    seg = req.segments
    if seg == ["login"]:
        if method == "POST":
            return Response(b"", status=200, headers=_HEADERS)
        raise ProtocolError(405, "Use POST to log in")
    if seg == ["identifiers"] and method in ("GET", "HEAD"):
        _check_accept(req, JSON_V1)
        return _identifiers(req)
    if len(seg) == 2 and method in ("GET", "HEAD"):
        scope, name = _coords(seg[0], seg[1])
        _check_accept(req, JSON_V1)
        return _releases(req, scope, name)
    if len(seg) == 3:
        scope, name = _coords(seg[0], seg[1])
        last = seg[2]
        if method == "PUT":
            return _publish(req, scope, name, last)
        if method in ("GET", "HEAD"):
            _check_accept(req, JSON_V1)
            if last.endswith(".zip"):
                return _archive(req, scope, name, last[: -len(".zip")])
            if last.endswith(".json"):
                last = last[: -len(".json")]
            return _release(req, scope, name, last)
    if len(seg) == 4 and seg[3] == "Package.swift" and method in ("GET", "HEAD"):
        scope, name = _coords(seg[0], seg[1])
        _check_accept(req, SWIFT_V1)
        return _manifest(req, scope, name, seg[2])
    raise ProtocolError(404, "Not Found")


def _coords(scope: str, name: str) -> tuple[str, str]:
    """Validated scope and name, lower-cased as CodeArtifact stores them (an optional ``.json`` suffix of a
    release listing is dropped)."""
    if name.endswith(".json"):
        name = name[: -len(".json")]
    if not _SCOPE.fullmatch(scope) or not _NAME.fullmatch(name):
        raise ProtocolError(404, "Not Found: invalid package scope or name")
    return scope.lower(), name.lower()


def _asset_name(name: str, version: str) -> str:
    return f"{name}-{version}.zip"


def _find(req: RepoRequest, scope: str, name: str, version: str) -> Any:
    for v in storage.listable_versions(req, scope, name):
        if v.version == version:
            return v
    raise ProtocolError(404, f"Not Found: release {version} of {scope}.{name}")


def _releases(req: RepoRequest, scope: str, name: str) -> Response:
    versions = storage.listable_versions(req, scope, name)
    if not versions:
        raise ProtocolError(404, f"Not Found: no package {scope}.{name} in this repository")
    base = f"{req.base_url}{quote(scope)}/{quote(name)}"
    releases = {v.version: {"url": f"{base}/{quote(v.version)}"} for v in versions}
    latest = max(versions, key=lambda v: (v.published is not None, v.published or _EPOCH)).version
    headers = {**_HEADERS, "Link": f'<{base}/{quote(latest)}>; rel="latest-version"'}
    return json_response(200, {"releases": releases}, headers)


def _release(req: RepoRequest, scope: str, name: str, version: str) -> Response:
    if not SEMVER.fullmatch(version):
        raise ProtocolError(404, f"Not Found: '{version}' is not a SemVer version")
    v = _find(req, scope, name, version)
    asset = next((a for a in v.assets if a.name.endswith(".zip")), None)
    resources = []
    if asset is not None:
        resources.append({"name": "source-archive", "type": "application/zip", "checksum": asset.sha256})
    meta = _release_metadata(v, scope, name)
    body: dict[str, Any] = {
        "id": f"{scope}.{name}",
        "version": v.version,
        "resources": resources,
        "metadata": meta or {},
    }
    if v.published:
        body["publishedAt"] = v.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json_response(200, body, dict(_HEADERS))


def _archive(req: RepoRequest, scope: str, name: str, version: str) -> Response:
    if not SEMVER.fullmatch(version):
        raise ProtocolError(404, "Not Found")
    # Unlisted releases stay downloadable (user guide, package version statuses): no listing check here.
    asset = storage.fetch_asset(req, scope, name, version, _asset_name(name, version))
    digest = base64.b64encode(bytes.fromhex(asset.sha256)).decode()
    headers = {
        **_HEADERS,
        "Content-Disposition": f'attachment; filename="{name}-{version}.zip"',
        "Content-Length": str(asset.size),
        "Digest": f"sha-256={digest}",
        "Accept-Ranges": "bytes",
    }
    return Response(
        asset.content,
        status=200,
        headers=headers,
        content_type="application/zip",
    )


def _manifest(req: RepoRequest, scope: str, name: str, version: str) -> Response:
    if not SEMVER.fullmatch(version):
        raise ProtocolError(404, "Not Found")
    asset = storage.fetch_asset(req, scope, name, version, _asset_name(name, version))
    manifests = archive_manifests(asset.content)
    swift_version = req.request.args.get("swift-version")
    if swift_version is not None:
        if not _SWIFT_VERSION.fullmatch(swift_version):
            raise ProtocolError(400, f"Invalid swift-version '{swift_version}'")
        wanted = f"Package@swift-{swift_version}.swift"
        if wanted not in manifests:
            location = f"{req.base_url}{quote(scope)}/{quote(name)}/{quote(version)}/Package.swift"
            return Response(b"", status=303, headers={**_HEADERS, "Location": location})
        text, filename = manifests[wanted], wanted
    else:
        if "Package.swift" not in manifests:
            raise ProtocolError(404, "Not Found: the source archive has no Package.swift")
        text, filename = manifests["Package.swift"], "Package.swift"
    headers = {
        **_HEADERS,
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "public, immutable",
    }
    others = [n for n in manifests if n != "Package.swift"]
    if swift_version is None and others:
        links = []
        for n in sorted(others):
            tools = n[len("Package@swift-") : -len(".swift")]
            url = f"{req.base_url}{quote(scope)}/{quote(name)}/{quote(version)}/Package.swift?swift-version={tools}"
            links.append(f'<{url}>; rel="alternate"; filename="{n}"; swift-tools-version="{tools}"')
        headers["Link"] = ", ".join(links)
    return Response(text, status=200, headers=headers, content_type="text/x-swift")


def archive_manifests(content: bytes) -> dict[str, bytes]:
    """``Package.swift`` and ``Package@swift-X.swift`` at the package root of a source archive (a zip whose
    entries sit in one top-level directory, as ``swift package archive-source`` makes them, or at its root), read
    through ``bounded`` (ValueError if invalid, ``bounded.LimitExceeded`` above a cap)."""
    out: dict[str, bytes] = {}
    with bounded.open_zip(content) as zf:
        for name in zf.names:
            parts = name.split("/")
            base = parts[-1]
            if len(parts) > 2 or name.endswith("/"):
                continue
            if base == "Package.swift" or re.fullmatch(r"Package@swift-\d+(?:\.\d+){0,2}\.swift", base):
                if base not in out:
                    out[base] = zf.read(name)
    return out


def _readme(content: bytes) -> str | None:
    """The archive's top-level README.md (undocumented for Swift in AWS; the mock returns it)."""
    with bounded.open_zip(content) as zf:
        for name in zf.names:
            parts = name.split("/")
            if len(parts) <= 2 and parts[-1].lower() == "readme.md":
                return zf.read(name).decode("utf-8", errors="replace")
    return None


def _identifiers(req: RepoRequest) -> Response:
    url = req.request.args.get("url")
    if not url:
        raise ProtocolError(400, "The url query parameter is required")
    wanted = _normal_url(url)
    found: list[str] = []
    for ns, name in _packages(req):
        for v in storage.listable_versions(req, ns, name):
            urls = (_release_metadata(v, ns, name) or {}).get("repositoryURLs") or []
            if any(isinstance(u, str) and _normal_url(u) == wanted for u in urls):
                found.append(f"{ns}.{name}")
                break
    if not found:
        raise ProtocolError(404, f"Not Found: no package identifiers for {url}")
    return json_response(200, {"identifiers": sorted(set(found))}, dict(_HEADERS))


def _release_metadata(v: Any, scope: str, name: str) -> dict[str, Any] | None:
    """The metadata published with this very release (protocol extras are kept by archive content, keyed by the
    release they were published as: another release may share the archive)."""
    meta = v.extra.get(_extra_key(scope, name, v.version))
    return meta if isinstance(meta, dict) else None


def _extra_key(scope: str, name: str, version: str) -> str:
    return f"swift:{scope}.{name}:{version}"


def _packages(req: RepoRequest) -> list[tuple[str, str]]:
    """(scope, name) of every Swift package stored in the repository itself."""
    return storage.package_coordinates(req)


def _normal_url(url: str) -> str:
    u = url.strip().lower()
    for prefix in ("https://", "http://", "ssh://", "git@"):
        if u.startswith(prefix):
            u = u[len(prefix) :]
    u = u.replace(":", "/")
    return u[:-4] if u.endswith(".git") else u.rstrip("/")


def _publish(req: RepoRequest, scope: str, name: str, version: str) -> Response:
    if not SEMVER.fullmatch(version):
        raise ProtocolError(400, f"Invalid version '{version}': Swift packages must use Semantic Versioning 2.0")
    if req.request.mimetype != "multipart/form-data":
        raise ProtocolError(415, "Publishing requires multipart/form-data with a source-archive part")
    form, files = req.form()
    archive = files.get("source-archive")
    if archive is None:
        raise ProtocolError(422, "The source-archive part is missing")
    content = archive.read()
    metadata_raw = form.get("metadata")
    if metadata_raw is None and files.get("metadata") is not None:
        metadata_raw = files["metadata"].read().decode("utf-8", errors="replace")
    release_meta: dict[str, Any] = {}
    if metadata_raw:
        try:
            release_meta = bounded.loads_json(metadata_raw, "the metadata part")
        except ValueError:
            raise ProtocolError(422, "The metadata part is not valid JSON") from None
        if not isinstance(release_meta, dict):
            raise ProtocolError(422, "The metadata part must be a JSON object")
    if storage.has_version(req, scope, name, version):
        raise ProtocolError(409, f"Release {version} of {scope}.{name} already exists")
    try:
        manifests = archive_manifests(content)
        readme = _readme(content)
    except ValueError as exc:
        raise ProtocolError(422, f"The source archive is not a valid zip: {exc}") from None
    if "Package.swift" not in manifests:
        raise ProtocolError(422, "The source archive has no Package.swift at its root")
    author = release_meta.get("author") if isinstance(release_meta.get("author"), dict) else None
    licenses = None
    if isinstance(release_meta.get("licenseURL"), str):
        licenses = [{"name": release_meta["licenseURL"], "url": release_meta["licenseURL"]}]
    repo_urls = release_meta.get("repositoryURLs") if isinstance(release_meta.get("repositoryURLs"), list) else []
    metadata: dict[str, Any] = {
        "summary": release_meta.get("description") if isinstance(release_meta.get("description"), str) else None,
        "readme": readme,
        "dependencies": [],
        "home_page": (author or {}).get("url") if isinstance((author or {}).get("url"), str) else None,
        "source_code_repository": repo_urls[0] if repo_urls and isinstance(repo_urls[0], str) else None,
        "licenses": licenses,
        "display_name": name,
    }
    storage.publish(
        req,
        scope,
        name,
        version,
        _asset_name(name, version),
        content,
        metadata,
        extra={_extra_key(scope, name, version): release_meta},
    )
    location = f"{req.base_url}{quote(scope)}/{quote(name)}/{quote(version)}"
    return Response(b"", status=201, headers={**_HEADERS, "Location": location})
