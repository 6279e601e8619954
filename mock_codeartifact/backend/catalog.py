"""The package data model of one repository, with the sorted indexes that keep a page of ListPackages and
ListPackageVersions independent of how many packages and versions the repository holds.

* ``PackageTable`` (``Repository.packages``): ``(format, namespace or "", name) -> Package`` plus the sorted
  list of those keys (ListPackages order).
* ``Package``: ``version -> PackageVersion`` plus two sorted indexes, by the format's own version order (read
  backwards: the default ListPackageVersions order, newest first) and by ``(publishedTime, sequence)`` (``sortBy=PUBLISHED_TIME`` and
  ``defaultDisplayVersion``).

Sorted lists are maintained with ``bisect`` on insert and delete; nothing is sorted per request.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import os
import random
from bisect import bisect_left, insort
from collections.abc import Iterator
from typing import Any

from .assets import Blob
from .coordinates import Coordinate
from .formats import VersionKey, names_where, version_key

_DIST_TAGS = names_where(lambda f: f.dist_tags)

PUBLISHED = "Published"
UNFINISHED = "Unfinished"
UNLISTED = "Unlisted"
ARCHIVED = "Archived"
DISPOSED = "Disposed"
DELETED = "Deleted"

ALLOW = "ALLOW"
BLOCK = "BLOCK"

_SEQ = itertools.count()

TimeKey = tuple[float, int, str]


# A revision must be unique, not secret: drawn from a generator seeded once from the system (no system call per
# version; benchmarks/README.md, "The hot path"), and seeded again in a forked child so that it draws its own.
_REVISIONS = random.Random()
if hasattr(os, "register_at_fork"):  # POSIX only
    os.register_at_fork(after_in_child=_REVISIONS.seed)


def new_revision() -> str:
    """An opaque revision of a package version or a resource policy, shaped like AWS's (base64 of 32 bytes, 44
    characters: "MQlyyTQRASRU3HB58gBtSDHXG7Q3hv...=")."""
    return base64.b64encode(_REVISIONS.getrandbits(256).to_bytes(32, "big")).decode()


def reserve_sequence(floor: int) -> None:
    """Make every version created from now on sort after ``floor`` among versions published at the same time
    (state imported from another process carries its own ``seq`` values)."""
    global _SEQ
    if next(_SEQ) <= floor:
        _SEQ = itertools.count(floor + 1)


class Meta:
    """What a package manager extracts from a version's manifest. Absent fields are None."""

    __slots__ = (
        "summary",
        "display_name",
        "home_page",
        "source_code_repository",
        "licenses",
        "readme",
        "dependencies",
    )

    def __init__(
        self,
        summary: str | None = None,
        display_name: str | None = None,
        home_page: str | None = None,
        source_code_repository: str | None = None,
        licenses: list[dict[str, str]] | None = None,
        readme: str | None = None,
        dependencies: list[dict[str, str]] | None = None,
    ) -> None:
        self.summary = summary
        self.display_name = display_name
        self.home_page = home_page
        self.source_code_repository = source_code_repository
        self.licenses = licenses
        self.readme = readme
        self.dependencies = dependencies

    def as_tuple(self) -> tuple[Any, ...]:
        return tuple(getattr(self, s) for s in self.__slots__)

    def copy(self) -> Meta:
        return Meta(*self.as_tuple())


_EMPTY_META = Meta()


class PackageVersion:
    """One version of a package in one repository. ``assets`` maps asset name -> Blob, in upload order."""

    __slots__ = (
        "version",
        "status",
        "revision",
        "published",
        "seq",
        "origin_type",
        "entry_repository",
        "entry_connection",
        "assets",
        "meta",
    )

    def __init__(
        self,
        version: str,
        status: str,
        published: dt.datetime,
        origin_type: str = "INTERNAL",
        entry_repository: str | None = None,
        entry_connection: str | None = None,
        revision: str | None = None,
    ) -> None:
        self.version = version
        self.status = status
        self.revision = revision or new_revision()
        self.published = published
        self.seq = next(_SEQ)
        self.origin_type = origin_type
        self.entry_repository = entry_repository
        self.entry_connection = entry_connection
        self.assets: dict[str, Blob] = {}
        self.meta: Meta = _EMPTY_META

    @property
    def time_key(self) -> TimeKey:
        return (self.published.timestamp(), self.seq, self.version)

    def origin(self) -> dict[str, Any]:
        out: dict[str, Any] = {"originType": self.origin_type}
        if self.entry_repository is not None:
            out["domainEntryPoint"] = {"repositoryName": self.entry_repository}
        elif self.entry_connection is not None:
            out["domainEntryPoint"] = {"externalConnectionName": self.entry_connection}
        return out

    def summary(self) -> dict[str, Any]:
        return {"version": self.version, "revision": self.revision, "status": self.status, "origin": self.origin()}

    def content_signature(self) -> tuple[Any, ...]:
        """Assets and metadata: two versions with equal signatures are the same content (copy idempotence)."""
        return (tuple((n, b.sha256) for n, b in self.assets.items()), self.meta.as_tuple())


