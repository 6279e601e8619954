"""Puts the root of this checkout on ``sys.path``, so that a benchmark imports the tests' builders of packages and
hostile inputs (``tests.support``) as the tests do: one home for how a wheel, an npm publish body or a gzip bomb is
made. A benchmark runs as a script (``python benchmarks/x.py``, which puts only ``benchmarks/`` on the path) or
under ``run_all.py``; either way it imports this module before ``tests.support``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)

if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
