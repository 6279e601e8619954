"""aiobotocore and aioboto3 clients answered in-process like botocore ones: every operation against its output
shape, errors, streamed asset bodies, the decorator under pytest-asyncio and anyio, the context manager inside a
running loop, clients made before the mock or without credentials."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import aiobotocore.session
import pytest
from botocore.exceptions import ClientError

from mock_codeartifact import mock_codeartifact
from tests import test_output_shapes as shapes

try:
    import aioboto3
except ImportError:  # .ci/versions runs this file on the newest aiobotocore, which no aioboto3 release may accept yet
    aioboto3 = None

COORDS = {"domain": "async-domain", "repository": "repo", "format": "generic", "namespace": "ns", "package": "pkg"}


@pytest.fixture(autouse=True)
def creds(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)


@pytest.fixture
def anyio_backend() -> str:
    # trio needs aiobotocore's httpx backend (http_session_cls=HttpxSession); aiohttp's runs on asyncio only.
    return "asyncio"


def aiobotocore_client(**kwargs: Any) -> Any:
    return aiobotocore.session.get_session().create_client("codeartifact", region_name="us-east-1", **kwargs)


def aioboto3_client(**kwargs: Any) -> Any:
    if aioboto3 is None:
        pytest.skip("aioboto3 is not installed (.ci/versions: the newest aiobotocore runs without it)")
    return aioboto3.Session().client("codeartifact", region_name="us-east-1", **kwargs)


FACTORIES: dict[str, Callable[..., Any]] = {"aiobotocore": aiobotocore_client, "aioboto3": aioboto3_client}


class Blocking:
    """Runs an async client's calls on a loop of its own, so the output-shape scenarios (plain functions of a
    client) drive aiobotocore unchanged."""

    def __init__(self, client: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._client, self._loop = client, loop
        self.meta = client.meta

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        return lambda **kwargs: self._loop.run_until_complete(method(**kwargs))


async def publish(client: Any, version: str, data: bytes, asset: str = "file.bin") -> None:
    await client.publish_package_version(
        **COORDS,
        packageVersion=version,
        assetContent=data,
        assetName=asset,
        assetSHA256=hashlib.sha256(data).hexdigest(),
    )


async def provision(client: Any) -> None:
    await client.create_domain(domain=COORDS["domain"])
    await client.create_repository(domain=COORDS["domain"], repository=COORDS["repository"])


# --------------------------------------------------------------------------- every operation, both modes


@pytest.mark.parametrize("library", sorted(FACTORIES))
@pytest.mark.parametrize("mode", ["inprocess", "server"])
def test_every_response_matches_its_output_shape(library, mode, request):
    kwargs = {}
    if mode == "server":
        kwargs["endpoint_url"] = request.getfixturevalue("shared_server").endpoint_url
    loop = asyncio.new_event_loop()
    raw: dict[str, bytes] = {}

    async def capture(http_response: Any, model: Any, **_: Any) -> None:
        raw[model.name] = b"" if model.has_streaming_output else await http_response.content

    try:
        with mock_codeartifact():
            if mode == "server":
                request.getfixturevalue("shared_server").reset()
            context = FACTORIES[library](**kwargs)
            aio = loop.run_until_complete(context.__aenter__())
            aio.meta.events.register("after-call.codeartifact", capture)
            client = Blocking(aio, loop)
            shapes.build_world(client)
            problems: list[str] = []
            called = []
            for operation, make_call in shapes.SCENARIOS.items():
                if operation not in shapes.IMPLEMENTED:
                    continue
                response = make_call(client)
                assert response["ResponseMetadata"]["HTTPStatusCode"] == 200, operation
                if operation == "GetPackageVersionAsset":
                    body = loop.run_until_complete(response["asset"].read())
                    assert body == b"downloaded 1.0 file.bin"
                problems += shapes.check(operation, response, raw[operation])
                called.append(operation)
            loop.run_until_complete(context.__aexit__(None, None, None))
        assert not problems, "\n".join(problems)
        assert sorted(called) == sorted(shapes.IMPLEMENTED)
        assert len(called) == 48
    finally:
        loop.close()


# --------------------------------------------------------------------------- pytest-asyncio and anyio


@pytest.mark.asyncio
@mock_codeartifact
async def test_decorated_async_test_under_pytest_asyncio():
    async with aiobotocore_client() as client:
        await provision(client)
        await publish(client, "1.0", b"hello")
        response = await client.get_package_version_asset(**COORDS, packageVersion="1.0", asset="file.bin")
        assert await response["asset"].read() == b"hello"
        assert response["packageVersionRevision"]


@pytest.mark.anyio
@mock_codeartifact
async def test_decorated_async_test_under_anyio():
    async with aioboto3_client() as client:
        await provision(client)
        domains = (await client.list_domains())["domains"]
        assert [d["name"] for d in domains] == [COORDS["domain"]]


@pytest.mark.asyncio
async def test_context_manager_inside_a_running_loop():
    async with aiobotocore_client() as client:
        with mock_codeartifact():
            await client.create_domain(domain="inside-the-loop")
            assert [d["name"] for d in (await client.list_domains())["domains"]] == ["inside-the-loop"]
        with mock_codeartifact():  # fresh state for the next outermost activation
            assert (await client.list_domains())["domains"] == []


@pytest.mark.asyncio
async def test_concurrent_calls_on_one_loop():
    with mock_codeartifact():
        async with aioboto3_client() as client:
            await client.create_domain(domain="concurrent")
            names = [f"repo-{i}" for i in range(20)]
            await asyncio.gather(*(client.create_repository(domain="concurrent", repository=n) for n in names))
            listed = (await client.list_repositories_in_domain(domain="concurrent", maxResults=100))["repositories"]
            assert sorted(r["name"] for r in listed) == sorted(names)


@pytest.mark.asyncio
@mock_codeartifact
async def test_sync_and_async_clients_share_state():
    import boto3

    boto3.client("codeartifact", region_name="us-east-1").create_domain(domain="from-sync")
    async with aiobotocore_client() as client:
        await client.create_domain(domain="from-async")
        names = [d["name"] for d in (await client.list_domains())["domains"]]
    assert sorted(names) == ["from-async", "from-sync"]


# --------------------------------------------------------------------------- streamed bodies and errors


@pytest.mark.asyncio
@pytest.mark.parametrize("library", sorted(FACTORIES))
@mock_codeartifact
async def test_streamed_asset_bodies(library):
    data = bytes(range(256)) * 40  # 10,240 bytes: several chunks
    async with FACTORIES[library]() as client:
        await provision(client)
        await publish(client, "1.0", data)

        async def body() -> Any:
            response = await client.get_package_version_asset(**COORDS, packageVersion="1.0", asset="file.bin")
            assert response["ResponseMetadata"]["HTTPHeaders"]["content-length"] == str(len(data))
            return response["asset"]

        assert await (await body()).read() == data
        chunks = [chunk async for chunk in await body()]
        assert b"".join(chunks) == data and len(chunks) == 10  # aiobotocore's 1 KiB chunks
        stream = await body()
        assert await stream.read(100) == data[:100]
        assert await stream.read() == data[100:]
        sized = [chunk async for chunk in (await body()).iter_chunks(4096)]
        assert [len(c) for c in sized] == [4096, 4096, 2048]
        async with await body() as stream:
            assert (await stream.read()) == data
        lines = [line async for line in (await body()).iter_lines()]
        assert b"".join(lines) == data.replace(b"\n", b"").replace(b"\r", b"")


@pytest.mark.asyncio
@pytest.mark.parametrize("library", sorted(FACTORIES))
@mock_codeartifact
async def test_errors_are_modeled(library):
    async with FACTORIES[library]() as client:
        with pytest.raises(client.exceptions.ResourceNotFoundException) as missing:
            await client.describe_domain(domain="missing")
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert missing.value.response["Error"]["Message"].startswith("Domain not found")
        await client.create_domain(domain="taken")
        with pytest.raises(client.exceptions.ConflictException):
            await client.create_domain(domain="taken")
        with pytest.raises(ClientError) as invalid:
            await client.get_authorization_token(domain="taken", durationSeconds=5)
        assert invalid.value.response["Error"]["Code"] == "ValidationException"
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            await client.get_package_version_asset(**{**COORDS, "domain": "taken"}, packageVersion="1", asset="a")


@pytest.mark.asyncio
async def test_paginators(monkeypatch):
    with mock_codeartifact():
        async with aiobotocore_client() as client:
            for i in range(7):
                await client.create_domain(domain=f"paged-{i}")
            paginator = client.get_paginator("list_domains")
            pages = [page async for page in paginator.paginate(PaginationConfig={"PageSize": 3})]
            assert [len(p["domains"]) for p in pages] == [3, 3, 1]


# --------------------------------------------------------------------------- credentials and old sessions


@pytest.mark.asyncio
async def test_client_without_credentials_is_signed_with_fake_ones_while_active(monkeypatch, tmp_path):
    from botocore.exceptions import NoCredentialsError

    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    async with aiobotocore_client() as client:  # made with no credentials at all
        with mock_codeartifact():
            created = await client.create_domain(domain="unsigned")
            assert created["domain"]["arn"].startswith("arn:aws:codeartifact:us-east-1:")
        with pytest.raises(NoCredentialsError):
            await client.list_domains()


@pytest.mark.slow
def test_sessions_made_before_import_are_mocked(tmp_path):
    # A fresh interpreter, aiobotocore clients made before mock_codeartifact is imported; anything that
    # escaped would hit a dead local proxy.
    script = tmp_path / "early_async.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio
            import aiobotocore.session

            async def main():
                session = aiobotocore.session.get_session()
                async with session.create_client("codeartifact", region_name="us-east-1") as client:
                    from mock_codeartifact import mock_codeartifact

                    with mock_codeartifact():
                        await client.create_domain(domain="early")
                        print(",".join(d["name"] for d in (await client.list_domains())["domains"]))

            asyncio.run(main())
            """
        )
    )
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "AWS_MAX_ATTEMPTS": "1",
    }
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["early"]
