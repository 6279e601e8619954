"""Transport-neutral HTTP messages: what both the botocore hook and the WSGI server hand to the codec."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


class Headers:
    """A small case-insensitive header map (first value wins), cheaper than building a full multidict."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, str]] | Mapping[str, str] = ()) -> None:
        if isinstance(items, Mapping):
            items = items.items()
        self._items: dict[str, str] = {}
        for key, value in items:
            self._items.setdefault(key.lower(), value)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._items.get(key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._items

    def items(self) -> Iterable[tuple[str, str]]:
        return self._items.items()


@dataclass(slots=True)
class HttpRequest:
    """One request: ``path`` without the query string, ``query`` as raw text."""

    method: str
    path: str
    query: str = ""
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    host: str = ""

    @classmethod
    def from_url(cls, method: str, url: str, headers: Headers, body: bytes | None) -> HttpRequest:
        scheme_sep = url.find("://")
        rest = url[scheme_sep + 3 :] if scheme_sep >= 0 else url
        slash = rest.find("/")
        host, target = (rest, "/") if slash < 0 else (rest[:slash], rest[slash:])
        path, _, query = target.partition("?")
        return cls(method.upper(), path, query, headers, body or b"", host)

    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)


@dataclass(slots=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes = b""
