"""moto users: a test suite that only uses moto's ``mock_aws`` gets CodeArtifact from this library.

Each scenario is a user's project run in a pytester sandbox (a subprocess, as a user's pytest run: the plugin
comes from the ``pytest11`` entry point), with no AWS credentials configured and no way to reach AWS.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

COMMON = """
import hashlib
import os
import unittest

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws

REGION = "us-east-1"
ACCOUNT = os.environ.get("MOTO_ACCOUNT_ID") or "123456789012"


def ca(**kwargs):
    return boto3.client("codeartifact", region_name=REGION, **kwargs)


def provision(client, domain="my-domain", repository="my-repo", package="my-package"):
    client.create_domain(domain=domain)
    client.create_repository(domain=domain, repository=repository)
    asset = b"hello"
    client.publish_package_version(
        domain=domain, repository=repository, format="generic", namespace="my-ns", package=package,
        packageVersion="1.0.0", assetContent=asset, assetName="hello.txt",
        assetSHA256=hashlib.sha256(asset).hexdigest(),
    )


def listing(client):
    domains = sorted(d["name"] for d in client.list_domains()["domains"])
    repositories = sorted((r["domainName"], r["name"]) for r in client.list_repositories()["repositories"])
    packages = sorted(
        (domain, repository, p["package"])
        for domain, repository in repositories
        for p in client.list_packages(domain=domain, repository=repository)["packages"]
    )
    return domains, repositories, packages


PROVISIONED = (["my-domain"], [("my-domain", "my-repo")], [("my-domain", "my-repo", "my-package")])
EMPTY = ([], [], [])
"""

SUITE = (
    COMMON
    + """

@mock_aws
def test_function_decorator():
    client = ca()
    provision(client)
    assert listing(client) == PROVISIONED
    assert client.describe_domain(domain="my-domain")["domain"]["owner"] == ACCOUNT
    # moto's own services answer beside it.
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="my-bucket")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["my-bucket"]
    iam = boto3.client("iam", region_name=REGION)
    iam.create_user(UserName="alice")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]
    assert boto3.client("sts", region_name=REGION).get_caller_identity()["Account"] == ACCOUNT


def test_context_manager_each_session_starts_empty():
    with mock_aws():
        client = ca()
        provision(client)
        with mock_aws():  # nested: the same session
            assert listing(ca()) == PROVISIONED
        assert listing(client) == PROVISIONED
    with mock_aws():
        assert listing(ca()) == EMPTY
        assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []


@pytest.fixture
def aws():
    with mock_aws():
        yield


def test_fixture_first(aws):
    provision(ca())
    assert listing(ca()) == PROVISIONED


def test_fixture_second_starts_empty(aws):
    assert listing(ca()) == EMPTY
    ca().create_domain(domain="other")
    assert listing(ca())[0] == ["other"]


@mock_aws
class TestDecoratedClass:
    def setup_method(self, method):
        provision(ca())

    def test_sees_what_setup_made(self):
        ca().create_domain(domain="extra")
        assert listing(ca())[0] == ["extra", "my-domain"]

    def test_starts_from_setup_again(self):
        assert listing(ca()) == PROVISIONED


@mock_aws
class TestUnittestCase(unittest.TestCase):
    def setUp(self):
        provision(ca())

    def test_one(self):
        ca().create_domain(domain="extra")
        self.assertEqual(listing(ca())[0], ["extra", "my-domain"])

    def test_two(self):
        self.assertEqual(listing(ca()), PROVISIONED)


