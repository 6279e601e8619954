"""Reads through upstream repositories and external connections (offline stand-ins), with origin controls."""

from __future__ import annotations

import json
import sys

import pytest
import requests
from botocore.exceptions import ClientError

from mock_codeartifact.external import external_registry
from tests.support.clients import run
from tests.support.package_files import npm_publish_body, npm_tarball, wheel
from tests.support.repository import DOMAIN

JSON_V1 = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
def chain(repo):
    """app -> mid -> base (base last); returns the Repo helper, with repositories created."""
    c = repo.client
    c.create_repository(domain=DOMAIN, repository="base")
    c.create_repository(domain=DOMAIN, repository="mid", upstreams=[{"repositoryName": "base"}])
    c.create_repository(domain=DOMAIN, repository="app", upstreams=[{"repositoryName": "mid"}])
    return repo


def upload(repo, repository: str, built: tuple[str, bytes]) -> None:
    url = repo.endpoint("pypi", repository)
    r = requests.post(url, data={":action": "file_upload"}, files={"content": built}, headers=repo.auth(), timeout=30)
    assert r.status_code == 200, r.text


def pip_install(repo, env, target, requirement: str, repository: str):
    index = repo.endpoint("pypi", repository).replace("://", f"://aws:{repo.token}@", 1) + "simple/"
    cmd = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--only-binary", ":all:", "--target", str(target)]
    return run(cmd + ["--index-url", index, requirement], env)


def missing(repo, fmt: str, package: str, repository: str, namespace: str | None = None) -> bool:
    try:
        repo.versions(fmt, package, namespace=namespace, repository=repository)
    except ClientError as err:
        return err.response["Error"]["Code"] == "ResourceNotFoundException"
    return False


@pytest.mark.clients
def test_pip_through_upstreams_retains_in_the_requesting_repository_only(chain, client_env, tmp_path, assert_ok):
    upload(chain, "base", wheel("deep", "1.0"))
    assert_ok(pip_install(chain, client_env, tmp_path / "t", "deep", "app"))
    assert (tmp_path / "t" / "deep" / "__init__.py").exists()
    retained = chain.versions("pypi", "deep", repository="app")["1.0"]
    assert retained["origin"] == {"originType": "INTERNAL", "domainEntryPoint": {"repositoryName": "base"}}
    assert missing(chain, "pypi", "deep", "mid")  # intermediate repositories do not retain
    # Retained copies survive the upstream's deletion.
    chain.client.delete_package(domain=DOMAIN, repository="base", format="pypi", package="deep")
    assert_ok(pip_install(chain, client_env, tmp_path / "t2", "deep==1.0", "app"))


def test_index_merges_versions_across_upstreams(chain):
    upload(chain, "base", wheel("merged", "1.0"))
    upload(chain, "mid", wheel("merged", "2.0"))
    page = chain.endpoint("pypi", "app") + "simple/merged/"
    doc = chain.get(page, headers={"Accept": JSON_V1}).json()
    assert doc["versions"] == ["1.0", "2.0"]
    assert missing(chain, "pypi", "merged", "app")  # listing alone retains nothing
    # A package published directly gets upstream BLOCK (AWS's default): upstream versions disappear.
    upload(chain, "app", wheel("merged", "3.0"))
    doc = chain.get(page, headers={"Accept": JSON_V1}).json()
    assert doc["versions"] == ["3.0"]


@pytest.mark.clients
def test_upstream_block_on_the_package_hides_upstream_versions(chain, client_env, tmp_path):
    upload(chain, "base", wheel("guarded", "1.0"))
    chain.client.put_package_origin_configuration(
        domain=DOMAIN,
        repository="app",
        format="pypi",
        package="guarded",
        restrictions={"publish": "ALLOW", "upstream": "BLOCK"},
    )
    assert chain.get(chain.endpoint("pypi", "app") + "simple/guarded/").status_code == 404
    proc = pip_install(chain, client_env, tmp_path / "t", "guarded", "app")
    assert proc.returncode != 0
    assert chain.versions("pypi", "guarded", repository="app") == {}


