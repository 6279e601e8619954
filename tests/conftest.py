"""One suite, two modes: every test that takes ``client`` runs in-process and against a real server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.tools import need

ClientFactory = Callable[..., Any]


@pytest.fixture(scope="session")
def shared_server() -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0, fake_environment=False) as server:  # session-long: no fake env
        yield server


@pytest.fixture
def server(shared_server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch) -> ThreadedCodeArtifactServer:
    """The session's server, reset, called with test credentials and the default account (a module may define its
    own ``server``)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    shared_server.reset()
    return shared_server


@pytest.fixture
def identity_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test credentials, and none of the variables that choose the account or turn authorization off."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for var in ("MOCK_CODEARTIFACT_ACCOUNT_ID", "MOTO_ACCOUNT_ID", "MOCK_CODEARTIFACT_AUTHORIZATION"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(params=["inprocess", "server"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_client(mode: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[ClientFactory]:
    """``make_client(region="us-east-1")`` -> a boto3 CodeArtifact client in the current mode, fresh state."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    if mode == "inprocess":
        with mock_codeartifact():
            yield lambda region="us-east-1": boto3.client("codeartifact", region_name=region)
    else:
        server: ThreadedCodeArtifactServer = request.getfixturevalue("shared_server")
        server.reset()
        yield lambda region="us-east-1": boto3.client(
            "codeartifact", region_name=region, endpoint_url=server.endpoint_url
        )


@pytest.fixture
def client(make_client: ClientFactory) -> Any:
    return make_client()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.clients("npm", ...)`` and ``@pytest.mark.browser(...)`` skip the test unless each named tool
    runs (``tool --version``); the markers also let ``-m "not clients"`` leave those tests out."""
    for name in ("clients", "browser"):
        for mark in item.iter_markers(name):
            if mark.args:
                need(*mark.args)
