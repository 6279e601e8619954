"""npm against the mock's npm repository endpoint, checked through boto3."""

from __future__ import annotations

import base64
import hashlib
import json
import os

import pytest
import requests

from tests.support.clients import run
from tests.support.npm_client import configure, make_package, publish_raw
from tests.support.package_files import npm_publish_body, npm_tarball
from tests.support.repository import DOMAIN

pytestmark = pytest.mark.clients("npm")

ABBREVIATED = "application/vnd.npm.install-v1+json"


def test_npm_publish_then_install_from_a_clean_client(repo, client_env, tmp_path, assert_ok):
    configure(repo, client_env)
    dep = make_package(tmp_path / "dep", {"name": "tiny-dep", "version": "1.0.0", "main": "index.js"})
    assert_ok(run(["npm", "publish"], client_env, cwd=dep))
    manifest = {
        "name": "@acme/tiny",
        "version": "1.0.0",
        "description": "The tiny package",
        "main": "index.js",
        "license": "MIT",
        "homepage": "https://example.com/tiny",
        "dependencies": {"tiny-dep": "^1.0.0"},
        "devDependencies": {"@acme/devtool": "~2.0.0"},
    }
    pkg = make_package(tmp_path / "pkg", manifest, readme="# tiny\n\nHello.\n")
    assert_ok(run(["npm", "publish"], client_env, cwd=pkg))

    # A clean client: new project, new cache.
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "private": True}))
    client_env["npm_config_cache"] = str(tmp_path / "fresh-cache")
    assert_ok(run(["npm", "install", "@acme/tiny"], client_env, cwd=app))
    out = assert_ok(run(["node", "-e", "console.log(require('@acme/tiny'), require('tiny-dep'))"], client_env, cwd=app))
    assert out.stdout.split() == ["1.0.0", "1.0.0"]
    lock = json.loads((app / "package-lock.json").read_text())
    entry = lock["packages"]["node_modules/@acme/tiny"]
    assert entry["resolved"].startswith(repo.endpoint("npm"))

    c = repo.client
    listed = c.list_package_versions(domain=DOMAIN, repository="repo", format="npm", namespace="acme", package="tiny")
    assert listed["defaultDisplayVersion"] == "1.0.0"
    (v,) = listed["versions"]
    assert v["version"] == "1.0.0" and v["status"] == "Published" and v["origin"]["originType"] == "INTERNAL"
    coords = dict(
        domain=DOMAIN, repository="repo", format="npm", namespace="acme", package="tiny", packageVersion="1.0.0"
    )
    (asset,) = c.list_package_version_assets(**coords)["assets"]
    assert asset["name"] == "package.tgz"
    tarball = c.get_package_version_asset(asset="package.tgz", **coords)["asset"].read()
    assert "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode() == entry["integrity"]
    assert asset["hashes"]["SHA-512"] == hashlib.sha512(tarball).hexdigest()
    assert c.get_package_version_readme(**coords)["readme"] == "# tiny\n\nHello.\n"
    deps = c.list_package_version_dependencies(**coords)["dependencies"]
    assert sorted(deps, key=lambda d: d["package"]) == [
        {"namespace": "acme", "package": "devtool", "dependencyType": "dev", "versionRequirement": "~2.0.0"},
        {"package": "tiny-dep", "dependencyType": "regular", "versionRequirement": "^1.0.0"},
    ]
    described = c.describe_package_version(**coords)["packageVersion"]
    assert described["displayName"] == "@acme/tiny"
    assert described["summary"] == "The tiny package"
    assert described["homePage"] == "https://example.com/tiny"
    assert described["licenses"] == [{"name": "MIT"}]


def test_dist_tags_drive_install_and_default_display_version(repo, client_env, tmp_path, assert_ok):
    configure(repo, client_env)
    one = make_package(tmp_path / "v1", {"name": "tagged", "version": "1.0.0"})
    two = make_package(tmp_path / "v2", {"name": "tagged", "version": "2.0.0-beta.1"})
    assert_ok(run(["npm", "publish"], client_env, cwd=one))
    assert_ok(run(["npm", "publish", "--tag", "beta"], client_env, cwd=two))

    def default_version() -> str:
        return repo.client.list_package_versions(domain=DOMAIN, repository="repo", format="npm", package="tagged")[
            "defaultDisplayVersion"
        ]

    assert default_version() == "1.0.0"  # "latest", although 2.0.0-beta.1 was published later
    tags = assert_ok(run(["npm", "dist-tag", "ls", "tagged"], client_env, cwd=tmp_path)).stdout
    assert "beta: 2.0.0-beta.1" in tags and "latest: 1.0.0" in tags

    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "private": True}))
    assert_ok(run(["npm", "install", "tagged@beta"], client_env, cwd=app))
    assert json.loads((app / "node_modules/tagged/package.json").read_text())["version"] == "2.0.0-beta.1"

    assert_ok(run(["npm", "dist-tag", "add", "tagged@2.0.0-beta.1", "latest"], client_env, cwd=tmp_path))
    assert default_version() == "2.0.0-beta.1"
    assert_ok(run(["npm", "dist-tag", "rm", "tagged", "beta"], client_env, cwd=tmp_path))
    tags = requests.get(repo.endpoint("npm") + "-/package/tagged/dist-tags", headers=repo.bearer(), timeout=30).json()
    assert tags == {"latest": "2.0.0-beta.1"}


