"""What the repository endpoints keep beside CodeArtifact's own data, one typed field each.

A backend holds one ``Extras`` (``Backend.extras``); its reset empties it, a snapshot copies it, the state export
(``state/document.py``) and the persistent store (``state/persist.py``) write and read its fields. The
repository endpoints reach it through ``protocols/storage/`` only.

- ``external``: the external registries (``backend/external.py``), created on first use;
- ``asset_data``: protocol data CodeArtifact's metadata has no field for (cargo's index entry), keyed by format
  and the SHA-256 of an asset, so copies and retained versions of the same content keep it;
- ``npm_deprecations``: npm deprecation messages by package version revision: deprecating makes a new revision in
  that repository, so the message follows the version into copies made later and never outlives a deleted one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .external import ExternalRegistry, MetadataFiller

__all__ = ["Extras"]

_create = threading.Lock()


@dataclass(eq=False)
class Extras:
    """The per-format data of one backend (see the module's docstring)."""

    external: ExternalRegistry | None = None
    asset_data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    npm_deprecations: dict[str, str] = field(default_factory=dict)

    # ---- the external registries

    def external_registry(self, fill_metadata: MetadataFiller | None = None) -> ExternalRegistry:
        """The external registries, created (with ``fill_metadata``) on first use."""
        registry = self.external
        if registry is None:
            with _create:
                registry = self.external
                if registry is None:
                    registry = self.external = ExternalRegistry(fill_metadata)
        return registry

    # ---- protocol data of asset contents

    def data_of(self, fmt: str, shas: Iterable[str]) -> dict[str, Any]:
        """The protocol data stored for any of the contents ``shas`` of format ``fmt``, merged."""
        table = self.asset_data
        out: dict[str, Any] = {}
        if table:
            for sha in shas:
                found = table.get((fmt, sha))
                if found:
                    out.update(found)
        return out

    def add_data(self, fmt: str, sha: str, data: dict[str, Any]) -> None:
        """Merge ``data`` into what content ``sha`` of format ``fmt`` carries (identical bytes may be published as
        several versions, so callers key their entries by version)."""
        self.asset_data.setdefault((fmt, sha), {}).update(data)

    # ---- npm deprecations

    def deprecation(self, revision: str) -> str | None:
        """The npm deprecation message of a package version revision, if any."""
        table = self.npm_deprecations
        return table.get(revision) if table else None

    def set_deprecation(self, revision: str, message: str) -> None:
        """Deprecate revision ``revision`` with ``message`` ("" removes it)."""
        if message:
            self.npm_deprecations[revision] = message
        else:
            self.npm_deprecations.pop(revision, None)

    # ---- as a whole

    def clear(self) -> None:
        """Forget everything (a backend reset)."""
        self.external = None
        self.asset_data = {}
        self.npm_deprecations = {}

    def take(self, other: Extras) -> None:
        """Make ``other``'s content this one's (installing a snapshot; ``other`` is not used afterwards)."""
        self.external = other.external
        self.asset_data = other.asset_data
        self.npm_deprecations = other.npm_deprecations
