"""aiobotocore sessions made before the mock was imported: their HTTP sessions' ``send`` answers CodeArtifact hosts
while installed (sessions made later carry the ``before-send`` handler, see :mod:`.botocore_client`)."""

from __future__ import annotations

import sys
from typing import Any

from ..wire.hosts import host_of, is_api_host
from . import answers
from .answers import respond
from .responses import Response

_aio_patched: list[tuple[Any, Any]] = []


def install() -> None:
    # Only when aiobotocore is already loaded: importing it (and aiohttp) costs more than a whole activation.
    module = sys.modules.get("aiobotocore.httpsession")
    if module is None or _aio_patched:
        return
    for name in ("AIOHTTPSession",):
        cls = getattr(module, name, None)
        if cls is not None:
            _aio_patched.append((cls, cls.send))
            cls.send = _aio_fallback(cls.send)
    httpx_module = sys.modules.get("aiobotocore.httpxsession")
    cls = getattr(httpx_module, "HttpxSession", None)
    if cls is not None:
        _aio_patched.append((cls, cls.send))
        cls.send = _aio_fallback(cls.send)


def uninstall() -> None:
    while _aio_patched:
        cls, send = _aio_patched.pop()
        cls.send = send


def _aio_fallback(real_send: Any) -> Any:
    async def send(self: Any, request: Any) -> Any:
        if answers.answer is not None and is_api_host(host_of(request.url)):
            return await Response(request.url, respond(request.method, request.url, request.headers, request.body))
        return await real_send(self, request)

    return send
