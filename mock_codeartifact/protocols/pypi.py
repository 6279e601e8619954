"""pypi: the PEP 503 / PEP 691 simple API, file downloads, and twine's legacy upload API.

Routes under ``.../pypi/{repository}/``:

- ``GET simple/{project}/`` — the project page, HTML (PEP 503) or JSON (PEP 691, api-version 1.1) by ``Accept``;
  406 when neither is acceptable. The project name is PEP 503-normalized; other spellings are redirected.
  There is no root ``simple/`` index (CodeArtifact has none either).
- ``GET simple/{project}/{version}/{file}`` — the file (links carry ``#sha256=``).
- ``POST /`` (the repository URL itself; also ``legacy/``) — twine's multipart upload (``:action=file_upload``).
  Name, version, summary, readme, Requires-Dist and Requires-Python come from the uploaded distribution's own
  METADATA / PKG-INFO; the form's fields must agree with it.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from packaging.metadata import parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response

from .. import bounded
from ..backend.formats import PYPI
from . import storage
from .base import ProtocolError, RepoRequest, safe_name, text_response

FORMAT = PYPI  # the record this endpoint serves (backend/formats.py)

JSON_V1 = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
HTML = "text/html"
# Order matters only when the client gives several types the same quality: prefer JSON, then the v1 HTML.
_OFFERED = [JSON_V1, HTML_V1, HTML]


def render_error(status: int, message: str, headers: dict[str, str]) -> Response:
    return text_response(status, message + "\n", headers)


def handle(req: RepoRequest) -> Response:
    method = req.request.method
    seg = req.segments
    if seg in ([""], ["legacy", ""], ["legacy"]):
        if method == "POST":
            return _upload(req)
        raise ProtocolError(404, "Not Found: the repository root has no index; use simple/<project>/")
    if seg[0] == "simple" and method in ("GET", "HEAD"):
        if len(seg) == 1 or (len(seg) == 2 and seg[1] == ""):
            raise ProtocolError(404, "Not Found: CodeArtifact has no root simple index; use simple/<project>/")
        if len(seg) == 2 or (len(seg) == 3 and seg[2] == ""):
            return _project_page(req, seg[1], trailing=len(seg) == 3)
        if len(seg) == 4:
            return _download(req, seg[1], seg[2], seg[3])
    if seg[0] == "simple":
        raise ProtocolError(405, f"Method {method} is not allowed here", {"Allow": "GET, HEAD"})
    raise ProtocolError(404, "Not Found")


# ---------------------------------------------------------------- reads


def _negotiate(req: RepoRequest) -> str:
    """PEP 691 content negotiation. Types the client names explicitly win by quality (JSON first on a tie);
    a client that only sends wildcards (``*/*``) gets HTML, which every client understands."""
    header = req.request.headers.get("Accept")
    if not header:
        return HTML
    accept = parse_accept_header(header, MIMEAccept)
    named = {value.lower(): q for value, q in accept if q > 0}
    explicit = [t for t in _OFFERED if t in named]
    if explicit:
        return max(explicit, key=lambda t: named[t])  # max keeps the first of equal qualities
    best = accept.best_match([HTML, HTML_V1, JSON_V1])
    if best is None:
        raise ProtocolError(406, f"Not Acceptable: supported types are {', '.join(_OFFERED)}")
    return best


def _project_page(req: RepoRequest, project: str, trailing: bool) -> Response:
    if not safe_name(project):
        raise ProtocolError(404, "Not Found")
    name = PYPI.stored(project)
    if name != project or not trailing:
        # PEP 503: a repository may redirect other spellings to the normalized URL.
        location = f"{req.base_url}simple/{quote(name)}/"
        return Response("", status=301, headers={"Location": location})
    content_type = _negotiate(req)
    versions = storage.listable_versions(req, None, name)
    if not versions:
        raise ProtocolError(404, f"Not Found: no package '{name}' in this repository or its upstreams")
    files: list[dict[str, Any]] = []
    for v in versions:
        for asset in v.assets:
            files.append(
                {
                    "filename": asset.name,
                    "url": f"{quote(v.version)}/{quote(asset.name)}",
                    "hashes": {"sha256": asset.sha256},
                    "requires-python": v.requires_python or _requires_python(asset),
                    "size": asset.size,
                    "upload-time": v.published.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if v.published else None,
                }
            )
    files.sort(key=lambda f: f["filename"])
    headers = {"Vary": "Accept"}
    if content_type == JSON_V1:
        body = {
            "meta": {"api-version": "1.1"},
            "name": name,
            "versions": sorted({v.version for v in versions}, key=_version_key),
            "files": [{k: val for k, val in f.items() if val is not None} for f in files],
        }
        return Response(json.dumps(body), status=200, headers=headers, content_type=JSON_V1)
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        '    <meta name="pypi:repository-version" content="1.1">',
        f"    <title>Links for {html.escape(name)}</title>",
        "  </head>",
        "  <body>",
        f"    <h1>Links for {html.escape(name)}</h1>",
    ]
    for f in files:
        attrs = f'href="{html.escape(f["url"])}#sha256={f["hashes"]["sha256"]}"'
        if f["requires-python"]:
            attrs += f' data-requires-python="{html.escape(f["requires-python"])}"'
        lines.append(f"    <a {attrs}>{html.escape(f['filename'])}</a><br/>")
    lines += ["  </body>", "</html>", ""]
    ctype = content_type if content_type == HTML_V1 else "text/html; charset=utf-8"
    return Response("\n".join(lines), status=200, headers=headers, content_type=ctype)


def _version_key(version: str) -> tuple[int, Any]:
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def _download(req: RepoRequest, project: str, version: str, filename: str) -> Response:
    if not (safe_name(project) and safe_name(version) and safe_name(filename)):
        raise ProtocolError(404, "Not Found")
    asset = storage.fetch_asset(req, None, PYPI.stored(project), version, filename)
    return Response(
        asset.content,  # werkzeug leaves the body out of a HEAD answer and keeps Content-Length
        status=200,
        headers={"Content-Length": str(asset.size), "ETag": f'"{asset.sha256}"'},
        content_type=_file_type(filename),
    )


def _file_type(filename: str) -> str:
    if filename.endswith((".whl", ".zip", ".egg")):
        return "application/zip"
    if filename.endswith((".tar.gz", ".tgz")):
        return "application/x-tar"
    return "application/octet-stream"


def _requires_python(asset: storage.StoredAsset) -> str | None:
    meta = distribution_metadata(asset.name, asset.sha256, asset.content)
    return meta.requires_python if meta else None


# ---------------------------------------------------------------- distribution metadata


@dataclass
class DistMetadata:
    name: str
    version: str
    summary: str | None = None
    description: str | None = None
    description_content_type: str | None = None
    requires_dist: list[str] = field(default_factory=list)
    requires_python: str | None = None
    home_page: str | None = None
    license: str | None = None
    project_urls: dict[str, str] = field(default_factory=dict)


def _parse_metadata(raw_bytes: bytes) -> DistMetadata:
    raw, _unparsed = parse_email(raw_bytes)
    name, version = raw.get("name"), raw.get("version")
    if not name or not version:
        raise ValueError("the metadata has no Name or Version")
    urls = raw.get("project_urls") or {}
    return DistMetadata(
        name=name,
        version=version,
        summary=raw.get("summary"),
        description=raw.get("description"),
        description_content_type=raw.get("description_content_type"),
        requires_dist=list(raw.get("requires_dist") or []),
        requires_python=raw.get("requires_python"),
        home_page=raw.get("home_page"),
        license=raw.get("license_expression") or raw.get("license"),
        project_urls=dict(urls),
    )


def read_distribution(filename: str, content: bytes) -> DistMetadata:
    """The core metadata inside a wheel (``*.dist-info/METADATA``) or sdist (``*/PKG-INFO``), read through
    ``bounded``: ValueError if there is none, ``bounded.LimitExceeded`` if the archive is larger than the caps."""
    if filename.endswith(".whl") or filename.endswith(".zip"):
        wanted = "PKG-INFO" if filename.endswith(".zip") else "METADATA"
        with bounded.open_zip(content) as zf:
            names = [
                n
                for n in zf.names
                if n.count("/") == 1
                and n.endswith("/" + wanted)
                and (wanted == "PKG-INFO" or n.split("/", 1)[0].endswith(".dist-info"))
            ]
            if len(names) != 1:
                raise ValueError(f"expected exactly one {wanted} in the archive, found {len(names)}")
            return _parse_metadata(zf.read(names[0]))
    if filename.endswith(".tar.gz"):
        found = bounded.read_tar(content, lambda n: n.count("/") == 1 and n.endswith("/PKG-INFO"), compressed=True)
        if len(found) != 1:
            raise ValueError("no PKG-INFO in the archive" if not found else "more than one PKG-INFO in the archive")
        return _parse_metadata(next(iter(found.values())))
    raise ValueError("unsupported distribution type")


_META_CACHE: dict[tuple[str, str], DistMetadata | None] = {}


def distribution_metadata(filename: str, sha256: str, content: bytes) -> DistMetadata | None:
    """``read_distribution``, cached by file name and SHA-256 (assets are immutable); None if unreadable."""
    key = (filename, sha256)
    if key not in _META_CACHE:
        if len(_META_CACHE) > 2048:
            _META_CACHE.clear()
        try:
            _META_CACHE[key] = read_distribution(filename, content)
        except (ValueError, bounded.LimitExceeded):
            _META_CACHE[key] = None
    return _META_CACHE[key]


def metadata_from_assets(assets: dict[str, bytes]) -> dict[str, Any] | None:
    """Summary, readme and dependencies of the first real wheel or sdist among a stand-in version's assets."""
    for name, data in assets.items():
        try:
            dist = read_distribution(name, data)
        except ValueError:
            continue
        return {
            "summary": dist.summary,
            "readme": dist.description,
            "dependencies": dependencies_of(dist.requires_dist),
        }
    return None


