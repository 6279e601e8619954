"""Run every benchmark in ``benchmarks/``, then write ``REPORT.md`` and ``cost_vs_versions.png`` beside this file.

Usage: ``python benchmarks/run_all.py [--only NAME ...] [--skip NAME ...] [--no-chart]``
(needs the ``bench`` extra for the chart and moto's server: ``pip install ".[bench]"``).

The convention every benchmark script follows (see ``benchmarks/README.md``): ``main()`` runs the benchmark,
prints its numbers and returns a list of rows ``(name, value, unit_or_target)``; a unit of the form
``"target <= 1.5"`` makes the row a checked ratio. A script may also fill a module-level
``CURVES: dict[str, list[tuple[int, float]]]`` (label -> points of (stored package versions, microseconds per
call)) for the chart. This runner adds its own curve of call cost against stored versions, so the chart exists
even when no script provides one.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import platform
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPORT = HERE / "REPORT.md"
CHART = HERE / "cost_vs_versions.png"

Row = tuple[str, float, str]
Curves = dict[str, list[tuple[int, float]]]

_TARGET = re.compile(r"target\s*(<=|>=|<|>|==)\s*([0-9][0-9_.,]*)")


def discover() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_"))


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmarks_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses (and pickling) look their module up there
    spec.loader.exec_module(module)
    return module


def run_script(path: Path) -> tuple[list[Row], Curves, str | None]:
    """Import a script and call its ``main()`` with an empty command line; (rows, curves, error)."""
    saved_argv = sys.argv
    sys.argv = [str(path)]
    try:
        module = load(path)
        rows = module.main() or []
        curves = dict(getattr(module, "CURVES", None) or {})
        return [(str(n), float(v), str(u)) for n, v, u in rows], curves, None
    except BaseException as exc:  # a broken benchmark is reported, the others still run
        if isinstance(exc, KeyboardInterrupt):
            raise
        traceback.print_exc()
        return [], {}, f"{type(exc).__name__}: {exc}"
    finally:
        sys.argv = saved_argv


def verdict(value: float, unit: str) -> str:
    match = _TARGET.search(unit)
    if not match:
        return ""
    op, raw = match.groups()
    limit = float(raw.replace(",", "").replace("_", ""))
    ok = {"<=": value <= limit, ">=": value >= limit, "<": value < limit, ">": value > limit, "==": value == limit}[op]
    return "yes" if ok else "**no**"


# --------------------------------------------------------------------------- cost against stored versions


def _cost_us(fn: Callable[[], Any], calls: int) -> float:
    for _ in range(max(calls // 5, 5)):  # warm up: the first calls pay for imports and caches
        fn()
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return min(samples)  # the least disturbed round: other processes only ever add time


_FULL_FROM = {"ListPackageVersions, first page of 50 (run_all)": 50}


def cost_vs_versions(steps: tuple[int, ...] = (10, 100, 1000, 5000)) -> tuple[list[Row], Curves]:
    """Call cost (in-process, us/call) as one package accumulates versions; flat lines mean no linear scans."""
    import boto3
    from botocore.exceptions import ClientError

    from mock_codeartifact import mock_codeartifact

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    curves: Curves = {
        "DescribePackageVersion (run_all)": [],
        "ListPackageVersions, first page of 50 (run_all)": [],
        "PublishPackageVersion, one more version (run_all)": [],
        "DescribePackage (run_all)": [],
    }
    coords = {"domain": "bench", "repository": "repo", "format": "generic", "namespace": "ns", "package": "pkg"}
    with mock_codeartifact():
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="bench")
        client.create_repository(domain="bench", repository="repo")
        stored = 0
        extra = 0

        def publish(version: str) -> None:
            content = version.encode()
            client.publish_package_version(
                **coords,
                packageVersion=version,
                assetContent=content,
                assetName="a.bin",
                assetSHA256=hashlib.sha256(content).hexdigest(),
            )

        try:
            publish("0.0.0")
        except ClientError as error:
            print(f"cost against stored versions skipped: {error}")
            return [], {}
        stored = 1
        for target in steps:
            while stored + extra < target:  # the versions one_more() added count too
                publish(f"1.{stored}.0")
                stored += 1
            probe = f"1.{stored // 2}.0"
            curves["DescribePackageVersion (run_all)"].append(
                (
                    stored + extra,
                    _cost_us(lambda p=probe: client.describe_package_version(**coords, packageVersion=p), 200),
                )
            )
            curves["ListPackageVersions, first page of 50 (run_all)"].append(
                (stored + extra, _cost_us(lambda: client.list_package_versions(**coords), 50))
            )
            curves["DescribePackage (run_all)"].append(
                (stored + extra, _cost_us(lambda: client.describe_package(**coords), 200))
            )

            def one_more(target: int = target) -> None:
                nonlocal extra
                extra += 1
                publish(f"9.{target}.{extra}")

            curves["PublishPackageVersion, one more version (run_all)"].append((stored + extra, _cost_us(one_more, 50)))
    rows: list[Row] = []
    for label, points in curves.items():
        # At 10 stored versions a first page of 50 holds 10 of them: its ratio starts at the first full page, so it
        # measures how the cost grows with what is stored, not with the size of the answer.
        low = next((p for p in points if p[0] >= _FULL_FROM.get(label, 0)), points[0])
        high = points[-1]
        rows.append((f"{label}: cost at {high[0]:,} / at {low[0]:,} versions", high[1] / low[1], "target <= 2"))
    for name, value, unit in rows:
        print(f"{name:70s} {value:8.2f}  {unit}")
    return rows, curves


def chart(curves: Curves, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install '.[bench]'): no chart")
        return False
    fig, ax = plt.subplots(figsize=(9, 7))
    for label, points in sorted(curves.items()):
        if points:
            xs, ys = zip(*sorted(points), strict=True)
            ax.plot(xs, ys, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("package versions stored")
    ax.set_ylabel("microseconds per call (in-process, boto3 included)")
    ax.set_title("mock-codeartifact: call cost against stored package versions")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------- report


def report(results: dict[str, tuple[list[Row], str | None, float]], has_chart: bool) -> str:
    lines = [
        "# Benchmark report",
        "",
        f"Written by `python benchmarks/run_all.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs. Numbers vary with the machine and its load; the ratios are what to compare.",
        "",
        "## Ratios and targets",
        "",
        "| benchmark | ratio | value | target | met |",
        "|---|---|---:|---|---|",
    ]
    for script, (rows, _, _) in results.items():
        for name, value, unit in rows:
            if _TARGET.search(unit) or "ratio" in name.lower():
                lines.append(f"| {script} | {name} | {value:,.2f} | {unit} | {verdict(value, unit)} |")
    lines += ["", "## All numbers", ""]
    for script, (rows, error, seconds) in results.items():
        lines += [f"### {script} ({seconds:.0f} s)", ""]
        if error:
            lines += [f"Failed: `{error}`", ""]
            continue
        lines += ["| measure | value | unit / target |", "|---|---:|---|"]
        lines += [f"| {name} | {value:,.3f} | {unit} |" for name, value, unit in rows]
        lines.append("")
    if has_chart:
        lines += ["## Cost against stored package versions", "", f"![cost against versions]({CHART.name})", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every benchmark and write REPORT.md and the chart.")
    parser.add_argument("--only", nargs="*", default=None, help="script names (without .py) to run")
    parser.add_argument("--skip", nargs="*", default=[], help="script names (without .py) to leave out")
    parser.add_argument("--no-chart", action="store_true", help="skip the cost-against-versions measurement")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    results: dict[str, tuple[list[Row], str | None, float]] = {}
    curves: Curves = {}
    for path in discover():
        if (args.only is not None and path.stem not in args.only) or path.stem in args.skip:
            continue
        print(f"\n=== {path.name}", flush=True)
        start = time.perf_counter()
        rows, more, error = run_script(path)
        results[path.stem] = (rows, error, time.perf_counter() - start)
        curves.update(more)
    has_chart = False
    if not args.no_chart:
        print("\n=== cost against stored package versions (run_all.py)", flush=True)
        start = time.perf_counter()
        error: str | None = None
        try:
            rows, own = cost_vs_versions()
        except Exception as exc:  # reported like a failing script
            traceback.print_exc()
            rows, own, error = [], {}, f"{type(exc).__name__}: {exc}"
        if not rows and error is None:
            error = "PublishPackageVersion unavailable"
        results["cost_vs_versions"] = (rows, error, time.perf_counter() - start)
        for label, points in own.items():
            curves.setdefault(label, points)
        has_chart = bool(curves) and chart(curves, CHART)
    REPORT.write_text(report(results, has_chart) + "\n", encoding="utf-8")
    print(f"\nwrote {REPORT}" + (f" and {CHART}" if has_chart else ""))
    failed = [name for name, (_, error, _) in results.items() if error]
    if failed:
        print(f"benchmarks that failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
