"""The call log (docs/call-log.md): ``m.calls`` in-process and ``GET /_mock/calls`` in server mode record every
call a mock answered, with who made it, where, what came back and how long it took."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.seeding import add_package_version
from mock_codeartifact.server import ThreadedCodeArtifactServer

ACCOUNT = "123456789012"
OTHER = "arn:aws:iam::222222222222:user/eve"
BODY = b"the asset's secret bytes " * 40


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    monkeypatch.delenv("MOCK_CODEARTIFACT_CALL_LOG_SIZE", raising=False)


def _publish(client: Any, repository: str = "repo") -> Any:
    return client.publish_package_version(
        domain="dom",
        repository=repository,
        format="generic",
        namespace="ns",
        package="pkg",
        packageVersion="1.0",
        assetContent=BODY,
        assetName="pkg.tar",
        assetSHA256=hashlib.sha256(BODY).hexdigest(),
    )


# ------------------------------------------------------------------------------------------------ in-process


def test_a_success_is_recorded_with_who_where_and_what() -> None:
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="eu-west-1")
        client.create_domain(domain="dom", tags=[{"key": "team", "value": "a"}])
        [call] = m.calls
    assert call.operation == "CreateDomain"
    assert call.params == {"domain": "dom", "tags": [{"key": "team", "value": "a"}]}
    assert call.principal == f"arn:aws:iam::{ACCOUNT}:root"
    assert (call.account, call.region) == (ACCOUNT, "eu-west-1")
    assert (call.status, call.error) == (200, None)
    assert call.duration_ms >= 0
    assert abs(call.time - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def test_calls_are_kept_oldest_first_for_every_client() -> None:
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="dom")
        client.create_repository(domain="dom", repository="repo")
        client.list_repositories()
        assert [c.operation for c in m.calls] == ["CreateDomain", "CreateRepository", "ListRepositories"]
        sequences = [c.sequence for c in m.calls]
        assert sequences == sorted(sequences)


def test_a_modeled_error_is_recorded_with_its_code_and_status() -> None:
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        with pytest.raises(ClientError):
            client.describe_domain(domain="missing")
        with pytest.raises(ClientError):
            client.create_repository(domain="dom", repository="bad name")
        not_found, invalid = m.calls
    assert (not_found.operation, not_found.status, not_found.error) == (
        "DescribeDomain",
        404,
        "ResourceNotFoundException",
    )
    assert not_found.params == {"domain": "missing"}
    assert (invalid.operation, invalid.status, invalid.error) == ("CreateRepository", 400, "ValidationException")
    # Who asked is known even when the input was refused before the call reached the backend.
    assert invalid.principal == f"arn:aws:iam::{ACCOUNT}:root"
    assert invalid.region == "us-east-1"


def test_an_authorization_denial_is_recorded_as_the_caller() -> None:
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="dom")
        with m.acting_as(OTHER), pytest.raises(ClientError) as denied:
            client.describe_domain(domain="dom", domainOwner=ACCOUNT)
        call = m.calls[-1]
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert (call.operation, call.status, call.error) == ("DescribeDomain", 403, "AccessDeniedException")
    assert (call.principal, call.account) == (OTHER, "222222222222")
    assert call.params == {"domain": "dom", "domainOwner": ACCOUNT}


def test_asset_bodies_are_left_out_and_tokens_never_logged() -> None:
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="dom")
        client.create_repository(domain="dom", repository="repo")
        _publish(client)
        token = client.get_authorization_token(domain="dom")["authorizationToken"]
        with pytest.raises(ClientError):
            _publish(client, repository="missing")  # a failed publish: its body is left out too
        publish, get_token, failed = m.calls[-3:]
    assert publish.operation == "PublishPackageVersion"
    assert publish.params["assetContent"] == f"<{len(BODY)} bytes>"
    assert failed.error == "ResourceNotFoundException"
    assert failed.params["assetContent"] == f"<{len(BODY)} bytes>"
    assert get_token.operation == "GetAuthorizationToken"
    text = repr(m.calls)
    assert token not in text and "secret bytes" not in text


def test_the_log_is_bounded_keeping_the_newest() -> None:
    with mock_codeartifact() as m:
        m.call_log_size = 3
        try:
            client = boto3.client("codeartifact", region_name="us-east-1")
            for i in range(5):
                client.create_domain(domain=f"dom{i}")
            assert m.call_log_size == 3
            assert [c.params["domain"] for c in m.calls] == ["dom2", "dom3", "dom4"]
        finally:
            m.call_log_size = 1000


def test_the_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_codeartifact.backend import Backend

    monkeypatch.setenv("MOCK_CODEARTIFACT_CALL_LOG_SIZE", "2")
    with ThreadedCodeArtifactServer(port=0, backend=Backend()) as server:
        client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=server.endpoint_url)
        for i in range(4):
            client.create_domain(domain=f"dom{i}")
        answer = requests.get(f"{server.endpoint_url}/_mock/calls", timeout=10).json()
    assert answer["size"] == 2
    assert [c["params"]["domain"] for c in answer["calls"]] == ["dom2", "dom3"]


def test_reset_clears_the_log() -> None:
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="dom")
        assert len(m.calls) == 1
        m.reset()
        assert m.calls == []
        client.list_domains()
        assert [c.operation for c in m.calls] == ["ListDomains"]


def test_each_activation_starts_with_an_empty_log() -> None:
    with mock_codeartifact():
        boto3.client("codeartifact", region_name="us-east-1").create_domain(domain="dom")
    with mock_codeartifact() as m:
        assert m.calls == []


async def _aio_calls() -> None:
    from aiobotocore.session import get_session

    async with get_session().create_client("codeartifact", region_name="us-west-2") as client:
        await client.create_domain(domain="dom")


def test_aiobotocore_calls_are_recorded() -> None:
    pytest.importorskip("aiobotocore")
    import asyncio

    with mock_codeartifact() as m:
        asyncio.run(_aio_calls())
        [call] = m.calls
    assert (call.operation, call.region, call.status) == ("CreateDomain", "us-west-2", 200)


def test_requests_to_the_api_are_recorded() -> None:
    # A raw HTTP client (no SigV4): the region comes from the host, the caller is the account's root.
    with mock_codeartifact() as m:
        answer = requests.post(
            "https://codeartifact.ap-south-1.amazonaws.com/v1/domain?domain=dom", data=b"{}", timeout=10
        )
        [call] = m.calls
    assert answer.status_code == 200
    assert (call.operation, call.region, call.status, call.params) == (
        "CreateDomain",
        "ap-south-1",
        200,
        {"domain": "dom"},
    )


def test_a_repository_endpoint_request_in_process_is_recorded() -> None:
    # A package manager's request to the real repository host, answered in-process, as the token's principal.
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="eu-west-1")
        client.create_domain(domain="dom")
        client.create_repository(domain="dom", repository="repo")
        with m.acting_as("arn:aws:iam::123456789012:role/ci"):
            token = client.get_authorization_token(domain="dom")["authorizationToken"]
        endpoint = client.get_repository_endpoint(domain="dom", repository="repo", format="npm")["repositoryEndpoint"]
        found = requests.get(
            f"{endpoint}lodash", params={"auth_token": token, "v": "2"}, auth=("aws", token), timeout=10
        )
        refused = requests.get(f"{endpoint}lodash", timeout=10)
        served, unauthorized = m.calls[-2:]
    assert (found.status_code, refused.status_code) == (404, 401)
    assert (served.operation, served.status, served.error, served.region) == (
        "npm GET /lodash",
        404,
        "NotFound",
        "eu-west-1",
    )
    assert (served.principal, served.account) == ("arn:aws:iam::123456789012:role/ci", ACCOUNT)
    assert served.params == {
        "format": "npm",
        "domain": "dom",
        "domainOwner": ACCOUNT,
        "repository": "repo",
        "method": "GET",
        "path": "/lodash",
        "query": {"auth_token": "***", "v": "2"},
    }
    assert (unauthorized.status, unauthorized.error, unauthorized.principal) == (401, "Unauthorized", None)
    assert token not in repr(m.calls)


# ------------------------------------------------------------------------------------------------ server mode


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0) as running:
        yield running


@pytest.fixture
def fresh(server: ThreadedCodeArtifactServer) -> ThreadedCodeArtifactServer:
    server.reset()
    return server


def _calls(server: ThreadedCodeArtifactServer, **query: Any) -> list[dict[str, Any]]:
    answer = requests.get(f"{server.endpoint_url}/_mock/calls", params=query, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    calls: list[dict[str, Any]] = answer.json()["calls"]
    return calls


def _client(server: ThreadedCodeArtifactServer, region: str = "us-east-1") -> Any:
    return boto3.client("codeartifact", region_name=region, endpoint_url=server.endpoint_url)


def test_server_records_successes_errors_and_denials(fresh: ThreadedCodeArtifactServer) -> None:
    client = _client(fresh, "eu-central-1")
    client.create_domain(domain="dom")
    with pytest.raises(ClientError):
        client.describe_repository(domain="dom", repository="missing")
    denied = boto3.client(
        "codeartifact",
        region_name="eu-central-1",
        endpoint_url=fresh.endpoint_url,
    )
    denied.meta.events.register(
        "before-sign.codeartifact",
        lambda request, **_: request.headers.__setitem__("x-mock-codeartifact-principal", OTHER),
    )
    with pytest.raises(ClientError):
        denied.describe_domain(domain="dom", domainOwner=ACCOUNT)
    created, missing, refused = _calls(fresh)
    assert created == {
        "sequence": created["sequence"],
        "time": created["time"],
        "operation": "CreateDomain",
        "params": {"domain": "dom"},
        "principal": f"arn:aws:iam::{ACCOUNT}:root",
        "account": ACCOUNT,
        "region": "eu-central-1",
        "status": 200,
        "error": None,
        "duration_ms": created["duration_ms"],
    }
    assert dt.datetime.fromisoformat(created["time"]).tzinfo is not None
    assert isinstance(created["duration_ms"], float)
    assert (missing["operation"], missing["status"], missing["error"]) == (
        "DescribeRepository",
        404,
        "ResourceNotFoundException",
    )
    assert (refused["status"], refused["error"], refused["principal"], refused["account"]) == (
        403,
        "AccessDeniedException",
        OTHER,
        "222222222222",
    )


def test_server_records_repository_endpoint_requests(fresh: ThreadedCodeArtifactServer) -> None:
    client = _client(fresh)
    client.create_domain(domain="dom")
    client.create_repository(domain="dom", repository="repo")
    token = client.get_authorization_token(domain="dom")["authorizationToken"]
    add_package_version(
        fresh, domain="dom", repository="repo", format="pypi", package="demo", version="1.0",
        assets={"demo-1.0.tar.gz": b"sdist"},
    )  # fmt: skip
    endpoint = client.get_repository_endpoint(domain="dom", repository="repo", format="pypi")["repositoryEndpoint"]
    ok = requests.get(f"{endpoint}simple/demo/", params={"x-token": token, "v": "1"}, auth=("aws", token), timeout=10)
    unauthorized = requests.get(f"{endpoint}simple/demo/", timeout=10)
    assert (ok.status_code, unauthorized.status_code) == (200, 401)
    listed, refused = _calls(fresh, operation="pypi")
    assert listed["operation"] == "pypi GET /simple/demo/"
    assert listed["params"]["format"] == "pypi"
    assert (listed["params"]["domain"], listed["params"]["repository"]) == ("dom", "repo")
    assert listed["params"]["query"] == {"x-token": "***", "v": "1"}
    assert (listed["principal"], listed["account"], listed["region"]) == (
        f"arn:aws:iam::{ACCOUNT}:root",
        ACCOUNT,
        "us-east-1",
    )
    assert (listed["status"], listed["error"]) == (200, None)
    assert (refused["status"], refused["error"], refused["principal"]) == (401, "Unauthorized", None)
    # The token appears nowhere in the log.
    raw = requests.get(f"{fresh.endpoint_url}/_mock/calls", timeout=10).text
    assert token not in raw


def test_server_redacts_asset_bodies(fresh: ThreadedCodeArtifactServer) -> None:
    client = _client(fresh)
    client.create_domain(domain="dom")
    client.create_repository(domain="dom", repository="repo")
    _publish(client)
    [publish] = _calls(fresh, operation="PublishPackageVersion")
    assert publish["params"]["assetContent"] == f"<{len(BODY)} bytes>"
    assert "secret bytes" not in json.dumps(_calls(fresh))


def test_server_filters_by_operation_status_and_time(fresh: ThreadedCodeArtifactServer) -> None:
    client = _client(fresh)
    client.create_domain(domain="dom")
    with pytest.raises(ClientError):
        client.describe_domain(domain="nope")
    everything = _calls(fresh)
    middle = dt.datetime.fromisoformat(everything[-1]["time"])
    client.list_domains()
    assert [c["operation"] for c in _calls(fresh, operation="CreateDomain")] == ["CreateDomain"]
    assert [c["operation"] for c in _calls(fresh, status="404")] == ["DescribeDomain"]
    assert [c["operation"] for c in _calls(fresh, status="4xx")] == ["DescribeDomain"]
    assert [c["operation"] for c in _calls(fresh, status="error")] == ["DescribeDomain"]
    assert [c["operation"] for c in _calls(fresh, since=middle.isoformat())] == ["DescribeDomain", "ListDomains"]
    assert [c["operation"] for c in _calls(fresh, since=str(middle.timestamp()))] == [
        "DescribeDomain",
        "ListDomains",
    ]
    assert [c["operation"] for c in _calls(fresh, after=everything[-1]["sequence"])] == ["ListDomains"]
    bad = requests.get(f"{fresh.endpoint_url}/_mock/calls", params={"since": "yesterday"}, timeout=10)
    assert bad.status_code == 400 and "since" in bad.json()["message"]
    assert requests.delete(f"{fresh.endpoint_url}/_mock/calls", timeout=10).status_code == 405
    assert len(_calls(fresh)) == 3  # the log is read-only: only a reset clears it


def test_server_reset_clears_the_log(fresh: ThreadedCodeArtifactServer) -> None:
    _client(fresh).create_domain(domain="dom")
    assert len(_calls(fresh)) == 1
    assert (
        requests.post(f"{fresh.endpoint_url}/_mock/reset", headers={"X-Mock-CodeArtifact": "1"}, timeout=10).status_code
        == 200
    )
    assert _calls(fresh) == []