def dependencies_of(requires_dist: list[str]) -> list[dict[str, str]]:
    """Requires-Dist lines as CodeArtifact PackageDependency entries (dependencyType ``Requires-Dist``)."""
    out: list[dict[str, str]] = []
    for line in requires_dist:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        requirement = str(req.specifier)
        if req.marker is not None:
            requirement = f"{requirement}; {req.marker}" if requirement else f"; {req.marker}"
        dep = {"package": req.name, "dependencyType": "Requires-Dist"}
        if requirement:
            dep["versionRequirement"] = requirement
        out.append(dep)
    return out


# ---------------------------------------------------------------- upload


def _upload(req: RepoRequest) -> Response:
    ctype = req.request.mimetype
    if ctype != "multipart/form-data":
        raise ProtocolError(
            415, f"Unsupported Media Type: uploads must be multipart/form-data, not '{ctype or 'none'}'"
        )
    form, files = req.form()
    action = form.get(":action")
    if action != "file_upload":
        raise ProtocolError(400, f"Invalid or missing ':action' ({action!r}); only 'file_upload' is supported")
    upload = files.get("content")
    if upload is None:
        raise ProtocolError(400, "Missing file in the 'content' field")
    filename = upload.filename or ""
    if not safe_name(filename):
        raise ProtocolError(400, f"Invalid file name {filename!r}")
    content = upload.read()
    # Parse the file name first: it says what kind of distribution this must be.
    try:
        if filename.endswith(".whl"):
            fn_name, fn_version, _build, _tags = parse_wheel_filename(filename)
        else:
            fn_name, fn_version = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion) as exc:
        raise ProtocolError(400, f"Invalid distribution file name {filename!r}: {exc}") from None
    for algorithm, fieldname in (("sha256", "sha256_digest"), ("md5", "md5_digest"), ("blake2b", "blake2_256_digest")):
        given = form.get(fieldname)
        if given:
            digest = (
                hashlib.blake2b(content, digest_size=32) if algorithm == "blake2b" else hashlib.new(algorithm, content)
            )
            if digest.hexdigest() != given.lower():
                raise ProtocolError(400, f"The {fieldname} does not match the uploaded file")
    try:
        meta = read_distribution(filename, content)
    except ValueError as exc:
        raise ProtocolError(400, f"Invalid distribution {filename!r}: {exc}") from None
    try:
        version = Version(meta.version)
    except InvalidVersion:
        raise ProtocolError(400, f"Invalid version {meta.version!r} in the distribution's metadata") from None
    name = PYPI.stored(meta.name)
    if PYPI.stored(fn_name) != name or fn_version != version:
        raise ProtocolError(400, f"The file name {filename!r} does not match the metadata ({meta.name} {meta.version})")
    form_name, form_version = form.get("name"), form.get("version")
    if form_name and PYPI.stored(form_name) != name:
        raise ProtocolError(400, f"The 'name' field ({form_name!r}) does not match the distribution ({meta.name!r})")
    if form_version:
        try:
            same = Version(form_version) == version
        except InvalidVersion:
            same = False
        if not same:
            raise ProtocolError(400, f"The 'version' field ({form_version!r}) does not match the distribution")
    if not safe_name(name) or not safe_name(meta.version):
        raise ProtocolError(400, "Invalid package name or version")
    metadata: dict[str, Any] = {
        "summary": meta.summary,
        "readme": meta.description,
        "dependencies": dependencies_of(meta.requires_dist),
        "home_page": meta.home_page or meta.project_urls.get("Homepage") or meta.project_urls.get("homepage"),
        "source_code_repository": meta.project_urls.get("Source") or meta.project_urls.get("Repository"),
        "licenses": [{"name": meta.license}] if meta.license else None,
        "display_name": meta.name,
    }
    # The version is stored under the spelling the distribution gives it (CodeArtifact keeps e.g. "1.0").
    storage.publish(req, None, name, meta.version, filename, content, metadata)
    return text_response(200, "OK\n")
