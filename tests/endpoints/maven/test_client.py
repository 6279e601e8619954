"""The real ``mvn`` (3.8.x) deploys to a maven repository endpoint and resolves from it with a clean local repository
(``tests/support/maven.py``: Maven Central is unreachable, so the settings mirror every repository to the mock and
Maven's own plugins come from the machine's ``~/.m2``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import maven
from tests.support.repository import Repo

pytestmark = pytest.mark.clients


def _producer(root: Path) -> None:
    """A reactor: ``parent`` (pom) with modules ``util`` and ``greeter`` (greeter depends on util)."""
    maven.write(
        root / "pom.xml",
        maven.pom(
            "parent",
            "<description>The parent</description><url>https://example.com/parent</url>"
            "<licenses><license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0</url></license></licenses>"
            "<modules><module>util</module><module>greeter</module></modules>",
            packaging="pom",
            parent=False,
        ),
    )
    maven.write(root / "util" / "pom.xml", maven.pom("util", "<description>Utilities</description>"))
    maven.write(
        root / "util" / "src/main/java/zz/mockca/util/Shout.java",
        "package zz.mockca.util;\npublic class Shout { public static String up(String s) { return s.toUpperCase(); } }\n",
    )
    maven.write(
        root / "greeter" / "pom.xml",
        maven.pom(
            "greeter",
            "<description>Says hello</description><dependencies>"
            f"<dependency><groupId>{maven.GROUP}</groupId><artifactId>util</artifactId><version>${{project.version}}</version></dependency>"
            "</dependencies>",
        ),
    )
    maven.write(
        root / "greeter" / "src/main/java/zz/mockca/greeter/Greeter.java",
        "package zz.mockca.greeter;\nimport zz.mockca.util.Shout;\n"
        'public class Greeter { public static String hello(String n) { return Shout.up("hello " + n); } }\n',
    )


def _consumer(root: Path) -> None:
    maven.write(
        root / "pom.xml",
        maven.pom(
            "app",
            f"<dependencies><dependency><groupId>{maven.GROUP}</groupId><artifactId>greeter</artifactId>"
            "<version>1.0.0</version></dependency></dependencies>",
            parent=False,
        ).replace(
            f"<groupId>{maven.GROUP}</groupId>\n  <artifactId>app</artifactId>",
            "<groupId>consumer</groupId>\n  <artifactId>app</artifactId>",
        ),
    )
    maven.write(
        root / "src/main/java/app/Main.java",
        'package app;\npublic class Main { public static void main(String[] a) { System.out.println(zz.mockca.greeter.Greeter.hello("x")); } }\n',
    )


@pytest.fixture
def mvn() -> str:
    return maven.mvn_path()


def test_mvn_deploy_then_resolve_from_a_clean_local_repository(repo: Repo, mvn: str, tmp_path: Path) -> None:
    endpoint = repo.endpoint("maven")
    producer, consumer = tmp_path / "producer", tmp_path / "consumer"
    _producer(producer)
    _consumer(consumer)

    (tmp_path / "a").mkdir()
    deploy_local = maven.local_repository(tmp_path / "a")
    settings = maven.settings(tmp_path / "a", endpoint, repo.token, deploy_local)
    maven.run_mvn(mvn, tmp_path, producer, settings, f"-DaltDeploymentRepository=codeartifact::{endpoint}", "deploy")

    # The control plane sees what mvn published: three packages, each version Published, jar and pom assets
    # (checksum files are not assets), dependencies from the POMs, no readme for Maven.
    for artifact in ("parent", "util", "greeter"):
        versions = repo.versions("maven", artifact, namespace=maven.GROUP)
        assert versions["1.0.0"]["status"] == "Published"
        assert versions["1.0.0"]["origin"]["originType"] == "INTERNAL"
    assets = repo.assets("maven", "greeter", "1.0.0", namespace=maven.GROUP)
    assert set(assets) == {"greeter-1.0.0.jar", "greeter-1.0.0.pom"}
    assert set(assets["greeter-1.0.0.jar"]["hashes"]) == {"MD5", "SHA-1", "SHA-256", "SHA-512"}
    deps = repo.dependencies("maven", "greeter", "1.0.0", namespace=maven.GROUP)
    assert {(d["namespace"], d["package"], d["dependencyType"], d.get("versionRequirement")) for d in deps} == {
        (maven.GROUP, "parent", "parent", "1.0.0"),
        (maven.GROUP, "util", "compile", "1.0.0"),
    }
    described = repo.describe("maven", "parent", "1.0.0", namespace=maven.GROUP)
    assert described["summary"] == "The parent"
    assert described["homePage"] == "https://example.com/parent"
    assert described["licenses"] == [{"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}]
    assert repo.readme("maven", "greeter", "1.0.0", namespace=maven.GROUP) is None

    # A clean local repository: greeter, util and parent can only come from the mock.
    (tmp_path / "b").mkdir()
    resolve_local = maven.local_repository(tmp_path / "b")
    settings_b = maven.settings(tmp_path / "b", endpoint, repo.token, resolve_local)
    out = maven.run_mvn(mvn, tmp_path, consumer, settings_b, "compile")
    assert "BUILD SUCCESS" in out
    for artifact, ext in (("greeter", "jar"), ("util", "jar"), ("parent", "pom")):
        assert (resolve_local / "zz/mockca" / artifact / "1.0.0" / f"{artifact}-1.0.0.{ext}").is_file()
    assert re.search(r"Downloaded from codeartifact: .*greeter-1\.0\.0\.jar", out)


def test_mvn_deploys_a_snapshot_as_aws_documents(repo: Repo, mvn: str, tmp_path: Path) -> None:
    """A SNAPSHOT deploy makes a build version (Unlisted once finished) and publishes ``X-SNAPSHOT`` with the build's
    files (later builds replacing them are covered over HTTP in test_maven_http)."""
    endpoint = repo.endpoint("maven")
    project = tmp_path / "snap"
    maven.write(
        project / "pom.xml",
        maven.pom(
            "snap", "<description>snapshots</description>", packaging="pom", parent=False, version="2.0-SNAPSHOT"
        ),
    )
    local = maven.local_repository(tmp_path)
    settings = maven.settings(tmp_path, endpoint, repo.token, local)
    maven.run_mvn(mvn, tmp_path, project, settings, f"-DaltDeploymentRepository=codeartifact::{endpoint}", "deploy")

    versions = repo.versions("maven", "snap", namespace=maven.GROUP)
    (build,) = [v for v in versions if v != "2.0-SNAPSHOT"]
    assert re.fullmatch(r"2\.0-\d{8}\.\d{6}-1", build)
    assert versions["2.0-SNAPSHOT"]["status"] == "Published"
    assert versions[build]["status"] == "Unlisted"
    assert list(repo.versions("maven", "snap", namespace=maven.GROUP, status="Unlisted")) == [build]
    assert set(repo.assets("maven", "snap", "2.0-SNAPSHOT", namespace=maven.GROUP)) == {
        f"snap-{build}.pom",
        "maven-metadata.xml",
    }
    # What Maven reads to resolve the snapshot.
    base = f"{endpoint}{maven.GROUP.replace('.', '/')}/snap/2.0-SNAPSHOT/"
    meta = repo.get(base + "maven-metadata.xml")
    assert meta.status_code == 200 and build.split("-", 1)[1].rsplit("-", 1)[0] in meta.text
    assert repo.get(base + f"snap-{build}.pom").status_code == 200

    # A clean consumer resolves the snapshot through the version-level maven-metadata.xml.
    consumer = tmp_path / "consumer"
    maven.write(
        consumer / "pom.xml",
        maven.pom(
            "snap-user",
            f"<dependencies><dependency><groupId>{maven.GROUP}</groupId><artifactId>snap</artifactId>"
            "<version>2.0-SNAPSHOT</version><type>pom</type></dependency></dependencies>",
            parent=False,
        ),
    )
    (tmp_path / "b").mkdir()
    clean_local = maven.local_repository(tmp_path / "b")
    out = maven.run_mvn(
        mvn, tmp_path, consumer, maven.settings(tmp_path / "b", endpoint, repo.token, clean_local), "compile"
    )
    assert f"snap-{build}.pom" in out  # Maven asked for the timestamped build file
    assert list((clean_local / "zz/mockca/snap/2.0-SNAPSHOT").glob("snap-2.0-*.pom"))
