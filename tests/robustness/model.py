"""What the robustness suites know about the service, all of it read from botocore's model at import.

* ``OPERATIONS``: every operation of the model (no hand-written list: a new operation is fuzzed automatically).
* ``check_wire_output`` / ``check_parsed_output``: does an answer fit the operation's output shape?
* ``error_status``: the HTTP status the model gives each error shape.
* ``raw_request``: serialize an input dict the way the REST-JSON protocol does, but without botocore's
  client-side checks, so wrong JSON types and broken values reach the server as they are.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any
from urllib.parse import quote

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

MODEL: ServiceModel = botocore.session.get_session().get_service_model("codeartifact")
OPERATIONS: list[str] = sorted(MODEL.operation_names)

# Deliberate deviations of the mock's answers from the model's enums, each documented in the README's table of
# choices: every real capture shows "AVAILABLE" for an external connection's status, the model says "Available".
# The model's ResourceType enum has no value for package groups; the mock answers "package-group" in errors about
# them (undocumented; botocore passes unknown enum values through).
KNOWN_ENUM_DEVIATIONS: frozenset[tuple[str, str]] = frozenset(
    {("ExternalConnectionStatus", "AVAILABLE"), ("ResourceType", "package-group")}
)


def operation(name: str) -> OperationModel:
    return MODEL.operation_model(name)


def error_status(code: str) -> int:
    return int(MODEL.shape_for(code).metadata.get("error", {}).get("httpStatusCode", 400))


def error_codes(op_name: str) -> frozenset[str]:
    return frozenset(s.name for s in operation(op_name).error_shapes)


# --------------------------------------------------------------------------- output validation

_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
}


def _check(shape: Shape, value: Any, path: str, problems: list[str], wire: bool) -> None:
    kind = shape.type_name
    if value is None:
        problems.append(f"{path}: null")
        return
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: {type(value).__name__} instead of an object ({shape.name})")
            return
        names = {m.serialization.get("name", n) if wire else n: n for n, m in shape.members.items()}
        for key, item in value.items():
            member = names.get(key)
            if member is None:
                problems.append(f"{path}.{key}: not a member of {shape.name}")
                continue
            _check(shape.members[member], item, f"{path}.{key}", problems, wire)
        for required in shape.required_members:
            if required not in value:
                problems.append(f"{path}.{required}: required member missing")
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: {type(value).__name__} instead of a list")
            return
        for i, item in enumerate(value):
            _check(shape.member, item, f"{path}[{i}]", problems, wire)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: {type(value).__name__} instead of a map")
            return
        for k, item in value.items():
            _check(shape.key, k, f"{path}<key>", problems, wire)
            _check(shape.value, item, f"{path}[{k!r}]", problems, wire)
    elif kind == "timestamp":
        ok = (
            (isinstance(value, int | float) and not isinstance(value, bool)) if wire else isinstance(value, dt.datetime)
        )
        if not ok:
            problems.append(f"{path}: {value!r} is not a timestamp")
    elif kind == "blob":
        if wire:
            try:
                base64.b64decode(value, validate=True)
            except Exception:
                problems.append(f"{path}: not base64")
        elif not isinstance(value, bytes):
            problems.append(f"{path}: {type(value).__name__} instead of bytes")
    else:
        types = _SCALARS.get(kind, (object,))
        if not isinstance(value, types) or (kind in ("integer", "long") and isinstance(value, bool)):
            problems.append(f"{path}: {value!r} is not a {kind}")
            return
        enum = getattr(shape, "enum", None)
        if kind == "string" and enum and value not in enum and (shape.name, value) not in KNOWN_ENUM_DEVIATIONS:
            problems.append(f"{path}: {value!r} is not in the enum {shape.name}")


def check_wire_output(op_name: str, headers: dict[str, str], body: bytes) -> list[str]:
    """Problems with a 200 answer as sent on the wire (headers + body) for ``op_name``; empty if it fits."""
    shape = operation(op_name).output_shape
    problems: list[str] = []
    if shape is None or not shape.members:
        if body.strip() not in (b"", b"{}"):
            problems.append(f"unexpected body for an empty output: {body[:200]!r}")
        return problems
    lower = {k.lower(): v for k, v in headers.items()}
    payload = shape.serialization.get("payload")
    body_members = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location == "header":
            raw = lower.get(member.serialization["name"].lower())
            if raw is not None and member.type_name in ("integer", "long"):
                if not re.fullmatch(r"-?\d+", raw):
                    problems.append(f"header {member.serialization['name']}: {raw!r} is not a number")
        elif name != payload:
            body_members[name] = member
    if payload is not None:
        return problems  # a raw (streaming) payload: any bytes fit
    try:
        doc = json.loads(body) if body else {}
    except ValueError:
        return [f"body is not JSON: {body[:200]!r}"]
    _check(shape, doc, op_name + "Result", problems, wire=True)
    return problems


def check_parsed_output(op_name: str, parsed: dict[str, Any]) -> list[str]:
    """Problems with what boto3 parsed from a 200 answer (``ResponseMetadata`` removed)."""
    shape = operation(op_name).output_shape
    problems: list[str] = []
    data = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    if shape is None:
        return [f"unexpected members {sorted(data)}"] if data else []
    payload = shape.serialization.get("payload")
    if payload is not None and payload in data:
        body = data.pop(payload)
        if not hasattr(body, "read") and not isinstance(body, bytes):
            problems.append(f"{payload}: {type(body).__name__} is not a stream")
    _check(shape, data, op_name + "Result", problems, wire=False)
    return problems


def check_wire_error(op_name: str | None, status: int, headers: dict[str, str], body: bytes) -> list[str]:
    """Problems with an error answer: it must be a modeled error of the operation, with the model's status."""
    lower = {k.lower(): v for k, v in headers.items()}
    code = (lower.get("x-amzn-errortype") or "").split(":", 1)[0]
    problems: list[str] = []
    try:
        doc = json.loads(body)
    except ValueError:
        return [f"error body is not JSON: {body[:200]!r}"]
    if not code:
        code = str(doc.get("__type", "")).rsplit("#", 1)[-1]
    allowed = error_codes(op_name) if op_name else {"ValidationException"}
    if code not in allowed:
        return [f"error {code!r} (HTTP {status}) is not a modeled error of {op_name}: {body[:300]!r}"]
    if status != error_status(code):
        problems.append(f"{code} answered with HTTP {status}, the model says {error_status(code)}")
    if not isinstance(doc, dict) or not isinstance(doc.get("message"), str):
        problems.append(f"error body has no message: {body[:200]!r}")
        return problems
    shape = MODEL.shape_for(code)
    fields = {k: v for k, v in doc.items() if k != "__type"}
    _check(shape, fields, code, problems, wire=True)
    return problems


