"""cargo: the sparse registry index, ``cargo publish`` and crate downloads.

Routes under ``.../cargo/{repository}/`` (the endpoint is the index URL, ``sparse+<endpoint>``):

- ``GET config.json`` — ``dl``, ``api`` and ``auth-required: true`` (RFC 3139), so cargo sends its token (the bare
  token, as a ``cargo:token`` credential provider does) on every request after the first 401.
- ``GET 1/{name}``, ``2/{name}``, ``3/{c}/{name}``, ``{ab}/{cd}/{name}`` — index files, one JSON line per
  version (lower-cased path; the crate's own spelling inside).
- ``PUT api/v1/crates/new`` — ``cargo publish``: a little-endian u32 length + JSON metadata, then u32 length +
  the ``.crate`` (a gzip-compressed tar with ``Cargo.toml`` in its package directory, checked within the caps of
  ``bounded``). Name, version, dependencies, README, description, homepage, repository and license come from
  that metadata.
- ``GET api/v1/crates/{name}/{version}/download`` — the ``.crate`` (``dl`` without markers appends
  ``/{crate}/{version}/download``).

``cargo yank``/``unyank``, ``owner`` and ``search`` are not served (CodeArtifact documents owner and search as
unsupported and says nothing of yank); they answer a cargo error.
"""

from __future__ import annotations

import json
import re
import struct
from typing import Any

from werkzeug.wrappers import Response

from .. import bounded
from ..backend.formats import CARGO
from . import storage
from .base import ProtocolError, RepoRequest, json_response

FORMAT = CARGO  # the record this endpoint serves (backend/formats.py)

# crates.io's rules for names: ASCII alphanumerics, "-" and "_", starting with a letter, at most 64 characters.
_CRATE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_MAX_METADATA_BYTES = 8 * 1024 * 1024


def render_error(status: int, message: str, headers: dict[str, str]) -> Response:
    """Cargo shows ``errors[].detail`` of a JSON error body (registry web API)."""
    return json_response(status, {"errors": [{"detail": message}]}, headers)


def handle(req: RepoRequest) -> Response:
    method = req.request.method
    seg = req.segments
    if method in ("GET", "HEAD"):
        if seg == ["config.json"]:
            return _config(req)
        if len(seg) == 6 and seg[:3] == ["api", "v1", "crates"] and seg[5] == "download":
            return _download(req, seg[3], seg[4])
        name = index_name(seg)
        if name is not None:
            return _index_file(req, name)
    if seg == ["api", "v1", "crates", "new"]:
        if method == "PUT":
            return _publish(req)
        raise ProtocolError(405, f"Method {method} is not allowed here; cargo publish is PUT api/v1/crates/new")
    if len(seg) == 6 and seg[:3] == ["api", "v1", "crates"] and seg[5] in ("yank", "unyank"):
        raise ProtocolError(405, f"cargo {seg[5]} is not supported by this registry")
    if seg[:3] == ["api", "v1", "crates"]:
        raise ProtocolError(404, "This registry supports publish and download only (no search or owners)")
    raise ProtocolError(404, "Not Found")


# ------------------------------------------------------------------------------------------ the index


def index_path(name: str) -> str:
    """The index file path of a crate (cargo's registry index layout, lower-cased)."""
    n = name.lower()
    if len(n) == 1:
        return f"1/{n}"
    if len(n) == 2:
        return f"2/{n}"
    if len(n) == 3:
        return f"3/{n[0]}/{n}"
    return f"{n[:2]}/{n[2:4]}/{n}"


def index_name(seg: list[str]) -> str | None:
    """The crate name an index path asks for, or None when ``seg`` is not a well-formed index path."""
    if not seg or not _CRATE_NAME.fullmatch(seg[-1]):
        return None
    name = seg[-1]
    return name if "/".join(seg) == index_path(name) else None


def _config(req: RepoRequest) -> Response:
    base = req.base_url
    return json_response(200, {"dl": f"{base}api/v1/crates", "api": base.rstrip("/"), "auth-required": True})


