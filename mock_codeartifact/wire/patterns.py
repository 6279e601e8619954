"""Turn the model's (Java-flavoured) ``pattern`` constraints into Python predicates.

AWS matches the whole value against the pattern. Python's ``re`` has no Unicode property classes, so a
pattern made of a single character class with ``\\p{..}``/``\\P{..}`` items and a ``*``/``+`` quantifier
(the only shape of such patterns in the CodeArtifact model) becomes a per-character predicate; every other
pattern is compiled with ``re`` and matched with ``fullmatch``.

The service validates with ``java.util.regex``, whose ``\\s``, ``\\d`` and ``\\w`` are ASCII classes
(``\\s`` is ``[ \\t\\n\\x0B\\f\\r]``) unless a pattern asks for Unicode; Python's are Unicode for ``str``.
So ``re`` patterns are compiled with ``re.ASCII`` (its ``\\s`` is that very set), and ``\\s`` inside a property
class is the same set: U+00A0 or U+2003 match ``\\S`` and ``[^#/\\s]``, as they do for AWS.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

Predicate = Callable[[str], bool]

_PROPERTY = re.compile(r"\\([pP])\{(\w+)\}|\\s")

# java.util.regex's ``\s`` without UNICODE_CHARACTER_CLASS.
_JAVA_SPACE = frozenset(" \t\n\x0b\f\r")
# Java's ``\p{IsWhitespace}``: the Unicode White_Space property (PropList.txt), which differs from Python's
# ``str.isspace`` (that also counts U+001C..U+001F).
_JAVA_WHITE_SPACE = frozenset(
    "\t\n\x0b\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
)


def _is_other(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "C"


def _is_java_space(ch: str) -> bool:
    return ch in _JAVA_SPACE


def _is_java_white_space(ch: str) -> bool:
    return ch in _JAVA_WHITE_SPACE


def _property_test(kind: str, name: str) -> Callable[[str], bool]:
    if name == "C":
        test = _is_other
    elif name == "IsWhitespace":
        test = _is_java_white_space
    else:  # pragma: no cover - guarded by the model test
        raise ValueError(f"unsupported Unicode property {name!r}")
    if kind == "P":
        return lambda ch: not test(ch)
    return test


def _class_predicate(body: str) -> Callable[[str], bool] | None:
    """A predicate for the inside of ``[...]`` or a lone property, or None if it is not that simple."""
    negate = body.startswith("^")
    if negate:
        body = body[1:]
    tests: list[Callable[[str], bool]] = []
    pos = 0
    for m in _PROPERTY.finditer(body):
        if m.start() != pos:
            return None
        pos = m.end()
        tests.append(_is_java_space if m.group(0) == "\\s" else _property_test(m.group(1), m.group(2)))
    if pos != len(body) or not tests:
        return None
    if negate:
        return lambda ch: not any(t(ch) for t in tests)
    if len(tests) == 1:
        return tests[0]
    return lambda ch: any(t(ch) for t in tests)


@cache
def compile_pattern(pattern: str) -> Predicate:
    """Return ``test(value) -> bool`` that is true when ``value`` matches the whole ``pattern``."""
    if "\\p{" in pattern or "\\P{" in pattern:
        quant = pattern[-1]
        atom = pattern[:-1]
        if quant not in "*+":
            raise ValueError(f"unsupported pattern {pattern!r}")
        body = atom[1:-1] if atom.startswith("[") and atom.endswith("]") else atom
        char_ok = _class_predicate(body)
        if char_ok is None:
            raise ValueError(f"unsupported pattern {pattern!r}")
        minimum = 1 if quant == "+" else 0

        def test(value: str) -> bool:
            return len(value) >= minimum and all(char_ok(ch) for ch in value)

        return test
    regex = re.compile(pattern, re.DOTALL | re.ASCII)
    return lambda value: regex.fullmatch(value) is not None
