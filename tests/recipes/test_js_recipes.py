"""The JavaScript recipes of docs/recipes.md: npm publish, then install with npm, pnpm and Yarn."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import DOMAIN, REPOSITORY, TOOLS_DIR, Kitchen, need

pytestmark = pytest.mark.clients


@pytest.fixture
def npm_kitchen(kitchen: Kitchen) -> Kitchen:
    need("npm")
    need("node")
    kitchen.server.npmrc(DOMAIN, REPOSITORY, directory=kitchen.home)
    kitchen.env.update(
        npm_config_cache=str(kitchen.root.parent / "npm-cache"),
        npm_config_update_notifier="false",
        npm_config_audit="false",
        npm_config_fund="false",
    )
    return kitchen


def _published(kitchen: Kitchen) -> None:
    versions = kitchen.versions("npm", "recipe-lib", namespace="acme")
    assert versions["1.0.0"]["status"] == "Published"
    assert kitchen.describe("npm", "recipe-lib", "1.0.0", namespace="acme")["summary"] == "Hello from the npm recipe"


def _installed_from_the_mock(kitchen: Kitchen, lockfile: str) -> None:
    manifest = kitchen.root / "app" / "node_modules" / "@acme" / "recipe-lib" / "package.json"
    assert json.loads(manifest.read_text())["version"] == "1.0.0"
    # What was installed is what was published (the printed greeting says so too); npm and Yarn also record where.
    lock = (kitchen.root / "app" / lockfile).read_text()
    assert "@acme/recipe-lib" in lock
    if lockfile != "pnpm-lock.yaml":  # pnpm records no URL for the default registry
        assert kitchen.endpoint("npm").split("://", 1)[1] in lock


def test_npm_publish_then_npm_install(npm_kitchen: Kitchen) -> None:
    out = npm_kitchen.run("npm-publish", "npm-install")
    assert out.splitlines()[-1] == "hello from npm"
    _published(npm_kitchen)
    _installed_from_the_mock(npm_kitchen, "package-lock.json")


def test_npm_publish_then_pnpm_install(npm_kitchen: Kitchen) -> None:
    need("pnpm")
    npm_kitchen.env.update(
        npm_config_store_dir=str(npm_kitchen.root.parent / "pnpm-store"),
        npm_config_cache_dir=str(npm_kitchen.root.parent / "pnpm-cache"),
    )
    out = npm_kitchen.run("npm-publish", "pnpm-install")
    assert out.splitlines()[-1] == "hello from npm"
    _published(npm_kitchen)
    _installed_from_the_mock(npm_kitchen, "pnpm-lock.yaml")


def test_npm_publish_then_yarn_install(npm_kitchen: Kitchen) -> None:
    need("yarn")
    npm_kitchen.env.update(
        YARN_CACHE_FOLDER=str(npm_kitchen.root.parent / "yarn-cache"),
        YARN_DISABLE_SELF_UPDATE_CHECK="true",
    )
    out = npm_kitchen.run("npm-publish", "yarn-install")
    assert out.splitlines()[-1] == "hello from npm"
    _published(npm_kitchen)
    _installed_from_the_mock(npm_kitchen, "yarn.lock")


def _yarn_berry() -> str:
    """Yarn 2+: where .ci/run installs it (beside Yarn 1, whose ``yarn`` is on PATH), or a ``yarn`` that is Berry."""
    installed = TOOLS_DIR.parent / "yarn-berry" / "bin" / "yarn"
    if installed.is_file():
        return str(installed)
    yarn = need("yarn")
    version = subprocess.run([yarn, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    if not version or int(version.split(".")[0]) < 2:
        pytest.skip(f"Yarn 2 or later is not installed here (yarn is {version or 'unusable'}; CI installs Berry)")
    return yarn


def test_npm_publish_then_yarn_berry_install(npm_kitchen: Kitchen) -> None:
    berry = Path(_yarn_berry())
    npm_kitchen.server.yarnrc_yml(DOMAIN, REPOSITORY, directory=npm_kitchen.home)
    npm_kitchen.env.update(
        PATH=f"{berry.parent}{os.pathsep}{npm_kitchen.env['PATH']}",
        YARN_ENABLE_TELEMETRY="0",
        YARN_GLOBAL_FOLDER=str(npm_kitchen.root.parent / "yarn-berry-global"),
    )
    out = npm_kitchen.run("npm-publish", "yarn-berry-install")
    assert out.splitlines()[-1] == "hello from npm"
    assert "YN0000" in out  # Berry's message codes: not Yarn 1
    _published(npm_kitchen)
    manifest = npm_kitchen.root / "app" / "node_modules" / "@acme" / "recipe-lib" / "package.json"
    assert json.loads(manifest.read_text())["version"] == "1.0.0"
    assert '"@acme/recipe-lib@npm:^1.0.0"' in (npm_kitchen.root / "app" / "yarn.lock").read_text()
