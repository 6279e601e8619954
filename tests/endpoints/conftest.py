"""Fixtures of the repository-endpoint tests: a fresh ``Repo`` on the session's one server (``server``, reset for
each test, in tests/conftest.py), and an environment for real clients."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support import clients
from tests.support.repository import Repo, fresh_repo


@pytest.fixture
def repo(server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return fresh_repo(server, monkeypatch)


@pytest.fixture
def client_env(tmp_path: Path) -> dict[str, str]:
    """An environment for client subprocesses: private HOME and config, no proxies, no user config."""
    return clients.client_env(tmp_path)


Completed = subprocess.CompletedProcess[str]


@pytest.fixture
def assert_ok() -> Callable[[Completed], Completed]:
    def check(proc: Completed) -> Completed:
        assert proc.returncode == 0, f"{proc.args}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        return proc

    return check