@mock_aws
def test_authorization_with_moto_sts():
    owner = ca()
    owner.create_domain(domain="shared")
    role = "arn:aws:iam::222222222222:role/ci"
    creds = boto3.client("sts", region_name=REGION).assume_role(RoleArn=role, RoleSessionName="build")["Credentials"]
    guest = ca(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    with pytest.raises(ClientError) as denied:
        guest.describe_domain(domain="shared", domainOwner=ACCOUNT)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "arn:aws:sts::222222222222:assumed-role/ci/build" in denied.value.response["Error"]["Message"]


@mock_aws
def test_aiobotocore_client():
    import asyncio

    aiobotocore_session = pytest.importorskip("aiobotocore.session")  # not in [test-core] (.ci/versions)
    get_session = aiobotocore_session.get_session

    async def calls():
        async with get_session().create_client("codeartifact", region_name=REGION) as client:
            await client.create_domain(domain="my-domain")
            await client.create_repository(domain="my-domain", repository="my-repo")
            return [r["name"] for r in (await client.list_repositories())["repositories"]]

    assert asyncio.run(calls()) == ["my-repo"]
    assert listing(ca())[1] == [("my-domain", "my-repo")]  # the same state as boto3's


def _requests_answers():
    client = ca()
    provision(client)
    listed = requests.post(f"https://codeartifact.{REGION}.amazonaws.com/v1/domains", json={})
    endpoint = client.get_repository_endpoint(domain="my-domain", repository="my-repo", format="pypi")
    answer = requests.get(endpoint["repositoryEndpoint"] + "simple/")
    return listed.status_code, listed.json()["domains"][0]["name"], answer.status_code, answer.content


def test_requests_are_answered_as_under_mock_codeartifact(monkeypatch):
    from mock_codeartifact import mock_codeartifact

    with mock_aws():
        under_moto = _requests_answers()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_codeartifact():
        explicit = _requests_answers()
    assert under_moto[:2] == (200, "my-domain")
    assert under_moto == explicit
"""
)

SESSION_SUITE = (
    COMMON
    + """

@pytest.fixture(scope="session")
def aws_session():
    with mock_aws():
        yield


def test_session_first(aws_session):
    provision(ca())


def test_session_second_sees_it(aws_session):
    assert listing(ca()) == PROVISIONED


@mock_aws
def test_nested_decorator_in_the_session(aws_session):
    assert listing(ca()) == PROVISIONED
"""
)

NOT_MOTO = (
    COMMON
    + """
from botocore.config import Config
from botocore.exceptions import NoCredentialsError, ProxyConnectionError

# A proxy nobody listens on: a request that is not intercepted fails here, without leaving the machine.
NOWHERE = Config(proxies={"https": "http://127.0.0.1:9"}, retries={"max_attempts": 1}, connect_timeout=2)


def not_intercepted():
    with pytest.raises(NoCredentialsError):
        ca().list_domains()
    with pytest.raises(ProxyConnectionError):
        ca(config=NOWHERE, aws_access_key_id="AKIDREAL", aws_secret_access_key="real").list_domains()


def test_outside_mock_aws_before():
    not_intercepted()


@mock_aws
def test_inside():
    assert listing(ca(config=NOWHERE)) == EMPTY


def test_outside_mock_aws_after():
    not_intercepted()


def test_explicit_mock_inside_mock_aws_starts_fresh_as_today():
    from mock_codeartifact import mock_codeartifact

    with mock_aws():
        ca().create_domain(domain="under-moto")
        with mock_codeartifact():
            assert listing(ca()) == EMPTY
            provision(ca())
            assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []
        assert listing(ca()) == PROVISIONED
    not_intercepted()


def test_explicit_mock_around_mock_aws_keeps_its_state_as_today(monkeypatch):
    from mock_codeartifact import mock_codeartifact

    with mock_codeartifact():
        provision(ca())
        with mock_aws():
            assert listing(ca()) == PROVISIONED
            boto3.client("s3", region_name=REGION).create_bucket(Bucket="my-bucket")
        assert listing(ca()) == PROVISIONED
    not_intercepted()
"""
)

OPTED_OUT = (
    COMMON
    + """
from botocore.config import Config

NOWHERE = Config(proxies={"https": "http://127.0.0.1:9"}, retries={"max_attempts": 1}, connect_timeout=2)


@mock_aws
def test_codeartifact_is_moto_s_404():
    # moto's own answer, so the request reached moto's hook and not the network (the proxy would refuse it).
    with pytest.raises(ClientError) as answer:
        ca(config=NOWHERE).list_domains()
    assert answer.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "Not yet implemented" in str(answer.value)
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="my-bucket")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["my-bucket"]


def test_explicit_mock_still_works():
    from mock_codeartifact import mock_codeartifact

    with mock_aws(), mock_codeartifact():
        provision(ca())
        assert listing(ca()) == PROVISIONED
"""
)


@pytest.fixture
def no_aws(monkeypatch, tmp_path):
    """No credentials, no shared files, no instance metadata: nothing a request could use to reach AWS."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "MOTO_", "MOCK_CODEARTIFACT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def _run(pytester, *args):
    return pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:randomly", *args)


