"""Reach (docs/reach.md): what the in-process mock answers besides botocore, what it keeps from real AWS, and the
server's sts:GetCallerIdentity."""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from mock_codeartifact import mock_codeartifact, principals
from mock_codeartifact.network_guard import SWITCH_ENV, RealAWSBlocked
from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.package_files import wheel

DOMAIN = "my-domain"
OWNER = "123456789012"
API_HOST = "codeartifact.us-east-1.amazonaws.com"
REPO_HOST = f"{DOMAIN}-{OWNER}.d.codeartifact.us-east-1.amazonaws.com"


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    monkeypatch.delenv(SWITCH_ENV, raising=False)


@pytest.fixture
def mocked(creds: None) -> Iterator[Any]:
    """An active mock with a domain and a pypi repository; ``.client``, ``.token``, ``.endpoint``."""
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository="repo")
        m.client = client
        m.token = client.get_authorization_token(domain=DOMAIN)["authorizationToken"]
        m.endpoint = client.get_repository_endpoint(domain=DOMAIN, repository="repo", format="pypi")[
            "repositoryEndpoint"
        ]
        yield m


# --------------------------------------------------------------------------- real repository hosts in-process


def test_get_repository_endpoint_in_process_is_the_real_host(mocked: Any) -> None:
    assert mocked.endpoint == f"https://{REPO_HOST}/pypi/repo/"


def test_requests_publish_and_download_through_the_real_host(mocked: Any) -> None:
    name, data = wheel("real-host-lib", "1.0")
    auth = ("aws", mocked.token)
    # twine's legacy upload API, by hand.
    form = {":action": "file_upload", "protocol_version": "1", "name": "real-host-lib", "version": "1.0"}
    form.update(filetype="bdist_wheel", pyversion="py3", metadata_version="2.1")
    form["sha256_digest"] = hashlib.sha256(data).hexdigest()
    uploaded = requests.post(mocked.endpoint, data=form, files={"content": (name, data)}, auth=auth, timeout=30)
    assert uploaded.status_code == 200, uploaded.text
    # The boto3 client sees what requests published: one state.
    versions = mocked.client.list_package_versions(
        domain=DOMAIN, repository="repo", format="pypi", package="real-host-lib"
    )["versions"]
    assert [(v["version"], v["status"]) for v in versions] == [("1.0", "Published")]
    # pip's way: the project page, its link (on the real host, as on AWS), the file with its hash.
    page = requests.get(mocked.endpoint + "simple/real-host-lib/", auth=auth, timeout=30)
    assert page.status_code == 200
    href = re.search(r'href="([^"]+)"', page.text)
    assert href is not None
    link = requests.compat.urljoin(page.url, href.group(1))
    assert link.startswith(f"https://{REPO_HOST}/pypi/repo/")
    url, _, fragment = link.partition("#sha256=")
    downloaded = requests.get(url, auth=auth, timeout=30)
    assert downloaded.status_code == 200 and downloaded.content == data
    assert fragment == hashlib.sha256(data).hexdigest()


def test_the_real_host_needs_a_valid_token(mocked: Any) -> None:
    for auth in (None, ("aws", "not-a-token")):
        answer = requests.get(mocked.endpoint + "simple/anything/", auth=auth, timeout=30)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == f'Basic realm="{REPO_HOST}"'
    # A token of another domain does not open this one.
    mocked.client.create_domain(domain="other-domain")
    other = mocked.client.get_authorization_token(domain="other-domain")["authorizationToken"]
    assert requests.get(mocked.endpoint + "simple/anything/", auth=("aws", other), timeout=30).status_code == 401


def test_twine_python_api_uploads_to_the_real_host(mocked: Any, tmp_path: Path) -> None:
    settings_module = pytest.importorskip("twine.settings")
    upload_module = pytest.importorskip("twine.commands.upload")
    name, data = wheel("twine-api-lib", "2.0", summary="Uploaded by twine's API")
    path = tmp_path / name
    path.write_bytes(data)
    settings = settings_module.Settings(
        repository_url=mocked.endpoint,
        username="aws",
        password=mocked.token,
        non_interactive=True,
        disable_progress_bar=True,
    )
    upload_module.upload(settings, [str(path)])
    described = mocked.client.describe_package_version(
        domain=DOMAIN, repository="repo", format="pypi", package="twine-api-lib", packageVersion="2.0"
    )["packageVersion"]
    assert described["summary"] == "Uploaded by twine's API" and described["status"] == "Published"


