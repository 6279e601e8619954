"""``codeartifact_client`` is one client per session, restored after each test: what one test attaches to it
(handlers, a Stubber, attributes, config) is gone in the next, in both orders; its region follows
``AWS_DEFAULT_REGION``; its credentials follow the environment; ``codeartifact_fresh_client`` is new per test."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

HEADER = """
import boto3
import pytest
from botocore.stub import Stubber

clients = []


@pytest.fixture(autouse=True)
def creds(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


class Refused(Exception):
    pass


def refuse(**kwargs):
    raise Refused("a handler of another test")
"""

ATTACHER = """
def test_attaches_everything(codeartifact_client):
    clients.append(codeartifact_client)
    codeartifact_client.meta.events.register("before-call.codeartifact.CreateDomain", refuse)
    codeartifact_client.meta.events.register_first("before-send.codeartifact.CreateRepository", refuse, unique_id="u")
    codeartifact_client.marker = "left behind"
    codeartifact_client.meta.config.user_agent_extra = "left-behind"
    with pytest.raises(Refused):
        codeartifact_client.create_domain(domain="refused")
    stubber = Stubber(codeartifact_client)
    stubber.add_response("list_domains", {"domains": [{"name": "stubbed"}]})
    stubber.activate()
    assert codeartifact_client.list_domains()["domains"] == [{"name": "stubbed"}]
"""

CHECKER = """
def test_sees_a_clean_client(codeartifact_client):
    clients.append(codeartifact_client)
    assert codeartifact_client.list_domains()["domains"] == []  # no Stubber
    codeartifact_client.create_domain(domain="mine")  # no refusing handler
    codeartifact_client.create_repository(domain="mine", repository="repo")
    assert not hasattr(codeartifact_client, "marker")
    assert codeartifact_client.meta.config.user_agent_extra != "left-behind"
"""

SHARED = """
def test_the_client_is_shared():
    assert len(clients) == 2 and clients[0] is clients[1]
"""


@pytest.mark.slow
@pytest.mark.parametrize("attacher_first", [True, False], ids=["attacher-first", "attacher-last"])
def test_nothing_attached_in_one_test_reaches_the_next(pytester, attacher_first):
    body = ATTACHER + CHECKER if attacher_first else CHECKER + ATTACHER
    pytester.makepyfile(test_isolation=HEADER + body + SHARED)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=3)


@pytest.fixture
def west(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")


def test_region_follows_aws_default_region(west, codeartifact_client):
    assert codeartifact_client.meta.region_name == "eu-west-1"
    arn = codeartifact_client.create_domain(domain="in-the-west")["domain"]["arn"]
    assert arn.startswith("arn:aws:codeartifact:eu-west-1:")


@pytest.fixture
def only_aws_region(monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "ap-south-1")


def test_region_follows_aws_region_when_it_is_the_only_one(only_aws_region, codeartifact_client):
    assert codeartifact_client.meta.region_name == "ap-south-1"
    arn = codeartifact_client.create_domain(domain="in-the-south")["domain"]["arn"]
    assert arn.startswith("arn:aws:codeartifact:ap-south-1:")


def test_region_defaults_to_us_east_1(codeartifact_mock, monkeypatch):
    # monkeypatch after the mock: its undo (putting back the mock's fake region) runs before the mock removes it.
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    client = codeartifact_mock_client(codeartifact_mock)
    assert client.meta.region_name == "us-east-1"


def codeartifact_mock_client(_mock):
    import boto3

    from mock_codeartifact.pytest_plugin import fixture_region

    return boto3.client("codeartifact", region_name=fixture_region())


@pytest.fixture
def user_keys(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMTHISTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@pytest.mark.parametrize("round", [1, 2])
def test_credentials_follow_the_environment_of_each_test(monkeypatch, round, codeartifact_mock, request):
    key = f"AKIDROUND{round}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    client = request.getfixturevalue("codeartifact_client")
    seen: list[str] = []

    def record(request, **_):
        seen.append(request.headers["Authorization"].decode())

    client.meta.events.register("before-send.codeartifact", record)
    client.list_domains()
    assert f"Credential={key}/" in seen[0], seen


def test_fresh_client_is_new_for_each_test(codeartifact_fresh_client, codeartifact_client):
    assert codeartifact_fresh_client is not codeartifact_client
    codeartifact_fresh_client.create_domain(domain="fresh")
    assert [d["name"] for d in codeartifact_client.list_domains()["domains"]] == ["fresh"]  # the same mock
