"""The ``before-send.codeartifact`` handler that every botocore session carries, cheap to import.

It imports nothing, so that it can join ``botocore.handlers.BUILTIN_HANDLERS`` before the rest of the library is
loaded (the moto integration registers it when moto is imported, at no cost to tests that never call
CodeArtifact). While the in-process mock is installed it hands each request to the installed answer
(:mod:`.interception`); otherwise it asks the waker (:mod:`.moto_integration`) whether to turn the mock on for
this request, and declines when nobody does.

There is exactly one registration per session whoever registers first: botocore runs *every* ``before-send``
handler of a session (the first answer wins), so two handlers that both answer would apply each call twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EVENT = "before-send.codeartifact"

_handler: Callable[[Any], Any] | None = None
_waker: Callable[[], bool] | None = None


def before_send(request: Any, **kwargs: Any) -> Any:
    """botocore's ``before-send.codeartifact`` handler: the in-process answer while installed, else ``None``."""
    handler = _handler
    if handler is None:
        waker = _waker
        if waker is None or not waker():
            return None
        handler = _handler
        if handler is None:
            return None
    return handler(request)


def set_handler(handler: Callable[[Any], Any] | None) -> None:
    """Answer requests with ``handler`` (``None``: decline them)."""
    global _handler
    _handler = handler


def set_waker(waker: Callable[[], bool] | None) -> None:
    """While no handler is set, ``waker()`` runs for each request; it returns whether it has set one."""
    global _waker
    _waker = waker


def register_builtin() -> None:
    """Add :func:`before_send` to botocore's built-in handlers (once), so every session created later has it.

    Only called once botocore is imported anyway.
    """
    import botocore.handlers

    entry = (EVENT, before_send, botocore.handlers.REGISTER_FIRST)
    if entry not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.append(entry)
