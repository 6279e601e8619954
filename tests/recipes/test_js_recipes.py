"""The JavaScript recipes of docs/recipes.md: npm publish, then install with npm, pnpm and Yarn."""

from __future__ import annotations

import json

import pytest

from .conftest import DOMAIN, REPOSITORY, Kitchen, need


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
