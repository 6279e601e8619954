"""Hostile uploads against the session's server, with the caps lowered so that every bomb stays small.

Each test sends one hostile input and checks what users rely on: a 4xx in the client's own error shape, nothing
stored (through boto3), and the server still answering.
"""

from __future__ import annotations

import pytest

from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.repository import Repo, fresh_repo

# Small caps: a bomb only has to pass them to be caught, so the tests build kilobytes, not gigabytes.
CAPS = {
    "MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES": 4 * 1024 * 1024,
    "MOCK_CODEARTIFACT_MAX_UNPACKED_BYTES": 2 * 1024 * 1024,
    "MOCK_CODEARTIFACT_MAX_ARCHIVE_MEMBERS": 200,
    "MOCK_CODEARTIFACT_MAX_MEMBER_BYTES": 64 * 1024,
    "MOCK_CODEARTIFACT_MAX_DOCUMENT_NODES": 2000,
    "MOCK_CODEARTIFACT_MAX_FIELD_CHARS": 1000,
    "MOCK_CODEARTIFACT_MAX_README_CHARS": 20_000,
    "MOCK_CODEARTIFACT_MAX_DEPENDENCIES": 50,
}


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    for name, value in CAPS.items():
        monkeypatch.setenv(name, str(value))
    return CAPS


@pytest.fixture
def repo(
    shared_server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch, small_caps: dict[str, int]
) -> Repo:
    return fresh_repo(shared_server, monkeypatch)
