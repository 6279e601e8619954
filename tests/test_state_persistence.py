"""``mock-codeartifact-server --state-dir``: a server that loses nothing it acknowledged (issue 13).

The server runs as a real subprocess and is killed with SIGKILL, in the middle of concurrent publishes
(PublishPackageVersion through boto3, twine-style PyPI uploads and npm publishes through requests), at a
different moment each time; restarted on the same directory it must hold every acknowledged version with the
right bytes and hashes, and a domain ``assetSizeBytes`` that matches its content. ``MOCK_CA_CRASH_KILLS`` sets
the number of kills (20 by default, the CI profile).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from tests.support.package_files import npm_publish_body, npm_tarball, wheel

KILLS = int(os.environ.get("MOCK_CA_CRASH_KILLS", "20"))
DOMAIN = "acme"
NO_RETRY = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)


class ServerProcess:
    """``python -m mock_codeartifact --port 0 --state-dir DIR`` in a subprocess."""

    def __init__(self, directory: Path, durability: str = "full") -> None:
        self.directory = directory
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_CODEARTIFACT")}
        command = [sys.executable, "-m", "mock_codeartifact", "--port", "0", "--state-dir", str(directory)]
        self.proc = subprocess.Popen(
            [*command, "--state-durability", durability],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        found = re.search(r"http://\S+", line)
        if found is None:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=30)
            raise AssertionError(f"the server did not start: {line!r} {err}")
        self.url = found.group(0)

    def client(self) -> Any:
        return boto3.client("codeartifact", region_name="us-east-1", endpoint_url=self.url, config=NO_RETRY)

    def endpoint(self, fmt: str, repository: str) -> str:
        return f"{self.url}/us-east-1/{DOMAIN}/123456789012/{fmt}/{repository}/"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=30)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@dataclass(frozen=True)
class Published:
    """One acknowledged publish: where, what, and the bytes of its asset."""

    repository: str
    format: str
    namespace: str | None
    package: str
    version: str
    asset: str
    data: bytes


def _setup(server: ServerProcess) -> str:
    c = server.client()
    c.create_domain(domain=DOMAIN)
    for repo in ("gen", "py", "js"):
        c.create_repository(domain=DOMAIN, repository=repo)
    return str(c.get_authorization_token(domain=DOMAIN)["authorizationToken"])


def _publish_generic(c: Any, worker: int, n: int) -> Published:
    data = f"generic {worker} {n} ".encode() * (1 + n % 7) + (b"shared" if n % 3 == 0 else b"")
    version = f"{worker}.{n}.{time.monotonic_ns()}"
    c.publish_package_version(
        domain=DOMAIN,
        repository="gen",
        format="generic",
        namespace="storm",
        package=f"pkg{worker}",
        packageVersion=version,
        assetContent=data,
        assetName="payload.bin",
        assetSHA256=hashlib.sha256(data).hexdigest(),
    )
    return Published("gen", "generic", "storm", f"pkg{worker}", version, "payload.bin", data)


def _upload_wheel(server: ServerProcess, token: str, worker: int, n: int) -> Published:
    version = f"{n}.{time.monotonic_ns() % 10**9}"
    name, data = wheel(f"storm-py{worker}", version)
    auth = {"Authorization": "Basic " + base64.b64encode(f"aws:{token}".encode()).decode()}
    r = requests.post(
        server.endpoint("pypi", "py"),
        data={":action": "file_upload", "name": f"storm-py{worker}", "version": version},
        files={"content": (name, data)},
        headers=auth,
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return Published("py", "pypi", None, f"storm-py{worker}", version, name, data)


def _publish_npm(server: ServerProcess, token: str, worker: int, n: int) -> Published:
    version = f"{n}.0.{time.monotonic_ns() % 10**9}"
    name = f"storm-js{worker}"
    tarball = npm_tarball({"name": name, "version": version})
    body = npm_publish_body({"name": name, "version": version}, tarball)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    r = requests.put(server.endpoint("npm", "js") + name, data=json.dumps(body), headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return Published("js", "npm", None, name, version, "package.tgz", tarball)


def _storm(server: ServerProcess, token: str, seconds: float, acknowledged: list[Published], cycle: int) -> None:
    """Publish from four threads until the server is killed after ``seconds``; record what was answered 2xx."""
    lock = threading.Lock()

    def worker(kind: int) -> None:
        c = server.client() if kind < 2 else None
        n = 0
        while True:
            n += 1
            try:
                if kind < 2:
                    item = _publish_generic(c, cycle * 10 + kind, n)
                elif kind == 2:
                    item = _upload_wheel(server, token, cycle, n)
                else:
                    item = _publish_npm(server, token, cycle, n)
            except Exception:  # the server is gone (or the connection broke): not acknowledged, stop
                return
            with lock:
                acknowledged.append(item)

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(4)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    server.kill()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive()


def _export(server: ServerProcess) -> tuple[dict[str, Any], dict[str, bytes]]:
    r = requests.get(f"{server.url}/_mock/state", timeout=60)
    assert r.status_code == 200
    members: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(r.content)) as tar:
        for m in tar.getmembers():
            f = tar.extractfile(m)
            assert f is not None
            members[m.name] = f.read()
    return json.loads(members.pop("state.json")), members


def _verify(server: ServerProcess, acknowledged: list[Published]) -> None:
    document, files = _export(server)
    (state,) = document["states"]
    (domain,) = state["domains"]
    found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    distinct: set[str] = set()
    for repo in domain["repositories"]:
        for pkg in repo["packages"]:
            for v in pkg["versions"]:
                found[(repo["name"], pkg["format"], pkg["name"], v["version"])] = v
                for asset, sha in v["assets"]:
                    distinct.add(sha)
                    # Nothing half-written: every asset a version lists is there, with exactly those bytes.
                    assert hashlib.sha256(files[f"assets/sha256/{sha}"]).hexdigest() == sha, asset
    for item in acknowledged:
        v = found.get((item.repository, item.format, item.package, item.version))
        assert v is not None, f"acknowledged {item.format} {item.package} {item.version} was lost"
        assert dict(v["assets"]).get(item.asset) == hashlib.sha256(item.data).hexdigest()
        assert v["status"] == "Published"
    c = server.client()
    size = c.describe_domain(domain=DOMAIN)["domain"]["assetSizeBytes"]
    assert size == sum(len(files[f"assets/sha256/{sha}"]) for sha in distinct)
    # And through the API, the hashes and bytes of a few of them.
    for item in acknowledged[-3:]:
        coords = dict(domain=DOMAIN, repository=item.repository, format=item.format, package=item.package)
        if item.namespace:
            coords["namespace"] = item.namespace
        assets = c.list_package_version_assets(packageVersion=item.version, **coords)["assets"]
        (summary,) = [a for a in assets if a["name"] == item.asset]
        assert summary["hashes"]["SHA-256"] == hashlib.sha256(item.data).hexdigest()
        assert summary["hashes"]["MD5"] == hashlib.md5(item.data).hexdigest()
        got = c.get_package_version_asset(packageVersion=item.version, asset=item.asset, **coords)
        assert got["asset"].read() == item.data
    leftovers = [p.name for p in (server.directory / "assets" / "sha256").iterdir() if p.name.startswith(".tmp-")]
    assert not leftovers


@pytest.mark.slow
def test_sigkill_in_a_publish_storm_loses_nothing_acknowledged(state_dir: Path) -> None:
    server = ServerProcess(state_dir)
    token = _setup(server)
    acknowledged: list[Published] = []
    for cycle in range(KILLS):
        # Kill points spread over the storm: right away, and up to ~0.5 s in.
        _storm(server, token, 0.03 + (cycle * 0.23) % 0.45, acknowledged, cycle)
        # Every other restart without fsyncs: a killed process must lose nothing in either durability.
        server = ServerProcess(state_dir, "crash" if cycle % 2 else "full")
        _verify(server, acknowledged)
    assert len(acknowledged) > KILLS  # the storms did publish
    # The token issued before the first crash still opens the repositories.
    wheel_item = next(item for item in acknowledged if item.format == "pypi")
    page = server.endpoint("pypi", "py") + f"simple/{wheel_item.package}/"
    r = requests.get(page, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200 and wheel_item.asset in r.text
    server.kill()


def test_a_restart_keeps_the_whole_state(state_dir: Path) -> None:
    server = ServerProcess(state_dir)
    token = _setup(server)
    c = server.client()
    c.create_package_group(domain=DOMAIN, packageGroup="/npm/*", description="js")
    c.put_domain_permissions_policy(
        domain=DOMAIN,
        policyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"codeartifact:*","Resource":"*"}]}',
    )
    acknowledged = [_publish_generic(c, 1, n) for n in range(5)]
    acknowledged.append(_upload_wheel(server, token, 1, 1))
    acknowledged.append(_publish_npm(server, token, 1, 1))
    c.delete_package_versions(
        domain=DOMAIN,
        repository="gen",
        format="generic",
        namespace="storm",
        package="pkg1",
        versions=[acknowledged[0].version],
    )
    deleted = acknowledged.pop(0)
    before, _ = _export(server)
    server.kill()
    server = ServerProcess(state_dir)
    after, _ = _export(server)
    before.pop("exportedAt")
    after.pop("exportedAt")
    assert after == before
    _verify(server, acknowledged)
    # The file of the deleted version's asset is gone from the directory.
    files = {p.name for p in (state_dir / "assets" / "sha256").iterdir()}
    assert hashlib.sha256(deleted.data).hexdigest() not in files
    server.kill()


def test_reset_and_import_are_durable_too(state_dir: Path, tmp_path: Path) -> None:
    server = ServerProcess(state_dir)
    _setup(server)
    exported = requests.get(f"{server.url}/_mock/state", timeout=30).content
    assert (
        requests.post(f"{server.url}/_mock/reset", headers={"X-Mock-CodeArtifact": "1"}, timeout=30).status_code == 200
    )
    server.kill()
    server = ServerProcess(state_dir)
    assert server.client().list_domains()["domains"] == []
    assert requests.put(f"{server.url}/_mock/state", data=exported, timeout=30).status_code == 200
    server.kill()
    server = ServerProcess(state_dir)
    assert [d["name"] for d in server.client().list_domains()["domains"]] == [DOMAIN]
    server.kill()


def test_a_newer_state_directory_is_refused_with_a_clear_message(state_dir: Path) -> None:
    server = ServerProcess(state_dir)
    _setup(server)
    server.kill()
    with sqlite3.connect(state_dir / "state.sqlite3") as db:
        db.execute("UPDATE meta SET value = '99' WHERE name = 'version'")
    proc = subprocess.run(
        [sys.executable, "-m", "mock_codeartifact", "--port", "0", "--state-dir", str(state_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "newer mock-codeartifact" in proc.stderr and "99" in proc.stderr
    with sqlite3.connect(state_dir / "state.sqlite3") as db:  # refused, not rewritten
        assert db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone() == ("99",)
        assert db.execute("SELECT count(*) FROM entities").fetchone()[0] > 0


def test_without_state_dir_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_codeartifact", "--port", "0"], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    assert proc.stdout is not None
    url = re.search(r"http://\S+", proc.stdout.readline())
    assert url is not None
    boto3.client("codeartifact", region_name="us-east-1", endpoint_url=url.group(0)).create_domain(domain=DOMAIN)
    proc.kill()
    proc.wait(timeout=30)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- each request persists its own change


def _normalized(value: Any) -> Any:
    """An export document with list order ignored (a restarted store keeps rows, not every dict's order)."""
    if isinstance(value, dict):
        return {k: _normalized(v) for k, v in value.items() if k != "exportedAt"}
    if isinstance(value, list):
        return sorted((_normalized(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _document_of(backend: Any) -> Any:
    from mock_codeartifact.state import snapshot
    from mock_codeartifact.state.document import to_document

    return _normalized(to_document(snapshot(backend))[0])


def _reloaded(directory: Path) -> Any:
    from mock_codeartifact.backend import Backend
    from mock_codeartifact.state.persist import PersistentState

    backend = Backend()
    store = PersistentState(directory, backend)
    store.open()
    store.close()
    return _document_of(backend)


def test_every_kind_of_change_is_durable_when_its_request_is_answered(tmp_path: Path) -> None:
    from mock_codeartifact.server import ThreadedCodeArtifactServer
    from mock_codeartifact.state.http import enable_persistence
    from tests.support.state_world import build_world, publish

    directory = tmp_path / "state"
    with ThreadedCodeArtifactServer(port=0) as server:
        store = enable_persistence(server.app, str(directory))

        def client(region: str = "us-east-1") -> Any:
            return boto3.client("codeartifact", region_name=region, endpoint_url=server.endpoint_url)

        build_world(client, server)
        store.sync()  # seeding and stand-ins went straight into the backend, not through requests
        assert _reloaded(directory) == _document_of(server.backend)
        c = client()
        token = c.get_authorization_token(domain="acme")["authorizationToken"]
        base = f"{server.endpoint_url}/us-east-1/acme/123456789012"
        coords = dict(domain="acme", format="generic", namespace="tools")
        team_arn = c.describe_repository(domain="acme", repository="team")["repository"]["arn"]
        group_arn = c.describe_package_group(domain="acme", packageGroup="/npm/*")["packageGroup"]["arn"]
        wheel_name, wheel_data = wheel("persisted", "1.0")
        manifest = {"name": "kept", "version": "1.0.0"}
        npm_body = npm_publish_body(manifest, npm_tarball(manifest))
        external = {"package": "left-pad", "version": "1.3.0", "assets": {}}
        steps = [
            lambda: publish(c, "team", "hammer", "5.0.0", b"five"),
            lambda: c.update_package_versions_status(
                repository="team", package="hammer", versions=["1.3.0"], targetStatus="Unlisted", **coords
            ),
            lambda: c.dispose_package_versions(repository="team", package="hammer", versions=["1.4.0"], **coords),
            lambda: c.delete_package_versions(repository="team", package="hammer", versions=["1.2.0"], **coords),
            lambda: c.copy_package_versions(
                sourceRepository="team", destinationRepository="scratch", package="hammer", versions=["5.0.0"], **coords
            ),
            lambda: c.put_package_origin_configuration(
                repository="scratch", package="hammer", restrictions={"publish": "BLOCK", "upstream": "ALLOW"}, **coords
            ),
            lambda: c.delete_package(repository="scratch", package="drill", **coords),
            lambda: c.tag_resource(resourceArn=team_arn, tags=[{"key": "new", "value": "tag"}]),
            lambda: c.untag_resource(resourceArn=group_arn, tagKeys=["k"]),
            lambda: requests.put(
                f"{base}/npm/team/kept",
                data=json.dumps(npm_body),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                timeout=30,
            ).raise_for_status(),
            lambda: requests.put(
                f"{base}/npm/team/-/package/kept/dist-tags/beta",
                data=json.dumps("1.0.0"),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                timeout=30,
            ).raise_for_status(),
            # A read through "team" fetches left-pad from the npm stand-in: stored in "store" (the repository
            # with the external connection) and retained in "team".
            lambda: requests.get(
                f"{base}/npm/team/left-pad/-/left-pad-1.3.0.tgz",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).raise_for_status(),
            lambda: c.update_package_group_origin_configuration(
                domain="acme", packageGroup="/npm/*", restrictions={"PUBLISH": "BLOCK"}
            ),
            lambda: c.delete_package_group(domain="acme", packageGroup="/generic/tools/*"),
            lambda: c.update_repository(domain="acme", repository="scratch", upstreams=[{"repositoryName": "team"}]),
            lambda: c.delete_domain_permissions_policy(domain="acme"),
            lambda: c.get_authorization_token(domain="acme"),
            lambda: requests.post(
                f"{base}/pypi/scratch/",
                data={":action": "file_upload"},
                files={"content": (wheel_name, wheel_data)},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).raise_for_status(),
            lambda: requests.post(
                f"{server.endpoint_url}/_mock/external/public:pypi",
                json={**external, "assets": {"left_pad-1.3.0.tar.gz": base64.b64encode(b"sdist").decode()}},
                timeout=30,
            ).raise_for_status(),
            lambda: c.delete_repository(domain="acme", repository="scratch"),
            lambda: client("us-west-2").delete_repository(domain="west", repository="rr"),
            lambda: client("us-west-2").delete_domain(domain="west"),
            lambda: requests.post(
                f"{server.endpoint_url}/_mock/reset", headers={"X-Mock-CodeArtifact": "1"}, timeout=30
            ).raise_for_status(),
        ]
        for i, step in enumerate(steps):
            step()
            assert _reloaded(directory) == _document_of(server.backend), f"step {i} was not persisted"
        store.close()
