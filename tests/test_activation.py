"""Activation: decorator (functions, async functions, classes, unittest.TestCase), context manager,
start/stop, nesting and reset, credentials, old clients, other services, moto and ``responses`` coexistence.

Whether a call was answered by the mock is observed without any network: a client carries its own
``before-send`` handler that returns a canned answer; the mock's handler runs first, so the canned answer shows
only when the mock did not answer.
"""

from __future__ import annotations

import asyncio
import io
import os
import unittest
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

import mock_codeartifact as package
from mock_codeartifact import MockCodeArtifact, mock_codeartifact

NOT_MOCKED = "not-mocked"


class _Raw(io.BytesIO):
    def stream(self, amt: int = 65536, decode_content: bool | None = None):
        while chunk := self.read(amt):
            yield chunk


def _canned(body: bytes, content_type: str):
    def handler(request: Any, **kwargs: Any) -> AWSResponse:
        return AWSResponse(
            request.url, 200, {"Content-Type": content_type, "Content-Length": str(len(body))}, _Raw(body)
        )

    return handler


def probe(client: Any) -> Any:
    """Give a CodeArtifact client a fallback answer for ListDomains that only shows when the mock is off."""
    client.meta.events.register(
        "before-send.codeartifact", _canned(b'{"domains": [{"name": "%s"}]}' % NOT_MOCKED.encode(), "application/json")
    )
    return client


def new_probe() -> Any:
    return probe(boto3.client("codeartifact", region_name="us-east-1"))


def mocked(client: Any) -> bool:
    names = [d["name"] for d in client.list_domains()["domains"]]
    return NOT_MOCKED not in names


@pytest.fixture(autouse=True)
def fake_env(monkeypatch, tmp_path):
    """No real credentials or config can leak in; each test decides what is configured."""
    for var in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookups on the network


