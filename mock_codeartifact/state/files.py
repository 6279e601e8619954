"""Where exported state lives: a directory or a tar archive with the same layout.

::

    state.json                 the document (mock_codeartifact.state.document)
    assets/sha256/<sha256>     each asset's bytes, named by their SHA-256

A tar archive (``.tar``, or ``.tar.gz``/``.tgz``) holds exactly these members; it is what the server's
``GET /_mock/state`` sends and ``PUT /_mock/state`` accepts, so an export from one mode imports into the other.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import bounded, limits
from .document import StateFormatError

DOCUMENT = "state.json"
ASSET_DIR = "assets/sha256"
MAX_DOCUMENT_BYTES = 1 << 30


def is_archive(path: str | os.PathLike[str]) -> bool:
    name = os.fspath(path)
    return name.endswith((".tar", ".tar.gz", ".tgz"))


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=1, ensure_ascii=False).encode()


def durable_write(path: Path, data: bytes, fsync: bool = True) -> None:
    """Write ``path`` so that it is either absent or complete after a crash: a temporary file in the same
    directory, fsynced, renamed over ``path``, then the directory fsynced. Without ``fsync`` the same steps
    protect against the process being killed, not against the machine losing power."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if fsync:
        fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_directory(path: str | os.PathLike[str], document: dict[str, Any], blobs: dict[str, bytes]) -> None:
    """Write an export into a directory (created if needed). Assets already there (same name, so same bytes)
    are kept; each file appears under its name only complete (written aside, then renamed), and
    ``state.json`` comes last, so an interrupted export never leaves a document whose assets are missing.
    Asset files are not fsynced one by one (an export is a copy, and an import checks every byte)."""
    root = Path(path)
    assets = root / ASSET_DIR
    assets.mkdir(parents=True, exist_ok=True)
    for sha, data in blobs.items():
        target = assets / sha
        if not target.exists():
            aside = assets / f".tmp-{sha}"
            aside.write_bytes(data)
            os.replace(aside, target)
    durable_write(root / DOCUMENT, _dump(document))


def archive_bytes(document: dict[str, Any], blobs: dict[str, bytes]) -> bytes:
    """An export as an uncompressed tar archive in memory."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in [(DOCUMENT, _dump(document))] + [(f"{ASSET_DIR}/{s}", d) for s, d in sorted(blobs.items())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def write(path: str | os.PathLike[str], document: dict[str, Any], blobs: dict[str, bytes]) -> None:
    if is_archive(path):
        data = archive_bytes(document, blobs)
        if os.fspath(path).endswith(("gz", ".tgz")):
            import gzip

            data = gzip.compress(data)
        durable_write(Path(path).resolve(), data)
    else:
        write_directory(path, document, blobs)


Loaded = tuple[Any, Callable[[str], bytes]]


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise StateFormatError(f"{DOCUMENT} is not valid JSON: {error}") from None


def read_directory(path: str | os.PathLike[str]) -> Loaded:
    root = Path(path)
    doc_path = root / DOCUMENT
    if not doc_path.is_file():
        raise StateFormatError(f"{root} holds no {DOCUMENT}: not an exported mock-codeartifact state")
    document = _parse(doc_path.read_bytes())

    def load(sha: str) -> bytes:
        try:
            return (root / ASSET_DIR / sha).read_bytes()
        except OSError:
            raise StateFormatError(f"asset {sha} is missing from {root / ASSET_DIR}") from None

    return document, load


def read_archive(data: bytes) -> Loaded:
    """An export from tar bytes (plain or gzip). Only regular members of the documented layout are read.

    Opened through the one bounded reader of uploads (``bounded.py``): an archive is an upload like any other. Its
    members are assets, so one may be as large as a request may be, and all of them together twice that."""
    lim = limits.current()
    lim = dataclasses.replace(
        lim,
        member_bytes=max(lim.member_bytes, lim.request_bytes),
        unpacked_bytes=max(lim.unpacked_bytes, 2 * lim.request_bytes),
    )
    try:
        found = bounded.read_tar(data, lambda _: True, compressed=data[:2] == b"\x1f\x8b", limits=lim)
    except bounded.LimitExceeded as error:
        raise StateFormatError(f"the state archive is too large: {error}") from None
    except ValueError as error:
        raise StateFormatError(f"not a tar archive of an exported state, or a damaged one: {error}") from None
    members: dict[str, bytes] = {}
    for raw_name, content in found.items():
        name = raw_name.removeprefix("./")
        if name != DOCUMENT and not name.startswith(ASSET_DIR + "/"):
            raise StateFormatError(f"unexpected member '{raw_name}' in the state archive")
        members[name] = content
    if DOCUMENT not in members:
        raise StateFormatError(f"the archive holds no {DOCUMENT}")
    document = _parse(members[DOCUMENT])

    def load(sha: str) -> bytes:
        found = members.get(f"{ASSET_DIR}/{sha}")
        if found is None:
            raise StateFormatError(f"asset {sha} is missing from the archive")
        return found

    return document, load


def read(path: str | os.PathLike[str]) -> Loaded:
    if Path(path).is_dir():
        return read_directory(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise StateFormatError(f"cannot read {os.fspath(path)}: {error.strerror}") from None
    if is_archive(path) or data[:2] == b"\x1f\x8b" or tarfile.is_tarfile(io.BytesIO(data)):
        return read_archive(data)
    raise StateFormatError(f"{os.fspath(path)} is neither an export directory nor a tar archive of one")