def test_packuments_full_and_abbreviated_and_statuses(repo):
    for version in ("1.0.0", "1.1.0", "1.2.0"):
        tarball = npm_tarball({"name": "@acme/multi", "version": version, "dependencies": {"x": "1"}}, readme="hi")
        body = npm_publish_body({"name": "@acme/multi", "version": version}, tarball)
        assert publish_raw(repo, "@acme/multi", body).status_code == 200
    c = repo.client
    coords = dict(domain=DOMAIN, repository="repo", format="npm", namespace="acme", package="multi")
    c.update_package_versions_status(versions=["1.0.0"], targetStatus="Unlisted", **coords)
    c.update_package_versions_status(versions=["1.1.0"], targetStatus="Archived", **coords)

    url = repo.endpoint("npm") + "@acme%2fmulti"
    full = requests.get(url, headers=repo.bearer(), timeout=30)
    assert full.status_code == 200
    doc = full.json()
    assert doc["name"] == "@acme/multi" and list(doc["versions"]) == ["1.2.0"]
    assert doc["dist-tags"]["latest"] == "1.2.0" and doc["readme"] == "hi"
    version_doc = doc["versions"]["1.2.0"]
    assert version_doc["dependencies"] == {"x": "1"}
    assert version_doc["dist"]["tarball"] == repo.endpoint("npm") + "@acme%2fmulti/-/multi-1.2.0.tgz"

    short = requests.get(url, headers={**repo.bearer(), "Accept": ABBREVIATED}, timeout=30)
    assert short.headers["Content-Type"].startswith(ABBREVIATED)
    assert set(short.json()) == {"name", "dist-tags", "versions", "modified"}
    assert "readme" not in short.json()["versions"]["1.2.0"]

    # The slash form of a scoped name works too; Unlisted stays downloadable, Archived does not.
    base = repo.endpoint("npm") + "@acme/multi/-/"
    assert requests.get(base + "multi-1.0.0.tgz", headers=repo.bearer(), timeout=30).status_code == 200
    assert requests.get(base + "multi-1.1.0.tgz", headers=repo.bearer(), timeout=30).status_code == 404
    one = requests.get(repo.endpoint("npm") + "@acme%2fmulti/latest", headers=repo.bearer(), timeout=30)
    assert one.json()["version"] == "1.2.0"
    assert requests.get(repo.endpoint("npm") + "-/ping", headers=repo.bearer(), timeout=30).status_code == 200
    # npm 11's update check asks for the package "npm": a clean 404.
    assert requests.get(repo.endpoint("npm") + "npm", headers=repo.bearer(), timeout=30).status_code == 404


def test_republishing_a_version_with_other_content_conflicts(repo, client_env, tmp_path, assert_ok):
    configure(repo, client_env)
    first = make_package(tmp_path / "a", {"name": "once", "version": "1.0.0"})
    assert_ok(run(["npm", "publish"], client_env, cwd=first))
    second = make_package(tmp_path / "b", {"name": "once", "version": "1.0.0", "description": "changed"})
    proc = run(["npm", "publish"], client_env, cwd=second)
    assert proc.returncode != 0, proc.stderr  # npm sees 1.0.0 in the packument and refuses
    # The server refuses it too when a client sends it anyway: same version, other tarball.
    tarball = npm_tarball({"name": "once", "version": "1.0.0", "description": "changed"})
    r = publish_raw(repo, "once", npm_publish_body({"name": "once", "version": "1.0.0"}, tarball))
    assert r.status_code == 409, r.text
    (v,) = repo.client.list_package_versions(domain=DOMAIN, repository="repo", format="npm", package="once")["versions"]
    assert v["version"] == "1.0.0"


