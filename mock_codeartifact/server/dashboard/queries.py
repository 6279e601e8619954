"""The dashboard's reads over the backend: counts, pages over the backend's own sorted indexes, package-group
lookups and the upstream graph. Nothing here changes state, and nothing sorts a whole repository: a page of
packages or versions is a slice of ``PackageTable.keys_sorted``, ``Package.by_version`` or ``Package.by_time``
(kept sorted by the backend on every insert), so its cost does not depend on how many the repository holds.

Callers hold the owning ``RegionState``'s lock while they read.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from ...backend.catalog import Package, PackageVersion, table
from ...backend.group_patterns import normalize
from ...backend.package_groups import RESTRICTION_TYPES, GroupRegistry, PackageGroup

if TYPE_CHECKING:
    from ...backend.entities import Domain, Repository

T = TypeVar("T")

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a sorted sequence. ``start`` is the index of the first item in the underlying index;
    ``total`` is None when a filter made the number of matches unknown without a full scan."""

    items: list[T]
    start: int
    next_start: int | None
    prev_start: int | None
    total: int | None


@dataclass(frozen=True)
class Counts:
    repositories: int
    packages: int
    versions: int


def domain_counts(d: Domain) -> Counts:
    """Repositories, packages and package versions of a domain (one pass over its packages, no sort)."""
    packages = versions = 0
    for repo in d.repositories.values():
        t = repo.packages
        packages += len(t)
        versions += sum(len(p.versions) for p in t.values())
    return Counts(len(d.repositories), packages, versions)


# Counting a repository's versions walks every package (100,000 packages: milliseconds), and each page view and
# live update asks again; the counts only move when a version is created or deleted, which the backend's change log
# numbers (backend/changes.py), so they are kept per repository until the next change.
# Keyed by the repository's identity (entities compare by value and are not hashable), with a weak reference
# that tells a live entry from one whose repository is gone and whose id was reused.
_COUNTS: dict[int, tuple[weakref.ref[Repository], int, tuple[int, int]]] = {}
_COUNTS_LOCK = threading.Lock()


def repository_counts(repo: Repository, serial: int | None = None) -> tuple[int, int]:
    """(packages, versions) of ``repo``; ``serial`` (the backend's ``changes.serial``) lets the answer be reused
    until the next change."""
    if serial is not None:
        with _COUNTS_LOCK:
            kept = _COUNTS.get(id(repo))
        if kept is not None and kept[0]() is repo and kept[1] == serial:
            return kept[2]
    t = repo.packages
    counts = len(t), sum(len(p.versions) for p in t.values())
    if serial is not None:
        with _COUNTS_LOCK:
            if len(_COUNTS) >= 1024:  # forget the repositories that are gone
                for key in [k for k, v in _COUNTS.items() if v[0]() is None]:
                    del _COUNTS[key]
            _COUNTS[id(repo)] = (weakref.ref(repo), serial, counts)
    return counts


def _slice_page(
    keys: Sequence[T], lo: int, hi: int, start: int, size: int
) -> tuple[list[T], int, int | None, int | None]:
    start = min(max(start, lo), max(hi - 1, lo))
    end = min(start + size, hi)
    prev = max(start - size, lo) if start > lo else None
    return list(keys[start:end]), start, (end if end < hi else None), prev


def _scan_page(
    keys: Sequence[T], lo: int, hi: int, start: int, size: int, keep: Callable[[T], bool]
) -> tuple[list[T], int, int | None]:
    """The first ``size`` keys from ``start`` that ``keep`` accepts; the index to continue from, if any is left."""
    out: list[T] = []
    i = max(start, lo)
    while i < hi:
        key = keys[i]
        if keep(key):
            if len(out) == size:
                return out, start, i
            out.append(key)
        i += 1
    return out, start, None


def _scan_back(keys: Sequence[T], lo: int, start: int, size: int, keep: Callable[[T], bool]) -> int | None:
    """Where the previous page of a filtered list starts: the position of the ``size``-th key before ``start``
    that ``keep`` accepts (scanning backwards only that far), ``lo`` when fewer are left, None on the first page."""
    if start <= lo:
        return None
    found = 0
    i = start - 1
    while i >= lo:
        if keep(keys[i]):
            found += 1
            if found == size:
                return i
        i -= 1
    return lo


def package_page(
    repo: Repository, fmt: str | None, query: str | None, start: int, size: int = PAGE_SIZE
) -> Page[Package]:
    """Packages in ListPackages order, optionally of one format (a contiguous range of the sorted keys, found by
    bisection) and whose name or namespace contains ``query`` (case-insensitive; scanned from ``start`` only
    until the page is full)."""
    packages = table(repo)
    keys = packages.keys_sorted
    lo, hi = 0, len(keys)
    if fmt:
        lo = bisect_left(keys, (fmt,))
        hi = bisect_left(keys, (fmt + "\x00",))
    if not query:
        items, first, nxt, prev = _slice_page(keys, lo, hi, start, size)
        return Page([packages[k] for k in items], first - lo, _rel(nxt, lo), _rel(prev, lo), hi - lo)
    needle = query.casefold()

    def keep(k: tuple[str, str, str]) -> bool:
        return needle in k[2].casefold() or needle in k[1].casefold()

    start = min(max(start + lo, lo), hi)
    found, first, nxt = _scan_page(keys, lo, hi, start, size, keep)
    prev = _scan_back(keys, lo, first, size, keep)
    return Page([packages[k] for k in found], first - lo, _rel(nxt, lo), _rel(prev, lo), None)


