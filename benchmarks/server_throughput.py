"""Server-mode throughput with keep-alive clients, measured side by side in one run.

1. Control plane: ``describe_repository`` on ``ThreadedCodeArtifactServer`` against a comparable rest-json read on
   moto's ``ThreadedMotoServer`` (EKS ``describe_cluster``). Target: >= 5x.
2. Repository endpoints: an npm packument (``GET {endpoint}{package}``) and a PyPI simple page
   (``GET {endpoint}simple/{project}/``), each against the same app on werkzeug's development server
   (``werkzeug.serving.make_server``, what the server ran on before). Target: >= 1.5x each.

Each request is built once (the control-plane ones captured from boto3, SigV4-signed) and replayed by
``--threads`` client threads in another process (``_load.py``), each thread on one ``http.client`` connection it
keeps while the server allows (werkzeug's and moto's servers close it after every response, so their clients
reconnect, as they do in real use). The servers run in this process; only the one being measured is busy.
Rounds alternate between the two servers of a pair; the ratio is that of each server's best round (the least
disturbed: other processes only ever take throughput away), as ``run_all.py`` takes the fastest of its rounds. Also printed: the latency of one keep-alive client (us/request) and the
server process's CPU time per request (us), which varies least with machine load.
Latency is the median over requests: on a loaded machine the mean is dominated by scheduling stalls.

Needs ``moto[server]`` (the ``bench`` extra) for (1). Run: ``python benchmarks/server_throughput.py
[--threads 4] [--seconds 1.5] [--rounds 5]`` (about a minute with the defaults).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import _checkout  # noqa: F401  (tests.support importable)
import boto3
import requests

from mock_codeartifact.server import ThreadedCodeArtifactServer
from mock_codeartifact.server.app import CodeArtifactApp
from tests.support import package_files as packages

HERE = Path(__file__).resolve().parent
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")


class Target(NamedTuple):
    """One replayable request on one server."""

    label: str
    port: int
    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None


class Result(NamedTuple):
    requests: int
    seconds: float
    median_us: float  # median time of one request, sent to fully read, as one client saw it
    cpu: float  # this process's CPU seconds while the load ran (the servers live here)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us(self) -> float:
        return self.cpu / max(self.requests, 1) * 1e6


def load(target: Target, threads: int, seconds: float) -> Result:
    spec = {
        "host": "127.0.0.1",
        "port": target.port,
        "method": target.method,
        "path": target.path,
        "headers": target.headers,
        "body": target.body,
        "threads": threads,
        "seconds": seconds,
    }
    cpu = time.process_time()
    out = subprocess.run(
        [sys.executable, str(HERE / "_load.py"), json.dumps(spec)], capture_output=True, text=True, check=True
    )
    cpu = time.process_time() - cpu
    answer = json.loads(out.stdout)
    if answer["errors"]:
        raise RuntimeError(f"{target.label}: {answer['errors'][0]}")
    return Result(answer["requests"], answer["seconds"], answer["median_us"], cpu)


def captured(client: Any, call: Callable[[], Any], label: str, port: int) -> Target:
    """The request boto3 sends for ``call``, signed, as a replayable target."""
    seen: dict[str, Any] = {}

    def hook(request: Any, **kwargs: Any) -> None:
        seen["request"] = request

    client.meta.events.register("before-send", hook)
    try:
        call()
    finally:
        client.meta.events.unregister("before-send", hook)
    request = seen["request"]
    url = urllib.parse.urlsplit(request.url)
    headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
    body = request.body.decode("latin-1") if isinstance(request.body, bytes) and request.body else None
    return Target(label, port, request.method, url.path + (f"?{url.query}" if url.query else ""), headers, body)


def _npm_body(name: str, version: str) -> dict[str, Any]:
    manifest = {"name": name, "version": version, "description": "benchmark package"}
    return packages.npm_publish_body(manifest, packages.npm_tarball(manifest))


def seed(url: str, port: int, prefix: str) -> tuple[Target, Target, Target]:
    """A domain, a repository, three npm versions and a wheel on the server at ``url``; its three targets."""
    client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=url)
    client.create_domain(domain="bench")
    client.create_repository(domain="bench", repository="repo")
    token = client.get_authorization_token(domain="bench")["authorizationToken"]
    auth = {"Authorization": "Basic " + base64.b64encode(f"aws:{token}".encode()).decode()}
    npm = client.get_repository_endpoint(domain="bench", repository="repo", format="npm")["repositoryEndpoint"]
    for version in ("1.0.0", "1.1.0", "2.0.0"):
        r = requests.put(npm + "bench-pkg", json=_npm_body("bench-pkg", version), headers=auth, timeout=30)
        r.raise_for_status()
    pypi = client.get_repository_endpoint(domain="bench", repository="repo", format="pypi")["repositoryEndpoint"]
    r = requests.post(
        pypi,
        data={":action": "file_upload"},
        files={"content": packages.wheel("bench-pkg", "1.0")},
        headers=auth,
        timeout=30,
    )
    r.raise_for_status()
    control = captured(
        client, lambda: client.describe_repository(domain="bench", repository="repo"), f"{prefix} control", port
    )
    packument = Target(f"{prefix} npm", port, "GET", urllib.parse.urlsplit(npm).path + "bench-pkg", auth)
    simple = Target(f"{prefix} pypi", port, "GET", urllib.parse.urlsplit(pypi).path + "simple/bench-pkg/", auth)
    return control, packument, simple


@contextmanager
def werkzeug_dev_server() -> Iterator[tuple[str, int]]:
    """The same app on werkzeug's development server, as the server ran before, without its access log."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, CodeArtifactApp(), threaded=True, request_handler=Quiet)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def moto_server() -> Iterator[Target | None]:
    try:
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    except ImportError as exc:
        print(f"moto's server is not installed ({exc}); pip install '.[bench]' to compare")
        yield None
        return
    from werkzeug.serving import WSGIRequestHandler

    # moto serves with werkzeug's default handler: its access log goes off, as ours is by default.
    saved = WSGIRequestHandler.log_request
    WSGIRequestHandler.log_request = lambda *a, **k: None  # type: ignore[method-assign]
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        eks = boto3.client("eks", region_name="us-east-1", endpoint_url=f"http://{host}:{port}")
        # A name of its own: moto's state is per process, and another benchmark of the same run_all may have
        # made a "bench" cluster already.
        name = f"bench-{uuid.uuid4().hex[:8]}"
        eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/bench", resourcesVpcConfig={})
        yield captured(eks, lambda: eks.describe_cluster(name=name), "moto control", port)
    finally:
        moto.stop()
        WSGIRequestHandler.log_request = saved  # type: ignore[method-assign]


