"""Maven repository endpoints over HTTP: the request sequences ``mvn deploy`` sends, checked against AWS's documented
behaviour (Unfinished until maven-metadata.xml, checksums served but not stored, unique snapshots only), plus the
edges a real client would not exercise (bad checksums, bad POMs, upstreams, origin controls)."""

from __future__ import annotations

import hashlib

import pytest
import requests
from botocore.exceptions import ClientError

from tests.support.repository import DOMAIN, Repo

G = "com/example"
POM = b"""<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>lib</artifactId>
  <version>1.0</version>
  <properties><dep.version>2.5</dep.version></properties>
  <dependencies>
    <dependency><groupId>org.x</groupId><artifactId>rt</artifactId><version>${dep.version}</version><scope>runtime</scope></dependency>
    <dependency><groupId>org.x</groupId><artifactId>t</artifactId><version>1</version><scope>test</scope></dependency>
    <dependency><groupId>org.x</groupId><artifactId>opt</artifactId><version>3</version><optional>true</optional></dependency>
    <dependency><groupId>org.x</groupId><artifactId>prov</artifactId><version>4</version><scope>provided</scope></dependency>
  </dependencies>
</project>
"""
METADATA = b"""<?xml version="1.0"?>
<metadata><groupId>com.example</groupId><artifactId>lib</artifactId>
<versioning><release>1.0</release><versions><version>1.0</version></versions><lastUpdated>20260101000000</lastUpdated></versioning>
</metadata>"""


def _put(repo: Repo, path: str, body: bytes, endpoint: str | None = None) -> int:
    return repo.request("PUT", (endpoint or repo.endpoint("maven")) + path, data=body).status_code


def _deploy(repo: Repo, jar: bytes = b"PK-jar", endpoint: str | None = None) -> None:
    for name, body in ((f"{G}/lib/1.0/lib-1.0.jar", jar), (f"{G}/lib/1.0/lib-1.0.pom", POM)):
        assert _put(repo, name, body, endpoint) == 201
        assert _put(repo, name + ".sha1", hashlib.sha1(body).hexdigest().encode(), endpoint) == 201
        assert _put(repo, name + ".md5", hashlib.md5(body).hexdigest().encode(), endpoint) == 201
    assert _put(repo, f"{G}/lib/maven-metadata.xml", METADATA, endpoint) == 201


def test_a_version_is_unfinished_until_its_metadata_is_written(repo: Repo) -> None:
    ep = repo.endpoint("maven")
    assert _put(repo, f"{G}/lib/1.0/lib-1.0.jar", b"PK-jar") == 201
    assert _put(repo, f"{G}/lib/1.0/lib-1.0.pom", POM) == 201
    assert repo.versions("maven", "lib", namespace="com.example")["1.0"]["status"] == "Unfinished"
    # Not listed to Maven, not downloadable.
    assert repo.get(f"{ep}{G}/lib/maven-metadata.xml").status_code == 404
    assert repo.get(f"{ep}{G}/lib/1.0/lib-1.0.jar").status_code == 404
    assert _put(repo, f"{G}/lib/maven-metadata.xml", METADATA) == 201
    assert repo.versions("maven", "lib", namespace="com.example")["1.0"]["status"] == "Published"
    assert repo.get(f"{ep}{G}/lib/1.0/lib-1.0.jar").content == b"PK-jar"


def test_checksums_metadata_and_dependencies(repo: Repo) -> None:
    _deploy(repo)
    ep = repo.endpoint("maven")
    assert set(repo.assets("maven", "lib", "1.0", namespace="com.example")) == {"lib-1.0.jar", "lib-1.0.pom"}
    for ext, algo in (("md5", "md5"), ("sha1", "sha1"), ("sha256", "sha256"), ("sha512", "sha512")):
        resp = repo.get(f"{ep}{G}/lib/1.0/lib-1.0.jar.{ext}")
        assert resp.status_code == 200 and resp.text == hashlib.new(algo, b"PK-jar").hexdigest()
    meta = repo.get(f"{ep}{G}/lib/maven-metadata.xml")
    assert meta.status_code == 200
    assert b"<release>1.0</release>" in meta.content and b"<version>1.0</version>" in meta.content
    assert repo.get(f"{ep}{G}/lib/maven-metadata.xml.sha1").text == hashlib.sha1(meta.content).hexdigest()
    head = repo.request("HEAD", f"{ep}{G}/lib/1.0/lib-1.0.jar")
    assert head.status_code == 200 and head.headers["Content-Length"] == "6" and head.content == b""
    deps = {d["package"]: d for d in repo.dependencies("maven", "lib", "1.0", namespace="com.example")}
    assert deps["rt"] == {
        "namespace": "org.x",
        "package": "rt",
        "dependencyType": "runtime",
        "versionRequirement": "2.5",
    }
    assert {p: d["dependencyType"] for p, d in deps.items()} == {
        "rt": "runtime",
        "t": "test",
        "opt": "optional",
        "prov": "provided",
    }
    assert repo.readme("maven", "lib", "1.0", namespace="com.example") is None


