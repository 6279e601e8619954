"""The REST-JSON wire codec, derived once from botocore's ``codeartifact`` service model.

It knows HTTP and the model, nothing about CodeArtifact's rules: it routes a request to an operation by method
and ``requestUri``, decodes every input member from its location, enforces the model's constraints, and encodes
a result dict (or a modeled error) into the response AWS would send.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel

from ..errors import CodeArtifactError, ValidationException
from . import aws_error
from .http import HttpRequest, HttpResponse
from .validate import Check, TypeMismatch, input_check, summarize


def load_service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("codeartifact")


@dataclass(frozen=True, slots=True)
class QueryMember:
    name: str
    kind: str  # shape type name
    is_list: bool


@dataclass(slots=True)
class OperationSpec:
    """Everything the codec needs about one operation, computed at import."""

    name: str
    method: str
    path: str
    query: dict[str, QueryMember]  # wire name -> member
    headers: dict[str, str]  # lower-case header name -> member name
    body_members: frozenset[str]
    payload: str | None  # member bound to the raw body (a blob)
    py_names: dict[str, str]  # member name -> keyword argument name
    check: Check
    encode: Callable[[dict[str, Any]], HttpResponse]
    error_codes: frozenset[str]


# --------------------------------------------------------------------------- encoding helpers


def _epoch(value: object) -> float:
    """A timestamp as REST-JSON sends it: epoch seconds with milliseconds (naive datetimes are UTC)."""
    if isinstance(value, _dt.datetime):
        # The same stored times are answered again and again; rounding to milliseconds is the costly part.
        seconds = _EPOCHS.get(value)
        if seconds is None:
            aware = value if value.tzinfo is not None else value.replace(tzinfo=_dt.timezone.utc)
            seconds = round(aware.timestamp(), 3)
            if len(_EPOCHS) >= 65536:
                _EPOCHS.clear()
            _EPOCHS[value] = seconds
        return seconds
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_EPOCHS: dict[_dt.datetime, float] = {}


# Built once; timestamps, the only values the backend returns that JSON lacks, go through ``default`` as the C
# encoder meets them (benchmarks/README.md, "The hot path").
_JSON = json.JSONEncoder(separators=(",", ":"), default=_epoch)


def _c_encode() -> Callable[[Any], str] | None:
    """The C encoder behind ``_JSON``, made once: ``JSONEncoder.encode`` makes a new one on every call, a good
    share of encoding a small answer. None where there is no C encoder (or its signature differs): then
    ``_JSON.encode`` serves. Either way the text is the same, which the check below makes sure of."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        iterencode = make(None, _epoch, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True)
        probe: Any = {"a": [1, 2.5, True, None, "é\n"], "t": _dt.datetime(2024, 1, 2, tzinfo=_dt.timezone.utc)}
        if "".join(iterencode(probe, 0)) != _JSON.encode(probe):
            return None
    except Exception:
        return None
    return lambda value: "".join(iterencode(value, 0))


_ENCODE: Callable[[Any], str] = _c_encode() or _JSON.encode


def _json_bytes(value: Any) -> bytes:
    return _ENCODE(value).encode()


_request_id = aws_error.request_id


def _output_encoder(op: OperationModel) -> Callable[[dict[str, Any]], HttpResponse]:
    shape = op.output_shape
    if shape is None or not shape.members:

        def empty(_: dict[str, Any]) -> HttpResponse:
            return HttpResponse(200, {"Content-Type": "application/json", "x-amzn-RequestId": _request_id()}, b"")

        return empty

    headers = {
        n: m.serialization["name"] for n, m in shape.members.items() if m.serialization.get("location") == "header"
    }
    payload = shape.serialization.get("payload")

    if payload is not None:
        # Blob payload: the body is the raw bytes; everything else rides in headers.
        def encode_payload(result: dict[str, Any]) -> HttpResponse:
            out_headers = {"Content-Type": "application/octet-stream", "x-amzn-RequestId": _request_id()}
            for member, header in headers.items():
                v = result.get(member)
                if v is not None:
                    out_headers[header] = str(v)
            data = result.get(payload) or b""
            return HttpResponse(200, out_headers, data if isinstance(data, bytes) else bytes(data))

        return encode_payload

    def encode(result: dict[str, Any]) -> HttpResponse:
        out_headers = {"Content-Type": "application/json", "x-amzn-RequestId": _request_id()}
        if headers:
            result = dict(result)
            for member, header in headers.items():
                v = result.pop(member, None)
                if v is not None:
                    out_headers[header] = str(v)
        return HttpResponse(200, out_headers, _json_bytes(result))

    return encode


# --------------------------------------------------------------------------- the codec


