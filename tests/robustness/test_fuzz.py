"""Model-driven fuzzing of every operation, through boto3 in-process and as raw HTTP to a server.

Every answer must be a success whose body fits the operation's output shape, or a modeled error of that
operation with the model's HTTP status: never a 500, a traceback or a hang. An input that breaks a constraint of
the model must be answered with a ValidationException. Every failed call must leave the state exactly as it was
(a full snapshot of the backend is compared before and after).

The operations are the model's: a new operation in botocore is fuzzed without touching this file. Every one of
them has a handler, so the mock's answer for a missing one (ValidationException, reason UNKNOWN_OPERATION) fails.
"""

from __future__ import annotations

import http.client
import json
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.backend_snapshot import diff, snapshot_backend

from . import strategies as s
from .model import (
    AUTHORIZATION,
    OPERATIONS,
    check_parsed_output,
    check_wire_error,
    check_wire_output,
    error_codes,
    error_status,
    operation,
    raw_request,
)
from .world import FUZZ_CONFIG, PLAIN_CONFIG, World, fuzz_settings, is_unknown_operation, record

# Generated inputs for every operation, the largest share of the suite's time: -m 'not slow' leaves them out.
pytestmark = pytest.mark.slow


def _boto3_outcome(case: s.Case, error: ClientError) -> tuple[str, list[str]]:
    response: dict[str, Any] = error.response
    code = response.get("Error", {}).get("Code", "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    problems = []
    if code not in error_codes(case.operation):
        problems.append(f"{code!r} (HTTP {status}) is not a modeled error of {case.operation}")
    elif status != error_status(code):
        problems.append(f"{code} answered with HTTP {status}, the model says {error_status(code)}")
    if status is not None and status >= 500:
        problems.append(f"HTTP {status}: {response.get('Error')}")
    if not response.get("Error", {}).get("Message"):
        problems.append("error without a message")
    return ("UNKNOWN_OPERATION" if is_unknown_operation(error) else code), problems


def _expectation(case: s.Case, outcome: str) -> list[str]:
    if case.must_fail_validation and outcome != "ValidationException":
        return [f"input breaking {case.broken} was answered {outcome}, not ValidationException"]
    return []


@pytest.mark.parametrize("operation_name", OPERATIONS)
def test_boto3_in_process(operation_name: str, codeartifact_mock: Any) -> None:
    """Valid and broken inputs through boto3 (client-side validation off) to the in-process mock."""
    client = boto3.client("codeartifact", region_name=s.REGION, config=FUZZ_CONFIG)
    seeder = boto3.client("codeartifact", region_name=s.REGION, config=PLAIN_CONFIG)
    world = World(codeartifact_mock.backend, codeartifact_mock.reset, seeder)
    method = getattr(client, xform_name(operation_name))
    seen: Counter[str] = Counter()

    @fuzz_settings()
    @given(case=s.cases(operation_name, raw=False))
    def run(case: s.Case) -> None:
        before = world.ensure()
        try:
            response = method(**case.params)
        except ClientError as error:
            outcome, problems = _boto3_outcome(case, error)
            problems += _expectation(case, outcome)
            change = diff(before, snapshot_backend(world.backend))
            if change:
                problems.append(f"the failed call changed the state: {change}")
        else:
            outcome = "ok"
            payload = operation(operation_name).output_shape
            stream_member = payload.serialization.get("payload") if payload is not None else None
            if stream_member and stream_member in response:
                response[stream_member] = response[stream_member].read()
            problems = check_parsed_output(operation_name, response) + _expectation(case, "a success")
            problems += _read_only_check(operation_name, before, world.backend)
        seen[outcome] += 1
        record("boto3 in-process", operation_name, outcome)
        assert not problems, f"{operation_name}({case.params!r}) broken={case.broken}: " + "; ".join(problems)

    run()
    _assert_reached_backend(operation_name, seen)


def _read_only_check(operation_name: str, before: Any, backend: Any) -> list[str]:
    """A GET operation (by the model's HTTP method) reads: even when it succeeds, the state is unchanged."""
    if operation(operation_name).http["method"] != "GET":
        return []
    change = diff(before, snapshot_backend(backend))
    return [f"the read-only (GET) call changed the state: {change}"] if change else []


def _assert_reached_backend(operation_name: str, seen: Counter[str]) -> None:
    """The fuzzer must get past validation: the operation answered something else at least once, and never that
    it has no handler (checked after the run, so a lost handler fails at once instead of being shrunk)."""
    assert not seen["UNKNOWN_OPERATION"], f"{operation_name}: the mock has no handler for it: {seen}"
    deep = sum(n for outcome, n in seen.items() if outcome != "ValidationException")
    assert deep or seen["ValidationException"] < 5, f"{operation_name}: every input stopped at validation: {seen}"


class RawClient:
    """Raw HTTP/1.1 requests to a server, keeping one connection open (reconnecting when the server closes it)."""

    def __init__(self, endpoint_url: str) -> None:
        parts = urlsplit(endpoint_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=20)

    def send(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        for attempt in range(2):
            try:
                self.conn.request(method, target, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=20)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def raw_server(codeartifact_server: ThreadedCodeArtifactServer) -> Any:
    client = RawClient(codeartifact_server.endpoint_url)
    yield codeartifact_server, client
    client.close()


def _wire_check(operation_name: str | None, status: int, headers: dict[str, str], body: bytes) -> tuple[str, list[str]]:
    lower = {k.lower(): v for k, v in headers.items()}
    extra = [] if lower.get("x-amzn-requestid") else ["no x-amzn-RequestId header"]
    outcome, problems = _wire_answer(operation_name, status, headers, body)
    return outcome, extra + problems


def _wire_answer(
    operation_name: str | None, status: int, headers: dict[str, str], body: bytes
) -> tuple[str, list[str]]:
    if status == 200 and operation_name is not None:
        return "ok", check_wire_output(operation_name, headers, body)
    problems = check_wire_error(operation_name, status, headers, body)
    if status >= 500:
        problems.append(f"HTTP {status}: {body[:300]!r}")
    code = {k.lower(): v for k, v in headers.items()}.get("x-amzn-errortype", "?").split(":", 1)[0]
    try:
        reason = json.loads(body).get("reason")
    except (ValueError, AttributeError):
        reason = None
    return ("UNKNOWN_OPERATION" if reason == "UNKNOWN_OPERATION" else code), problems


@pytest.mark.parametrize("operation_name", OPERATIONS)
def test_raw_http_server(operation_name: str, raw_server: Any) -> None:
    """Valid and broken inputs (wrong JSON types too) as raw HTTP requests to a ThreadedCodeArtifactServer."""
    server, raw = raw_server
    seeder = boto3.client("codeartifact", region_name=s.REGION, endpoint_url=server.endpoint_url, config=PLAIN_CONFIG)
    world = World(server.backend, server.reset, seeder)
    seen: Counter[str] = Counter()

    @fuzz_settings()
    @given(case=s.cases(operation_name, raw=True))
    def run(case: s.Case) -> None:
        before = world.ensure()
        method, target, headers, body = raw_request(operation_name, case.params)
        status, out_headers, out_body = raw.send(method, target, headers, body)
        outcome, problems = _wire_check(operation_name, status, out_headers, out_body)
        if outcome != "ok":
            change = diff(before, snapshot_backend(world.backend))
            if change:
                problems.append(f"the failed call changed the state: {change}")
        else:
            problems += _read_only_check(operation_name, before, world.backend)
        problems += _expectation(case, outcome if outcome != "ok" else "a success")
        seen[outcome] += 1
        record("raw HTTP server", operation_name, outcome)
        assert not problems, f"{method} {target} {body[:200]!r} broken={case.broken}: " + "; ".join(problems)

    run()
    _assert_reached_backend(operation_name, seen)


_BODY_OPERATIONS = [
    name
    for name in OPERATIONS
    if operation(name).input_shape is not None
    and operation(name).input_shape.serialization.get("payload") is None
    and any(m.serialization.get("location") is None for m in operation(name).input_shape.members.values())
]


def test_raw_http_garbage(raw_server: Any) -> None:
    """Unparseable bodies, unknown paths and wrong methods: modeled errors, never a 500, state untouched."""
    server, raw = raw_server
    headers = {"Authorization": AUTHORIZATION.format(region=s.REGION), "Content-Type": "application/json"}

    def check(op_name: str | None, method: str, target: str, body: bytes) -> None:
        before = snapshot_backend(server.backend)
        status, out_headers, out_body = raw.send(method, target, headers, body)
        outcome, problems = _wire_check(op_name, status, out_headers, out_body)
        if outcome != "ok" and diff(before, snapshot_backend(server.backend)):
            problems.append("the failed call changed the state")
        record("raw HTTP garbage", op_name or "<no route>", outcome)
        assert not problems, f"{method} {target} {body[:100]!r}: " + "; ".join(problems)

    @fuzz_settings(scale=2)
    @given(
        operation_name=st.sampled_from(_BODY_OPERATIONS),
        body=st.one_of(
            st.binary(max_size=64),
            st.sampled_from(
                [b"{", b"[]", b"null", b"1", b'"x"', b"\xff\xfe", b'{"a":', b'{"domain": {}}', b'{"domain": 1}']
            ),
            st.text(max_size=40).map(str.encode),
        ),
    )
    def bodies(operation_name: str, body: bytes) -> None:
        op = operation(operation_name)
        check(operation_name, op.http["method"], op.http["requestUri"] + "?domain=fuzz-domain", body)

    segment = st.text("abcdefghijklmnopqrstuvwxyz-/%.", max_size=20)

    @fuzz_settings(scale=2)
    @given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]), path=segment, query=segment)
    def routes(method: str, path: str, query: str) -> None:
        target = "/v1/" + path + ("?" + query if query else "")
        op_name = next(
            (
                n
                for n in OPERATIONS
                if operation(n).http["method"] == method
                and operation(n).http["requestUri"] == "/v1/" + path.rstrip("/")
            ),
            None,
        )
        check(op_name, method, target, b"")

    bodies()
    routes()
