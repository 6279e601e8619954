"""Fixtures for driving real package managers against a ``ThreadedCodeArtifactServer``."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from mock_codeartifact.server import ThreadedCodeArtifactServer

DOMAIN = "acme"
ACCOUNT = "123456789012"


@dataclass
class Repo:
    """A domain/repository on the server with a token, and helpers to reach its endpoint."""

    server: ThreadedCodeArtifactServer
    client: Any
    name: str
    token: str

    def endpoint(self, fmt: str, repository: str | None = None) -> str:
        return self.client.get_repository_endpoint(domain=DOMAIN, repository=repository or self.name, format=fmt)[
            "repositoryEndpoint"
        ]

    def auth(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"aws:{self.token}".encode()).decode()}

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        headers = {**self.auth(), **kwargs.pop("headers", {})}
        return requests.get(url, headers=headers, timeout=30, **kwargs)

    def versions(
        self, fmt: str, package: str, namespace: str | None = None, repository: str | None = None
    ) -> dict[str, Any]:
        kwargs = {"namespace": namespace} if namespace else {}
        out = self.client.list_package_versions(
            domain=DOMAIN, repository=repository or self.name, format=fmt, package=package, **kwargs
        )
        return {v["version"]: v for v in out["versions"]}


@pytest.fixture
def server(shared_server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch) -> ThreadedCodeArtifactServer:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    shared_server.reset()
    return shared_server


@pytest.fixture
def repo(server: ThreadedCodeArtifactServer) -> Repo:
    client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=server.endpoint_url)
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository="repo")
    token = client.get_authorization_token(domain=DOMAIN)["authorizationToken"]
    return Repo(server, client, "repo", token)


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
