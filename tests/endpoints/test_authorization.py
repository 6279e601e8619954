"""Repository endpoints act as the principal a token was issued to: pip, twine and npm against another
account's repository, driven for real; denied requests get 403 and store nothing."""

from __future__ import annotations

import json

import boto3
import pytest
import requests

from mock_codeartifact import principals
from tests.support.clients import run
from tests.support.control_plane import ACCOUNT
from tests.support.npm_client import configure, make_package, publish_raw
from tests.support.package_files import npm_publish_body, npm_tarball, wheel
from tests.support.pip_client import pip_install, twine_upload, upload, write
from tests.support.policies import allow, deny, policy
from tests.support.repository import DOMAIN, Repo

GUEST = "111122223333"
GUEST_ROLE = f"arn:aws:iam::{GUEST}:role/ci"
GUEST_KEY = "AKIAGUESTCI000000001"
REPO_ARN = f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/{DOMAIN}/repo"


@pytest.fixture
def guest(repo: Repo) -> Repo:
    """The role ``ci`` of another account, with a token for the owner's domain (the domain policy allows that)."""
    principals.register(GUEST_KEY, GUEST_ROLE)
    client = boto3.client(
        "codeartifact",
        region_name="us-east-1",
        endpoint_url=repo.server.endpoint_url,
        aws_access_key_id=GUEST_KEY,
        aws_secret_access_key="secret",
    )
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_authorization_token(domain=DOMAIN, domainOwner=ACCOUNT)
    repo.client.put_domain_permissions_policy(
        domain=DOMAIN, policyDocument=policy(allow(GUEST_ROLE, "codeartifact:GetAuthorizationToken"))
    )
    token = client.get_authorization_token(domain=DOMAIN, domainOwner=ACCOUNT)["authorizationToken"]
    # The owner's client finds the endpoint (the same URL for every caller); the guest's token is used on it.
    return Repo(repo.server, repo.client, repo.name, token)


def grant(repo: Repo, *statements) -> None:
    repo.client.put_repository_permissions_policy(domain=DOMAIN, repository="repo", policyDocument=policy(*statements))


@pytest.mark.clients
def test_pip_reads_need_read_from_repository(repo, guest, client_env, tmp_path, assert_ok):
    assert upload(repo, wheel("shared-lib", "1.0")).status_code == 200  # the owner publishes
    denied = pip_install(guest, client_env, tmp_path / "site", "shared-lib==1.0")
    # pip reads a 4xx index page as "no versions here" and says only that.
    assert denied.returncode != 0 and "No matching distribution" in denied.stderr
    assert not (tmp_path / "site" / "shared_lib").exists()
    page = guest.get(guest.endpoint("pypi") + "simple/shared-lib/")
    assert page.status_code == 403 and "codeartifact:ReadFromRepository" in page.text and GUEST_ROLE in page.text

    grant(repo, allow(GUEST, "codeartifact:ReadFromRepository"))
    assert_ok(pip_install(guest, client_env, tmp_path / "site", "shared-lib==1.0"))
    assert (tmp_path / "site" / "shared_lib" / "__init__.py").exists()


