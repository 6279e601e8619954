"""State you can keep (issue 13): snapshots and restore, export and import across modes, bad exports refused.

State equality is checked with the robustness suite's full-state walker (every object reachable from the
backend, reference counts included), and through the API where users see it.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.server import ThreadedCodeArtifactServer
from mock_codeartifact.state import FORMAT_VERSION, Snapshot, StateFormatError, restore
from tests.support.backend_snapshot import diff, snapshot_backend
from tests.support.state_world import build_world, publish, state_view


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)


def _client(region: str = "us-east-1") -> Any:
    return boto3.client("codeartifact", region_name=region)


@pytest.fixture(scope="module")
def built_world() -> Snapshot:
    """Build the world once per module (a session fixture in a real conftest), keep only its snapshot."""
    with mock_codeartifact() as m:
        build_world(_client, m)
        return m.snapshot()


@pytest.fixture
def world(built_world: Snapshot) -> Iterator[Any]:
    """The in-process mock, holding the varied world of tests/support/state_world.py (the fixture pattern of docs/state.md)."""
    with mock_codeartifact(state=built_world) as m:
        yield m


@pytest.fixture(scope="module")
def _module_server() -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0) as srv:
        yield srv


@pytest.fixture
def server(_module_server: ThreadedCodeArtifactServer) -> ThreadedCodeArtifactServer:
    _module_server.reset()
    return _module_server


def _server_client(server: ThreadedCodeArtifactServer, region: str = "us-east-1") -> Any:
    return boto3.client("codeartifact", region_name=region, endpoint_url=server.endpoint_url)


def _scramble(c: Any) -> None:
    """Change a bit of everything the world holds."""
    publish(c, "team", "hammer", "7.0.0", b"new bytes")
    publish(c, "team", "saw", "0.1", b"more", asset="second.bin", unfinished=False)
    c.delete_repository(domain="acme", repository="scratch")
    c.delete_package_group(domain="acme", packageGroup="/npm/*")
    c.delete_domain_permissions_policy(domain="acme")
    c.untag_resource(resourceArn=c.describe_domain(domain="acme")["domain"]["arn"], tagKeys=["team"])
    c.create_domain(domain="later")
    c.get_authorization_token(domain="later")


def _domain_size(c: Any, domain: str = "acme") -> int:
    return int(c.describe_domain(domain=domain)["domain"]["assetSizeBytes"])


# --------------------------------------------------------------------------- snapshot and restore


def test_restore_brings_back_the_exact_state_any_number_of_times(world: Any) -> None:
    before = snapshot_backend(world.backend)
    snap = world.snapshot()
    assert snapshot_backend(world.backend) == before, "taking a snapshot changed the state"
    c = _client()
    for _ in range(3):
        _scramble(c)
        assert snapshot_backend(world.backend) != before
        world.restore(snap)
        assert diff(before, snapshot_backend(world.backend)) is None
    world.reset()
    assert c.list_domains()["domains"] == []
    world.restore(snap)
    assert diff(before, snapshot_backend(world.backend)) is None
    assert [d["name"] for d in c.list_domains()["domains"]] == ["acme"]


def test_restored_copies_are_isolated_from_each_other_and_from_the_snapshot(world: Any) -> None:
    c = _client()
    snap = world.snapshot()
    original = snapshot_backend(world.backend)
    world.restore(snap)
    publish(c, "team", "hammer", "8.0.0", b"only in the first copy")
    c.tag_resource(resourceArn=c.describe_domain(domain="acme")["domain"]["arn"], tags=[{"key": "x", "value": "y"}])
    c.update_package_versions_status(
        domain="acme",
        repository="team",
        format="generic",
        namespace="tools",
        package="hammer",
        versions=["1.2.0"],
        targetStatus="Unlisted",
    )
    world.restore(snap)
    assert diff(original, snapshot_backend(world.backend)) is None
    versions = c.list_package_versions(
        domain="acme", repository="team", format="generic", namespace="tools", package="hammer"
    )["versions"]
    assert "8.0.0" not in {v["version"] for v in versions}
    assert {v["version"]: v["status"] for v in versions}["1.2.0"] == "Published"


def test_asset_references_stay_right_across_restores(world: Any) -> None:
    c = _client()
    size = _domain_size(c)
    stored = world.backend.assets.stored_bytes
    snap = world.snapshot()
    for _ in range(3):
        world.restore(snap)
        assert _domain_size(c) == size
        # Deleting everything frees every byte of the domain: each restored reference is counted once.
        for repo in ("team", "scratch", "store"):
            c.delete_repository(domain="acme", repository=repo)
        assert _domain_size(c) == 0
        west = _client("us-west-2")
        west.delete_repository(domain="west", repository="rr")
        assert world.backend.assets.stored_bytes == 0
        world.restore(snap)
        assert world.backend.assets.stored_bytes == stored
        # Content shared with other repositories stays counted; the repository's own content goes.
        c.delete_repository(domain="acme", repository="scratch")
        assert _domain_size(c) == size
        c.delete_repository(domain="acme", repository="team")
        assert 0 < _domain_size(c) < size
        world.restore(snap)


def test_snapshots_are_immutable_and_shareable_between_backends(world: Any, server: ThreadedCodeArtifactServer) -> None:
    snap = world.snapshot()
    with pytest.raises(AttributeError):
        snap.taken = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        Snapshot()
    restore(server.backend, snap)  # the same snapshot in a second backend (the server's)
    assert state_view(server.backend) == state_view(world.backend)
    sc = _server_client(server)
    sc.delete_repository(domain="acme", repository="team")
    publish(_client(), "team", "hammer", "9.0.0", b"in-process only")
    restore(server.backend, snap)
    world.restore(snap)
    assert state_view(server.backend) == state_view(world.backend)
    assert sc.describe_domain(domain="acme")["domain"]["assetSizeBytes"] == _domain_size(_client())


def test_a_snapshot_of_nothing_restores_to_nothing(world: Any) -> None:
    world.reset()
    empty = world.snapshot()
    build_world(_client, world)
    world.restore(empty)
    assert _client().list_domains()["domains"] == []
    assert world.backend.assets.stored_bytes == 0


def test_mock_started_with_a_snapshot_or_an_export(world: Any, tmp_path: Path) -> None:
    snap = world.snapshot()
    world.export_state(tmp_path / "export")
    expected = state_view(world.backend)
    with mock_codeartifact(state=snap) as inner:  # nested: replaces the shared state
        assert state_view(inner.backend) == expected

    @mock_codeartifact(state=tmp_path / "export")
    def decorated() -> Any:
        return state_view(world.backend)

    assert decorated() == expected


# --------------------------------------------------------------------------- the fixture pattern (docs/state.md)


@pytest.fixture
def fresh_world(built_world: Snapshot) -> Iterator[Any]:
    with mock_codeartifact() as m:
        m.restore(built_world)
        yield m


@pytest.mark.parametrize("turn", [1, 2])
def test_fixture_pattern_gives_every_test_the_same_world(fresh_world: Any, turn: int) -> None:
    c = _client()
    names = [r["name"] for r in c.list_repositories_in_domain(domain="acme")["repositories"]]
    assert names == ["scratch", "store", "team"]
    assert "turn-1" not in {v["version"] for v in _hammer_versions(c)}
    publish(c, "team", "hammer", f"turn-{turn}", b"changed by one test only")


def _hammer_versions(c: Any) -> list[dict[str, Any]]:
    return c.list_package_versions(
        domain="acme", repository="team", format="generic", namespace="tools", package="hammer"
    )["versions"]


# --------------------------------------------------------------------------- export and import


@pytest.mark.parametrize("name", ["export", "export.tar", "export.tar.gz"])
def test_export_then_import_in_process(world: Any, tmp_path: Path, name: str) -> None:
    expected = state_view(world.backend)
    world.export_state(tmp_path / name)
    _scramble(_client())
    world.import_state(tmp_path / name)
    assert diff(expected, state_view(world.backend)) is None
    # The imported state works: a new version after an imported one, the old token, freeing bytes.
    publish(_client(), "team", "hammer", "1.5.0", b"after import")
    assert "1.5.0" in {v["version"] for v in _hammer_versions(_client())}


def test_export_format_is_documented_json_with_content_addressed_assets(world: Any, tmp_path: Path) -> None:
    world.export_state(tmp_path / "x")
    document = json.loads((tmp_path / "x" / "state.json").read_text())
    assert document["format"] == "mock-codeartifact-state"
    assert document["formatVersion"] == FORMAT_VERSION
    for sha, info in document["assets"].items():
        data = (tmp_path / "x" / "assets" / "sha256" / sha).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha and len(data) == info["size"]
    (state,) = [s for s in document["states"] if s["region"] == "us-east-1"]
    (acme,) = state["domains"]
    team = next(r for r in acme["repositories"] if r["name"] == "team")
    hammer = next(p for p in team["packages"] if p["name"] == "hammer")
    assert [v["version"] for v in hammer["versions"]] == [f"1.{i}.0" for i in range(5)]


def test_in_process_export_imports_into_a_server(
    world: Any, server: ThreadedCodeArtifactServer, tmp_path: Path
) -> None:
    world.export_state(tmp_path / "s.tar")
    r = requests.put(f"{server.endpoint_url}/_mock/state", data=(tmp_path / "s.tar").read_bytes(), timeout=30)
    assert r.status_code == 200, r.text
    assert diff(state_view(world.backend), state_view(server.backend)) is None
    sc = _server_client(server)
    got = sc.get_package_version_asset(
        domain="acme",
        repository="team",
        format="generic",
        namespace="tools",
        package="hammer",
        packageVersion="1.1.0",
        asset="hammer-1.1.0.bin",
    )
    assert got["asset"].read() == b"shared bytes " * 50


def test_server_export_imports_in_process(server: ThreadedCodeArtifactServer, tmp_path: Path) -> None:
    build_world(lambda region="us-east-1": _server_client(server, region), server)
    r = requests.get(f"{server.endpoint_url}/_mock/state", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/x-tar"
    (tmp_path / "from-server.tar").write_bytes(r.content)
    with tarfile.open(tmp_path / "from-server.tar") as tar:
        tar.extractall(tmp_path / "dir", filter="data")
    for source in (tmp_path / "from-server.tar", tmp_path / "dir"):
        with mock_codeartifact(state=source) as m:
            assert diff(state_view(server.backend), state_view(m.backend)) is None


# --------------------------------------------------------------------------- bad exports change nothing


def _tar(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _members(archive: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        out = {}
        for m in tar.getmembers():
            f = tar.extractfile(m)
            assert f is not None
            out[m.name] = f.read()
        return out


def _edit(document: dict[str, Any], how: str) -> None:
    versions = document["states"][0]["domains"][0]["repositories"][-1]["packages"][0]["versions"]
    if how == "newer":
        document["formatVersion"] = FORMAT_VERSION + 1
    elif how == "not-state":
        document["format"] = "something-else"
    elif how == "bad-status":
        versions[-1]["status"] = "Shiny"
    elif how == "bad-time":
        versions[0]["publishedTime"] = "yesterday"
    elif how == "unknown-asset":
        versions[0]["assets"][0][1] = "0" * 64
    elif how == "missing-field":
        del document["states"][0]["domains"][0]["encryptionKey"]
    elif how == "dangling-dist-tag":
        document["states"][0]["domains"][0]["repositories"][-1]["packages"][0]["distTags"] = {"latest": "nope"}
    elif how == "wrong-type":
        document["states"][0]["tokens"] = {"not": "a list"}


_CORRUPTIONS = [
    "newer",
    "not-state",
    "bad-status",
    "bad-time",
    "unknown-asset",
    "missing-field",
    "dangling-dist-tag",
    "wrong-type",
    "bad-json",
    "tampered-bytes",
    "missing-bytes",
    "not-a-tar",
    "stray-member",
]


def _corrupt(archive: bytes, how: str) -> bytes:
    if how == "not-a-tar":
        return b"this is not an archive"
    members = _members(archive)
    assets = sorted(k for k in members if k.startswith("assets/"))
    if how == "bad-json":
        members["state.json"] = members["state.json"][:-20]
    elif how == "tampered-bytes":
        members[assets[0]] = b"tampered" + members[assets[0]]
    elif how == "missing-bytes":
        del members[assets[-1]]
    elif how == "stray-member":
        members["../../etc/evil"] = b"x"
    else:
        document = json.loads(members["state.json"])
        _edit(document, how)
        members["state.json"] = json.dumps(document).encode()
    return _tar(members)


@pytest.mark.parametrize("how", _CORRUPTIONS)
def test_a_bad_export_is_refused_in_process_and_changes_nothing(world: Any, tmp_path: Path, how: str) -> None:
    world.export_state(tmp_path / "good.tar")
    bad = tmp_path / "bad.tar"
    bad.write_bytes(_corrupt((tmp_path / "good.tar").read_bytes(), how))
    _scramble(_client())
    before = snapshot_backend(world.backend)
    with pytest.raises(StateFormatError) as error:
        world.import_state(bad)
    assert diff(before, snapshot_backend(world.backend)) is None
    if how == "newer":
        assert "newer" in str(error.value) and "upgrade" in str(error.value)


@pytest.mark.parametrize("how", _CORRUPTIONS)
def test_a_bad_export_is_a_400_on_the_server_and_changes_nothing(
    world: Any, server: ThreadedCodeArtifactServer, how: str
) -> None:
    good = requests.get(f"{server.endpoint_url}/_mock/state", timeout=30).content
    restore(server.backend, world.snapshot())
    _scramble(_server_client(server))
    before = snapshot_backend(server.backend)
    r = requests.put(f"{server.endpoint_url}/_mock/state", data=_corrupt(_export(world), how), timeout=30)
    assert r.status_code == 400, r.text
    assert r.json()["message"].startswith("The state was not imported")
    assert diff(before, snapshot_backend(server.backend)) is None
    assert good  # the empty state exported before seeding was fine


def _export(m: Any) -> bytes:
    from mock_codeartifact.state import export_archive

    return export_archive(m.backend)


def test_state_route_allows_only_get_and_put(server: ThreadedCodeArtifactServer) -> None:
    r = requests.post(f"{server.endpoint_url}/_mock/state", data=b"", headers={"X-Mock-CodeArtifact": "1"}, timeout=30)
    assert r.status_code == 405


def test_a_mock_whose_state_cannot_be_loaded_does_not_start(tmp_path: Path) -> None:
    with pytest.raises(StateFormatError, match="holds no state.json"):
        with mock_codeartifact(state=tmp_path):
            pass
    (tmp_path / "state.json").write_text(json.dumps({"format": "mock-codeartifact-state", "formatVersion": 99}))
    with pytest.raises(StateFormatError, match="newer"):
        mock_codeartifact(state=tmp_path).start()
    with mock_codeartifact():
        assert _client().list_domains()["domains"] == []
