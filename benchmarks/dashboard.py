"""The dashboard (``GET /_mock/ui``): time to render a first page at 100 and at 100,000 stored versions.

Two repositories per size: one with a single package of N versions (the package page lists its first 50
versions, newest version first and most recently published first) and one with N one-version packages (the
repository page lists its first 50 packages). The pages are slices of the backend's sorted indexes, so their cost must not grow with N;
the domain and home pages count every package's versions (one pass, no sort) and are reported for the record.
Each page is rendered through the WSGI app (werkzeug's test client: routing, rendering, headers; no socket),
small and large interleaved round by round so that machine noise hits both alike; the first page of the
100,000-version package is also fetched over HTTP from a running ``ThreadedCodeArtifactServer``.

Targets: large/small ratio <= 1.5 for the paged views; the 100,000-version package's first page under 1 s over
HTTP (in practice a few milliseconds). Run: ``python benchmarks/dashboard.py``.
"""

from __future__ import annotations

import statistics
import time
import urllib.request
from collections.abc import Callable

from werkzeug.test import Client

from mock_codeartifact.backend import Backend, Call
from mock_codeartifact.backend.domains import create_domain
from mock_codeartifact.backend.ingest import ingest_version
from mock_codeartifact.backend.repositories import create_repository
from mock_codeartifact.backend.store import find_domain
from mock_codeartifact.server import CodeArtifactApp, ThreadedCodeArtifactServer

SIZES = (100, 100_000)
ROUNDS = 7
CALLS = 20
ACCOUNT = "123456789012"
REGION = "us-east-1"
DOMAIN = "bench"
BASE = f"/_mock/ui/{ACCOUNT}/{REGION}/{DOMAIN}"


def _seed(backend: Backend) -> float:
    """Both repositories of both sizes; returns seconds spent seeding."""
    call = Call(backend, ACCOUNT, REGION)
    create_domain(call, domain=DOMAIN)
    start = time.perf_counter()
    st = backend.state(ACCOUNT, REGION)
    asset = {"asset.bin": b"shared bytes"}
    for size in SIZES:
        create_repository(call, domain=DOMAIN, repository=f"versions-{size}")
        create_repository(call, domain=DOMAIN, repository=f"packages-{size}")
        with st.lock:
            d = find_domain(st, DOMAIN)
            repo = d.find_repository(f"versions-{size}")
            for i in range(size):
                ingest_version(
                    backend, repo, format="pypi", namespace=None, package="big", version=f"1.{i}.0", assets=asset
                )
            repo = d.find_repository(f"packages-{size}")
            for i in range(size):
                ingest_version(backend, repo, format="npm", namespace=None, package=f"pkg-{i:06}", version="1.0.0")
    return time.perf_counter() - start


def _cost_ms(fn: Callable[[], None], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e3


def _getter(client: Client, path: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.get_data()

    return get


def main() -> list[tuple[str, float, str]]:
    backend = Backend()
    seconds = _seed(backend)
    print(f"seeded {2 * sum(SIZES):,} versions in {seconds:.1f} s")
    client = Client(CodeArtifactApp(backend))
    pages: dict[str, dict[int, str]] = {
        "package page, first 50 versions (newest version first)": {
            n: f"{BASE}/repositories/versions-{n}/package?format=pypi&name=big" for n in SIZES
        },
        "package page, first 50 versions (recently published first)": {
            n: f"{BASE}/repositories/versions-{n}/package?format=pypi&name=big&sort=published" for n in SIZES
        },
        "package page, a middle page of versions": {
            n: f"{BASE}/repositories/versions-{n}/package?format=pypi&name=big&start={n // 2}" for n in SIZES
        },
        "repository page, first 50 packages": {n: f"{BASE}/repositories/packages-{n}" for n in SIZES},
        "version page": {
            n: f"{BASE}/repositories/versions-{n}/version?format=pypi&name=big&version=1.7.0" for n in SIZES
        },
    }
    rows: list[tuple[str, float, str]] = []
    small, large = SIZES
    for name, paths in pages.items():
        fns = {n: _getter(client, p) for n, p in paths.items()}
        for fn in fns.values():
            _cost_ms(fn, 3)  # warm up
        costs: dict[int, list[float]] = {small: [], large: []}
        ratios = []
        for _ in range(ROUNDS):
            a = _cost_ms(fns[small], CALLS)
            b = _cost_ms(fns[large], CALLS)
            costs[small].append(a)
            costs[large].append(b)
            ratios.append(b / a)
        med = {n: statistics.median(c) for n, c in costs.items()}
        ratio = statistics.median(ratios)
        print(f"{name:50s} {small:>7,}: {med[small]:7.2f} ms   {large:>7,}: {med[large]:7.2f} ms   ratio {ratio:.2f}")
        rows.append((f"{name} at {small:,} (ms)", med[small], "ms"))
        rows.append((f"{name} at {large:,} (ms)", med[large], "ms"))
        rows.append((f"{name} ratio {large:,}/{small:,}", ratio, "target <= 1.5"))

    # Pages that count everything in the domain (one pass over the packages, no sort): for the record.
    for name, path in (("domain page", BASE), ("home page", "/_mock/ui")):
        cost = statistics.median(_cost_ms(_getter(client, path), 5) for _ in range(ROUNDS))
        print(f"{name} ({2 * sum(SIZES):,} versions in {2 * (1 + SIZES[0] + 1 + SIZES[1]):,} packages): {cost:.2f} ms")
        rows.append((f"{name}, domain of {2 * sum(SIZES):,} versions (ms)", cost, "ms"))

    # The first page of the 100,000-version package over HTTP, as a browser gets it.
    with ThreadedCodeArtifactServer(backend=backend) as server:
        url = server.endpoint_url + pages["package page, first 50 versions (newest version first)"][large]

        def fetch() -> None:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()

        fetch()
        over_http = statistics.median(_cost_ms(fetch, 5) for _ in range(ROUNDS))
    print(f"first page of a {large:,}-version package over HTTP: {over_http:.2f} ms")
    rows.append((f"first page of a {large:,}-version package over HTTP (ms)", over_http, "target < 1000 ms"))
    return rows


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"done in {time.perf_counter() - start:.1f} s")
