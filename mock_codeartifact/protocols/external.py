"""The external registries (``mock_codeartifact.external``) as the package-manager side makes them:
a version seeded with a real wheel/sdist or npm tarball gets its readme, summary and dependencies from it, read
by the same parsers as an upload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import npm, pypi, storage

if TYPE_CHECKING:
    from ..backend.catalog import Meta
    from ..backend.external import ExternalRegistry
    from ..backend.store import Backend


def registry(backend: Backend) -> ExternalRegistry:
    """The external registries of ``backend`` (created on first use), completing metadata with
    ``fill_from_assets``."""
    return storage.external_registry(backend, fill_from_assets)


def fill_from_assets(fmt: str, meta: Meta, assets: dict[str, bytes]) -> None:
    """Readme, summary and dependencies from a real wheel/sdist or npm tarball, where not given."""
    found: dict[str, Any] | None = None
    if fmt == "pypi":
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
