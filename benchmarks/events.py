"""What CodeArtifact's EventBridge events cost the calls that make them (docs/events.md).

1. In-process, nobody listening (no moto, no endpoint): PublishPackageVersion through boto3 with this tree's code
   against the same loop on the code before events (``--base PATH`` to a checkout, default ``/work/main`` when it
   holds no ``mock_codeartifact/events``; else ``--base-ref``, extracted with ``git archive``). Each side runs in
   its own process; the benchmark alternates short rounds between them (which one goes first alternates too) and
   takes the median of the per-round ratios. Target: at most 2% more. Separate processes scatter more than one
   process does, so the script also times what recording adds (one change recorded with nobody listening)
   against the publish: the same question, answered without the noise of two processes.
2. Server mode, a dead ``--events-endpoint`` (a port nobody listens on): publish latency through two servers in
   this process, one delivering to the dead endpoint and one without an endpoint, interleaved the same way.
   Delivery runs on its own thread, so the target is at most 5% more.

Run: ``python benchmarks/events.py [--rounds 41] [--calls 150]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TREE = HERE.parent
BASE_REF = "b883e9a"  # the last commit before events were recorded

# One process per tree: "N\n" on stdin publishes N new versions and answers the seconds it took.
WORKER = r"""
import hashlib, os, sys, time
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
import boto3
from mock_codeartifact import mock_codeartifact
import mock_codeartifact as package
m = mock_codeartifact()
m.start()
client = boto3.client("codeartifact", region_name="us-east-1")
client.create_domain(domain="bench")
client.create_repository(domain="bench", repository="repo")
data = b"benchmark asset"
sha = hashlib.sha256(data).hexdigest()
counter = 0
def publish():
    global counter
    counter += 1
    client.publish_package_version(domain="bench", repository="repo", format="generic", namespace="ns",
        package=f"p{counter // 100}", packageVersion=f"1.{counter}", assetContent=data, assetName="a.bin",
        assetSHA256=sha)
for _ in range(300):
    publish()
print("ready", package.__file__, flush=True)
for line in sys.stdin:
    n = int(line)
    start = time.perf_counter()
    for _ in range(n):
        publish()
    print(time.perf_counter() - start, flush=True)
"""


class Worker:
    def __init__(self, tree: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),  # "-c" puts the working directory first on sys.path
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"worker for {tree} did not start")
        self.module = ready[1]

    def run(self, calls: int) -> float:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{calls}\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline()) / calls * 1e6

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


def interleaved(a: Callable[[], float], b: Callable[[], float], rounds: int) -> tuple[float, float, float]:
    """Median cost of ``a`` and of ``b`` (each returns microseconds per call for one round) and the median of
    their per-round ratios; which one goes first alternates."""
    costs_a, costs_b, ratios = [], [], []
    for i in range(rounds):
        if i % 2:
            cb, ca = b(), a()
        else:
            ca, cb = a(), b()
        costs_a.append(ca)
        costs_b.append(cb)
        ratios.append(ca / cb)
    return statistics.median(costs_a), statistics.median(costs_b), statistics.median(ratios)


def base_tree(path: str | None, ref: str, scratch: Path) -> Path:
    if path and Path(path, "mock_codeartifact").is_dir() and not Path(path, "mock_codeartifact", "events").exists():
        return Path(path)
    archive = scratch / "base.tar"
    subprocess.run(["git", "-C", str(TREE), "archive", "-o", str(archive), ref, "mock_codeartifact"], check=True)
    with tarfile.open(archive) as tf:
        tf.extractall(scratch / "base", filter="data")
    return scratch / "base"


def in_process(base: Path, rounds: int, calls: int) -> tuple[float, float, float]:
    ours, theirs = Worker(TREE), Worker(base)
    try:
        assert ours.module != theirs.module, "both workers import the same code"
        return interleaved(lambda: ours.run(calls), lambda: theirs.run(calls), rounds)
    finally:
        ours.close()
        theirs.close()


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
        with_dead, without, ratio = interleaved(rounds_of(clients[0]), rounds_of(clients[1]), rounds)
        assert slow.app.events_delivery is not None
        stats = slow.app.events_delivery.stats()
    return with_dead, without, ratio, stats


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
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--calls", type=int, default=150, help="publishes per round")
    parser.add_argument("--base", default=os.environ.get("EVENTS_BENCH_BASE", "/work/main"))
    parser.add_argument("--base-ref", default=BASE_REF)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        base = base_tree(args.base, args.base_ref, Path(scratch))
        ours, theirs, ratio = in_process(base, args.rounds, args.calls)
    rows += [
        ("publish_package_version in-process, events recorded (us/call)", ours, "us"),
        ("publish_package_version in-process, before events (us/call)", theirs, "us"),
        ("events: in-process publish, no listener / before events ratio", ratio, "target <= 1.02"),
    ]
    recording = record_cost()
    rows += [
        ("recording one change, nobody listening (us)", recording, "us"),
        ("events: recording one change / in-process publish before events", recording / theirs, "target <= 0.02"),
    ]
    dead, plain, dead_ratio, stats = dead_endpoint(max(11, args.rounds // 2), args.calls // 3)
    rows += [
        ("publish_package_version server, dead events endpoint (us/call)", dead, "us"),
        ("publish_package_version server, no events endpoint (us/call)", plain, "us"),
        ("events: server publish, dead endpoint / no endpoint ratio", dead_ratio, "target <= 1.05"),
    ]
    for name, value, unit in rows:
        print(f"{name:66s} {value:10.3f}  {unit}")
    print(f"dead endpoint delivery counts: {stats}")
    return rows


if __name__ == "__main__":
    main()
