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
from pathlib import Path
from typing import Any

from ..backend import Backend, RegionState
from ..external import ExternalRegistry
from .document import (
    FORMAT_NAME,
    StateFormatError,
    domain_entry,
    external_entries,
    from_document,
    package_entry,
    repository_entry,
    token_entry,
    version_entry,
)
from .files import ASSET_DIR, durable_write
from .snapshot import adopt

STORE_FORMAT = "mock-codeartifact-state-dir"
STORE_VERSION = 1
DATABASE = "state.sqlite3"

Key = tuple[str, ...]
_DEPTH = {"domain": 0, "repository": 1, "package": 2, "version": 3, "token": 0, "external": 0, "extra": 0}
_EXTRA_KEY = "protocol-extra"
_DEPRECATED_KEY = "npm-deprecated"
_EXTERNAL_KEY = "external-registries"


class PersistentState:
    """Keeps one backend's state in a directory. ``open()`` loads it (or creates the store); ``sync()`` makes
    every change so far durable."""

    def __init__(self, directory: str | os.PathLike[str], backend: Backend) -> None:
        self.directory = Path(directory)
        self.backend = backend
        self.assets = self.directory / ASSET_DIR
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._rows: dict[Key, str] = {}  # what the database holds
        self._fingerprints: dict[Key, tuple[Any, str]] = {}  # key -> (fingerprint, body) of the last walk
        self._files: set[str] = set()  # asset files on disk

    # ------------------------------------------------------------------ opening

    def open(self) -> None:
        """Create the store, or load what it holds into the backend (replacing the backend's state). Raises
        ``StateFormatError`` for a store written by a newer mock-codeartifact, or a damaged one."""
        self.assets.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.directory / DATABASE, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # FULL: in WAL mode, NORMAL may lose the last transactions on power loss; FULL syncs the WAL on
            # every commit, so an answered change survives an OS crash too (SQLite docs, pragma synchronous).
            db.execute("PRAGMA synchronous=FULL")
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
        self._rows = loaded
        self._collect_garbage(self._referenced(loaded))

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
                    extensions.setdefault(_EXTERNAL_KEY, []).append(entry)
                elif kind == "extra":
                    extensions.setdefault(_EXTRA_KEY, []).append(entry)
                elif kind == "deprecated":
                    extensions.setdefault(_DEPRECATED_KEY, {})[path[0]] = entry
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

    def sync(self) -> None:
        """Make the backend's current state durable: new asset files first, then the changed rows in one
        transaction. Safe to call from any thread; concurrent calls are serialized (one commit may carry the
        changes of several requests)."""
        db = self._db
        if db is None:
            raise RuntimeError("the persistent state is not open")
        with self._lock:
            current: dict[Key, str] = {}
            fingerprints: dict[Key, tuple[Any, str]] = {}
            data: dict[str, bytes] = {}
            for st in self.backend.all_states():
                with st.lock:
                    self._walk_state(st, current, fingerprints, data)
            self._walk_extensions(current, fingerprints, data)
            self._fingerprints = fingerprints
            rows = self._rows
            changed = [(key, body) for key, body in current.items() if rows.get(key) != body]
            deleted = [key for key in rows if key not in current]
            if not changed and not deleted:
                return
            for sha, content in data.items():
                if sha not in self._files:
                    durable_write(self.assets / sha, content)  # fsynced, renamed, directory fsynced
                    self._files.add(sha)
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("DELETE FROM entities WHERE key = ?", [(json.dumps(k),) for k in deleted])
                db.executemany(
                    "INSERT INTO entities (key, body) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET body = excluded.body",
                    [(json.dumps(k), b) for k, b in changed],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._rows = current
            self._collect_garbage(set(data))

    def _walk_state(
        self,
        st: RegionState,
        current: dict[Key, str],
        fingerprints: dict[Key, tuple[Any, str]],
        data: dict[str, bytes],
    ) -> None:
        previous = self._fingerprints
        acct, region = st.account, st.region
        for name, d in st.domains.items():
            dkey = (acct, region, name)
            current[("domain", *dkey)] = json.dumps(domain_entry(d))
            for rname, repo in d.repositories.items():
                rkey = (*dkey, rname)
                current[("repository", *rkey)] = json.dumps(repository_entry(repo))
                for pkg in repo.packages.values():
                    pkey = (*rkey, pkg.format, pkg.namespace or "", pkg.name)
                    key = ("package", *pkey)
                    fp: Any = (pkg, pkg.publish, pkg.upstream, tuple(pkg.dist_tags.items()))
                    current[key] = self._body(key, fp, previous, fingerprints, lambda p=pkg: package_entry(p))
                    for version, pv in pkg.versions.items():
                        for blob in pv.assets.values():
                            data[blob.sha256] = blob.data
                        key = ("version", *pkey, version)
                        # A version changes only with a new revision, status, metadata object or asset count.
                        fp = (pv, pv.revision, pv.status, pv.meta, len(pv.assets))
                        current[key] = self._body(key, fp, previous, fingerprints, lambda v=pv: version_entry(v))
        for token in st.tokens.values():
            key = ("token", acct, region, token.token)
            current[key] = self._body(key, token, previous, fingerprints, lambda t=token: token_entry(t))

    def _walk_extensions(
        self, current: dict[Key, str], fingerprints: dict[Key, tuple[Any, str]], data: dict[str, bytes]
    ) -> None:
        previous = self._fingerprints
        extensions = self.backend.extensions
        registry = extensions.get(_EXTERNAL_KEY)
        if isinstance(registry, ExternalRegistry):
            for (connection, namespace, name), entry in external_entries(registry):
                current[("external", connection, namespace, name)] = json.dumps(entry)
            for _, _, _, versions, _ in registry.entries():
                for v in versions.values():
                    for content in v.assets.values():
                        data[hashlib.sha256(content).hexdigest()] = content
        extra = extensions.get(_EXTRA_KEY)
        if extra:
            for (fmt, sha), value in list(extra.items()):
                key = ("extra", fmt, sha)
                # Entries are only added to (per content), never rewritten: identity and size tell a change.
                fp = (value, len(value))
                current[key] = self._body(
                    key, fp, previous, fingerprints, lambda f=fmt, s=sha, v=value: {"format": f, "sha256": s, "data": v}
                )
        deprecated = extensions.get(_DEPRECATED_KEY)
        if deprecated:
            for revision, message in list(deprecated.items()):
                current[("deprecated", revision)] = json.dumps(message)
        unknown = [k for k, v in extensions.items() if v and k not in (_EXTERNAL_KEY, _EXTRA_KEY, _DEPRECATED_KEY)]
        if unknown:
            raise StateFormatError(f"the state holds {unknown}, which the persistent store does not cover")

    @staticmethod
    def _body(
        key: Key,
        fingerprint: Any,
        previous: dict[Key, tuple[Any, str]],
        fingerprints: dict[Key, tuple[Any, str]],
        entry: Any,
    ) -> str:
        found = previous.get(key)
        if found is not None and _same(found[0], fingerprint):
            body = found[1]
        else:
            body = json.dumps(entry())
        fingerprints[key] = (fingerprint, body)
        return body

    def _collect_garbage(self, referenced: set[str]) -> None:
        for sha in [s for s in self._files if s not in referenced]:
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


def _same(a: Any, b: Any) -> bool:
    """Fingerprints are equal: objects by identity (the cache keeps them alive), everything else by value."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(x is y or (type(x) is type(y) and _plain(x) and x == y) for x, y in zip(a, b))
    return a is b


def _plain(value: Any) -> bool:
    return isinstance(value, (str, int, tuple, type(None)))
