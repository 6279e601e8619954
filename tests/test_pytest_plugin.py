"""The pytest plugin's three fixtures, run in a pytester sandbox (entry point ``pytest11``)."""

from __future__ import annotations

from importlib.metadata import entry_points

pytest_plugins = ["pytester"]

USER_TESTS = """
import boto3
import pytest

from mock_codeartifact import MockCodeArtifact

urls = []


@pytest.fixture(autouse=True)
def creds(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_mock_is_active_and_fresh(codeartifact_mock):
    assert isinstance(codeartifact_mock, MockCodeArtifact)
    client = boto3.client("codeartifact", region_name="eu-west-1")
    assert client.list_domains()["domains"] == []
    client.create_domain(domain="left-behind")


def test_mock_state_is_fresh_again(codeartifact_mock):
    assert boto3.client("codeartifact", region_name="eu-west-1").list_domains()["domains"] == []


def test_client(codeartifact_client, codeartifact_mock):
    assert codeartifact_client.meta.region_name == "us-east-1"
    assert codeartifact_client.list_domains()["domains"] == []
    codeartifact_client.create_domain(domain="from-client")
    codeartifact_mock.reset()
    assert codeartifact_client.list_domains()["domains"] == []


@pytest.mark.parametrize("round", [1, 2])
def test_server(codeartifact_server, round):
    urls.append(codeartifact_server.endpoint_url)
    client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=codeartifact_server.endpoint_url)
    assert client.list_domains()["domains"] == []  # reset before each test
    client.create_domain(domain=f"round-{round}")


def test_server_is_shared_by_the_session():
    assert len(urls) == 2 and urls[0] == urls[1]
"""


def test_entry_point_is_registered():
    names = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert names.get("mock_codeartifact") == "mock_codeartifact.pytest_plugin"


def test_fixtures_in_a_user_project(pytester):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_fixtures_are_listed(pytester):
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("--fixtures", "-q")
    text = result.stdout.str()
    for name in ("codeartifact_mock", "codeartifact_client", "codeartifact_server"):
        assert name in text
