"""The real ``mvn`` as the tests drive it: a private local repository that reuses the machine's ``~/.m2`` plugins,
settings that mirror every repository to the mock, POMs that pin plugin versions found in ``~/.m2``, and a runner.

Maven Central is unreachable here: Maven's own plugins come from the machine's ``~/.m2``. Each run gets a private
local repository made of hard links to ``~/.m2/repository`` without ``zz/`` (the tests' group), so whatever Maven
resolves for ``zz.mockca`` must come from the mock.
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
from tests.support.tools import need

M2 = Path.home() / ".m2" / "repository"
GROUP = "zz.mockca"


def local_repository(tmp: Path) -> Path:
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


def settings(tmp: Path, endpoint: str, token: str, local: Path) -> Path:
    path = tmp / "settings.xml"
    path.write_text(client_config.maven_settings(endpoint, token, local_repository=str(local)))
    return path


# Plugin versions whose dependencies are all in the machine's ~/.m2 (Maven 3.8's default bindings are not).
PLUGIN_VERSIONS = {
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
        for a, v in PLUGIN_VERSIONS.items()
    )
    + "</plugins></pluginManagement></build>"
)


def pom(artifact: str, body: str, packaging: str = "jar", parent: bool = True, version: str = "1.0.0") -> str:
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


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def mvn_path() -> str:
    """The ``mvn`` to run; skips the calling test when it is missing or its plugins are not in ``~/.m2``."""
    path = need("mvn")
    if not (M2 / "org/apache/maven/plugins/maven-deploy-plugin").is_dir():
        pytest.skip("Maven's plugins are not in ~/.m2/repository and Maven Central is unreachable")
    return path


def run_mvn(mvn: str, tmp: Path, project: Path, settings: Path, *goals: str) -> str:
    """``mvn -B goals...`` in ``project`` with ``settings`` and a private HOME under ``tmp``; its output."""
    env = clean_env(tmp / "home", MAVEN_OPTS="-Xmx512m")
    (tmp / "home").mkdir(exist_ok=True)
    # The settings name the private local repository too; -Dmaven.repo.local makes it explicit on the command line.
    local = re.search(r"<localRepository>(.*)</localRepository>", settings.read_text())
    assert local is not None
    cmd = [mvn, "-B", "-s", str(settings), f"-Dmaven.repo.local={local.group(1)}", "-Dmaven.test.skip=true", *goals]
    return run_ok(cmd, cwd=project, env=env, timeout=240).stdout
