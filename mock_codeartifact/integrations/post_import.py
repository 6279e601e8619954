"""Run code right after a module is imported, whether it is imported already or later (a post-import hook)."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

_lock = threading.Lock()
_pending: dict[str, str] = {}  # watched module -> module to import right after it


def when_imported(watched: str, then_import: str) -> None:
    """Import ``then_import`` once ``watched`` is imported: now if it already is, else right after it is."""
    if watched in sys.modules:
        if then_import not in sys.modules:
            importlib.import_module(then_import)
        return
    with _lock:
        if watched in _pending:
            return
        _pending[watched] = then_import
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


def cancel(watched: str) -> None:
    """Forget a pending :func:`when_imported` (no finder is left behind once nothing is pending)."""
    with _lock:
        _pending.pop(watched, None)
        if not _pending and _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: for a watched module it asks the other finders, then wraps the loader so that the
    follow-up import runs after the module's code has run."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if fullname not in _pending:
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
            then_import = _pending.pop(self._fullname, None)
            if not _pending and _FINDER in sys.meta_path:
                sys.meta_path.remove(_FINDER)
        if then_import is not None:
            importlib.import_module(then_import)


_FINDER = _Finder()
