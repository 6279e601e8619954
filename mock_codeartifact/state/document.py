"""The export format: the whole state as one JSON document, asset bytes beside it by SHA-256.

Version 1 (documented in docs/state.md)::

    {"format": "mock-codeartifact-state", "formatVersion": 1, "exportedAt": "...",
     "states": [{"account", "region", "tokens": [...], "domains": [
         {"name", "owner", "region", "encryptionKey", "createdTime", "status", "assetSizeBytes", "policy", "tags",
          "packageGroups": null | [...], "repositories": [
              {"name", "administratorAccount", "createdTime", "description", "upstreams", "externalConnections",
               "policy", "tags", "packages": [
                   {"format", "namespace", "name", "publish", "upstream", "distTags", "versions": [
                       {"version", "status", "revision", "publishedTime", "seq", "originType",
                        "entryRepository", "entryConnection", "assets": [[name, sha256]], "meta": {...}}]}]}]}]}],
     "assets": {sha256: {"size": n}},
     "extensions": {"external-registries": [...], "protocol-extra": [...], "npm-deprecated": {...}}}

``to_document`` reads a ``Snapshot`` (so nothing is locked while writing); ``from_document`` checks the whole
document and builds a new ``Snapshot`` from it, raising ``StateFormatError`` before anything is installed. The
per-entity functions (``domain_entry``, ``version_entry``, ...) are shared with the persistent store, which
keeps the same entries as rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..backend import RegionState
from ..backend.assets import Blob
from ..backend.catalog import ALLOW, BLOCK, Meta, Package, PackageTable, PackageVersion, reserve_sequence
from ..backend.coordinates import FORMATS, Coordinate
from ..backend.entities import EXTERNAL_CONNECTIONS, AuthToken, Domain, Policy, Repository, TagSet
from ..backend.external import ExternalRegistry, ExternalVersion
from ..backend.extras import Extras
from ..backend.group_patterns import ROOT, parse
from ..backend.ingest import ORIGIN_TYPES
from ..backend.package_groups import RESTRICTION_TYPES, GroupRegistry, PackageGroup
from ..errors import CodeArtifactError
from ..protocols.external import fill_from_assets
from .snapshot import Snapshot, StateKey

FORMAT_NAME = "mock-codeartifact-state"
FORMAT_VERSION = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")
_STATUSES = ("Published", "Unfinished", "Unlisted", "Archived", "Disposed", "Deleted")
_GROUP_MODES = ("ALLOW", "BLOCK", "ALLOW_SPECIFIC_REPOSITORIES", "INHERIT")
# The members of "extensions": the document's names of the fields of ``backend.extras.Extras`` (the one place
# they are spelled; the persistent store builds this document from its rows too).
EXTERNAL_KEY = "external-registries"
ASSET_DATA_KEY = "protocol-extra"
NPM_DEPRECATIONS_KEY = "npm-deprecated"
META_FIELDS = {
    "summary": "summary",
    "displayName": "display_name",
    "homePage": "home_page",
    "sourceCodeRepository": "source_code_repository",
    "licenses": "licenses",
    "readme": "readme",
    "dependencies": "dependencies",
}


class StateFormatError(ValueError):
    """An exported state that cannot be imported: malformed, inconsistent, or of a newer format version."""


# --------------------------------------------------------------------------- writing


def _time(value: dt.datetime) -> str:
    return value.isoformat()


def _policy(policy: Policy | None) -> dict[str, str] | None:
    if policy is None:
        return None
    return {"resourceArn": policy.resource_arn, "revision": policy.revision, "document": policy.document}


def meta_entry(meta: Meta) -> dict[str, Any]:
    return {key: getattr(meta, attr) for key, attr in META_FIELDS.items() if getattr(meta, attr) is not None}


def version_entry(pv: PackageVersion) -> dict[str, Any]:
    return {
        "version": pv.version,
        "status": pv.status,
        "revision": pv.revision,
        "publishedTime": _time(pv.published),
        "seq": pv.seq,
        "originType": pv.origin_type,
        "entryRepository": pv.entry_repository,
        "entryConnection": pv.entry_connection,
        "assets": [[name, blob.sha256] for name, blob in pv.assets.items()],
        "meta": meta_entry(pv.meta),
    }


def package_entry(pkg: Package) -> dict[str, Any]:
    """A package without its versions."""
    return {
        "format": pkg.format,
        "namespace": pkg.namespace,
        "name": pkg.name,
        "publish": pkg.publish,
        "upstream": pkg.upstream,
        "distTags": dict(pkg.dist_tags),
    }


def repository_entry(repo: Repository) -> dict[str, Any]:
    """A repository without its packages."""
    return {
        "name": repo.name,
        "administratorAccount": repo.administrator_account,
        "createdTime": _time(repo.created),
        "description": repo.description,
        "upstreams": list(repo.upstreams),
        "externalConnections": list(repo.external_connections),
        "policy": _policy(repo.policy),
        "tags": repo.tags.as_dict(),
    }


def _group_entry(group: PackageGroup) -> dict[str, Any]:
    return {
        "pattern": group.text,
        "createdTime": _time(group.created),
        "contactInfo": group.contact_info,
        "description": group.description,
        "tags": group.tags.as_dict(),
        "modes": dict(group.modes),
        "allowedRepositories": {kind: list(names) for kind, names in group.allowed.items()},
    }


def domain_entry(d: Domain) -> dict[str, Any]:
    """A domain without its repositories (package groups included)."""
    groups = d.package_groups
    return {
        "name": d.name,
        "owner": d.owner,
        "region": d.region,
        "encryptionKey": d.encryption_key,
        "createdTime": _time(d.created),
        "status": d.status,
        "assetSizeBytes": d.asset_size_bytes,  # informational: recomputed from the assets on import
        "policy": _policy(d.policy),
        "tags": d.tags.as_dict(),
        "packageGroups": [_group_entry(g) for g in groups.values()] if isinstance(groups, GroupRegistry) else None,
    }


def token_entry(token: AuthToken) -> dict[str, Any]:
    return {
        "token": token.token,
        "domain": token.domain,
        "domainOwner": token.domain_owner,
        "region": token.region,
        "expiration": _time(token.expiration),
        # Who asked for it: repository endpoints act as this principal (docs/authorization.md).
        "principalArn": token.principal_arn,
        "principalAccount": token.principal_account,
    }


def external_entries(registry: ExternalRegistry) -> Iterable[tuple[tuple[str, str, str], dict[str, Any]]]:
    """The stand-in registries, one entry per package, with the asset bytes to store beside them."""
    for connection, namespace, name, versions, tags in registry.entries():
        yield (
            (connection, namespace, name),
            {
                "connection": connection,
                "namespace": namespace,
                "name": name,
                "distTags": tags,
                "versions": [
                    {
                        "version": v.version,
                        "publishedTime": _time(v.published),
                        "assets": [[asset, hashlib.sha256(data).hexdigest()] for asset, data in v.assets.items()],
                        "meta": meta_entry(v.meta),
                    }
                    for v in versions.values()
                ],
            },
        )


def external_bytes(registry: ExternalRegistry) -> Iterable[bytes]:
    for _, _, _, versions, _ in registry.entries():
        for v in versions.values():
            yield from v.assets.values()


def asset_data_entry(fmt: str, sha: str, data: dict[str, Any]) -> dict[str, Any]:
    """One entry of ``Extras.asset_data``."""
    return {"format": fmt, "sha256": sha, "data": data}


def extension_entries(extras: Extras) -> dict[str, Any]:
    """The document's ``extensions``: the fields of ``extras`` that hold anything."""
    out: dict[str, Any] = {}
    if extras.external is not None:
        out[EXTERNAL_KEY] = [entry for _, entry in external_entries(extras.external)]
    if extras.asset_data:
        out[ASSET_DATA_KEY] = [asset_data_entry(f, sha, data) for (f, sha), data in extras.asset_data.items()]
    if extras.npm_deprecations:
        out[NPM_DEPRECATIONS_KEY] = dict(extras.npm_deprecations)
    return out