def index_line(meta: dict[str, Any], cksum: str, yanked: bool = False) -> dict[str, Any]:
    """One index entry from ``cargo publish``'s metadata (renamed dependencies keep their real name in
    ``package``)."""
    deps = []
    for d in meta.get("deps") or []:
        entry: dict[str, Any] = {
            "name": d.get("explicit_name_in_toml") or d["name"],
            "req": d.get("version_req", "*"),
            "features": d.get("features") or [],
            "optional": bool(d.get("optional", False)),
            "default_features": bool(d.get("default_features", True)),
            "target": d.get("target"),
            "kind": d.get("kind") or "normal",
        }
        if d.get("registry"):
            entry["registry"] = d["registry"]
        if d.get("explicit_name_in_toml"):
            entry["package"] = d["name"]
        deps.append(entry)
    features = meta.get("features") or {}
    line: dict[str, Any] = {
        "name": meta["name"],
        "vers": meta["vers"],
        "deps": deps,
        "cksum": cksum,
        "features": features,
        "yanked": yanked,
        "links": meta.get("links"),
        "v": 2,
    }
    if meta.get("rust_version"):
        line["rust_version"] = meta["rust_version"]
    return line


def extra_key(name: str, version: str) -> str:
    return f"cargo:{name}:{version}"


def _fallback_meta(name: str, v: Any) -> dict[str, Any]:
    """An index entry's inputs for a version stored without cargo's publish metadata (seeded, or ingested from
    an external stand-in): its dependencies as CodeArtifact records them."""
    deps = []
    for d in (v.meta.dependencies if v.meta is not None else None) or []:
        kind = d.get("dependencyType") or "normal"
        deps.append(
            {
                "name": d.get("package", ""),
                "version_req": d.get("versionRequirement") or "*",
                "kind": kind if kind in ("normal", "dev", "build") else "normal",
            }
        )
    return {"name": name, "vers": v.version, "deps": deps, "features": {}}


def _index_file(req: RepoRequest, name: str) -> Response:
    lines = []
    for stored_name, v in _crate_versions(req, name):
        for asset in v.assets:
            if asset.name.endswith(".crate"):
                # Protocol extras are kept by asset content, keyed by the crate and version they were published
                # as (identical bytes may be published as several).
                meta = v.extra.get(extra_key(stored_name, v.version)) or _fallback_meta(stored_name, v)
                lines.append(json.dumps(index_line(meta, asset.sha256), separators=(",", ":")))
    if not lines:
        raise ProtocolError(404, f"Not Found: no crate '{name}' in this repository")
    return Response("\n".join(lines) + "\n", status=200, content_type="text/plain; charset=utf-8")


def _crate_versions(req: RepoRequest, name: str) -> list[tuple[str, Any]]:
    """Listable versions of the crate named ``name`` in any letter case (cargo lower-cases index paths, while the
    crate keeps the spelling it was published with), each with the crate's stored name."""
    versions = storage.listable_versions(req, None, name)
    if versions:
        return [(name, v) for v in versions]
    for stored in storage.package_names(req, None):
        if stored.lower() == name.lower() and stored != name:
            return [(stored, v) for v in storage.listable_versions(req, None, stored)]
    return []


# ---------------------------------------------------------------------------------------------- publish


def parse_publish_body(body: bytes) -> tuple[dict[str, Any], bytes]:
    """Split ``cargo publish``'s body into its JSON metadata and the ``.crate``; ValueError if malformed."""
    if len(body) < 4:
        raise ValueError("the body is too short")
    (json_len,) = struct.unpack_from("<I", body, 0)
    if json_len > _MAX_METADATA_BYTES or 4 + json_len + 4 > len(body):
        raise ValueError("the metadata length is out of range")
    raw = body[4 : 4 + json_len]
    (crate_len,) = struct.unpack_from("<I", body, 4 + json_len)
    start = 8 + json_len
    if start + crate_len != len(body):
        raise ValueError("the crate length does not match the body")
    try:
        meta = bounded.loads_json(raw, "the metadata")
    except ValueError:
        raise ValueError("the metadata is not JSON") from None
    if not isinstance(meta, dict):
        raise ValueError("the metadata is not a JSON object")
    return meta, body[start:]


