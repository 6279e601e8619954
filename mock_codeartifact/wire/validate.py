"""Constraint checks compiled from botocore shapes: required, type, length, pattern, enum and range.

botocore only checks required members, types and minimums on the client, so every maximum, pattern and enum
must be enforced here, with the message format AWS uses::

    1 validation error detected: Value 'Bad_Name' at 'domain' failed to satisfy constraint: Member must
    satisfy regular expression pattern: [a-z][a-z0-9\\-]{0,48}[a-z0-9]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from ..remembered import Passed
from .patterns import compile_pattern

Check = Callable[[Any, str, list[str]], None]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "list": (list,),
    "structure": (dict,),
    "map": (dict,),
    "timestamp": (int, float, str),
    "blob": (bytes, str),
    "double": (int, float),
    "float": (int, float),
}


class TypeMismatch(Exception):
    """A value of the wrong JSON type: AWS cannot even deserialize it."""


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fail(errors: list[str], value: Any, path: str, constraint: str) -> None:
    errors.append(f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: {constraint}")


def _compile(shape: Shape, cache: dict[str, Check]) -> Check:
    cached = cache.get(shape.name)
    if cached is not None:
        return cached
    # Recursive shapes refer back through the cache; install a trampoline first.
    slot: list[Check] = []
    cache[shape.name] = lambda v, p, e: slot[0](v, p, e)
    check = _build(shape, cache)
    slot.append(check)
    cache[shape.name] = check
    return check


def _build(shape: Shape, cache: dict[str, Check]) -> Check:
    meta = shape.metadata
    kind = shape.type_name
    allowed = _TYPES.get(kind, (object,))
    parts: list[Check] = []

    if kind == "string":
        lo, hi = meta.get("min"), meta.get("max")
        pattern = meta.get("pattern")
        enum = shape.enum
        if lo is not None:
            parts.append(_min_len(lo))
        if hi is not None:
            parts.append(_max_len(hi))
        if pattern:
            parts.append(_pattern(pattern))
        if enum:
            parts.append(_enum(list(enum)))
    elif kind in ("integer", "long", "double", "float"):
        lo, hi = meta.get("min"), meta.get("max")
        if lo is not None or hi is not None:
            parts.append(_range(lo, hi))
    elif kind == "list":
        lo, hi = meta.get("min"), meta.get("max")
        if lo is not None:
            parts.append(_min_len(lo))
        if hi is not None:
            parts.append(_max_len(hi))
        item = _compile(shape.member, cache)

        def items(value: list[Any], path: str, errors: list[str]) -> None:
            for i, v in enumerate(value, 1):
                if v is None:  # a JSON null inside a list reaches no backend
                    errors.append(
                        f"Value null at '{path}.{i}.member' failed to satisfy constraint: Member must not be null"
                    )
                else:
                    item(v, f"{path}.{i}.member", errors)

        parts.append(items)
    elif kind == "map":
        key_check = _compile(shape.key, cache)
        value_check = _compile(shape.value, cache)
        lo, hi = meta.get("min"), meta.get("max")
        if lo is not None:
            parts.append(_min_len(lo))
        if hi is not None:
            parts.append(_max_len(hi))

        def entries(value: dict[Any, Any], path: str, errors: list[str]) -> None:
            for k, v in value.items():
                key_check(k, f"{path}.key", errors)
                if v is None:  # a JSON null as a map value reaches no backend (as in lists)
                    errors.append(
                        f"Value null at '{path}.{k}.value' failed to satisfy constraint: Member must not be null"
                    )
                else:
                    value_check(v, f"{path}.{k}.value" if isinstance(k, str) else path, errors)

        parts.append(entries)
    elif kind == "structure":
        parts.append(structure_check(shape, cache))

    if kind == "string" and parts:
        return _remembering(parts)

    def check(value: Any, path: str, errors: list[str]) -> None:
        if value is None:
            return
        if not isinstance(value, allowed) or (kind in ("integer", "long") and isinstance(value, bool)):
            raise TypeMismatch(f"Value at '{path}' is not a valid {kind}")
        for part in parts:
            part(value, path, errors)

    return check


def _remembering(parts: list[Check]) -> Check:
    """A string shape's check that remembers the values that passed (a string's validity depends on the string
    alone), so a value seen before costs one set lookup."""
    passed: Passed[str] = Passed()

    def check(value: Any, path: str, errors: list[str]) -> None:
        if type(value) is str:
            if value in passed:
                return
        elif value is None:
            return
        elif not isinstance(value, str):
            raise TypeMismatch(f"Value at '{path}' is not a valid string")
        before = len(errors)
        for part in parts:
            part(value, path, errors)
        if len(errors) == before:
            passed.add(value)

    return check


def structure_check(shape: Shape, cache: dict[str, Check]) -> Check:
    required = list(shape.required_members)
    members = [(name, _compile(member, cache)) for name, member in shape.members.items()]

    def check(value: dict[str, Any], path: str, errors: list[str]) -> None:
        prefix = f"{path}." if path else ""
        for name in required:
            if value.get(name) is None:
                errors.append(f"Value null at '{prefix}{name}' failed to satisfy constraint: Member must not be null")
        for name, member_check in members:
            v = value.get(name)
            if v is not None:
                member_check(v, prefix + name, errors)

    return check


def input_check(shape: Shape | None, cache: dict[str, Check]) -> Check:
    """The check for an operation's whole input; member paths are the model's member names."""
    if shape is None:
        return lambda v, p, e: None
    return structure_check(shape, cache)


def _min_len(n: int) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if len(value) < n:
            _fail(errors, value, path, f"Member must have length greater than or equal to {n}")

    return check


def _max_len(n: int) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if len(value) > n:
            _fail(errors, value, path, f"Member must have length less than or equal to {n}")

    return check


def _pattern(pattern: str) -> Check:
    test = compile_pattern(pattern)

    def check(value: str, path: str, errors: list[str]) -> None:
        if not test(value):
            _fail(errors, value, path, f"Member must satisfy regular expression pattern: {pattern}")

    return check


def _enum(values: list[str]) -> Check:
    allowed = frozenset(values)
    text = "[" + ", ".join(values) + "]"

    def check(value: str, path: str, errors: list[str]) -> None:
        if value not in allowed:
            _fail(errors, value, path, f"Member must satisfy enum value set: {text}")

    return check


def _range(lo: int | None, hi: int | None) -> Check:
    def check(value: int, path: str, errors: list[str]) -> None:
        if lo is not None and value < lo:
            _fail(errors, value, path, f"Member must have value greater than or equal to {lo}")
        elif hi is not None and value > hi:
            _fail(errors, value, path, f"Member must have value less than or equal to {hi}")

    return check


def summarize(errors: list[str]) -> str:
    n = len(errors)
    return f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(errors)
