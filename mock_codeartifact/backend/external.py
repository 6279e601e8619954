"""State of the external registries: the offline stand-ins for the public registries behind external
connections (``public:pypi``, ``public:npmjs``, ...).

They belong to one backend (every account and region share them, as they share the internet) and are kept in
its ``extras`` (``backend/extras.py``), so its reset clears them. ``protocols/external.py`` creates them with the
format parsers that complete their metadata (``mock_codeartifact.external`` is the public face); the repository
endpoints read them through ``protocols/storage/``; the server's ``/_mock/external`` routes
(``server/external_api.py``) change them over HTTP.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import invalid
from .catalog import Meta
from .coordinates import check_text, storage_coordinates
from .entities import EXTERNAL_CONNECTIONS
from .formats import BY_NAME

__all__ = ["ExternalRegistry", "ExternalVersion", "MetadataFiller"]

# fill_metadata(format, meta, assets): set the fields of ``meta`` still None from the assets, where it can.
MetadataFiller = Callable[[str, Meta, dict[str, bytes]], None]


@dataclass
class ExternalVersion:
    """One version a public registry stand-in offers."""

    version: str
    assets: dict[str, bytes]
    meta: Meta
    published: dt.datetime


@dataclass
class _Package:
    versions: dict[str, ExternalVersion] = field(default_factory=dict)
    dist_tags: dict[str, str] = field(default_factory=dict)


class ExternalRegistry:
    """The stand-in public registries of one backend, keyed by external connection name.

    ``fill_metadata(format, meta, assets)`` completes a new version's metadata from its assets (readme, summary,
    dependencies of a real wheel or npm tarball); it is given by whoever creates the registry, so the format
    parsers stay with the package-manager endpoints above this module.
    """

    def __init__(self, fill_metadata: MetadataFiller | None = None) -> None:
        self._packages: dict[tuple[str, str, str], _Package] = {}
        self._lock = threading.Lock()
        self._fill_metadata = fill_metadata

    def add_package_version(
        self,
        connection: str,
        *,
        package: str,
        version: str,
        namespace: str | None = None,
        assets: Mapping[str, bytes] | Iterable[tuple[str, bytes]] = (),
        readme: str | None = None,
        dependencies: list[dict[str, str]] | None = None,
        summary: str | None = None,
        home_page: str | None = None,
        source_code_repository: str | None = None,
        licenses: list[dict[str, str]] | None = None,
        display_name: str | None = None,
        published_time: dt.datetime | None = None,
        dist_tags: Iterable[str] | None = None,
    ) -> ExternalVersion:
        """Offer ``package`` ``version`` through ``connection`` (e.g. ``"public:pypi"``); replaces an earlier one.

        ``namespace`` is the npm scope without ``@`` (or the Maven groupId). ``dist_tags`` (npm) point those
        tags at this version; an npm package whose stand-in has no ``latest`` tag gets it on its first version.
        """
        _check_types(
            package=package, version=version, namespace=namespace, readme=readme, summary=summary,
            home_page=home_page, source_code_repository=source_code_repository, display_name=display_name,
        )  # fmt: skip
        for what, items_ in (("dependencies", dependencies), ("licenses", licenses)):
            if items_ is not None and not (
                isinstance(items_, list)
                and all(isinstance(d, dict) and all(isinstance(v, str) for v in d.values()) for d in items_)
            ):
                raise invalid(f"{what} must be a list of objects with string values")
        if dependencies is not None and not all(isinstance(d.get("package"), str) for d in dependencies):
            raise invalid("every dependency needs a 'package'")
        tags = list(dist_tags or ())
        if not all(isinstance(t, str) and t for t in tags):
            raise invalid("dist_tags must be a list of tag names")
        check_text(package, "package")
        check_text(version, "version")
        if namespace is not None:
            check_text(namespace, "namespace")
        fmt = EXTERNAL_CONNECTIONS.get(connection)
        if fmt is None:
            raise invalid(
                f"Unknown external connection '{connection}'. Known: {', '.join(sorted(EXTERNAL_CONNECTIONS))}"
            )
        coord, version = storage_coordinates(fmt, namespace, package, version)
        items = dict(assets.items()) if isinstance(assets, Mapping) else dict(assets)
        if not items:
            raise invalid("A stand-in package version needs at least one asset")
        for name, data in items.items():
            if not isinstance(data, (bytes, bytearray)):
                raise invalid(f"The content of asset '{name}' must be bytes")
        meta = Meta(
            summary=summary,
            display_name=display_name or package,
            home_page=home_page,
            source_code_repository=source_code_repository,
            licenses=licenses,
            readme=readme,
            dependencies=dependencies,
        )
        if self._fill_metadata is not None:
            self._fill_metadata(fmt, meta, items)
        entry = ExternalVersion(
            version, {k: bytes(v) for k, v in items.items()}, meta, published_time or dt.datetime.now(dt.timezone.utc)
        )
        with self._lock:
            pkg = self._packages.setdefault((connection, coord.namespace or "", coord.name), _Package())
            pkg.versions[version] = entry
            for tag in tags:
                pkg.dist_tags[tag] = version
            if BY_NAME[fmt].dist_tags and "latest" not in pkg.dist_tags:
                pkg.dist_tags["latest"] = version
        return entry

    def remove_package(self, connection: str, *, package: str, namespace: str | None = None) -> None:
        """Stop offering every version of a package (nothing happens when it is not offered)."""
        # An unknown connection offers nothing: its coordinate is left as given.
        coord, _ = storage_coordinates(EXTERNAL_CONNECTIONS.get(connection, ""), namespace, package, "0")
        with self._lock:
            self._packages.pop((connection, coord.namespace or "", coord.name), None)

    def clear(self) -> None:
        """Stop offering anything."""
        with self._lock:
            self._packages.clear()

    def entries(self) -> list[tuple[str, str, str, dict[str, ExternalVersion], dict[str, str]]]:
        """Every offered package as ``(connection, namespace or "", name, versions, dist_tags)`` (copies),
        for exporting state."""
        with self._lock:
            return [(c, ns, n, dict(p.versions), dict(p.dist_tags)) for (c, ns, n), p in self._packages.items()]

    def load(
        self,
        connection: str,
        namespace: str,
        name: str,
        versions: dict[str, ExternalVersion],
        dist_tags: dict[str, str],
    ) -> None:
        """Put back one package as ``entries()`` gave it (importing state); stored coordinates, no checks."""
        with self._lock:
            self._packages[(connection, namespace, name)] = _Package(dict(versions), dict(dist_tags))

    # -- reading (used by the repository endpoints)

    def versions(self, connection: str, namespace: str | None, package: str) -> dict[str, ExternalVersion]:
        """The versions offered for a package (stored coordinates: PEP 503 names for pypi)."""
        with self._lock:
            pkg = self._packages.get((connection, namespace or "", package))
            return dict(pkg.versions) if pkg is not None else {}

    def dist_tags(self, connection: str, namespace: str | None, package: str) -> dict[str, str]:
        """The npm dist-tags of a package: tag -> version."""
        with self._lock:
            pkg = self._packages.get((connection, namespace or "", package))
            return dict(pkg.dist_tags) if pkg is not None else {}


def _check_types(**values: Any) -> None:
    for key, value in values.items():
        if value is not None and not isinstance(value, str):
            raise invalid(f"{key} must be a string")
    for key in ("package", "version"):
        if not values[key]:
            raise invalid(f"{key} must not be empty")
