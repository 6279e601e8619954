"""The real ``gem`` (Debian's ruby) pushes to a ruby repository endpoint and installs from it.

``gem push`` sends the token as the bare ``Authorization`` header (``GEM_HOST_API_KEY``); ``gem install`` takes it
from the source URL's user info (Basic ``aws:<token>``), as AWS's RubyGems instructions configure it.
rubygems.org is unreachable, so the source list holds only the mock.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from mock_codeartifact.server import client_config
from tests.support.clients import clean_env, run_ok
from tests.support.repository import Repo
from tests.support.tools import need

pytestmark = pytest.mark.clients


def _gem(root: Path, name: str, deps: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "lib" / f"{name}.rb").write_text(f"module {name.title().replace('_', '')}; def self.hi; 'hi'; end; end\n")
    (root / "README.md").write_text(f"# {name}\n\nA gem for tests.\n")
    (root / f"{name}.gemspec").write_text(
        textwrap.dedent(
            f"""\
            Gem::Specification.new do |s|
              s.name = "{name}"
              s.version = "0.1.0"
              s.summary = "The {name} gem"
              s.authors = ["Tester"]
              s.license = "MIT"
              s.homepage = "https://example.com/{name}"
              s.files = ["lib/{name}.rb", "README.md"]
              {deps}
            end
            """
        )
    )
    return root


@pytest.fixture
def gem_env(tmp_path: Path) -> dict[str, str]:
    need("gem")
    home = tmp_path / "home"
    home.mkdir()
    return clean_env(
        home, GEM_HOME=str(tmp_path / "gems"), GEM_PATH=str(tmp_path / "gems"), GEM_SPEC_CACHE=str(tmp_path / "specs")
    )


def _build_and_push(gem: str, root: Path, name: str, endpoint: str, token: str, env: dict[str, str]) -> None:
    run_ok([gem, "build", f"{name}.gemspec"], root, env, 60)
    push_env = {**env, "GEM_HOST_API_KEY": token}
    out = run_ok([gem, "push", f"{name}-0.1.0.gem", "--host", endpoint.rstrip("/")], root, push_env, 60).stdout
    assert f"Successfully registered gem: {name} (0.1.0)" in out


def test_gem_push_then_install_with_a_dependency(repo: Repo, gem_env: dict[str, str], tmp_path: Path) -> None:
    gem = need("gem")
    endpoint = repo.endpoint("ruby")
    base = _gem(tmp_path / "base", "mockca_base")
    hello = _gem(tmp_path / "hello", "mockca_hello", deps='s.add_dependency "mockca_base", "~> 0.1"')
    _build_and_push(gem, base, "mockca_base", endpoint, repo.token, gem_env)
    _build_and_push(gem, hello, "mockca_hello", endpoint, repo.token, gem_env)

    versions = repo.versions("ruby", "mockca_hello")
    assert versions["0.1.0"]["status"] == "Published"
    assert list(repo.assets("ruby", "mockca_hello", "0.1.0")) == ["mockca_hello-0.1.0.gem"]
    assert repo.dependencies("ruby", "mockca_hello", "0.1.0") == [
        {"package": "mockca_base", "dependencyType": "runtime", "versionRequirement": "~> 0.1"}
    ]
    described = repo.describe("ruby", "mockca_hello", "0.1.0")
    assert described["summary"] == "The mockca_hello gem"
    assert described["licenses"] == [{"name": "MIT"}]
    assert repo.readme("ruby", "mockca_hello", "0.1.0") == "# mockca_hello\n\nA gem for tests.\n"

    source = client_config.gem_source_url(endpoint, repo.token)
    install_dir = tmp_path / "installed"
    out = run_ok(
        [
            gem,
            "install",
            "mockca_hello",
            "--clear-sources",
            "--source",
            source,
            "--install-dir",
            str(install_dir),
            "--no-document",
        ],
        tmp_path,
        gem_env,
        120,
    ).stdout
    assert "Successfully installed mockca_base-0.1.0" in out
    assert "Successfully installed mockca_hello-0.1.0" in out
    assert (install_dir / "gems" / "mockca_hello-0.1.0" / "lib" / "mockca_hello.rb").is_file()


def test_dependency_api_answers_ruby_marshal(repo: Repo, gem_env: dict[str, str], tmp_path: Path) -> None:
    """Bundler's dependency API (``/api/v1/dependencies``) is Marshal data that Ruby itself can load."""
    gem = need("gem")
    ruby = need("ruby")
    endpoint = repo.endpoint("ruby")
    hello = _gem(tmp_path / "hello", "mockca_hello", deps='s.add_dependency "rake", ">= 1.0", "< 14"')
    _build_and_push(gem, hello, "mockca_hello", endpoint, repo.token, gem_env)
    body = repo.get(endpoint + "api/v1/dependencies?gems=mockca_hello,absent").content
    proc = subprocess.run(
        [ruby, "-e", "p Marshal.load(STDIN.binmode.read)"], input=body, capture_output=True, timeout=30, check=True
    )
    assert proc.stdout.decode().strip() == (
        '[{:name=>"mockca_hello", :number=>"0.1.0", :platform=>"ruby", :dependencies=>[["rake", ">= 1.0, < 14"]]}]'
    )


def _bundler(ruby: str) -> list[str]:
    """Bundler as Ruby ships it (a default gem; Debian's ``bundle`` executable is a separate package)."""
    proc = subprocess.run(
        [ruby, "-e", 'print Gem::Specification.find_by_name("bundler").full_gem_path'],
        capture_output=True,
        text=True,
        timeout=30,
    )
    for exe in ("libexec/bundle", "exe/bundle"):
        path = Path(proc.stdout.strip()) / exe
        if proc.returncode == 0 and path.is_file():
            return [ruby, str(path)]
    pytest.skip("Bundler is not available to this ruby")


def test_bundle_install_resolves_through_the_dependency_api(
    repo: Repo, gem_env: dict[str, str], tmp_path: Path
) -> None:
    """Bundler finds no compact index (``versions`` is 404, as on CodeArtifact) and resolves through
    ``/api/v1/dependencies``, then downloads the gems."""
    gem = need("gem")
    bundle = _bundler(need("ruby"))
    endpoint = repo.endpoint("ruby")
    base = _gem(tmp_path / "base", "mockca_base")
    hello = _gem(tmp_path / "hello", "mockca_hello", deps='s.add_dependency "mockca_base", "~> 0.1"')
    _build_and_push(gem, base, "mockca_base", endpoint, repo.token, gem_env)
    _build_and_push(gem, hello, "mockca_hello", endpoint, repo.token, gem_env)

    source = client_config.gem_source_url(endpoint, repo.token)
    app = tmp_path / "app"
    app.mkdir()
    (app / "Gemfile").write_text(f'source "{source}"\ngem "mockca_hello"\n')
    env = {
        **gem_env,
        "BUNDLE_PATH": str(tmp_path / "vendor"),
        "BUNDLE_APP_CONFIG": str(tmp_path / "bundle-config"),
        "BUNDLE_USER_HOME": str(tmp_path / "bundle-home"),
        "BUNDLE_DISABLE_VERSION_CHECK": "true",
    }
    out = run_ok([*bundle, "install", "--verbose"], app, env, 180).stdout
    assert "api/v1/dependencies" in out
    assert "Installing mockca_base 0.1.0" in out and "Installing mockca_hello 0.1.0" in out
    lock = (app / "Gemfile.lock").read_text()
    assert "mockca_hello (0.1.0)\n      mockca_base (~> 0.1)" in lock
