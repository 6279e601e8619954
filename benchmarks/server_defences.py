"""The server's defences under load, each against a fresh ``mock-codeartifact-server`` subprocess (docs/security.md).

1. Slow clients: 1,000 idle connections and 50 clients trickling a request head (one byte every 0.2 s, a new
   connection when the server closes one at its head deadline), while ``GET /_mock/health`` is asked every
   50 ms on a new connection. Target: every answer within 100 ms (the maximum is the row with the target).
2. A chunked request whose one chunk declares 2 GiB, with data streamed after it until the server answers:
   413, and the growth of the server's peak resident memory (``VmHWM``). Target: <= 64 MiB.
3. 10,000 repository-endpoint requests with a bad token, each naming another owner and region: the growth of the
   server's resident memory (``VmRSS``) from after a warm-up to the end. Target: < 5 MiB.
4. Control-plane throughput (``describe_repository``, keep-alive clients) against moto's server, as in
   ``server_throughput.py`` but against the subprocess. Target: >= 5x.

The file-descriptor limit of this process (and so of the server it starts) is raised for the 1,000 sockets.
``python benchmarks/server_defences.py [--idle 1000] [--tricklers 50] [--seconds 8] [--refused 10000]``.
Timings taken on a busy machine are noisy: the slow-client maximum suffers from any scheduling stall.
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3

HERE = Path(__file__).resolve().parent
MiB = 1024 * 1024


class Server:
    """``python -m mock_codeartifact --port 0`` in a subprocess; ``port`` and ``pid`` once it listens."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        port_file = Path(self._dir.name) / "port"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mock_codeartifact", "--port", "0", "--port-file", str(port_file), "--quiet"],
            stdout=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 60
        while not port_file.exists():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        self.pid = self.proc.pid

    def kib(self, key: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def health_ms(self) -> float:
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", "/_mock/health")
            answer = conn.getresponse()
            answer.read()
            if answer.status != 200:
                raise RuntimeError(f"health answered {answer.status}")
        finally:
            conn.close()
        return (time.perf_counter() - start) * 1000

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._dir.cleanup()


def slow_clients(idle: int, tricklers: int, seconds: float) -> list[float]:
    """Health-check latencies (ms) while ``idle`` silent connections and ``tricklers`` slow heads are open."""
    with Server() as server:
        for _ in range(5):
            server.health_ms()  # warm up: imports on first request
        sockets = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(idle)]
        stop = threading.Event()
        head = b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 10_000

        def trickle() -> None:
            while not stop.is_set():
                with socket.create_connection(("127.0.0.1", server.port)) as sock:
                    for byte in head:
                        if stop.wait(0.2):
                            return
                        try:
                            sock.sendall(bytes([byte]))
                        except OSError:
                            break  # closed at the head deadline (408): start again

        threads = [threading.Thread(target=trickle, daemon=True) for _ in range(tricklers)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        latencies = []
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                latencies.append(server.health_ms())
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
            for sock in sockets:
                sock.close()
    return latencies


def huge_chunk() -> tuple[int, float]:
    """(status, peak memory growth in MiB) for a chunk declaring 2 GiB, data streamed until the answer."""
    with Server() as server:
        server.health_ms()
        base = server.kib("VmHWM")
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        sock.sendall(
            b"POST /v1/domain?domain=huge HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n80000000\r\n"
        )
        block = b"x" * MiB
        sock.settimeout(0.01)
        answer = b""
        for _ in range(2048):  # up to the whole 2 GiB, while the server reads
            try:
                sock.sendall(block)
            except (TimeoutError, OSError):
                break
        sock.settimeout(30)
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except OSError:
            pass
        sock.close()
        time.sleep(0.2)
        peak = server.kib("VmHWM")
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
        server.health_ms()
    return status, (peak - base) / 1024


def refused_requests(count: int) -> tuple[float, int]:
    """(resident memory growth in MiB, 4xx answers) over ``count`` refused repository-endpoint requests."""
    with Server() as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

        def one(i: int) -> int:
            region = f"xx-made-{i}"
            owner = f"{100000000000 + i}"
            conn.request("GET", f"/{region}/dom{i}/{owner}/npm/repo/left-pad", headers={"Authorization": "Bearer x"})
            answer = conn.getresponse()
            answer.read()
            return answer.status

        for i in range(500):  # warm up: the allocator's arenas and every cache reach their steady size
            one(count + i)
        base = server.kib("VmRSS")
        refused = sum(1 for i in range(count) if 400 <= one(i) < 500)
        conn.close()
        grown = server.kib("VmRSS") - base
    return grown / 1024, refused


def control_plane(threads: int, seconds: float, rounds: int) -> tuple[float, float] | None:
    """(best-round ratio, median ratio) of describe_repository on a fresh server against moto's server."""
    sys.path.insert(0, str(HERE))
    import server_throughput as st

    with Server() as server, st.moto_server() as moto:
        if moto is None:
            return None
        ours, _, _ = st.seed(f"http://127.0.0.1:{server.port}", server.port, "defences")
        ratio, median, _, _ = st.compare(ours, moto, threads, seconds, rounds)
    return ratio, median


def main() -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--tricklers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--refused", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.idle + args.tricklers + 512
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard) if hard > 0 else wanted, hard))
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    boto3.setup_default_session()
    rows: list[tuple[str, float, str]] = []

    latencies = slow_clients(args.idle, args.tricklers, args.seconds)
    worst, median = max(latencies), statistics.median(latencies)
    print(
        f"{args.idle} idle + {args.tricklers} trickling: health {len(latencies)} times, median {median:.1f} ms, "
        f"max {worst:.1f} ms"
    )
    label = f"{args.idle} idle + {args.tricklers} trickling connections"
    rows.append((f"{label}: slowest GET /_mock/health (ms)", worst, "target < 100"))
    rows.append((f"{label}: median GET /_mock/health (ms)", median, "ms"))

    status, growth = huge_chunk()
    print(f"2 GiB chunk: answered {status}, peak memory growth {growth:.1f} MiB")
    rows.append(("a chunk declaring 2 GiB: answer status", float(status), "target == 413"))
    rows.append(("a chunk declaring 2 GiB: server peak memory growth (MiB)", growth, "target <= 64"))

    grown, refused = refused_requests(args.refused)
    print(f"{args.refused} refused repository requests ({refused} answered 4xx): memory growth {grown:.2f} MiB")
    rows.append((f"{args.refused} refused requests, distinct owners and regions: growth (MiB)", grown, "target < 5"))

    result = control_plane(4, 1.5, args.rounds)
    if result is not None:
        ratio, median_ratio = result
        rows.append(
            ("control plane describe_repository / moto describe_cluster: throughput ratio", ratio, "target >= 5")
        )
        rows.append(("control plane / moto: median of the per-round throughput ratios", median_ratio, "x"))
    return rows


if __name__ == "__main__":
    for row in main():
        print(row)
