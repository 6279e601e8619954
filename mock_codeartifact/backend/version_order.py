"""The version orders of the package formats, as sort keys (each record of ``formats.py`` names its own).

AWS lists a package's versions newest first when no ``sortBy`` is given (the CLI's ``list-package-versions`` example
and the user guide list ``1.0.1, 1.0.0, 0.1.2, 0.1.1, 0.1.0``); which order "newest" means per format is not
documented, so each format uses the order its own package manager uses (the functions below, by format):

* pypi: PEP 440 through ``packaging`` (``1.0a1 < 1.0rc1 < 1.0 < 1.0.post1``);
* npm, cargo, swift: SemVer 2.0 precedence (a pre-release sorts before its release; build metadata is ignored);
* nuget: NuGet's SemVer 2.0 with a fourth numeric part, pre-release labels compared case-insensitively;
* maven: Maven's ``ComparableVersion`` rules for the usual qualifiers
  (``alpha < beta < milestone < rc < SNAPSHOT < release < sp``, unknown qualifiers after them, by text);
* ruby: ``Gem::Version`` (a segment with letters makes a pre-release, trailing zeros don't count);
* generic and anything that does not parse in its format's grammar: natural order (digit runs as numbers).

A version that does not parse sorts before every version that does. ``formats.version_key`` adds the version string
itself to break ties, so every key is unique and a page token (the last version of a page) finds its place again
with ``bisect``.
"""

from __future__ import annotations

import re
from typing import Any

from packaging.version import InvalidVersion, Version

_RUNS = re.compile(r"\d+|\D+")
_SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$"
)
_NUGET = re.compile(
    r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$"
)
_MAVEN_ITEMS = re.compile(r"\d+|[A-Za-z]+")
_MAVEN_RANKS = {"alpha": 1, "a": 1, "beta": 2, "b": 2, "milestone": 3, "m": 3, "rc": 4, "cr": 4, "snapshot": 5}
_MAVEN_RELEASE = {"", "ga", "final", "release"}
_GEM_SEGMENTS = re.compile(r"\d+|[A-Za-z]+")
# Item encodings shared by the Maven and RubyGems keys: a qualifier that makes a pre-release sorts below the end
# of the version (_END), a number or a post-release qualifier above it. "1-alpha" < "1" < "1-sp" < "1.1".
_END = (2, 0, "")


def natural(version: str) -> tuple[Any, ...]:
    return (0, tuple((0, int(r), "") if r.isdigit() else (1, 0, r) for r in _RUNS.findall(version)))


def _prerelease(label: str | None, fold_case: bool = False) -> tuple[Any, ...]:
    # A release sorts after all its pre-releases; numeric identifiers sort before alphanumeric ones.
    if not label:
        return (1,)
    parts = []
    for ident in label.split("."):
        if ident.isdigit():
            parts.append((0, int(ident), ""))
        else:
            parts.append((1, 0, ident.lower() if fold_case else ident))
    return (0, tuple(parts))


def semver(version: str) -> tuple[Any, ...]:
    m = _SEMVER.match(version)
    if m is None:
        return natural(version)
    return (1, int(m[1]), int(m[2]), int(m[3]), _prerelease(m[4]))


def nuget(version: str) -> tuple[Any, ...]:
    m = _NUGET.match(version)
    if m is None:
        return natural(version)
    numbers = tuple(int(g) if g else 0 for g in m.groups()[:4])
    return (1, *numbers, _prerelease(m[5], fold_case=True))


def pep440(version: str) -> tuple[Any, ...]:
    try:
        return (1, Version(version))
    except InvalidVersion:
        return natural(version)


def _trim(items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    while items and items[-1] in ((3, 0, ""), _END):  # trailing zeros and release qualifiers don't count
        items.pop()
    return items


def maven(version: str) -> tuple[Any, ...]:
    items: list[tuple[int, int, str]] = []
    for token in _MAVEN_ITEMS.findall(version):
        if token.isdigit():
            items.append((3, int(token), ""))
            continue
        q = token.lower()
        if q in _MAVEN_RELEASE:
            item = _END
        elif q in _MAVEN_RANKS:
            item = (1, _MAVEN_RANKS[q], "")
        elif q == "sp":
            item = (2, 1, "")
        else:
            item = (2, 2, q)
        _trim(items).append(item)  # "1.0-alpha" is "1-alpha": zeros before a qualifier don't count
    return (1, tuple(_trim(items)) + (_END,))


def gem(version: str) -> tuple[Any, ...]:
    items: list[tuple[int, int, str]] = []
    for seg in _GEM_SEGMENTS.findall(version):
        if seg.isdigit():
            items.append((3, int(seg), ""))
        else:
            _trim(items).append((1, 0, seg))  # "1.0.a" is "1.a", a pre-release of 1
    if not items:
        return natural(version)
    return (1, tuple(_trim(items)) + (_END,))
