"""The format registry: one record per package format, the one place a format's name and rules are written.

The formats are the installed botocore model's ``PackageFormat`` enum; each has one :class:`Format` record
below (``tests/test_format_registry.py`` checks that every format of the model has one, and that no other
module of the package spells a format's name). Every per-format table of the package derives from these
records, the way botocore keys its parsers and serializers by protocol:

* here and in the backend: namespace rules, name/namespace/version normalization (API input and storage),
  version order, default external connections and their inverse, and the behaviour switches the backend reads
  (dist-tags, Unfinished versions, PublishPackageVersion, upstreams);
* above the backend, keyed by the record (the backend never imports them): the repository endpoint
  ``protocols/<name>.py`` (loaded for each record with ``repository_endpoint``, its optional
  ``metadata_from_assets`` completes stand-in metadata), the client configuration helpers of
  ``server/client_config.py`` (``HELPERS``) and the dashboard's naming hints (``qualified_name``).

The records are pure rules: nothing here holds or reaches state, so every layer may import this module.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import botocore.session
from packaging.utils import canonicalize_name

from . import version_order

VersionKey = tuple[Any, str]


class Namespaces(enum.Enum):
    """Whether a format's packages have a namespace (user guide, packages-overview)."""

    REQUIRED = "required"  # "The namespace is required when requesting packages of [these] formats"
    OPTIONAL = "optional"
    NONE = "none"  # "package versions do not contain a corresponding component"


def _same(value: str) -> str:
    return value


def _lower(value: str) -> str:
    return value.lower()


_NUGET_VERSION = re.compile(r"(\d+(?:\.\d+){0,3})(-[^+]*)?(?:\+.*)?")


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


@dataclass(frozen=True, slots=True, eq=False)
class Format:
    """Everything the package knows about one package format. Compared by identity: there is one per format."""

    name: str  # as in the model's PackageFormat enum, the API's ``format`` and the endpoint URL
    namespaces: Namespaces
    # The format's own version order (``version_order``), ascending; generic and unparsable versions: natural.
    version_order: Callable[[str], tuple[Any, ...]] = version_order.natural
    # The public repositories of its external connections (user guide, "external-connection"); the first one is
    # where EXTERNAL versions seeded without a connection come from.
    external_connections: tuple[str, ...] = ()
    # What AWS does to API inputs (package, namespace, version parameters and the ListPackages filters).
    api_name: Callable[[str], str] = _same
    api_namespace: Callable[[str], str] = _same
    api_version: Callable[[str], str] = _same
    # What a package manager's publish stores as the name, when it differs from the API's (PyPI's PEP 503 name).
    stored_name: Callable[[str], str] | None = None
    # How a namespaced package is written: npm's "@scope/name", Maven's "group:artifact", else "namespace/name".
    namespace_prefix: str = ""
    namespace_separator: str = "/"
    # DescribePackageVersion's displayName is the qualified name (npm), not the name as published.
    display_qualified: bool = False
    dist_tags: bool = False  # npm's dist-tags (``latest`` feeds defaultDisplayVersion)
    unfinished: bool = False  # "only generic and Maven package versions can have a status of Unfinished"
    publish_api: bool = False  # "Only generic packages can be published using this API" (PublishPackageVersion)
    immutable_assets: bool = False  # a version's assets cannot change once published (generic)
    from_upstreams: bool = True  # versions may come from upstream repositories (generic's never do)
    dependencies: bool = True  # CodeArtifact reads the version's dependencies
    readme: bool = True  # CodeArtifact reads the version's readme
    repository_endpoint: bool = True  # a package-manager endpoint (protocols/<name>.py) serves it
    # Whether API inputs are normalized at all: checked first, so the common case costs one attribute read.
    api_normalizes: bool = field(init=False)

    def __post_init__(self) -> None:
        same = self.api_name is _same and self.api_namespace is _same and self.api_version is _same
        object.__setattr__(self, "api_normalizes", not same)

    def stored(self, name: str) -> str:
        """The name a package manager's publish stores."""
        return (self.stored_name or self.api_name)(name)

    def qualified_name(self, namespace: str | None, name: str) -> str:
        """The package as its users write it (``@scope/name``, ``group:artifact``, ``namespace/name``)."""
        if namespace is None:
            return name
        return f"{self.namespace_prefix}{namespace}{self.namespace_separator}{name}"