def test_mock_aws_alone_serves_codeartifact(pytester, no_aws):
    pytester.makepyfile(test_a_suite=SUITE, test_z_session=SESSION_SUITE)
    result = _run(pytester)
    if importlib.util.find_spec("aiobotocore") is None:  # the core steps of .ci/versions have no aiobotocore
        result.assert_outcomes(passed=13, skipped=1)
    else:
        result.assert_outcomes(passed=14)


def test_moto_account_id_is_the_account(pytester, no_aws, monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "444455556666")
    # moto imported by a conftest: already loaded when the plugin is configured.
    pytester.makeconftest("import moto  # noqa: F401\n")
    pytester.makepyfile(test_suite=SUITE)
    result = _run(pytester, "-k", "function_decorator or authorization")
    result.assert_outcomes(passed=2, deselected=9)


def test_outside_mock_aws_nothing_is_intercepted(pytester, no_aws):
    pytester.makepyfile(test_not_moto=NOT_MOTO)
    result = _run(pytester)
    result.assert_outcomes(passed=5)


def test_opt_out_with_the_ini_option(pytester, no_aws):
    pytester.makeini("[pytest]\ncodeartifact_mock_aws = false\n")
    pytester.makepyfile(test_opted_out=OPTED_OUT)
    result = _run(pytester)
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("value", ["0", "false"])
def test_opt_out_with_the_environment(pytester, no_aws, monkeypatch, value):
    monkeypatch.setenv("MOCK_CODEARTIFACT_MOCK_AWS", value)
    pytester.makepyfile(test_opted_out=OPTED_OUT)
    result = _run(pytester)
    result.assert_outcomes(passed=2)


def test_the_example_of_docs_moto_md(pytester, no_aws):
    docs = Path(__file__).resolve().parents[1] / "docs" / "moto.md"
    example = re.search(r"```python\n(.*?)```", docs.read_text(encoding="utf-8"), flags=re.S)
    assert example is not None
    pytester.makepyfile(test_example=example.group(1))
    result = _run(pytester)
    result.assert_outcomes(passed=1)


def test_the_plugin_does_not_import_moto(pytester, no_aws):
    pytester.makepyfile(
        test_plain="import sys\n\n\ndef test_plain():\n    assert 'moto' not in sys.modules\n",
    )
    result = _run(pytester)
    result.assert_outcomes(passed=1)


LAZY = """
import sys

import boto3
from moto import mock_aws

HEAVY = ("mock_codeartifact.inprocess.activation", "mock_codeartifact.backend", "mock_codeartifact.wire.codec")


def test_nothing_loads_until_a_codeartifact_request():
    assert not [name for name in HEAVY if name in sys.modules]
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="my-bucket")
        assert not [name for name in HEAVY if name in sys.modules]
        assert boto3.client("codeartifact", region_name="us-east-1").list_domains()["domains"] == []
        assert all(name in sys.modules for name in HEAVY)
"""


def test_mock_aws_loads_nothing_until_a_codeartifact_request(pytester, no_aws):
    # The plugin module loads nothing of the mock (docs/pytest-plugin.md, "Cost"), so what loads it is observable.
    pytester.makepyfile(test_lazy=LAZY)
    result = _run(pytester)
    result.assert_outcomes(passed=1)


SCRIPT = """
import boto3
from botocore.exceptions import ClientError
{enable}
from moto import mock_aws

with mock_aws():
    client = boto3.client("codeartifact", region_name="us-east-1")
    try:
        client.create_domain(domain="my-domain")
        print("answered", [d["name"] for d in client.list_domains()["domains"]])
    except ClientError as error:
        print("moto", error.response["ResponseMetadata"]["HTTPStatusCode"])
"""


@pytest.mark.parametrize(
    ("enable", "expected"),
    [
        (
            "import mock_codeartifact.moto_integration\nmock_codeartifact.moto_integration.enable()",
            "answered ['my-domain']",
        ),
        ("import mock_codeartifact.for_moto", "answered ['my-domain']"),
        ("", "moto 404"),
    ],
    ids=["enable-call", "import", "not-enabled"],
)
def test_outside_pytest_one_call_turns_it_on(no_aws, tmp_path, enable, expected):
    script = tmp_path / "script.py"
    script.write_text(SCRIPT.format(enable=enable), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


def test_outside_pytest_enabled_after_moto_was_imported(no_aws, tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(SCRIPT.format(enable="")).replace(
            "from moto import mock_aws\n",
            "from moto import mock_aws\nfrom mock_codeartifact import moto_integration\nmoto_integration.enable()\n",
        ),
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "answered ['my-domain']"
