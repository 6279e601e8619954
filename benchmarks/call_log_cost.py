"""What the call log (docs/call-log.md) adds to an in-process call: the same ``describe_repository`` with the log
recording and with its ``record`` replaced by a no-op, in interleaved rounds of one process (the foundation
benchmark's method), and the recording work on its own (two clock reads and ``CallLog.record``) as a share of a
call. Run: ``python benchmarks/call_log_cost.py``.
"""

from __future__ import annotations

import os
import timeit
from time import perf_counter, time
from typing import Any

import boto3
from foundation import _interleaved  # benchmarks/ is on sys.path, as a script and under run_all.py

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.backend.calls import CallLog


def _recording_alone() -> float:
    """Microseconds of the work the dispatcher does for the log on every call."""
    log = CallLog()
    params = {"domain": "bench", "repository": "repo"}
    principal, account, region = "arn:aws:iam::123456789012:root", "123456789012", "us-east-1"

    def work() -> None:
        started, clock = time(), perf_counter()
        log.record("DescribeRepository", params, principal, account, region, 200, None, started, perf_counter() - clock)

    n = 100_000
    return min(timeit.repeat(work, number=n, repeat=7)) / n * 1e6


def main() -> list[tuple[str, float, str]]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="bench")
        client.create_repository(domain="bench", repository="repo", description="benchmark")
        calls = m.backend.calls

        def noop(*args: Any) -> None:
            pass

        def logged() -> None:
            calls.__dict__.pop("record", None)  # the class's record
            client.describe_repository(domain="bench", repository="repo")

        def unlogged() -> None:
            calls.__dict__["record"] = noop
            client.describe_repository(domain="bench", repository="repo")

        try:
            with_log, without_log, ratio = _interleaved(logged, unlogged)
        finally:
            calls.__dict__.pop("record", None)
    alone = _recording_alone()
    rows = [
        ("describe_repository in-process, call log on (us/call)", with_log, "us"),
        ("describe_repository in-process, record() a no-op (us/call)", without_log, "us"),
        ("call log on / off ratio (median of interleaved rounds)", ratio, "target <= 1.03"),
        ("recording work alone (us/call)", alone, "us"),
        ("recording work / call log on call (%)", alone / with_log * 100, "target <= 3"),
    ]
    for name, value, unit in rows:
        print(f"{name:60s} {value:10.3f}  {unit}")
    return rows


if __name__ == "__main__":
    main()
