"""Package operations at 1,000 and at 100,000 package versions in one repository (through boto3, in-process).

Each repository holds half of its versions in one generic package and the other half as one-version npm
packages, so both indexes grow: a package's versions (ListPackageVersions, PublishPackageVersion) and the
repository's packages (ListPackages). The versions are seeded quickly through the internal ingestion path
(``mock_codeartifact.backend.ingest.ingest_version``), then the same calls are timed against both
repositories, interleaved round by round so that machine noise hits both alike:

* a page of ListPackageVersions (default size 50) from the middle of the package, in version order and in
  ``sortBy=PUBLISHED_TIME`` order;
* a page of ListPackages (default size 100) from the middle of the repository;
* PublishPackageVersion of a new version into the big package; DescribePackageVersion.

Targets: large/small cost ratio <= 1.5 for each. Memory per stored version (without asset bytes: every version
shares one small asset) is measured with tracemalloc on a separate 20,000-version repository.
Run: ``python benchmarks/packages_scale.py``.
"""

from __future__ import annotations

import gc
import hashlib
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import boto3

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.backend.ingest import ingest_version
from mock_codeartifact.backend.store import find_domain
from mock_codeartifact.mock import backend as mock_backend

SIZES = (1_000, 100_000)
ROUNDS = 7
CALLS = 60
DOMAIN = "bench"
ACCOUNT = "123456789012"
CURVES: dict[str, list[tuple[int, float]]] = {}


def _seed(repo_name: str, total: int) -> float:
    """Seed ``total`` versions into ``repo_name``; returns microseconds per ingested version."""
    backend = mock_backend()
    st = backend.state(ACCOUNT, "us-east-1")
    asset = {"asset.bin": b"shared bytes"}
    start = time.perf_counter()
    with st.lock:
        repo = find_domain(st, DOMAIN).find_repository(repo_name)
        half = total // 2
        for i in range(half):
            ingest_version(
                backend, repo, format="generic", namespace="bench", package="big", version=f"1.{i}.0", assets=asset
            )
        for i in range(total - half):
            ingest_version(backend, repo, format="npm", namespace=None, package=f"pkg-{i:06}", version="1.0.0")
    return (time.perf_counter() - start) / total * 1e6


def _cost(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def _middle_token(page: Callable[..., dict[str, Any]], total: int) -> str:
    """A nextToken pointing at about the middle of a listing of ``total`` items, found by walking pages."""
    step = min(1000, max(1, total // 2))
    token: str | None = None
    walked = 0
    while walked < total // 2:
        out = page(maxResults=step, **({"nextToken": token} if token else {}))
        token = out["nextToken"]
        walked += step
    assert token is not None
    return token


def _memory_per_version(client: Any, count: int = 20_000) -> float:
    client.create_repository(domain=DOMAIN, repository="memory")
    backend = mock_backend()
    st = backend.state(ACCOUNT, "us-east-1")
    asset = {"asset.bin": b"shared bytes"}
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    with st.lock:
        repo = find_domain(st, DOMAIN).find_repository("memory")
        for i in range(count):
            ingest_version(
                backend, repo, format="generic", namespace="bench", package="mem", version=f"2.{i}.0", assets=asset
            )
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count


def main() -> list[tuple[str, float, str]]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    rows: list[tuple[str, float, str]] = []
    with mock_codeartifact():
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain=DOMAIN)
        seed_cost: dict[int, float] = {}
        for size in SIZES:
            client.create_repository(domain=DOMAIN, repository=f"r{size}")
            seed_cost[size] = _seed(f"r{size}", size)

        ops: dict[str, dict[int, Callable[[], Any]]] = {}
        data = b"published bytes"
        sha = hashlib.sha256(data).hexdigest()
        for size in SIZES:
            repo = f"r{size}"
            big = {"domain": DOMAIN, "repository": repo, "format": "generic", "namespace": "bench", "package": "big"}
            versions_token = _middle_token(lambda big=big, **kw: client.list_package_versions(**big, **kw), size // 2)
            by_time_token = _middle_token(
                lambda big=big, **kw: client.list_package_versions(**big, sortBy="PUBLISHED_TIME", **kw), size // 2
            )
            packages_token = _middle_token(
                lambda repo=repo, **kw: client.list_packages(domain=DOMAIN, repository=repo, **kw), size // 2 + 1
            )
            counter = iter(range(10**9))

            def publish(big: dict[str, str] = big, counter: Any = counter) -> None:
                client.publish_package_version(
                    **big, packageVersion=f"9.{next(counter)}.0", assetContent=data, assetName="a.bin", assetSHA256=sha
                )

            ops.setdefault("ListPackageVersions page (version order)", {})[size] = lambda big=big, t=versions_token: (
                client.list_package_versions(**big, nextToken=t)
            )
            ops.setdefault("ListPackageVersions page (sortBy=PUBLISHED_TIME)", {})[size] = (
                lambda big=big, t=by_time_token: client.list_package_versions(
                    **big, sortBy="PUBLISHED_TIME", nextToken=t
                )
            )
            ops.setdefault("ListPackages page", {})[size] = lambda repo=repo, t=packages_token: client.list_packages(
                domain=DOMAIN, repository=repo, nextToken=t
            )
            ops.setdefault("DescribePackageVersion", {})[size] = lambda big=big: client.describe_package_version(
                **big, packageVersion="1.7.0"
            )
            ops.setdefault("PublishPackageVersion (new version)", {})[size] = publish

        small, large = SIZES
        for name, fns in ops.items():
            for size in SIZES:
                _cost(fns[size], 10)  # warm up
            costs: dict[int, list[float]] = {small: [], large: []}
            ratios = []
            for _ in range(ROUNDS):
                a = _cost(fns[small], CALLS)
                b = _cost(fns[large], CALLS)
                costs[small].append(a)
                costs[large].append(b)
                ratios.append(b / a)
            med = {s: statistics.median(c) for s, c in costs.items()}
            ratio = statistics.median(ratios)
            CURVES[name] = [(s, med[s]) for s in SIZES]
            print(
                f"{name:50s} {small:>7,}: {med[small]:8.1f} us   {large:>7,}: {med[large]:8.1f} us   ratio {ratio:.2f}"
            )
            rows.append((f"{name} at {small:,} versions (us/call)", med[small], "us"))
            rows.append((f"{name} at {large:,} versions (us/call)", med[large], "us"))
            rows.append((f"{name} ratio {large:,}/{small:,} versions", ratio, "target <= 1.5"))
        for size in SIZES:
            print(f"seeding through ingest_version at {size:>7,} versions: {seed_cost[size]:.1f} us/version")
            rows.append((f"seeding through ingest_version, {size:,} versions (us/version)", seed_cost[size], "us"))
        per_version = _memory_per_version(client)
        print(f"memory per stored version (no asset bytes): {per_version:.0f} bytes")
        rows.append(("memory per stored version, without asset bytes (bytes)", per_version, "bytes"))
    return rows


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"done in {time.perf_counter() - start:.1f} s")
