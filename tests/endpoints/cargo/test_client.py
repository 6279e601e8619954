"""The real ``cargo`` publishes to a cargo repository endpoint (sparse registry) and builds a crate that depends on it.

The registry is configured as AWS documents it (``index = "sparse+<endpoint>"``) in a private ``CARGO_HOME``, with the
``cargo:token`` credential provider and the CodeArtifact token as the registry token (sent as the bare
``Authorization`` value after the unauthenticated ``config.json`` request gets a 401). crates.io is unreachable, so
the crates have no other dependencies.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from mock_codeartifact.server import client_config
from tests.support.clients import clean_env, run_ok
from tests.support.repository import Repo
from tests.support.tools import need

pytestmark = pytest.mark.clients


def _crate(root: Path, name: str, deps: str = "", code: str = "") -> None:
    (root / "src").mkdir(parents=True)
    (root / "Cargo.toml").write_text(
        textwrap.dedent(
            f"""\
            [package]
            name = "{name}"
            version = "0.1.0"
            edition = "2021"
            description = "A crate named {name}"
            license = "MIT"
            repository = "https://example.com/{name}"
            readme = "README.md"
            publish = ["mock"]

            [dependencies]
            {deps}
            """
        )
    )
    (root / "README.md").write_text(f"# {name}\n\nHello from {name}.\n")
    (root / "src" / "lib.rs").write_text(code or 'pub fn hello() -> &\'static str { "hello" }\n')


@pytest.fixture
def cargo_env(repo: Repo, tmp_path: Path) -> dict[str, str]:
    need("cargo")
    cargo_home = tmp_path / "cargo-home"
    cargo_home.mkdir()
    (cargo_home / "config.toml").write_text(client_config.cargo_config(repo.endpoint("cargo"), name="mock"))
    home = tmp_path / "home"
    home.mkdir()
    return clean_env(
        home,
        CARGO_HOME=str(cargo_home),
        RUSTUP_HOME=os.environ.get("RUSTUP_HOME", str(Path.home() / ".rustup")),
        CARGO_REGISTRIES_MOCK_TOKEN=repo.token,
        CARGO_TARGET_DIR=str(tmp_path / "target"),
        CARGO_TERM_COLOR="never",
        CARGO_NET_RETRY="0",
    )


def test_cargo_publish_then_build_a_dependent_crate(repo: Repo, cargo_env: dict[str, str], tmp_path: Path) -> None:
    cargo = need("cargo")
    _crate(tmp_path / "hello", "mockca_hello")
    run_ok([cargo, "publish", "--registry", "mock", "--no-verify", "--allow-dirty"], tmp_path / "hello", cargo_env, 180)

    versions = repo.versions("cargo", "mockca_hello")
    assert versions["0.1.0"]["status"] == "Published"
    assets = repo.assets("cargo", "mockca_hello", "0.1.0")
    assert list(assets) == ["mockca_hello-0.1.0.crate"]
    assert repo.readme("cargo", "mockca_hello", "0.1.0") == "# mockca_hello\n\nHello from mockca_hello.\n"
    described = repo.describe("cargo", "mockca_hello", "0.1.0")
    assert described["summary"] == "A crate named mockca_hello"
    assert described["licenses"] == [{"name": "MIT"}]
    assert described["sourceCodeRepository"] == "https://example.com/mockca_hello"
    assert repo.dependencies("cargo", "mockca_hello", "0.1.0") == []

    # A second crate depends on the first: cargo resolves it through the sparse index, downloads it through
    # ``dl``, checks its checksum and compiles it. Publishing it records the dependency.
    _crate(
        tmp_path / "app",
        "mockca_app",
        deps='mockca_hello = { version = "0.1.0", registry = "mock" }',
        code="pub fn run() -> &'static str { mockca_hello::hello() }\n",
    )
    run_ok([cargo, "fetch"], tmp_path / "app", cargo_env, 180)
    run_ok([cargo, "build"], tmp_path / "app", cargo_env, 300)
    assert list((tmp_path / "target" / "debug").glob("libmockca_app*.rlib"))
    run_ok([cargo, "publish", "--registry", "mock", "--no-verify", "--allow-dirty"], tmp_path / "app", cargo_env, 180)
    assert repo.dependencies("cargo", "mockca_app", "0.1.0") == [
        {"package": "mockca_hello", "dependencyType": "normal", "versionRequirement": "^0.1.0"}
    ]


def test_cargo_without_a_token_is_refused(repo: Repo, cargo_env: dict[str, str], tmp_path: Path) -> None:
    cargo = need("cargo")
    _crate(tmp_path / "hello", "mockca_hello")
    env = {**cargo_env, "CARGO_REGISTRIES_MOCK_TOKEN": "not-a-token"}
    import subprocess

    proc = subprocess.run(
        [cargo, "publish", "--registry", "mock", "--no-verify", "--allow-dirty"],
        cwd=tmp_path / "hello",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "401" in proc.stderr or "unauthorized" in proc.stderr.lower()
    assert repo.client.list_packages(domain="acme", repository="repo")["packages"] == []
