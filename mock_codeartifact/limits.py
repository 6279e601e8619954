"""The caps that keep hostile requests and uploads from costing the server more than they are worth.

Every cap is read from its environment variable on each use (so a test can change it with ``monkeypatch``); a
missing, empty or unparsable value gives the default. ``docs/limits.md`` lists them with their reasons.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum

MiB = 1024 * 1024


class Cap(Enum):
    """One cap: its environment variable and its default."""

    # The request body of any route (control plane, repository endpoints, /_mock/), before it is read.
    REQUEST_BYTES = ("MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES", 256 * MiB)
    # What one upload may unpack to: decompressed bytes of every compressed layer, and the sizes its archive
    # members declare, added up. Decompression is streamed, so this bounds time (zlib's speed), not memory.
    UNPACKED_BYTES = ("MOCK_CODEARTIFACT_MAX_UNPACKED_BYTES", 128 * MiB)
    # Members (files, directories, links) of one archive. Walking a tar costs tarfile tens of microseconds per
    # member whether or not it is read, so this also bounds the time of an archive of empty members.
    ARCHIVE_MEMBERS = ("MOCK_CODEARTIFACT_MAX_ARCHIVE_MEMBERS", 20_000)
    # One member, header or document read into memory to be parsed (package.json, PKG-INFO, a POM, a nuspec,
    # a gemspec, a README, a tar extended header).
    MEMBER_BYTES = ("MOCK_CODEARTIFACT_MAX_MEMBER_BYTES", 8 * MiB)
    # Nodes of one structured document: XML elements, YAML nodes with aliases expanded, JSON values.
    DOCUMENT_NODES = ("MOCK_CODEARTIFACT_MAX_DOCUMENT_NODES", 100_000)
    # One stored metadata text (summary, display name, home page, source repository, license, dependency field).
    FIELD_CHARS = ("MOCK_CODEARTIFACT_MAX_FIELD_CHARS", 64 * 1024)
    # A stored readme.
    README_CHARS = ("MOCK_CODEARTIFACT_MAX_README_CHARS", 8 * MiB)
    # Dependencies recorded for one package version.
    DEPENDENCIES = ("MOCK_CODEARTIFACT_MAX_DEPENDENCIES", 10_000)

    @property
    def env(self) -> str:
        return self.value[0]

    @property
    def default(self) -> int:
        return self.value[1]

    def get(self) -> int:
        """The cap in force: the environment variable's value when it is a non-negative integer, else the default."""
        raw = os.environ.get(self.env, "").strip().replace("_", "")
        if raw.isdigit():
            return int(raw)
        return self.default


@dataclass(frozen=True)
class Limits:
    """A snapshot of every cap, taken once per upload so one request sees one set of values."""

    request_bytes: int
    unpacked_bytes: int
    archive_members: int
    member_bytes: int
    document_nodes: int
    field_chars: int
    readme_chars: int
    dependencies: int


def current() -> Limits:
    """The caps in force now."""
    return Limits(*(cap.get() for cap in Cap))