def to_document(snap: Snapshot) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The JSON document of a snapshot, and every asset's bytes by SHA-256."""
    blobs: dict[str, bytes] = {sha: blob.data for sha, blob in snap.blobs.items()}
    states = []
    for (account, region), st in sorted(snap.states.items()):
        if not st.domains and not st.tokens:
            continue
        domains = []
        for d in st.domains.values():
            entry = domain_entry(d)
            repos = []
            for repo in d.repositories.values():
                r = repository_entry(repo)
                packages = []
                for pkg in repo.packages.values():
                    p = package_entry(pkg)
                    p["versions"] = [version_entry(pv) for pv in pkg.versions.values()]
                    packages.append(p)
                r["packages"] = packages
                repos.append(r)
            entry["repositories"] = repos
            domains.append(entry)
        tokens = [token_entry(t) for t in st.tokens.values()]
        states.append({"account": account, "region": region, "domains": domains, "tokens": tokens})
    registry = snap.extras.external
    if registry is not None:
        for data in external_bytes(registry):
            blobs.setdefault(hashlib.sha256(data).hexdigest(), data)
    document = {
        "format": FORMAT_NAME,
        "formatVersion": FORMAT_VERSION,
        "exportedAt": _time(snap.taken),
        "states": states,
        "assets": {sha: {"size": len(data)} for sha, data in blobs.items()},
        "extensions": extension_entries(snap.extras),
    }
    return document, blobs


