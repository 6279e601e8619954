"""The external registries (``mock_codeartifact.external``) as the package-manager side makes them:
a version seeded with a real wheel/sdist or npm tarball gets its readme, summary and dependencies from it, read
by the same parsers as an upload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ENDPOINTS, storage

if TYPE_CHECKING:
    from ..backend.catalog import Meta
    from ..backend.external import ExternalRegistry
    from ..backend.store import Backend


def registry(backend: Backend) -> ExternalRegistry:
    """The external registries of ``backend`` (created on first use), completing metadata with
    ``fill_from_assets``."""
    return storage.external_registry(backend, fill_from_assets)


def fill_from_assets(fmt: str, meta: Meta, assets: dict[str, bytes]) -> None:
    """Readme, summary and dependencies from a real package's assets (a wheel/sdist, an npm tarball), where not
    given: read by the format's endpoint module (its ``metadata_from_assets``), as from an upload."""
    reader = getattr(ENDPOINTS.get(fmt), "metadata_from_assets", None)
    found: dict[str, Any] | None = reader(assets) if reader is not None else None
    if found:
        for key, value in found.items():
            if getattr(meta, key) is None and value:
                setattr(meta, key, value)
