"""HTML built so that user data cannot become markup: every ``str`` is escaped unless it is ``Safe``.

Views never format HTML by hand. ``tag("a", "text", href=url)`` escapes the text and the attribute values;
``Safe`` marks strings this module (or another ``tag``) produced. A name, readme or description therefore
reaches the page only as text, whatever characters it holds.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Union
from urllib.parse import quote, urlencode

Child = Union["Safe", str, int, float, None, Iterable["Child"]]

_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "source"})


class Safe(str):
    """Markup that is already safe to emit as it is."""

    __slots__ = ()


def esc(value: object) -> Safe:
    """``value`` as text: ``<``, ``>``, ``&`` and both quotes escaped."""
    if isinstance(value, Safe):
        return value
    return Safe(html.escape(str(value), quote=True))


def render(children: Child) -> Safe:
    """Children as markup: ``Safe`` as it is, text escaped, ``None`` dropped, iterables flattened."""
    if children is None:
        return Safe("")
    if isinstance(children, Safe):
        return children
    if isinstance(children, (str, int, float)):
        return esc(children)
    return Safe("".join(render(c) for c in children))


def tag(element: str, /, *children: Child, **attrs: object) -> Safe:
    """An element. Attribute names: a trailing ``_`` is dropped (``class_``), ``_`` becomes ``-``
    (``aria_label``); ``True`` writes the bare attribute, ``None``/``False`` leaves it out."""
    parts = [f"<{element}"]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        attr = key.rstrip("_").replace("_", "-")
        if value is True:
            parts.append(f" {attr}")
        else:
            parts.append(f' {attr}="{esc(value)}"')
    parts.append(">")
    if element in _VOID:
        return Safe("".join(parts))
    parts.append(render(children))
    parts.append(f"</{element}>")
    return Safe("".join(parts))


def url(path: str, **query: object) -> str:
    """A dashboard URL: ``path`` (already built from ``segment``s) plus the query items that are not None."""
    items = [(k, str(v)) for k, v in query.items() if v is not None and v != ""]
    return f"{path}?{urlencode(items)}" if items else path


def segment(value: str) -> str:
    """One path segment, percent-encoded (a ``/`` inside a value never splits it)."""
    return quote(value, safe="")


def fmt_bytes(size: int) -> str:
    """``10\u00a0B``, ``1.5\u00a0KiB``: a no-break space keeps number and unit on one line."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size:,}\u00a0B" if unit == "B" else f"{value:.1f}\u00a0{unit}"
        value /= 1024
    return f"{size}\u00a0B"
