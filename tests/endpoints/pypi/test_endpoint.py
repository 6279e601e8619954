"""pip and twine against the mock's pypi repository endpoint, checked through boto3."""

from __future__ import annotations

import hashlib

import pytest
import requests

from tests.support.clients import python, run
from tests.support.package_files import sdist, wheel
from tests.support.pip_client import index_url, pip_install, twine_upload, upload, write
from tests.support.repository import DOMAIN

JSON_V1 = "application/vnd.pypi.simple.v1+json"
PIP_ACCEPT = f"{JSON_V1}, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"


@pytest.fixture(autouse=True)
def _need_twine() -> None:
    pytest.importorskip("twine", reason="twine is in the [test] extra")


@pytest.mark.clients
def test_twine_upload_then_pip_install_from_a_clean_client(repo, client_env, tmp_path, assert_ok):
    dep = write(tmp_path, wheel("tiny-dep", "1.0"))
    main_whl = write(
        tmp_path,
        wheel("Tiny_Pkg", "1.2.0", summary="The tiny package", requires=("tiny-dep>=1.0",), readme="# Tiny\nhello"),
    )
    main_sdist = write(tmp_path, sdist("Tiny_Pkg", "1.2.0", summary="The tiny package", requires=("tiny-dep>=1.0",)))
    assert_ok(twine_upload(repo, client_env, [dep, main_whl, main_sdist]))

    target = tmp_path / "site"
    assert_ok(pip_install(repo, client_env, target, "Tiny.Pkg==1.2.0"))  # any spelling; dependency resolved too
    assert (target / "tiny_pkg" / "__init__.py").read_text() == "VERSION = '1.2.0'\n"
    assert (target / "tiny_dep" / "__init__.py").exists()
    downloads = tmp_path / "downloads"
    cmd = [python(), "-m", "pip", "download", "--no-cache-dir", "--no-deps", "--only-binary", ":all:"]
    assert_ok(run(cmd + ["-d", str(downloads), "--index-url", index_url(repo), "tiny_pkg"], client_env))
    assert (downloads / main_whl.name).read_bytes() == main_whl.read_bytes()

    # The control plane sees exactly what was published, under the PEP 503 name.
    versions = repo.versions("pypi", "tiny-pkg")
    assert list(versions) == ["1.2.0"]
    assert versions["1.2.0"]["status"] == "Published"
    assert versions["1.2.0"]["origin"] == {"originType": "INTERNAL", "domainEntryPoint": {"repositoryName": "repo"}}
    c = repo.client
    coords = dict(domain=DOMAIN, repository="repo", format="pypi", package="tiny-pkg", packageVersion="1.2.0")
    assets = {a["name"]: a for a in c.list_package_version_assets(**coords)["assets"]}
    assert set(assets) == {main_whl.name, main_sdist.name}
    for path in (main_whl, main_sdist):
        data = path.read_bytes()
        assert assets[path.name]["size"] == len(data)
        assert assets[path.name]["hashes"]["SHA-256"] == hashlib.sha256(data).hexdigest()
        assert assets[path.name]["hashes"]["MD5"] == hashlib.md5(data).hexdigest()
    assert c.get_package_version_readme(**coords)["readme"] == "# Tiny\nhello"
    deps = c.list_package_version_dependencies(**coords)["dependencies"]
    assert deps == [{"package": "tiny-dep", "dependencyType": "Requires-Dist", "versionRequirement": ">=1.0"}]
    described = c.describe_package_version(**coords)["packageVersion"]
    assert described["summary"] == "The tiny package"
    assert described["displayName"] == "Tiny_Pkg"
    body = c.get_package_version_asset(asset=main_whl.name, **coords)["asset"].read()
    assert body == main_whl.read_bytes()


