"""nuget: the NuGet V3 protocol — service index, flat container, registration, and PackagePublish.

Routes under ``.../nuget/{repository}/`` (clients are pointed at ``<endpoint>v3/index.json``):

- ``GET v3/index.json`` — the service index: ``PackageBaseAddress/3.0.0`` (``v3/package/``),
  ``RegistrationsBaseUrl`` in its versioned flavours (``v3/registrations/``) and ``PackagePublish/2.0.0``
  (``v3/package``).
- ``GET v3/package/{id}/index.json`` — versions (lower-cased, normalized); ``.../{ver}/{id}.{ver}.nupkg`` and
  ``.../{ver}/{id}.nuspec``.
- ``GET v3/registrations/{id}/index.json`` — the registration index with its one page inlined;
  ``v3/registrations/{id}/{ver}.json`` — a registration leaf.
- ``PUT v3/package`` — ``nuget push``: multipart/form-data with the ``.nupkg``; 201 Created, 409 if that version
  exists with other content.

Names are lower-cased and versions normalized as NuGet does (user guide, nuget-name-normalization); the
``.nupkg`` asset is named ``{id}.{version}.nupkg`` from the normalized id and version. Metadata and dependencies
come from the ``.nuspec`` inside the package; NuGet dependencies carry no ``dependencyType`` (AWS documents
none). dotnet and nuget cannot run on the development machine: these routes are tested over HTTP against
Microsoft's V3 protocol documentation.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from .. import bounded
from ..backend.formats import NUGET, normalize_nuget_version
from . import storage
from .base import ProtocolError, RepoRequest, json_response, safe_name

FORMAT = NUGET  # the record this endpoint serves (backend/formats.py)

_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
_VERSION = re.compile(r"\d+(?:\.\d+){1,3}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
_CONTEXT = {"@vocab": "http://schema.nuget.org/schema#"}


def render_error(status: int, message: str, headers: dict[str, str]) -> Response:
    return json_response(status, {"error": message}, headers)


def handle(req: RepoRequest) -> Response:
    method = req.request.method
    seg = req.segments
    if seg[:1] != ["v3"]:
        raise ProtocolError(404, "Not Found: this repository speaks NuGet V3 only; use v3/index.json")
    rest = seg[1:]
    if rest == ["index.json"] and method in ("GET", "HEAD"):
        return _service_index(req)
    if rest == ["package"] or rest == ["package", ""]:
        if method == "PUT":
            return _push(req)
        raise ProtocolError(405, f"Method {method} is not allowed here")
    if method not in ("GET", "HEAD"):
        raise ProtocolError(405, f"Method {method} is not allowed here")
    if rest[:1] == ["package"]:
        if len(rest) == 3 and rest[2] == "index.json":
            return _flat_versions(req, rest[1])
        if len(rest) == 4:
            return _flat_file(req, rest[1], rest[2], rest[3])
    if rest[:1] == ["registrations"]:
        if len(rest) == 3 and rest[2] == "index.json":
            return _registration_index(req, rest[1])
        if len(rest) == 3 and rest[2].endswith(".json"):
            return _registration_leaf(req, rest[1], rest[2][: -len(".json")])
    raise ProtocolError(404, "Not Found")


# ---------------------------------------------------------------------------------------------- nuspec


@dataclass
class Nuspec:
    id: str
    version: str
    description: str | None = None
    authors: str | None = None
    title: str | None = None
    project_url: str | None = None
    repository_url: str | None = None
    license: str | None = None
    license_url: str | None = None
    readme_path: str | None = None
    tags: str | None = None
    # [(targetFramework or "", [(id, range)])]
    dependency_groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el: ET.Element | None, name: str) -> str | None:
    c = _child(el, name)
    return c.text.strip() if c is not None and c.text and c.text.strip() else None


def parse_nuspec(data: bytes) -> Nuspec:
    """The nuspec's metadata, parsed by ``bounded.parse_xml`` (no DTD or entities in any encoding; capped)."""
    root = bounded.parse_xml(data, "the nuspec")
    meta = _child(root, "metadata")
    if _local(root.tag) != "package" or meta is None:
        raise ValueError("the nuspec has no <package><metadata>")
    pid, version = _text(meta, "id"), _text(meta, "version")
    if not pid or not version:
        raise ValueError("the nuspec has no id or version")
    spec = Nuspec(id=pid, version=version)
    spec.description = _text(meta, "description")
    spec.authors = _text(meta, "authors")
    spec.title = _text(meta, "title")
    spec.project_url = _text(meta, "projectUrl")
    spec.tags = _text(meta, "tags")
    spec.readme_path = _text(meta, "readme")
    repo = _child(meta, "repository")
    if repo is not None and repo.get("url"):
        spec.repository_url = repo.get("url")
    lic = _child(meta, "license")
    if lic is not None and lic.text and lic.get("type", "expression") == "expression":
        spec.license = lic.text.strip()
    spec.license_url = _text(meta, "licenseUrl")
    deps = _child(meta, "dependencies")
    if deps is not None:
        flat: list[tuple[str, str]] = []
        for c in deps:
            if _local(c.tag) == "group":
                items = [
                    (d.get("id", ""), d.get("version", "")) for d in c if _local(d.tag) == "dependency" and d.get("id")
                ]
                spec.dependency_groups.append((c.get("targetFramework", ""), items))
            elif _local(c.tag) == "dependency" and c.get("id"):
                flat.append((c.get("id", ""), c.get("version", "")))
        if flat:
            spec.dependency_groups.insert(0, ("", flat))
    return spec