@pytest.mark.clients("twine")
def test_twine_publish_needs_publish_package_version_and_stores_nothing_when_denied(
    repo, guest, client_env, tmp_path, assert_ok
):
    grant(repo, allow(GUEST, "codeartifact:ReadFromRepository"))
    first = write(tmp_path, wheel("guest-pkg", "1.0"))
    denied = twine_upload(guest, client_env, [first])
    assert denied.returncode != 0 and "403" in denied.stdout + denied.stderr
    assert repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"] == []

    # Publishing granted for one package only (a package ARN; no namespace for pypi).
    package_arn = f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:package/{DOMAIN}/repo/pypi//guest-pkg"
    grant(
        repo,
        allow(GUEST, "codeartifact:ReadFromRepository"),
        allow(GUEST_ROLE, "codeartifact:PublishPackageVersion", resource=package_arn),
    )
    assert_ok(twine_upload(guest, client_env, [first]))
    other = write(tmp_path, wheel("other-pkg", "1.0"))
    assert twine_upload(guest, client_env, [other]).returncode != 0
    names = [p["package"] for p in repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"]]
    assert names == ["guest-pkg"]


@pytest.mark.clients
def test_explicit_deny_stops_the_owners_token(repo, client_env, tmp_path, assert_ok):
    assert upload(repo, wheel("shared-lib", "1.0")).status_code == 200
    grant(repo, deny("*", "codeartifact:ReadFromRepository"))
    denied = pip_install(repo, client_env, tmp_path / "site", "shared-lib==1.0")
    assert denied.returncode != 0 and "No matching distribution" in denied.stderr
    page = repo.get(repo.endpoint("pypi") + "simple/shared-lib/")
    assert page.status_code == 403 and "explicit deny" in page.text
    # Publishing is another action: still allowed for the owner.
    assert upload(repo, wheel("shared-lib", "2.0")).status_code == 200


def test_a_token_is_checked_on_every_request_not_when_issued(repo, guest):
    assert upload(repo, wheel("shared-lib", "1.0")).status_code == 200
    grant(repo, allow(GUEST, "codeartifact:ReadFromRepository"))
    page = guest.endpoint("pypi") + "simple/shared-lib/"
    assert guest.get(page).status_code == 200
    repo.client.delete_repository_permissions_policy(domain=DOMAIN, repository="repo")
    assert guest.get(page).status_code == 403


@pytest.mark.clients("npm")
def test_npm_install_and_publish_as_another_account(repo, guest, client_env, tmp_path, assert_ok):
    tarball = npm_tarball({"name": "shared-ui", "version": "1.0.0"})
    assert publish_raw(repo, "shared-ui", npm_publish_body({"name": "shared-ui", "version": "1.0.0"}, tarball)).ok
    configure(guest, client_env)
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "private": True}))
    denied = run(["npm", "install", "shared-ui"], client_env, cwd=app)
    assert denied.returncode != 0 and "403" in denied.stdout + denied.stderr

    grant(repo, allow(GUEST, "codeartifact:ReadFromRepository"))
    assert_ok(run(["npm", "install", "shared-ui"], client_env, cwd=app))
    assert json.loads((app / "node_modules/shared-ui/package.json").read_text())["version"] == "1.0.0"

    mine = make_package(tmp_path / "mine", {"name": "guest-ui", "version": "1.0.0"})
    denied = run(["npm", "publish"], client_env, cwd=mine)
    assert denied.returncode != 0 and "403" in denied.stdout + denied.stderr
    names = [p["package"] for p in repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"]]
    assert names == ["shared-ui"]

    grant(
        repo,
        allow(GUEST, ["codeartifact:ReadFromRepository", "codeartifact:PublishPackageVersion"]),
    )
    assert_ok(run(["npm", "publish"], client_env, cwd=mine))
    # dist-tags are package metadata: PublishPackageVersion is not enough.
    tagged = run(["npm", "dist-tag", "add", "guest-ui@1.0.0", "stable"], client_env, cwd=tmp_path)
    assert tagged.returncode != 0 and "403" in tagged.stdout + tagged.stderr
    tags_url = guest.endpoint("npm") + "-/package/guest-ui/dist-tags"
    assert requests.get(tags_url, headers=guest.bearer(), timeout=30).json() == {"latest": "1.0.0"}
    grant(
        repo,
        allow(
            GUEST,
            [
                "codeartifact:ReadFromRepository",
                "codeartifact:PublishPackageVersion",
                "codeartifact:PutPackageMetadata",
            ],
        ),
    )
    assert_ok(run(["npm", "dist-tag", "add", "guest-ui@1.0.0", "stable"], client_env, cwd=tmp_path))
    assert requests.get(tags_url, headers=guest.bearer(), timeout=30).json() == {"latest": "1.0.0", "stable": "1.0.0"}


def test_npm_deprecate_needs_put_package_metadata(repo, guest):
    tarball = npm_tarball({"name": "old-lib", "version": "1.0.0"})
    assert publish_raw(repo, "old-lib", npm_publish_body({"name": "old-lib", "version": "1.0.0"}, tarball)).ok
    grant(repo, allow(GUEST, ["codeartifact:ReadFromRepository", "codeartifact:PublishPackageVersion"]))
    body = {"name": "old-lib", "versions": {"1.0.0": {"name": "old-lib", "version": "1.0.0", "deprecated": "no"}}}
    denied = publish_raw(guest, "old-lib", body)
    assert denied.status_code == 403 and "codeartifact:PutPackageMetadata" in denied.text
    doc = requests.get(guest.endpoint("npm") + "old-lib", headers=guest.bearer(), timeout=30).json()
    assert "deprecated" not in doc["versions"]["1.0.0"]


def test_maven_uploads_and_downloads_as_another_account(repo, guest):
    """Maven's deploy is a sequence of PUTs: files need PublishPackageVersion, the metadata PutPackageMetadata;
    reads need ReadFromRepository."""
    base = guest.endpoint("maven") + "com/example/lib/"
    jar = base + "1.0/lib-1.0.jar"
    put = requests.put(jar, data=b"PK-jar", headers=guest.auth(), timeout=30)
    assert put.status_code == 403 and "codeartifact:PublishPackageVersion" in put.text
    assert repo.client.list_packages(domain=DOMAIN, repository="repo")["packages"] == []
    grant(repo, allow(GUEST, "codeartifact:PublishPackageVersion"))
    assert requests.put(jar, data=b"PK-jar", headers=guest.auth(), timeout=30).status_code == 201
    metadata = (
        b"<metadata><groupId>com.example</groupId><artifactId>lib</artifactId><versioning><versions>"
        b"<version>1.0</version></versions></versioning></metadata>"
    )
    # Writing maven-metadata.xml (what publishes the version) is package metadata: PutPackageMetadata too, as the
    # user guide says for Maven.
    denied = requests.put(base + "maven-metadata.xml", data=metadata, headers=guest.auth(), timeout=30)
    assert denied.status_code == 403 and "codeartifact:PutPackageMetadata" in denied.text
    grant(repo, allow(GUEST, ["codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata"]))
    assert requests.put(base + "maven-metadata.xml", data=metadata, headers=guest.auth(), timeout=30).status_code == 201
    # Publishing does not grant reading.
    got = requests.get(jar, headers=guest.auth(), timeout=30)
    assert got.status_code == 403 and "codeartifact:ReadFromRepository" in got.text
    grant(repo, allow(GUEST, ["codeartifact:PublishPackageVersion", "codeartifact:ReadFromRepository"]))
    assert requests.get(jar, headers=guest.auth(), timeout=30).content == b"PK-jar"