def test_poetry_resolves_and_downloads_from_the_real_host(
    mocked: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POETRY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("POETRY_CACHE_DIR", str(tmp_path / "cache"))
    legacy = pytest.importorskip("poetry.repositories.legacy_repository")
    dependency = pytest.importorskip("poetry.core.packages.dependency")
    name, data = wheel("poetry-lib", "1.0")
    form = {":action": "file_upload", "protocol_version": "1", "name": "poetry-lib", "version": "1.0"}
    form.update(filetype="bdist_wheel", pyversion="py3", sha256_digest=hashlib.sha256(data).hexdigest())
    auth = ("aws", mocked.token)
    assert requests.post(mocked.endpoint, data=form, files={"content": (name, data)}, auth=auth, timeout=30).ok
    # Poetry's own credentials mechanism (what `poetry config http-basic.ca aws TOKEN` sets).
    monkeypatch.setenv("POETRY_HTTP_BASIC_CA_USERNAME", "aws")
    monkeypatch.setenv("POETRY_HTTP_BASIC_CA_PASSWORD", mocked.token)
    repository = legacy.LegacyRepository("ca", mocked.endpoint + "simple/", disable_cache=True)
    found = repository.find_packages(dependency.Dependency("poetry-lib", ">=1.0"))
    assert [str(p.version) for p in found] == ["1.0"]
    files = repository.package("poetry-lib", found[0].version).files
    assert [f["file"] for f in files] == [name]
    assert files[0]["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"
    downloaded = repository.session.get(files[0]["url"])
    assert downloaded.status_code == 200 and downloaded.content == data


def test_npm_endpoint_serves_scoped_packages_on_the_real_host(mocked: Any) -> None:
    from tests.support.package_files import npm_publish_body, npm_tarball

    mocked.client.create_repository(domain=DOMAIN, repository="js")
    npm = mocked.client.get_repository_endpoint(domain=DOMAIN, repository="js", format="npm")["repositoryEndpoint"]
    manifest = {"name": "@acme/thing", "version": "1.0.0"}
    body = npm_publish_body(manifest, npm_tarball(manifest), registry_base=npm)
    headers = {"Authorization": f"Bearer {mocked.token}"}
    assert requests.put(npm + "@acme%2fthing", json=body, headers=headers, timeout=30).status_code in (200, 201)
    packument = requests.get(npm + "@acme%2fthing", headers=headers, timeout=30).json()
    tarball = packument["versions"]["1.0.0"]["dist"]["tarball"]
    assert tarball.startswith(f"https://{DOMAIN}-{OWNER}.d.codeartifact.us-east-1.amazonaws.com/npm/js/")
    assert requests.get(tarball, headers=headers, timeout=30).status_code == 200


def test_the_real_host_is_not_answered_once_the_mock_stops(creds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # After the mock, requests goes to the network again: here a resolver that records the attempt.
    attempts = _record_resolution(monkeypatch)
    with mock_codeartifact():
        pass
    with pytest.raises(requests.ConnectionError):
        requests.get(f"https://{REPO_HOST}/pypi/repo/simple/", timeout=5)
    assert REPO_HOST in attempts


# --------------------------------------------------------------------------- other HTTP stacks are kept off AWS


def _record_resolution(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the system resolver (before any mock starts) with one that records the names asked for and resolves
    none but loopback: no test here touches the network."""
    attempts: list[str] = []
    real = socket.getaddrinfo

    def resolver(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in ("localhost", "127.0.0.1", "::1"):
            return real(host, *args, **kwargs)
        attempts.append(name)
        raise socket.gaierror(socket.EAI_NONAME, f"test resolver: {name} is not resolved here")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return attempts


BLOCKED_NAMES = [
    API_HOST,
    REPO_HOST,
    "codeartifact.eu-west-1.api.aws",  # dual-stack API
    f"{DOMAIN}-{OWNER}.codeartifact.eu-west-1.on.aws",  # dual-stack repository endpoint
    "codeartifact-fips.us-gov-west-1.amazonaws.com",
    "codeartifact.cn-north-1.amazonaws.com.cn",
]


@pytest.mark.parametrize("host", BLOCKED_NAMES)
def test_urllib_cannot_reach_a_codeartifact_host(mocked: Any, monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    with pytest.raises(urllib.error.URLError) as info:
        urllib.request.urlopen(f"https://{host}/v1/domains", timeout=5)
    assert isinstance(info.value.reason, RealAWSBlocked)
    assert "server mode" in str(info.value.reason) and host in str(info.value.reason)


def test_http_client_and_raw_sockets_fail_at_once(mocked: Any) -> None:
    connection = http.client.HTTPSConnection(API_HOST, timeout=5)
    with pytest.raises(RealAWSBlocked, match="server mode"):
        connection.request("POST", "/v1/domains")
    with pytest.raises(RealAWSBlocked):
        socket.create_connection((REPO_HOST, 443), timeout=5)
    with socket.socket() as raw, pytest.raises(RealAWSBlocked):
        raw.connect((API_HOST, 443))  # a host name resolved inside the connect call itself
    with socket.socket() as raw, pytest.raises(RealAWSBlocked):
        raw.connect_ex((API_HOST.upper() + ".", 443))
    # An OSError, as a failed resolution is: clients report it as a connection error.
    assert issubclass(RealAWSBlocked, socket.gaierror) and issubclass(RealAWSBlocked, OSError)


def test_asyncio_and_aiohttp_cannot_reach_a_codeartifact_host(mocked: Any) -> None:
    async def open_connection() -> None:
        await asyncio.open_connection(API_HOST, 443)

    with pytest.raises(RealAWSBlocked, match="server mode"):
        asyncio.run(open_connection())

    aiohttp = pytest.importorskip("aiohttp")

    async def fetch() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"https://{REPO_HOST}/pypi/repo/simple/", timeout=aiohttp.ClientTimeout(5)):
                pass

    with pytest.raises(aiohttp.ClientConnectorError) as info:
        asyncio.run(fetch())
    assert "server mode" in str(info.value)


def test_nothing_else_is_touched(mocked: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Other names reach whatever resolver is in place; loopback servers work while the mock is active.
    with mock_codeartifact():  # nested: the guard stays as it is
        pass
    attempts = _record_resolution(monkeypatch)
    for name in ("sts.us-east-1.amazonaws.com", "s3.amazonaws.com", "codeartifact.example.com", "pypi.org"):
        with pytest.raises(socket.gaierror) as info:
            socket.getaddrinfo(name, 443)
        assert not isinstance(info.value, RealAWSBlocked)
    assert attempts == ["sts.us-east-1.amazonaws.com", "s3.amazonaws.com", "codeartifact.example.com", "pypi.org"]
    with ThreadedCodeArtifactServer(port=0, fake_environment=False) as server:
        client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=server.endpoint_url)
        assert client.list_domains()["domains"] == []
        assert requests.get(server.endpoint_url + "/_mock/health", timeout=5).json() == {"status": "ok"}


def test_opt_out_by_argument_leaves_other_clients_alone(creds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = _record_resolution(monkeypatch)
    with mock_codeartifact(block_other_clients=False):
        with pytest.raises(urllib.error.URLError) as info:
            urllib.request.urlopen(f"https://{API_HOST}/v1/domains", timeout=5)
        assert not isinstance(info.value.reason, RealAWSBlocked)
        # botocore is still answered in-process.
        assert boto3.client("codeartifact", region_name="us-east-1").list_domains()["domains"] == []
    assert attempts == [API_HOST]
    # The opt-out lasts as long as that mock: the next one blocks again.
    with mock_codeartifact(), pytest.raises(RealAWSBlocked):
        socket.getaddrinfo(API_HOST, 443)


def test_opt_out_by_decorator_and_environment(creds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = _record_resolution(monkeypatch)

    @mock_codeartifact(block_other_clients=False)
    def lenient() -> None:
        with pytest.raises(socket.gaierror) as info:
            socket.getaddrinfo(REPO_HOST, 443)
        assert not isinstance(info.value, RealAWSBlocked)

    lenient()
    assert attempts == [REPO_HOST]
    monkeypatch.setenv(SWITCH_ENV, "off")
    with mock_codeartifact():
        with pytest.raises(socket.gaierror) as info:
            socket.getaddrinfo(API_HOST, 443)
        assert not isinstance(info.value, RealAWSBlocked)
        monkeypatch.setenv(SWITCH_ENV, "on")  # read at each attempt
        with pytest.raises(RealAWSBlocked):
            socket.getaddrinfo(API_HOST, 443)
    assert attempts == [REPO_HOST, API_HOST]


def test_the_guard_goes_with_the_mock(creds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = _record_resolution(monkeypatch)
    with mock_codeartifact():
        with pytest.raises(RealAWSBlocked):
            socket.getaddrinfo(API_HOST, 443)
        # A resolver patched in while the mock is active (monkeypatch in a test) sits on top of the guard and
        # passes loopback names down through it.
        inner = _record_resolution(monkeypatch)
        assert socket.getaddrinfo("localhost", 443)
    assert inner == [] and attempts == []
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo(API_HOST, 443)
    assert not isinstance(info.value, RealAWSBlocked)
    with mock_codeartifact(), pytest.raises(RealAWSBlocked):
        socket.getaddrinfo(API_HOST, 443)
    with socket.socket() as raw, pytest.raises(socket.gaierror) as info:
        raw.connect(("codeartifact.invalid", 443))
    assert not isinstance(info.value, RealAWSBlocked)


# --------------------------------------------------------------------------- sts:GetCallerIdentity on the server


@pytest.fixture
def server(creds: None) -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0, fake_environment=False) as running:
        yield running


def _sts(server: ThreadedCodeArtifactServer, key: str = "testing") -> Any:
    return boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=key,
        aws_secret_access_key="secret",
    )


def test_get_caller_identity_with_boto3(server: ThreadedCodeArtifactServer) -> None:
    me = _sts(server).get_caller_identity()
    assert (me["Account"], me["Arn"], me["UserId"]) == (OWNER, f"arn:aws:iam::{OWNER}:root", OWNER)
    principals.register("AKIAROLESESSION00001", "arn:aws:sts::222222222222:assumed-role/ci/build-7")
    principals.register("AKIAUSERALICE0000001", "arn:aws:iam::333333333333:user/alice")
    session = _sts(server, "AKIAROLESESSION00001").get_caller_identity()
    assert session["Account"] == "222222222222"
    assert session["Arn"] == "arn:aws:sts::222222222222:assumed-role/ci/build-7"
    assert re.fullmatch(r"AROA[A-Z2-7]{17}:build-7", session["UserId"])
    alice = _sts(server, "AKIAUSERALICE0000001").get_caller_identity()
    assert alice["Arn"] == "arn:aws:iam::333333333333:user/alice" and re.fullmatch(r"AIDA[A-Z2-7]{17}", alice["UserId"])
    # The principal the CodeArtifact API sees is the same one.
    guest = boto3.client(
        "codeartifact",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id="AKIAUSERALICE0000001",
        aws_secret_access_key="secret",
    )
    assert guest.create_domain(domain="alices")["domain"]["owner"] == "333333333333"


def test_other_sts_actions_are_unknown(server: ThreadedCodeArtifactServer) -> None:
    with pytest.raises(ClientError) as info:
        _sts(server).assume_role(RoleArn=f"arn:aws:iam::{OWNER}:role/x", RoleSessionName="session")
    error = info.value.response
    assert error["Error"]["Code"] == "InvalidAction" and error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Message"] == "Could not find operation AssumeRole for version 2011-06-15"
    raw = requests.post(
        server.endpoint_url + "/", data={"Action": "GetSessionToken", "Version": "2011-06-15"}, timeout=5
    )
    assert raw.status_code == 400 and "<Code>InvalidAction</Code>" in raw.text
    assert raw.headers["Content-Type"].startswith("text/xml")


@pytest.mark.clients("aws")
def test_aws_cli_get_caller_identity(server: ThreadedCodeArtifactServer, tmp_path: Path) -> None:
    aws = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI is not installed")
    principals.register("AKIACLIROLE000000001", "arn:aws:iam::444455556666:role/deployer")
    env = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_ACCESS_KEY_ID": "AKIACLIROLE000000001",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_STS": server.endpoint_url,  # as the server's start-up lines print it
    }
    done = subprocess.run(
        [aws, "sts", "get-caller-identity", "--output", "json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert '"Arn": "arn:aws:iam::444455556666:role/deployer"' in done.stdout
    assert '"Account": "444455556666"' in done.stdout
    done = subprocess.run(
        [aws, "sts", "get-caller-identity", "--endpoint-url", server.endpoint_url, "--query", "Account"],
        env={**env, "AWS_ENDPOINT_URL_STS": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == '"444455556666"', done.stderr


def test_server_prints_the_sts_endpoint(creds: None) -> None:
    started = subprocess.Popen(
        [sys.executable, "-m", "mock_codeartifact", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert started.stdout is not None
        first = started.stdout.readline()
        url = first.rsplit(" ", 1)[-1].strip()
        lines = [started.stdout.readline() for _ in range(5)]
        assert any(f"AWS_ENDPOINT_URL_STS={url}" in line for line in lines), lines
        assert any(f"AWS_ENDPOINT_URL_CODEARTIFACT={url}" in line for line in lines), lines
    finally:
        started.terminate()
        started.wait(timeout=30)
