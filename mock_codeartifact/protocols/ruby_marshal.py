"""A writer for Ruby's ``Marshal`` format 4.8, just large enough for what RubyGems and Bundler read from a gem
server: the dependency API's answer (an Array of Hashes with Symbol keys) and the ``quick/Marshal.4.8``
gemspecs (a ``Gem::Specification`` with ``Gem::Version``, ``Gem::Requirement`` and ``Gem::Dependency`` inside).

Python values map to Ruby values as follows: ``None``/``True``/``False``, ``int``, ``str`` (a UTF-8 String),
``bytes`` (a binary String), ``list`` (Array), ``dict`` (Hash), ``Symbol`` (Symbol), ``RubyObject`` (a plain
object with instance variables), ``UserMarshal`` (an object whose class defines ``marshal_dump``) and
``UserDefined`` (an object whose class defines ``_dump``; its payload is written verbatim).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Gem::Platform::RUBY, the platform of a gem without native code: RubyGems' word, not the package format's name.
PURE_RUBY = "ruby"


@dataclass(frozen=True)
class Symbol:
    name: str


@dataclass
class RubyObject:
    class_name: str
    ivars: dict[str, Any] = field(default_factory=dict)  # names without the leading "@"


@dataclass
class UserMarshal:
    class_name: str
    data: Any


@dataclass
class UserDefined:
    class_name: str
    payload: bytes


def dumps(value: Any) -> bytes:
    writer = _Writer()
    writer.value(value)
    return b"\x04\x08" + bytes(writer.out)


class _Writer:
    def __init__(self) -> None:
        self.out = bytearray()
        self.symbols: dict[str, int] = {}

    def long(self, n: int) -> None:
        out = self.out
        if n == 0:
            out.append(0)
        elif 0 < n < 123:
            out.append(n + 5)
        elif -124 < n < 0:
            out.append((n - 5) & 0xFF)
        else:
            buf = bytearray()
            x = n
            for _ in range(4):
                buf.append(x & 0xFF)
                x >>= 8
                if (n >= 0 and x == 0) or (n < 0 and x == -1):
                    break
            size = len(buf)
            out.append(size if n >= 0 else (256 - size))
            out += buf

    def raw(self, data: bytes) -> None:
        self.long(len(data))
        self.out += data

    def symbol(self, name: str) -> None:
        index = self.symbols.get(name)
        if index is not None:
            self.out += b";"
            self.long(index)
            return
        self.symbols[name] = len(self.symbols)
        self.out += b":"
        self.raw(name.encode())

    def value(self, v: Any) -> None:
        out = self.out
        if v is None:
            out += b"0"
        elif v is True:
            out += b"T"
        elif v is False:
            out += b"F"
        elif isinstance(v, int):
            if -(2**30) <= v < 2**30:
                out += b"i"
                self.long(v)
            else:
                raise ValueError("integers beyond 2**30 are not needed here")
        elif isinstance(v, str):
            out += b'I"'
            self.raw(v.encode())
            self.long(1)
            self.symbol("E")
            out += b"T"
        elif isinstance(v, bytes):
            out += b'"'
            self.raw(v)
        elif isinstance(v, Symbol):
            self.symbol(v.name)
        elif isinstance(v, list | tuple):
            out += b"["
            self.long(len(v))
            for item in v:
                self.value(item)
        elif isinstance(v, dict):
            out += b"{"
            self.long(len(v))
            for key, item in v.items():
                self.value(key)
                self.value(item)
        elif isinstance(v, RubyObject):
            out += b"o"
            self.symbol(v.class_name)
            self.long(len(v.ivars))
            for key, item in v.ivars.items():
                self.symbol("@" + key)
                self.value(item)
        elif isinstance(v, UserMarshal):
            out += b"U"
            self.symbol(v.class_name)
            self.value(v.data)
        elif isinstance(v, UserDefined):
            out += b"u"
            self.symbol(v.class_name)
            self.raw(v.payload)
        else:
            raise TypeError(f"cannot marshal {type(v).__name__}")


# ------------------------------------------------------------------------------------- RubyGems objects


def gem_version(version: str) -> UserMarshal:
    return UserMarshal("Gem::Version", [version])


def gem_requirement(requirements: list[tuple[str, str]]) -> UserMarshal:
    """``Gem::Requirement`` from ``[(op, version), ...]`` (``>= 0`` when empty)."""
    reqs = requirements or [(">=", "0")]
    return UserMarshal("Gem::Requirement", [[[op, gem_version(v)] for op, v in reqs]])


def gem_dependency(name: str, requirements: list[tuple[str, str]], kind: str) -> RubyObject:
    prerelease = any(any(c.isalpha() for c in v) for _, v in requirements)
    return RubyObject(
        "Gem::Dependency",
        {
            "name": name,
            "requirement": gem_requirement(requirements),
            "type": Symbol(kind),
            "prerelease": prerelease,
            "version_requirements": gem_requirement(requirements),
        },
    )


def gem_specification(spec: dict[str, Any]) -> bytes:
    """``Marshal.dump`` of a ``Gem::Specification`` (the layout of ``Gem::Specification#_dump``), from a dict with
    ``name``, ``version``, ``platform``, ``summary``, ``date`` (``YYYY-MM-DD``), ``authors``, ``email``,
    ``description``, ``homepage``, ``licenses``, ``metadata``, ``required_ruby_version`` and
    ``required_rubygems_version`` (lists of ``(op, version)``), ``dependencies`` (``(name, [(op, version)], kind)``),
    ``rubygems_version`` and ``specification_version``."""
    fields = [
        spec.get("rubygems_version") or "3.3.15",
        int(spec.get("specification_version") or 4),
        spec["name"],
        gem_version(spec["version"]),
        spec.get("date"),
        spec.get("summary") or "",
        gem_requirement(spec.get("required_ruby_version") or []),
        gem_requirement(spec.get("required_rubygems_version") or []),
        spec.get("platform") or PURE_RUBY,
        [gem_dependency(n, r, k) for n, r, k in spec.get("dependencies") or []],
        "",  # rubyforge_project
        spec.get("email"),
        list(spec.get("authors") or []),
        spec.get("description"),
        spec.get("homepage"),
        True,  # has_rdoc
        spec.get("platform") or PURE_RUBY,
        list(spec.get("licenses") or []),
        dict(spec.get("metadata") or {}),
    ]
    return dumps(UserDefined("Gem::Specification", dumps(fields)))