def test_simple_index_html_and_json_with_sha256_links(repo):
    built = wheel("alpha", "0.1", requires_python=">=3.8")
    assert upload(repo, built).status_code == 200
    digest = hashlib.sha256(built[1]).hexdigest()
    page = repo.endpoint("pypi") + "simple/alpha/"

    html = repo.get(page)
    assert html.status_code == 200
    assert html.headers["Content-Type"].startswith("text/html")
    assert f'href="0.1/{built[0]}#sha256={digest}"' in html.text
    assert 'data-requires-python="&gt;=3.8"' in html.text

    js = repo.get(page, headers={"Accept": PIP_ACCEPT})
    assert js.headers["Content-Type"] == JSON_V1
    doc = js.json()
    assert doc["meta"]["api-version"] == "1.1" and doc["name"] == "alpha" and doc["versions"] == ["0.1"]
    (f,) = doc["files"]
    assert f["filename"] == built[0] and f["hashes"] == {"sha256": digest} and f["size"] == len(built[1])
    assert f["requires-python"] == ">=3.8"
    download = repo.get(requests.compat.urljoin(page, f["url"]))
    assert download.status_code == 200 and download.content == built[1]
    head = requests.head(requests.compat.urljoin(page, f["url"]), headers=repo.auth(), timeout=30)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(built[1])) and head.content == b""

    assert repo.get(page, headers={"Accept": "application/xml"}).status_code == 406
    # Other spellings are redirected to the normalized project URL (PEP 503).
    moved = repo.get(repo.endpoint("pypi") + "simple/Alpha/", allow_redirects=False)
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/simple/alpha/")
    assert repo.get(repo.endpoint("pypi") + "simple/missing/").status_code == 404


@pytest.mark.clients
def test_unlisted_hidden_archived_and_disposed_not_downloadable(repo, client_env, tmp_path, assert_ok):
    files = {v: wheel("statusy", v) for v in ("1.0", "2.0", "3.0")}
    for built in files.values():
        assert upload(repo, built).status_code == 200
    c = repo.client
    coords = dict(domain=DOMAIN, repository="repo", format="pypi", package="statusy")
    c.update_package_versions_status(versions=["1.0"], targetStatus="Unlisted", **coords)
    c.update_package_versions_status(versions=["2.0"], targetStatus="Archived", **coords)
    c.dispose_package_versions(versions=["3.0"], **coords)

    doc = repo.get(repo.endpoint("pypi") + "simple/statusy/", headers={"Accept": JSON_V1})
    assert doc.status_code == 404  # nothing listable is left

    base = repo.endpoint("pypi") + "simple/statusy/"
    assert repo.get(f"{base}1.0/{files['1.0'][0]}").content == files["1.0"][1]  # Unlisted: still downloadable
    assert repo.get(f"{base}2.0/{files['2.0'][0]}").status_code == 404
    assert repo.get(f"{base}3.0/{files['3.0'][0]}").status_code == 404

    c.update_package_versions_status(versions=["2.0"], targetStatus="Published", **coords)
    doc = repo.get(base, headers={"Accept": JSON_V1}).json()
    assert doc["versions"] == ["2.0"]
    proc = pip_install(repo, client_env, tmp_path / "t", "statusy==1.0")
    assert proc.returncode != 0  # an Unlisted version is not offered to pip
    assert_ok(pip_install(repo, client_env, tmp_path / "t2", "statusy"))
    assert (tmp_path / "t2" / "statusy" / "__init__.py").read_text() == "VERSION = '2.0'\n"


