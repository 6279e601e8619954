"""No real AWS from inside the mock: other HTTP stacks cannot reach CodeArtifact hosts while a mock is active.

botocore, aiobotocore and ``requests`` are answered in-process (:mod:`.interception`). Any other client (urllib,
``http.client``, aiohttp, httpx, a raw socket, an SDK on its own HTTP stack) would go to the network, and with
real credentials configured it would reach real AWS from a test. While a mock is active, resolving or connecting
to a CodeArtifact host name (``codeartifact.REGION.amazonaws.com``, ``DOMAIN-OWNER.d.codeartifact.REGION
.amazonaws.com``, their FIPS, dual-stack and VPC-endpoint names) fails at once with :class:`RealAWSBlocked`,
whose message names server mode as the way to test such a client. Every other name, and every address, goes
through untouched; the check costs one substring test per name resolution or connect.

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
_GUARD = "_mock_codeartifact_guard"
# (owner, attribute, our wrapper, what was there, whether that was the owner's own attribute), per wrapper in place.
_patched: list[tuple[Any, str, Any, Any, bool]] = []


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


def _check(host: Any) -> None:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str) or "codeartifact" not in host.lower() or not is_codeartifact_name(host):
        return
    if _disabled or not _installed:
        return
    value = os.environ.get(SWITCH_ENV)
    if value and value.strip().lower() in _OFF:
        return
    raise RealAWSBlocked(host)


def _guarded_getaddrinfo(real: Any) -> Any:
    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        _check(host)
        return real(host, *args, **kwargs)

    return getaddrinfo


def _guarded_connect(real: Any) -> Any:
    # A raw socket given a host name resolves it inside the C call, past getaddrinfo.
    def connect(self: Any, address: Any, *args: Any) -> Any:
        if isinstance(address, tuple) and address:
            _check(address[0])
        return real(self, address, *args)

    return connect


_TARGETS = (
    (socket, "getaddrinfo", _guarded_getaddrinfo),
    (socket.socket, "connect", _guarded_connect),
    (socket.socket, "connect_ex", _guarded_connect),
)


def install() -> None:
    """Block CodeArtifact host names for every client until :func:`uninstall`."""
    global _installed
    with _lock:
        if _installed:
            return
        for owner, name, guard in _TARGETS:
            current = getattr(owner, name)
            if getattr(current, _GUARD, False):
                continue  # a wrapper of ours left under someone else's patch: it checks again
            # Each wrapper closes over the function it wraps (never a shared global), so wrappers that others
            # stacked on ours while a mock was active can never call each other in a loop.
            wrapper = guard(current)
            setattr(wrapper, _GUARD, True)
            _patched.append((owner, name, wrapper, current, name in vars(owner)))
            setattr(owner, name, wrapper)
        _installed = True


def uninstall() -> None:
    """Put back what was there. A wrapper someone else has patched over stays (their patch calls it), inert
    until the next mock starts."""
    global _installed
    with _lock:
        while _patched:
            owner, name, wrapper, previous, own = _patched.pop()
            if getattr(owner, name) is not wrapper:
                continue
            if own:
                setattr(owner, name, previous)
            else:
                delattr(owner, name)
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
