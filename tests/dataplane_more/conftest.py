"""Fixtures for the Maven, cargo, RubyGems, NuGet and Swift repository endpoints of a ``ThreadedCodeArtifactServer``."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from mock_codeartifact.server import ThreadedCodeArtifactServer

DOMAIN = "acme"
REPO = "repo"


@dataclass
class Repo:
    """A domain with one repository on a running server, a token for it, and HTTP helpers."""

    server: ThreadedCodeArtifactServer
    client: Any
    name: str
    token: str

    def endpoint(self, fmt: str, repository: str | None = None) -> str:
        return self.client.get_repository_endpoint(domain=DOMAIN, repository=repository or self.name, format=fmt)[
            "repositoryEndpoint"
        ]

    def basic(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"aws:{self.token}".encode()).decode()}

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = {**self.basic(), **kwargs.pop("headers", {})}
        return requests.request(method, url, headers=headers, timeout=30, allow_redirects=False, **kwargs)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def versions(self, fmt: str, package: str, namespace: str | None = None, **filters: Any) -> dict[str, Any]:
        kwargs = {"namespace": namespace} if namespace else {}
        out = self.client.list_package_versions(
            domain=DOMAIN, repository=self.name, format=fmt, package=package, **kwargs, **filters
        )
        return {v["version"]: v for v in out["versions"]}

    def describe(self, fmt: str, package: str, version: str, namespace: str | None = None) -> dict[str, Any]:
        kwargs = {"namespace": namespace} if namespace else {}
        return self.client.describe_package_version(
            domain=DOMAIN, repository=self.name, format=fmt, package=package, packageVersion=version, **kwargs
        )["packageVersion"]

    def assets(self, fmt: str, package: str, version: str, namespace: str | None = None) -> dict[str, Any]:
        kwargs = {"namespace": namespace} if namespace else {}
        out = self.client.list_package_version_assets(
            domain=DOMAIN, repository=self.name, format=fmt, package=package, packageVersion=version, **kwargs
        )
        return {a["name"]: a for a in out["assets"]}

    def dependencies(self, fmt: str, package: str, version: str, namespace: str | None = None) -> list[dict[str, Any]]:
        kwargs = {"namespace": namespace} if namespace else {}
        return self.client.list_package_version_dependencies(
            domain=DOMAIN, repository=self.name, format=fmt, package=package, packageVersion=version, **kwargs
        )["dependencies"]

    def readme(self, fmt: str, package: str, version: str, namespace: str | None = None) -> str | None:
        kwargs = {"namespace": namespace} if namespace else {}
        out = self.client.get_package_version_readme(
            domain=DOMAIN, repository=self.name, format=fmt, package=package, packageVersion=version, **kwargs
        )
        return out.get("readme")


@pytest.fixture(scope="session")
def more_server() -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0) as server:
        yield server


@pytest.fixture
def repo(more_server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    more_server.reset()
    client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=more_server.endpoint_url)
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository=REPO)
    token = client.get_authorization_token(domain=DOMAIN)["authorizationToken"]
    return Repo(more_server, client, REPO, token)


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


_USABLE: dict[str, str | None] = {}


def need(tool: str) -> str:
    """The path of ``tool``; skip the test when it is not installed or does not run (``tool --version``)."""
    if tool not in _USABLE:
        path = shutil.which(tool)
        if path is not None:
            try:
                ok = subprocess.run([path, "--version"], capture_output=True, timeout=60).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            path = path if ok else None
        _USABLE[tool] = path
    found = _USABLE[tool]
    if found is None:
        pytest.skip(f"{tool} is not installed on this machine (or '{tool} --version' fails)")
    return found
