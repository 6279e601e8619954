"""The in-process answer as botocore and aiobotocore read it: an ``AWSResponse`` that, awaited, is an ``AioAWSResponse``.

aiobotocore awaits whatever a ``before-send`` handler returns when it is awaitable, so one answer object serves both
and botocore never sees a coroutine.
"""

from __future__ import annotations

import functools
import io
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse, HeadersDict

from ..wire import HttpResponse


class RawBody(io.BytesIO):
    """What botocore reads a response body from: ``stream()`` for buffered bodies, ``read()`` for streams."""

    def stream(self, amt: int = 65536, decode_content: bool | None = None) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


class AioRawBody:
    """What aiobotocore reads a body from: ``await raw.read()``, and ``raw.content`` for streamed bodies; the part of
    aiohttp's ``ClientResponse`` that aiobotocore uses (``raw_headers``: aiobotocore before 2.21 reads the headers
    there)."""

    def __init__(self, url: str, data: bytes, headers: Any) -> None:
        self.url = url
        self.content = _AioContent(data)
        self.raw_headers = tuple((str(k).encode("utf-8"), str(v).encode("utf-8")) for k, v in headers.items())

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        self.content.close()

    def release(self) -> None:
        self.content.close()

    # aiohttp's ClientResponse is its own async context manager; aiobotocore 2.x's ``async with body`` delegates to
    # it (and yields it), 3.x handles ``async with`` itself. .ci/versions runs the async tests on both.
    async def __aenter__(self) -> AioRawBody:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.release()


class _AioContent:
    """The part of aiohttp's ``StreamReader`` that aiobotocore's ``AioStreamingBody`` uses."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    async def read(self, amt: int = -1) -> bytes:
        return self._data.read(amt if amt is not None and amt >= 0 else -1)

    def at_eof(self) -> bool:
        return self._data.tell() >= len(self._data.getbuffer())

    def close(self) -> None:
        pass

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        while chunk := await self.read(n):
            yield chunk


class Response(AWSResponse):  # type: ignore[misc]  # botocore ships no types
    """The mock's answer: an ``AWSResponse`` for botocore, and, awaited (only aiobotocore awaits it), the same
    answer as an ``AioAWSResponse``."""

    def __await__(self) -> Generator[Any, None, Any]:
        from aiobotocore.awsrequest import AioAWSResponse

        return AioAWSResponse(self.url, self.status_code, self.headers, AioRawBody(self.url, self._body, self.headers))
        yield  # a generator that returns at once: nothing to wait for

    def __init__(self, url: str, answer: HttpResponse) -> None:
        headers = answer.headers  # the answer's own dict, made for this response
        headers["Content-Length"] = str(len(answer.body))
        # What ``AWSResponse.__init__`` sets, but ``raw``: only a streamed output reads it, so it is made on demand.
        self.url = url
        self.status_code = answer.status
        self.headers = HeadersDict(headers)
        self._body = answer.body
        # The bytes botocore's ``content`` would join from ``raw.stream()``.
        self._content = answer.body

    @functools.cached_property
    def raw(self) -> RawBody:
        """The body as a stream (what botocore wraps in a ``StreamingBody`` for a streamed output)."""
        return RawBody(self._body)