@pytest.mark.clients
def test_external_connection_stand_in_is_ingested_and_retained(chain, client_env, tmp_path, assert_ok):
    c = chain.client
    c.associate_external_connection(domain=DOMAIN, repository="base", externalConnection="public:pypi")
    # Nothing seeded: a clean 404, pip fails.
    assert chain.get(chain.endpoint("pypi", "app") + "simple/requests-lite/").status_code == 404
    assert pip_install(chain, client_env, tmp_path / "none", "requests-lite", "app").returncode != 0

    registry = external_registry(chain.server)
    built = wheel("requests_lite", "2.31.0", summary="From the stand-in", readme="public readme")
    registry.add_package_version("public:pypi", package="requests_lite", version="2.31.0", assets=dict([built]))
    assert_ok(pip_install(chain, client_env, tmp_path / "t", "requests-lite", "app"))
    assert (tmp_path / "t" / "requests_lite" / "__init__.py").exists()

    external = {"originType": "EXTERNAL", "domainEntryPoint": {"externalConnectionName": "public:pypi"}}
    assert chain.versions("pypi", "requests-lite", repository="app")["2.31.0"]["origin"] == external
    assert chain.versions("pypi", "requests-lite", repository="base")["2.31.0"]["origin"] == external
    assert missing(chain, "pypi", "requests-lite", "mid")
    coords = dict(domain=DOMAIN, repository="base", format="pypi", package="requests-lite", packageVersion="2.31.0")
    assert c.get_package_version_readme(**coords)["readme"] == "public readme"
    assert c.describe_package_version(**coords)["packageVersion"]["summary"] == "From the stand-in"
    # The ingested package record allows upstream and blocks publishing (AWS's defaults for ingested packages).
    described = c.describe_package(domain=DOMAIN, repository="base", format="pypi", package="requests-lite")
    assert described["package"]["originConfiguration"]["restrictions"] == {"publish": "BLOCK", "upstream": "ALLOW"}


@pytest.mark.clients
def test_package_group_blocking_external_upstream_stops_ingestion(chain, client_env, tmp_path):
    c = chain.client
    c.associate_external_connection(domain=DOMAIN, repository="base", externalConnection="public:pypi")
    c.create_package_group(domain=DOMAIN, packageGroup="/pypi//walled$")
    c.update_package_group_origin_configuration(
        domain=DOMAIN, packageGroup="/pypi//walled$", restrictions={"EXTERNAL_UPSTREAM": "BLOCK"}
    )
    registry = external_registry(chain.server)
    registry.add_package_version("public:pypi", package="walled", version="1.0", assets=dict([wheel("walled", "1.0")]))
    registry.add_package_version("public:pypi", package="open", version="1.0", assets=dict([wheel("open", "1.0")]))
    assert chain.get(chain.endpoint("pypi", "app") + "simple/walled/").status_code == 404
    assert pip_install(chain, client_env, tmp_path / "a", "walled", "app").returncode != 0
    assert missing(chain, "pypi", "walled", "base")
    assert pip_install(chain, client_env, tmp_path / "b", "open", "app").returncode == 0


