"""No state leaks: between decorated calls, tests using the fixtures, server resets, accounts and regions.

Each check creates the same resource twice in two separate activations (or two tests): if any state leaked, the
second creation would answer ConflictException, and the listing taken first would not be empty.
"""

from __future__ import annotations

import json
import unittest
import urllib.request
from typing import Any

import boto3
import pytest

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.server import ThreadedCodeArtifactServer


def _fresh_then_create(client: Any, name: str = "leak-check") -> None:
    assert client.list_domains()["domains"] == [], "state leaked in from an earlier activation"
    client.create_domain(domain=name)
    client.create_repository(domain=name, repository="rr")
    assert [d["name"] for d in client.list_domains()["domains"]] == [name]


def test_decorated_function_starts_fresh_each_call() -> None:
    @mock_codeartifact
    def body() -> None:
        _fresh_then_create(boto3.client("codeartifact", region_name="us-east-1"))

    body()
    body()


def test_async_decorated_function_starts_fresh_each_call() -> None:
    import asyncio

    @mock_codeartifact
    async def body() -> None:
        _fresh_then_create(boto3.client("codeartifact", region_name="us-east-1"))

    asyncio.run(body())
    asyncio.run(body())


def test_context_manager_and_start_stop_start_fresh() -> None:
    with mock_codeartifact():
        _fresh_then_create(boto3.client("codeartifact", region_name="us-east-1"))
    m = mock_codeartifact()
    m.start()
    try:
        _fresh_then_create(boto3.client("codeartifact", region_name="us-east-1"))
    finally:
        m.stop()


def test_nested_mocks_share_state_until_the_outermost_ends() -> None:
    with mock_codeartifact():
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="outer")
        with mock_codeartifact():
            assert [d["name"] for d in client.list_domains()["domains"]] == ["outer"]
        assert [d["name"] for d in client.list_domains()["domains"]] == ["outer"]
    with mock_codeartifact():
        assert boto3.client("codeartifact", region_name="us-east-1").list_domains()["domains"] == []


def test_reset_clears_every_account_and_region(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_codeartifact() as m:
        for region in ("us-east-1", "eu-west-1"):
            boto3.client("codeartifact", region_name=region).create_domain(domain="dd")
        monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", "111122223333")
        boto3.client("codeartifact", region_name="us-east-1").create_domain(domain="dd")
        m.reset()
        for account in ("111122223333", "123456789012"):
            monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", account)
            for region in ("us-east-1", "eu-west-1"):
                assert boto3.client("codeartifact", region_name=region).list_domains()["domains"] == []


def test_accounts_and_regions_do_not_see_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_codeartifact():
        boto3.client("codeartifact", region_name="us-east-1").create_domain(domain="only-here")
        assert boto3.client("codeartifact", region_name="us-west-2").list_domains()["domains"] == []
        monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", "111122223333")
        assert boto3.client("codeartifact", region_name="us-east-1").list_domains()["domains"] == []


@pytest.mark.parametrize("round_", [1, 2])
def test_codeartifact_mock_fixture_is_fresh_per_test(codeartifact_mock: Any, round_: int) -> None:
    _fresh_then_create(boto3.client("codeartifact", region_name="us-east-1"))


@pytest.mark.parametrize("round_", [1, 2])
def test_codeartifact_client_fixture_is_fresh_per_test(codeartifact_client: Any, round_: int) -> None:
    _fresh_then_create(codeartifact_client)


@pytest.mark.parametrize("round_", [1, 2])
def test_codeartifact_server_fixture_is_reset_per_test(
    codeartifact_server: ThreadedCodeArtifactServer, round_: int
) -> None:
    _fresh_then_create(
        boto3.client("codeartifact", region_name="us-east-1", endpoint_url=codeartifact_server.endpoint_url)
    )


def test_server_state_is_its_own(codeartifact_server: ThreadedCodeArtifactServer) -> None:
    """The server does not share state with the in-process mock, nor with another server."""
    on_server = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=codeartifact_server.endpoint_url)
    on_server.create_domain(domain="server-side")
    with mock_codeartifact():
        assert boto3.client("codeartifact", region_name="us-east-1").list_domains()["domains"] == []
        assert [d["name"] for d in on_server.list_domains()["domains"]] == ["server-side"]  # loopback: not caught
    with ThreadedCodeArtifactServer(port=0) as other:
        c = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=other.endpoint_url)
        assert c.list_domains()["domains"] == []


def test_server_reset_endpoint_clears_state(codeartifact_server: ThreadedCodeArtifactServer) -> None:
    client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=codeartifact_server.endpoint_url)
    client.create_domain(domain="before-reset")
    request = urllib.request.Request(
        codeartifact_server.endpoint_url + "/_mock/reset", method="POST", headers={"X-Mock-CodeArtifact": "1"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
    assert client.list_domains()["domains"] == []
    with urllib.request.urlopen(codeartifact_server.endpoint_url + "/_mock/health", timeout=10) as answer:
        assert answer.status == 200 and json.loads(answer.read())


@mock_codeartifact
class DecoratedTestCase(unittest.TestCase):
    """Every test method of a decorated TestCase starts fresh (setUp runs inside the same activation)."""

    def setUp(self) -> None:
        self.client = boto3.client("codeartifact", region_name="us-east-1")
        assert self.client.list_domains()["domains"] == []

    def test_one(self) -> None:
        _fresh_then_create(self.client, "leak-check")

    def test_two(self) -> None:
        _fresh_then_create(self.client, "leak-check")