def read_nupkg(content: bytes) -> tuple[Nuspec, str | None]:
    """The ``.nuspec`` of a ``.nupkg`` (a zip with one ``*.nuspec`` at its root) and the README it names, read
    through ``bounded`` (ValueError if invalid, ``bounded.LimitExceeded`` above a cap)."""
    with bounded.open_zip(content) as zf:
        names = [n for n in zf.names if "/" not in n and n.lower().endswith(".nuspec")]
        if len(names) != 1:
            raise ValueError(f"expected one .nuspec at the package root, found {len(names)}")
        spec = parse_nuspec(zf.read(names[0]))
        readme = None
        if spec.readme_path:
            wanted = spec.readme_path.replace("\\", "/").lstrip("/")
            bounded.check_member_name(wanted, "readme")
            for n in zf.names:
                if n.lower() == wanted.lower():
                    readme = zf.read(n).decode("utf-8", errors="replace")
                    break
        return spec, readme


def nuspec_bytes(content: bytes) -> bytes:
    with bounded.open_zip(content) as zf:
        name = next(n for n in zf.names if "/" not in n and n.lower().endswith(".nuspec"))
        return zf.read(name)


def dependencies_of(spec: Nuspec) -> list[dict[str, str]]:
    """PackageDependency entries, one per distinct (id, range) across target frameworks. No dependencyType:
    AWS documents that NuGet dependencies never have one."""
    seen: dict[tuple[str, str], None] = {}
    for _fw, items in spec.dependency_groups:
        for did, rng in items:
            seen.setdefault((did, rng), None)
    out = []
    for did, rng in seen:
        entry = {"package": did.lower()}
        if rng:
            entry["versionRequirement"] = rng
        out.append(entry)
    return out


# ------------------------------------------------------------------------------------------------ reads


def _service_index(req: RepoRequest) -> Response:
    base = req.base_url + "v3/"
    resources = [
        {"@id": base + "package/", "@type": "PackageBaseAddress/3.0.0", "comment": "Flat container"},
        {"@id": base + "package", "@type": "PackagePublish/2.0.0", "comment": "Push and delete"},
    ]
    for flavour in (
        "RegistrationsBaseUrl",
        "RegistrationsBaseUrl/3.0.0-beta",
        "RegistrationsBaseUrl/3.0.0-rc",
        "RegistrationsBaseUrl/3.4.0",
        "RegistrationsBaseUrl/3.6.0",
    ):
        resources.append({"@id": base + "registrations/", "@type": flavour, "comment": "Package metadata"})
    return json_response(200, {"version": "3.0.0", "resources": resources, "@context": _CONTEXT})


