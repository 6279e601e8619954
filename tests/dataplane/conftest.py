"""Fixtures for driving real package managers against a ``ThreadedCodeArtifactServer``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from dataplane_support import DOMAIN as DOMAIN  # re-exported: the tests import it from here
from dataplane_support import RepoBase, fresh_repo

from mock_codeartifact.server import ThreadedCodeArtifactServer

ACCOUNT = "123456789012"


class Repo(RepoBase):
    """A domain/repository on the server with a token, and helpers to reach its endpoint."""

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        headers = {**self.auth(), **kwargs.pop("headers", {})}
        return requests.get(url, headers=headers, timeout=30, **kwargs)


@pytest.fixture
def server(shared_server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch) -> ThreadedCodeArtifactServer:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    shared_server.reset()
    return shared_server


@pytest.fixture
def repo(server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return fresh_repo(server, monkeypatch, "repo", Repo)


@pytest.fixture
def client_env(tmp_path: Path) -> dict[str, str]:
    """An environment for client subprocesses: private HOME and config, no proxies, no user config."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy") and not k.startswith(("PIP_", "NPM_CONFIG_"))
    }
    env.update(
        {
            "HOME": str(home),
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_CACHE_DIR": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "npm_config_userconfig": str(home / ".npmrc"),
            "npm_config_cache": str(tmp_path / "npm-cache"),
            "npm_config_update_notifier": "false",
            "npm_config_audit": "false",
            "npm_config_fund": "false",
        }
    )
    return env


def run(
    cmd: list[str], env: dict[str, str], cwd: Path | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def python() -> str:
    return sys.executable


@pytest.fixture
def assert_ok() -> Iterator[Any]:
    def check(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
        assert proc.returncode == 0, f"{proc.args}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        return proc

    yield check
