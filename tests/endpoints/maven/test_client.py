"""The real ``mvn`` (3.8.x) deploys to a maven repository endpoint and resolves from it with a clean local repository.

Maven Central is unreachable: the settings mirror every repository to the mock. Maven's own plugins come from the
machine's ``~/.m2``: each run gets a private local repository made of hard links to ``~/.m2/repository`` without
``zz/`` (the test's group), so whatever Maven resolves for ``zz.mockca`` must come from the mock.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from mock_codeartifact.server import client_config
from tests.support.clients import clean_env, run_ok
from tests.support.repository import Repo
from tests.support.tools import need

pytestmark = pytest.mark.clients

M2 = Path.home() / ".m2" / "repository"
GROUP = "zz.mockca"


def _local_repository(tmp: Path) -> Path:
    """A private copy of ``~/.m2/repository`` made of hard links (instant, and Maven's writes stay private), or
    of symlinks to its top-level directories when ``tmp`` is on another file system."""
    local = tmp / "m2"
    try:
        shutil.copytree(M2, local, copy_function=os.link, ignore=lambda d, names: ["zz"] if Path(d) == M2 else [])
    except (OSError, shutil.Error):
        shutil.rmtree(local, ignore_errors=True)
        local.mkdir()
        for entry in M2.iterdir():
            if entry.name != "zz":
                (local / entry.name).symlink_to(entry)
    return local


def _settings(tmp: Path, endpoint: str, token: str, local: Path) -> Path:
    path = tmp / "settings.xml"
    path.write_text(client_config.maven_settings(endpoint, token, local_repository=str(local)))
    return path


# Plugin versions whose dependencies are all in the machine's ~/.m2 (Maven 3.8's default bindings are not).
_PLUGIN_VERSIONS = {
    "maven-clean-plugin": "3.3.2",
    "maven-resources-plugin": "3.3.1",
    "maven-compiler-plugin": "3.13.0",
    "maven-surefire-plugin": "3.2.5",
    "maven-jar-plugin": "3.4.1",
    "maven-install-plugin": "3.1.2",
    "maven-deploy-plugin": "3.1.2",
}
PLUGINS = (
    "<build><pluginManagement><plugins>"
    + "".join(
        f"<plugin><groupId>org.apache.maven.plugins</groupId><artifactId>{a}</artifactId><version>{v}</version></plugin>"
        for a, v in _PLUGIN_VERSIONS.items()
    )
    + "</plugins></pluginManagement></build>"
)


def _pom(artifact: str, body: str, packaging: str = "jar", parent: bool = True, version: str = "1.0.0") -> str:
    parent_xml = (
        f"<parent><groupId>{GROUP}</groupId><artifactId>parent</artifactId><version>1.0.0</version></parent>"
        if parent
        else ""
    )
    return textwrap.dedent(
        f"""\
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          {parent_xml}
          <groupId>{GROUP}</groupId>
          <artifactId>{artifact}</artifactId>
          <version>{version}</version>
          <packaging>{packaging}</packaging>
          <properties>
            <maven.compiler.source>17</maven.compiler.source>
            <maven.compiler.target>17</maven.compiler.target>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
          {body}
          {PLUGINS}
        </project>
        """
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _producer(root: Path) -> None:
    """A reactor: ``parent`` (pom) with modules ``util`` and ``greeter`` (greeter depends on util)."""
    _write(
        root / "pom.xml",
        _pom(
            "parent",
            "<description>The parent</description><url>https://example.com/parent</url>"
            "<licenses><license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0</url></license></licenses>"
            "<modules><module>util</module><module>greeter</module></modules>",
            packaging="pom",
            parent=False,
        ),
    )
    _write(root / "util" / "pom.xml", _pom("util", "<description>Utilities</description>"))
    _write(
        root / "util" / "src/main/java/zz/mockca/util/Shout.java",
        "package zz.mockca.util;\npublic class Shout { public static String up(String s) { return s.toUpperCase(); } }\n",
    )
    _write(
        root / "greeter" / "pom.xml",
        _pom(
            "greeter",
            "<description>Says hello</description><dependencies>"
            f"<dependency><groupId>{GROUP}</groupId><artifactId>util</artifactId><version>${{project.version}}</version></dependency>"
            "</dependencies>",
        ),
    )
    _write(
        root / "greeter" / "src/main/java/zz/mockca/greeter/Greeter.java",
        "package zz.mockca.greeter;\nimport zz.mockca.util.Shout;\n"
        'public class Greeter { public static String hello(String n) { return Shout.up("hello " + n); } }\n',
    )


def _consumer(root: Path) -> None:
    _write(
        root / "pom.xml",
        _pom(
            "app",
            f"<dependencies><dependency><groupId>{GROUP}</groupId><artifactId>greeter</artifactId>"
            "<version>1.0.0</version></dependency></dependencies>",
            parent=False,
        ).replace(
            f"<groupId>{GROUP}</groupId>\n  <artifactId>app</artifactId>",
            "<groupId>consumer</groupId>\n  <artifactId>app</artifactId>",
        ),
    )
    _write(
        root / "src/main/java/app/Main.java",
        'package app;\npublic class Main { public static void main(String[] a) { System.out.println(zz.mockca.greeter.Greeter.hello("x")); } }\n',
    )


@pytest.fixture
def mvn() -> str:
    path = need("mvn")
    if not (M2 / "org/apache/maven/plugins/maven-deploy-plugin").is_dir():
        pytest.skip("Maven's plugins are not in ~/.m2/repository and Maven Central is unreachable")
    return path


def _mvn(mvn: str, tmp: Path, project: Path, settings: Path, *goals: str) -> str:
    env = clean_env(tmp / "home", MAVEN_OPTS="-Xmx512m")
    (tmp / "home").mkdir(exist_ok=True)
    # The settings name the private local repository too; -Dmaven.repo.local makes it explicit on the command line.
    local = re.search(r"<localRepository>(.*)</localRepository>", settings.read_text())
    assert local is not None
    cmd = [mvn, "-B", "-s", str(settings), f"-Dmaven.repo.local={local.group(1)}", "-Dmaven.test.skip=true", *goals]
    return run_ok(cmd, cwd=project, env=env, timeout=240).stdout


def test_mvn_deploy_then_resolve_from_a_clean_local_repository(repo: Repo, mvn: str, tmp_path: Path) -> None:
    endpoint = repo.endpoint("maven")
    producer, consumer = tmp_path / "producer", tmp_path / "consumer"
    _producer(producer)
    _consumer(consumer)

    (tmp_path / "a").mkdir()
    deploy_local = _local_repository(tmp_path / "a")
    settings = _settings(tmp_path / "a", endpoint, repo.token, deploy_local)
    _mvn(mvn, tmp_path, producer, settings, f"-DaltDeploymentRepository=codeartifact::{endpoint}", "deploy")

    # The control plane sees what mvn published: three packages, each version Published, jar and pom assets
    # (checksum files are not assets), dependencies from the POMs, no readme for Maven.
    for artifact in ("parent", "util", "greeter"):
        versions = repo.versions("maven", artifact, namespace=GROUP)
        assert versions["1.0.0"]["status"] == "Published"
        assert versions["1.0.0"]["origin"]["originType"] == "INTERNAL"
    assets = repo.assets("maven", "greeter", "1.0.0", namespace=GROUP)
    assert set(assets) == {"greeter-1.0.0.jar", "greeter-1.0.0.pom"}
    assert set(assets["greeter-1.0.0.jar"]["hashes"]) == {"MD5", "SHA-1", "SHA-256", "SHA-512"}
    deps = repo.dependencies("maven", "greeter", "1.0.0", namespace=GROUP)
    assert {(d["namespace"], d["package"], d["dependencyType"], d.get("versionRequirement")) for d in deps} == {
        (GROUP, "parent", "parent", "1.0.0"),
        (GROUP, "util", "compile", "1.0.0"),
    }
    described = repo.describe("maven", "parent", "1.0.0", namespace=GROUP)
    assert described["summary"] == "The parent"
    assert described["homePage"] == "https://example.com/parent"
    assert described["licenses"] == [{"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}]
    assert repo.readme("maven", "greeter", "1.0.0", namespace=GROUP) is None

    # A clean local repository: greeter, util and parent can only come from the mock.
    (tmp_path / "b").mkdir()
    resolve_local = _local_repository(tmp_path / "b")
    settings_b = _settings(tmp_path / "b", endpoint, repo.token, resolve_local)
    out = _mvn(mvn, tmp_path, consumer, settings_b, "compile")
    assert "BUILD SUCCESS" in out
    for artifact, ext in (("greeter", "jar"), ("util", "jar"), ("parent", "pom")):
        assert (resolve_local / "zz/mockca" / artifact / "1.0.0" / f"{artifact}-1.0.0.{ext}").is_file()
    assert re.search(r"Downloaded from codeartifact: .*greeter-1\.0\.0\.jar", out)


def test_mvn_deploys_a_snapshot_as_aws_documents(repo: Repo, mvn: str, tmp_path: Path) -> None:
    """A SNAPSHOT deploy makes a build version (Unlisted once finished) and publishes ``X-SNAPSHOT`` with the build's
    files (later builds replacing them are covered over HTTP in test_maven_http)."""
    endpoint = repo.endpoint("maven")
    project = tmp_path / "snap"
    _write(
        project / "pom.xml",
        _pom("snap", "<description>snapshots</description>", packaging="pom", parent=False, version="2.0-SNAPSHOT"),
    )
    local = _local_repository(tmp_path)
    settings = _settings(tmp_path, endpoint, repo.token, local)
    _mvn(mvn, tmp_path, project, settings, f"-DaltDeploymentRepository=codeartifact::{endpoint}", "deploy")

    versions = repo.versions("maven", "snap", namespace=GROUP)
    (build,) = [v for v in versions if v != "2.0-SNAPSHOT"]
    assert re.fullmatch(r"2\.0-\d{8}\.\d{6}-1", build)
    assert versions["2.0-SNAPSHOT"]["status"] == "Published"
    assert versions[build]["status"] == "Unlisted"
    assert list(repo.versions("maven", "snap", namespace=GROUP, status="Unlisted")) == [build]
    assert set(repo.assets("maven", "snap", "2.0-SNAPSHOT", namespace=GROUP)) == {
        f"snap-{build}.pom",
        "maven-metadata.xml",
    }
    # What Maven reads to resolve the snapshot.
    base = f"{endpoint}{GROUP.replace('.', '/')}/snap/2.0-SNAPSHOT/"
    meta = repo.get(base + "maven-metadata.xml")
    assert meta.status_code == 200 and build.split("-", 1)[1].rsplit("-", 1)[0] in meta.text
    assert repo.get(base + f"snap-{build}.pom").status_code == 200

    # A clean consumer resolves the snapshot through the version-level maven-metadata.xml.
    consumer = tmp_path / "consumer"
    _write(
        consumer / "pom.xml",
        _pom(
            "snap-user",
            f"<dependencies><dependency><groupId>{GROUP}</groupId><artifactId>snap</artifactId>"
            "<version>2.0-SNAPSHOT</version><type>pom</type></dependency></dependencies>",
            parent=False,
        ),
    )
    (tmp_path / "b").mkdir()
    clean_local = _local_repository(tmp_path / "b")
    out = _mvn(mvn, tmp_path, consumer, _settings(tmp_path / "b", endpoint, repo.token, clean_local), "compile")
    assert f"snap-{build}.pom" in out  # Maven asked for the timestamped build file
    assert list((clean_local / "zz/mockca/snap/2.0-SNAPSHOT").glob("snap-2.0-*.pom"))
