"""The pytest plugin's three fixtures, run in a pytester sandbox (entry point ``pytest11``)."""

from __future__ import annotations

from importlib.metadata import entry_points

pytest_plugins = ["pytester"]

USER_TESTS = """
import boto3
import pytest

from mock_codeartifact import MockCodeArtifact, mock_codeartifact

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


@mock_codeartifact
class TestDecoratedClass:
    @classmethod
    def setup_class(cls):
        cls.client = boto3.client("codeartifact", region_name="us-east-1")
        cls.client.create_domain(domain="from-setup-class")

    def setup_method(self, method):
        self.client.create_domain(domain=method.__name__.replace("_", "-"))

    def test_a(self):
        names = [d["name"] for d in self.client.list_domains()["domains"]]
        assert names == ["from-setup-class", "test-a"]


@mock_codeartifact
class TestSetupMethodWithoutArgument:
    def setup_method(self):
        self.client = boto3.client("codeartifact", region_name="us-east-1")
        self.client.create_domain(domain="plain-setup")

    def teardown_method(self):
        assert self.client.list_domains()["domains"]

    def test_b(self):
        assert [d["name"] for d in self.client.list_domains()["domains"]] == ["plain-setup"]


@mock_codeartifact
class TestSetupMethodFails:
    def setup_method(self, method):
        raise RuntimeError("boom")

    def test_never_runs(self):
        pass


def test_no_mock_is_left_active_after_a_failed_setup():
    from botocore.config import Config

    dead = Config(proxies={"https": "http://127.0.0.1:9"}, retries={"max_attempts": 1}, connect_timeout=2)
    client = boto3.client("codeartifact", region_name="us-east-1", config=dead)
    with pytest.raises(Exception, match="(?i)proxy|connect"):
        client.list_domains()


@pytest.fixture
@mock_codeartifact
def provisioned():
    client = boto3.client("codeartifact", region_name="us-east-1")
    client.create_domain(domain="from-fixture")
    yield client


def test_decorated_yield_fixture(provisioned):
    assert [d["name"] for d in provisioned.list_domains()["domains"]] == ["from-fixture"]


def test_server_is_shared_by_the_session():
    assert len(urls) == 2 and urls[0] == urls[1]
"""


def test_entry_point_is_registered():
    names = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert names.get("mock_codeartifact") == "mock_codeartifact.pytest_plugin"


def test_fixtures_in_a_user_project(pytester):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(
        "-q", "-p", "no:cacheprovider", "-p", "no:randomly"
    )  # its tests share state in order
    result.assert_outcomes(passed=10, errors=1)


def test_fixtures_are_listed(pytester):
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("--fixtures", "-q")
    text = result.stdout.str()
    for name in ("codeartifact_mock", "codeartifact_client", "codeartifact_server"):
        assert name in text
