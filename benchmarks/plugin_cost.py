"""What the installed pytest plugin costs a project that never uses it: a one-test pytest run with the plugin
(loaded through its ``pytest11`` entry point, as in every project where the package is installed) against the same
run with ``-p no:mock_codeartifact``.

Both runs are subprocesses on one trivial test file in a temporary directory, with this checkout first on
``PYTHONPATH``; the other installed plugins load in both. Runs are paired, and each pair alternates which side goes
first, so that load from other processes hits both alike; the reported ratio is the median of the per-pair ratios
(target <= 1.05), of wall-clock time and, beside it, of the child's CPU time (user + system, from ``wait4``), which
other processes on a busy machine disturb far less. Run: ``python benchmarks/plugin_cost.py [--pairs N]``.
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


def _run(directory: Path, extra: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one pytest run."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([*BASE, *extra], cwd=directory, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0 or "1 passed" not in text:
        raise RuntimeError(f"pytest {' '.join(extra)} failed:\n{text[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def _check_plugin_loads(directory: Path, env: dict[str, str]) -> None:
    """The measured side really has the plugin (and the other really has not): its fixtures are listed."""
    for extra, expected in (([], True), (WITHOUT, False)):
        done = subprocess.run(
            [*BASE, "--fixtures", *extra], cwd=directory, env=env, capture_output=True, text=True, timeout=300
        )
        listed = "codeartifact_mock" in done.stdout
        if listed != expected:
            raise RuntimeError(f"pytest --fixtures {' '.join(extra)}: plugin listed={listed}, expected {expected}")


def measure(pairs: int = PAIRS) -> dict[str, float]:
    """Medians: wall and CPU ratios (with / without, per pair), and each side's wall and CPU seconds."""
    env = _env()
    with tempfile.TemporaryDirectory(prefix="plugin-cost-") as tmp:
        directory = Path(tmp)
        (directory / "test_trivial.py").write_text(TEST_FILE, encoding="utf-8")
        _check_plugin_loads(directory, env)
        for _ in range(WARMUP):
            _run(directory, [], env)
            _run(directory, WITHOUT, env)
        samples: dict[str, list[float]] = {
            k: [] for k in ("ratio", "cpu_ratio", "with", "without", "cpu_with", "cpu_without")
        }
        for i in range(pairs):
            if i % 2 == 0:
                a = _run(directory, [], env)
                b = _run(directory, WITHOUT, env)
            else:
                b = _run(directory, WITHOUT, env)
                a = _run(directory, [], env)
            samples["with"].append(a[0])
            samples["without"].append(b[0])
            samples["cpu_with"].append(a[1])
            samples["cpu_without"].append(b[1])
            samples["ratio"].append(a[0] / b[0])
            samples["cpu_ratio"].append(a[1] / b[1])
    return {k: statistics.median(v) for k, v in samples.items()}


def main() -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=PAIRS, help=f"paired runs (default {PAIRS}, at least 10)")
    args = parser.parse_args()
    pairs = max(10, args.pairs)
    m = measure(pairs)
    print(f"one-test pytest run, median of {pairs} alternating pairs:      wall        CPU")
    print(f"  with the plugin                              {m['with'] * 1000:8.1f} ms {m['cpu_with'] * 1000:8.1f} ms")
    print(
        f"  -p no:mock_codeartifact                      {m['without'] * 1000:8.1f} ms {m['cpu_without'] * 1000:8.1f} ms"
    )
    print(f"  ratio (median of pair ratios; target <= 1.05) {m['ratio']:8.3f}    {m['cpu_ratio']:8.3f}")
    return [
        (
            "plugin cost: one-test pytest run with the plugin / -p no:mock_codeartifact (ratio)",
            m["ratio"],
            "target <= 1.05",
        ),
        ("plugin cost, CPU time: with the plugin / -p no:mock_codeartifact (ratio)", m["cpu_ratio"], "target <= 1.05"),
        ("one-test pytest run with the plugin (ms)", m["with"] * 1000, "ms"),
        ("one-test pytest run with -p no:mock_codeartifact (ms)", m["without"] * 1000, "ms"),
    ]


if __name__ == "__main__":
    main()
