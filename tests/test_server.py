"""Server mode: the console script, ``python -m mock_codeartifact``, ``/_mock`` endpoints, SigV4 region,
concurrency, and the AWS CLI against ``--endpoint-url``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.server import ThreadedCodeArtifactServer

SCRIPT = Path(sys.executable).with_name("mock-codeartifact-server")


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)


@contextmanager
def running(command: list[str]) -> Iterator[str]:
    """Start a server process, read the port it prints, yield its base URL, stop it."""
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
        assert match.group(1) != "0"
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()


def _client(url: str, region: str = "us-east-1"):
    return boto3.client("codeartifact", region_name=region, endpoint_url=url)


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [[str(SCRIPT), "--port", "0"], [sys.executable, "-m", "mock_codeartifact", "--host", "127.0.0.1", "--port", "0"]],
    ids=["console-script", "python-m"],
)
def test_command_line_server(command):
    if not Path(command[0]).exists():
        pytest.fail(f"{command[0]} is not installed")
    with running(command) as url:
        assert requests.get(f"{url}/_mock/health", timeout=5).status_code == 200
        client = _client(url)
        assert client.create_domain(domain="my-domain")["domain"]["name"] == "my-domain"
        assert [d["name"] for d in client.list_domains()["domains"]] == ["my-domain"]
        assert requests.post(f"{url}/_mock/reset", headers={"X-Mock-CodeArtifact": "1"}, timeout=5).status_code == 200
        assert client.list_domains()["domains"] == []


def test_pagination_tokens_work_across_processes():
    # The server process runs with another hash seed; a token from this process must still be understood.
    names = ["aa", "bb", "cc"]
    with mock_codeartifact():
        local = boto3.client("codeartifact", region_name="us-east-1")
        for name in names:
            local.create_domain(domain=name)
        token = local.list_domains(maxResults=1)["nextToken"]
    with running([sys.executable, "-m", "mock_codeartifact", "--port", "0"]) as url:
        remote = _client(url)
        for name in names:
            remote.create_domain(domain=name)
        assert [d["name"] for d in remote.list_domains(nextToken=token)["domains"]] == ["bb", "cc"]


@pytest.fixture
def server(shared_server) -> Iterator[ThreadedCodeArtifactServer]:
    shared_server.reset()
    yield shared_server


def test_health_and_reset(server):
    url = server.endpoint_url
    health = requests.get(f"{url}/_mock/health", timeout=5)
    assert health.status_code == 200
    client = _client(url)
    client.create_domain(domain="my-domain")
    _client(url, "eu-west-1").create_domain(domain="my-domain")
    assert requests.post(f"{url}/_mock/reset", headers={"X-Mock-CodeArtifact": "1"}, timeout=5).status_code == 200
    assert client.list_domains()["domains"] == []
    assert _client(url, "eu-west-1").list_domains()["domains"] == []
    assert requests.get(f"{url}/_mock/nothing", timeout=5).status_code == 404
    assert requests.get(f"{url}/_mock/reset", timeout=5).status_code in (404, 405)


def test_region_comes_from_the_sigv4_scope(server):
    west = _client(server.endpoint_url, "us-west-2")
    east = _client(server.endpoint_url, "us-east-1")
    arn = west.create_domain(domain="my-domain")["domain"]["arn"]
    assert arn.startswith("arn:aws:codeartifact:us-west-2:")
    with pytest.raises(ClientError):
        east.describe_domain(domain="my-domain")


def test_account_header_overrides_per_request(server):
    url = server.endpoint_url
    response = requests.post(
        f"{url}/v1/domain",
        params={"domain": "my-domain"},
        json={},
        headers={"x-mock-codeartifact-account-id": "111122223333"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json()["domain"]["owner"] == "111122223333"
    assert _client(url).list_domains()["domains"] == []
    # The default account is another account than the domain's: denied without a domain policy.
    with pytest.raises(ClientError) as info:
        _client(url).describe_domain(domain="my-domain", domainOwner="111122223333")
    assert info.value.response["Error"]["Code"] == "AccessDeniedException"
    described = requests.get(
        f"{url}/v1/domain",
        params={"domain": "my-domain"},
        headers={"x-mock-codeartifact-account-id": "111122223333"},
        timeout=5,
    )
    assert described.status_code == 200 and described.json()["domain"]["owner"] == "111122223333"


@pytest.mark.parametrize("header", ["999", "é", "11112222333a", "1111222233334"])
def test_a_malformed_account_header_is_refused(server, header):
    # Answering as the default account instead would hide the mistake: a 400 that names the header, nothing made.
    url = server.endpoint_url
    response = requests.post(
        f"{url}/v1/domain",
        params={"domain": "my-domain"},
        json={},
        headers={"x-mock-codeartifact-account-id": header.encode()},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"].startswith("ValidationException")
    assert "x-mock-codeartifact-account-id" in response.json()["message"]
    assert _client(url).list_domains()["domains"] == []


def test_concurrent_clients(server):
    url = server.endpoint_url
    setup = _client(url)
    setup.create_domain(domain="busy")
    errors: list[BaseException] = []

    clients = [_client(url) for _ in range(6)]  # boto3 client creation itself is not thread-safe

    def work(n: int) -> None:
        try:
            client = clients[n]
            client.create_domain(domain=f"d{n}")
            for i in range(10):
                client.create_repository(domain="busy", repository=f"t{n}-r{i}")
                client.tag_resource(
                    resourceArn=client.describe_domain(domain="busy")["domain"]["arn"],
                    tags=[{"key": f"t{n}", "value": str(i)}],
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    domain = setup.describe_domain(domain="busy")["domain"]
    assert domain["repositoryCount"] == 60
    assert len(setup.list_domains()["domains"]) == 7
    tags = setup.list_tags_for_resource(resourceArn=domain["arn"])["tags"]
    assert sorted(tags, key=lambda t: t["key"]) == [{"key": f"t{n}", "value": "9"} for n in range(6)]


def test_threaded_server_lifecycle():
    server = ThreadedCodeArtifactServer(port=0)
    with pytest.raises(RuntimeError):
        server.endpoint_url  # noqa: B018 - not running yet
    server.start()
    try:
        url = server.endpoint_url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        _client(url).create_domain(domain="my-domain")
        assert "my-domain" in server.backend.state("123456789012", "us-east-1").domains
    finally:
        server.stop()
    server.stop()  # idempotent
    with ThreadedCodeArtifactServer() as again:
        assert _client(again.endpoint_url).list_domains()["domains"] == []


def test_server_requests_are_not_intercepted_by_an_active_mock(server):
    with mock_codeartifact():
        _client(server.endpoint_url).create_domain(domain="on-the-server")
        assert boto3.client("codeartifact", region_name="us-east-1").list_domains()["domains"] == []
    assert [d["name"] for d in _client(server.endpoint_url).list_domains()["domains"]] == ["on-the-server"]


def _aws(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "awscli", "codeartifact", *args, "--endpoint-url", url, "--output", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.clients("aws")
def test_aws_cli_behaves_like_boto3(server):
    url = server.endpoint_url
    created = _aws(url, "create-domain", "--domain", "cli-domain", "--tags", "key=team,value=cli")
    assert created.returncode == 0, created.stderr
    domain = json.loads(created.stdout)["domain"]
    described = _client(url).describe_domain(domain="cli-domain")["domain"]
    assert domain["arn"] == described["arn"] and domain["status"] == "Active"
    assert abs(domain["createdTime"] - described["createdTime"].timestamp()) < 0.002
    assert _client(url).list_tags_for_resource(resourceArn=described["arn"])["tags"] == [
        {"key": "team", "value": "cli"}
    ]

    repo = _aws(url, "create-repository", "--domain", "cli-domain", "--repository", "r1", "--description", "from cli")
    assert repo.returncode == 0, repo.stderr
    assert json.loads(repo.stdout)["repository"] == {
        **_client(url).describe_repository(domain="cli-domain", repository="r1")["repository"],
        "createdTime": json.loads(repo.stdout)["repository"]["createdTime"],
    }

    missing = _aws(url, "describe-domain", "--domain", "ghost")
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr
    invalid = _aws(url, "create-domain", "--domain", "Bad_Name")
    assert invalid.returncode != 0
    assert "ValidationException" in invalid.stderr and "regular expression pattern" in invalid.stderr