@pytest.fixture
def creds(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "user-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "user-secret")


# --------------------------------------------------------------------------- decorator forms


def test_decorated_function(creds):
    @mock_codeartifact
    def provision(name: str) -> str:
        client = new_probe()
        assert mocked(client)
        return client.create_domain(domain=name)["domain"]["name"]

    assert provision.__name__ == "provision"
    assert provision("my-domain") == "my-domain"
    assert not mocked(new_probe())


def test_decorated_function_that_raises_stops_the_mock(creds):
    @mock_codeartifact
    def boom() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        boom()
    assert not mocked(new_probe())


def test_decorated_async_function(creds):
    @mock_codeartifact
    async def provision() -> list[str]:
        await asyncio.sleep(0)  # the body runs after the decorator returned the coroutine
        client = new_probe()
        client.create_domain(domain="async-domain")
        await asyncio.sleep(0)
        return [d["name"] for d in client.list_domains()["domains"]]

    assert asyncio.iscoroutinefunction(provision)
    assert asyncio.run(provision()) == ["async-domain"]
    assert not mocked(new_probe())


def test_decorated_plain_class(creds):
    @mock_codeartifact
    class Suite:
        def setup_method(self, method: Any = None) -> None:
            self.client = new_probe()
            self.client.create_domain(domain="from-setup")

        def teardown_method(self, method: Any = None) -> None:
            self.torn_down = mocked(self.client)

        def test_one(self) -> list[str]:
            return [d["name"] for d in self.client.list_domains()["domains"]]

        def helper(self) -> bool:
            return mocked(new_probe())

    suite = Suite()
    suite.setup_method()
    assert suite.test_one() == ["from-setup"]  # setup_method and the test share one activation
    suite.teardown_method()
    assert suite.torn_down is True
    assert not mocked(new_probe())
    assert suite.helper() is False  # only test methods (and setup/teardown) are wrapped


def _run(case: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    assert not result.errors and not result.failures, result.errors + result.failures
    return result


def test_decorated_testcase_with_setup(creds):
    seen: list[Any] = []

    @mock_codeartifact
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            self.client = new_probe()
            self.client.create_domain(domain="from-setup")

        def tearDown(self) -> None:
            seen.append(("teardown", mocked(self.client)))

        def test_a(self) -> None:
            seen.append([d["name"] for d in self.client.list_domains()["domains"]])
            self.client.create_domain(domain="from-test-a")

        def test_b(self) -> None:
            # State is fresh for every test.
            seen.append([d["name"] for d in self.client.list_domains()["domains"]])

    result = _run(Case)
    assert result.testsRun == 2
    assert seen == [["from-setup"], ("teardown", True), ["from-setup"], ("teardown", True)]
    assert not mocked(new_probe())


def test_decorated_testcase_with_setupclass(creds):
    seen: list[Any] = []

    @mock_codeartifact
    class Case(unittest.TestCase):
        @classmethod
        def setUpClass(cls) -> None:
            cls.client = new_probe()
            cls.client.create_domain(domain="from-setupclass")

        @classmethod
        def tearDownClass(cls) -> None:
            seen.append(("teardownclass", mocked(cls.client)))

        def test_a(self) -> None:
            seen.append([d["name"] for d in self.client.list_domains()["domains"]])
            self.client.create_domain(domain="from-a")

        def test_b(self) -> None:
            seen.append(sorted(d["name"] for d in self.client.list_domains()["domains"]))

    _run(Case)
    # setUpClass state is visible to the tests; nested activations share state and do not reset it.
    assert seen[0] == ["from-setupclass"]
    assert "from-setupclass" in seen[1]
    assert seen[2] == ("teardownclass", True)
    assert not mocked(new_probe())


def test_decorated_testcase_without_setup(creds):
    @mock_codeartifact
    class Case(unittest.TestCase):
        def test_a(self) -> None:
            self.assertTrue(mocked(new_probe()))

    _run(Case)


# --------------------------------------------------------------------------- context manager, start/stop


def test_context_manager_returns_the_mock(creds):
    with mock_codeartifact() as m:
        assert isinstance(m, MockCodeArtifact)
        client = new_probe()
        client.create_domain(domain="my-domain")
        assert mocked(client)
    assert not mocked(client)


def test_start_stop(creds):
    client = new_probe()
    m = mock_codeartifact()
    m.start()
    try:
        assert mocked(client)
    finally:
        m.stop()
    assert not mocked(client)
    with pytest.raises(RuntimeError):
        m.stop()


def test_client_created_before_the_mock_started_is_mocked(creds):
    client = new_probe()
    session_client = probe(boto3.Session(region_name="us-east-1").client("codeartifact"))
    with mock_codeartifact():
        client.create_domain(domain="early")
        assert [d["name"] for d in client.list_domains()["domains"]] == ["early"]
        assert [d["name"] for d in session_client.list_domains()["domains"]] == ["early"]


def test_nesting_shares_state_and_resets_only_at_the_outermost_start(creds):
    client = new_probe()
    with mock_codeartifact():
        client.create_domain(domain="outer")
        with mock_codeartifact():
            assert [d["name"] for d in client.list_domains()["domains"]] == ["outer"]
            client.create_domain(domain="inner")
        # The inner exit neither stops the mock nor clears state.
        assert [d["name"] for d in client.list_domains()["domains"]] == ["inner", "outer"]

        @mock_codeartifact
        def nested() -> list[str]:
            return [d["name"] for d in client.list_domains()["domains"]]

        assert nested() == ["inner", "outer"]
    with mock_codeartifact():
        assert client.list_domains()["domains"] == []


def test_reset(creds):
    client = new_probe()
    with mock_codeartifact() as m:
        client.create_domain(domain="one")
        mock_codeartifact.reset()
        assert client.list_domains()["domains"] == []
        client.create_domain(domain="two")
        package.reset()
        assert client.list_domains()["domains"] == []
        client.create_domain(domain="three")
        m.reset()
        assert client.list_domains()["domains"] == []


def test_every_call_is_applied_once_across_activations(creds):
    # Regression: a boto3 default session made after import got the handler twice, so every call ran twice
    # (a second put silently replaced the policy revision the caller was given).
    for _ in range(3):
        with mock_codeartifact():
            client = boto3.client("codeartifact", region_name="us-east-1")
            client.create_domain(domain="my-domain")
            put = client.put_domain_permissions_policy(
                domain="my-domain", policyDocument='{"Version": "2012-10-17", "Statement": []}'
            )["policy"]
            assert client.get_domain_permissions_policy(domain="my-domain")["policy"] == put


def test_calls_from_other_threads_are_mocked(creds):
    with mock_codeartifact():
        client = new_probe()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: client.create_domain(domain=f"thread-{i}"), range(8)))
        assert len(client.list_domains()["domains"]) == 8


# --------------------------------------------------------------------------- credentials


