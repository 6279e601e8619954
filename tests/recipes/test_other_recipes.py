"""The Maven, Cargo and RubyGems recipes of docs/recipes.md."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support import maven

from .conftest import DOMAIN, REPOSITORY, Kitchen, need

pytestmark = pytest.mark.clients

RUSTUP_HOME = Path(os.environ.get("RUSTUP_HOME", Path.home() / ".rustup"))


def test_mvn_deploy_then_resolve(kitchen: Kitchen) -> None:
    maven.mvn_path()
    local = maven.local_repository(kitchen.root.parent)
    kitchen.server.maven_settings(DOMAIN, REPOSITORY, directory=kitchen.root.parent, local_repository=local)
    kitchen.env.update(
        MAVEN_SETTINGS=str(kitchen.root.parent / "settings.xml"),
        REPOSITORY_URL=kitchen.endpoint("maven"),
        MAVEN_OPTS="-Xmx512m",
    )
    out = kitchen.run("maven")
    assert "BUILD SUCCESS" in out
    assert re.search(r"Downloaded from codeartifact: .*/zz/recipes/greeter/1\.0\.0/greeter-1\.0\.0\.jar", out)
    assert (local / "zz/recipes/greeter/1.0.0/greeter-1.0.0.jar").is_file()

    versions = kitchen.versions("maven", "greeter", namespace="zz.recipes")
    assert versions["1.0.0"]["status"] == "Published"
    assert kitchen.describe("maven", "greeter", "1.0.0", namespace="zz.recipes")["summary"] == (
        "Hello from the Maven recipe"
    )


def test_cargo_publish_then_build(kitchen: Kitchen) -> None:
    need("cargo")
    cargo_home = kitchen.root.parent / "cargo-home"
    kitchen.server.cargo_config(DOMAIN, REPOSITORY, directory=cargo_home)
    kitchen.env.update(kitchen.server.cargo_env(DOMAIN, REPOSITORY))
    kitchen.env.update(
        CARGO_HOME=str(cargo_home),
        RUSTUP_HOME=str(RUSTUP_HOME),
        CARGO_TARGET_DIR=str(kitchen.root.parent / "target"),
        CARGO_TERM_COLOR="never",
        CARGO_NET_RETRY="0",
    )
    out = kitchen.run("cargo")
    assert out.splitlines()[-1] == "hello from cargo"

    assert kitchen.versions("cargo", "recipe_hello")["0.1.0"]["status"] == "Published"
    assert kitchen.describe("cargo", "recipe_hello", "0.1.0")["summary"] == "Hello from the Cargo recipe"
    manifest = (kitchen.root / "app" / "Cargo.toml").read_text()
    assert 'recipe_hello = { version = "0.1.0", registry = "codeartifact" }' in manifest


def test_gem_push_then_install(kitchen: Kitchen) -> None:
    need("gem")
    need("ruby")
    server = kitchen.server
    server.gem_credentials(DOMAIN, REPOSITORY, directory=kitchen.home)
    gems = kitchen.root.parent / "gem-home"
    kitchen.env.update(
        GEM_HOST=server.gem_host(DOMAIN, REPOSITORY),
        GEM_SOURCE=server.gem_source_url(DOMAIN, REPOSITORY),
        GEM_HOME=str(gems),
        GEM_PATH=str(gems),
        GEM_SPEC_CACHE=str(kitchen.root.parent / "gem-specs"),
    )
    out = kitchen.run("gem", timeout=180)
    assert "Successfully registered gem: recipe_hello (0.1.0)" in out
    assert "Successfully installed recipe_hello-0.1.0" in out
    assert out.splitlines()[-1] == "hello from rubygems"

    assert kitchen.versions("ruby", "recipe_hello")["0.1.0"]["status"] == "Published"
    assert kitchen.describe("ruby", "recipe_hello", "0.1.0")["summary"] == "Hello from the RubyGems recipe"
