"""Server-mode throughput: requests/s with several client threads, mock-codeartifact next to moto's server.

Measured in one run, each for ``--seconds`` with ``--threads`` client threads (each with its own client):

1. ``describe_repository`` through boto3 against ``ThreadedCodeArtifactServer`` (a control-plane call: SigV4,
   REST-JSON codec, backend);
2. a PEP 503 simple-index read (``GET .../pypi/{repo}/simple/{project}/``, Basic token auth) with ``requests``;
3. a comparable REST-JSON call against moto's ``ThreadedMotoServer``: EKS ``describe_cluster`` through boto3
   (a single-resource read of a rest-json service).

Needs the ``bench`` extra (``pip install ".[bench]"``: ``moto[server]``); without it, (3) is skipped.
Run: ``python benchmarks/server_throughput.py [--threads 4] [--seconds 5]`` (about 20 s with the defaults).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import threading
import time
import zipfile
from collections.abc import Callable
from typing import Any

import boto3
import requests

from mock_codeartifact.server import ThreadedCodeArtifactServer

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")


def measure(make_worker: Callable[[], Callable[[], Any]], threads: int, seconds: float) -> tuple[int, float]:
    """Run ``threads`` workers (each from ``make_worker``) for ``seconds``; (requests done, elapsed)."""
    workers = [make_worker() for _ in range(threads)]
    for w in workers:  # warm up connections and caches
        w()
    counts = [0] * threads
    stop = threading.Event()
    errors: list[BaseException] = []

    def loop(i: int) -> None:
        work = workers[i]
        try:
            while not stop.is_set():
                work()
                counts[i] += 1
        except BaseException as exc:  # report, don't hang
            errors.append(exc)
            stop.set()

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return sum(counts), elapsed


def _wheel() -> tuple[str, bytes]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("bench_pkg/__init__.py", "")
        zf.writestr("bench_pkg-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: bench-pkg\nVersion: 1.0\n")
        zf.writestr("bench_pkg-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr("bench_pkg-1.0.dist-info/RECORD", "")
    return "bench_pkg-1.0-py3-none-any.whl", buf.getvalue()


def main() -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    results: list[tuple[str, int, float]] = []

    with ThreadedCodeArtifactServer(port=0) as server:
        url = server.endpoint_url
        setup = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=url)
        setup.create_domain(domain="bench")
        setup.create_repository(domain="bench", repository="repo")
        token = setup.get_authorization_token(domain="bench")["authorizationToken"]
        endpoint = setup.get_repository_endpoint(domain="bench", repository="repo", format="pypi")["repositoryEndpoint"]
        auth = {"Authorization": "Basic " + base64.b64encode(f"aws:{token}".encode()).decode()}
        r = requests.post(
            endpoint, data={":action": "file_upload"}, files={"content": _wheel()}, headers=auth, timeout=30
        )
        r.raise_for_status()

        def describe_worker() -> Callable[[], Any]:
            client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=url)
            return lambda: client.describe_repository(domain="bench", repository="repo")

        def index_worker() -> Callable[[], Any]:
            session = requests.Session()
            page = endpoint + "simple/bench-pkg/"

            def get() -> None:
                response = session.get(page, headers=auth, timeout=30)
                if response.status_code != 200:
                    raise RuntimeError(f"simple index answered {response.status_code}")

            return get

        n, t = measure(describe_worker, args.threads, args.seconds)
        results.append(("mock-codeartifact  describe_repository (boto3)", n, t))
        n, t = measure(index_worker, args.threads, args.seconds)
        results.append(("mock-codeartifact  pypi simple/{project}/ (requests)", n, t))

    try:
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer
        from moto.moto_server.werkzeug_app import MotoRequestHandler
    except ImportError as exc:
        print(f"moto's server is not installed ({exc}); pip install '.[bench]' to compare")
    else:
        MotoRequestHandler.log_request = lambda *a, **k: None  # type: ignore[method-assign]
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        try:
            host, port = moto.get_host_and_port()
            moto_url = f"http://{host}:{port}"
            eks = boto3.client("eks", region_name="us-east-1", endpoint_url=moto_url)
            eks.create_cluster(name="bench", roleArn="arn:aws:iam::123456789012:role/bench", resourcesVpcConfig={})

            def eks_worker() -> Callable[[], Any]:
                client = boto3.client("eks", region_name="us-east-1", endpoint_url=moto_url)
                return lambda: client.describe_cluster(name="bench")

            n, t = measure(eks_worker, args.threads, args.seconds)
            results.append(("moto server        eks describe_cluster (boto3)", n, t))
        finally:
            moto.stop()

    print(
        f"\nserver-mode throughput, {args.threads} client threads, {args.seconds:g} s each (os.cpu_count()={os.cpu_count()})"
    )
    print(f"{'call':<56} {'requests':>9} {'req/s':>9}")
    for name, n, t in results:
        print(f"{name:<56} {n:>9} {n / t:>9.0f}")
    # Rows for benchmarks/run_all.py (see benchmarks/README.md).
    rows = [(f"{' '.join(name.split())} (req/s)", n / t, "req/s") for name, n, t in results]
    if len(results) == 3:
        mock_rate, moto_rate = results[0][1] / results[0][2], results[2][1] / results[2][2]
        rows.append(
            (
                "mock describe_repository / moto describe_cluster throughput ratio",
                mock_rate / moto_rate,
                "ratio, higher is better",
            )
        )
    return rows


if __name__ == "__main__":
    main()
