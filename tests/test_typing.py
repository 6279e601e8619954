"""``mypy --strict`` on user code: ``tests/test_typed_usage.py`` passes, and misuse is reported.

mypy runs once (a subprocess, on this checkout's package) over the typed module and over ``MISUSE`` below, whose
lines say what mypy must report: ``# E: code`` an error with that code on that line, ``# R: text`` a revealed type
containing that text. Any other error fails the test, so it fails both when the types are lost (``f("x")`` on a
decorated ``def f(n: int)`` passing unnoticed) and when they are wrong.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy is in the test extras")
pytest.importorskip("mypy_boto3_codeartifact", reason="mypy-boto3-codeartifact is in the test extras")

ROOT = Path(__file__).resolve().parent.parent
TYPED_MODULE = Path(__file__).resolve().parent / "test_typed_usage.py"

# What a user's project configures: strict, and boto3/botocore without stubs (mypy-boto3-codeartifact alone).
CONFIG = """\
[mypy]
strict = True
follow_imports = silent

[mypy-boto3.*,botocore.*]
ignore_missing_imports = True
"""

MISUSE = """\
import unittest

from mock_codeartifact import mock_codeartifact


@mock_codeartifact
def f(n: int) -> int:
    return n


@mock_codeartifact(authorization=False)
def g(n: int) -> int:
    return n


@mock_codeartifact(state="exported-state")
def h(n: int) -> int:
    return n


@mock_codeartifact
async def a(n: int) -> int:
    return n


@mock_codeartifact
class Plain:
    def test_x(self, n: int) -> int:
        return n


@mock_codeartifact
class Case(unittest.TestCase):
    def helper(self, n: int) -> int:
        return n


f("x")  # E: arg-type
g("x")  # E: arg-type
h("x")  # E: arg-type
pending = a("x")  # E: arg-type
Plain().test_x("x")  # E: arg-type
Case().helper("x")  # E: arg-type
s: str = f(1)  # E: assignment
reveal_type(f)  # R: def (n: int) -> int
reveal_type(g)  # R: def (n: int) -> int
reveal_type(a)  # R: def (n: int) -> typing.Coroutine[Any, Any, int]
reveal_type(Plain)  # R: def () -> misuse.Plain
with mock_codeartifact() as m:
    reveal_type(m)  # R: mock_codeartifact.mock.MockCodeArtifact
    reveal_type(m.server().client())  # R: mypy_boto3_codeartifact.client.CodeArtifactClient
reveal_type(mock_codeartifact(authorization=False))  # R: mock_codeartifact.mock.MockCodeArtifact
mock_codeartifact.reset()
mock_codeartifact(state=42)  # E: call-overload
mock_codeartifact.resett()  # E: attr-defined
"""

_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<kind>error|note): (?P<text>.*?)(?:  \[(?P<code>[\w-]+)\])?$")


def _expected(source: str) -> tuple[dict[int, str], dict[int, str]]:
    errors, reveals = {}, {}
    for number, line in enumerate(source.splitlines(), start=1):
        if "# E: " in line:
            errors[number] = line.split("# E: ", 1)[1].strip()
        if "# R: " in line:
            reveals[number] = line.split("# R: ", 1)[1].strip()
    return errors, reveals


def test_mypy_strict_passes_on_the_typed_module_and_reports_misuse(tmp_path):
    misuse = tmp_path / "misuse.py"
    misuse.write_text(MISUSE, encoding="utf-8")
    config = tmp_path / "mypy.ini"
    config.write_text(CONFIG, encoding="utf-8")
    # This checkout's package first (MYPYPATH), as PYTHONPATH puts it first for the tests themselves.
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    cache = Path(tempfile.gettempdir()) / "mock-codeartifact-typing-test-mypy-cache"
    command = [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(cache)]
    command += ["--show-error-codes", "--no-pretty", "--no-error-summary", "--hide-error-context"]
    done = subprocess.run(
        [*command, str(TYPED_MODULE), str(misuse)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert "Traceback" not in done.stderr, done.stderr

    typed_errors: list[str] = []
    errors: dict[int, list[str]] = {}
    reveals: dict[int, list[str]] = {}
    other: list[str] = []
    for line in done.stdout.splitlines():
        match = _LINE.match(line)
        if match is None:
            other.append(line)
            continue
        path, number, kind = Path(match["path"]).name, int(match["line"]), match["kind"]
        if path == TYPED_MODULE.name:
            typed_errors.append(line)
        elif path == misuse.name and kind == "error":
            errors.setdefault(number, []).append(match["code"] or "")
        elif path == misuse.name and match["text"].startswith("Revealed type is"):
            # Older mypy spells builtins out ("builtins.int"), newer does not.
            reveals.setdefault(number, []).append(match["text"].replace("builtins.", ""))
        elif kind == "error":
            other.append(line)

    assert typed_errors == [], "\n".join(typed_errors)
    assert other == [], "\n".join(other)
    expected_errors, expected_reveals = _expected(MISUSE)
    assert {n: codes for n, codes in errors.items()} == {n: [code] for n, code in expected_errors.items()}, done.stdout
    for number, text in expected_reveals.items():
        assert any(text in revealed for revealed in reveals.get(number, [])), (number, text, reveals.get(number))
    assert done.returncode == 1  # the misuse file has errors, and only those
