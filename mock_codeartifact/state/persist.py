"""The persistent store behind ``mock-codeartifact-server --state-dir DIR``.

Layout of ``DIR``::

    state.sqlite3          SQLite (WAL journal, synchronous=FULL): table ``meta`` (format name and version) and
                           table ``entities``: one row per domain, repository, package, package version, token,
                           stand-in package, protocol extra and npm deprecation, holding the same JSON entries
                           as an export (mock_codeartifact.state.document)
    assets/sha256/<sha256> each asset's bytes

How a change becomes durable: after a request that may have changed state succeeds, and before its answer is
sent, ``sync()`` walks the state (each region under its lock, so it sees no half-applied operation), finds the
rows that differ from what is stored (package versions and packages are compared by cheap fingerprints, so a
sync costs little more than a walk), writes every new asset file (temporary name, fsync, rename, directory
fsync), then commits all changed rows in one transaction. A crash at any moment therefore leaves either the
old or the new rows, and every row's assets are on disk. Files nobody references any more are removed after
the commit (and at start-up, with temporary files a crash left behind).

Only the server turns this on; the in-process mock and the in-memory server never call into it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..backend import Backend, RegionState
from ..backend.catalog import Package, PackageVersion
from ..backend.entities import Domain, Repository
from .document import (
    ASSET_DATA_KEY,
    EXTERNAL_KEY,
    FORMAT_NAME,
    NPM_DEPRECATIONS_KEY,
    StateFormatError,
    asset_data_entry,
    domain_entry,
    external_bytes,
    external_entries,
    from_document,
    package_entry,
    repository_entry,
    token_entry,
    version_entry,
)
from .files import ASSET_DIR, durable_write
from .snapshot import adopt

FULL = "full"  # an answered change survives power loss: fsync of asset files and directory, synchronous=FULL
CRASH = "crash"  # an answered change survives the process being killed: no fsync, synchronous=NORMAL (WAL)
DURABILITY = (FULL, CRASH)
STORE_FORMAT = "mock-codeartifact-state-dir"
STORE_VERSION = 1
DATABASE = "state.sqlite3"

Key = tuple[str, ...]
_DEPTH = {"domain": 0, "repository": 1, "package": 2, "version": 3, "token": 0, "external": 0, "extra": 0}


class PersistentState:
    """Keeps one backend's state in a directory. ``open()`` loads it (or creates the store); ``sync()`` makes
    every change so far durable."""

    def __init__(self, directory: str | os.PathLike[str], backend: Backend, durability: str = FULL) -> None:
        if durability not in DURABILITY:
            raise ValueError(f"durability must be one of {', '.join(DURABILITY)}")
        self.durability = durability
        self.directory = Path(directory)
        self.backend = backend
        self.assets = self.directory / ASSET_DIR
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._files: set[str] = set()  # asset files on disk
        # What the database holds, as a tree that partial syncs compare against (see Scope).
        self._domains: dict[tuple[str, str, str], _DomainRows] = {}
        self._tokens: dict[tuple[str, str], dict[str, str]] = {}
        self._extensions: dict[Key, str] = {}
        self._extension_shas: dict[Key, tuple[str, ...]] = {}
        self._extra_cache: dict[Key, tuple[Any, int, str]] = {}
        self._sha_refs: dict[str, int] = {}  # asset -> how many stored rows reference it

    # ------------------------------------------------------------------ opening

    def open(self) -> None:
        """Create the store, or load what it holds into the backend (replacing the backend's state). Raises
        ``StateFormatError`` for a store written by a newer mock-codeartifact, or a damaged one."""
        self.assets.mkdir(parents=True, exist_ok=True)
        try:
            self._open()
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError) as error:
            if isinstance(error, StateFormatError):
                raise
            raise StateFormatError(f"{self.directory} holds a damaged state: {error}") from None

    def _open(self) -> None:
        db = sqlite3.connect(self.directory / DATABASE, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # FULL: in WAL mode, NORMAL may lose the last transactions on power loss; FULL syncs the WAL on
            # every commit, so an answered change survives an OS crash too (SQLite docs, pragma synchronous).
            # NORMAL in WAL mode still survives the process being killed at any moment.
            db.execute("PRAGMA synchronous=FULL" if self.durability == FULL else "PRAGMA synchronous=NORMAL")
            self._check_or_create(db)
            rows = db.execute("SELECT key, body FROM entities ORDER BY rowid").fetchall()
        except BaseException:
            db.close()
            raise
        self._db = db
        self._clean_files()
        loaded = {tuple(json.loads(key)): body for key, body in rows}
        snap = from_document(self._document(loaded), self._load_asset)
        adopt(self.backend, snap)
        self._reconcile(loaded)

    def restore(self) -> None:
        """Put the backend back to what the store holds, after a ``sync`` failed: memory then serves only what
        is durable, and the stored picture is rebuilt, so the next sync (once the disk has room again) writes
        whatever changes from there."""
        db = self._db
        if db is None:
            raise RuntimeError("the persistent state is not open")
        with self._lock:
            if db.in_transaction:
                db.execute("ROLLBACK")
            rows = db.execute("SELECT key, body FROM entities ORDER BY rowid").fetchall()
            loaded = {tuple(json.loads(key)): body for key, body in rows}
            snap = from_document(self._document(loaded), self._load_asset)
            adopt(self.backend, snap)
            self._domains = {}
            self._tokens = {}
            self._extensions = {}
            self._extension_shas = {}
            self._extra_cache = {}
            self._sha_refs = {}
            self._reconcile(loaded)

    def _reconcile(self, loaded: dict[Key, str]) -> None:
        """Build the stored picture from the loaded state; rewrite only rows that serialize differently."""
        plan = _Plan()
        for st in self.backend.all_states():
            self._compare_region(st, plan)
        self._compare_extensions(plan)
        upserts = [(k, b) for k, b in plan.upserts if loaded.get(k) != b]
        seen = {k for k, _ in plan.upserts}
        deletes = [k for k in loaded if k not in seen]
        assert self._db is not None
        if upserts or deletes:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM entities WHERE key = ?", [(json.dumps(k),) for k in deletes])
            self._db.executemany(
                "INSERT INTO entities (key, body) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET body = excluded.body",
                [(json.dumps(k), b) for k, b in upserts],
            )
            self._db.execute("COMMIT")
        plan.deletes = []
        self._apply(plan)
        for sha in [s for s in self._files if s not in self._sha_refs]:
            self._remove_file(sha)  # written by a sync that a crash stopped before its commit

    def _check_or_create(self, db: sqlite3.Connection) -> None:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" in tables:
            meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
            if meta.get("format") != STORE_FORMAT:
                raise StateFormatError(f"{self.directory} is not a mock-codeartifact state directory")
            version = int(meta.get("version", "0"))
            if version > STORE_VERSION:
                raise StateFormatError(
                    f"{self.directory} was written by a newer mock-codeartifact (state directory format {version}; "
                    f"this one reads up to {STORE_VERSION}); upgrade mock-codeartifact or use another --state-dir"
                )
            return
        db.execute("BEGIN IMMEDIATE")
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE entities (key TEXT PRIMARY KEY, body TEXT NOT NULL)")
        db.executemany(
            "INSERT INTO meta (name, value) VALUES (?, ?)", [("format", STORE_FORMAT), ("version", str(STORE_VERSION))]
        )
        db.execute("COMMIT")

    def _clean_files(self) -> None:
        for entry in os.scandir(self.assets):
            if entry.name.startswith(".tmp-"):
                os.unlink(entry.path)  # an asset write a crash interrupted: never referenced
            else:
                self._files.add(entry.name)

    def _load_asset(self, sha: str) -> bytes:
        try:
            return (self.assets / sha).read_bytes()
        except OSError:
            raise StateFormatError(f"asset {sha} is missing from {self.assets}") from None

    def _document(self, rows: dict[Key, str]) -> dict[str, Any]:
        """The export document the rows make up (so loading goes through the one checked import path)."""
        states: dict[tuple[str, str], dict[str, Any]] = {}
        domains: dict[Key, dict[str, Any]] = {}
        repos: dict[Key, dict[str, Any]] = {}
        packages: dict[Key, dict[str, Any]] = {}
        extensions: dict[str, Any] = {}
        ordered = sorted(enumerate(rows.items()), key=lambda item: (_DEPTH.get(item[1][0][0], 9), item[0]))
        for _, (key, body) in ordered:
            kind, path = key[0], key[1:]
            entry = json.loads(body)

            def state(account: str, region: str) -> dict[str, Any]:
                return states.setdefault(
                    (account, region), {"account": account, "region": region, "domains": [], "tokens": []}
                )

            try:
                if kind == "domain":
                    entry["repositories"] = []
                    state(path[0], path[1])["domains"].append(entry)
                    domains[path] = entry
                elif kind == "repository":
                    entry["packages"] = []
                    domains[path[:3]]["repositories"].append(entry)
                    repos[path] = entry
                elif kind == "package":
                    entry["versions"] = []
                    repos[path[:4]]["packages"].append(entry)
                    packages[path] = entry
                elif kind == "version":
                    packages[path[:7]]["versions"].append(entry)
                elif kind == "token":
                    state(path[0], path[1])["tokens"].append(entry)
                elif kind == "external":
                    extensions.setdefault(EXTERNAL_KEY, []).append(entry)
                elif kind == "extra":
                    extensions.setdefault(ASSET_DATA_KEY, []).append(entry)
                elif kind == "deprecated":
                    extensions.setdefault(NPM_DEPRECATIONS_KEY, {})[path[0]] = entry
                else:
                    raise StateFormatError(f"unknown entity kind '{kind}' in {self.directory / DATABASE}")
            except KeyError:
                raise StateFormatError(f"entity {list(key)} has no parent in {self.directory / DATABASE}") from None
        assets = {}
        for sha in self._referenced(rows):
            if sha not in self._files:
                raise StateFormatError(f"asset {sha} is missing from {self.assets}")
            assets[sha] = {"size": (self.assets / sha).stat().st_size}
        return {
            "format": FORMAT_NAME,
            "formatVersion": 1,
            "states": list(states.values()),
            "assets": assets,
            "extensions": extensions,
        }

    @staticmethod
    def _referenced(rows: dict[Key, str]) -> set[str]:
        found: set[str] = set()
        for key, body in rows.items():
            if key[0] == "version":
                found.update(sha for _, sha in json.loads(body)["assets"])
            elif key[0] == "external":
                for v in json.loads(body)["versions"]:
                    found.update(sha for _, sha in v["assets"])
        return found

    # ------------------------------------------------------------------ writing

    def sync(self, scope: Scope | None = None) -> None:
        """Make the backend's state durable: new asset files first, then the changed rows in one transaction.

        ``scope`` says where the changes can be (``Scope``); None compares everything. Safe from any thread;
        concurrent calls are serialized (one commit may carry the changes of several requests)."""
        db = self._db
        if db is None:
            raise RuntimeError("the persistent state is not open")
        with self._lock:
            plan = _Plan()
            if scope is None:
                for st in self.backend.all_states():
                    with st.lock:
                        self._compare_region(st, plan)
                for key in list(self._domains):
                    if key[:2] not in plan.regions_seen:
                        self._compare_domain(key, None, plan, None)
                for region_key, tokens in list(self._tokens.items()):
                    if region_key not in plan.regions_seen:
                        plan.deletes.extend(("token", *region_key, t) for t in tokens)
                        plan.tokens[region_key] = {}
            else:
                st = self.backend.state(scope.account, scope.region)
                with st.lock:
                    self._compare_tokens(st, plan)
                    self._compare_domain(
                        (scope.account, scope.region, scope.domain), st.domains.get(scope.domain), plan, scope
                    )
            self._compare_extensions(plan)
            if not plan.upserts and not plan.deletes:
                return
            for sha, content in plan.data.items():
                if sha not in self._files:
                    # Temporary name, fsynced, renamed, directory fsynced (no fsyncs with durability "crash").
                    durable_write(self.assets / sha, content, fsync=self.durability == FULL)
                    self._files.add(sha)
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("DELETE FROM entities WHERE key = ?", [(json.dumps(k),) for k in plan.deletes])
                db.executemany(
                    "INSERT INTO entities (key, body) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET body = excluded.body",
                    [(json.dumps(k), b) for k, b in plan.upserts],
                )
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # SQLite may have rolled back already (SQLITE_FULL during COMMIT)
                    db.execute("ROLLBACK")
                raise
            self._apply(plan)

    def _compare_region(self, st: RegionState, plan: _Plan) -> None:
        plan.regions_seen.add((st.account, st.region))
        self._compare_tokens(st, plan)
        for name, d in st.domains.items():
            self._compare_domain((st.account, st.region, name), d, plan, None)
        for key in list(self._domains):
            if key[:2] == (st.account, st.region) and key[2] not in st.domains:
                self._compare_domain(key, None, plan, None)

    def _compare_tokens(self, st: RegionState, plan: _Plan) -> None:
        region_key = (st.account, st.region)
        stored = self._tokens.get(region_key, {})
        if stored.keys() == st.tokens.keys():
            return
        new: dict[str, str] = {}
        for token, entry in st.tokens.items():
            body = stored.get(token)
            if body is None:
                body = json.dumps(token_entry(entry))
                plan.upserts.append((("token", *region_key, token), body))
            new[token] = body
        plan.deletes.extend(("token", *region_key, t) for t in stored if t not in new)
        plan.tokens[region_key] = new

    def _compare_domain(self, key: tuple[str, str, str], d: Domain | None, plan: _Plan, scope: Scope | None) -> None:
        stored = self._domains.get(key)
        if d is None:
            if stored is not None:
                plan.deletes.append(("domain", *key))
                for name in stored.repositories:
                    self._drop_repository(key, name, stored.repositories[name], plan)
                plan.domains[key] = None
            return
        body = json.dumps(domain_entry(d))
        repos = dict(stored.repositories) if stored is not None else {}
        if stored is None or stored.body != body:
            plan.upserts.append((("domain", *key), body))
        for name in [n for n in repos if n not in d.repositories]:
            self._drop_repository(key, name, repos.pop(name), plan)
        for name, repo in d.repositories.items():
            deep = scope is None or scope.covers(repo)
            repos[name] = self._compare_repository(key, repo, repos.get(name), plan, deep, scope)
        plan.domains[key] = _DomainRows(body, repos)

    def _compare_repository(
        self,
        dkey: tuple[str, str, str],
        repo: Repository,
        stored: _RepoRows | None,
        plan: _Plan,
        deep: bool,
        scope: Scope | None,
    ) -> _RepoRows:
        rkey = (*dkey, repo.name)
        body = json.dumps(repository_entry(repo))
        if stored is None or stored.body != body:
            plan.upserts.append((("repository", *rkey), body))
        packages = dict(stored.packages) if stored is not None else {}
        if stored is None:
            deep = True  # a repository met for the first time (created, or recreated under the same name)
        if deep:
            table = repo.packages
            if scope is not None and scope.package is not None and stored is not None:
                keys = [scope.package]  # only the package the request names can have changed here
            else:
                keys = list(table.keys())
                for pkey in [k for k in packages if k not in table]:
                    self._drop_package(rkey, pkey, packages.pop(pkey), plan)
            for pkey in keys:
                pkg = table.get(pkey)
                if pkg is None:
                    old = packages.pop(pkey, None)
                    if old is not None:
                        self._drop_package(rkey, pkey, old, plan)
                    continue
                packages[pkey] = self._compare_package(rkey, pkg, packages.get(pkey), plan)
        return _RepoRows(body, packages)

    def _compare_package(self, rkey: Key, pkg: Package, stored: _PackageRows | None, plan: _Plan) -> _PackageRows:
        pkey = (*rkey, *pkg.coord.key)
        fingerprint = (pkg.publish, pkg.upstream, tuple(pkg.dist_tags.items()))
        if stored is not None and stored.fingerprint == fingerprint:
            body = stored.body
        else:
            body = json.dumps(package_entry(pkg))
            if stored is None or stored.body != body:
                plan.upserts.append((("package", *pkey), body))
        versions: dict[str, _VersionRow] = {}
        old_versions = stored.versions if stored is not None else {}
        for version, pv in pkg.versions.items():
            old = old_versions.get(version)
            # A version changes only with a new object, revision, status, metadata object or asset count.
            if (
                old is not None
                and old.pv is pv
                and old.revision is pv.revision
                and old.status == pv.status
                and old.meta is pv.meta
                and old.count == len(pv.assets)
            ):
                versions[version] = old
                continue
            entry = version_entry(pv)
            row = _VersionRow(pv, json.dumps(entry), tuple(sha for _, sha in entry["assets"]))
            for blob in pv.assets.values():
                plan.data[blob.sha256] = blob.data
            if old is None or old.body != row.body:
                plan.upserts.append((("version", *pkey, version), row.body))
            plan.held.extend(row.shas)
            if old is not None:
                plan.released.extend(old.shas)
            versions[version] = row
        for version, old in old_versions.items():
            if version not in versions:
                plan.deletes.append(("version", *pkey, version))
                plan.released.extend(old.shas)
        return _PackageRows(fingerprint, body, versions)

    def _drop_repository(self, dkey: tuple[str, str, str], name: str, stored: _RepoRows, plan: _Plan) -> None:
        rkey = (*dkey, name)
        plan.deletes.append(("repository", *rkey))
        for pkey, rows in stored.packages.items():
            self._drop_package(rkey, pkey, rows, plan)

    @staticmethod
    def _drop_package(rkey: Key, pkey: Key, stored: _PackageRows, plan: _Plan) -> None:
        full = (*rkey, *pkey)
        plan.deletes.append(("package", *full))
        for version, row in stored.versions.items():
            plan.deletes.append(("version", *full, version))
            plan.released.extend(row.shas)

    def _compare_extensions(self, plan: _Plan) -> None:
        rows: dict[Key, str] = {}
        shas: dict[Key, tuple[str, ...]] = {}
        extras = self.backend.extras
        registry = extras.external
        if registry is not None:
            for (connection, namespace, name), entry in external_entries(registry):
                key: Key = ("external", connection, namespace, name)
                rows[key] = json.dumps(entry)
                shas[key] = tuple(sha for v in entry["versions"] for _, sha in v["assets"])
            for data in external_bytes(registry):
                plan.data.setdefault(hashlib.sha256(data).hexdigest(), data)
        extra = extras.asset_data
        if extra:
            cache = self._extra_cache
            for (fmt, sha), value in list(extra.items()):
                extra_key: Key = ("extra", fmt, sha)
                # Entries are only ever added to, per content: identity and size tell a change.
                cached = cache.get(extra_key)
                if cached is not None and cached[0] is value and cached[1] == len(value):
                    rows[extra_key] = cached[2]
                else:
                    rows[extra_key] = json.dumps(asset_data_entry(fmt, sha, value))
                    cache[extra_key] = (value, len(value), rows[extra_key])
        deprecated = extras.npm_deprecations
        if deprecated:
            for revision, message in list(deprecated.items()):
                rows[("deprecated", revision)] = json.dumps(message)
        stored = self._extensions
        plan.upserts.extend((k, b) for k, b in rows.items() if stored.get(k) != b)
        plan.deletes.extend(k for k in stored if k not in rows)
        plan.extensions = rows
        plan.extension_shas = shas

    def _apply(self, plan: _Plan) -> None:
        """After the commit: the stored picture, the asset reference counts, and garbage files."""
        for key, rows in plan.domains.items():
            if rows is None:
                self._domains.pop(key, None)
            else:
                self._domains[key] = rows
        for region_key, tokens in plan.tokens.items():
            if tokens:
                self._tokens[region_key] = tokens
            else:
                self._tokens.pop(region_key, None)
        if plan.extensions is not None:
            for shas in self._extension_shas.values():
                plan.released.extend(shas)
            for shas in plan.extension_shas.values():
                plan.held.extend(shas)
            self._extensions = plan.extensions
            self._extension_shas = plan.extension_shas
        refs = self._sha_refs
        for sha in plan.held:
            refs[sha] = refs.get(sha, 0) + 1
        unreferenced = []
        for sha in plan.released:
            n = refs.get(sha, 0) - 1
            if n > 0:
                refs[sha] = n
            else:
                refs.pop(sha, None)
                unreferenced.append(sha)
        for sha in unreferenced:
            if sha not in refs:  # released by one row and taken by another in the same sync
                self._remove_file(sha)

    def _remove_file(self, sha: str) -> None:
        try:
            os.unlink(self.assets / sha)
        except FileNotFoundError:
            pass
        self._files.discard(sha)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


@dataclass(frozen=True)
class Scope:
    """Where a request can have changed state: one domain of one (account, region), and within it the named
    repositories (every one when None) and, optionally, one package of them. Domain and repository rows and
    the region's tokens are always compared; package rows only where the scope reaches."""

    account: str
    region: str
    domain: str
    repositories: frozenset[str] | None = None
    package: tuple[str, str, str] | None = None  # the package table key (format, namespace or "", name)
    with_external_connections: bool = False  # also every repository with an external connection

    def covers(self, repo: Repository) -> bool:
        if self.repositories is None:
            return True
        return repo.name in self.repositories or (self.with_external_connections and bool(repo.external_connections))


@dataclass
class _VersionRow:
    pv: PackageVersion
    body: str
    shas: tuple[str, ...]
    revision: str = ""
    status: str = ""
    meta: Any = None
    count: int = 0

    def __post_init__(self) -> None:
        pv = self.pv
        self.revision, self.status, self.meta, self.count = pv.revision, pv.status, pv.meta, len(pv.assets)


@dataclass
class _PackageRows:
    fingerprint: Any
    body: str
    versions: dict[str, _VersionRow]


@dataclass
class _RepoRows:
    body: str
    packages: dict[Key, _PackageRows]


@dataclass
class _DomainRows:
    body: str
    repositories: dict[str, _RepoRows]


@dataclass
class _Plan:
    """What one sync found: rows to write and delete, bytes to store, and the new stored picture."""

    upserts: list[tuple[Key, str]] = field(default_factory=list)
    deletes: list[Key] = field(default_factory=list)
    data: dict[str, bytes] = field(default_factory=dict)
    domains: dict[tuple[str, str, str], _DomainRows | None] = field(default_factory=dict)
    tokens: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    regions_seen: set[tuple[str, str]] = field(default_factory=set)
    extensions: dict[Key, str] | None = None
    extension_shas: dict[Key, tuple[str, ...]] = field(default_factory=dict)
    held: list[str] = field(default_factory=list)  # asset references of rows written
    released: list[str] = field(default_factory=list)  # asset references of rows replaced or deleted
