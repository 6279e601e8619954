"""What package managers store beside CodeArtifact's own data (npm deprecation messages, cargo index entries, the
external registries) is state like any other: kept by snapshots, export/import and the persistent store, under
the names docs/state.md gives the export's ``extensions``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.external import external_registry
from mock_codeartifact.server import ThreadedCodeArtifactServer
from mock_codeartifact.state.http import enable_persistence
from tests.support.package_files import cargo_publish_body, crate_file, npm_tarball

DOMAIN = "extras"
REPO = "repo"


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)


class Endpoints:
    """The npm and cargo endpoints of one repository, and a token, wherever the mock answers (in-process hosts
    or a server)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.token = client.get_authorization_token(domain=DOMAIN)["authorizationToken"]
        self.npm = client.get_repository_endpoint(domain=DOMAIN, repository=REPO, format="npm")["repositoryEndpoint"]
        self.cargo = client.get_repository_endpoint(domain=DOMAIN, repository=REPO, format="cargo")[
            "repositoryEndpoint"
        ]

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def publish_npm(self, name: str, version: str) -> None:
        manifest = {"name": name, "version": version}
        tarball = npm_tarball(manifest, index_js="1;\n")
        body = {
            "_id": name,
            "name": name,
            "dist-tags": {"latest": version},
            "versions": {
                version: {
                    **manifest,
                    "_id": f"{name}@{version}",
                    "dist": {
                        "shasum": hashlib.sha1(tarball).hexdigest(),
                        "tarball": f"{self.npm}{name}/-/{name}-{version}.tgz",
                    },
                }
            },
            "_attachments": {
                f"{name}-{version}.tgz": {
                    "content_type": "application/octet-stream",
                    "data": base64.b64encode(tarball).decode(),
                    "length": len(tarball),
                }
            },
        }
        answer = requests.put(self.npm + name, json=body, headers=self._headers(), timeout=30)
        assert answer.status_code in (200, 201), answer.text

    def deprecate(self, name: str, version: str, message: str) -> None:
        body = {"_id": name, "name": name, "versions": {version: {"name": name, "deprecated": message}}}
        answer = requests.put(self.npm + name, json=body, headers=self._headers(), timeout=30)
        assert answer.status_code == 200, answer.text

    def deprecation(self, name: str, version: str) -> str | None:
        answer = requests.get(self.npm + name, headers=self._headers(), timeout=30)
        assert answer.status_code == 200, answer.text
        found: str | None = answer.json()["versions"][version].get("deprecated")
        return found

    def publish_crate(self, name: str, version: str, features: dict[str, list[str]]) -> None:
        body = cargo_publish_body(name, version, crate_file(f"{name}-{version}"), features=features)
        answer = requests.put(
            self.cargo + "api/v1/crates/new", data=body, headers={"Authorization": self.token}, timeout=30
        )
        assert answer.status_code == 200, answer.text

    def crate_features(self, name: str) -> Any:
        # The sparse index file of a four-letter-or-longer crate: {first two}/{next two}/{name}.
        answer = requests.get(
            f"{self.cargo}{name[:2]}/{name[2:4]}/{name}", headers={"Authorization": self.token}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        return json.loads(answer.text.splitlines()[0])["features"]


def _fill(client: Any, target: Any) -> Endpoints:
    """A repository with an npm deprecation, a cargo crate whose index entry has features, and a stand-in
    package on its external connection."""
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository=REPO)
    client.associate_external_connection(domain=DOMAIN, repository=REPO, externalConnection="public:npmjs")
    ends = Endpoints(client)
    ends.publish_npm("oldie", "1.0.0")
    ends.deprecate("oldie", "1.0.0", "use 2.x")
    ends.publish_crate("serde_like", "1.0.0", {"std": [], "full": ["std"]})
    external_registry(target).add_package_version(
        "public:npmjs", package="left-pad", version="1.3.0", assets={"package.tgz": b"stand-in bytes"}
    )
    return ends


def _check(ends: Endpoints, target: Any) -> None:
    assert ends.deprecation("oldie", "1.0.0") == "use 2.x"
    assert ends.crate_features("serde_like") == {"std": [], "full": ["std"]}
    offered = external_registry(target).entries()
    assert [(c, n, sorted(v)) for c, _ns, n, v, _tags in offered] == [("public:npmjs", "left-pad", ["1.3.0"])]


def _client(endpoint_url: str | None = None) -> Any:
    return boto3.client("codeartifact", region_name="us-east-1", endpoint_url=endpoint_url)


def test_snapshot_restore_keeps_what_package_managers_stored() -> None:
    with mock_codeartifact() as m:
        ends = _fill(_client(), m)
        snap = m.snapshot()
        m.reset()
        assert external_registry(m).entries() == []
        m.restore(snap)  # the token too
        _check(ends, m)
        # A change after the restore does not reach the snapshot.
        ends.deprecate("oldie", "1.0.0", "")
        assert ends.deprecation("oldie", "1.0.0") is None
        m.restore(snap)
        assert ends.deprecation("oldie", "1.0.0") == "use 2.x"


def test_export_names_them_as_documented_and_import_brings_them_back(tmp_path: Path) -> None:
    with mock_codeartifact() as m:
        _fill(_client(), m)
        m.export_state(tmp_path / "export")
    document = json.loads((tmp_path / "export" / "state.json").read_text())
    extensions = document["extensions"]
    assert sorted(extensions) == ["external-registries", "npm-deprecated", "protocol-extra"]
    assert list(extensions["npm-deprecated"].values()) == ["use 2.x"]
    [extra] = extensions["protocol-extra"]
    assert extra["format"] == "cargo" and set(extra) == {"format", "sha256", "data"}
    assert [entry["name"] for entry in extensions["external-registries"]] == ["left-pad"]
    with mock_codeartifact(state=tmp_path / "export") as m:
        _check(Endpoints(_client()), m)


@pytest.fixture
def persistent_server(tmp_path: Path) -> Iterator[tuple[ThreadedCodeArtifactServer, Path]]:
    with ThreadedCodeArtifactServer(port=0) as server:
        store = enable_persistence(server.app, str(tmp_path / "state"))
        try:
            yield server, tmp_path / "state"
        finally:
            store.close()


def test_the_persistent_store_keeps_them_across_a_restart(
    persistent_server: tuple[ThreadedCodeArtifactServer, Path],
) -> None:
    server, directory = persistent_server
    _fill(_client(server.endpoint_url), server)
    # The stand-in was seeded in this process, not through a request: its POST /_mock/external twin is.
    requests.post(
        f"{server.endpoint_url}/_mock/external/public:npmjs",
        json={"package": "left-pad", "version": "1.3.0", "assets": {"package.tgz": base64.b64encode(b"s").decode()}},
        timeout=30,
    ).raise_for_status()
    with ThreadedCodeArtifactServer(port=0) as second:
        store = enable_persistence(second.app, str(directory))
        try:
            _check(Endpoints(_client(second.endpoint_url)), second)
        finally:
            store.close()
