"""Opaque, stable pagination tokens.

A token holds the sort key of the last item returned and a digest of the filters it was issued for, in
base64 JSON: it works across processes (no salted ``hash()``), survives the deletion of that item (the next
page starts after its key, wherever it was), and is rejected when reused with other filters.
"""

from __future__ import annotations

import base64
import hashlib
import json
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..errors import ValidationException

T = TypeVar("T")


def _digest(filters: Any) -> str:
    return hashlib.sha256(json.dumps(filters, sort_keys=True, default=str).encode()).hexdigest()[:16]


def make_token(last_key: Any, filters: Any) -> str:
    doc = {"k": last_key, "f": _digest(filters)}
    return base64.urlsafe_b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def read_token(token: str, filters: Any) -> Any:
    try:
        doc = json.loads(base64.urlsafe_b64decode(token.encode()))
        key, digest = doc["k"], doc["f"]
    except Exception:
        raise ValidationException("The pagination token is invalid.", reason="FIELD_VALIDATION_FAILED") from None
    if digest != _digest(filters):
        raise ValidationException(
            "The pagination token was issued for a request with different parameters.",
            reason="FIELD_VALIDATION_FAILED",
        )
    return key


def _comparable(key: Any) -> Any:
    # JSON turns tuples into lists; keys are compared as tuples.
    return tuple(key) if isinstance(key, list) else key


def paginate(
    items: Sequence[T],
    key: Callable[[T], Any],
    max_results: int | None,
    next_token: str | None,
    filters: Any,
    default_size: int = 50,
) -> tuple[list[T], str | None]:
    """One page of ``items`` (already sorted by ``key``) and the token for the next page, if any."""
    start = 0
    if next_token is not None:
        last = _comparable(read_token(next_token, filters))
        try:
            start = bisect_right(items, last, key=lambda item: _comparable(key(item)))
        except TypeError:
            raise ValidationException("The pagination token is invalid.") from None
    size = max_results or default_size
    page = list(items[start : start + size])
    token = None
    if start + size < len(items) and page:
        last_key = key(page[-1])
        token = make_token(list(last_key) if isinstance(last_key, tuple) else last_key, filters)
    return page, token
