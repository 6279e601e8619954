"""The caller's account, from every source: ``MOCK_CODEARTIFACT_ACCOUNT_ID``, ``MOTO_ACCOUNT_ID``, an argument.

A malformed account id is refused naming where it came from -- at ``start()`` and at the server's start, on each
request (a ``ValidationException`` whose message names it; nothing changes), and by seeding's arguments -- and
seeding resolves the account exactly as the API does.
"""

from __future__ import annotations

import os
import subprocess
import sys

import boto3
import pytest
import requests

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.seeding import add_package_version
from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.control_plane import raises

ACCOUNT_HEADER = "x-mock-codeartifact-account-id"

MOTO = "111111111111"
MINE = "222222222222"
BAD = ["acct-1", "12345678901", "1234567890123", "12345678901a", "１２３４５６７８９０１２"]
SOURCES = ["MOCK_CODEARTIFACT_ACCOUNT_ID", "MOTO_ACCOUNT_ID"]


@pytest.fixture(autouse=True)
def no_account(monkeypatch):
    for var in SOURCES:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("var", SOURCES)
@pytest.mark.parametrize("value", BAD)
def test_a_malformed_account_in_the_environment_is_refused_at_start(monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(ValueError, match=f"environment variable {var} is .*12 digits"):
        with mock_codeartifact():
            pass
    # Nothing was started: the next mock starts clean, and stopping is the only way out of it.
    monkeypatch.delenv(var)
    with mock_codeartifact() as m:
        assert m.started


@pytest.mark.parametrize("var", SOURCES)
def test_a_malformed_account_set_during_a_test_is_a_validation_error_naming_it(make_client, monkeypatch, var):
    client = make_client()
    client.create_domain(domain="before")
    monkeypatch.setenv(var, "acct-1")
    with raises("ValidationException", 400, message=f"environment variable {var} is 'acct-1'"):
        client.create_domain(domain="during")
    monkeypatch.delenv(var)
    assert [d["name"] for d in client.list_domains()["domains"]] == ["before"]


def test_moto_account_id_is_used_when_the_mock_s_own_variable_is_unset(make_client, monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", MOTO)
    client = make_client()
    assert client.create_domain(domain="dom")["domain"]["owner"] == MOTO
    # The library's own variable comes first, and a malformed MOTO_ACCOUNT_ID behind it is never read.
    monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", MINE)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "not-an-account")
    assert client.create_domain(domain="dom")["domain"]["owner"] == MINE


def test_seeding_resolves_moto_account_id_as_the_api_does(monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", MOTO)
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="dom")
        client.create_repository(domain="dom", repository="repo")
        seeded = add_package_version(
            m, domain="dom", repository="repo", format="npm", package="left-pad", version="1.0.0"
        )
        assert seeded["version"] == "1.0.0"
        listed = client.list_package_versions(domain="dom", repository="repo", format="npm", package="left-pad")
        assert [v["version"] for v in listed["versions"]] == ["1.0.0"]


@pytest.mark.parametrize("argument", ["account", "domain_owner"])
@pytest.mark.parametrize("value", ["acct-1", "1234"])
def test_seeding_refuses_a_malformed_account_argument_naming_it(argument, value):
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="dom")
        client.create_repository(domain="dom", repository="repo")
        with pytest.raises(ValueError, match=rf"add_package_version\({argument}=\.\.\.\) is '{value}'"):
            add_package_version(
                m, domain="dom", repository="repo", format="npm", package="p", version="1.0.0", **{argument: value}
            )
        assert client.list_packages(domain="dom", repository="repo")["packages"] == []


@pytest.mark.parametrize("var", SOURCES)
def test_seeding_refuses_a_malformed_account_in_the_environment(monkeypatch, var):
    with mock_codeartifact() as m:
        monkeypatch.setenv(var, "acct-1")
        with pytest.raises(ValueError, match=f"environment variable {var}"):
            add_package_version(m, domain="dom", repository="repo", format="npm", package="p", version="1.0.0")


def test_the_server_refuses_to_start_with_a_malformed_account(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MOTO_ACCOUNT_ID": "acct-1"}
    env.update({k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "VIRTUAL_ENV")})
    done = subprocess.run(
        [sys.executable, "-m", "mock_codeartifact", "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "MOTO_ACCOUNT_ID is 'acct-1'" in done.stderr and "12 digits" in done.stderr
    assert "Traceback" not in done.stderr


def test_sts_on_the_server_refuses_a_malformed_account_header():
    with ThreadedCodeArtifactServer() as server:
        form = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}
        good = requests.post(server.endpoint_url + "/", data=form, headers={ACCOUNT_HEADER: MINE}, timeout=10)
        assert good.status_code == 200 and f"<Account>{MINE}</Account>" in good.text
        bad = requests.post(server.endpoint_url + "/", data=form, headers={ACCOUNT_HEADER: "acct-1"}, timeout=10)
        assert bad.status_code == 400
        assert "<Code>ValidationError</Code>" in bad.text and ACCOUNT_HEADER in bad.text
