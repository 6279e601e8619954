"""One state through both doors: ``m.server()`` serves the in-process mock's own backend over HTTP (the API and the
repository endpoints), while the ``codeartifact_server`` fixture keeps a state of its own."""

from __future__ import annotations

import boto3
import pytest
import requests

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.seeding import add_package_version


@pytest.fixture(autouse=True)
def creds(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)


def _names(client):
    return sorted(d["name"] for d in client.list_domains()["domains"])


def test_in_process_and_server_drive_one_state():
    with mock_codeartifact() as m, m.server() as server:
        local = boto3.client("codeartifact", region_name="us-east-1")
        remote = server.client(region_name="us-east-1")
        assert server.endpoint_url.startswith("http://127.0.0.1:")
        local.create_domain(domain="made-in-process")
        remote.create_domain(domain="made-over-http")
        assert _names(local) == _names(remote) == ["made-in-process", "made-over-http"]
        remote.create_repository(domain="made-in-process", repository="repo")
        assert local.describe_repository(domain="made-in-process", repository="repo")["repository"]["name"] == "repo"
        m.reset()  # one reset for both
        assert _names(remote) == []


def test_the_repository_endpoints_serve_what_was_made_in_process():
    with mock_codeartifact() as m:
        local = boto3.client("codeartifact", region_name="us-east-1")
        local.create_domain(domain="dom")
        local.create_repository(domain="dom", repository="py")
        add_package_version(
            m,
            domain="dom",
            repository="py",
            format="pypi",
            package="tiny",
            version="1.0",
            assets={"tiny-1.0.tar.gz": b"not really a tarball"},
        )
        token = local.get_authorization_token(domain="dom")["authorizationToken"]  # made in-process
        with m.server() as server:
            endpoint = server.client(region_name="us-east-1").get_repository_endpoint(
                domain="dom", repository="py", format="pypi"
            )["repositoryEndpoint"]
            assert endpoint.startswith(server.endpoint_url)
            page = requests.get(endpoint + "simple/tiny/", auth=("aws", token), timeout=10)
            assert page.status_code == 200 and "tiny-1.0.tar.gz" in page.text
            assert requests.get(endpoint + "simple/tiny/", auth=("aws", "wrong"), timeout=10).status_code == 401
        # The server is gone; the state stays the mock's.
        assert local.list_packages(domain="dom", repository="py")["packages"][0]["package"] == "tiny"


def test_a_server_started_without_with_is_stopped_by_hand():
    with mock_codeartifact() as m:
        server = m.server()
        try:
            server.client(region_name="us-east-1").create_domain(domain="by-hand")
        finally:
            server.stop()
        assert _names(boto3.client("codeartifact", region_name="us-east-1")) == ["by-hand"]
        with pytest.raises(RuntimeError, match="not running"):
            server.endpoint_url  # noqa: B018 - the property raises once stopped


def test_the_mock_fixture_s_server_shares_the_client_fixture_s_state(codeartifact_mock, codeartifact_client):
    codeartifact_client.create_domain(domain="from-fixture")
    with codeartifact_mock.server() as server:
        assert _names(server.client(region_name=codeartifact_client.meta.region_name)) == ["from-fixture"]


def test_the_server_fixture_keeps_a_state_of_its_own(codeartifact_client, codeartifact_server):
    codeartifact_client.create_domain(domain="in-process-only")
    over_http = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=codeartifact_server.endpoint_url)
    assert _names(over_http) == []
    over_http.create_domain(domain="server-only")
    assert _names(codeartifact_client) == ["in-process-only"]
