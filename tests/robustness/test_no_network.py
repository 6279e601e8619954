"""In-process mode: nothing leaves the process.

While these tests run, every socket connection to anything but loopback and every DNS lookup of a
non-loopback name is refused and recorded. Every operation of the model is then called through boto3 (several
regions, FIPS and dual-stack endpoints, a custom endpoint URL, a client created before the mock started) and
through ``requests``; no attempt may be recorded. The guard is shown to work: outside the mock, the same boto3
call is caught trying to reach AWS.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from mock_codeartifact import mock_codeartifact

from .model import OPERATIONS
from .strategies import example_input
from .world import seed

NO_RETRY = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=5)


def _is_loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return False
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class NetworkGuard:
    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, what: str) -> None:
        self.attempts.append(what)
        raise OSError(f"network access blocked by the robustness suite: {what}")


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    g = NetworkGuard()
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            g.refuse(f"connect {address!r}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            g.refuse(f"connect_ex {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(host if isinstance(host, str) else host.decode()):
            g.refuse(f"getaddrinfo {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    yield g


def test_the_guard_catches_an_unmocked_call(guard: NetworkGuard) -> None:
    """Without the mock, boto3 reaches for AWS: the guard sees it (so an empty record below means something)."""
    client = boto3.client("codeartifact", region_name="us-east-1", config=NO_RETRY)
    with pytest.raises(EndpointConnectionError):
        client.list_domains()
    assert any("codeartifact.us-east-1.amazonaws.com" in a for a in guard.attempts), guard.attempts


def _call_every_operation(client: Any) -> int:
    answered = 0
    for name in OPERATIONS:
        try:
            getattr(client, xform_name(name))(**example_input(name))
        except ClientError as error:
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] < 500, error.response
        answered += 1
    return answered


@pytest.mark.parametrize(
    "region, config",
    [
        ("us-east-1", NO_RETRY),
        ("eu-central-1", NO_RETRY),
        ("ap-southeast-2", NO_RETRY),
        ("us-west-2", NO_RETRY.merge(Config(use_fips_endpoint=True))),
        ("us-east-2", NO_RETRY.merge(Config(use_dualstack_endpoint=True))),
    ],
)
def test_every_operation_stays_in_process(guard: NetworkGuard, region: str, config: Config) -> None:
    with mock_codeartifact():
        client = boto3.client("codeartifact", region_name=region, config=config)
        seed_client = boto3.client("codeartifact", region_name=region, config=config)
        if region == "us-east-1":
            seed(seed_client)
        assert _call_every_operation(client) == len(OPERATIONS)
    assert guard.attempts == []


def test_custom_endpoint_url_and_client_from_before_the_mock(guard: NetworkGuard) -> None:
    early = boto3.client("codeartifact", region_name="us-east-1", config=NO_RETRY)
    vpce = boto3.client(
        "codeartifact",
        region_name="us-east-1",
        endpoint_url="https://vpce-0123-abcd.api.codeartifact.us-east-1.vpce.amazonaws.com",
        config=NO_RETRY,
    )
    session_client = boto3.session.Session().client("codeartifact", region_name="eu-west-1", config=NO_RETRY)
    with mock_codeartifact():
        early.create_domain(domain="early")
        assert [d["name"] for d in vpce.list_domains()["domains"]] == ["early"]
        session_client.create_domain(domain="other-region")
    assert guard.attempts == []


def test_requests_to_codeartifact_hosts_stay_in_process(guard: NetworkGuard) -> None:
    requests = pytest.importorskip("requests")
    with mock_codeartifact():
        boto3.client("codeartifact", region_name="us-east-1").create_domain(domain="via-requests")
        answer = requests.post(
            "https://codeartifact.us-east-1.amazonaws.com/v1/domains",
            headers={
                "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/codeartifact/aws4_request"
            },
            json={},
            timeout=5,
        )
        assert answer.status_code == 200
        assert [d["name"] for d in answer.json()["domains"]] == ["via-requests"]
    assert guard.attempts == []
