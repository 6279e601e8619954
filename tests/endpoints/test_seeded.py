"""Versions seeded through ``mock_codeartifact.seeding`` are served to package managers like published ones."""

from __future__ import annotations

import json
import sys

import pytest
import requests

from mock_codeartifact.seeding import add_package_version
from tests.support.clients import run
from tests.support.package_files import npm_tarball, wheel
from tests.support.repository import DOMAIN


@pytest.mark.clients
def test_seeded_wheel_is_installable_with_pip(repo, client_env, tmp_path, assert_ok):
    filename, data = wheel("seeded-py", "0.3")
    add_package_version(
        repo.server,
        domain=DOMAIN,
        repository="repo",
        format="pypi",
        package="seeded-py",
        version="0.3",
        assets={filename: data},
    )
    index = repo.endpoint("pypi").replace("://", f"://aws:{repo.token}@", 1) + "simple/"
    cmd = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--target", str(tmp_path / "t")]
    assert_ok(run(cmd + ["--index-url", index, "seeded-py"], client_env))
    assert (tmp_path / "t" / "seeded_py" / "__init__.py").read_text() == "VERSION = '0.3'\n"


def test_seeded_npm_version_without_a_real_tarball_still_has_a_packument(repo):
    add_package_version(
        repo.server,
        domain=DOMAIN,
        repository="repo",
        format="npm",
        namespace="acme",
        package="seeded",
        version="1.0.0",
        assets={"package.tgz": b"not really a tarball"},
        summary="seeded summary",
        dependencies=[{"package": "dep", "dependencyType": "regular", "versionRequirement": "^1"}],
    )
    doc = requests.get(repo.endpoint("npm") + "@acme%2fseeded", headers=repo.bearer(), timeout=30).json()
    version = doc["versions"]["1.0.0"]
    assert version["name"] == "@acme/seeded" and version["description"] == "seeded summary"
    assert version["dependencies"] == {"dep": "^1"}
    assert doc["dist-tags"] == {"latest": "1.0.0"}


@pytest.mark.clients("npm")
def test_seeded_npm_tarball_is_installable(repo, client_env, tmp_path, assert_ok):
    add_package_version(
        repo.server,
        domain=DOMAIN,
        repository="repo",
        format="npm",
        package="seeded-js",
        version="2.1.0",
        assets={"package.tgz": npm_tarball({"name": "seeded-js", "version": "2.1.0"})},
    )
    endpoint = repo.endpoint("npm")
    with open(client_env["npm_config_userconfig"], "w") as fh:
        fh.write(f"registry={endpoint}\n//{endpoint.split('://', 1)[1]}:_authToken={repo.token}\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "private": True}))
    assert_ok(run(["npm", "install", "seeded-js"], client_env, cwd=app))
    assert json.loads((app / "node_modules/seeded-js/package.json").read_text())["version"] == "2.1.0"
