"""Fixtures for the Maven, cargo, RubyGems, NuGet and Swift repository endpoints of a ``ThreadedCodeArtifactServer``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from dataplane_support import DOMAIN as DOMAIN  # re-exported: the tests import it from here
from dataplane_support import RepoBase, fresh_repo
from tools_support import need as need  # re-exported: the tests import it from here

from mock_codeartifact.server import ThreadedCodeArtifactServer

REPO = "repo"


class Repo(RepoBase):
    """A domain with one repository on a running server, a token for it, and HTTP helpers."""

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = {**self.basic(), **kwargs.pop("headers", {})}
        return requests.request(method, url, headers=headers, timeout=30, allow_redirects=False, **kwargs)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)


@pytest.fixture(scope="session")
def more_server() -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0, fake_environment=False) as server:  # session-long: no fake env
        yield server


@pytest.fixture
def repo(more_server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return fresh_repo(more_server, monkeypatch, REPO, Repo)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a client subprocess: a private HOME, no proxies."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["HOME"] = str(home)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run a client; fail the test with its output when it fails or takes longer than ``timeout`` seconds."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{cmd[0]} timed out after {timeout}s\n{exc.stdout}\n{exc.stderr}")
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} failed ({proc.returncode})\nSTDOUT:\n{proc.stdout[-6000:]}\nSTDERR:\n{proc.stderr[-6000:]}"
        )
    return proc
