"""The one renderer of AWS-shaped error answers: ``x-amzn-ErrorType`` names the error, the JSON body carries
``message`` (and the error's modeled members), ``x-amzn-RequestId`` identifies the answer.

botocore's REST-JSON parser reads the code from the header and the rest from the body. Every door renders its
errors here: the codec (modeled errors), the server's refusals before routing (host, body limit) and the HTTP
front's refusals before a request reaches the application (an over-long line, a malformed request).
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections.abc import Mapping
from typing import Any

# A random UUID-shaped prefix per process and a counter: unique like uuid4's (benchmarks/README.md, "The hot path").
_ID_PREFIX = str(uuid.uuid4())[:24]
_ID_COUNTER = itertools.count(int.from_bytes(os.urandom(5), "big"))
_ENCODE = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def request_id() -> str:
    """A new request id (AWS answers every request, successful or not, with one: ``ResponseMetadata["RequestId"]``)."""
    return f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFFFFFF:012x}"


def render(code: str, message: str, members: Mapping[str, Any] | None = None) -> tuple[dict[str, str], bytes]:
    """Headers and body of the error ``code`` with ``message`` and the body ``members`` (wire names)."""
    body: dict[str, Any] = {"message": message}
    if members:
        body.update(members)
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id()}
    return headers, _ENCODE(body).encode()
