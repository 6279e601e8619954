"""Package coordinates: the checks and the name/version normalization each format documents, as the records of
``formats.py`` state them.

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

from ..errors import invalid
from ..remembered import Passed
from .formats import BY_NAME, NAMES, Namespaces

FORMATS: tuple[str, ...] = NAMES
NAMESPACE_REQUIRED = frozenset(f.name for f in BY_NAME.values() if f.namespaces is Namespaces.REQUIRED)
NAMESPACE_FORBIDDEN = frozenset(f.name for f in BY_NAME.values() if f.namespaces is Namespaces.NONE)
# The formats whose API inputs are normalized (NuGet, Swift): every other format costs one failed lookup.
_API_NORMALIZED = {f.name: f for f in BY_NAME.values() if f.api_normalizes}

# The model's pattern as the service (Java) reads it: ``\s`` is ASCII whitespace only (see wire/patterns.py).
_NAME = re.compile(r"[^#/\s]+", re.ASCII)


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


# The asset names each check has passed: the same few names come back on every publish.
_asset_names: Passed[str] = Passed()
_generic_asset_names: Passed[str] = Passed()


def check_asset_name(name: str) -> None:
    """The model's AssetName constraint: 1-255 characters, no control/format characters (``\\P{C}+``)."""
    if name in _asset_names:
        return
    if not 1 <= len(name) <= 255 or any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise invalid(
            f"1 validation error detected: Value '{name}' at 'assetName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: \\P{C}+"
        )
    _asset_names.add(name)


# Generic asset names (user guide, generic-packages-overview): letters and digits of the categories below,
# the listed specials (the API documentation adds the backtick), and single inner spaces; never "." or "..".
_GENERIC_CATEGORIES = frozenset({"Ll", "Lm", "Lo", "Lt", "Lu", "Nl", "Nd"})
_GENERIC_SPECIALS = frozenset("~!@^&()-_+[]{};,.`")


def check_generic_asset_name(name: str) -> None:
    if name in _generic_asset_names:
        return
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
    _generic_asset_names.add(name)


def api_coordinates(
    fmt: str, namespace: str | None, name: str, version: str | None = None
) -> tuple[Coordinate, str | None]:
    """What AWS does to API inputs: NuGet names and versions, Swift names and namespaces are normalized; PyPI is
    not (the API needs the normalized PyPI name)."""
    rules = _API_NORMALIZED.get(fmt)
    if rules is not None:
        name = rules.api_name(name)
        if namespace is not None:
            namespace = rules.api_namespace(namespace)
        if version is not None:
            version = rules.api_version(version)
    return Coordinate(fmt, namespace, name), version


def api_version(fmt: str, version: str) -> str:
    rules = BY_NAME.get(fmt)
    return rules.api_version(version) if rules is not None else version


def storage_coordinates(fmt: str, namespace: str | None, name: str, version: str) -> tuple[Coordinate, str]:
    """What a package manager's publish stores: API normalization plus the PEP 503 PyPI name."""
    rules = BY_NAME.get(fmt)
    if rules is None or (not rules.api_normalizes and rules.stored_name is None):
        return Coordinate(fmt, namespace, name), version
    if namespace is not None:
        namespace = rules.api_namespace(namespace)
    return Coordinate(fmt, namespace, rules.stored(name)), rules.api_version(version)


def default_display_name(fmt: str, namespace: str | None, name: str, original_name: str) -> str:
    """DescribePackageVersion's ``displayName``: ``@scope/name`` for scoped npm packages (model documentation),
    the non-normalized name for NuGet (user guide), otherwise the name as the publisher spelled it."""
    rules = BY_NAME.get(fmt)
    if rules is not None and rules.display_qualified and namespace:
        return rules.qualified_name(namespace, name)
    return original_name


def describe_coordinate(repo_name: str, coord: Coordinate) -> str:
    """AWS's coordinate text in not-found messages (user guide, upstream-repo-api-behavior)."""
    ns = f", packageNamespace={coord.namespace}" if coord.namespace else ""
    return (
        f"RepoId: {repo_name}, Package = PackageCoordinate{{packageType={coord.format}{ns}, packageName={coord.name}}}"
    )
