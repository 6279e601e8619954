"""The Swift package registry API over HTTP, as SwiftPM (>= 5.8) drives it: no Swift toolchain runs on this machine, so
these tests follow the registry service specification (SE-0292, API version 1) and check the state through boto3."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import requests

from tests.support.repository import Repo
from tests.support.tools import need

V1_JSON = {"Accept": "application/vnd.swift.registry.v1+json"}
MANIFEST = b'// swift-tools-version:5.8\nimport PackageDescription\nlet package = Package(name: "Hello")\n'
MANIFEST_57 = b'// swift-tools-version:5.7\nimport PackageDescription\nlet package = Package(name: "Hello")\n'


def archive(extra: bytes = b"") -> bytes:
    """A source archive as ``swift package archive-source`` makes it: one top-level directory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Hello/Package.swift", MANIFEST)
        zf.writestr("Hello/Package@swift-5.7.swift", MANIFEST_57)
        zf.writestr("Hello/README.md", "# Hello\n")
        zf.writestr("Hello/Sources/Hello/Hello.swift", b"public let hello = 1\n" + extra)
    return buf.getvalue()


def publish(
    repo: Repo, scope: str, name: str, version: str, content: bytes, metadata: dict | None = None
) -> requests.Response:
    files: dict = {"source-archive": ("source-archive.zip", content, "application/zip")}
    if metadata is not None:
        files["metadata"] = (None, json.dumps(metadata), "application/json")
    return repo.request("PUT", f"{repo.endpoint('swift')}{scope}/{name}/{version}", files=files, headers=V1_JSON)


META = {
    "description": "Says hello",
    "licenseURL": "https://example.com/LICENSE",
    "repositoryURLs": ["https://github.com/example/Hello", "git@github.com:example/Hello.git"],
    "author": {"name": "Tester", "url": "https://example.com/tester"},
}


def test_publish_then_resolve_like_swiftpm(repo: Repo) -> None:
    endpoint = repo.endpoint("swift")
    content = archive()
    created = publish(repo, "MyScope", "Hello", "1.0.0", content, META)
    assert created.status_code == 201
    assert created.headers["Content-Version"] == "1"
    assert created.headers["Location"] == f"{endpoint}myscope/hello/1.0.0"

    # Scope and name are stored lower-cased and the API normalizes its inputs (user guide).
    versions = repo.versions("swift", "Hello", namespace="MyScope")
    assert list(versions) == ["1.0.0"] and versions["1.0.0"]["status"] == "Published"
    assert list(repo.assets("swift", "hello", "1.0.0", namespace="myscope")) == ["hello-1.0.0.zip"]
    described = repo.describe("swift", "hello", "1.0.0", namespace="myscope")
    assert described["summary"] == "Says hello"
    assert described["sourceCodeRepository"] == "https://github.com/example/Hello"
    assert repo.readme("swift", "hello", "1.0.0", namespace="myscope") == "# Hello\n"

    # List package releases (any spelling of scope and name).
    releases = repo.get(f"{endpoint}MyScope/Hello", headers=V1_JSON)
    assert releases.status_code == 200
    assert releases.headers["Content-Type"].startswith("application/json")
    assert releases.headers["Content-Version"] == "1"
    assert releases.json() == {"releases": {"1.0.0": {"url": f"{endpoint}myscope/hello/1.0.0"}}}
    assert 'rel="latest-version"' in releases.headers["Link"]

    # Release metadata: the source archive resource with its SHA-256 checksum, and the publisher's metadata.
    info = repo.get(f"{endpoint}myscope/hello/1.0.0", headers=V1_JSON).json()
    assert info["id"] == "myscope.hello" and info["version"] == "1.0.0"
    assert info["resources"] == [
        {"name": "source-archive", "type": "application/zip", "checksum": hashlib.sha256(content).hexdigest()}
    ]
    assert info["metadata"]["repositoryURLs"] == META["repositoryURLs"]

    # Manifest: unqualified, tools-version specific, and a redirect for a tools version the release lacks.
    manifest = repo.get(
        f"{endpoint}myscope/hello/1.0.0/Package.swift", headers={"Accept": "application/vnd.swift.registry.v1+swift"}
    )
    assert manifest.status_code == 200 and manifest.content == MANIFEST
    assert 'swift-tools-version="5.7"' in manifest.headers["Link"]
    specific = repo.get(f"{endpoint}myscope/hello/1.0.0/Package.swift?swift-version=5.7")
    assert specific.status_code == 200 and specific.content == MANIFEST_57
    other = repo.get(f"{endpoint}myscope/hello/1.0.0/Package.swift?swift-version=5.9")
    assert other.status_code == 303 and other.headers["Location"].endswith("/myscope/hello/1.0.0/Package.swift")

    # Source archive with its digest.
    download = repo.get(
        f"{endpoint}myscope/hello/1.0.0.zip", headers={"Accept": "application/vnd.swift.registry.v1+zip"}
    )
    assert download.status_code == 200 and download.content == content
    assert download.headers["Digest"] == "sha-256=" + base64.b64encode(hashlib.sha256(content).digest()).decode()

    # Package identifiers for a repository URL (scheme, ".git" and case do not matter).
    ids = repo.get(f"{endpoint}identifiers", params={"url": "https://github.com/Example/Hello.git"}, headers=V1_JSON)
    assert ids.status_code == 200 and ids.json() == {"identifiers": ["myscope.hello"]}
    assert repo.get(f"{endpoint}identifiers", params={"url": "https://github.com/other/x"}).status_code == 404