# --------------------------------------------------------------------------- raw serialization

AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=testing/20240101/{region}/codeartifact/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def raw_request(
    op_name: str, params: dict[str, Any], region: str = "us-east-1"
) -> tuple[str, str, dict[str, str], bytes]:
    """(method, target, headers, body) of the REST-JSON request for ``params``, values sent exactly as given."""
    op = operation(op_name)
    shape = op.input_shape
    path, _, fixed_query = op.http["requestUri"].partition("?")
    query: list[str] = [fixed_query] if fixed_query else []
    headers = {
        "Authorization": AUTHORIZATION.format(region=region),
        "X-Amz-Date": "20240101T000000Z",
        "Content-Type": "application/json",
    }
    body_doc: dict[str, Any] = {}
    body = b""
    payload = shape.serialization.get("payload") if shape is not None else None
    for name, value in params.items():
        member = shape.members[name]
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            path = path.replace("{" + wire + "}", quote(_text(value), safe="")).replace(
                "{" + wire + "+}", quote(_text(value), safe="/")
            )
        elif location == "querystring":
            for item in value if isinstance(value, list) else [value]:
                query.append(f"{quote(wire, safe='')}={quote(_text(item), safe='')}")
        elif location == "header":
            headers[wire] = _text(value)
        elif name == payload:
            body = value if isinstance(value, bytes) else _text(value).encode()
            headers["Content-Type"] = "application/octet-stream"
        else:
            body_doc[wire] = _jsonable(value)
    if payload is None and body_doc:
        body = json.dumps(body_doc).encode()
    target = path + ("?" + "&".join(query) if query else "")
    return op.http["method"], target, headers, body