def test_fake_credentials_only_while_active_when_none_are_configured():
    before = dict(os.environ)
    with mock_codeartifact():
        assert os.environ["AWS_ACCESS_KEY_ID"] and os.environ["AWS_SECRET_ACCESS_KEY"]
        boto3.client("codeartifact").create_domain(domain="no-creds-needed")
    assert dict(os.environ) == before


def test_configured_credentials_are_left_alone(creds):
    before = dict(os.environ)
    with mock_codeartifact():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "user-key"
        assert "AWS_SESSION_TOKEN" not in os.environ
    assert dict(os.environ) == before


def test_credentials_file_counts_as_configured(monkeypatch, tmp_path):
    path = tmp_path / "credentials"
    path.write_text("[default]\naws_access_key_id = file-key\naws_secret_access_key = file-secret\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(path))
    before = dict(os.environ)
    with mock_codeartifact():
        assert "AWS_ACCESS_KEY_ID" not in os.environ
        assert boto3.client("codeartifact").list_domains()["domains"] == []
    assert dict(os.environ) == before


def test_reentering_the_same_instance_restores_credentials_exactly():
    # moto leaks AWS_ACCESS_KEY_ID after re-entering one instance; this must not.
    before = dict(os.environ)
    m = mock_codeartifact()
    with m:
        with m:
            assert os.environ["AWS_ACCESS_KEY_ID"]
        assert os.environ["AWS_ACCESS_KEY_ID"]
    assert dict(os.environ) == before
    m.start()
    m.start()
    m.stop()
    m.stop()
    assert dict(os.environ) == before


def test_credentials_the_user_sets_inside_survive():
    with mock_codeartifact():
        os.environ["AWS_ACCESS_KEY_ID"] = "set-inside"
    try:
        assert os.environ["AWS_ACCESS_KEY_ID"] == "set-inside"
    finally:
        del os.environ["AWS_ACCESS_KEY_ID"]


# --------------------------------------------------------------------------- other services, moto, requests


def test_other_services_are_untouched(creds):
    s3 = boto3.client("s3", region_name="us-east-1")
    xml = b"<ListAllMyBucketsResult><Buckets><Bucket><Name>from-the-user-hook</Name></Bucket></Buckets></ListAllMyBucketsResult>"
    s3.meta.events.register("before-send.s3", _canned(xml, "application/xml"))
    with mock_codeartifact():
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["from-the-user-hook"]


@pytest.mark.parametrize("configured", [True, False], ids=["credentials", "no-credentials"])
@pytest.mark.parametrize("order", ["moto-first", "codeartifact-first"])
def test_moto_coexistence(monkeypatch, order, configured):
    from moto import mock_aws

    if configured:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "user-key")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "user-secret")

    before = dict(os.environ)
    first, second = (mock_aws(), mock_codeartifact()) if order == "moto-first" else (mock_codeartifact(), mock_aws())
    with first, second:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="my-bucket")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["my-bucket"]  # served by moto
        ca = boto3.client("codeartifact", region_name="us-east-1")
        domain = ca.create_domain(domain="my-domain")["domain"]  # served by this library
        assert domain["s3BucketArn"] == "arn:aws:s3:::assets-193858265520-us-east-1"
        assert [d["name"] for d in ca.list_domains()["domains"]] == ["my-domain"]
        if order == "moto-first":
            # requests-based calls too; see docs/behaviour-choices.md for the other order.
            import requests

            listed = requests.post("https://codeartifact.us-east-1.amazonaws.com/v1/domains", json={})
            assert [d["name"] for d in listed.json()["domains"]] == ["my-domain"]
    # Keys of its own: with none configured, a client of a fresh default session could not even sign (the test
    # passed only when an earlier test had left a default session with cached credentials).
    keyed = boto3.client("codeartifact", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    assert not mocked(probe(keyed))
    assert dict(os.environ) == before


def test_requests_calls_are_answered_and_user_responses_mocks_keep_working(creds):
    import requests
    import responses

    with responses.RequestsMock() as user_mock:
        user_mock.add(responses.GET, "https://example.com/ping", json={"pong": True})
        with mock_codeartifact():
            created = requests.post(
                "https://codeartifact.us-east-1.amazonaws.com/v1/domain", params={"domain": "via-requests"}, json={}
            )
            assert created.status_code == 200
            assert created.json()["domain"]["name"] == "via-requests"
            listed = requests.post("https://codeartifact.us-east-1.amazonaws.com/v1/domains", json={})
            assert [d["name"] for d in listed.json()["domains"]] == ["via-requests"]
            missing = requests.get(
                "https://codeartifact.eu-west-1.amazonaws.com/v1/domain", params={"domain": "via-requests"}
            )
            assert missing.status_code == 404  # another region (from the host)
            assert missing.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
            assert requests.get("https://example.com/ping").json() == {"pong": True}
            # ... and boto3 sees the same state.
            assert [d["name"] for d in boto3.client("codeartifact").list_domains()["domains"]] == ["via-requests"]
        assert requests.get("https://example.com/ping").json() == {"pong": True}


def test_clients_and_sessions_created_before_import_are_mocked(tmp_path):
    # In a fresh interpreter: boto3 clients made before mock_codeartifact is even imported. Any request that
    # escaped would hit a dead local proxy, never the network.
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "early.py"
    script.write_text(
        textwrap.dedent(
            """
            import boto3
            default_client = boto3.client("codeartifact", region_name="us-east-1")
            session_client = boto3.Session(region_name="eu-west-1").client("codeartifact")
            from mock_codeartifact import mock_codeartifact
            with mock_codeartifact():
                default_client.create_domain(domain="early")
                session_client.create_domain(domain="early-eu")
                fresh = boto3.client("codeartifact", region_name="us-east-1")
                print(",".join(d["name"] for d in fresh.list_domains()["domains"]))
                print(",".join(d["name"] for d in session_client.list_domains()["domains"]))
            """
        )
    )
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "AWS_MAX_ATTEMPTS": "1",
    }
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["early", "early-eu"]