_RECORDS = (
    Format(
        "npm",
        Namespaces.OPTIONAL,
        version_order.semver,
        ("public:npmjs",),
        namespace_prefix="@",
        display_qualified=True,
        dist_tags=True,
    ),
    Format(
        "pypi",
        Namespaces.NONE,
        version_order.pep440,
        ("public:pypi",),
        # The API takes the normalized name as given ("the normalized name must be used in ... API requests").
        stored_name=canonicalize_name,
    ),
    Format(
        "maven",
        Namespaces.REQUIRED,
        version_order.maven,
        (
            "public:maven-central",
            "public:maven-googleandroid",
            "public:maven-gradleplugins",
            "public:maven-commonsware",
            "public:maven-clojars",
        ),
        namespace_separator=":",
        unfinished=True,
        readme=False,
    ),
    Format(
        "nuget",
        Namespaces.NONE,
        version_order.nuget,
        ("public:nuget-org",),
        api_name=_lower,
        api_version=normalize_nuget_version,
    ),
    Format(
        "generic",
        Namespaces.REQUIRED,
        unfinished=True,
        publish_api=True,
        immutable_assets=True,
        from_upstreams=False,
        dependencies=False,
        readme=False,
        repository_endpoint=False,
    ),
    Format("ruby", Namespaces.NONE, version_order.gem, ("public:ruby-gems-org",)),
    Format("swift", Namespaces.REQUIRED, version_order.semver, api_name=_lower, api_namespace=_lower),
    Format("cargo", Namespaces.NONE, version_order.semver, ("public:crates-io",)),
)


def model_formats() -> tuple[str, ...]:
    """The installed botocore model's ``PackageFormat`` enum, in the model's order (found as the wire codec finds
    the model: through a botocore session, so ``AWS_DATA_PATH`` counts)."""
    model = botocore.session.get_session().get_service_data("codeartifact")
    return tuple(model["shapes"]["PackageFormat"]["enum"])


_BY_NAME = {record.name: record for record in _RECORDS}
#: Every format, in the model's order (error messages list them so).
ALL: tuple[Format, ...] = tuple(_BY_NAME[name] for name in model_formats() if name in _BY_NAME)
#: Format name -> record.
BY_NAME: dict[str, Format] = {record.name: record for record in ALL}
#: The format names, in the model's order.
NAMES: tuple[str, ...] = tuple(BY_NAME)

NPM, PYPI, MAVEN, NUGET, GENERIC, RUBY, SWIFT, CARGO = _RECORDS  # for the code that names one format's rule

#: External connection name -> its format's name (AWS user guide, "external-connection").
EXTERNAL_CONNECTIONS: dict[str, str] = {c: f.name for f in ALL for c in f.external_connections}
#: Format name -> the external connection EXTERNAL versions seeded without one come from.
DEFAULT_CONNECTIONS: dict[str, str] = {f.name: f.external_connections[0] for f in ALL if f.external_connections}
#: Formats served by a repository endpoint (the others answer 404 there).
ENDPOINT_FORMATS: tuple[Format, ...] = tuple(f for f in ALL if f.repository_endpoint)

_ORDERS = {f.name: f.version_order for f in ALL}


def version_key(format: str, version: str) -> VersionKey:
    """The sort key of ``version`` in ``format``'s own order (ascending: oldest first). The version string itself
    breaks ties, so every key is unique and a page token finds its place again with ``bisect``."""
    return (_ORDERS.get(format, version_order.natural)(version), version)


def names_where(predicate: Callable[[Format], bool]) -> frozenset[str]:
    """The names of the formats a predicate holds for: a set built once at import, so a check costs one lookup."""
    return frozenset(f.name for f in ALL if predicate(f))