@pytest.mark.clients("npm")
def test_npm_install_through_upstream_and_external_stand_in(chain, client_env, tmp_path, assert_ok):
    c = chain.client
    c.create_repository(domain=DOMAIN, repository="npm-public")
    c.associate_external_connection(domain=DOMAIN, repository="npm-public", externalConnection="public:npmjs")
    c.update_repository(
        domain=DOMAIN, repository="mid", upstreams=[{"repositoryName": "base"}, {"repositoryName": "npm-public"}]
    )
    # An internal package in base that depends on a public one.
    body = npm_publish_body(
        {"name": "@acme/inner", "version": "1.0.0"},
        npm_tarball({"name": "@acme/inner", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}}),
    )
    r = requests.put(
        chain.endpoint("npm", "base") + "@acme%2finner",
        data=json.dumps(body),
        headers={**chain.bearer(), "Content-Type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    external_registry(chain.server).add_package_version(
        "public:npmjs",
        package="left-pad",
        version="1.3.0",
        assets={"package.tgz": npm_tarball({"name": "left-pad", "version": "1.3.0", "description": "pads"})},
    )
    endpoint = chain.endpoint("npm", "app")
    with open(client_env["npm_config_userconfig"], "w") as fh:
        fh.write(f"registry={endpoint}\n//{endpoint.split('://', 1)[1]}:_authToken={chain.token}\n")
    app = tmp_path / "proj"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "proj", "version": "1.0.0", "private": True}))
    assert_ok(run(["npm", "install", "@acme/inner"], client_env, cwd=app))
    assert (app / "node_modules/left-pad/package.json").exists()

    inner = chain.versions("npm", "inner", namespace="acme", repository="app")["1.0.0"]
    assert inner["origin"]["domainEntryPoint"] == {"repositoryName": "base"}
    pad = chain.versions("npm", "left-pad", repository="app")["1.3.0"]
    assert pad["origin"] == {"originType": "EXTERNAL", "domainEntryPoint": {"externalConnectionName": "public:npmjs"}}
    assert "1.3.0" in chain.versions("npm", "left-pad", repository="npm-public")
    assert missing(chain, "npm", "left-pad", "mid")
    listed = c.list_package_versions(domain=DOMAIN, repository="npm-public", format="npm", package="left-pad")
    assert listed["defaultDisplayVersion"] == "1.3.0"
    summary = c.describe_package_version(
        domain=DOMAIN, repository="npm-public", format="npm", package="left-pad", packageVersion="1.3.0"
    )["packageVersion"]["summary"]
    assert summary == "pads"


@pytest.mark.clients
def test_stand_ins_over_http_for_servers_in_another_process(repo, client_env, tmp_path, assert_ok):
    import base64

    c = repo.client
    c.associate_external_connection(domain=DOMAIN, repository="repo", externalConnection="public:pypi")
    base = repo.server.endpoint_url + "/_mock/external"
    filename, data = wheel("over-http", "0.9")
    body = {
        "package": "over-http",
        "version": "0.9",
        "assets": {filename: base64.b64encode(data).decode()},
        "summary": "seeded over HTTP",
    }
    r = requests.post(f"{base}/public:pypi", json=body, timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "added"
    assert_ok(pip_install(repo, client_env, tmp_path / "t", "over-http", "repo"))
    described = c.describe_package_version(
        domain=DOMAIN, repository="repo", format="pypi", package="over-http", packageVersion="0.9"
    )["packageVersion"]
    assert described["summary"] == "seeded over HTTP"
    assert described["origin"]["originType"] == "EXTERNAL"

    for bad in (
        {"package": "x"},
        dict(body, assets={filename: "***"}),
        dict(body, dependencies="nope"),
        dict(body, package="has space"),
        dict(body, extra=1),
    ):
        assert requests.post(f"{base}/public:pypi", json=bad, timeout=30).status_code == 400
    assert requests.post(f"{base}/public:nowhere", json=body, timeout=30).status_code == 400
    malformed = requests.post(
        f"{base}/public:pypi", data=b"{", headers={"Content-Type": "application/json"}, timeout=30
    )
    assert malformed.status_code == 400

    assert requests.delete(f"{base}/public:pypi/over-http", timeout=30).json() == {"status": "removed"}
    assert repo.get(repo.endpoint("pypi") + "simple/over-http/", headers={"Accept": JSON_V1}).json()["versions"] == [
        "0.9"
    ]  # already ingested: the repository keeps it
    assert requests.delete(base, timeout=30).json() == {"status": "cleared"}
