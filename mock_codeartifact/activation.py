"""Activation: the process-wide in-process mock that every ``MockCodeArtifact`` turns on and off.

The outermost start resets state, acquires the environment (fake credentials and region when none are
configured, a clean boto3 default session), installs the interception and the guard that keeps other HTTP
clients away from real CodeArtifact hosts; the outermost stop undoes them, in reverse order. Nested starts only
count.
"""

from __future__ import annotations

import threading

from . import environment, events, interception, network_guard
from .api import Dispatcher, codec
from .backend import Backend
from .iam import identity
from .inprocess_endpoints import RepositoryEndpoints

_backend = Backend()
_endpoints = RepositoryEndpoints(_backend)
events.attach(_backend)  # its changes reach moto's EventBridge while moto's mock_aws is active
_dispatcher: Dispatcher | None = None
_lock = threading.RLock()
_depth = 0


def backend() -> Backend:
    """The process-wide backend that in-process mocking answers from."""
    return _backend


def dispatcher() -> Dispatcher:
    """The dispatch table over :func:`backend` (built on first use: building the codec takes a moment)."""
    global _dispatcher
    if _dispatcher is None:
        with _lock:
            if _dispatcher is None:
                _dispatcher = Dispatcher(_backend, codec())
    return _dispatcher


def reset() -> None:
    """Clear all state (every account and region) and the registered access keys (``principals.register``)."""
    _backend.reset()
    identity.clear()


def is_active() -> bool:
    return _depth > 0


def activate() -> None:
    global _depth
    with _lock:
        if _depth == 0:
            reset()
            environment.acquire()
            try:
                interception.install(dispatcher().handle, _endpoints)
                network_guard.install()
            except BaseException:
                interception.uninstall()
                environment.release()
                raise
        _depth += 1


def deactivate() -> None:
    global _depth
    with _lock:
        if _depth == 0:
            raise RuntimeError("mock_codeartifact is not active")
        _depth -= 1
        if _depth == 0:
            network_guard.uninstall()
            interception.uninstall()
            environment.release()
