"""Package coordinates: formats, namespaces, and the name/version normalization each format documents.

Two kinds of normalization exist and must not be confused:

* **storage** (what a package manager's publish stores): PyPI names become their PEP 503 form
  (``Pigeon_CLI`` -> ``pigeon-cli``), NuGet names are lower-cased and NuGet versions normalized, Swift names
  and namespaces are lower-cased. ``storage_coordinates`` applies it; the seeding API and the protocol
  handlers call it.
* **API input** (what the control plane does with ``package``/``namespace``/``version`` parameters): AWS
  normalizes NuGet names and versions and Swift names and namespaces, but **not** PyPI names ("the normalized
  name must be used in CodeArtifact CLI or API requests"). ``api_coordinates`` applies it.

Every other format (npm, maven, generic, ruby, cargo) is never normalized (user guide, packages-overview; Ruby
and Cargo are undocumented and left alone).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from packaging.utils import canonicalize_name

from ..errors import invalid

FORMATS: tuple[str, ...] = ("npm", "pypi", "maven", "nuget", "generic", "ruby", "swift", "cargo")
# "The namespace is required when requesting packages of the following formats: Maven, Swift, generic".
NAMESPACE_REQUIRED = frozenset({"maven", "swift", "generic"})
# "Python, NuGet, Ruby, and Cargo package versions do not contain a corresponding component".
NAMESPACE_FORBIDDEN = frozenset({"pypi", "nuget", "ruby", "cargo"})

# The model's pattern as the service (Java) reads it: ``\s`` is ASCII whitespace only (see wire/patterns.py).
_NAME = re.compile(r"[^#/\s]+", re.ASCII)
_NUGET_VERSION = re.compile(r"(\d+(?:\.\d+){0,3})(-[^+]*)?(?:\+.*)?")


class Coordinate(NamedTuple):
    """Where a package lives inside one repository. ``namespace`` is None for formats without one."""

    format: str
    namespace: str | None
    name: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.format, self.namespace or "", self.name)


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise invalid(f"Invalid package format '{fmt}'. Valid formats are: {', '.join(FORMATS)}")


def check_namespace(fmt: str, namespace: str | None) -> None:
    """Reject a namespace on a format without one, and a missing namespace where the format requires one.

    Undocumented in AWS: the mock answers ValidationException on every operation that names a package
    (reads as well as writes), which keeps one rule for all of them.
    """
    if namespace is not None and fmt in NAMESPACE_FORBIDDEN:
        raise invalid(f"Package format '{fmt}' does not support namespaces, but namespace '{namespace}' was given")
    if namespace is None and fmt in NAMESPACE_REQUIRED:
        raise invalid(f"A namespace is required for packages of format '{fmt}'")


def check_text(value: str, what: str) -> None:
    """The model's constraints for package, namespace and version (1-255, ``[^#/\\s]+``), for callers that
    bypass the wire codec (the seeding API and the protocol handlers)."""
    if not 1 <= len(value) <= 255 or not _NAME.fullmatch(value):
        raise invalid(
            f"1 validation error detected: Value '{value}' at '{what}' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [^#/\\s]+ and have length between 1 and 255"
        )


def check_asset_name(name: str) -> None:
    """The model's AssetName constraint: 1-255 characters, no control/format characters (``\\P{C}+``)."""
    if not 1 <= len(name) <= 255 or any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise invalid(
            f"1 validation error detected: Value '{name}' at 'assetName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: \\P{C}+"
        )


# Generic asset names (user guide, generic-packages-overview): letters and digits of the categories below,
# the listed specials (the API documentation adds the backtick), and single inner spaces; never "." or "..".
_GENERIC_CATEGORIES = frozenset({"Ll", "Lm", "Lo", "Lt", "Lu", "Nl", "Nd"})
_GENERIC_SPECIALS = frozenset("~!@^&()-_+[]{};,.`")


def check_generic_asset_name(name: str) -> None:
    check_asset_name(name)
    ok = name not in (".", "..") and name == name.strip(" ") and "  " not in name
    if ok:
        for ch in name:
            if ch != " " and ch not in _GENERIC_SPECIALS and unicodedata.category(ch) not in _GENERIC_CATEGORIES:
                ok = False
                break
    if not ok:
        raise invalid(
            f"Invalid asset name '{name}'. Asset names may contain letters, digits, single inner spaces and the "
            "characters ~!@^&()-_+[]{};,.` and must not be '.' or '..'"
        )


def normalize_nuget_version(version: str) -> str:
    """NuGet's normalized version: build metadata dropped, leading zeros removed, three parts at least, a zero
    fourth part omitted (``12.0.03.0`` -> ``12.0.3``, ``1.0.7+r3456`` -> ``1.0.7``). A version NuGet cannot
    parse is kept as given (minus build metadata)."""
    m = _NUGET_VERSION.fullmatch(version)
    if m is None:
        return version.partition("+")[0] or version
    parts = [str(int(p)) for p in m.group(1).split(".")]
    while len(parts) < 3:
        parts.append("0")
    if len(parts) == 4 and parts[3] == "0":
        parts.pop()
    return ".".join(parts) + (m.group(2) or "")


def api_coordinates(
    fmt: str, namespace: str | None, name: str, version: str | None = None
) -> tuple[Coordinate, str | None]:
    """What AWS does to API inputs: NuGet names and versions, Swift names and namespaces are normalized; PyPI is
    not (the API needs the normalized PyPI name)."""
    if fmt == "nuget":
        name = name.lower()
        if version is not None:
            version = normalize_nuget_version(version)
    elif fmt == "swift":
        name = name.lower()
        namespace = namespace.lower() if namespace is not None else None
    return Coordinate(fmt, namespace, name), version


def api_version(fmt: str, version: str) -> str:
    return normalize_nuget_version(version) if fmt == "nuget" else version


def storage_coordinates(fmt: str, namespace: str | None, name: str, version: str) -> tuple[Coordinate, str]:
    """What a package manager's publish stores: API normalization plus the PEP 503 PyPI name."""
    if fmt == "pypi":
        return Coordinate(fmt, namespace, canonicalize_name(name)), version
    coord, normalized = api_coordinates(fmt, namespace, name, version)
    assert normalized is not None
    return coord, normalized


def default_display_name(fmt: str, namespace: str | None, name: str, original_name: str) -> str:
    """DescribePackageVersion's ``displayName``: ``@scope/name`` for scoped npm packages (model documentation),
    the non-normalized name for NuGet (user guide), otherwise the name as the publisher spelled it."""
    if fmt == "npm" and namespace:
        return f"@{namespace}/{name}"
    return original_name


def describe_coordinate(repo_name: str, coord: Coordinate) -> str:
    """AWS's coordinate text in not-found messages (user guide, upstream-repo-api-behavior)."""
    ns = f", packageNamespace={coord.namespace}" if coord.namespace else ""
    return (
        f"RepoId: {repo_name}, Package = PackageCoordinate{{packageType={coord.format}{ns}, packageName={coord.name}}}"
    )
