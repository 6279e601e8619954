"""Per-test cost where users feel it: a 500-test pytest suite using the ``codeartifact_client`` fixture next to
the same suite with moto's ``mock_aws``, each minus an empty 500-test suite; and entering plus leaving the mock.

Each suite runs in its own pytest subprocess (``-p no:randomly``); the suites alternate for ``ROUNDS`` rounds
(moto's for ``MOTO_ROUNDS``) so that load from other processes hits them alike, and the medians are reported.
The fixture's one-time costs (building the codec, loading botocore's data for the shared client) are spread over
the suite, as a user's suite pays them. Run:
``python benchmarks/fixture_cost.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = 500
ROUNDS = 3
MOTO_ROUNDS = 1  # about a minute per run, and two orders of magnitude apart: one run is enough

HEADER = {
    "empty": "",
    "fixture": "",
    "fixture_call": "",
    "moto": """
import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def client():
    with mock_aws():
        yield boto3.client("codeartifact", region_name="us-east-1")
""",
}
BODY = {
    "empty": "def test_{i}():\n    pass\n",
    "fixture": "def test_{i}(codeartifact_client):\n    pass\n",
    "fixture_call": "def test_{i}(codeartifact_client):\n    codeartifact_client.list_domains()\n",
    "moto": "def test_{i}(client):\n    pass\n",
}


def _write(root: Path, name: str) -> Path:
    directory = root / name
    directory.mkdir()
    text = HEADER[name] + "\n" + "\n\n".join(BODY[name].format(i=i) for i in range(TESTS))
    (directory / f"test_{name}.py").write_text(text, encoding="utf-8")
    return directory


def _run(directory: Path, env: dict[str, str]) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-x"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or f"{TESTS} passed" not in done.stdout:
        raise RuntimeError(f"suite {directory.name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def enter_leave_ms(rounds: int = 7, calls: int = 2000) -> float:
    from mock_codeartifact import mock_codeartifact

    def once() -> None:
        with mock_codeartifact():
            pass

    for _ in range(200):
        once()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            once()
        samples.append((time.perf_counter() - start) / calls * 1000)
    return statistics.median(samples)


def main() -> list[tuple[str, float, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true")
    times: dict[str, list[float]] = {name: [] for name in BODY}
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {name: _write(Path(tmp), name) for name in BODY}
        for round in range(ROUNDS):
            for name, directory in dirs.items():
                if name != "moto" or round < MOTO_ROUNDS:
                    times[name].append(_run(directory, env))
    median = {name: statistics.median(values) for name, values in times.items()}
    per_test = {name: (median[name] - median["empty"]) / TESTS * 1000 for name in BODY if name != "empty"}
    toggle = enter_leave_ms()
    rows = [
        (f"empty suite of {TESTS} tests (s)", median["empty"], "s"),
        ("per-test overhead, codeartifact_client fixture (ms)", per_test["fixture"], "target <= 3.5 ms"),
        ("per-test overhead, fixture + one ListDomains call (ms)", per_test["fixture_call"], "ms"),
        ("per-test overhead, moto mock_aws fixture with a client (ms)", per_test["moto"], "ms"),
        ("moto / codeartifact_client per-test overhead ratio", per_test["moto"] / per_test["fixture"], "target >= 30"),
        ("enter + leave mock_codeartifact() (ms)", toggle, "target <= 0.06 ms"),
    ]
    for name, value, unit in rows:
        print(f"{name:62s} {value:10.3f}  {unit}")
    return rows


if __name__ == "__main__":
    main()
