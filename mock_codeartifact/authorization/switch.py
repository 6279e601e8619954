"""The one authorization switch: whether resource policies are enforced for a request (docs/authorization.md).

Enforcement is on unless it is switched off. The documented way is the environment variable
``MOCK_CODEARTIFACT_AUTHORIZATION=off`` (``mock_codeartifact.settings``), read at each decision, in-process and in
a server alike. The older spellings are aliases onto this switch, each for its own scope:

- ``mock_codeartifact(authorization=False)`` turns it off for every request this process answers while the mock
  is active (:func:`turn_off` / :func:`turn_on` with no backend);
- ``ThreadedCodeArtifactServer(authorization=False)``, ``CodeArtifactApp(authorization=False)``,
  ``mock-codeartifact-server --no-authorization`` (and ``Dispatcher(authorization=False)``) turn it off for the
  backend they serve (:func:`turn_off` with that backend), on the API and on the repository endpoints.

Everything that decides asks :func:`enforced`: the dispatcher (only after a denial: most calls are allowed, and an
allowed call need not read the environment) and the repository endpoints.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

from ..settings import authorization_enabled

if TYPE_CHECKING:
    from ..backend import Backend

_lock = threading.Lock()
_everywhere = 0  # holds of turn_off() without a backend (counted: nested mocks compose)
_backends: weakref.WeakKeyDictionary[Backend, int] = weakref.WeakKeyDictionary()


def enforced(backend: Backend | None = None) -> bool:
    """Whether a request on ``backend`` is authorized: not while the environment says off, nor while the switch is
    turned off for every backend or for ``backend``."""
    if _everywhere or (backend is not None and _backends and backend in _backends):
        return False
    return authorization_enabled()


def turn_off(backend: Backend | None = None) -> None:
    """Switch enforcement off for ``backend`` (every backend when None) until a matching :func:`turn_on`."""
    global _everywhere
    with _lock:
        if backend is None:
            _everywhere += 1
        else:
            _backends[backend] = _backends.get(backend, 0) + 1


def turn_on(backend: Backend | None = None) -> None:
    """Undo one :func:`turn_off` of the same scope (extra calls are ignored)."""
    global _everywhere
    with _lock:
        if backend is None:
            _everywhere = max(0, _everywhere - 1)
            return
        held = _backends.get(backend, 0) - 1
        if held > 0:
            _backends[backend] = held
        else:
            _backends.pop(backend, None)