@pytest.mark.clients
def test_same_file_again_is_idempotent_other_content_conflicts(repo, client_env, tmp_path, assert_ok):
    path = write(tmp_path, wheel("again", "1.0"))
    assert_ok(twine_upload(repo, client_env, [path]))
    revision = repo.versions("pypi", "again")["1.0"]["revision"]
    assert_ok(twine_upload(repo, client_env, [path]))
    assert repo.versions("pypi", "again")["1.0"]["revision"] == revision

    other = wheel("again", "1.0", module_source="X = 1\n")
    assert other[0] == path.name
    response = upload(repo, other)
    assert response.status_code == 409
    assets = repo.client.list_package_version_assets(
        domain=DOMAIN, repository="repo", format="pypi", package="again", packageVersion="1.0"
    )["assets"]
    assert [a["hashes"]["SHA-256"] for a in assets] == [hashlib.sha256(path.read_bytes()).hexdigest()]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not-multipart", 415),
        ("no-action", 400),
        ("no-file", 400),
        ("garbage-wheel", 400),
        ("garbage-sdist", 400),
        ("bad-filename", 400),
        ("traversal", 400),
        ("digest-mismatch", 400),
        ("name-mismatch", 400),
        ("version-field-mismatch", 400),
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(repo, tmp_path, case, expected):
    good = wheel("victim", "1.0")
    url, auth = repo.endpoint("pypi"), repo.auth()
    if case == "not-multipart":
        r = requests.post(url, json={":action": "file_upload"}, headers=auth, timeout=30)
    elif case == "no-action":
        r = requests.post(url, files={"content": good}, headers=auth, timeout=30)
    elif case == "no-file":
        r = requests.post(url, data={":action": "file_upload"}, files={"x": ("a", b"b")}, headers=auth, timeout=30)
    elif case == "garbage-wheel":
        r = upload(repo, ("victim-1.0-py3-none-any.whl", b"PK\x03\x04 not a zip"))
    elif case == "garbage-sdist":
        r = upload(repo, ("victim-1.0.tar.gz", b"\x1f\x8b garbage"))
    elif case == "bad-filename":
        r = upload(repo, ("victim.exe", good[1]))
    elif case == "traversal":
        escape = tmp_path / "escaped-1.0.tar.gz"
        r = upload(repo, ("../" * 12 + str(escape).lstrip("/"), sdist("escaped", "1.0")[1]))
        assert not escape.exists()
    elif case == "digest-mismatch":
        r = upload(repo, good, sha256_digest="0" * 64)
    elif case == "name-mismatch":
        r = upload(repo, ("other-1.0-py3-none-any.whl", good[1]))
    else:
        r = upload(repo, good, name="victim", version="2.0")
    assert r.status_code == expected, r.text
    assert repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"] == []


def test_oversized_upload_gets_413(repo, monkeypatch):
    monkeypatch.setenv("MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES", "2048")
    big = wheel("big", "1.0")
    r = requests.post(
        repo.endpoint("pypi"),
        data={":action": "file_upload"},
        files={"content": (big[0], big[1] + b"\0" * 4096)},
        headers=repo.auth(),
        timeout=30,
    )
    assert r.status_code == 413
    assert repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"] == []


def test_path_traversal_in_read_urls_is_a_404(repo):
    assert upload(repo, wheel("safe", "1.0")).status_code == 200
    base = repo.endpoint("pypi")
    for path in (
        "simple/..%2F..%2Fetc/",
        "simple/safe/..%2F1.0/safe-1.0-py3-none-any.whl",
        "simple/safe/1.0/..%2F..%2Fx",
    ):
        r = repo.get(base + path)
        assert r.status_code in (301, 404), (path, r.status_code)


def test_publish_blocked_by_origin_configuration_is_a_conflict(repo):
    repo.client.put_package_origin_configuration(
        domain=DOMAIN,
        repository="repo",
        format="pypi",
        package="locked",
        restrictions={"publish": "BLOCK", "upstream": "ALLOW"},
    )
    r = upload(repo, wheel("locked", "1.0"))
    assert r.status_code == 409
    assert r.headers.get("x-amzn-ErrorType", "").startswith("ConflictException")
    assert repo.versions("pypi", "locked") == {}


@pytest.mark.clients
def test_pip_fails_cleanly_without_valid_credentials(repo, client_env, tmp_path):
    assert upload(repo, wheel("private", "1.0")).status_code == 200
    url = repo.endpoint("pypi") + "simple/"  # no credentials
    cmd = [python(), "-m", "pip", "download", "--no-cache-dir", "--no-deps", "-d", str(tmp_path / "d")]
    proc = run(cmd + ["--index-url", url, "private"], client_env)
    assert proc.returncode != 0
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())


def test_wheel_added_to_existing_sdist_version_makes_a_new_revision(repo):
    assert upload(repo, sdist("twofiles", "1.0")).status_code == 200
    first = repo.versions("pypi", "twofiles")["1.0"]["revision"]
    assert upload(repo, wheel("twofiles", "1.0")).status_code == 200
    second = repo.versions("pypi", "twofiles")["1.0"]
    assert second["revision"] != first
    assert second["origin"]["domainEntryPoint"] == {"repositoryName": "repo"}
