"""Token authentication on repository endpoints, and ``aws codeartifact login`` configurations that work."""

from __future__ import annotations

import base64
import configparser
import datetime as dt
import json
import re
import sys

import boto3
import pytest
import requests

from tests.support.clients import run
from tests.support.package_files import wheel
from tests.support.repository import DOMAIN


def _simple(repo) -> str:
    return repo.endpoint("pypi") + "simple/anything/"


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize("form", ["basic", "bearer", "bare"])
def test_every_documented_token_form_is_accepted(repo, form):
    headers = {
        "basic": _basic("aws", repo.token),
        "bearer": {"Authorization": f"Bearer {repo.token}"},
        "bare": {"Authorization": repo.token},
    }[form]
    # 404: authenticated, and the package does not exist.
    assert requests.get(_simple(repo), headers=headers, timeout=30).status_code == 404


def _other_domain_token(repo) -> str:
    repo.client.create_domain(domain="other")
    return repo.client.get_authorization_token(domain="other")["authorizationToken"]


@pytest.mark.parametrize(
    "case", ["missing", "unknown", "garbage-basic", "empty-password", "other-domain", "other-region", "other-owner"]
)
def test_requests_without_a_valid_token_get_401_with_a_basic_challenge(repo, case, monkeypatch):
    targets = ((_simple(repo), "GET"), (repo.endpoint("npm") + "left-pad", "GET"), (repo.endpoint("pypi"), "POST"))
    if case == "missing":
        headers = {}
    elif case == "unknown":
        headers = {"Authorization": "Bearer not-a-token"}
    elif case == "garbage-basic":
        headers = {"Authorization": "Basic %%%"}
    elif case == "empty-password":
        headers = _basic("aws", "")
    elif case == "other-domain":
        headers = {"Authorization": f"Bearer {_other_domain_token(repo)}"}
    elif case == "other-region":
        west = boto3.client("codeartifact", region_name="us-west-2", endpoint_url=repo.server.endpoint_url)
        west.create_domain(domain=DOMAIN)
        west.create_repository(domain=DOMAIN, repository="repo")
        headers = {"Authorization": f"Bearer {west.get_authorization_token(domain=DOMAIN)['authorizationToken']}"}
    else:
        monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", "111122223333")
        other = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=repo.server.endpoint_url)
        other.create_domain(domain=DOMAIN)
        headers = {"Authorization": f"Bearer {other.get_authorization_token(domain=DOMAIN)['authorizationToken']}"}
    for url, method in targets:
        r = requests.request(method, url, headers=headers, timeout=30)
        assert r.status_code == 401, (url, r.status_code)
        assert re.fullmatch(r'Basic realm="[^"]+"', r.headers["WWW-Authenticate"])


def test_an_expired_token_gets_401(repo, monkeypatch):
    token = repo.client.get_authorization_token(domain=DOMAIN, durationSeconds=900)["authorizationToken"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(_simple(repo), headers=headers, timeout=30).status_code == 404
    import mock_codeartifact.protocols.router as router

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=901)
    monkeypatch.setattr(router, "utcnow", lambda: later)
    assert requests.get(_simple(repo), headers=headers, timeout=30).status_code == 401


def test_unknown_repository_and_format_without_endpoint(repo):
    headers = repo.auth()
    missing = repo.endpoint("pypi").replace("/pypi/repo/", "/pypi/nope/")
    assert requests.get(missing + "simple/x/", headers=headers, timeout=30).status_code == 404
    generic = repo.endpoint("generic")
    r = requests.get(generic + "anything", headers=headers, timeout=30)
    assert r.status_code == 404 and r.json()["message"]
    # A path that is no repository endpoint at all.
    assert requests.get(repo.server.endpoint_url + "/nothing/here", timeout=30).status_code == 404


def _login(repo, tool: str, env: dict[str, str]) -> str:
    cmd = [sys.executable, "-m", "awscli", "codeartifact", "login", "--tool", tool, "--domain", DOMAIN]
    cmd += ["--domain-owner", "123456789012", "--repository", "repo", "--dry-run"]
    cmd += ["--endpoint-url", repo.server.endpoint_url, "--region", "us-east-1"]
    env = dict(env, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    proc = run(cmd, env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.clients("aws")
def test_login_pip_configuration_installs(repo, client_env, tmp_path, assert_ok):
    built = wheel("logged-in", "1.0")
    r = requests.post(
        repo.endpoint("pypi"),
        data={":action": "file_upload"},
        files={"content": built},
        headers=repo.auth(),
        timeout=30,
    )
    assert r.status_code == 200
    out = _login(repo, "pip", client_env)
    (index_url,) = re.findall(r"pip config set global\.index-url (\S+)", out)
    assert index_url.startswith("http://aws:") and index_url.endswith("/pypi/repo/simple/")
    target = tmp_path / "t"
    cmd = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--target", str(target), "--index-url", index_url]
    assert_ok(run(cmd + ["logged-in"], client_env))
    assert (target / "logged_in" / "__init__.py").exists()


@pytest.mark.clients("aws", "twine")
def test_login_twine_configuration_uploads(repo, client_env, tmp_path, assert_ok):
    out = _login(repo, "twine", client_env)
    pypirc = out[out.index("[distutils]") :]
    parser = configparser.ConfigParser()
    parser.read_string(pypirc)
    section = parser["codeartifact"]
    assert section["repository"] == repo.endpoint("pypi") and section["username"] == "aws"
    (tmp_path / ".pypirc").write_text(pypirc)
    built = wheel("via-pypirc", "2.0")
    (tmp_path / built[0]).write_bytes(built[1])
    cmd = [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar"]
    cmd += ["--config-file", str(tmp_path / ".pypirc"), "-r", "codeartifact", str(tmp_path / built[0])]
    assert_ok(run(cmd, client_env))
    assert list(repo.versions("pypi", "via-pypirc")) == ["2.0"]


@pytest.mark.clients("aws", "npm")
def test_login_npm_configuration_publishes_and_installs(repo, client_env, tmp_path, assert_ok):
    out = _login(repo, "npm", client_env)
    (registry,) = re.findall(r"npm config set registry (\S+)", out)
    assert registry == repo.endpoint("npm")
    # --dry-run leaves the token out; login would set it under the registry's netloc and path.
    token = repo.client.get_authorization_token(domain=DOMAIN)["authorizationToken"]
    host_path = registry.split("://", 1)[1]
    with open(client_env["npm_config_userconfig"], "w") as fh:
        fh.write(f"registry={registry}\n//{host_path}:_authToken={token}\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "package.json").write_text(json.dumps({"name": "via-login", "version": "3.0.0"}))
    assert_ok(run(["npm", "publish"], client_env, cwd=pkg))
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "private": True}))
    assert_ok(run(["npm", "install", "via-login"], client_env, cwd=app))
    assert json.loads((app / "node_modules/via-login/package.json").read_text())["version"] == "3.0.0"


@pytest.mark.parametrize("domain", ["%E6%97%A5%E6%9C%AC", "a%22b", "a%0d%0aX-Evil:%201", "%2e%2e"])
def test_odd_domain_names_in_the_url_get_a_clean_401(repo, domain):
    url = f"{repo.server.endpoint_url}/us-east-1/{domain}/123456789012/pypi/repo/simple/x/"
    r = requests.get(url, timeout=30)
    assert r.status_code == 401
    assert re.fullmatch(r'Basic realm="[\x21-\x7e]+"', r.headers["WWW-Authenticate"])
    assert "X-Evil" not in r.headers
