"""One mock, two modes: the same input gets the same answer in-process and from the server.

Each generated input (valid or broken) is sent through boto3 to the in-process mock and to a
``ThreadedCodeArtifactServer``, both at the same seeded state. The answers must agree: success or the same error
code, reason and message; for successes the same members and values, except values that are random by nature
(revisions, tokens, timestamps, request ids) and the server's own endpoint URL.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import given

from mock_codeartifact.server import ThreadedCodeArtifactServer

from . import strategies as s
from .model import OPERATIONS, operation
from .world import FUZZ_CONFIG, PLAIN_CONFIG, World, fuzz_settings, record

# Generated inputs for every operation, the largest share of the suite's time: -m 'not slow' leaves them out.
pytestmark = pytest.mark.slow

# Members whose values differ between two runs of the same call by design.
VOLATILE = {
    "revision",
    "versionRevision",
    "policyRevision",
    "authorizationToken",
    "expiration",
    "createdTime",
    "publishedTime",
    "RequestId",
    "HTTPHeaders",
    "RetryAttempts",
    "nextToken",
    "encryptionKey",  # a generated AWS-managed key ARN when none is given
}


def _normal(value: Any, endpoint: str | None) -> Any:
    if isinstance(value, dict):
        return {
            k: "<volatile>"
            if k in VOLATILE or k.endswith("Revision")
            else _endpoint(v)
            if k == "repositoryEndpoint"
            else _normal(v, endpoint)
            for k, v in value.items()
            if k != "ResponseMetadata"
        }
    if isinstance(value, list):
        return [_normal(v, endpoint) for v in value]
    if isinstance(value, dt.datetime):
        return "<time>"
    if isinstance(value, str):
        return _REVISION.sub("<revision>", value)
    return value


# Revisions are random 32-byte base64 strings; messages may quote them ("current revision: ...").
_REVISION = re.compile(r"[A-Za-z0-9+/]{43}=")


def _endpoint(url: str) -> str:
    """Repository endpoints differ by design (AWS host in-process, the server's own URL); the tail must agree."""
    return "/".join(url.rstrip("/").split("/")[-2:])


def _answer(method: Any, params: dict[str, Any], endpoint: str | None) -> tuple[str, Any]:
    try:
        response = method(**params)
    except ClientError as error:
        r: dict[str, Any] = error.response
        return "error", (
            r["Error"]["Code"],
            r.get("reason"),
            _REVISION.sub("<revision>", r["Error"]["Message"]),
            r["ResponseMetadata"]["HTTPStatusCode"],
        )
    payload = operation_payload(method)
    if payload and payload in response:
        response[payload] = response[payload].read()
    return "ok", _normal(response, endpoint)


def operation_payload(method: Any) -> str | None:
    shape = operation(method.__self__.meta.method_to_api_mapping[method.__name__]).output_shape
    return shape.serialization.get("payload") if shape is not None else None


@pytest.fixture
def two_worlds(codeartifact_mock: Any, codeartifact_server: ThreadedCodeArtifactServer) -> Any:
    url = codeartifact_server.endpoint_url
    local = World(
        codeartifact_mock.backend,
        codeartifact_mock.reset,
        boto3.client("codeartifact", region_name=s.REGION, config=PLAIN_CONFIG),
    )
    remote = World(
        codeartifact_server.backend,
        codeartifact_server.reset,
        boto3.client("codeartifact", region_name=s.REGION, endpoint_url=url, config=PLAIN_CONFIG),
    )
    clients = (
        boto3.client("codeartifact", region_name=s.REGION, config=FUZZ_CONFIG),
        boto3.client("codeartifact", region_name=s.REGION, endpoint_url=url, config=FUZZ_CONFIG),
    )
    return local, remote, clients, url


@pytest.mark.parametrize("operation_name", OPERATIONS)
def test_in_process_and_server_agree(operation_name: str, two_worlds: Any) -> None:
    local, remote, (local_client, remote_client), url = two_worlds
    name = xform_name(operation_name)

    @fuzz_settings(scale=0.4)
    @given(case=s.cases(operation_name, raw=False))
    def run(case: s.Case) -> None:
        # Both at the seed (each re-seeds only after a call changed it, as in the fuzzer)
        local.ensure()
        remote.ensure()
        a = _answer(getattr(local_client, name), dict(case.params), None)
        b = _answer(getattr(remote_client, name), dict(case.params), url)
        record("differential", operation_name, a[0] if a[0] == "ok" else a[1][0])
        assert a == b, f"{operation_name}({case.params!r}):\n in-process: {a}\n server:     {b}"

    run()
