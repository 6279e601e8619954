"""Whether the in-process mock is active, as integrations see it, and who to tell when that changes."""

from __future__ import annotations

from collections.abc import Callable

_active = False
_listeners: list[Callable[[bool], None]] = []


def is_active() -> bool:
    return _active


def set_active(active: bool) -> None:
    global _active
    if active == _active:
        return
    _active = active
    for listener in list(_listeners):
        listener(active)


def on_change(listener: Callable[[bool], None]) -> None:
    """Call ``listener(active)`` whenever the mock turns on or off."""
    if listener not in _listeners:
        _listeners.append(listener)