class Package:
    """A package of one repository: its origin restrictions and its versions, with sorted indexes."""

    __slots__ = ("coord", "publish", "upstream", "versions", "by_version", "by_time", "dist_tags")

    def __init__(self, coord: Coordinate, publish: str = ALLOW, upstream: str = BLOCK) -> None:
        self.coord = coord
        self.publish = publish
        self.upstream = upstream
        self.versions: dict[str, PackageVersion] = {}
        self.by_version: list[VersionKey] = []
        self.by_time: list[TimeKey] = []
        # npm dist-tags (tag -> version); only npm uses them (defaultDisplayVersion follows "latest").
        self.dist_tags: dict[str, str] = {}

    @property
    def format(self) -> str:
        return self.coord.format

    @property
    def namespace(self) -> str | None:
        return self.coord.namespace

    @property
    def name(self) -> str:
        return self.coord.name

    def add(self, pv: PackageVersion) -> None:
        self.versions[pv.version] = pv
        key = version_key(self.format, pv.version)
        if not self.by_version or self.by_version[-1] < key:
            self.by_version.append(key)
        else:
            insort(self.by_version, key)
        tkey = pv.time_key
        if not self.by_time or self.by_time[-1] < tkey:
            self.by_time.append(tkey)
        else:
            insort(self.by_time, tkey)

    def remove(self, version: str) -> PackageVersion:
        pv = self.versions.pop(version)
        key = version_key(self.format, version)
        i = bisect_left(self.by_version, key)
        del self.by_version[i]
        tkey = pv.time_key
        i = bisect_left(self.by_time, tkey)
        del self.by_time[i]
        for tag in [t for t, v in self.dist_tags.items() if v == version]:
            del self.dist_tags[tag]
        return pv

    def restrictions(self) -> dict[str, str]:
        return {"publish": self.publish, "upstream": self.upstream}

    def summary(self) -> dict[str, Any]:
        """PackageSummary (ListPackages, DeletePackage): the key is ``package``."""
        out: dict[str, Any] = {"format": self.format, "package": self.name}
        if self.namespace is not None:
            out["namespace"] = self.namespace
        out["originConfiguration"] = {"restrictions": self.restrictions()}
        return out

    def description(self) -> dict[str, Any]:
        """PackageDescription (DescribePackage): the key is ``name``."""
        out: dict[str, Any] = {"format": self.format, "name": self.name}
        if self.namespace is not None:
            out["namespace"] = self.namespace
        out["originConfiguration"] = {"restrictions": self.restrictions()}
        return out

    def latest_published(self) -> PackageVersion | None:
        """The most recently published version whose status is Published."""
        for tkey in reversed(self.by_time):
            pv = self.versions[tkey[2]]
            if pv.status == PUBLISHED:
                return pv
        return None

    def default_display_version(self) -> str | None:
        """npm: the ``latest`` dist-tag, else the most recently published; every other format: the most
        recently published (documented for Maven and PyPI, chosen for the rest). Only Published versions
        count (undocumented)."""
        if self.format in _DIST_TAGS:
            tagged = self.dist_tags.get("latest")
            if tagged is not None and tagged in self.versions:
                return tagged
        pv = self.latest_published()
        return pv.version if pv is not None else None

    def iter_versions(self) -> Iterator[PackageVersion]:
        """Versions in the format's version order, oldest first."""
        versions = self.versions
        for key in self.by_version:
            yield versions[key[1]]


PackageKey = tuple[str, str, str]


class PackageTable(dict[PackageKey, Package]):
    """``Repository.packages``: key ``(format, namespace or "", name)`` -> Package, and the keys in order.

    Mutate only through ``add`` and ``discard`` so that ``keys_sorted`` stays in step.
    """

    __slots__ = ("keys_sorted",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys_sorted: list[PackageKey] = sorted(self.keys())

    def add(self, pkg: Package) -> Package:
        key = pkg.coord.key
        if key not in self:
            self[key] = pkg
            if not self.keys_sorted or self.keys_sorted[-1] < key:
                self.keys_sorted.append(key)
            else:
                insort(self.keys_sorted, key)
        return self[key]

    def discard(self, key: PackageKey) -> Package | None:
        pkg = self.pop(key, None)
        if pkg is not None:
            i = bisect_left(self.keys_sorted, key)
            if i < len(self.keys_sorted) and self.keys_sorted[i] == key:
                del self.keys_sorted[i]
        return pkg


def table(repo: Any) -> PackageTable:
    """The PackageTable of a repository (``Repository.packages``)."""
    t = repo.packages
    if not isinstance(t, PackageTable):  # a repository built before this module was imported
        t = repo.packages = PackageTable(t)
    return t