def compare(
    ours: Target, theirs: Target, threads: int, seconds: float, rounds: int
) -> tuple[float, float, Result, Result]:
    """Alternate rounds; (ratio of the best rounds ours/theirs, median per-round ratio, our best, their best).

    The best round is the least disturbed one: other processes on the machine only ever take throughput away.
    """
    mine: list[Result] = []
    other: list[Result] = []
    for _ in range(rounds):
        mine.append(load(ours, threads, seconds))
        other.append(load(theirs, threads, seconds))
    best_mine, best_other = max(mine, key=lambda r: r.rate), max(other, key=lambda r: r.rate)
    median = statistics.median(a.rate / b.rate for a, b in zip(mine, other, strict=True))
    print(f"{ours.label} / {theirs.label}: best rounds {best_mine.rate / best_other.rate:.2f}, median {median:.2f}")
    return best_mine.rate / best_other.rate, median, best_mine, best_other


def main() -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    threads, seconds, rounds = args.threads, args.seconds, args.rounds
    rows: list[tuple[str, float, str]] = []
    printed: list[tuple[str, Result, int]] = []

    with (
        ThreadedCodeArtifactServer(port=0) as server,
        werkzeug_dev_server() as (dev_url, dev_port),
        moto_server() as moto,
    ):
        mock_control, mock_npm, mock_pypi = seed(
            server.endpoint_url, int(server.endpoint_url.rsplit(":", 1)[1]), "mock"
        )
        _, dev_npm, dev_pypi = seed(dev_url, dev_port, "werkzeug-dev")
        pairs: list[tuple[str, Target, Target | None, str]] = [
            ("control plane describe_repository / moto describe_cluster", mock_control, moto, "target >= 5"),
            ("npm packument / same app on werkzeug dev server", mock_npm, dev_npm, "target >= 1.5"),
            ("PyPI simple page / same app on werkzeug dev server", mock_pypi, dev_pypi, "target >= 1.5"),
        ]
        for name, ours, theirs, target in pairs:
            if theirs is None:
                continue
            ratio, median, best_ours, best_theirs = compare(ours, theirs, threads, seconds, rounds)
            rows.append((f"{name}, {threads} keep-alive clients: throughput ratio", ratio, target))
            rows.append((f"{name}: median of the per-round throughput ratios", median, "x"))
            rows.append((f"{name}: server CPU per request, theirs / ours", best_theirs.cpu_us / best_ours.cpu_us, "x"))
            printed += [(ours.label, best_ours, threads), (theirs.label, best_theirs, threads)]
        # One client: the time a request takes end to end.
        for target in (mock_control, moto, mock_npm, dev_npm, mock_pypi, dev_pypi):
            if target is not None:
                printed.append((target.label, load(target, 1, seconds), 1))

    print(f"\nserver-mode throughput, {seconds:g} s per round, {rounds} rounds (os.cpu_count()={os.cpu_count()})")
    print(f"{'server and request':<24} {'clients':>7} {'req/s':>8} {'median us/req':>14} {'server CPU us/req':>18}")
    for label, result, clients in printed:
        print(f"{label:<24} {clients:>7} {result.rate:>8.0f} {result.median_us:>14.0f} {result.cpu_us:>18.0f}")
        if clients == 1:
            rows.append((f"{label}, 1 keep-alive client: median latency (us/request)", result.median_us, "us"))
        else:
            rows.append((f"{label}, {clients} keep-alive clients (req/s)", result.rate, "req/s"))
            rows.append((f"{label}: server CPU per request (us)", result.cpu_us, "us"))
    for name, value, unit in rows:
        if unit.startswith("target"):
            print(f"{name:<95} {value:6.2f}  {unit}")
    return rows


if __name__ == "__main__":
    main()
