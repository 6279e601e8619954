"""No trace after stop, in either test order: tests that use the mock (or a server, or the fixtures) and tests
that expect an unconfigured machine pass in both orders. They run in a pytester subprocess twice: every user
first, then every user last."""

from __future__ import annotations

import importlib.util

import pytest

pytest_plugins = ["pytester"]

HEADER = '''
import os

import boto3
import pytest
from botocore.exceptions import NoCredentialsError, NoRegionError

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.server import ThreadedCodeArtifactServer


@pytest.fixture(autouse=True)
def unconfigured(monkeypatch, tmp_path):
    """A machine with no AWS configuration at all."""
    for var in list(os.environ):
        if var.startswith("AWS_") or var.startswith("MOCK_CODEARTIFACT"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def assert_unconfigured():
    """What a test on an unconfigured machine sees, whatever ran before it."""
    assert not [var for var in os.environ if var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")]
    with pytest.raises(NoRegionError):
        boto3.client("codeartifact")
    client = boto3.client("codeartifact", region_name="us-east-1")
    with pytest.raises(NoCredentialsError):
        client.list_domains()
    assert boto3.DEFAULT_SESSION.get_credentials() is None
'''

PAIRS = {
    "in-process mock, no default session before": (
        """
def test_uses_the_mock():
    before = boto3.DEFAULT_SESSION  # None when it runs first
    with mock_codeartifact():
        boto3.client("codeartifact").create_domain(domain="my-domain")
        assert boto3.DEFAULT_SESSION.get_credentials().access_key == "testing"
    assert boto3.DEFAULT_SESSION is before
""",
        """
def test_expects_nothing_configured():
    assert_unconfigured()
""",
    ),
    "in-process mock, default session made before": (
        """
def test_uses_the_mock_with_a_default_session():
    boto3.setup_default_session()
    session = boto3.DEFAULT_SESSION
    with mock_codeartifact():
        boto3.client("codeartifact").create_domain(domain="my-domain")
        assert boto3.DEFAULT_SESSION is session
    assert boto3.DEFAULT_SESSION is session
    assert session.get_credentials() is None
""",
        """
def test_expects_nothing_configured_with_a_default_session():
    boto3.setup_default_session()
    assert_unconfigured()
""",
    ),
    "decorator on an async test": (
        """
@pytest.mark.asyncio
@mock_codeartifact
async def test_async_mock():
    import aiobotocore.session

    boto3.client("codeartifact").create_domain(domain="sync")
    async with aiobotocore.session.get_session().create_client("codeartifact") as client:
        assert len((await client.list_domains())["domains"]) == 1
""",
        """
def test_expects_nothing_configured_after_async():
    assert_unconfigured()
""",
    ),
    "server": (
        """
def test_uses_a_server():
    with ThreadedCodeArtifactServer() as server:
        server.client().create_domain(domain="my-domain")
        assert boto3.client("codeartifact", endpoint_url=server.endpoint_url).list_domains()["domains"]
""",
        """
def test_expects_nothing_configured_after_a_server():
    assert_unconfigured()
""",
    ),
    "fixtures": (
        """
def test_uses_the_fixtures(codeartifact_client, codeartifact_server):
    codeartifact_client.create_domain(domain="my-domain")
    codeartifact_server.client().create_domain(domain="my-domain")
    boto3.client("codeartifact").list_domains()
""",
        """
def test_expects_nothing_configured_after_fixtures():
    assert_unconfigured()
""",
    ),
}

if importlib.util.find_spec("aiobotocore") is None:  # .ci/versions runs the core of the suite without aiobotocore
    del PAIRS["decorator on an async test"]


@pytest.mark.slow
@pytest.mark.parametrize("users_first", [True, False], ids=["users-first", "users-last"])
def test_both_orders(pytester, users_first):
    users = "".join(user for user, _ in PAIRS.values())
    expecters = "".join(expecter for _, expecter in PAIRS.values())
    body = users + expecters if users_first else expecters + users
    pytester.makepyfile(test_pairs=HEADER + body)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=2 * len(PAIRS))
