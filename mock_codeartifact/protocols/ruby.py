"""ruby: ``gem push``, the dependency API, and what ``gem install`` (RubyGems 3.x up to 3.5.18) reads.

Routes under ``.../ruby/{repository}/``:

- ``POST api/v1/gems`` — ``gem push``: the body is the ``.gem`` (a tar holding ``metadata.gz``, the YAML gemspec,
  and ``data.tar.gz``). Name, version, platform, summary, licenses, homepage, dependencies and the README come
  from the gem itself. The token comes as the bare ``Authorization`` header (``GEM_HOST_API_KEY``).
- ``GET api/v1/dependencies?gems=a,b`` — the dependency API Bundler uses (CodeArtifact's only index API): Ruby
  ``Marshal`` of ``[{name:, number:, platform:, dependencies: [[name, requirement]]}]``; ``.json`` gives JSON.
- ``GET gems/{name}-{version}[-{platform}].gem`` — the gem file.
- ``HEAD/GET /``, ``GET info/{name}`` and ``GET quick/Marshal.4.8/{name}-{version}.gemspec.rz`` — what
  ``gem install`` of RubyGems up to 3.5.18 fetches (it probes the source root, reads the per-gem info file and
  the gemspec). AWS documents that ``gem install`` works with these RubyGems versions and that the compact
  index ``versions`` file and the ``specs.4.8.gz`` indexes are not served; neither are they here.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import yaml
from werkzeug.wrappers import Response

from .. import bounded
from ..backend.formats import RUBY
from . import ruby_marshal, storage
from .base import ProtocolError, RepoRequest, json_response, safe_name, text_response
from .ruby_marshal import PURE_RUBY

FORMAT = RUBY  # the record this endpoint serves (backend/formats.py)

_GEM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_GEM_VERSION = re.compile(r"[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z.-]+)?")
_MAX_DEPENDENCY_GEMS = 200


def render_error(status: int, message: str, headers: dict[str, str]) -> Response:
    return text_response(status, message + "\n", headers)


def handle(req: RepoRequest) -> Response:
    method = req.request.method
    seg = req.segments
    if seg == [""]:
        if method in ("GET", "HEAD"):
            return text_response(200, "")
        raise ProtocolError(405, f"Method {method} is not allowed here")
    if seg[:3] == ["api", "v1", "gems"] and len(seg) == 3:
        if method == "POST":
            return _push(req)
        raise ProtocolError(405, f"Method {method} is not allowed here; gem push is POST api/v1/gems")
    if seg[:2] == ["api", "v1"] and len(seg) == 3 and seg[2] in ("dependencies", "dependencies.json"):
        if method in ("GET", "HEAD"):
            return _dependencies(req, as_json=seg[2].endswith(".json"))
    if method in ("GET", "HEAD"):
        if len(seg) == 2 and seg[0] == "gems" and seg[1].endswith(".gem"):
            return _download(req, seg[1])
        if len(seg) == 2 and seg[0] == "info":
            return _info(req, seg[1])
        if len(seg) == 3 and seg[:2] == ["quick", "Marshal.4.8"] and seg[2].endswith(".gemspec.rz"):
            return _quick_spec(req, seg[2][: -len(".gemspec.rz")])
    raise ProtocolError(404, "Not Found")


# ----------------------------------------------------------------------------------- reading a .gem


@dataclass
class GemSpec:
    name: str
    version: str
    platform: str = PURE_RUBY
    summary: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    email: Any = None
    homepage: str | None = None
    licenses: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    date: str | None = None
    # (name, [(op, version)], "runtime" | "development")
    dependencies: list[tuple[str, list[tuple[str, str]], str]] = field(default_factory=list)
    required_ruby_version: list[tuple[str, str]] = field(default_factory=list)
    required_rubygems_version: list[tuple[str, str]] = field(default_factory=list)
    rubygems_version: str | None = None
    specification_version: int | None = None
    readme: str | None = None

    @property
    def full_name(self) -> str:
        return (
            f"{self.name}-{self.version}"
            if self.platform in (PURE_RUBY, "")
            else f"{self.name}-{self.version}-{self.platform}"
        )


class _GemLoader(bounded.YamlLoader):
    """A safe, bounded YAML loader that reads the ``!ruby/object:...`` tags of a gemspec as plain mappings.

    RubyGems writes anchors and aliases for objects a gemspec shares (a dependency's ``requirement`` and
    ``version_requirements``), so aliases are allowed; ``bounded.YamlLoader`` counts what they expand to."""


def _ruby_object(loader: bounded.YamlLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        data = loader.construct_mapping(node, deep=True)
        data["__class__"] = suffix
        return data
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_GemLoader.add_multi_constructor("!ruby/", _ruby_object)
# Symbols (":runtime") are plain strings here.


def _scalar(value: Any) -> str | None:
    """A YAML scalar as text; None for a mapping or sequence, whose text (shared aliased parts included) could be
    far larger than the document."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _all_text(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _requirement(value: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for item in value.get("requirements") or []:
            if isinstance(item, list) and len(item) == 2:
                op, ver = item
                ver = _scalar(ver.get("version") if isinstance(ver, dict) else ver)
                if _scalar(op) is not None and ver is not None:
                    out.append((str(op), ver))
    return out


