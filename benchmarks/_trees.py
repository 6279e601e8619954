"""The same in-process loop run by this tree's code and by an older commit's, side by side.

Each tree runs in worker processes of its own (a package can be imported once per process). One worker pair
scatters: two processes running identical code differ by a percent or two (memory layout, the hash seed,
which core they land on), which is as large as the differences these comparisons look for. So the comparison
runs several pairs, alternates short rounds within each pair (which side goes first alternates too) and takes
the median of all per-round ratios; and it runs the same scheme with the *older* tree on both sides (an A/A
control), whose ratio shows how finely the method resolves on this machine at this moment.

Where a process's objects land (the hash seed orders its dicts and sets; the size of its environment shifts its
stack) can make identical code a few percent faster or slower for the life of the process, and with a fixed seed
that luck is the same in every process of one tree: repeating pairs would repeat it, not average it out. So each
pair runs under its own hash seed and environment padding (both workers of a pair share them, and the A/A control
uses the same ones), and the median is taken over layouts as well as over rounds.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

TREE = Path(__file__).resolve().parent.parent

# A worker: SETUP defines ``one()``; then "N\n" on stdin runs it N times and answers the seconds it took.
_WORKER = r"""
import os, sys, time
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
import mock_codeartifact as package
exec(compile(sys.argv[1], "<setup>", "exec"))
for _ in range(300):
    one()
print("ready", package.__file__, flush=True)
for line in sys.stdin:
    n = int(line)
    start = time.perf_counter()
    for _ in range(n):
        one()
    print(time.perf_counter() - start, flush=True)
"""


def extract(ref: str, scratch: Path) -> Path:
    """``mock_codeartifact/`` as it was at ``ref``, extracted under ``scratch``."""
    archive = scratch / f"{ref}.tar"
    subprocess.run(["git", "-C", str(TREE), "archive", "-o", str(archive), ref, "mock_codeartifact"], check=True)
    target = scratch / ref
    with tarfile.open(archive) as tf:
        tf.extractall(target, filter="data")
    return target


class Worker:
    """A process running ``setup`` (which defines ``one()``) with ``tree`` first on ``sys.path``, under the hash
    seed and environment padding of ``layout``."""

    def __init__(self, tree: Path, setup: str, layout: int = 0) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(tree),
            "PYTHONHASHSEED": str(layout),
            "BENCH_LAYOUT_PADDING": "x" * (layout * 37 % 512),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER, setup],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),  # "-c" puts the working directory first on sys.path
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"worker for {tree} did not start")
        self.module = ready[1]

    def run(self, calls: int) -> float:
        """Microseconds per call of one round of ``calls`` calls."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{calls}\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline()) / calls * 1e6

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


def interleaved(a: Callable[[], float], b: Callable[[], float], rounds: int) -> tuple[list[float], list[float]]:
    """Per-round costs of ``a`` and ``b``; which one goes first alternates."""
    costs_a, costs_b = [], []
    for i in range(rounds):
        if i % 2:
            cb, ca = b(), a()
        else:
            ca, cb = a(), b()
        costs_a.append(ca)
        costs_b.append(cb)
    return costs_a, costs_b


@dataclass
class Comparison:
    ours: float  # median microseconds per call, this tree
    theirs: float  # the same, the older tree
    ratio: float  # median of the per-round ratios ours / theirs, over every pair
    pair_ratios: list[float]  # the median ratio of each worker pair
    control: list[float]  # each pair's median ratio with the older tree on both sides (A/A)

    @property
    def resolution(self) -> float:
        """How far an A/A pair strayed from 1: differences smaller than this are not resolved."""
        return max(abs(r - 1) for r in self.control)


def _pairs(a: Path, b: Path, setup: str, pairs: int, rounds: int, calls: int) -> list[tuple[list[float], list[float]]]:
    runs = []
    for pair in range(pairs):
        layout = pair + 1  # one layout per pair, the same for both of its workers and for the control's pair
        wa, wb = Worker(a, setup, layout), Worker(b, setup, layout)
        try:
            costs_a, costs_b = interleaved(functools.partial(wa.run, calls), functools.partial(wb.run, calls), rounds)
        finally:
            wa.close()
            wb.close()
        runs.append((costs_a, costs_b))
    return runs


def _ratio(costs_a: list[float], costs_b: list[float]) -> float:
    return statistics.median(x / y for x, y in zip(costs_a, costs_b, strict=True))


def compare(older: Path, setup: str, *, pairs: int = 4, rounds: int = 21, calls: int = 150) -> Comparison:
    """This tree against ``older`` on ``setup``'s ``one()``, with the A/A control."""
    runs = _pairs(TREE, older, setup, pairs, rounds, calls)
    controls = _pairs(older, older, setup, pairs, rounds, calls)
    ours = [c for a, _ in runs for c in a]
    theirs = [c for _, b in runs for c in b]
    return Comparison(
        ours=statistics.median(ours),
        theirs=statistics.median(theirs),
        ratio=_ratio(ours, theirs),
        pair_ratios=[_ratio(a, b) for a, b in runs],
        control=[_ratio(a, b) for a, b in controls],
    )


# A run counted by valgrind: SETUP defines ``one()``; it runs 300 times to warm up, then N more times, and exits.
_COUNTED = r"""
import os, sys
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
exec(compile(sys.argv[1], "<setup>", "exec"))
for _ in range(300 + int(sys.argv[2])):
    one()
"""
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _instructions_run(tree: Path, setup: str, calls: int) -> int:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        + [sys.executable, "-c", _COUNTED, setup, str(calls)],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=True,
    )
    found = _REFS.search(done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def instructions(older: Path, setup: str, *, calls: int = 1000) -> tuple[float, float] | None:
    """Instructions per call of ``one()`` in this tree and in ``older``, counted by valgrind's cachegrind (``None``
    when valgrind is not installed).

    The count does not depend on what else the machine is doing, nor on where a process's objects land: the
    timing comparison's second opinion. Each tree runs once with ``calls`` more calls than the other run, and the
    difference divided by ``calls`` is the cost of one call (start-up and warm-up cancel out).
    """
    if shutil.which("valgrind") is None:
        return None
    jobs = [(tree, n) for tree in (TREE, older) for n in (0, calls)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        counts = list(pool.map(lambda job: _instructions_run(job[0], setup, job[1]), jobs))
    return (counts[1] - counts[0]) / calls, (counts[3] - counts[2]) / calls