def search_domain(d: Domain, fmt: str | None, query: str | None, limit: int) -> list[tuple[Repository, Package]]:
    """Up to ``limit`` packages of the domain's repositories (by repository name, then ListPackages order) of
    format ``fmt`` whose name or namespace contains ``query``; stops as soon as ``limit`` are found."""
    out: list[tuple[Repository, Package]] = []
    needle = query.casefold() if query else None
    for name in sorted(d.repositories):
        repo = d.repositories[name]
        packages = table(repo)
        keys = packages.keys_sorted
        lo, hi = (bisect_left(keys, (fmt,)), bisect_left(keys, (fmt + "\x00",))) if fmt else (0, len(keys))
        for i in range(lo, hi):
            key = keys[i]
            if needle is None or needle in key[2].casefold() or needle in key[1].casefold():
                out.append((repo, packages[key]))
                if len(out) >= limit:
                    return out
    return out


def _rel(index: int | None, lo: int) -> int | None:
    return None if index is None else index - lo


# Version orders: the format's own version order newest first (ListPackageVersions' default), oldest first, and
# most recently published first (sortBy=PUBLISHED_TIME).
NEWEST_VERSION = "newest"
OLDEST_VERSION = "oldest"
RECENTLY_PUBLISHED = "published"
VERSION_ORDERS = (NEWEST_VERSION, OLDEST_VERSION, RECENTLY_PUBLISHED)


def version_page(
    pkg: Package, order: str, status: str | None, start: int, size: int = PAGE_SIZE
) -> Page[PackageVersion]:
    """Versions in the format's version order (``Package.by_version``, read backwards for newest first) or most
    recently published first (``Package.by_time`` read backwards), optionally of one status (scanned from
    ``start`` until the page is full)."""
    versions = pkg.versions
    n = len(versions)
    if order == RECENTLY_PUBLISHED:
        by_time = pkg.by_time

        def at(i: int) -> PackageVersion:
            return versions[by_time[n - 1 - i][2]]

    elif order == NEWEST_VERSION:
        newest_last = pkg.by_version

        def at(i: int) -> PackageVersion:
            return versions[newest_last[n - 1 - i][1]]

    else:
        by_version = pkg.by_version

        def at(i: int) -> PackageVersion:
            return versions[by_version[i][1]]

    if not status:
        start = min(max(start, 0), max(n - 1, 0))
        end = min(start + size, n)
        items = [at(i) for i in range(start, end)]
        return Page(items, start, end if end < n else None, max(start - size, 0) if start > 0 else None, n)
    start = min(max(start, 0), n)
    positions = range(n)
    found, first, nxt = _scan_page(positions, 0, n, start, size, lambda i: at(i).status == status)
    prev = _scan_back(positions, 0, first, size, lambda i: at(i).status == status)
    return Page([at(i) for i in found], first, nxt, prev, None)


# --------------------------------------------------------------------------- package groups


def groups_of(d: Domain) -> GroupRegistry:
    """The domain's package groups. A domain nobody asked about yet has only the implicit root group: it is
    built here without attaching it to the domain, so looking never changes state."""
    groups = d.package_groups
    return groups if isinstance(groups, GroupRegistry) else GroupRegistry(d)


@dataclass(frozen=True)
class Association:
    group: PackageGroup
    strong: bool
    # restriction type -> (effective mode, the group it comes from)
    effective: dict[str, tuple[str, PackageGroup]]


def association(d: Domain, pkg: Package) -> Association:
    """The package group that governs a package (GetAssociatedPackageGroup's answer) and its effective modes."""
    ns, name = normalize(pkg.format, pkg.namespace, pkg.name)
    group, strong = groups_of(d).associate(pkg.format, ns, name)
    return Association(group, strong, {t: group.effective(t) for t in RESTRICTION_TYPES})


# --------------------------------------------------------------------------- upstream graph


@dataclass(frozen=True)
class Graph:
    """Repositories (and external connections, as ``"ext:<name>"``) in columns, with edges downstream -> upstream.

    ``columns[0]`` holds repositories that nothing lists as an upstream (within the graph); each upstream sits
    one column to the right of the furthest repository that lists it. ``missing`` are upstream names that no
    longer exist (AWS keeps a deleted upstream listed on its downstreams)."""

    columns: list[list[str]]
    edges: list[tuple[str, str]]
    missing: frozenset[str]


def upstream_graph(d: Domain, focus: Repository | None = None) -> Graph:
    """The domain's upstream graph, or with ``focus`` only that repository, its direct downstreams and every
    repository it reaches through upstreams."""
    repos = d.repositories
    if focus is None:
        names = list(repos)
    else:
        names = [r.name for r in repos.values() if focus.name in r.upstreams]
        seen = set(names)
        todo = [focus.name]
        while todo:
            name = todo.pop()
            if name in seen and name != focus.name:
                continue
            seen.add(name)
            names.append(name)
            repo = repos.get(name)
            if repo is not None:
                todo.extend(u for u in reversed(repo.upstreams) if u not in seen)
    nodes = list(dict.fromkeys(names))
    edges: list[tuple[str, str]] = []
    missing: set[str] = set()
    for name in nodes:
        repo = repos.get(name)
        if repo is None:
            missing.add(name)
            continue
        for up in repo.upstreams:
            if up in nodes or up not in repos:
                edges.append((name, up))
                if up not in repos and up not in nodes:
                    nodes.append(up)
                    missing.add(up)
        for conn in repo.external_connections:
            ext = f"ext:{conn}"
            if ext not in nodes:
                nodes.append(ext)
            edges.append((name, ext))
    # Longest-path layering; a cycle (which AWS refuses, but a mock's state may hold) is cut by the bound.
    level = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes)):
        changed = False
        for src, dst in edges:
            if level[dst] < level[src] + 1 <= len(nodes):
                level[dst] = level[src] + 1
                changed = True
        if not changed:
            break
    columns: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for name in nodes:
        columns[level[name]].append(name)
    return Graph(columns, edges, frozenset(missing))
