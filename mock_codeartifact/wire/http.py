"""Transport-neutral HTTP messages: what both the botocore hook and the WSGI server hand to the codec."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


class Headers:
    """Case-insensitive, read-only view of request headers.

    It wraps the transport's own case-insensitive mapping (werkzeug's ``Headers``, requests'
    ``CaseInsensitiveDict``) as it is, or a plain dict whose keys are lower-case (:meth:`from_lowered`: botocore's
    headers, which answer each lookup, and each absent header, far more slowly than a dict).
    """

    __slots__ = ("_source", "_lowered")

    def __init__(self, source: Mapping[str, Any] | None = None) -> None:
        self._source: Mapping[str, Any] = source if source is not None else {}
        self._lowered = False  # keys of a plain dict source are lower-case: look up lower-cased keys

    @classmethod
    def from_lowered(cls, lowered: dict[str, Any]) -> Headers:
        """Headers from a dict whose keys are already lower-case (no copy)."""
        headers = cls(lowered)
        headers._lowered = True
        return headers

    def get(self, key: str, default: str | None = None) -> str | None:
        value = self._source.get(key.lower() if self._lowered else key)
        if value is None:
            return default
        return value if type(value) is str else value.decode("latin-1") if isinstance(value, bytes) else str(value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def items(self) -> Iterable[tuple[str, str]]:
        return [(k, v.decode("latin-1") if isinstance(v, bytes) else str(v)) for k, v in self._source.items()]


@dataclass(slots=True)
class HttpRequest:
    """One request: ``path`` without the query string, ``query`` as raw text."""

    method: str
    path: str
    query: str = ""
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    host: str = ""
    _scope: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    def credential_scope(self) -> list[str]:
        """``Credential=AKID/20240101/us-west-2/codeartifact/aws4_request`` of a SigV4 ``Authorization`` header,
        split at ``/`` (empty when there is none); parsed once, as the region and the caller both need it."""
        scope = self._scope
        if scope is None:
            scope = []
            auth = self.headers.get("authorization")
            if auth:
                start = auth.find("Credential=")
                if start >= 0:
                    scope = auth[start + 11 :].split(",", 1)[0].split("/")
            self._scope = scope
        return scope

    @classmethod
    def from_url(cls, method: str, url: str, headers: Headers, body: bytes | None) -> HttpRequest:
        scheme_sep = url.find("://")
        rest = url[scheme_sep + 3 :] if scheme_sep >= 0 else url
        slash = rest.find("/")
        host, target = (rest, "/") if slash < 0 else (rest[:slash], rest[slash:])
        path, _, query = target.partition("?")
        return cls(method.upper(), path, query, headers, body or b"", host)

    def query_pairs(self) -> list[tuple[str, str]]:
        query = self.query
        if "%" in query or "+" in query:
            return parse_qsl(query, keep_blank_values=True)
        # Nothing to unquote (the usual botocore query): split as parse_qsl would, without its per-pair work.
        pairs = []
        for part in query.split("&"):
            if part:
                name, _, value = part.partition("=")
                pairs.append((name, value))
        return pairs


@dataclass(slots=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes = b""
