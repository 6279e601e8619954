"""State you can keep: in-process snapshots, export/import in a documented format, and (server) persistence.

* ``snapshot(backend)`` / ``restore(backend, snap)``: an immutable copy of the whole state, restored cheaply any
  number of times (``mock_codeartifact.state.snapshot``).
* ``export_state(backend, path)`` / ``import_state(backend, path)``: a directory (``state.json`` and
  ``assets/sha256/<sha256>``) or a tar archive of one (``mock_codeartifact.state.document`` describes the JSON).
* ``mock_codeartifact.state.persist``: the SQLite store behind ``mock-codeartifact-server --state-dir``.

``MockCodeArtifact.snapshot()``, ``.restore()``, ``.export_state()`` and ``.import_state()`` call these on the
in-process backend; the server offers ``GET``/``PUT /_mock/state``.
"""

from __future__ import annotations

import os
from typing import Any

from ..backend import Backend
from . import files
from .document import FORMAT_VERSION, StateFormatError, from_document, to_document
from .snapshot import Snapshot, adopt, restore, snapshot

__all__ = [
    "FORMAT_VERSION",
    "Snapshot",
    "StateFormatError",
    "export_archive",
    "export_state",
    "import_archive",
    "import_state",
    "restore",
    "snapshot",
]

StateSource = Any  # a path (directory or tar archive) or a Snapshot


def export_state(backend: Backend, path: str | os.PathLike[str]) -> None:
    """Write ``backend``'s whole state to ``path``: a directory, or a tar archive when the name ends with
    ``.tar``, ``.tar.gz`` or ``.tgz``."""
    document, blobs = to_document(snapshot(backend))
    files.write(path, document, blobs)


def import_state(backend: Backend, source: StateSource) -> None:
    """Replace ``backend``'s whole state with an export (a directory or tar archive) or a ``Snapshot``. The
    export is checked completely first: a bad one raises ``StateFormatError`` and changes nothing."""
    if isinstance(source, Snapshot):
        restore(backend, source)
        return
    document, load = files.read(source)
    adopt(backend, from_document(document, load))


def export_archive(backend: Backend) -> bytes:
    """The whole state as tar bytes (the layout of an export directory)."""
    document, blobs = to_document(snapshot(backend))
    return files.archive_bytes(document, blobs)


def import_archive(backend: Backend, data: bytes) -> None:
    """Replace the whole state with tar bytes from ``export_archive`` (checked first; nothing changes on error)."""
    document, load = files.read_archive(data)
    adopt(backend, from_document(document, load))
