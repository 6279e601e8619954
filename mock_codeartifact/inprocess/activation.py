"""Activation: the process-wide in-process mock that every ``MockCodeArtifact`` turns on and off.

The outermost start resets state, acquires the environment (fake credentials and region when none are
configured, a clean boto3 default session), installs the interception and the guard that keeps other HTTP
clients away from real CodeArtifact hosts; the outermost stop undoes them, in reverse order. Nested starts only
count.

The moto integration (:mod:`.moto_integration`) holds the interception on behalf of moto's ``mock_aws``
(:func:`hold_for_moto` / :func:`release_for_moto`): installed while either holds it. An explicit mock starting
while only moto holds it still resets state and provides the environment, as it does on its own.
"""

from __future__ import annotations

import threading

from .. import environment, events, integrations, network_guard
from ..backend import Backend
from ..dispatch import Dispatcher, codec
from ..iam import identity
from . import interception
from .repository_hosts import RepositoryEndpoints

_backend = Backend()
_endpoints = RepositoryEndpoints(_backend)
events.attach(_backend)  # its changes reach moto's EventBridge while moto's mock_aws is active
_dispatcher: Dispatcher | None = None
_lock = threading.RLock()
_depth = 0
_held_for_moto = False


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
            if not _held_for_moto:
                try:
                    _install_hooks()
                except BaseException:
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
            if not _held_for_moto:
                _uninstall_hooks()
            environment.release()


def _install_hooks() -> None:
    """The interception, the guard against other HTTP stacks, and the integrations (moto's CloudFormation)."""
    try:
        interception.install(dispatcher().handle, _endpoints)
        network_guard.install()
    except BaseException:
        interception.uninstall()
        raise
    integrations.activation_changed(True)


def _uninstall_hooks() -> None:
    network_guard.uninstall()
    integrations.activation_changed(False)
    interception.uninstall()


def hold_for_moto(reset_state: bool) -> None:
    """Answer CodeArtifact requests on behalf of moto's ``mock_aws`` until :func:`release_for_moto`.

    ``reset_state``: clear all state first (when no explicit mock is active, whose state it would be).
    """
    global _held_for_moto
    with _lock:
        if _held_for_moto:
            return
        if _depth == 0:
            if reset_state:
                reset()
            _install_hooks()
        _held_for_moto = True


def release_for_moto(remove_data: bool) -> None:
    """Stop answering on behalf of moto (the interception stays while an explicit mock is active).

    ``remove_data``: clear all state, as moto clears its own when its outermost mock stops.
    """
    global _held_for_moto
    with _lock:
        if not _held_for_moto:
            return
        _held_for_moto = False
        if _depth == 0:
            _uninstall_hooks()
            if remove_data:
                reset()
