"""The Python recipes of docs/recipes.md: pip + twine, uv, Poetry."""

from __future__ import annotations

import hashlib

import pytest

from .conftest import DOMAIN, REPOSITORY, Kitchen, need

pytestmark = pytest.mark.clients


def test_build_twine_upload_pip_install(kitchen: Kitchen) -> None:
    pytest.importorskip("build", reason="build is in the [test] extra")
    pytest.importorskip("twine", reason="twine is in the [test] extra")
    server = kitchen.server
    kitchen.env.update(server.twine_env(DOMAIN, REPOSITORY))
    kitchen.env.update(
        PIP_INDEX_URL=server.pip_index_url(DOMAIN, REPOSITORY),
        PIP_CONFIG_FILE="/dev/null",
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    out = kitchen.run("pip")
    assert out.splitlines()[-1] == "hello from pip"

    versions = kitchen.versions("pypi", "recipe-hello")
    assert versions["1.0.0"]["status"] == "Published"
    assert kitchen.describe("pypi", "recipe-hello", "1.0.0")["summary"] == "Hello from the pip recipe"
    assets = kitchen.client.list_package_version_assets(
        domain=DOMAIN, repository=REPOSITORY, format="pypi", package="recipe-hello", packageVersion="1.0.0"
    )["assets"]
    built = {p.name: p.read_bytes() for p in (kitchen.root / "hello" / "dist").iterdir()}
    assert (
        {a["name"] for a in assets}
        == set(built)
        == {"recipe_hello-1.0.0.tar.gz", "recipe_hello-1.0.0-py3-none-any.whl"}
    )
    for a in assets:
        assert a["hashes"]["SHA-256"] == hashlib.sha256(built[a["name"]]).hexdigest()


def test_uv_build_publish_pip_install_and_sync(kitchen: Kitchen) -> None:
    need("uv")
    kitchen.env.update(kitchen.server.uv_env(DOMAIN, REPOSITORY))
    kitchen.env.update(
        UV_PYTHON_DOWNLOADS="never", UV_CACHE_DIR=str(kitchen.root.parent / "uv-cache"), UV_NO_PROGRESS="1"
    )
    out = kitchen.run("uv")
    assert out.splitlines()[-2:] == ["hello from uv", "hello from uv"]

    assert kitchen.versions("pypi", "recipe-greet")["0.2.0"]["status"] == "Published"
    assert kitchen.describe("pypi", "recipe-greet", "0.2.0")["summary"] == "Hello from the uv recipe"
    lock = (kitchen.root / "app" / "uv.lock").read_text()
    assert kitchen.endpoint("pypi") + "simple" in lock  # resolved from the mock ...
    token = kitchen.env["UV_PUBLISH_PASSWORD"]
    assert token not in lock  # ... and the token stays out of the lock file


def test_poetry_build_publish_and_install_from_a_source(kitchen: Kitchen) -> None:
    need("poetry")
    server = kitchen.server
    kitchen.env.update(server.poetry_env(DOMAIN, REPOSITORY))
    kitchen.env.update(
        SOURCE_URL=server.pip_index_url(DOMAIN, REPOSITORY, with_token=False),
        POETRY_CACHE_DIR=str(kitchen.root.parent / "poetry-cache"),
        POETRY_VIRTUALENVS_IN_PROJECT="true",
        POETRY_NO_INTERACTION="1",
        POETRY_REQUESTS_TIMEOUT="30",
    )
    out = kitchen.run("poetry")
    assert out.splitlines()[-1] == "hello from poetry"

    assert kitchen.versions("pypi", "recipe-poem")["0.3.0"]["status"] == "Published"
    assert kitchen.describe("pypi", "recipe-poem", "0.3.0")["summary"] == "Hello from the Poetry recipe"
    lock = (kitchen.root / "app" / "poetry.lock").read_text()
    assert 'reference = "codeartifact"' in lock
