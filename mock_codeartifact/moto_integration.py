"""moto users: CodeArtifact requests made while moto's ``mock_aws`` is active are answered by this library.

Under pytest the plugin turns this on (unless the ini option ``codeartifact_mock_aws = false`` or the
environment variable ``MOCK_CODEARTIFACT_MOCK_AWS=0`` turns it off); anywhere else, ``import
mock_codeartifact.for_moto`` (or call :func:`enable`) once, before moto's mock starts. See docs/moto.md.

How, at no cost until a CodeArtifact request arrives:

* :func:`enable` waits for ``moto.core.models`` to be imported (a ``sys.meta_path`` entry that only looks at that
  one name, then removes itself), or patches it at once when moto is already imported. It wraps
  ``MockAWS._enable_patching`` and ``_disable_patching``, which moto calls when its *outermost* mock starts and
  stops, with the ``reset``/``remove_data`` flags its decorators pass (a ``setUp`` keeps its data for the test).
  moto's server and proxy modes override both and are left alone. It also registers the one
  ``before-send.codeartifact`` handler (:mod:`.send_hook`) next to moto's own.
* Nothing else happens when ``mock_aws`` starts. The first CodeArtifact request made through botocore while it is
  active loads the mock and holds it for moto (:func:`.activation.hold_for_moto`), resetting state when moto
  reset its own; the outermost stop releases it before moto stops its own ``responses`` mock (clearing state when
  moto removes its data).
* An explicit ``mock_codeartifact`` behaves as on its own: while one is active, it answers.

This module imports nothing heavy: the pytest plugin imports it at start-up.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from typing import Any

from .inprocess import send_hook

ENV_VAR = "MOCK_CODEARTIFACT_MOCK_AWS"
INI_OPTION = "codeartifact_mock_aws"
_OFF = frozenset({"0", "false", "no", "off"})
_MOTO_MODULE = "moto.core.models"
_ACTIVATION_MODULE = f"{__package__}.inprocess.activation"
_WRAPPED = "__mock_codeartifact_wrapped__"

_lock = threading.RLock()
_enabled = 0
_patched: tuple[Any, Any, Any] | None = None  # MockAWS and its two methods as moto defined them
_moto_active = False
_pending_reset = True
_held = False


def enable() -> None:
    """Answer CodeArtifact requests made while moto's ``mock_aws`` is active, from now on (counted: each call
    needs one :func:`disable`). Call it before moto's mock starts and before clients are created."""
    global _enabled
    with _lock:
        _enabled += 1
        if _enabled > 1:
            return
        send_hook.set_waker(_wake)
        models = sys.modules.get(_MOTO_MODULE)
        if models is not None:
            _patch(models)
        elif not any(finder is _finder for finder in sys.meta_path):
            sys.meta_path.insert(0, _finder)


def disable() -> None:
    """Undo one :func:`enable`; after the last, ``mock_aws`` leaves CodeArtifact requests alone again."""
    global _enabled, _held
    with _lock:
        if _enabled == 0:
            return
        _enabled -= 1
        if _enabled:
            return
        _remove_finder()
        _unpatch()
        send_hook.set_waker(None)
        if _held:
            _held = False
            sys.modules[_ACTIVATION_MODULE].release_for_moto(remove_data=False)


def is_enabled() -> bool:
    """Whether requests made under ``mock_aws`` are answered (once moto is imported)."""
    return _enabled > 0


def wanted(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment variable ``MOCK_CODEARTIFACT_MOCK_AWS`` leaves the integration on (unset: on;
    ``0``, ``false``, ``no``, ``off``: off)."""
    return environ.get(ENV_VAR, "").strip().lower() not in _OFF


# --------------------------------------------------------------------------- moto's lifecycle


def _wake() -> bool:
    """The first CodeArtifact request under ``mock_aws``: hold the mock for moto (``send_hook``'s waker)."""
    global _held, _pending_reset
    if not _moto_active:  # outside mock_aws: the request goes on untouched
        return False
    with _lock:
        if not _moto_active or _held or not _enabled:
            return False
        from .inprocess import activation

        activation.hold_for_moto(reset_state=_pending_reset)
        _held, _pending_reset = True, False
        return True


def _moto_started(reset: bool) -> None:
    global _moto_active, _pending_reset
    with _lock:
        _moto_active = True
        if reset:
            _pending_reset = True


def _moto_stopping(remove_data: bool) -> None:
    global _moto_active, _held, _pending_reset
    with _lock:
        _moto_active = False
        if _held:
            _held = False
            sys.modules[_ACTIVATION_MODULE].release_for_moto(remove_data=remove_data)
        elif remove_data:
            _pending_reset = True


def _flag(args: tuple[Any, ...], kwargs: dict[str, Any], name: str) -> bool:
    return bool(kwargs[name] if name in kwargs else (args[0] if args else True))


def _patch(models: Any) -> None:
    global _patched, _moto_active
    cls: Any = getattr(models, "MockAWS", None)
    start = getattr(cls, "__dict__", {}).get("_enable_patching")
    stop = getattr(cls, "__dict__", {}).get("_disable_patching")
    if start is None or stop is None or _patched is not None:
        return  # a moto this module does not know: leave it alone

    def _enable_patching(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = start(self, *args, **kwargs)
        _moto_started(_flag(args, kwargs, "reset"))
        return result

    def _disable_patching(self: Any, *args: Any, **kwargs: Any) -> Any:
        # Before moto stops its responses mock: ours was started inside it and must stop first.
        _moto_stopping(_flag(args, kwargs, "remove_data"))
        return stop(self, *args, **kwargs)

    for wrapper, original in ((_enable_patching, start), (_disable_patching, stop)):
        wrapper.__name__ = wrapper.__qualname__ = original.__name__
        wrapper.__doc__ = original.__doc__
        setattr(wrapper, _WRAPPED, original)
    cls._enable_patching = _enable_patching
    cls._disable_patching = _disable_patching
    _patched = (cls, start, stop)
    # Enabled inside an active mock_aws (its outermost start already ran): it is active now.
    _moto_active = getattr(cls, "_nested_count", 0) > 0
    send_hook.register_builtin()


def _unpatch() -> None:
    global _patched, _moto_active
    if _patched is None:
        return
    cls, start, stop = _patched
    if getattr(cls.__dict__.get("_enable_patching"), _WRAPPED, None) is start:
        cls._enable_patching = start
    if getattr(cls.__dict__.get("_disable_patching"), _WRAPPED, None) is stop:
        cls._disable_patching = stop
    _patched = None
    _moto_active = False


# --------------------------------------------------------------------------- waiting for moto's import


class _MotoFinder:
    """A ``sys.meta_path`` entry that answers for no module: when ``moto.core.models`` is found (by the other
    finders), it arranges for MockAWS to be patched right after the module runs."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != _MOTO_MODULE:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            return None

        def patched_exec(module: Any) -> None:
            del loader.exec_module  # back to the loader's own method
            exec_module(module)
            with _lock:
                _remove_finder()
                if _enabled:
                    _patch(module)

        try:
            loader.exec_module = patched_exec  # this loader instance, for this one import
        except AttributeError:  # a loader that takes no attributes: moto stays unpatched
            return None
        return spec


_finder = _MotoFinder()


def _remove_finder() -> None:
    while _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
