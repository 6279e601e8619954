"""Offline stand-ins for the public registries behind external connections (``public:pypi``, ``public:npmjs``, ...).

A repository with an external connection cannot reach the real public registry from the mock. Instead, seed a
stand-in; a package manager reading through the repository (or through a downstream repository) then sees those
versions, and fetching one ingests it exactly as CodeArtifact would: stored in the repository that has the
external connection and retained in the requesting repository, with origin ``EXTERNAL`` and
``domainEntryPoint.externalConnectionName``, subject to the package's ``upstream`` origin control and to package
groups (``EXTERNAL_UPSTREAM``, ``INTERNAL_UPSTREAM``). A package the stand-in does not have is a clean 404.

```python
from mock_codeartifact.external import external_registry

registry = external_registry(server)          # a ThreadedCodeArtifactServer, a MockCodeArtifact, a Backend, ...
registry.add_package_version(
    "public:pypi", package="left-pad", version="1.0.0",
    assets={"left_pad-1.0.0-py3-none-any.whl": wheel_bytes},
)
registry.add_package_version(
    "public:npmjs", package="left-pad", version="1.3.0", assets={"package.tgz": tarball}, dist_tags=["latest"],
)
```

Asset names follow each format's repository layout: the distribution's file name for pypi, ``package.tgz`` for
npm. Metadata (readme, dependencies, summary, ...) is taken from the arguments; pypi and npm packages whose
asset is a real wheel/sdist/tarball also get it from their own metadata when the arguments leave it out. The
stand-ins belong to one backend (every account and region share them, as they share the internet) and are
cleared by its reset.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .backend import Backend
from .backend.catalog import Meta
from .backend.coordinates import check_text, storage_coordinates
from .backend.repositories import EXTERNAL_CONNECTIONS
from .backend.store import utcnow
from .errors import invalid

__all__ = ["ExternalRegistry", "ExternalVersion", "external_registry"]

_KEY = "external-registries"


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
    """The stand-in public registries of one backend, keyed by external connection name."""

    def __init__(self) -> None:
        self._packages: dict[tuple[str, str, str], _Package] = {}
        self._lock = threading.Lock()

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
        _fill_from_assets(fmt, meta, items)
        entry = ExternalVersion(version, {k: bytes(v) for k, v in items.items()}, meta, published_time or utcnow())
        with self._lock:
            pkg = self._packages.setdefault((connection, coord.namespace or "", coord.name), _Package())
            pkg.versions[version] = entry
            for tag in tags:
                pkg.dist_tags[tag] = version
            if fmt == "npm" and "latest" not in pkg.dist_tags:
                pkg.dist_tags["latest"] = version
        return entry

    def remove_package(self, connection: str, *, package: str, namespace: str | None = None) -> None:
        fmt = EXTERNAL_CONNECTIONS.get(connection, "generic")
        coord, _ = storage_coordinates(fmt, namespace, package, "0")
        with self._lock:
            self._packages.pop((connection, coord.namespace or "", coord.name), None)

    def clear(self) -> None:
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


def _fill_from_assets(fmt: str, meta: Meta, assets: dict[str, bytes]) -> None:
    """Readme, summary and dependencies from a real wheel/sdist or npm tarball, where not given."""
    found: dict[str, Any] | None = None
    if fmt == "pypi":
        from .protocols import pypi

        for name, data in assets.items():
            try:
                dist = pypi.read_distribution(name, data)
            except ValueError:
                continue
            found = {
                "summary": dist.summary,
                "readme": dist.description,
                "dependencies": pypi.dependencies_of(dist.requires_dist),
            }
            break
    elif fmt == "npm" and "package.tgz" in assets:
        from .protocols import npm

        try:
            manifest, readme = npm.read_tarball(assets["package.tgz"])
        except ValueError:
            manifest, readme = None, None
        if manifest is not None:
            description = manifest.get("description")
            found = {
                "summary": description if isinstance(description, str) else None,
                "readme": readme,
                "dependencies": npm.dependencies_of(manifest),
            }
    if found:
        for key, value in found.items():
            if getattr(meta, key) is None and value:
                setattr(meta, key, value)


def external_registry(target: Any = None) -> ExternalRegistry:
    """The stand-in registries of ``target``: a ``ThreadedCodeArtifactServer``, ``CodeArtifactApp``,
    ``MockCodeArtifact`` or ``Backend``; None means the in-process mock's backend."""
    if target is None:
        from .mock import backend as process_backend

        backend = process_backend()
    elif isinstance(target, Backend):
        backend = target
    else:
        backend = getattr(target, "backend", None)
        if callable(backend) and not isinstance(backend, Backend):
            backend = backend()
        if not isinstance(backend, Backend):
            raise TypeError(f"cannot find the backend of {target!r}")
    registry = backend.extensions.get(_KEY)
    if registry is None:
        registry = backend.extensions.setdefault(_KEY, ExternalRegistry())
    return registry