def _versions(req: RepoRequest, lower_id: str) -> list[Any]:
    if not _ID.fullmatch(lower_id):
        raise ProtocolError(404, "Not Found")
    return storage.listable_versions(req, None, lower_id.lower())


def _flat_versions(req: RepoRequest, pid: str) -> Response:
    versions = _versions(req, pid)
    if not versions:
        raise ProtocolError(404, f"Not Found: no package '{pid.lower()}' in this repository")
    return json_response(200, {"versions": [v.version.lower() for v in versions]})


def _flat_file(req: RepoRequest, pid: str, version: str, filename: str) -> Response:
    lower_id = pid.lower()
    if not _ID.fullmatch(pid) or not _VERSION.fullmatch(version) or not safe_name(filename):
        raise ProtocolError(404, "Not Found")
    norm = normalize_nuget_version(version).lower()
    asset_name = f"{lower_id}.{norm}.nupkg"
    if filename.lower() == asset_name:
        asset = storage.fetch_asset(req, None, lower_id, _stored_version(req, lower_id, norm), asset_name)
        return Response(
            asset.content,
            status=200,
            headers={"Content-Length": str(asset.size)},
            content_type="application/octet-stream",
        )
    if filename.lower() == f"{lower_id}.nuspec":
        asset = storage.fetch_asset(req, None, lower_id, _stored_version(req, lower_id, norm), asset_name)
        return Response(nuspec_bytes(asset.content), status=200, content_type="application/xml")
    raise ProtocolError(404, "Not Found")


def _stored_version(req: RepoRequest, lower_id: str, lower_version: str) -> str:
    """The stored spelling of a version NuGet asks for in lower case (``1.0.0-Beta`` is stored as published)."""
    for v in storage.listable_versions(req, None, lower_id):
        if v.version.lower() == lower_version:
            return v.version
    return lower_version


_SPEC_CACHE: dict[str, Nuspec | None] = {}


def _nuspec_of(asset: Any) -> Nuspec | None:
    """The nuspec of a stored ``.nupkg``, cached by content hash (assets never change)."""
    if asset.sha256 not in _SPEC_CACHE:
        if len(_SPEC_CACHE) > 4096:
            _SPEC_CACHE.clear()
        try:
            _SPEC_CACHE[asset.sha256] = read_nupkg(asset.content)[0]
        except (ValueError, bounded.LimitExceeded):
            _SPEC_CACHE[asset.sha256] = None
    return _SPEC_CACHE[asset.sha256]


def _leaf(req: RepoRequest, lower_id: str, v: Any) -> dict[str, Any]:
    base = req.base_url + "v3/"
    lv = v.version.lower()
    asset = next((a for a in v.assets if a.name.endswith(".nupkg")), None)
    spec = _nuspec_of(asset) if asset is not None else None
    entry: dict[str, Any] = {
        "@id": f"{base}registrations/{quote(lower_id)}/{quote(lv)}.json",
        "@type": "PackageDetails",
        "id": spec.id if spec else lower_id,
        "version": v.version,
        "listed": True,
        "packageContent": f"{base}package/{quote(lower_id)}/{quote(lv)}/{quote(lower_id)}.{quote(lv)}.nupkg",
        "published": v.published.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if v.published else None,
    }
    if spec is not None:
        entry.update(
            {
                "description": spec.description or "",
                "authors": spec.authors or "",
                "title": spec.title or "",
                "projectUrl": spec.project_url or "",
                "licenseExpression": spec.license or "",
                "licenseUrl": spec.license_url or "",
                "tags": (spec.tags or "").split(),
                "dependencyGroups": [
                    {
                        "@id": f"{base}registrations/{quote(lower_id)}/{quote(lv)}.json#dependencygroup/{quote(fw.lower())}",
                        "@type": "PackageDependencyGroup",
                        **({"targetFramework": fw} if fw else {}),
                        "dependencies": [
                            {"@type": "PackageDependency", "id": did, "range": rng or "(, )"} for did, rng in items
                        ],
                    }
                    for fw, items in spec.dependency_groups
                ],
            }
        )
    return {
        "@id": f"{base}registrations/{quote(lower_id)}/{quote(lv)}.json",
        "@type": "Package",
        "catalogEntry": {k: val for k, val in entry.items() if val is not None},
        "packageContent": entry["packageContent"],
        "registration": f"{base}registrations/{quote(lower_id)}/index.json",
    }


