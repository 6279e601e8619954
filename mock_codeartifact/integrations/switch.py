"""Where integrations send CodeArtifact calls, and who to tell when that changes.

Either the in-process mock (while it is active) or a CodeArtifact endpoint set with
:func:`mock_codeartifact.integrations.cloudformation_endpoint` (a mock-codeartifact server); the endpoint wins.
"""

from __future__ import annotations

from collections.abc import Callable

_active = False
_endpoint: str | None = None
_listeners: list[Callable[[bool], None]] = []


def is_active() -> bool:
    """Whether CodeArtifact calls have somewhere to go."""
    return _active or _endpoint is not None


def endpoint() -> str | None:
    """The endpoint URL to call, or ``None`` for the in-process mock."""
    return _endpoint


def set_active(active: bool) -> None:
    global _active
    if active == _active:
        return
    before = is_active()
    _active = active
    _changed(before)


def set_endpoint(url: str | None) -> None:
    global _endpoint
    before = is_active()
    _endpoint = url
    _changed(before)


def _changed(before: bool) -> None:
    now = is_active()
    if now != before:
        for listener in list(_listeners):
            listener(now)


def on_change(listener: Callable[[bool], None]) -> None:
    """Call ``listener(active)`` whenever :func:`is_active` changes."""
    if listener not in _listeners:
        _listeners.append(listener)
