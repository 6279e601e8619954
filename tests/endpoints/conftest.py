"""Fixtures of the repository-endpoint tests: the session's one server (``shared_server``, tests/conftest.py),
reset for each test, a fresh ``Repo`` on it, and an environment for real clients."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support import clients
from tests.support.repository import Repo, fresh_repo


@pytest.fixture
def server(shared_server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch) -> ThreadedCodeArtifactServer:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    shared_server.reset()
    return shared_server


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