def requirement_text(reqs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{op} {v}" for op, v in reqs) or ">= 0"


def parse_gemspec_yaml(text: bytes) -> GemSpec:
    doc = bounded.load_yaml(text, _GemLoader, "the gem's metadata")
    if not isinstance(doc, dict):
        raise ValueError("the gem's metadata is not a Gem::Specification")
    name, version = doc.get("name"), doc.get("version")
    if isinstance(version, dict):
        version = version.get("version")
    version = _scalar(version)
    if not isinstance(name, str) or version is None:
        raise ValueError("the gemspec has no name or version")
    spec = GemSpec(name=name, version=version)
    spec.platform = _scalar(doc.get("platform")) or PURE_RUBY
    for attr in ("summary", "description", "homepage"):
        setattr(spec, attr, _scalar(doc.get(attr)))
    authors = doc.get("authors")
    spec.authors = [a for a in map(_scalar, authors) if a is not None] if isinstance(authors, list) else []
    email = doc.get("email")
    spec.email = email if isinstance(email, str) or _all_text(email) else None
    lic = doc.get("licenses")
    spec.licenses = [x for x in map(_scalar, lic) if x is not None] if isinstance(lic, list) else []
    meta = doc.get("metadata")
    pairs = meta.items() if isinstance(meta, dict) else ()
    spec.metadata = {str(k): v for k, v in ((k, _scalar(v)) for k, v in pairs) if v is not None and _scalar(k)}
    date = _scalar(doc.get("date"))
    spec.date = date[:10] if date is not None else None
    for dep in doc.get("dependencies") or []:
        if not isinstance(dep, dict) or not isinstance(dep.get("name"), str):
            continue
        kind = (_scalar(dep.get("type")) or ":runtime").lstrip(":")
        reqs = _requirement(dep.get("requirement") or dep.get("version_requirements"))
        spec.dependencies.append((dep["name"], reqs, kind))
    spec.required_ruby_version = _requirement(doc.get("required_ruby_version"))
    spec.required_rubygems_version = _requirement(doc.get("required_rubygems_version"))
    rv = doc.get("rubygems_version")
    spec.rubygems_version = _scalar(rv)
    sv = doc.get("specification_version")
    spec.specification_version = sv if isinstance(sv, int) else None
    return spec


def read_gem(content: bytes) -> GemSpec:
    """The gemspec of a ``.gem`` (and its README, if the gem ships one at its top level), read through
    ``bounded``: ValueError if invalid, ``bounded.LimitExceeded`` above a cap."""
    members = bounded.tar_views(content, lambda n: n in ("metadata.gz", "data.tar.gz"))
    raw = members.get("metadata.gz")
    if raw is None:
        raise ValueError("not a gem: no metadata.gz")
    spec = parse_gemspec_yaml(bounded.gunzip(raw, "the gem's metadata (metadata.gz, decompressed)"))
    data = members.get("data.tar.gz")
    if data is not None:
        spec.readme = _readme(data)
    return spec


def _readme(data_tar_gz: bytes | memoryview) -> str | None:
    """The gem's top-level README (``README``, ``README.md``, ``README.rdoc``...), if any. Whether CodeArtifact
    shows a README for Ruby gems is undocumented; the mock returns the one the gem ships."""
    found = {"readme": False}

    def wanted(name: str) -> bool:
        base = name.lstrip("./")
        if found["readme"] or "/" in base or not base.upper().startswith("README"):
            return False
        found["readme"] = True
        return True

    try:
        members = bounded.read_tar(data_tar_gz, wanted, compressed=True)
    except ValueError:  # the gem's files are not the mock's business; a cap hit still refuses the push
        return None
    return next((v.decode("utf-8", errors="replace") for v in members.values()), None)


def dependencies_of(spec: GemSpec) -> list[dict[str, str]]:
    """PackageDependency entries: ``dependencyType`` is the gemspec's dependency type (``runtime`` or
    ``development``) — undocumented for Ruby, chosen to mirror the gemspec."""
    return [
        {"package": name, "dependencyType": kind, "versionRequirement": requirement_text(reqs)}
        for name, reqs, kind in spec.dependencies
    ]


# ----------------------------------------------------------------------------------------------- push


def _push(req: RepoRequest) -> Response:
    content = req.body()
    if not content:
        raise ProtocolError(400, "The request body must be a .gem file")
    try:
        spec = read_gem(content)
    except ValueError as exc:
        raise ProtocolError(422, f"Invalid gem: {exc}") from None
    if not _GEM_NAME.fullmatch(spec.name) or not _GEM_VERSION.fullmatch(spec.version) or not safe_name(spec.platform):
        raise ProtocolError(422, f"Invalid gem name, version or platform: {spec.name} {spec.version} {spec.platform}")
    filename = spec.full_name + ".gem"
    metadata: dict[str, Any] = {
        "summary": spec.summary,
        "readme": spec.readme,
        "dependencies": dependencies_of(spec),
        "home_page": spec.homepage or spec.metadata.get("homepage_uri"),
        "source_code_repository": spec.metadata.get("source_code_uri"),
        "licenses": [{"name": x} for x in spec.licenses] or None,
        "display_name": spec.name,
    }
    storage.publish(req, None, spec.name, spec.version, filename, content, metadata)
    return text_response(200, f"Successfully registered gem: {spec.name} ({spec.version})")


# ---------------------------------------------------------------------------------------------- reads

_SPEC_CACHE: dict[str, GemSpec] = {}


def _spec_of(asset: Any) -> GemSpec | None:
    """The gemspec of a stored ``.gem`` asset, cached by content hash (assets never change)."""
    spec = _SPEC_CACHE.get(asset.sha256)
    if spec is None:
        try:
            spec = read_gem(asset.content)
        except (ValueError, bounded.LimitExceeded):
            return None
        if len(_SPEC_CACHE) > 4096:
            _SPEC_CACHE.clear()
        _SPEC_CACHE[asset.sha256] = spec
    return spec


def _gems(req: RepoRequest, name: str) -> list[tuple[Any, GemSpec]]:
    """(asset, spec) of every listable ``.gem`` of ``name``, in version order."""
    out: list[tuple[Any, GemSpec]] = []
    for v in storage.listable_versions(req, None, name):
        for asset in v.assets:
            if asset.name.endswith(".gem"):
                spec = _spec_of(asset)
                if spec is not None:
                    out.append((asset, spec))
    return out


def _dependencies(req: RepoRequest, as_json: bool) -> Response:
    raw = req.request.args.get("gems", "")
    names = [n for n in (x.strip() for x in raw.split(",")) if n]
    if len(names) > _MAX_DEPENDENCY_GEMS:
        raise ProtocolError(422, f"Too many gems requested (at most {_MAX_DEPENDENCY_GEMS})")
    rows: list[dict[str, Any]] = []
    for name in dict.fromkeys(names):
        if not _GEM_NAME.fullmatch(name):
            continue
        for _asset, spec in _gems(req, name):
            rows.append(
                {
                    "name": spec.name,
                    "number": spec.version,
                    "platform": spec.platform,
                    "dependencies": [[n, requirement_text(r)] for n, r, k in spec.dependencies if k == "runtime"],
                }
            )
    if as_json:
        return json_response(200, rows)
    sym = ruby_marshal.Symbol
    body = ruby_marshal.dumps([{sym(k): v for k, v in row.items()} for row in rows])
    return Response(body, status=200, content_type="application/octet-stream")


def _info(req: RepoRequest, name: str) -> Response:
    """The compact-index ``info/{name}`` file (``VERSION[-PLATFORM] DEP:REQ&REQ,...|checksum:SHA256,ruby:REQ``)."""
    if not _GEM_NAME.fullmatch(name):
        raise ProtocolError(404, "Not Found")
    gems = _gems(req, name)
    if not gems:
        raise ProtocolError(404, f"Not Found: no gem '{name}' in this repository")
    lines = ["---"]
    for asset, spec in gems:
        number = spec.version if spec.platform == PURE_RUBY else f"{spec.version}-{spec.platform}"
        deps = ",".join(
            f"{n}:{'&'.join(f'{op} {v}' for op, v in r) or '>= 0'}" for n, r, k in spec.dependencies if k == "runtime"
        )
        extra = [f"checksum:{asset.sha256}"]
        if spec.required_ruby_version:
            extra.append("ruby:" + "&".join(f"{op} {v}" for op, v in spec.required_ruby_version))
        if spec.required_rubygems_version:
            extra.append("rubygems:" + "&".join(f"{op} {v}" for op, v in spec.required_rubygems_version))
        lines.append(f"{number} {deps}|{','.join(extra)}")
    return Response("\n".join(lines) + "\n", status=200, content_type="text/plain; charset=utf-8")


def _find(req: RepoRequest, full_name: str) -> tuple[storage.StoredAsset, GemSpec]:
    """The stored ``.gem`` whose ``name-version[-platform]`` is ``full_name`` (Published or Unlisted, from this
    repository or its upstreams). Gem names may contain "-": every split point is tried, longest name first."""
    filename = full_name + ".gem"
    parts = full_name.split("-")
    for i in range(len(parts) - 1, 0, -1):
        name = "-".join(parts[:i])
        if not _GEM_NAME.fullmatch(name):
            continue
        # The version is the next part; anything after it is the platform.
        for j in range(len(parts), i, -1):
            version = "-".join(parts[i:j])
            if not _GEM_VERSION.fullmatch(version):
                continue
            try:
                asset = storage.fetch_asset(req, None, name, version, filename)
            except ProtocolError:
                continue
            spec = _spec_of(asset)
            if spec is not None and spec.full_name == full_name:
                return asset, spec
    raise ProtocolError(404, f"Not Found: {filename}")


def _download(req: RepoRequest, filename: str) -> Response:
    if not safe_name(filename):
        raise ProtocolError(404, "Not Found")
    asset, _spec = _find(req, filename[: -len(".gem")])
    return Response(
        asset.content,
        status=200,
        headers={"Content-Length": str(asset.size), "Content-Disposition": f"attachment; filename={quote(asset.name)}"},
        content_type="application/octet-stream",
    )


def _quick_spec(req: RepoRequest, full_name: str) -> Response:
    if not safe_name(full_name):
        raise ProtocolError(404, "Not Found")
    _asset, spec = _find(req, full_name)
    payload = ruby_marshal.gem_specification(
        {
            "name": spec.name,
            "version": spec.version,
            "platform": spec.platform,
            "summary": spec.summary,
            "date": spec.date,
            "authors": spec.authors,
            "email": spec.email if isinstance(spec.email, str | list) else None,
            "description": spec.description,
            "homepage": spec.homepage,
            "licenses": spec.licenses,
            "metadata": spec.metadata,
            "required_ruby_version": spec.required_ruby_version,
            "required_rubygems_version": spec.required_rubygems_version,
            "dependencies": spec.dependencies,
            "rubygems_version": spec.rubygems_version,
            "specification_version": spec.specification_version,
        }
    )
    return Response(zlib.compress(payload), status=200, content_type="application/octet-stream")
