"""Load generator for ``server_throughput.py``, run in a process of its own so clients and server share no GIL.

``python benchmarks/_load.py SPEC_JSON`` prints ``{"requests", "seconds", "median_us", "connects", "errors"}``
(``median_us``: the median time from sending a request to having read its whole response). SPEC_JSON:
``host``, ``port``, ``method``, ``path``, ``headers``, ``body`` (latin-1 text or null), ``threads``, ``seconds``.
Each thread keeps one ``http.client`` connection and reuses it for every request, as keep-alive clients
(urllib3, npm, pip) do; when a server closes the connection after a response, the thread reconnects.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time


def run(spec: dict) -> dict:
    method, path, headers = spec["method"], spec["path"], spec["headers"]
    body = spec["body"].encode("latin-1") if spec.get("body") else None
    threads, seconds = int(spec["threads"]), float(spec["seconds"])
    counts = [0] * threads
    durations: list[list[float]] = [[] for _ in range(threads)]
    connects = [0] * threads
    errors: list[str] = []
    stop = threading.Event()
    go = threading.Barrier(threads + 1)

    def one(conn: http.client.HTTPConnection) -> bool:
        """One request; whether the server kept the connection open."""
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path} answered {response.status}")
        if response.will_close:
            conn.close()
            return False
        return True

    def loop(i: int) -> None:
        conn = http.client.HTTPConnection(spec["host"], spec["port"], timeout=60)
        try:
            for _ in range(3):  # warm up the connection and the server's caches
                one(conn)
        except Exception as exc:  # reported, never hangs the barrier
            errors.append(repr(exc))
            stop.set()
        go.wait()
        n = reconnects = 0
        took = durations[i]
        clock = time.perf_counter
        try:
            while not stop.is_set():
                if conn.sock is None:
                    reconnects += 1
                began = clock()
                one(conn)
                took.append(clock() - began)
                n += 1
        except Exception as exc:
            errors.append(repr(exc))
            stop.set()
        finally:
            conn.close()
        counts[i], connects[i] = n, reconnects

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    go.wait()
    start = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    every = [d for per_thread in durations for d in per_thread]
    median_us = statistics.median(every) * 1e6 if every else 0.0
    return {
        "requests": sum(counts),
        "seconds": elapsed,
        "median_us": median_us,
        "connects": sum(connects),
        "errors": errors,
    }


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
