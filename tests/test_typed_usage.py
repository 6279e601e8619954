"""A user's test module as a ``mypy --strict`` user writes it, with mypy-boto3-codeartifact's client type.

The suite runs it like any test module, and ``tests/test_typing.py`` type-checks it with ``mypy --strict``: every
way of using the library here must keep its types (decorated functions, sync and async, with and without
arguments; decorated classes; the context manager; the fixtures; ``m.server()``).
"""

from __future__ import annotations

import asyncio
import unittest
from pathlib import Path

import boto3
import pytest
from mypy_boto3_codeartifact import CodeArtifactClient

from mock_codeartifact import MockCodeArtifact, mock_codeartifact
from mock_codeartifact.server import ThreadedCodeArtifactServer


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)


def client() -> CodeArtifactClient:
    made: CodeArtifactClient = boto3.client("codeartifact", region_name="us-east-1")
    return made


def domain_names(codeartifact: CodeArtifactClient) -> list[str]:
    return sorted(d["name"] for d in codeartifact.list_domains()["domains"] if "name" in d)


@mock_codeartifact
def create_domain(name: str) -> str:
    return client().create_domain(domain=name)["domain"]["name"]


@mock_codeartifact(authorization=False)
def owner_of_new_domain(name: str, *, owner: str | None = None) -> str:
    codeartifact = client()
    codeartifact.create_domain(domain=name)
    if owner is None:
        described = codeartifact.describe_domain(domain=name)
    else:
        described = codeartifact.describe_domain(domain=name, domainOwner=owner)
    return described["domain"]["owner"]


@mock_codeartifact
async def create_domain_async(name: str) -> int:
    await asyncio.sleep(0)
    client().create_domain(domain=name)
    return len(domain_names(client()))


def test_a_decorated_function_keeps_its_signature() -> None:
    name: str = create_domain("typed")
    assert name == "typed"


def test_a_function_decorated_with_arguments_keeps_its_signature() -> None:
    owner: str = owner_of_new_domain("typed", owner="123456789012")
    assert owner == "123456789012"


def test_an_async_function_keeps_its_signature() -> None:
    count: int = asyncio.run(create_domain_async("typed"))
    assert count == 1


def test_the_context_manager_gives_the_mock(tmp_path: Path) -> None:
    with mock_codeartifact() as m:
        mock: MockCodeArtifact = m
        client().create_domain(domain="kept")
        snapshot = mock.snapshot()
        mock.reset()
        assert domain_names(client()) == []
        mock.restore(snapshot)
        mock.export_state(tmp_path / "state")
        with mock.server() as server:
            over_http: CodeArtifactClient = server.client(region_name="us-east-1")
            assert domain_names(over_http) == ["kept"]

    @mock_codeartifact(state=tmp_path / "state")
    def names_in_state() -> list[str]:
        return domain_names(client())

    assert names_in_state() == ["kept"]
    mock_codeartifact.reset()


def test_start_and_stop() -> None:
    m = mock_codeartifact()
    m.start()
    try:
        assert m.started and create_domain("nested") == "nested"
    finally:
        m.stop()


@mock_codeartifact
class TestADecoratedTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.codeartifact = client()

    def test_inside_the_mock(self) -> None:
        self.codeartifact.create_domain(domain="from-testcase")
        self.assertEqual(domain_names(self.codeartifact), ["from-testcase"])


@mock_codeartifact
class TestADecoratedClass:
    def test_inside_the_mock(self) -> None:
        assert domain_names(client()) == []


def test_the_fixtures(codeartifact_mock: MockCodeArtifact, codeartifact_client: CodeArtifactClient) -> None:
    codeartifact_client.create_domain(domain="from-fixture")
    with codeartifact_mock.server() as server:
        assert domain_names(server.client(region_name=codeartifact_client.meta.region_name)) == ["from-fixture"]


def test_the_server_fixture(codeartifact_server: ThreadedCodeArtifactServer) -> None:
    over_http: CodeArtifactClient = codeartifact_server.client(region_name="us-east-1")
    assert domain_names(over_http) == []
