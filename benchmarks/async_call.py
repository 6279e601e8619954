"""Cost of an in-process aiobotocore call against aiobotocore's own floor.

The floor is the same ``describe_repository`` call on an aiobotocore client whose ``before-send`` hook returns
a canned ``AioAWSResponse``: everything aiobotocore does (serialize, sign, parse, await) and nothing else. The
ratio says how much the mock adds on top; the sync ratio is measured beside it (see ``foundation.py`` for the
technique). Run: ``python benchmarks/async_call.py``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiobotocore.session
import boto3
from aiobotocore.awsrequest import AioAWSResponse
from botocore.awsrequest import AWSResponse

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.inprocess.responses import AioRawBody, RawBody
from mock_codeartifact.inprocess.send_hook import before_send

CALLS = 300
ROUNDS = 25  # short interleaved rounds: the median ratio shrugs off bursts of load from other processes
BODY = (
    b'{"repository":{"name":"repo","administratorAccount":"123456789012","domainName":"bench",'
    b'"domainOwner":"123456789012","arn":"arn:aws:codeartifact:us-east-1:123456789012:repository/bench/repo",'
    b'"description":"benchmark","upstreams":[],"externalConnections":[],"createdTime":1700000000.123}}'
)
HEADERS = {"Content-Type": "application/json", "Content-Length": str(len(BODY))}


async def _cost(fn: Callable[[], Awaitable[Any]], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await fn()
    return (time.perf_counter() - start) / calls * 1e6


async def _interleaved(a: Callable[[], Awaitable[Any]], b: Callable[[], Awaitable[Any]]) -> tuple[float, float, float]:
    for _ in range(100):
        await a()
        await b()
    costs_a, costs_b, ratios = [], [], []
    for _ in range(ROUNDS):
        ca, cb = await _cost(a, CALLS), await _cost(b, CALLS)
        costs_a.append(ca)
        costs_b.append(cb)
        ratios.append(ca / cb)
    return statistics.median(costs_a), statistics.median(costs_b), statistics.median(ratios)


def _sync_ratio() -> tuple[float, float, float]:
    client = boto3.client("codeartifact", region_name="us-east-1")
    floor = boto3.client("codeartifact", region_name="us-east-1")

    def canned(request: Any, **kwargs: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, HEADERS, RawBody(BODY))

    floor.meta.events.unregister("before-send.codeartifact", before_send)
    floor.meta.events.register_first("before-send.codeartifact", canned)

    def cost(fn: Callable[[], Any]) -> float:
        start = time.perf_counter()
        for _ in range(CALLS):
            fn()
        return (time.perf_counter() - start) / CALLS * 1e6

    def mocked() -> Any:
        return client.describe_repository(domain="bench", repository="repo")

    def floored() -> Any:
        return floor.describe_repository(domain="bench", repository="repo")

    for _ in range(100):
        mocked()
        floored()
    a, b, r = [], [], []
    for _ in range(ROUNDS):
        ca, cb = cost(mocked), cost(floored)
        a.append(ca)
        b.append(cb)
        r.append(ca / cb)
    return statistics.median(a), statistics.median(b), statistics.median(r)


async def _async_ratio() -> tuple[float, float, float]:
    session = aiobotocore.session.get_session()
    async with (
        session.create_client("codeartifact", region_name="us-east-1") as client,
        session.create_client("codeartifact", region_name="us-east-1") as floor,
    ):
        await client.create_domain(domain="bench")
        await client.create_repository(domain="bench", repository="repo", description="benchmark")

        def canned(request: Any, **kwargs: Any) -> AioAWSResponse:
            return AioAWSResponse(request.url, 200, HEADERS, AioRawBody(request.url, BODY, HEADERS))

        floor.meta.events.unregister("before-send.codeartifact", before_send)
        floor.meta.events.register_first("before-send.codeartifact", canned)
        answer = await floor.describe_repository(domain="bench", repository="repo")
        assert answer["repository"]["createdTime"].year == 2023, "the floor must not reach the mock"
        return await _interleaved(
            lambda: client.describe_repository(domain="bench", repository="repo"),
            lambda: floor.describe_repository(domain="bench", repository="repo"),
        )


def main() -> list[tuple[str, float, str]]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_codeartifact():
        mocked, floor, ratio = asyncio.run(_async_ratio())
        sync_mocked, sync_floor, sync_ratio = _sync_ratio()
    rows = [
        ("describe_repository in-process, aiobotocore (us/call)", mocked, "us"),
        ("describe_repository aiobotocore floor (us/call)", floor, "us"),
        ("aiobotocore mock / floor ratio (median of interleaved rounds)", ratio, "ratio"),
        ("describe_repository in-process, botocore (us/call)", sync_mocked, "us"),
        ("describe_repository botocore floor (us/call)", sync_floor, "us"),
        ("botocore mock / floor ratio, same run", sync_ratio, "ratio"),
        ("aiobotocore / botocore in-process call ratio", mocked / sync_mocked, "ratio"),
    ]
    for name, value, unit in rows:
        print(f"{name:64s} {value:10.3f}  {unit}")
    return rows


if __name__ == "__main__":
    main()