def check_crate(crate: bytes) -> None:
    """A ``.crate`` is a gzip-compressed tar whose package directory holds ``Cargo.toml`` (as ``cargo package``
    makes it, and as crates.io checks); read through ``bounded``, so its caps apply and unsafe member names are
    refused. ValueError if it is not one."""
    found = bounded.read_tar(crate, lambda n: n.count("/") == 1 and n.endswith("/Cargo.toml"), compressed=True)
    if not found:
        raise ValueError("the .crate has no Cargo.toml in its package directory")


def _check_meta(meta: dict[str, Any]) -> None:
    name, vers = meta.get("name"), meta.get("vers")
    if not isinstance(name, str) or not _CRATE_NAME.fullmatch(name):
        raise ProtocolError(400, f"invalid crate name: {name!r}")
    if not isinstance(vers, str) or not _SEMVER.fullmatch(vers):
        raise ProtocolError(400, f"invalid version (not SemVer): {vers!r}")
    deps = meta.get("deps", [])
    if not isinstance(deps, list):
        raise ProtocolError(400, "deps must be a list")
    for d in deps:
        if not isinstance(d, dict) or not isinstance(d.get("name"), str) or not isinstance(d.get("version_req"), str):
            raise ProtocolError(400, "every dependency needs a name and a version_req")
        if d.get("kind", "normal") not in ("normal", "dev", "build"):
            raise ProtocolError(400, f"invalid dependency kind: {d.get('kind')!r}")
    features = meta.get("features", {})
    if not isinstance(features, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in features.values()
    ):
        raise ProtocolError(400, "features must map feature names to lists of strings")
    for key in ("links", "rust_version"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise ProtocolError(400, f"{key} must be a string")


def dependencies_of(meta: dict[str, Any]) -> list[dict[str, str]]:
    """PackageDependency entries; ``dependencyType`` is the cargo dependency kind (``normal``, ``dev``,
    ``build``) — undocumented for Cargo, chosen to mirror the manifest."""
    return [
        {"package": d["name"], "dependencyType": d.get("kind") or "normal", "versionRequirement": d["version_req"]}
        for d in meta.get("deps") or []
    ]


def _publish(req: RepoRequest) -> Response:
    try:
        meta, crate = parse_publish_body(req.body())
    except ValueError as exc:
        raise ProtocolError(400, f"invalid publish request: {exc}") from None
    _check_meta(meta)
    try:
        check_crate(crate)
    except ValueError as exc:
        raise ProtocolError(400, f"invalid .crate file: {exc}") from None
    name, vers = meta["name"], meta["vers"]
    # Build metadata is not part of a crate's identity; crates.io stores the version as given.
    filename = f"{name}-{vers}.crate"
    licenses = [{"name": meta["license"]}] if isinstance(meta.get("license"), str) and meta["license"] else None
    metadata: dict[str, Any] = {
        "summary": meta.get("description") if isinstance(meta.get("description"), str) else None,
        "readme": meta.get("readme") if isinstance(meta.get("readme"), str) else None,
        "dependencies": dependencies_of(meta),
        "home_page": meta.get("homepage") if isinstance(meta.get("homepage"), str) else None,
        "source_code_repository": meta.get("repository") if isinstance(meta.get("repository"), str) else None,
        "licenses": licenses,
        "display_name": name,
    }
    index_meta = {k: meta.get(k) for k in ("name", "vers", "deps", "features", "links", "rust_version")}
    storage.publish(req, None, name, vers, filename, crate, metadata, extra={extra_key(name, vers): index_meta})
    return json_response(200, {"warnings": {"invalid_categories": [], "invalid_badges": [], "other": []}})


def _download(req: RepoRequest, name: str, version: str) -> Response:
    if not _CRATE_NAME.fullmatch(name) or not _SEMVER.fullmatch(version):
        raise ProtocolError(404, "Not Found")
    filename = f"{name}-{version}.crate"
    asset = storage.fetch_asset(req, None, name, version, filename)
    return Response(
        asset.content,
        status=200,
        headers={"Content-Length": str(asset.size), "ETag": f'"{asset.sha256}"'},
        content_type="application/x-tar",
    )
