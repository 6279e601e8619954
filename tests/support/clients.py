"""Running real package-manager clients (pip, twine, npm, mvn, cargo, gem, the AWS CLI) as subprocesses: a private
environment that cannot read the user's configuration or reach a proxy, and runners that report the output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def client_env(tmp_path: Path) -> dict[str, str]:
    """An environment for client subprocesses: a private HOME and config under ``tmp_path``, no proxies, no user
    configuration of pip or npm."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy") and not k.startswith(("PIP_", "NPM_CONFIG_"))
    }
    env.update(
        {
            "HOME": str(home),
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_CACHE_DIR": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "npm_config_userconfig": str(home / ".npmrc"),
            "npm_config_cache": str(tmp_path / "npm-cache"),
            "npm_config_update_notifier": "false",
            "npm_config_audit": "false",
            "npm_config_fund": "false",
        }
    )
    return env


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a client subprocess: a private HOME, no proxies, ``extra`` on top."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["HOME"] = str(home)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def run(
    cmd: list[str], env: dict[str, str], cwd: Path | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run a client and return what it did (the caller checks the exit status: some tests expect a failure)."""
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def run_ok(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run a client; fail the test with its output when it fails or takes longer than ``timeout`` seconds."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{cmd[0]} timed out after {timeout}s\n{exc.stdout}\n{exc.stderr}")
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} failed ({proc.returncode})\nSTDOUT:\n{proc.stdout[-6000:]}\nSTDERR:\n{proc.stderr[-6000:]}"
        )
    return proc


def python() -> str:
    """The interpreter running the tests (its pip, twine and the AWS CLI are the ones the tests drive)."""
    return sys.executable
