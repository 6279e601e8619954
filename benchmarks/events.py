"""What CodeArtifact's EventBridge events cost the calls that make them (docs/events.md).

1. In-process, nobody listening (no moto, no endpoint): PublishPackageVersion through boto3 with this tree's code
   against the same loop on the code before events (``--base-ref``, extracted with ``git archive``), in worker
   pairs with interleaved rounds and an A/A control (``_trees.py``). Target: at most 2% more. The script also
   times what recording adds (one change recorded with nobody listening) against the publish: the same
   question, answered without the noise of two processes; and, when valgrind is installed, counts the
   instructions one publish executes in each tree (cachegrind), which no noise moves at all.
2. Server mode, a dead ``--events-endpoint`` (a port nobody listens on): publish latency through two servers in
   this process, one delivering to the dead endpoint and one without an endpoint, interleaved the same way.
   Delivery runs on its own thread, so the target is at most 5% more.

Run: ``python benchmarks/events.py [--pairs 8] [--rounds 21] [--calls 150]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _trees import compare, extract, instructions, interleaved

HERE = Path(__file__).resolve().parent
TREE = HERE.parent
BASE_REF = "b883e9a"  # the last commit before events were recorded

# What each worker repeats: one publish of a new version (benchmarks/_trees.py runs it in both trees).
PUBLISH = r"""
import hashlib
import boto3
from mock_codeartifact import mock_codeartifact
m = mock_codeartifact()
m.start()
client = boto3.client("codeartifact", region_name="us-east-1")
client.create_domain(domain="bench")
client.create_repository(domain="bench", repository="repo")
data = b"benchmark asset"
sha = hashlib.sha256(data).hexdigest()
counter = 0
def one():
    global counter
    counter += 1
    client.publish_package_version(domain="bench", repository="repo", format="generic", namespace="ns",
        package=f"p{counter // 100}", packageVersion=f"1.{counter}", assetContent=data, assetName="a.bin",
        assetSHA256=sha)
"""


def dead_endpoint(rounds: int, calls: int) -> tuple[float, float, float, dict[str, Any]]:
    import boto3

    from mock_codeartifact.server import ThreadedCodeArtifactServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    data = b"benchmark asset"
    sha = hashlib.sha256(data).hexdigest()
    with (
        ThreadedCodeArtifactServer(events_endpoint=dead) as slow,
        ThreadedCodeArtifactServer() as plain,
    ):
        clients = []
        for server in (slow, plain):
            client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=server.endpoint_url)
            client.create_domain(domain="bench")
            client.create_repository(domain="bench", repository="repo")
            clients.append([client, 0])

        def rounds_of(entry: list[Any]) -> Callable[[], float]:
            def one_round() -> float:
                client = entry[0]
                start = time.perf_counter()
                for _ in range(calls):
                    entry[1] += 1
                    client.publish_package_version(
                        domain="bench", repository="repo", format="generic", namespace="ns",
                        package=f"p{entry[1] // 100}", packageVersion=f"1.{entry[1]}", assetContent=data,
                        assetName="a.bin", assetSHA256=sha,
                    )  # fmt: skip
                return (time.perf_counter() - start) / calls * 1e6

            return one_round

        for _ in range(2):
            rounds_of(clients[0])()
            rounds_of(clients[1])()
        dead_costs, plain_costs = interleaved(rounds_of(clients[0]), rounds_of(clients[1]), rounds)
        assert slow.app.events_delivery is not None
        stats = slow.app.events_delivery.stats()
    ratio = statistics.median(x / y for x, y in zip(dead_costs, plain_costs, strict=True))
    return statistics.median(dead_costs), statistics.median(plain_costs), ratio, stats


def record_cost(calls: int = 20_000) -> float:
    """Microseconds to record one change with the in-process listeners attached and nobody listening (moto not
    imported): the whole of what events add to a call that changes one version."""
    import datetime as dt

    from mock_codeartifact import events
    from mock_codeartifact.backend import Backend
    from mock_codeartifact.backend.changes import VersionChange

    backend = Backend()
    events.attach(backend)
    now = dt.datetime.now(dt.timezone.utc)
    args = ("us-east-1", "d", "123456789012", "r", "123456789012", "generic", "ns", "p", "1.0", "Published", "r")
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            backend.changes.record(VersionChange(*args, 1, 0, 0, True, True, "Created", now))
        best = min(best, (time.perf_counter() - start) / calls * 1e6)
        backend.changes.reset()
    return best


def main() -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=21, help="rounds per worker pair")
    parser.add_argument("--pairs", type=int, default=8, help="worker pairs per side")
    parser.add_argument("--calls", type=int, default=150, help="publishes per round")
    parser.add_argument("--base-ref", default=BASE_REF)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        base = extract(args.base_ref, Path(scratch))
        result = compare(base, PUBLISH, pairs=args.pairs, rounds=args.rounds, calls=args.calls)
        counted = instructions(base, PUBLISH)
    theirs = result.theirs
    rows += [
        ("publish_package_version in-process, events recorded (us/call)", result.ours, "us"),
        ("publish_package_version in-process, before events (us/call)", theirs, "us"),
        ("events: in-process publish, no listener / before events ratio", result.ratio, "target <= 1.02"),
        ("A/A control: largest pair's distance from 1 (resolution)", result.resolution, "ratio"),
    ]
    if counted is not None:
        rows += [
            ("instructions per in-process publish, events recorded (thousands)", counted[0] / 1000, "cachegrind"),
            ("instructions per in-process publish, before events (thousands)", counted[1] / 1000, "cachegrind"),
            ("events: instructions per publish, no listener / before events", counted[0] / counted[1], "ratio"),
        ]
    recording = record_cost()
    rows += [
        ("recording one change, nobody listening (us)", recording, "us"),
        ("events: recording one change / in-process publish before events", recording / theirs, "target <= 0.02"),
    ]
    dead, plain, dead_ratio, stats = dead_endpoint(max(31, args.rounds), args.calls // 3)
    rows += [
        ("publish_package_version server, dead events endpoint (us/call)", dead, "us"),
        ("publish_package_version server, no events endpoint (us/call)", plain, "us"),
        ("events: server publish, dead endpoint / no endpoint ratio", dead_ratio, "target <= 1.05"),
    ]
    for name, value, unit in rows:
        print(f"{name:66s} {value:10.3f}  {unit}")
    print(f"dead endpoint delivery counts: {stats}")
    print("per pair, events/before: " + ", ".join(f"{r:.3f}" for r in result.pair_ratios))
    print("per pair, A/A control:   " + ", ".join(f"{r:.3f}" for r in result.control))
    return rows


if __name__ == "__main__":
    main()