def _good(name: str = "victim", version: str = "1.0.0") -> dict:
    return npm_publish_body({"name": name, "version": version}, npm_tarball({"name": name, "version": version}))


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not-json", 400),
        ("wrong-content-type", 415),
        ("not-an-object", 400),
        ("name-mismatch", 400),
        ("no-attachments", 404),  # a packument update (deprecate) of a package that does not exist
        ("bad-base64", 400),
        ("not-a-tarball", 400),
        ("tarball-without-package-json", 400),
        ("manifest-mismatch", 400),
        ("shasum-mismatch", 400),
        ("two-versions", 400),
    ],
)
def test_bad_publishes_are_refused_and_store_nothing(repo, case, expected):
    body = _good()
    content_type = "application/json"
    raw = None
    attachment = body["_attachments"]["victim-1.0.0.tgz"]
    if case == "not-json":
        raw = b"{not json"
    elif case == "wrong-content-type":
        content_type = "text/plain"
    elif case == "not-an-object":
        raw = b"[1, 2]"
    elif case == "name-mismatch":
        body["name"] = "other"
    elif case == "no-attachments":
        del body["_attachments"]
    elif case == "bad-base64":
        attachment["data"] = "***not base64***"
    elif case == "not-a-tarball":
        attachment["data"] = base64.b64encode(b"hello").decode()
        attachment["length"] = 5
        del body["versions"]["1.0.0"]["dist"]
    elif case == "tarball-without-package-json":
        data = npm_tarball({"name": "victim", "version": "1.0.0"})
        import io
        import tarfile

        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            info = tarfile.TarInfo("package/index.js")
            info.size = 2
            tf.addfile(info, io.BytesIO(b"1;"))
        data = buf.getvalue()
        attachment["data"] = base64.b64encode(data).decode()
        attachment["length"] = len(data)
        del body["versions"]["1.0.0"]["dist"]
    elif case == "manifest-mismatch":
        data = npm_tarball({"name": "victim", "version": "9.9.9"})
        attachment["data"] = base64.b64encode(data).decode()
        attachment["length"] = len(data)
        del body["versions"]["1.0.0"]["dist"]
    elif case == "shasum-mismatch":
        body["versions"]["1.0.0"]["dist"]["shasum"] = "0" * 40
    elif case == "two-versions":
        body["versions"]["2.0.0"] = dict(body["versions"]["1.0.0"], version="2.0.0")
    r = publish_raw(repo, "victim", raw if raw is not None else body, content_type)
    assert r.status_code == expected, r.text
    assert "error" in r.json()
    assert repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"] == []


@pytest.mark.parametrize("name", ["..%2f..%2fetc", "%2e%2e", "@acme%2f..", "a%00b", "UPPER/..%2fx"])
def test_path_traversal_in_names(repo, name):
    url = repo.endpoint("npm") + name
    for method in ("GET", "PUT"):
        r = requests.request(
            method,
            url,
            headers={**repo.bearer(), "Content-Type": "application/json"},
            data=json.dumps(_good()),
            timeout=30,
        )
        assert r.status_code in (400, 404, 405), (method, name, r.status_code)
    assert repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"] == []


def test_oversized_publish_gets_413(repo, monkeypatch):
    monkeypatch.setenv("MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES", "1024")
    body = npm_publish_body(
        {"name": "big", "version": "1.0.0"},
        npm_tarball({"name": "big", "version": "1.0.0"}, index_js=os.urandom(20_000).hex()),
    )
    r = publish_raw(repo, "big", body)
    assert r.status_code == 413
    # Chunked, without Content-Length: refused all the same, not cut short.
    data = json.dumps(body).encode()
    chunks = (data[i : i + 512] for i in range(0, len(data), 512))
    headers = {**repo.bearer(), "Content-Type": "application/json"}
    r = requests.put(repo.endpoint("npm") + "big", data=chunks, headers=headers, timeout=30)
    assert r.status_code == 413, r.text
    assert repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"] == []


def test_npm_deprecate_and_undeprecate(repo, client_env, tmp_path, assert_ok):
    configure(repo, client_env)
    pkg = make_package(tmp_path / "p", {"name": "oldie", "version": "1.0.0"})
    assert_ok(run(["npm", "publish"], client_env, cwd=pkg))
    revision = repo.versions("npm", "oldie")["1.0.0"]["revision"]
    assert_ok(run(["npm", "deprecate", "oldie@1.0.0", "use something else"], client_env, cwd=tmp_path))
    doc = requests.get(repo.endpoint("npm") + "oldie", headers=repo.bearer(), timeout=30).json()
    assert doc["versions"]["1.0.0"]["deprecated"] == "use something else"
    assert repo.versions("npm", "oldie")["1.0.0"]["revision"] != revision

    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "private": True}))
    installed = assert_ok(run(["npm", "install", "oldie"], client_env, cwd=app))
    assert "use something else" in installed.stderr

    assert_ok(run(["npm", "deprecate", "oldie@1.0.0", ""], client_env, cwd=tmp_path))
    doc = requests.get(repo.endpoint("npm") + "oldie", headers=repo.bearer(), timeout=30).json()
    assert "deprecated" not in doc["versions"]["1.0.0"]
    # Unpublishing is not supported by CodeArtifact.
    assert run(["npm", "unpublish", "oldie@1.0.0", "--force"], client_env, cwd=tmp_path).returncode != 0
    assert "1.0.0" in repo.versions("npm", "oldie")
