"""The README's two commands are the ones CI runs, its first test passes with the installed fixtures, its
server-mode snippets run exactly as written on a machine with no AWS configuration (every ``AWS_*`` variable
removed, an empty ``HOME``), and its async example passes as a test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{title}\n")
    end = re.search(r"\n#{2,3} ", text[start + len(title) + 2 :])
    return text[start : start + len(title) + 2 + (end.start() if end else len(text))]


def python_blocks(title: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", section(title), flags=re.S)


def unconfigured_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.startswith("MOCK_CODEARTIFACT")}
    env["HOME"] = str(home)
    env["AWS_EC2_METADATA_DISABLED"] = "true"  # the one AWS_* setting kept: no instance-metadata lookups
    return env


SERVER_SNIPPETS = python_blocks("### Server mode")


def test_the_server_section_has_snippets():
    assert len(SERVER_SNIPPETS) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(SERVER_SNIPPETS)))
def test_server_snippet_runs_unconfigured(index, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    script = tmp_path / "snippet.py"
    script.write_text(SERVER_SNIPPETS[index], encoding="utf-8")
    env = unconfigured_env(home)
    env.pop("AWS_EC2_METADATA_DISABLED")  # exactly as written: no AWS_* at all
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert list(home.iterdir()) == []  # nothing written to the user's home


def run_as_test(block: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``block`` as a test file of its own with pytest, in an empty directory with an empty ``HOME``."""
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "test_readme_block.py").write_text(block, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "test_readme_block.py"],
        capture_output=True,
        text=True,
        env=unconfigured_env(home),
        timeout=120,
        cwd=tmp_path,
    )


def opening() -> str:
    text = README.read_text(encoding="utf-8")
    return text[: text.index("\n## ")]


@pytest.mark.slow
def test_async_example_passes(tmp_path):
    pytest.importorskip(
        "aioboto3", reason="the async example needs aioboto3 (the test extra; .ci/versions' core has none)"
    )
    (block,) = python_blocks("### Async: aiobotocore and aioboto3")
    done = run_as_test(block, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


@pytest.mark.slow
def test_first_test_passes_with_the_installed_fixtures(tmp_path):
    (block,) = re.findall(r"```python\n(.*?)```", opening(), flags=re.S)
    assert "import" not in block  # the fixtures need no import
    done = run_as_test(block, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_the_two_commands_are_the_ones_ci_runs():
    (block,) = re.findall(r"```bash\n(.*?)```", opening(), flags=re.S)
    example, suite = block.strip().splitlines()
    install, run = (part.strip() for part in example.split("&&"))
    assert install == "pip install ." and (ROOT / run.split()[-1]).is_file()
    *_, install, run = (part.strip() for part in suite.split("&&"))
    assert install == 'pip install ".[test]"'
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert run in ci  # .ci/run runs exactly the README's test command
