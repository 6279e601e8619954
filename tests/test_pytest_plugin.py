"""The pytest plugin (entry point ``pytest11``), run in a pytester sandbox: its fixtures, the error for a test that
leaves a mock started, and what loading it costs a project that does not use it."""

from __future__ import annotations

import subprocess
import sys
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


LEAKY_TESTS = """
import boto3
import pytest
from botocore.config import Config

from mock_codeartifact import mock_codeartifact


@pytest.fixture(autouse=True)
def creds(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def client(**kwargs):
    return boto3.client("codeartifact", region_name="us-east-1", **kwargs)


def test_leaky():
    m = mock_codeartifact()
    m.start()  # and no stop()
    client().create_domain(domain="left-behind")


def test_after_the_leak_no_mock_answers():
    dead = Config(proxies={"https": "http://127.0.0.1:9"}, retries={"max_attempts": 1}, connect_timeout=2)
    with pytest.raises(Exception, match="(?i)proxy|connect"):
        client(config=dead).list_domains()


def test_after_the_leak_state_is_fresh():
    with mock_codeartifact():
        assert client().list_domains()["domains"] == []


@pytest.fixture
def leaky_fixture():
    m = mock_codeartifact()
    m.start()
    yield m  # never stopped


def test_uses_a_leaky_fixture(leaky_fixture):
    client().create_domain(domain="from-fixture")


@pytest.fixture(scope="class")
def class_mock():
    with mock_codeartifact() as m:
        yield m


@pytest.mark.usefixtures("class_mock")
class TestClassScopedMockIsNotALeak:
    def test_one(self):
        client().create_domain(domain="kept-for-the-class")

    def test_two(self):
        assert [d["name"] for d in client().list_domains()["domains"]] == ["kept-for-the-class"]


def test_started_and_stopped_by_a_finalizer(request):
    m = mock_codeartifact()
    m.start()
    request.addfinalizer(m.stop)
"""

LEAKY_MODULE_FIXTURE = """
import pytest

from mock_codeartifact import mock_codeartifact


@pytest.fixture(scope="module")
def module_mock():
    m = mock_codeartifact()
    m.start()
    return m  # never stopped


def test_first(module_mock):
    pass


def test_last(module_mock):
    pass
"""

SESSION_FIXTURE = """
import pytest

from mock_codeartifact import mock_codeartifact


@pytest.fixture(scope="session", autouse=True)
def session_mock():
    with mock_codeartifact() as m:
        yield m
"""


def test_a_test_that_leaves_a_mock_started_errors_by_name(pytester):
    pytester.makepyfile(test_leaks=LEAKY_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:randomly")
    # test_leaky and test_uses_a_leaky_fixture pass, then error at teardown; the tests after them see no mock.
    result.assert_outcomes(passed=7, errors=2)
    out = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaky*",
            "*test_leaks.py::test_leaky left mock_codeartifact started*",
            "*the test test_leaks.py::test_leaky*",
        ]
    )
    assert "the fixture 'leaky_fixture'" in out
    errors = [line for line in out.splitlines() if line.startswith("ERROR ")]
    assert len(errors) == 2 and all("test_leaky" in e or "test_uses_a_leaky_fixture" in e for e in errors), errors
    for fine in ("test_after_the_leak", "TestClassScopedMockIsNotALeak", "test_started_and_stopped_by_a_finalizer"):
        assert not [e for e in errors if fine in e]


def test_a_leaking_module_fixture_is_named_at_the_end_of_its_module(pytester):
    pytester.makepyfile(test_module_leak=LEAKY_MODULE_FIXTURE)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_last*",
            "*the fixture 'module_mock' (module-scoped, of test_module_leak.py)*",
        ]
    )


def test_a_session_fixture_mock_is_not_a_leak(pytester):
    pytester.makeconftest(SESSION_FIXTURE)
    pytester.makepyfile(
        test_a="def test_a(session_mock):\n    assert session_mock.started\n",
        test_b="def test_b(session_mock):\n    assert session_mock.started\n",
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_loading_the_plugin_loads_nothing_heavy():
    # pytest imports the plugin in every project where the package is installed: it must not cost them botocore,
    # boto3, werkzeug, the server or the backend until a fixture of ours is used.
    code = (
        "import sys, mock_codeartifact.pytest_plugin, mock_codeartifact\n"
        "heavy = ('botocore', 'boto3', 'werkzeug', 'cheroot', 'responses', 'yaml', 'mock_codeartifact.mock',"
        " 'mock_codeartifact.server', 'mock_codeartifact.backend', 'mock_codeartifact.dispatch')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
        "from mock_codeartifact import MockCodeArtifact, mock_codeartifact\n"
        "print(mock_codeartifact().__class__ is MockCodeArtifact, 'botocore' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.splitlines() == ["[]", "True True"], done.stdout + done.stderr