def test_decorator_with_parentheses(creds):
    @mock_codeartifact()
    def provision() -> bool:
        return mocked(new_probe())

    assert provision() is True


@mock_codeartifact
def test_decorated_pytest_test_keeps_its_fixtures(tmp_path, request):
    # pytest still sees the fixtures a decorated test asks for.
    assert tmp_path.exists() and request.node.name == "test_decorated_pytest_test_keeps_its_fixtures"
    client = new_probe()
    client.create_domain(domain="with-fixtures")
    assert mocked(client)


def test_decorated_isolated_asyncio_testcase(creds):
    seen: list[Any] = []

    @mock_codeartifact
    class Case(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self) -> None:
            self.client = new_probe()
            self.client.create_domain(domain="async-setup")

        async def test_a(self) -> None:
            await asyncio.sleep(0)
            seen.append([d["name"] for d in self.client.list_domains()["domains"]])

    _run(Case)
    assert seen == [["async-setup"]]


def test_fake_region_only_when_none_is_configured(monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    before = dict(os.environ)
    with mock_codeartifact():
        assert boto3.client("codeartifact").meta.region_name == "us-east-1"
        # Both names: boto3 and the AWS CLI read AWS_DEFAULT_REGION, other SDKs (Go, JavaScript v3) AWS_REGION.
        assert (os.environ["AWS_DEFAULT_REGION"], os.environ["AWS_REGION"]) == ("us-east-1", "us-east-1")
    assert dict(os.environ) == before


@pytest.mark.parametrize("configured", ["AWS_DEFAULT_REGION", "AWS_REGION"])
def test_a_configured_region_is_left_alone(monkeypatch, configured):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv(configured, "eu-west-1")
    before = dict(os.environ)
    with mock_codeartifact():
        assert {k: v for k, v in os.environ.items() if k in ("AWS_DEFAULT_REGION", "AWS_REGION")} == {
            configured: "eu-west-1"
        }
    assert dict(os.environ) == before


@pytest.mark.parametrize(
    "var, value",
    [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/token"),
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"),
    ],
)
def test_other_credential_sources_count_as_configured(monkeypatch, var, value):
    # Web identity (CI with OIDC, EKS) and container credentials are configured credentials too: fake keys in the
    # environment would take precedence over them for every other AWS call made while the mock is active.
    monkeypatch.setenv(var, value)
    before = dict(os.environ)
    with mock_codeartifact():
        assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert dict(os.environ) == before


def test_role_profile_in_config_counts_as_configured(monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text("[default]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Environment\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with mock_codeartifact():
        assert "AWS_ACCESS_KEY_ID" not in os.environ


def test_transport_is_restored_after_stop(creds):
    # A dead local proxy stands in for the network: inside the mock nothing reaches it; afterwards, botocore's
    # own transport is back and fails to connect to it.
    from botocore.config import Config
    from botocore.exceptions import EndpointConnectionError, ProxyConnectionError

    dead = Config(proxies={"https": "http://127.0.0.1:9"}, retries={"max_attempts": 1}, connect_timeout=2)
    client = boto3.client("codeartifact", region_name="us-east-1", config=dead)
    with mock_codeartifact():
        assert client.list_domains()["domains"] == []
    with pytest.raises((ProxyConnectionError, EndpointConnectionError)):
        client.list_domains()


def test_requests_to_other_hosts_pass_through_while_active(creds, shared_server):
    import requests

    with mock_codeartifact():
        assert requests.get(f"{shared_server.endpoint_url}/_mock/health", timeout=5).status_code == 200


def test_decorated_plain_class_with_setup_class(creds):
    # moto's class decorator leaves setUpClass unmocked; pytest's setup_class must run inside the mock too, and
    # what it creates must be visible to the tests.
    @mock_codeartifact
    class Suite:
        @classmethod
        def setup_class(cls) -> None:
            cls.client = new_probe()
            cls.in_setup = mocked(cls.client)
            cls.client.create_domain(domain="from-setup-class")

        @classmethod
        def teardown_class(cls) -> None:
            cls.in_teardown = mocked(cls.client)

        def test_one(self) -> list[str]:
            return [d["name"] for d in self.client.list_domains()["domains"]]

    Suite.setup_class()  # what pytest does, in its order
    assert Suite.in_setup is True
    assert Suite().test_one() == ["from-setup-class"]
    Suite.teardown_class()
    assert Suite.in_teardown is True
    assert not mocked(new_probe())


def test_decorated_generator_keeps_the_mock_while_it_runs(creds):
    # A decorated generator (e.g. a yield-fixture) is mocked while it runs, not just while it is created.
    @mock_codeartifact
    def provisioned():
        client = new_probe()
        client.create_domain(domain="from-generator")
        yield client
        assert mocked(client)

    gen = provisioned()
    client = next(gen)
    assert [d["name"] for d in client.list_domains()["domains"]] == ["from-generator"]
    with pytest.raises(StopIteration):
        next(gen)
    assert not mocked(new_probe())


def test_decorated_async_generator(creds):
    @mock_codeartifact
    async def provisioned():
        client = new_probe()
        client.create_domain(domain="from-async-generator")
        yield [d["name"] for d in client.list_domains()["domains"]]

    async def consume() -> list[list[str]]:
        return [item async for item in provisioned()]

    assert asyncio.run(consume()) == [["from-async-generator"]]
    assert not mocked(new_probe())


def test_client_created_without_credentials_before_the_mock_is_mocked():
    # moto: NoCredentialsError, because signing precedes its hook. Here the request is signed with fake
    # credentials while a mock is active, and the client is left as it was.
    from botocore.config import Config

    dead = Config(proxies={"https": "http://127.0.0.1:9"}, retries={"max_attempts": 1}, connect_timeout=2)
    # A fresh session: the default one may hold credentials cached by an earlier test.
    client = boto3.Session().client("codeartifact", region_name="eu-west-1", config=dead)
    with mock_codeartifact():
        for _ in range(2):
            client.list_domains()
        arn = client.create_domain(domain="no-creds")["domain"]["arn"]
        assert arn.startswith("arn:aws:codeartifact:eu-west-1:")  # the region still comes from the signature
    from botocore.exceptions import NoCredentialsError

    with pytest.raises(NoCredentialsError):
        client.list_domains()
    with pytest.raises(NoCredentialsError):
        client.create_domain(domain="no-creds")


def test_requests_to_repository_endpoints_do_not_leave_the_process(creds):
    # In-process, a request to a real repository host is answered by the repository endpoints over the mock's
    # state: the token is checked as on AWS (docs/reach.md).
    import requests

    with mock_codeartifact():
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="my-domain")
        client.create_repository(domain="my-domain", repository="my-repo")
        token = client.get_authorization_token(domain="my-domain")["authorizationToken"]
        for endpoint_type in ("ipv4", "dualstack"):
            url = client.get_repository_endpoint(
                domain="my-domain", repository="my-repo", format="pypi", endpointType=endpoint_type
            )["repositoryEndpoint"]
            response = requests.get(url + "simple/nothing/", auth=("aws", "not-the-token"), timeout=5)
            assert response.status_code == 401 and "Basic" in response.headers["WWW-Authenticate"]
            response = requests.get(url + "simple/nothing/", auth=("aws", token), timeout=5)
            assert response.status_code == 404