def find_registry(backend: Backend) -> ExternalRegistry | None:
    """The backend's stand-ins if any were ever seeded (no allocation on the read path)."""
    return backend.extensions.get(_KEY)


# ---------------------------------------------------------------- HTTP API (server mode, any language)

HTTP_PREFIX = "/_mock/external"


def http_api(request: Any, backend: Backend) -> Any:
    """``/_mock/external``: the stand-ins over HTTP, for a server running in another process.

    - ``POST /_mock/external/{connection}`` with a JSON object: the keyword arguments of ``add_package_version``
      (``package``, ``version``, ``namespace``, ``readme``, ``dependencies``, ``summary``, ``home_page``,
      ``source_code_repository``, ``licenses``, ``display_name``, ``dist_tags``) and ``assets``: asset name ->
      base64 content. Answers 200 ``{"status": "added", ...}``; 400 with ``{"message"}`` for bad input.
    - ``DELETE /_mock/external/{connection}/{package}`` (``?namespace=``) removes a package;
      ``DELETE /_mock/external`` clears every stand-in.
    """
    import base64
    import binascii
    import json

    from werkzeug.wrappers import Response

    from .errors import CodeArtifactError

    def answer(status: int, body: dict[str, Any]) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    parts = [p for p in request.path[len(HTTP_PREFIX) :].split("/") if p]
    registry = external_registry(backend)
    if request.method == "DELETE" and not parts:
        registry.clear()
        return answer(200, {"status": "cleared"})
    if request.method == "DELETE" and len(parts) == 2:
        registry.remove_package(parts[0], package=parts[1], namespace=request.args.get("namespace") or None)
        return answer(200, {"status": "removed"})
    if request.method != "POST" or len(parts) != 1:
        return answer(404, {"message": f"No route for {request.method} {request.path}"})
    try:
        body = json.loads(request.get_data())
    except (ValueError, UnicodeDecodeError):
        return answer(400, {"message": "The body must be a JSON object"})
    allowed = {
        "package", "version", "namespace", "readme", "dependencies", "summary", "home_page",
        "source_code_repository", "licenses", "display_name", "dist_tags", "assets",
    }  # fmt: skip
    if not isinstance(body, dict) or not {"package", "version", "assets"} <= body.keys() or body.keys() - allowed:
        return answer(
            400, {"message": f"Expected a JSON object with package, version, assets and only {sorted(allowed)}"}
        )
    raw_assets = body.pop("assets")
    if not isinstance(raw_assets, dict) or not all(isinstance(v, str) for v in raw_assets.values()):
        return answer(400, {"message": "assets must map asset names to base64 strings"})
    try:
        assets = {name: base64.b64decode(data, validate=True) for name, data in raw_assets.items()}
    except (binascii.Error, ValueError):
        return answer(400, {"message": "assets must be base64"})
    if not all(isinstance(body[k], str) for k in ("package", "version")):
        return answer(400, {"message": "package and version must be strings"})
    try:
        entry = registry.add_package_version(parts[0], assets=assets, **body)
    except CodeArtifactError as error:
        return answer(400, {"message": error.message})
    except (TypeError, ValueError, AttributeError) as error:
        return answer(400, {"message": f"Invalid stand-in version: {error}"})
    return answer(200, {"status": "added", "version": entry.version, "assets": sorted(entry.assets)})
