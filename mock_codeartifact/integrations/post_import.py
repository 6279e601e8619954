"""Run code right after a module is imported, whether it is imported already or later (a post-import hook).

The hook is one finder at the front of ``sys.meta_path`` that answers only for the watched module, and only while
its condition holds; it removes itself once the module has been imported with the follow-up.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

_lock = threading.Lock()
# watched module -> (module to import right after it, whether to do so now)
_pending: dict[str, tuple[str, Callable[[], bool]]] = {}


def when_imported(watched: str, then_import: str, condition: Callable[[], bool] = lambda: True) -> None:
    """Import ``then_import`` once ``watched`` is imported (now if it already is) while ``condition()`` holds."""
    if then_import in sys.modules:
        return
    if watched in sys.modules:
        if condition():
            importlib.import_module(then_import)
        return
    if watched in _pending:
        return
    with _lock:
        _pending[watched] = (then_import, condition)
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: for a watched module it asks the other finders, then wraps the loader so that the
    follow-up import runs after the module's code has run."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        watch = _pending.get(fullname)
        if watch is None or not watch[1]():
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = _Loader(spec.loader, fullname)
                return spec
        return None


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: Any, fullname: str) -> None:
        self._inner = inner
        self._fullname = fullname

    def __getattr__(self, name: str) -> Any:  # get_data, get_source, ... : the real loader's
        return getattr(self._inner, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._inner.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self._inner.exec_module(module)
        with _lock:
            watch = _pending.pop(self._fullname, None)
            if not _pending and _FINDER in sys.meta_path:
                sys.meta_path.remove(_FINDER)
        if watch is not None:
            importlib.import_module(watch[0])


_FINDER = _Finder()
