"""The answer installed while the in-process mock is active, and the conversion of any client's request into it.

Each client module (:mod:`.botocore_client`, :mod:`.aiobotocore_client`, :mod:`.requests_client`) reads the
installed answer from here at the moment of each request, so that :mod:`.interception` installs one answer for all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..wire import Headers, HttpRequest, HttpResponse

Answer = Callable[[HttpRequest], HttpResponse]
# (method, url, headers, body) -> (status, headers, body): the repository endpoints (repository_hosts.py).
EndpointAnswer = Callable[[str, str, Any, bytes], tuple[int, dict[str, str], bytes]]

answer: Answer | None = None
endpoints: EndpointAnswer | None = None


def install(api: Answer, repository_endpoints: EndpointAnswer | None) -> None:
    """Answer API requests with ``api`` and repository-host requests with ``repository_endpoints``."""
    global answer, endpoints
    answer, endpoints = api, repository_endpoints


def uninstall() -> None:
    global answer, endpoints
    answer = endpoints = None


def body_bytes(body: Any) -> bytes:
    """A request body as bytes, whatever botocore or ``requests`` holds it in (a stream is left where it was)."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    if hasattr(body, "read"):
        start = body.tell() if hasattr(body, "tell") else None
        data = body.read()
        if start is not None and hasattr(body, "seek"):
            body.seek(start)  # botocore may retry and re-read the same stream
        return data if isinstance(data, bytes) else data.encode()
    return b"".join(body_bytes(part) for part in body)


def headers_of(source: Any) -> Headers:
    """A request's headers as the codec reads them: botocore's ``HeadersDict`` copied once into a plain dict of
    lower-case names (benchmarks/README.md, "The hot path"); anything else wrapped as it is."""
    inner = getattr(source, "_dict", None)
    if type(inner) is dict:
        try:
            return Headers.from_lowered({key._lower: value for key, value in inner.items()})
        except AttributeError:  # not botocore's layout after all
            pass
    return Headers(source)


def respond(method: str, url: str, headers: Any, body: Any) -> HttpResponse:
    installed = answer
    if installed is None:  # uninstalled by another thread meanwhile
        raise RuntimeError("mock_codeartifact is not active")
    return installed(HttpRequest.from_url(method, url, headers_of(headers), body_bytes(body)))