def _registration_index(req: RepoRequest, pid: str) -> Response:
    lower_id = pid.lower()
    versions = _versions(req, pid)
    if not versions:
        raise ProtocolError(404, f"Not Found: no package '{lower_id}' in this repository")
    base = req.base_url + "v3/"
    items = [_leaf(req, lower_id, v) for v in versions]
    page = {
        "@id": f"{base}registrations/{quote(lower_id)}/index.json#page/{versions[0].version.lower()}/{versions[-1].version.lower()}",
        "@type": "catalog:CatalogPage",
        "count": len(items),
        "lower": versions[0].version.lower(),
        "upper": versions[-1].version.lower(),
        "items": items,
    }
    body = {
        "@id": f"{base}registrations/{quote(lower_id)}/index.json",
        "@type": ["catalog:CatalogRoot", "PackageRegistration", "catalog:Permalink"],
        "count": 1,
        "items": [page],
        "@context": _CONTEXT,
    }
    return json_response(200, body)


def _registration_leaf(req: RepoRequest, pid: str, version: str) -> Response:
    lower_id = pid.lower()
    norm = normalize_nuget_version(version).lower()
    for v in _versions(req, pid):
        if v.version.lower() == norm:
            leaf = _leaf(req, lower_id, v)
            body = {
                "@id": leaf["@id"],
                "@type": ["Package", "http://schema.nuget.org/catalog#Permalink"],
                "listed": True,
                "packageContent": leaf["packageContent"],
                "published": leaf["catalogEntry"].get("published"),
                "registration": leaf["registration"],
                "@context": _CONTEXT,
            }
            return json_response(200, body)
    raise ProtocolError(404, "Not Found")


# ------------------------------------------------------------------------------------------------ push


def _push(req: RepoRequest) -> Response:
    ctype = req.request.mimetype
    if ctype == "multipart/form-data":
        _form, files = req.form()
        if not files:
            raise ProtocolError(400, "The multipart body carries no package file")
        content = next(iter(files.values())).read()
    else:
        content = req.body()  # some clients send the raw .nupkg
    if not content:
        raise ProtocolError(400, "The request carries no package")
    try:
        spec, readme = read_nupkg(content)
    except ValueError as exc:
        raise ProtocolError(400, f"Invalid package: {exc}") from None
    if not _ID.fullmatch(spec.id) or not _VERSION.fullmatch(spec.version):
        raise ProtocolError(400, f"Invalid package id or version: {spec.id} {spec.version}")
    lower_id = spec.id.lower()
    version = normalize_nuget_version(spec.version)
    asset_name = f"{lower_id}.{version.lower()}.nupkg"
    metadata: dict[str, Any] = {
        "summary": spec.description,
        "readme": readme,
        "dependencies": dependencies_of(spec),
        "home_page": spec.project_url,
        "source_code_repository": spec.repository_url,
        "licenses": [{"name": spec.license}]
        if spec.license
        else ([{"name": spec.license_url, "url": spec.license_url}] if spec.license_url else None),
        # DescribePackageVersion's displayName is the non-normalized name (user guide).
        "display_name": spec.id,
    }
    # Publishing NuGet packages needs ReadFromRepository on the repository besides PublishPackageVersion on the
    # package (user guide, "Packages overview: publishing permissions").
    storage.authorize(req, storage.PUBLISH, None, lower_id)
    storage.authorize(req, storage.READ)
    # NuGet's publish protocol: "409 Conflict: a package with the provided ID and version already exists".
    if storage.has_version(req, None, lower_id, version):
        raise ProtocolError(409, f"Package {spec.id} {version} already exists in this repository")
    storage.publish(req, None, lower_id, version, asset_name, content, metadata)
    return Response(b"", status=201)