# --------------------------------------------------------------------------- reading


class _Node:
    """A JSON value with its path, for error messages that say where a document is wrong."""

    __slots__ = ("value", "path")

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def fail(self, why: str) -> StateFormatError:
        return StateFormatError(f"{self.path}: {why}")

    def get(self, key: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
        if not isinstance(self.value, dict):
            raise self.fail("expected an object")
        if key not in self.value or (optional and self.value[key] is None):
            if optional:
                return None
            raise self.fail(f"'{key}' is missing")
        value = self.value[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise StateFormatError(f"{self.path}.{key}: expected {_kind_name(kind)}")
        return value

    def child(self, key: str, kind: type = dict, *, optional: bool = False) -> _Node | None:
        value = self.get(key, kind, optional=optional)
        return None if value is None else _Node(value, f"{self.path}.{key}")

    def items(self, key: str) -> list[_Node]:
        values = self.get(key, list)
        return [_Node(v, f"{self.path}.{key}[{i}]") for i, v in enumerate(values)]

    def text(self, key: str, *, optional: bool = False, choices: Iterable[str] | None = None) -> Any:
        value = self.get(key, str, optional=optional)
        if value is not None and choices is not None and value not in choices:
            raise StateFormatError(f"{self.path}.{key}: '{value}' is not one of {', '.join(choices)}")
        return value

    def time(self, key: str) -> dt.datetime:
        raw = self.get(key, str)
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise StateFormatError(f"{self.path}.{key}: '{raw}' is not an ISO 8601 time") from None
        if value.tzinfo is None:
            raise StateFormatError(f"{self.path}.{key}: '{raw}' has no time zone")
        return value

    def strings(self, key: str) -> list[str]:
        values = self.get(key, list)
        if not all(isinstance(v, str) for v in values):
            raise StateFormatError(f"{self.path}.{key}: expected a list of strings")
        return list(values)

    def string_map(self, key: str) -> dict[str, str]:
        values = self.get(key, dict)
        if not all(isinstance(v, str) for v in values.values()):
            raise StateFormatError(f"{self.path}.{key}: expected an object of strings")
        return dict(values)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {dict: "an object", list: "a list", str: "a string", int: "an integer", bool: "true or false"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _read_policy(node: _Node, key: str) -> Policy | None:
    p = node.child(key, optional=True)
    if p is None:
        return None
    return Policy(p.text("resourceArn"), p.text("revision"), p.text("document"))


def _read_meta(node: _Node) -> Meta:
    m = node.child("meta")
    assert m is not None
    unknown = set(m.value) - set(META_FIELDS)
    if unknown:
        raise m.fail(f"unknown fields {sorted(unknown)}")
    meta = Meta()
    for key, attr in META_FIELDS.items():
        if key in ("licenses", "dependencies"):
            value = m.get(key, list, optional=True)
            if value is not None and not all(
                isinstance(x, dict) and all(isinstance(v, str) for v in x.values()) for x in value
            ):
                raise StateFormatError(f"{m.path}.{key}: expected a list of objects of strings")
        else:
            value = m.text(key, optional=True)
        setattr(meta, attr, value)
    return meta


class _Builder:
    """Builds the objects of one document, then the asset references they hold."""

    def __init__(self, load: Callable[[str], bytes]) -> None:
        self.load = load
        self.blobs: dict[str, Blob] = {}  # every content read
        self.held: dict[str, Blob] = {}  # the contents package versions hold (the asset store's)
        self.refs: dict[str, int] = {}
        self.counts: list[tuple[Any, dict[str, int]]] = []
        self.max_seq = -1
        self.sizes: dict[str, int] = {}

    def blob(self, node: _Node, sha: str) -> Blob:
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise node.fail(f"'{sha}' is not a SHA-256 in lower-case hex")
        blob = self.blobs.get(sha)
        if blob is None:
            if sha not in self.sizes:
                raise node.fail(f"asset {sha} is not listed in 'assets'")
            data = self.load(sha)
            if hashlib.sha256(data).hexdigest() != sha:
                raise node.fail(f"the bytes stored for asset {sha} do not have that SHA-256")
            if len(data) != self.sizes[sha]:
                raise node.fail(f"asset {sha} has {len(data)} bytes, not {self.sizes[sha]}")
            blob = self.blobs[sha] = Blob(data, sha)
        return blob

    def asset_list(self, node: _Node) -> list[tuple[str, Blob]]:
        out: list[tuple[str, Blob]] = []
        seen: set[str] = set()
        for item in node.items("assets"):
            pair = item.value
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and pair[0]):
                raise item.fail("expected [asset name, sha256]")
            if pair[0] in seen:
                raise item.fail(f"asset '{pair[0]}' is listed twice")
            seen.add(pair[0])
            blob = self.blob(item, pair[1])
            self.held[blob.sha256] = blob
            out.append((pair[0], blob))
        return out

    def version(self, node: _Node) -> PackageVersion:
        pv = PackageVersion(
            node.text("version"),
            node.text("status", choices=_STATUSES),
            node.time("publishedTime"),
            node.text("originType", choices=ORIGIN_TYPES),
            node.text("entryRepository", optional=True),
            node.text("entryConnection", optional=True),
            node.text("revision"),
        )
        seq = node.get("seq", int)
        if seq < 0:
            raise node.fail("'seq' must not be negative")
        pv.seq = seq
        self.max_seq = max(self.max_seq, seq)
        pv.assets = dict(self.asset_list(node))
        pv.meta = _read_meta(node)
        return pv

    def package(self, node: _Node) -> Package:
        fmt = node.text("format", choices=FORMATS)
        coord = Coordinate(fmt, node.text("namespace", optional=True), node.text("name"))
        pkg = Package(
            coord, node.text("publish", choices=(ALLOW, BLOCK)), node.text("upstream", choices=(ALLOW, BLOCK))
        )
        for item in node.items("versions"):
            pv = self.version(item)
            if pv.version in pkg.versions:
                raise item.fail(f"version '{pv.version}' is listed twice")
            pkg.add(pv)
        tags = node.string_map("distTags")
        for tag, version in tags.items():
            if version not in pkg.versions:
                raise node.fail(f"dist-tag '{tag}' names version '{version}', which the package does not have")
        pkg.dist_tags = tags
        return pkg

    def repository(self, node: _Node, d: Domain) -> Repository:
        connections = node.strings("externalConnections")
        for c in connections:
            if c not in EXTERNAL_CONNECTIONS:
                raise node.fail(f"unknown external connection '{c}'")
        repo = Repository(
            node.text("name"),
            d,
            node.text("administratorAccount"),
            node.time("createdTime"),
            node.text("description", optional=True),
            node.strings("upstreams"),
            connections,
            _read_policy(node, "policy"),
            TagSet(node.string_map("tags")),
        )
        table = PackageTable()
        for item in node.items("packages"):
            pkg = self.package(item)
            if pkg.coord.key in table:
                raise item.fail(f"package {pkg.coord.key} is listed twice")
            table.add(pkg)
        # The insertion order is the document's; the sorted index is rebuilt.
        repo.packages = PackageTable(table)
        return repo

    def groups(self, node: _Node, d: Domain) -> None:
        items = node.items("packageGroups")
        if not items or items[0].text("pattern") != ROOT:
            raise node.fail("packageGroups must start with the root group '/*'")
        registry = GroupRegistry(d)
        d.package_groups = registry
        for i, item in enumerate(items):
            text = item.text("pattern")
            modes = item.get("modes", dict)
            if set(modes) != set(RESTRICTION_TYPES) or not all(m in _GROUP_MODES for m in modes.values()):
                raise item.fail(f"modes must give one of {_GROUP_MODES} for each of {RESTRICTION_TYPES}")
            allowed_node = item.child("allowedRepositories")
            assert allowed_node is not None
            if set(allowed_node.value) != set(RESTRICTION_TYPES):
                raise allowed_node.fail(f"expected a list for each of {RESTRICTION_TYPES}")
            allowed = {kind: dict.fromkeys(allowed_node.strings(kind)) for kind in RESTRICTION_TYPES}
            if i == 0:
                group = registry.root
                if "INHERIT" in modes.values():
                    raise item.fail("the root group cannot inherit")
            else:
                if text in registry:
                    raise item.fail(f"package group '{text}' is listed twice")
                try:
                    pattern = parse(text)
                except CodeArtifactError as error:
                    raise item.fail(error.message) from None
                group = PackageGroup(pattern, d, item.time("createdTime"))
            group.created = item.time("createdTime")
            group.contact_info = item.text("contactInfo", optional=True)
            group.description = item.text("description", optional=True)
            group.tags = TagSet(item.string_map("tags"))
            group.modes = dict(modes)
            group.allowed = allowed
            if i:
                registry.add(group)

    def domain(self, node: _Node, account: str, region: str) -> Domain:
        d = Domain(
            node.text("name"),
            node.text("owner"),
            node.text("region"),
            node.text("encryptionKey"),
            node.time("createdTime"),
            policy=_read_policy(node, "policy"),
            tags=TagSet(node.string_map("tags")),
            status=node.text("status", choices=("Active", "Deleted")),
        )
        if d.owner != account or d.region != region:
            raise node.fail(f"domain '{d.name}' is listed under {account}/{region} but says {d.owner}/{d.region}")
        if node.get("packageGroups", list, optional=True) is not None:
            self.groups(node, d)
        for item in node.items("repositories"):
            repo = self.repository(item, d)
            if repo.name in d.repositories:
                raise item.fail(f"repository '{repo.name}' is listed twice")
            d.repositories[repo.name] = repo
        # The references the live store would hold: one per asset of each version.
        counts: dict[str, int] = {}
        for repo in d.repositories.values():
            for pkg in repo.packages.values():
                for pv in pkg.versions.values():
                    for blob in pv.assets.values():
                        counts[blob.sha256] = counts.get(blob.sha256, 0) + 1
                        self.refs[blob.sha256] = self.refs.get(blob.sha256, 0) + 1
        d.asset_size_bytes = sum(self.blobs[sha].size for sha in counts)
        if counts:
            self.counts.append((d, counts))
        return d

    def state(self, node: _Node) -> tuple[StateKey, RegionState]:
        account, region = node.text("account"), node.text("region")
        st = RegionState(account, region)
        for item in node.items("domains"):
            d = self.domain(item, account, region)
            if d.name in st.domains:
                raise item.fail(f"domain '{d.name}' is listed twice")
            st.domains[d.name] = d
        for item in node.items("tokens"):
            token = AuthToken(
                item.text("token"),
                item.text("domain"),
                item.text("domainOwner"),
                item.text("region"),
                item.time("expiration"),
                item.text("principalArn", optional=True) or "",
                item.text("principalAccount", optional=True) or "",
            )
            st.tokens[token.token] = token
        return (account, region), st

    def extras(self, node: _Node | None) -> Extras:
        out = Extras()
        if node is None:
            return out
        unknown = set(node.value) - {EXTERNAL_KEY, ASSET_DATA_KEY, NPM_DEPRECATIONS_KEY}
        if unknown:
            raise node.fail(f"unknown extensions {sorted(unknown)}")
        if EXTERNAL_KEY in node.value:
            registry = ExternalRegistry(fill_from_assets)  # as the endpoints make it (protocols/external.py)
            for item in node.items(EXTERNAL_KEY):
                connection = item.text("connection", choices=sorted(EXTERNAL_CONNECTIONS))
                versions: dict[str, ExternalVersion] = {}
                for v in item.items("versions"):
                    assets = {name: self.blob(v, sha).data for name, sha in self._pairs(v)}
                    entry = ExternalVersion(v.text("version"), assets, _read_meta(v), v.time("publishedTime"))
                    versions[entry.version] = entry
                registry.load(
                    connection, item.text("namespace"), item.text("name"), versions, item.string_map("distTags")
                )
            out.external = registry
        if ASSET_DATA_KEY in node.value:
            for item in node.items(ASSET_DATA_KEY):
                sha = item.text("sha256")
                if not _SHA256.fullmatch(sha):
                    raise item.fail("sha256 must be lower-case hex")
                out.asset_data[(item.text("format", choices=FORMATS), sha)] = dict(item.get("data", dict))
        if NPM_DEPRECATIONS_KEY in node.value:
            out.npm_deprecations = node.string_map(NPM_DEPRECATIONS_KEY)
        return out

    def _pairs(self, node: _Node) -> list[tuple[str, str]]:
        pairs = []
        for item in node.items("assets"):
            pair = item.value
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                raise item.fail("expected [asset name, sha256]")
            pairs.append((pair[0], pair[1]))
        return pairs


def check_header(document: Any) -> None:
    """Refuse what is not a state document, and a newer format version, with a message that says so."""
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise StateFormatError(f'not a mock-codeartifact state document (expected "format": "{FORMAT_NAME}")')
    version = document.get("formatVersion")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StateFormatError("formatVersion must be a positive integer")
    if version > FORMAT_VERSION:
        raise StateFormatError(
            f"this state has format version {version}, newer than the version {FORMAT_VERSION} this "
            "mock-codeartifact reads; upgrade mock-codeartifact to import it"
        )


def from_document(document: Any, load: Callable[[str], bytes]) -> Snapshot:
    """Check a whole document and build a Snapshot from it; ``load(sha256)`` returns an asset's bytes (or
    raises ``StateFormatError``). Nothing outside the new snapshot changes, whatever is wrong."""
    check_header(document)
    root = _Node(document, "$")
    builder = _Builder(load)
    assets = root.get("assets", dict)
    for sha, info in assets.items():
        if not _SHA256.fullmatch(sha):
            raise StateFormatError(f"$.assets: '{sha}' is not a SHA-256 in lower-case hex")
        size = _Node(info, f"$.assets.{sha}").get("size", int)
        builder.sizes[sha] = size
    states: dict[StateKey, RegionState] = {}
    for item in root.items("states"):
        key, st = builder.state(item)
        if key in states:
            raise item.fail(f"account/region {key} is listed twice")
        states[key] = st
    extras = builder.extras(root.child("extensions", optional=True))
    if builder.max_seq >= 0:
        reserve_sequence(builder.max_seq)
    # The asset store's order is the document's (a faithful round trip, not only an equivalent one).
    held = {sha: builder.held[sha] for sha in builder.sizes if sha in builder.held}
    refs = {sha: builder.refs[sha] for sha in held}
    return Snapshot.build(states, extras, held, refs, builder.counts)
