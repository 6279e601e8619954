"""pytest fixtures: ``codeartifact_mock``, ``codeartifact_client`` and ``codeartifact_server``.

Installed with the package through the ``pytest11`` entry point.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .mock import MockCodeArtifact
from .server import ThreadedCodeArtifactServer


@pytest.fixture
def codeartifact_mock() -> Iterator[MockCodeArtifact]:
    """The active in-process mock for one test, with fresh state."""
    with MockCodeArtifact() as mock:
        mock.reset()
        yield mock


@pytest.fixture
def codeartifact_client(codeartifact_mock: MockCodeArtifact) -> Any:
    """A boto3 CodeArtifact client for ``us-east-1`` inside ``codeartifact_mock``."""
    import boto3

    return boto3.client("codeartifact", region_name="us-east-1")


@pytest.fixture(scope="session")
def _codeartifact_server_session() -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0) as server:
        yield server


@pytest.fixture
def codeartifact_server(
    _codeartifact_server_session: ThreadedCodeArtifactServer,
) -> ThreadedCodeArtifactServer:
    """A running server shared by the session's tests; its state is reset before each test that uses it."""
    _codeartifact_server_session.reset()
    return _codeartifact_server_session
