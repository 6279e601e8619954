"""What the installed pytest plugin costs a project that never uses it: a one-test pytest run with the plugin
(loaded through its ``pytest11`` entry point, as in every project where the package is installed) against the same
run with ``-p no:mock_codeartifact``.

Both runs are subprocesses on one trivial test file in a temporary directory, with this checkout first on
``PYTHONPATH``; the other installed plugins load in both. Runs are paired, and each pair alternates which side goes
first, so that load from other processes hits both alike; the reported ratio is the median of the per-pair ratios
(target <= 1.05). Run: ``python benchmarks/plugin_cost.py [--pairs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = 15
WARMUP = 2

TEST_FILE = "def test_trivial():\n    assert 1 + 1 == 2\n"
BASE = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
WITHOUT = ["-p", "no:mock_codeartifact"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_PLUGINS", None)
    return env


def _run(directory: Path, extra: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([*BASE, *extra], cwd=directory, env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or "1 passed" not in done.stdout:
        raise RuntimeError(f"pytest {' '.join(extra)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def _check_plugin_loads(directory: Path, env: dict[str, str]) -> None:
    """The measured side really has the plugin (and the other really has not): its fixtures are listed."""
    for extra, expected in (([], True), (WITHOUT, False)):
        done = subprocess.run(
            [*BASE, "--fixtures", *extra], cwd=directory, env=env, capture_output=True, text=True, timeout=300
        )
        listed = "codeartifact_mock" in done.stdout
        if listed != expected:
            raise RuntimeError(f"pytest --fixtures {' '.join(extra)}: plugin listed={listed}, expected {expected}")


def measure(pairs: int = PAIRS) -> tuple[float, float, float]:
    """(median ratio with/without, median seconds with, median seconds without)."""
    env = _env()
    with tempfile.TemporaryDirectory(prefix="plugin-cost-") as tmp:
        directory = Path(tmp)
        (directory / "test_trivial.py").write_text(TEST_FILE, encoding="utf-8")
        _check_plugin_loads(directory, env)
        for _ in range(WARMUP):
            _run(directory, [], env)
            _run(directory, WITHOUT, env)
        with_plugin: list[float] = []
        without_plugin: list[float] = []
        ratios: list[float] = []
        for i in range(pairs):
            if i % 2 == 0:
                a = _run(directory, [], env)
                b = _run(directory, WITHOUT, env)
            else:
                b = _run(directory, WITHOUT, env)
                a = _run(directory, [], env)
            with_plugin.append(a)
            without_plugin.append(b)
            ratios.append(a / b)
    return statistics.median(ratios), statistics.median(with_plugin), statistics.median(without_plugin)


def main() -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=PAIRS, help=f"paired runs (default {PAIRS}, at least 10)")
    args = parser.parse_args()
    pairs = max(10, args.pairs)
    ratio, with_s, without_s = measure(pairs)
    print(f"one-test pytest run, median of {pairs} alternating pairs:")
    print(f"  with the plugin               {with_s * 1000:8.1f} ms")
    print(f"  -p no:mock_codeartifact       {without_s * 1000:8.1f} ms")
    print(f"  ratio (median of pair ratios) {ratio:8.3f}  (target <= 1.05)")
    return [
        (
            "plugin cost: one-test pytest run with the plugin / with -p no:mock_codeartifact (ratio)",
            ratio,
            "target <= 1.05",
        ),
        ("one-test pytest run with the plugin (ms)", with_s * 1000, "ms"),
        ("one-test pytest run with -p no:mock_codeartifact (ms)", without_s * 1000, "ms"),
    ]


if __name__ == "__main__":
    main()
