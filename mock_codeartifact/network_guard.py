"""No real AWS from inside the mock: other HTTP stacks cannot reach CodeArtifact hosts while a mock is active.

botocore, aiobotocore and ``requests`` are answered in-process (:mod:`.interception`). Any other client (urllib,
``http.client``, aiohttp, httpx, a raw socket, an SDK on its own HTTP stack) would go to the network, and with
real credentials configured it would reach real AWS from a test. While a mock is active, resolving or connecting
to a CodeArtifact host name (``codeartifact.REGION.amazonaws.com``, ``DOMAIN-OWNER.d.codeartifact.REGION
.amazonaws.com``, their FIPS, dual-stack and VPC-endpoint names) fails at once with :class:`RealAWSBlocked`,
whose message names server mode as the way to test such a client. Every other name, and every address, goes
through untouched; the check costs one substring test per name resolution.

Opt out: ``mock_codeartifact(block_other_clients=False)`` (while that mock is active) or the environment variable
``MOCK_CODEARTIFACT_BLOCK_OTHER_CLIENTS=off`` (read at each blocked attempt). docs/reach.md describes it.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

from .wire.hosts import is_codeartifact_name

SWITCH_ENV = "MOCK_CODEARTIFACT_BLOCK_OTHER_CLIENTS"
_OFF = ("off", "0", "false", "no", "disabled")

_lock = threading.Lock()
_installed = False
_disabled = 0
# What was in place when the guard was installed (the standard library's, or another tool's wrapper).
_real_getaddrinfo: Any = socket.getaddrinfo
_real_connect: Any = socket.socket.connect
_real_connect_ex: Any = socket.socket.connect_ex


class RealAWSBlocked(socket.gaierror):
    """A client outside botocore and ``requests`` tried to reach a CodeArtifact host while a mock was active."""

    def __init__(self, host: str) -> None:
        message = (
            f"mock_codeartifact is active and {host} is an AWS CodeArtifact host: this client does not go through "
            "botocore or requests, so the in-process mock cannot answer it, and it must not reach real AWS from a "
            "test. Test it against the mock's server mode instead (ThreadedCodeArtifactServer or "
            "mock-codeartifact-server, with the client's endpoint set to the server's URL). To let it through, "
            f"use mock_codeartifact(block_other_clients=False) or set {SWITCH_ENV}=off."
        )
        super().__init__(socket.EAI_NONAME, message)
        self.host = host


def _blocked(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str) or "codeartifact" not in host or not is_codeartifact_name(host):
        return False
    if _disabled or not _installed:
        return False
    value = os.environ.get(SWITCH_ENV)
    return not (value and value.strip().lower() in _OFF)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if _blocked(host):
        raise RealAWSBlocked(host if isinstance(host, str) else host.decode("ascii", "replace"))
    return _real_getaddrinfo(host, *args, **kwargs)


def _host_of_address(address: Any) -> Any:
    return address[0] if isinstance(address, tuple) and address else None


def _connect(self: Any, address: Any) -> None:
    # A raw socket given a host name resolves it inside the C call, past getaddrinfo.
    host = _host_of_address(address)
    if _blocked(host):
        raise RealAWSBlocked(host)
    _real_connect(self, address)


def _connect_ex(self: Any, address: Any) -> int:
    host = _host_of_address(address)
    if _blocked(host):
        raise RealAWSBlocked(host)
    result: int = _real_connect_ex(self, address)
    return result


def install() -> None:
    """Block CodeArtifact host names for every client until :func:`uninstall`."""
    global _installed, _real_getaddrinfo, _real_connect, _real_connect_ex
    with _lock:
        if _installed:
            return
        if socket.getaddrinfo is not _getaddrinfo:  # else ours stayed from before, wrapping the same functions
            _real_getaddrinfo = socket.getaddrinfo
        if socket.socket.connect is not _connect:
            _real_connect = socket.socket.connect
        if socket.socket.connect_ex is not _connect_ex:
            _real_connect_ex = socket.socket.connect_ex
        socket.getaddrinfo = _getaddrinfo
        socket.socket.connect = _connect  # type: ignore[method-assign]
        socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
        _installed = True


def uninstall() -> None:
    """Put back what was there, unless someone replaced the functions meanwhile (then ours stay, passing through
    nothing but the check, which a stopped mock turns off)."""
    global _installed
    with _lock:
        if not _installed:
            return
        if socket.getaddrinfo is _getaddrinfo:
            socket.getaddrinfo = _real_getaddrinfo
        if socket.socket.connect is _connect:
            socket.socket.connect = _real_connect  # type: ignore[method-assign]
        if socket.socket.connect_ex is _connect_ex:
            socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
        _installed = False


def disable() -> None:
    """Let every client through until a matching :func:`enable` (counted, so nested users compose)."""
    global _disabled
    with _lock:
        _disabled += 1


def enable() -> None:
    global _disabled
    with _lock:
        _disabled = max(0, _disabled - 1)
