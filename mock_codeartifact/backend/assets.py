"""The content-addressed asset store: identical bytes are kept once per ``Backend``, however many package
versions, repositories, domains or accounts hold them.

Every holder (one asset name of one package version) takes a reference with ``hold`` and gives it back with
``release``; bytes nobody holds are freed. Reference counts live in the store, not in the ``Blob``: a blob is
immutable, so snapshots (``mock_codeartifact.state``) and several backends can share it without copying bytes. The store also keeps, per domain, how many holders share each
content, so that a domain's ``assetSizeBytes`` counts each distinct content once: CodeArtifact stores an asset
once per domain whatever the number of repositories that contain it.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .entities import Domain


class Blob:
    """Bytes and their four hashes, computed once per distinct content."""

    __slots__ = ("data", "size", "sha256", "hashes", "__weakref__")

    def __init__(self, data: bytes, sha256: str) -> None:
        self.data = data
        self.size = len(data)
        self.sha256 = sha256
        self.hashes = {
            "MD5": hashlib.md5(data).hexdigest(),
            "SHA-1": hashlib.sha1(data).hexdigest(),
            "SHA-256": sha256,
            "SHA-512": hashlib.sha512(data).hexdigest(),
        }


class AssetStore:
    def __init__(self) -> None:
        self._blobs: dict[str, Blob] = {}
        self._refs: dict[str, int] = {}  # sha256 -> number of holders, in every domain
        self._domains: weakref.WeakKeyDictionary[Domain, dict[str, int]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._blobs)

    @property
    def stored_bytes(self) -> int:
        return sum(b.size for b in self._blobs.values())

    def blob(self, data: bytes) -> Blob:
        """The blob for ``data`` (existing or new), without taking a reference: compute-only, so callers can
        check everything before they change anything. A blob nobody ``hold``s is not kept."""
        sha = hashlib.sha256(data).hexdigest()
        with self._lock:
            found = self._blobs.get(sha)
        return found if found is not None else Blob(bytes(data), sha)

    def hold(self, domain: Domain, blob: Blob) -> Blob:
        """Take one reference to ``blob`` for ``domain``; returns the stored blob (which may be another object
        with the same content)."""
        with self._lock:
            stored = self._blobs.setdefault(blob.sha256, blob)
            self._refs[stored.sha256] = self._refs.get(stored.sha256, 0) + 1
            counts = self._domains.setdefault(domain, {})
            n = counts.get(stored.sha256, 0)
            counts[stored.sha256] = n + 1
            if n == 0:
                domain.asset_size_bytes += stored.size
            return stored

    def release(self, domain: Domain, blob: Blob) -> None:
        with self._lock:
            counts = self._domains.get(domain)
            if counts is not None:
                n = counts.get(blob.sha256, 0)
                if n <= 1:
                    counts.pop(blob.sha256, None)
                    if n == 1:
                        domain.asset_size_bytes -= blob.size
                else:
                    counts[blob.sha256] = n - 1
            refs = self._refs.get(blob.sha256, 0) - 1
            if refs > 0:
                self._refs[blob.sha256] = refs
            else:
                self._refs.pop(blob.sha256, None)
                self._blobs.pop(blob.sha256, None)

    def clear(self) -> None:
        with self._lock:
            self._blobs = {}
            self._refs = {}
            self._domains = weakref.WeakKeyDictionary()

    def refs(self, sha256: str) -> int:
        """How many holders the content has (0 when it is not stored)."""
        with self._lock:
            return self._refs.get(sha256, 0)

    def holdings(self) -> tuple[dict[str, Blob], dict[str, int], list[tuple[Domain, dict[str, int]]]]:
        """Copies of the blobs, their reference counts and each domain's per-content counts (for snapshots)."""
        with self._lock:
            domains = [(d, dict(counts)) for d, counts in self._domains.items() if counts]
            return dict(self._blobs), dict(self._refs), domains

    def install(
        self, blobs: dict[str, Blob], refs: dict[str, int], domains: list[tuple[Domain, dict[str, int]]]
    ) -> None:
        """Replace the whole content with ``holdings()``-shaped data (restoring a snapshot); the caller holds
        every region lock, so no ``hold`` or ``release`` runs meanwhile."""
        table: weakref.WeakKeyDictionary[Domain, dict[str, int]] = weakref.WeakKeyDictionary()
        for domain, counts in domains:
            table[domain] = dict(counts)
        with self._lock:
            self._blobs = dict(blobs)
            self._refs = dict(refs)
            self._domains = table
