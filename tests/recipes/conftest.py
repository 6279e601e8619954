"""Run the recipes of docs/recipes.md verbatim with real clients, in a private HOME, against the server."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.tools import TOOLS_DIR as TOOLS_DIR  # re-exported: the tests import it from here
from tests.support.tools import need as need

DOMAIN = "acme"
REPOSITORY = "repo"
RECIPES = Path(__file__).resolve().parents[2] / "docs" / "recipes.md"
# Inherited variables that would point a client at the user's configuration or at a network.
_DROPPED = ("PIP_", "UV_", "POETRY_", "TWINE_", "NPM_CONFIG_", "YARN_", "PNPM_", "CARGO_", "GEM_", "BUNDLE_", "MAVEN_")


def recipe(name: str) -> str:
    """The shell block that follows ``<!-- recipe: name -->`` in docs/recipes.md."""
    text = RECIPES.read_text()
    found = re.search(rf"<!-- recipe: {re.escape(name)} -->\n```sh\n(.*?)\n```\n", text, re.DOTALL)
    assert found is not None, f"docs/recipes.md has no recipe {name!r}"
    return found.group(1)


@dataclass
class Kitchen:
    """A fresh repository on the server, a private HOME, and the environment recipes run in."""

    server: ThreadedCodeArtifactServer
    client: Any
    root: Path
    home: Path
    env: dict[str, str]

    def run(self, *names: str, timeout: float = 300) -> str:
        """Run recipes ``names`` one after another in ``root``; fail with their output when one fails."""
        script = "\n".join(recipe(name) for name in names)
        try:
            proc = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=self.root,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"recipe {names} timed out after {timeout}s\n{exc.stdout}\n{exc.stderr}")
        if proc.returncode != 0:
            pytest.fail(
                f"recipe {names} failed ({proc.returncode})\nSTDOUT:\n{proc.stdout[-8000:]}\nSTDERR:\n{proc.stderr[-8000:]}"
            )
        return proc.stdout

    def versions(self, fmt: str, package: str, namespace: str | None = None) -> dict[str, Any]:
        where = {"namespace": namespace} if namespace else {}
        out = self.client.list_package_versions(
            domain=DOMAIN, repository=REPOSITORY, format=fmt, package=package, **where
        )
        return {v["version"]: v for v in out["versions"]}

    def describe(self, fmt: str, package: str, version: str, namespace: str | None = None) -> dict[str, Any]:
        where = {"namespace": namespace} if namespace else {}
        out = self.client.describe_package_version(
            domain=DOMAIN, repository=REPOSITORY, format=fmt, package=package, packageVersion=version, **where
        )
        return out["packageVersion"]

    def endpoint(self, fmt: str) -> str:
        out = self.client.get_repository_endpoint(domain=DOMAIN, repository=REPOSITORY, format=fmt)
        return out["repositoryEndpoint"]


@pytest.fixture
def kitchen(codeartifact_server: ThreadedCodeArtifactServer, tmp_path: Path) -> Kitchen:
    client = boto3.client(
        "codeartifact",
        region_name="us-east-1",
        endpoint_url=codeartifact_server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository=REPOSITORY)
    home = tmp_path / "home"
    home.mkdir()
    root = tmp_path / "work"
    root.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy") and not k.upper().startswith(_DROPPED) and k != "VIRTUAL_ENV"
    }
    env.update(
        {
            "HOME": str(home),
            "PATH": f"{TOOLS_DIR}{os.pathsep}{env.get('PATH', '')}",
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    return Kitchen(codeartifact_server, client, root, home, env)