def test_bad_uploads_are_refused_without_changes(repo: Repo) -> None:
    assert _put(repo, f"{G}/lib/1.0/lib-1.0.jar", b"PK-jar") == 201
    assert _put(repo, f"{G}/lib/1.0/lib-1.0.jar.sha1", b"0" * 40) == 400  # checksum mismatch
    assert _put(repo, f"{G}/lib/1.0/lib-1.0.pom", b"<project><unclosed></project>") == 400
    assert _put(repo, f"{G}/lib/1.0/lib-1.0.pom", b'<!DOCTYPE x [<!ENTITY a "b">]><project/>') == 400
    assert _put(repo, f"{G}/lib/1.0/other-1.0.jar", b"x") == 400  # not this artifact's file
    assert _put(repo, f"{G}/lib/1.0-SNAPSHOT/lib-1.0-SNAPSHOT.jar", b"x") == 400  # non-unique snapshot
    assert _put(repo, f"{G}/lib/maven-metadata.xml", b"not xml") == 400
    # Different bytes under an existing asset name: AWS's 409.
    assert _put(repo, f"{G}/lib/1.0/lib-1.0.jar", b"PK-other") == 409
    assert set(repo.assets("maven", "lib", "1.0", namespace="com.example")) == {"lib-1.0.jar"}
    ep = repo.endpoint("maven")
    for path in ("..%2F..%2Fetc/passwd/x/y", "a/../b/c/d", "a//b/c", "lib"):
        assert repo.get(ep + path).status_code == 404
    assert repo.request("DELETE", f"{ep}{G}/lib/1.0/lib-1.0.jar").status_code == 405


def test_maven_sends_credentials_only_after_a_basic_challenge(repo: Repo) -> None:
    url = repo.endpoint("maven") + f"{G}/lib/maven-metadata.xml"
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert requests.put(url, data=METADATA, auth=("aws", "expired-or-wrong"), timeout=10).status_code == 401


def test_snapshot_builds(repo: Repo) -> None:
    ep = repo.endpoint("maven")
    snap = f"{G}/lib/2.0-SNAPSHOT/"

    def deploy(stamp: str, build: int, jar: bytes) -> None:
        name = f"lib-2.0-{stamp}-{build}.jar"
        assert _put(repo, snap + name, jar) == 201
        meta = (
            f"<metadata><groupId>com.example</groupId><artifactId>lib</artifactId><version>2.0-SNAPSHOT</version>"
            f"<versioning><snapshot><timestamp>{stamp}</timestamp><buildNumber>{build}</buildNumber></snapshot>"
            f"<snapshotVersions><snapshotVersion><extension>jar</extension><value>2.0-{stamp}-{build}</value>"
            f"</snapshotVersion></snapshotVersions></versioning></metadata>"
        ).encode()
        assert repo.versions("maven", "lib", namespace="com.example")[f"2.0-{stamp}-{build}"]["status"] == "Unfinished"
        assert _put(repo, snap + "maven-metadata.xml", meta) == 201

    deploy("20260101.120000", 1, b"jar-1")
    versions = repo.versions("maven", "lib", namespace="com.example")
    assert versions["2.0-SNAPSHOT"]["status"] == "Published"
    assert versions["2.0-20260101.120000-1"]["status"] == "Unlisted"
    deploy("20260102.120000", 2, b"jar-2")
    versions = repo.versions("maven", "lib", namespace="com.example")
    assert {v: d["status"] for v, d in versions.items()} == {
        "2.0-SNAPSHOT": "Published",
        "2.0-20260101.120000-1": "Unlisted",
        "2.0-20260102.120000-2": "Unlisted",
    }
    assert set(repo.assets("maven", "lib", "2.0-SNAPSHOT", namespace="com.example")) == {
        "lib-2.0-20260102.120000-2.jar",
        "maven-metadata.xml",
    }
    assert repo.get(ep + snap + "lib-2.0-20260102.120000-2.jar").content == b"jar-2"
    assert repo.get(ep + snap + "lib-2.0-20260101.120000-1.jar").content == b"jar-1"  # a particular build
    assert b"20260102.120000" in repo.get(ep + snap + "maven-metadata.xml").content
    # The artifact's metadata lists the snapshot, not its builds.
    meta = repo.get(f"{ep}{G}/lib/maven-metadata.xml").text
    assert "<version>2.0-SNAPSHOT</version>" in meta and "20260101" not in meta
    # Metadata naming a build that was never uploaded is refused.
    bad = b"<metadata><versioning><snapshot><timestamp>20990101.000000</timestamp><buildNumber>9</buildNumber></snapshot></versioning></metadata>"
    assert _put(repo, snap + "maven-metadata.xml", bad) == 400


