"""The tests' builders of packages and hostile inputs, for the benchmarks: one home for how a wheel, an npm
publish body or a gzip bomb is made (``tests/dataplane/builders.py``, ``tests/hostile/builders.py``).

The test folders are not packages, so each module is loaded from its file under a name of its own.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

_TESTS = Path(__file__).resolve().parent.parent / "tests"


def _load(relative: str, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, _TESTS / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hostile = _load("hostile/builders.py", "benchmark_hostile_builders")
packages = _load("dataplane/builders.py", "benchmark_package_builders")
