"""``benchmarks/run_all.py`` without running any benchmark: every script follows the convention, the report reads."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def run_all() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_run_all", BENCHMARKS / "run_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_script_has_a_main(run_all: ModuleType) -> None:
    scripts = run_all.discover()
    assert scripts, "no benchmark found"
    for path in scripts:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        mains = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
        assert mains, f"{path.name} has no main() (see benchmarks/README.md)"
        args = mains[0].args
        assert len(args.args) == len(args.defaults), f"{path.name}: main() must be callable without arguments"


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (1.2, "target <= 1.5", "yes"),
        (1.6, "target <= 1.5", "**no**"),
        (0.4, "target <= 0.5 ms", "yes"),
        (3.0, "target >= 2", "yes"),
        (10.0, "us", ""),
    ],
)
def test_targets_are_checked(run_all: ModuleType, value: float, unit: str, expected: str) -> None:
    assert run_all.verdict(value, unit) == expected


def test_report_has_the_ratio_table_and_every_number(run_all: ModuleType) -> None:
    results = {
        "alpha": ([("call (us/call)", 12.5, "us"), ("mock / floor ratio", 1.25, "target <= 1.5")], None, 1.0),
        "beta": ([], "RuntimeError: boom", 0.5),
    }
    text = run_all.report(results, has_chart=True)
    assert "| alpha | mock / floor ratio | 1.25 | target <= 1.5 | yes |" in text
    assert "| call (us/call) | 12.500 | us |" in text
    assert "Failed: `RuntimeError: boom`" in text
    assert "![cost against versions](cost_vs_versions.png)" in text