def test_reads_through_an_upstream_retain_the_version(repo: Repo) -> None:
    repo.client.create_repository(domain=DOMAIN, repository="down", upstreams=[{"repositoryName": repo.name}])
    _deploy(repo)
    down = repo.endpoint("maven", "down")
    assert b"<version>1.0</version>" in repo.get(f"{down}{G}/lib/maven-metadata.xml").content
    assert repo.get(f"{down}{G}/lib/1.0/lib-1.0.jar").content == b"PK-jar"
    retained = repo.client.list_package_versions(
        domain=DOMAIN, repository="down", format="maven", namespace="com.example", package="lib"
    )["versions"]
    assert [(v["version"], v["origin"]["domainEntryPoint"]) for v in retained] == [("1.0", {"repositoryName": "repo"})]


def _block_lib(repo: Repo) -> None:
    """Origin controls that refuse every new version of com.example:lib (publish and upstream BLOCK)."""
    repo.client.put_package_origin_configuration(
        domain=DOMAIN,
        repository=repo.name,
        format="maven",
        namespace="com.example",
        package="lib",
        restrictions={"publish": "BLOCK", "upstream": "BLOCK"},
    )


def test_origin_controls_block_a_deploy(repo: Repo) -> None:
    _deploy(repo)
    _block_lib(repo)
    resp = repo.request("PUT", repo.endpoint("maven") + f"{G}/lib/1.1/lib-1.1.jar", data=b"x")
    assert resp.status_code == 409
    with pytest.raises(ClientError):
        repo.describe("maven", "lib", "1.1", namespace="com.example")


def test_external_connection_stand_in_is_ingested_on_download(repo: Repo) -> None:
    from mock_codeartifact.external import external_registry

    repo.client.associate_external_connection(
        domain=DOMAIN, repository=repo.name, externalConnection="public:maven-central"
    )
    external_registry(repo.server).add_package_version(
        "public:maven-central",
        namespace="org.public",
        package="lib",
        version="3.1",
        assets={"lib-3.1.jar": b"public-jar", "lib-3.1.pom": POM},
    )
    ep = repo.endpoint("maven")
    assert b"<version>3.1</version>" in repo.get(f"{ep}org/public/lib/maven-metadata.xml").content
    assert repo.get(f"{ep}org/public/lib/3.1/lib-3.1.jar.sha1").text == hashlib.sha1(b"public-jar").hexdigest()
    assert repo.get(f"{ep}org/public/lib/3.1/lib-3.1.jar").content == b"public-jar"
    (version,) = repo.client.list_package_versions(
        domain=DOMAIN, repository=repo.name, format="maven", namespace="org.public", package="lib"
    )["versions"]
    assert version["origin"] == {
        "originType": "EXTERNAL",
        "domainEntryPoint": {"externalConnectionName": "public:maven-central"},
    }
    assert repo.get(f"{ep}org/public/other/maven-metadata.xml").status_code == 404


def test_a_refused_snapshot_publish_changes_nothing(repo: Repo) -> None:
    snap = f"{G}/lib/2.0-SNAPSHOT/"
    assert _put(repo, snap + "lib-2.0-20260101.120000-1.jar", b"jar-1") == 201
    _block_lib(repo)
    meta = (
        b"<metadata><versioning><snapshot><timestamp>20260101.120000</timestamp><buildNumber>1</buildNumber>"
        b"</snapshot></versioning></metadata>"
    )
    assert _put(repo, snap + "maven-metadata.xml", meta) == 409
    versions = repo.versions("maven", "lib", namespace="com.example")
    assert {v: d["status"] for v, d in versions.items()} == {"2.0-20260101.120000-1": "Unfinished"}
