"""The one way a test finds an outside tool (npm, mvn, cargo, gem, chromium, the AWS CLI...) or skips.

A tool counts as present only when ``tool --version`` runs and exits 0: a ``cargo`` on the PATH whose rustup
cannot choose a toolchain, or a broken ``npm``, skips its tests instead of failing them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Where CI installs the clients that do not come with the machine (awscli, uv and poetry from the test extra, pnpm
# and yarn through ``npm install --global --prefix .venv``): next to this interpreter, which may not be on PATH.
TOOLS_DIR = Path(sys.executable).parent

_found: dict[str, str | None] = {}


def tool_path(tool: str) -> str | None:
    """The path of ``tool`` (on PATH or beside this interpreter) when ``tool --version`` succeeds, else None."""
    if tool not in _found:
        path = shutil.which(tool) or shutil.which(tool, path=str(TOOLS_DIR))
        if path is not None:
            try:
                done = subprocess.run([path, "--version"], capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
            except (OSError, subprocess.TimeoutExpired):
                path = None
            else:
                path = path if done.returncode == 0 else None
        _found[tool] = path
    return _found[tool]


def need(*tools: str) -> str:
    """The path of the first of ``tools``; skip the calling test unless every one of them is present and runs."""
    paths = []
    for tool in tools:
        path = tool_path(tool)
        if path is None:
            pytest.skip(f"{tool} is not installed here or '{tool} --version' fails (.ci/run installs it)")
        paths.append(path)
    return paths[0]


def node_packages(directory: Path, marker: str) -> Path:
    """``directory``'s ``node_modules``, installed from its lock file (``npm ci``) on first use when ``marker`` (a
    path inside ``node_modules``) is missing, as ``.ci/run`` does; skips the calling test when npm is absent, fails
    it when the install fails. One install per directory, whichever xdist worker gets there first."""
    import fcntl

    modules = directory / "node_modules"
    if (modules / marker).exists():
        return modules
    npm = need("npm")
    with open(directory / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (modules / marker).exists():
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=directory,
                capture_output=True,
                text=True,
                timeout=600,
                stdin=subprocess.DEVNULL,
            )
            if done.returncode != 0 or not (modules / marker).exists():
                pytest.fail(f"`npm ci` in {directory} failed:\n{done.stdout}\n{done.stderr}")
    return modules