class Codec:
    """Routes, decodes, validates and encodes for every operation of one service model."""

    def __init__(self, model: ServiceModel | None = None) -> None:
        self.model = model or load_service_model()
        cache: dict[str, Check] = {}
        self.operations: dict[str, OperationSpec] = {}
        self.routes: dict[tuple[str, str], OperationSpec] = {}
        for name in self.model.operation_names:
            spec = self._spec(self.model.operation_model(name), cache)
            key = (spec.method, spec.path)
            if key in self.routes:  # pragma: no cover - the model test would catch a new clash
                raise RuntimeError(f"{name} and {self.routes[key].name} share a route")
            self.routes[key] = spec
            self.operations[name] = spec
        self._errors = self._error_table()
        # Query text -> its decoded, validated members, for operations whose whole input is the query string
        # (describe, get, list by query): the same text always decodes to the same values, and tests repeat the
        # same calls. Only immutable values are kept; bounded by clearing when full.
        self._decoded: dict[tuple[str, str], dict[str, Any]] = {}

    # ---- building

    def _spec(self, op: OperationModel, cache: dict[str, Check]) -> OperationSpec:
        shape = op.input_shape
        query: dict[str, QueryMember] = {}
        headers: dict[str, str] = {}
        body: set[str] = set()
        payload = None
        py_names: dict[str, str] = {}
        if shape is not None:
            payload = shape.serialization.get("payload")
            for name, member in shape.members.items():
                py_names[name] = xform_name(name)
                location = member.serialization.get("location")
                if location == "querystring":
                    is_list = member.type_name == "list"
                    kind = member.member.type_name if is_list else member.type_name
                    query[member.serialization["name"]] = QueryMember(name, kind, is_list)
                elif location == "header":
                    headers[member.serialization["name"].lower()] = name
                elif location is None and name != payload:
                    body.add(name)
                elif location is not None:  # pragma: no cover - CodeArtifact binds nothing else
                    raise RuntimeError(f"unsupported location {location} in {op.name}")
        return OperationSpec(
            name=op.name,
            method=op.http["method"],
            path=op.http["requestUri"],
            query=query,
            headers=headers,
            body_members=frozenset(body),
            payload=payload,
            py_names=py_names,
            check=input_check(shape, cache),
            encode=_output_encoder(op),
            error_codes=frozenset(s.name for s in op.error_shapes),
        )

    def _error_table(self) -> dict[str, tuple[int, dict[str, tuple[str, str | None]]]]:
        table: dict[str, tuple[int, dict[str, tuple[str, str | None]]]] = {}
        for spec in self.operations.values():
            for shape in self.model.operation_model(spec.name).error_shapes:
                if shape.name in table:
                    continue
                status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
                members = {
                    xform_name(n): (
                        n,
                        m.serialization.get("name") if m.serialization.get("location") == "header" else None,
                    )
                    for n, m in shape.members.items()
                    if n != "message"
                }
                table[shape.name] = (status, members)
        return table

    # ---- requests

    def route(self, request: HttpRequest) -> OperationSpec:
        spec = self.routes.get((request.method, request.path.rstrip("/") or "/"))
        if spec is None:
            raise ValidationException(
                f"No operation matches {request.method} {request.path}", reason="UNKNOWN_OPERATION"
            )
        return spec

    def decode(self, spec: OperationSpec, request: HttpRequest) -> dict[str, Any]:
        """Input members by model name, converted to Python values and validated against the model."""
        if spec.headers or spec.payload is not None or request.body or len(request.query) > _DECODED_QUERY_MAX:
            return self._decode(spec, request)
        key = (spec.name, request.query)
        known = self._decoded.get(key)
        if known is not None:
            return dict(known)
        params = self._decode(spec, request)
        if not any(isinstance(v, list) for v in params.values()):
            if len(self._decoded) >= _DECODED_MAX:
                self._decoded.clear()
            self._decoded[key] = dict(params)
        return params

    def _decode(self, spec: OperationSpec, request: HttpRequest) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if spec.query and request.query:
            for wire, raw in request.query_pairs():
                member = spec.query.get(wire)
                if member is None:
                    continue
                value = _from_text(member.kind, raw, member.name)
                if member.is_list:
                    params.setdefault(member.name, []).append(value)
                elif member.name not in params:
                    params[member.name] = value
        for header, name in spec.headers.items():
            value = request.headers.get(header)
            if value is not None:
                params[name] = value
        if spec.payload is not None:
            params[spec.payload] = request.body
        elif spec.body_members and request.body:
            try:
                doc = json.loads(request.body)
            except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nesting deeper than Python's
                raise ValidationException("Could not parse the request body as JSON", reason="CANNOT_PARSE") from None
            if not isinstance(doc, dict):
                raise ValidationException("The request body must be a JSON object", reason="CANNOT_PARSE")
            for name in spec.body_members:
                if name in doc:
                    params[name] = doc[name]
        errors: list[str] = []
        try:
            spec.check(params, "", errors)
        except TypeMismatch as exc:
            raise ValidationException(str(exc), reason="CANNOT_PARSE") from None
        if errors:
            raise ValidationException(summarize(errors))
        return params

    # ---- responses

    def encode_error(self, error: CodeArtifactError, operation: str | None = None) -> HttpResponse:
        code = error.code
        status, members = self._errors.get(code, (500, {}))
        body: dict[str, Any] = {}
        in_headers: dict[str, str] = {}
        for py_name, value in error.fields.items():
            wire = members.get(py_name)
            if wire is None:
                continue
            name, header = wire
            if header:
                in_headers[header] = str(value)
            else:
                body[name] = value
        headers, data = aws_error.render(code, error.message, body)
        if in_headers:
            headers.update(in_headers)
        return HttpResponse(status, headers, data)


_DECODED_MAX = 4096
_DECODED_QUERY_MAX = 2048  # longer query texts (rare, or hostile) are decoded without being kept

_INTEGER = re.compile(r"[+-]?[0-9]+")


def _from_text(kind: str, raw: str, name: str) -> Any:
    if kind in ("integer", "long"):
        # ASCII digits with an optional sign only: Python's int() also takes " 9 ", "1_000" and non-ASCII digits.
        if _INTEGER.fullmatch(raw):
            return int(raw)
        raise ValidationException(
            f"1 validation error detected: Value '{raw}' at '{name}' failed to satisfy constraint: "
            "Member must be a number",
            reason="CANNOT_PARSE",
        )
    if kind == "boolean":
        lowered = raw.lower()
        if lowered not in ("true", "false"):
            raise ValidationException(
                f"1 validation error detected: Value '{raw}' at '{name}' failed to satisfy constraint: "
                "Member must be a boolean",
                reason="CANNOT_PARSE",
            )
        return lowered == "true"
    return raw
