"""GetAssociatedPackageGroup with 10 and with 10,000 package groups in a domain (through boto3, in-process).

The lookup is indexed by the weak-match key of each pattern (one dictionary probe per word boundary of the
package's namespace and name), so its cost must not grow with the number of groups: target ratio <= 2.
The groups are created through the API (CreatePackageGroup), like a user would. The same lookups are timed
in both domains, interleaved round by round so that machine noise hits both alike.
Run: ``python benchmarks/package_groups_lookup.py``.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3

from mock_codeartifact import mock_codeartifact

CALLS = 500
ROUNDS = 9
FORMATS = ("npm", "maven", "generic")


def patterns(count: int) -> list[str]:
    """``count`` distinct patterns of every shape, spread over formats, namespaces and names."""
    out: list[str] = []
    i = 0
    while len(out) < count:
        fmt = FORMATS[i % len(FORMATS)]
        ns = f"org{i // 7}.team"
        shape = i % 5
        if shape == 0:
            out.append(f"/{fmt}/{ns}~")
        elif shape == 1:
            out.append(f"/{fmt}/{ns}/*")
        elif shape == 2:
            out.append(f"/{fmt}/{ns}/lib-{i}~")
        elif shape == 3:
            out.append(f"/{fmt}/{ns}/lib-{i}-core$")
        else:
            out.append(f"/npm//pkg-{i}$")
        i += 1
    return out[:count]


def _cost(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> list[tuple[str, float, str]]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_codeartifact():
        client = boto3.client("codeartifact", region_name="us-east-1")
        sizes = {"small": 10, "large": 10_000}
        create_seconds = 0.0
        for domain, count in sizes.items():
            client.create_domain(domain=domain)
            start = time.perf_counter()
            for pattern in patterns(count):
                client.create_package_group(domain=domain, packageGroup=pattern)
            if domain == "large":
                create_seconds = time.perf_counter() - start

        # A package deep in the hierarchy of both domains (org0.team/lib-2-core: /npm/org0.team~ ->
        # /npm/org0.team/* -> lib-2~), and one that only the root group matches.
        lookups = [
            {"format": "generic", "namespace": "org0.team", "package": "lib-2-core-extra"},
            {"format": "maven", "namespace": "org0.team", "package": "lib-3-core"},
            {"format": "npm", "package": "not-a-group"},
        ]
        expected = [
            client.get_associated_package_group(domain="small", **kw)["packageGroup"]["pattern"] for kw in lookups
        ]
        assert expected == [
            client.get_associated_package_group(domain="large", **kw)["packageGroup"]["pattern"] for kw in lookups
        ], "both domains hold the same groups for these packages"

        def run(domain: str) -> Callable[[], None]:
            def go() -> None:
                for kw in lookups:
                    client.get_associated_package_group(domain=domain, **kw)

            return go

        small, large = run("small"), run("large")
        for _ in range(20):
            small()
            large()
        small_samples, large_samples = [], []
        for _ in range(ROUNDS):
            small_samples.append(_cost(small, CALLS // len(lookups)) / len(lookups))
            large_samples.append(_cost(large, CALLS // len(lookups)) / len(lookups))
        small_us, large_us = statistics.median(small_samples), statistics.median(large_samples)

    rows = [
        ("GetAssociatedPackageGroup, 10 groups (us/call)", small_us, "us"),
        ("GetAssociatedPackageGroup, 10,000 groups (us/call)", large_us, "us"),
        ("10,000 / 10 ratio", large_us / small_us, "target <= 2"),
        ("CreatePackageGroup x 10,000 through the API (s)", create_seconds, "s"),
    ]
    for name, value, unit in rows:
        print(f"{name:52s} {value:10.3f}  {unit}")
    return rows


if __name__ == "__main__":
    main()
