"""State you can keep: restoring a snapshot against rebuilding the same world through the API, and the cost of
a persistent server's PublishPackageVersion against the in-memory server's.

* A world of 10,000 package versions (1 domain, 10 repositories of 10 generic packages with 100 versions each) is
  built in-process through PublishPackageVersion and timed; then ``m.restore(snapshot)`` is timed (median of
  several restores). Target: restore at least 50x faster than the rebuild.
* PublishPackageVersion through boto3 against a ``ThreadedCodeArtifactServer`` in memory and against one with
  a state directory (SQLite WAL, synchronous=FULL, fsynced asset files), in interleaved rounds, with a small
  state and with the 10,000-version world in the same domain, with the default durability (fsyncs: survives
  power loss) and with ``--state-durability crash`` (no fsyncs: survives the process being killed). Target:
  persistent under 3x in-memory. The fsync latency of the disk is printed beside it.

Run: ``python benchmarks/state.py``.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import tempfile
import time
from typing import Any

import boto3

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.server import ThreadedCodeArtifactServer
from mock_codeartifact.state import restore, snapshot
from mock_codeartifact.state.http import enable_persistence

REPOSITORIES = 10
PACKAGES_PER_REPOSITORY = 10
VERSIONS_PER_PACKAGE = 100  # 10 x 10 x 100 = 10,000 versions
RESTORES = 7
PUBLISH_CALLS = 60
ROUNDS = 5


def _publish(client: Any, repository: str, package: str, version: str) -> None:
    data = f"{repository}/{package}/{version}".encode()
    client.publish_package_version(
        domain="world",
        repository=repository,
        format="generic",
        namespace="bench",
        package=package,
        packageVersion=version,
        assetContent=data,
        assetName="asset.bin",
        assetSHA256=hashlib.sha256(data).hexdigest(),
    )


def build_world(client: Any) -> int:
    """The world: 10,000 generic versions with distinct bytes. Returns the number of versions."""
    client.create_domain(domain="world")
    count = 0
    for r in range(REPOSITORIES):
        repo = f"repo-{r:02d}"
        client.create_repository(domain="world", repository=repo)
        for p in range(PACKAGES_PER_REPOSITORY):
            for v in range(VERSIONS_PER_PACKAGE):
                _publish(client, repo, f"pkg-{p:02d}", f"1.{v}.0")
                count += 1
    return count


def _median_time(fn: Any, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def restore_vs_rebuild() -> list[tuple[str, float, str]]:
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        start = time.perf_counter()
        versions = build_world(client)
        rebuild = time.perf_counter() - start
        start = time.perf_counter()
        snap = m.snapshot()
        take = time.perf_counter() - start
        restore_s = _median_time(lambda: m.restore(snap), RESTORES)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            m.export_state(os.path.join(tmp, "export"))
            export_s = time.perf_counter() - start
            start = time.perf_counter()
            m.import_state(os.path.join(tmp, "export"))
            import_s = time.perf_counter() - start
        assert len(client.list_package_versions(
            domain="world", repository="repo-00", format="generic", namespace="bench", package="pkg-00",
            maxResults=1000,
        )["versions"]) == VERSIONS_PER_PACKAGE  # fmt: skip
    ratio = rebuild / restore_s
    print(f"world of {versions} versions: rebuild {rebuild:.2f} s, snapshot {take * 1e3:.1f} ms, "
          f"restore {restore_s * 1e3:.1f} ms (x{ratio:.0f}), export {export_s:.2f} s, import {import_s:.2f} s")  # fmt: skip
    return [
        (f"rebuild a world of {versions:,} versions through the API (s)", rebuild, "s"),
        ("snapshot of that world (ms)", take * 1e3, "ms"),
        ("restore of that world (ms, median)", restore_s * 1e3, "ms"),
        ("rebuild / restore ratio", ratio, "target >= 50"),
        ("export_state of that world to a directory (s)", export_s, "s"),
        ("import_state of that export (s)", import_s, "s"),
    ]


def _publish_cost(client: Any, tag: str, calls: int) -> float:
    start = time.perf_counter()
    for i in range(calls):
        _publish(client, "repo-00", "bench-publish", f"{tag}.{i}.{time.monotonic_ns()}")
    return (time.perf_counter() - start) / calls * 1e6


def persistent_vs_memory(world: Any | None, label: str, durability: str = "full") -> list[tuple[str, float, str]]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        ThreadedCodeArtifactServer() as memory,
        ThreadedCodeArtifactServer() as disk,
    ):
        enable_persistence(disk.app, os.path.join(tmp, "state"), durability)
        clients = []
        for server in (memory, disk):
            client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=server.endpoint_url)
            if world is not None:
                restore(server.backend, world)
            else:
                client.create_domain(domain="world")
                client.create_repository(domain="world", repository="repo-00")
            clients.append(client)
        _publish(clients[1], "repo-00", "warm-up", "0")  # the first sync writes the whole world
        _publish(clients[0], "repo-00", "warm-up", "0")
        costs: tuple[list[float], list[float]] = ([], [])
        ratios = []
        for r in range(ROUNDS):
            mem = _publish_cost(clients[0], f"m{r}", PUBLISH_CALLS)
            per = _publish_cost(clients[1], f"p{r}", PUBLISH_CALLS)
            costs[0].append(mem)
            costs[1].append(per)
            ratios.append(per / mem)
    mem_us, per_us, ratio = statistics.median(costs[0]), statistics.median(costs[1]), statistics.median(ratios)
    print(
        f"PublishPackageVersion ({label}): in-memory server {mem_us:.0f} us, persistent {per_us:.0f} us, x{ratio:.2f}"
    )
    return [
        (f"PublishPackageVersion, in-memory server, {label} (us/call)", mem_us, "us"),
        (f"PublishPackageVersion, persistent server, {label} (us/call)", per_us, "us"),
        (f"persistent / in-memory PublishPackageVersion ratio, {label}", ratio, "target < 3"),
    ]


def fsync_latency() -> list[tuple[str, float, str]]:
    """What one durable write costs on this disk: a persistent publish pays three (asset file, its directory,
    SQLite's WAL), so the ratio below depends on the machine's disk more than on the code."""
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for i in range(30):
            start = time.perf_counter()
            with open(os.path.join(tmp, str(i)), "wb") as f:
                f.write(b"x" * 100)
                f.flush()
                os.fsync(f.fileno())
            times.append(time.perf_counter() - start)
    latency = statistics.median(times) * 1e3
    print(f"fsync of a small file: {latency:.2f} ms")
    return [("fsync of a small new file on this disk (ms, median)", latency, "ms")]


def main() -> list[tuple[str, float, str]]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    rows = fsync_latency()
    rows += restore_vs_rebuild()
    rows += persistent_vs_memory(None, "empty domain")
    rows += persistent_vs_memory(None, "empty domain, --state-durability crash", "crash")
    with mock_codeartifact() as m:
        build_world(boto3.client("codeartifact", region_name="us-east-1"))
        world = snapshot(m.backend)
    rows += persistent_vs_memory(world, "10,000 versions in the domain")
    rows += persistent_vs_memory(world, "10,000 versions in the domain, --state-durability crash", "crash")
    return rows


if __name__ == "__main__":
    main()
