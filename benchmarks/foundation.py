"""Cost of an in-process mocked call against botocore's own floor, and of entering/leaving the mock.

The floor is the same ``describe_repository`` call answered by a ``before-send`` hook that returns a canned
response: everything botocore does (serialize, sign, parse) and nothing else. The ratio says how much the mock
adds on top. The same in-process call is then timed against an older commit's code (``--against REF``, by default
the commit before issue 22's reorganisation) in worker pairs with an A/A control (``_trees.py``): the
reorganisation keeps the in-process path within 2% of where it was. Run: ``python benchmarks/foundation.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from _trees import compare, extract
from botocore.awsrequest import AWSResponse

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.mock import _before_send, _RawBody

CALLS = 400
ROUNDS = 41
BEFORE_REORGANISATION = "c9071b5"

# What each worker of the cross-tree comparison repeats: the same describe_repository as the floor comparison.
DESCRIBE = r"""
import boto3
from mock_codeartifact import mock_codeartifact
m = mock_codeartifact()
m.start()
client = boto3.client("codeartifact", region_name="us-east-1")
client.create_domain(domain="bench")
client.create_repository(domain="bench", repository="repo", description="benchmark")
def one():
    client.describe_repository(domain="bench", repository="repo")
"""


def _cost(fn: Any, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def _interleaved(a: Any, b: Any, calls: int = CALLS, rounds: int = ROUNDS) -> tuple[float, float, float]:
    """Median costs (us) of ``a`` and ``b`` and the median of their per-round ratio.

    Many short rounds, alternating which of the two goes first, so that load from other processes (and drift)
    hits both alike; on a shared machine single rounds scatter by +-10%, their median by far less.
    """
    for _ in range(200):
        a()
        b()
    costs_a, costs_b, ratios = [], [], []
    for i in range(rounds):
        if i % 2:
            cb, ca = _cost(b, calls), _cost(a, calls)
        else:
            ca, cb = _cost(a, calls), _cost(b, calls)
        costs_a.append(ca)
        costs_b.append(cb)
        ratios.append(ca / cb)
    return statistics.median(costs_a), statistics.median(costs_b), statistics.median(ratios)


def main() -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", default=BEFORE_REORGANISATION, help="the commit to compare this tree with")
    parser.add_argument("--pairs", type=int, default=4, help="worker pairs per side")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_codeartifact():
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain="bench")
        client.create_repository(domain="bench", repository="repo", description="benchmark")
        raw = client.describe_repository(domain="bench", repository="repo")
        canned_body = (
            b'{"repository":{"name":"repo","administratorAccount":"123456789012","domainName":"bench",'
            b'"domainOwner":"123456789012","arn":"arn:aws:codeartifact:us-east-1:123456789012:repository/bench/repo",'
            b'"description":"benchmark","upstreams":[],"externalConnections":[],"createdTime":1700000000.123}}'
        )
        assert raw["repository"]["name"] == "repo"

        floor_client = boto3.client("codeartifact", region_name="us-east-1")

        def canned(request: Any, **kwargs: Any) -> AWSResponse:
            headers = {"Content-Type": "application/json", "Content-Length": str(len(canned_body))}
            return AWSResponse(request.url, 200, headers, _RawBody(canned_body))

        # The floor client carries the canned handler instead of the mock's.
        floor_client.meta.events.unregister("before-send.codeartifact", _before_send)
        floor_client.meta.events.register_first("before-send.codeartifact", canned)
        canned_answer = floor_client.describe_repository(domain="bench", repository="repo")
        assert canned_answer["repository"]["createdTime"].year == 2023, "the floor must not reach the mock"
        mocked, floor, ratio = _interleaved(
            lambda: client.describe_repository(domain="bench", repository="repo"),
            lambda: floor_client.describe_repository(domain="bench", repository="repo"),
        )

    def enter_leave() -> None:
        with mock_codeartifact():
            pass

    toggle = statistics.median(_cost(enter_leave, 500) for _ in range(7))
    rows = [
        ("describe_repository in-process (us/call)", mocked, "us"),
        ("describe_repository botocore floor (us/call)", floor, "us"),
        ("mock / floor ratio (median of interleaved rounds)", ratio, "target <= 1.15"),
        ("enter + leave mock_codeartifact() (ms)", toggle / 1000, "target <= 0.06 ms"),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        result = compare(extract(args.against, Path(scratch)), DESCRIBE, pairs=args.pairs, rounds=21, calls=CALLS)
    rows += [
        (f"describe_repository in-process, {args.against} (us/call)", result.theirs, "us"),
        ("describe_repository in-process, this tree (us/call)", result.ours, "us"),
        (f"this tree / {args.against} (worker pairs, interleaved)", result.ratio, "target <= 1.02"),
        ("A/A control: largest pair's distance from 1 (resolution)", result.resolution, "ratio"),
    ]
    for name, value, unit in rows:
        print(f"{name:58s} {value:10.3f}  {unit}")
    print(f"per pair, this tree / {args.against}: " + ", ".join(f"{r:.3f}" for r in result.pair_ratios))
    print("per pair, A/A control: " + ", ".join(f"{r:.3f}" for r in result.control))
    return rows


if __name__ == "__main__":
    main()
