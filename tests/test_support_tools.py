"""The suite's one helper for outside tools: a tool on the PATH counts only when ``tool --version`` runs, so a
broken one (a ``cargo`` whose rustup cannot choose a toolchain) skips its tests instead of failing them."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.support.tools import need, tool_path


def fake_tool(directory: Path, exit_code: int) -> str:
    name = f"fake-tool-{uuid.uuid4().hex[:8]}"  # a new name: the helper remembers what it found per name
    script = directory / name
    script.write_text(
        f"#!/bin/sh\necho 'error: rustup could not choose a version of cargo to run' >&2\nexit {exit_code}\n"
    )
    script.chmod(0o755)
    return name


def test_a_tool_whose_version_fails_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    broken = fake_tool(tmp_path, 1)
    assert tool_path(broken) is None
    with pytest.raises(pytest.skip.Exception, match=broken):
        need(broken)


def test_a_tool_that_runs_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    working = fake_tool(tmp_path, 0)
    assert need(working) == str(tmp_path / working)


def test_an_absent_tool_skips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.skip.Exception):
        need(f"absent-{uuid.uuid4().hex[:8]}")