def test_versions_must_be_semver_and_releases_are_immutable(repo: Repo) -> None:
    bad = publish(repo, "scope", "hello", "1.0", archive())
    assert bad.status_code == 400
    assert bad.headers["Content-Type"] == "application/problem+json" and "detail" in bad.json()
    assert publish(repo, "scope", "hello", "1.0.0-beta.1+build.5", archive()).status_code == 201
    again = publish(repo, "Scope", "Hello", "1.0.0-beta.1+build.5", archive(b"changed"))
    assert again.status_code == 409 and again.headers["Content-Type"] == "application/problem+json"
    no_manifest = io.BytesIO()
    with zipfile.ZipFile(no_manifest, "w") as zf:
        zf.writestr("Hello/README.md", "x")
    assert publish(repo, "scope", "hello", "2.0.0", no_manifest.getvalue()).status_code == 422
    assert publish(repo, "scope", "hello", "3.0.0", b"not a zip").status_code == 422
    assert list(repo.versions("swift", "hello", namespace="scope")) == ["1.0.0-beta.1+build.5"]


def test_api_version_login_and_auth(repo: Repo) -> None:
    endpoint = repo.endpoint("swift")
    assert publish(repo, "scope", "hello", "1.0.0", archive()).status_code == 201
    v2 = repo.get(f"{endpoint}scope/hello", headers={"Accept": "application/vnd.swift.registry.v2+json"})
    assert v2.status_code == 415 and v2.headers["Content-Type"] == "application/problem+json"
    assert repo.request("POST", f"{endpoint}login").status_code == 200
    # SwiftPM on Linux reads the token from ~/.netrc (login "token"): it arrives as Basic token:<token>.
    assert requests.post(f"{endpoint}login", auth=("token", repo.token), timeout=10).status_code == 200
    refused = requests.post(f"{endpoint}login", timeout=10)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic")
    assert requests.get(f"{endpoint}scope/hello", auth=("token", "nope"), timeout=10).status_code == 401
    assert repo.get(f"{endpoint}scope/absent", headers=V1_JSON).status_code == 404


def test_each_release_keeps_its_own_metadata(repo: Repo) -> None:
    """The same source archive published as two releases (a re-tag) keeps each release's metadata."""
    endpoint = repo.endpoint("swift")
    content = archive()
    assert publish(repo, "scope", "hello", "1.0.0", content, {"description": "one"}).status_code == 201
    assert publish(repo, "scope", "hello", "1.1.0", content, {"description": "two"}).status_code == 201
    for version, text in (("1.0.0", "one"), ("1.1.0", "two")):
        assert repo.get(f"{endpoint}scope/hello/{version}", headers=V1_JSON).json()["metadata"] == {"description": text}
        assert repo.describe("swift", "hello", version, namespace="scope")["summary"] == text


@pytest.mark.clients("aws")
def test_aws_codeartifact_login_for_swift_works_against_the_registry(repo: Repo, tmp_path: Path) -> None:
    """``aws codeartifact login --tool swift --dry-run`` (no Swift toolchain needed for a dry run) prints the
    ``~/.netrc`` line and the ``swift package-registry`` commands; what they configure reaches this registry."""
    aws = need("aws")
    env = {**os.environ, "HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    proc = subprocess.run(
        [aws, "codeartifact", "login", "--tool", "swift", "--domain", "acme", "--repository", repo.name, "--dry-run",
         "--endpoint-url", repo.server.endpoint_url, "--region", "us-east-1"],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    netrc = re.search(r"machine (\S+) login token password (\S+)", proc.stdout)
    registry = re.search(r"swift package-registry set (\S+)", proc.stdout)
    login = re.search(r"swift package-registry login (\S+)", proc.stdout)
    assert netrc and registry and login
    assert registry.group(1) == repo.endpoint("swift") and login.group(1) == repo.endpoint("swift") + "login"
    token = netrc.group(2)
    assert requests.post(login.group(1), auth=("token", token), timeout=10).status_code == 200
    assert publish(repo, "scope", "hello", "1.0.0", archive()).status_code == 201
    listing = requests.get(registry.group(1) + "scope/hello", auth=("token", token), headers=V1_JSON, timeout=10)
    assert listing.status_code == 200 and "1.0.0" in listing.json()["releases"]
