"""Package-group definitions: parsing, matching, specificity and an index for most-specific lookups.

A definition mirrors a package path ``/format/namespace/name``: it names a leading part of the path and ends
with a suffix that says how the last named component matches (AWS user guide, "Package group definition
syntax and matching behavior"):

======================================  =====  =========================================================
shape                                   level  matches
======================================  =====  =========================================================
``/*``                                  0      every package
``/npm/*``                              1      every package of a format
``/maven/com.anycompany~``              2      namespaces that start with a word-boundary prefix
``/npm/space/*``                        3      every package of one namespace (blank: none, ``/npm//*``)
``/npm/space/anycompany-ui~``           4      names in one namespace that start with a word-boundary prefix
``/maven/org.apache.logging.log4j/x$``  5      exactly one package
======================================  =====  =========================================================

Formats without a namespace (pypi, nuget, ruby, cargo) use a blank namespace section (``/pypi//requests$``).
A pattern matches a strict subset of the packages of every pattern it sorts after in ``rank`` order among the
patterns that match one package, so "most specific" is simply "highest rank".

Matching is *strong* when the coordinate matches the pattern as written and *weak* when only a variation
matches (case-folded, every run of ``-``, ``.`` and ``_`` read as one ``.``). The index is keyed by that
variation, so one dictionary lookup per word boundary of the namespace and of the name finds every candidate:
the cost of a lookup depends on the length of the coordinate, never on the number of patterns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from ..errors import ValidationException
from .coordinates import FORMATS, NAMESPACE_FORBIDDEN, NAMESPACE_REQUIRED
from .formats import BY_NAME

ROOT = "/*"

_SEPARATOR_RUNS = re.compile(r"[-._]+")


def normalize(fmt: str, namespace: str | None, name: str) -> tuple[str | None, str]:
    """The coordinate CodeArtifact stores and matches: PyPI (PEP 503), NuGet and Swift names are normalized (the
    storage normalization of ``coordinates.storage_coordinates``)."""
    rules = BY_NAME.get(fmt)
    if rules is None:
        return namespace, name
    return (rules.api_namespace(namespace) if namespace is not None else None), rules.stored(name)


def variation(value: str) -> str:
    """The form weak matching compares: case-folded, each run of ``-``, ``.``, ``_`` replaced by one ``.``.

    AWS also folds confusable characters; the mock does not (documented in docs/package-groups.md).
    """
    return _SEPARATOR_RUNS.sub(".", value.casefold())


def is_word_char(ch: str) -> bool:
    # A word is [\p{L}\p{N}][\p{L}\p{N}\p{M}]*: letters, numbers and combining marks.
    return unicodedata.category(ch)[0] in "LNM"


def has_word_prefix(value: str, prefix: str) -> bool:
    """``value`` starts with ``prefix`` and the prefix ends at a word boundary of ``value``."""
    return value.startswith(prefix) and (len(value) == len(prefix) or not is_word_char(value[len(prefix)]))


def _boundaries(value: str) -> Iterator[int]:
    """Every i such that ``value[:i]`` is a non-empty word-boundary prefix of ``value``."""
    n = len(value)
    for i in range(1, n + 1):
        if is_word_char(value[i - 1]) and (i == n or not is_word_char(value[i])):
            yield i


def _invalid(pattern: str, why: str) -> ValidationException:
    return ValidationException(f"Invalid package group pattern '{pattern}': {why}")


@dataclass(frozen=True, slots=True)
class Pattern:
    """One parsed package-group definition."""

    text: str
    level: int
    fmt: str | None = None
    # Level 2: the namespace prefix; levels 3-5: the namespace ("" when blank).
    namespace: str | None = None
    # Level 4: the name prefix; level 5: the name.
    name: str | None = None
    key: tuple[object, ...] = field(default=(), compare=False)
    rank: tuple[int, int] = field(default=(0, 0), compare=False)
    tree_key: str = field(default="", compare=False)

    @property
    def coordinates(self) -> tuple[str | None, str | None, str | None]:
        """The pattern read as a (partial) coordinate: what its ancestors must match."""
        return self.fmt, self.namespace, self.name

    def matches(self, fmt: str, namespace: str | None, name: str | None) -> bool:
        """Strong (as written) match of a coordinate; ``namespace`` "" is a blank namespace."""
        level = self.level
        if level == 0:
            return True
        if fmt != self.fmt:
            return False
        if level == 1:
            return True
        if namespace is None:
            return False
        if level == 2:
            return has_word_prefix(namespace, self.namespace or "")
        if namespace != self.namespace:
            return False
        if level == 3:
            return True
        if name is None:
            return False
        if level == 4:
            return has_word_prefix(name, self.name or "")
        return name == self.name

    def match(self, fmt: str, namespace: str, name: str) -> str | None:
        """``"STRONG"``, ``"WEAK"`` (only a variation matches) or None, for a package coordinate."""
        if self.matches(fmt, namespace, name):
            return "STRONG"
        if self.level <= 1:
            return None
        if fmt != self.fmt:
            return None
        v_ns = variation(namespace)
        if self.level == 2:
            return "WEAK" if has_word_prefix(v_ns, variation(self.namespace or "")) else None
        if v_ns != variation(self.namespace or ""):
            return None
        if self.level == 3:
            return "WEAK"
        v_name = variation(name)
        if self.level == 4:
            return "WEAK" if has_word_prefix(v_name, variation(self.name or "")) else None
        return "WEAK" if v_name == variation(self.name or "") else None

    def contains(self, other: Pattern) -> bool:
        """Whether ``other`` matches a proper subset of the packages this pattern matches."""
        fmt, namespace, name = other.coordinates
        # A more specific pattern than this one always names a format.
        return other.rank > self.rank and fmt is not None and self.matches(fmt, namespace, name)


def _build(text: str, level: int, fmt: str | None = None, ns: str | None = None, name: str | None = None) -> Pattern:
    if level == 0:
        key: tuple[object, ...] = (0,)
        rank = (0, 0)
        tree = ""
    elif level == 1:
        key, rank, tree = (1, fmt), (1, 0), f"{fmt}\0"
    elif level == 2:
        v = variation(ns or "")
        key, rank, tree = (2, fmt, v), (2, len(v)), f"{fmt}\0{ns}"
    elif level == 3:
        key, rank, tree = (3, fmt, variation(ns or "")), (3, 0), f"{fmt}\0{ns}\1"
    elif level == 4:
        v = variation(name or "")
        key, rank, tree = (4, fmt, variation(ns or ""), v), (4, len(v)), f"{fmt}\0{ns}\1{name}"
    else:
        key, rank = (5, fmt, variation(ns or ""), variation(name or "")), (5, 0)
        tree = f"{fmt}\0{ns}\1{name}\2"
    return Pattern(text, level, fmt, ns, name, key, rank, tree)


def parse(text: str) -> Pattern:
    """Parse a definition, or raise ValidationException saying what is wrong with it.

    The user guide lists the valid shapes but not the errors for invalid ones; every malformed pattern is a
    ValidationException here (undocumented; see docs/package-groups.md).
    """
    if text == ROOT:
        return _build(text, 0)
    if not text.startswith("/"):
        raise _invalid(text, "a pattern starts with '/' (for example '/npm/*')")
    suffix = text[-1]
    if suffix not in "$~*":
        raise _invalid(text, "a pattern ends with '*', '$' or '~'")
    body = text[1:-1]
    fmt = body.split("/", 1)[0]
    if fmt not in FORMATS:
        raise _invalid(text, f"unknown package format '{fmt}' (valid formats: {', '.join(FORMATS)})")
    if suffix == "*":
        if not body.endswith("/"):
            raise _invalid(text, "'*' must directly follow '/'")
        parts = body[:-1].split("/")
        if len(parts) > 2:
            raise _invalid(text, "'*' can only follow the format or the namespace (for example '/npm/space/*')")
    else:
        parts = body.split("/")
        if len(parts) == 1:
            raise _invalid(text, f"the format cannot be matched with '{suffix}'; use '/{parts[0]}/*'")
        if len(parts) > 3:
            raise _invalid(text, "a pattern has at most three components: /format/namespace/name")
        if len(parts) == 2 and suffix == "$":
            raise _invalid(text, "'$' matches a full package coordinate: give a name ('/format/namespace/name$')")
    if any("*" in part for part in parts):
        raise _invalid(text, "'*' can only be the last character of a pattern")
    if len(parts) == 1:
        return _build(text, 1, fmt)
    ns = parts[1]
    if fmt in NAMESPACE_FORBIDDEN:
        if ns:
            raise _invalid(text, f"{fmt} packages have no namespace; leave it blank ('/{fmt}//name$')")
        if len(parts) == 2:
            raise _invalid(text, f"{fmt} packages have no namespace; use '/{fmt}/*' or give a name")
    elif not ns and (fmt in NAMESPACE_REQUIRED or len(parts) == 2 and suffix == "~"):
        raise _invalid(text, f"a namespace is required for {fmt} packages ('/{fmt}/namespace/...')")
    normalized_ns = normalize(fmt, ns, "")[0]
    if ns != normalized_ns:
        raise _invalid(text, f"{fmt} namespaces are normalized; use '{normalized_ns}'")
    if len(parts) == 2:
        if suffix == "*":
            return _build(text, 3, fmt, ns)
        if not is_word_char(ns[-1]):
            raise _invalid(text, "'~' must follow a word character; use '*' after a non-word character")
        return _build(text, 2, fmt, ns)
    name = parts[2]
    if not name:
        raise _invalid(text, "the package name is empty")
    normalized = normalize(fmt, ns, name)[1]
    if name != normalized:
        raise _invalid(text, f"{fmt} package names are normalized; use '{normalized}'")
    if suffix == "~":
        if not is_word_char(name[-1]):
            raise _invalid(text, "'~' must follow a word character; use '*' after a non-word character")
        return _build(text, 4, fmt, ns, name)
    return _build(text, 5, fmt, ns, name)


class HasPattern(Protocol):
    @property
    def pattern(self) -> Pattern: ...


T = TypeVar("T", bound=HasPattern)


class PatternIndex(Generic[T]):
    """Items (package groups) by the weak-match key of their pattern."""

    __slots__ = ("_buckets",)

    def __init__(self) -> None:
        self._buckets: dict[tuple[object, ...], list[T]] = {}

    def add(self, item: T) -> None:
        self._buckets.setdefault(item.pattern.key, []).append(item)

    def remove(self, item: T) -> None:
        bucket = self._buckets[item.pattern.key]
        bucket.remove(item)
        if not bucket:
            del self._buckets[item.pattern.key]

    def candidates(self, fmt: str | None, namespace: str | None, name: str | None) -> Iterator[tuple[int, int, T]]:
        """Every item whose pattern matches the coordinate weakly (or strongly), least specific first.

        Yields ``(level, prefix length, item)``; the cost is one dictionary lookup per word boundary.
        """
        get = self._buckets.get
        for item in get((0,), ()):
            yield 0, 0, item
        if fmt is None:
            return
        for item in get((1, fmt), ()):
            yield 1, 0, item
        if namespace is None:
            return
        v_ns = variation(namespace)
        for i in _boundaries(v_ns):
            for item in get((2, fmt, v_ns[:i]), ()):
                yield 2, i, item
        for item in get((3, fmt, v_ns), ()):
            yield 3, 0, item
        if name is None:
            return
        v_name = variation(name)
        for i in _boundaries(v_name):
            for item in get((4, fmt, v_ns, v_name[:i]), ()):
                yield 4, i, item
        for item in get((5, fmt, v_ns, v_name), ()):
            yield 5, 0, item

    def associate(self, fmt: str, namespace: str | None, name: str) -> tuple[T | None, bool]:
        """The most specific item matching a package and whether the match is strong.

        A weak match of a more specific pattern wins over a strong match of a less specific one (that is what
        keeps variations of a name from rolling up to a more general group). Among patterns equally specific,
        a strong match wins; ties between weak matches go to the first pattern in text order.
        """
        ns = namespace or ""
        best: T | None = None
        best_rank = (-1, -1)
        best_strong = False
        for level, length, item in self.candidates(fmt, ns, name):
            strong = item.pattern.matches(fmt, ns, name)
            rank = (level, length)
            if rank > best_rank:
                best, best_rank, best_strong = item, rank, strong
            elif best is not None and (
                (strong and not best_strong) or (strong == best_strong and item.pattern.text < best.pattern.text)
            ):
                best, best_strong = item, strong
        return best, best_strong

    def parent_of(self, pattern: Pattern) -> T | None:
        """The most specific item whose pattern (strongly) contains ``pattern``: its direct parent."""
        parent: T | None = None
        for _, _, item in self.candidates(*pattern.coordinates):
            if item.pattern.contains(pattern):
                parent = item  # candidates come least specific first, so the last one is the most specific
        return parent
