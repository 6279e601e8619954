"""One request-body limit on every route: control plane, repository endpoints and /_mock/, with and without
Content-Length. Control-plane refusals are AWS-shaped errors that boto3 reads."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable

import pytest
import requests
from botocore.exceptions import ClientError

from tests.support.hostile_files import MiB, bomb, npm_tarball
from tests.support.repository import DOMAIN, Repo

JSON = {"Content-Type": "application/json"}  # a POST to /_mock/ a web page could not send (docs/security.md)

LIMIT = 4 * MiB
PUBLISH = (
    "/v1/package/version/publish?domain=acme&repository=repo&format=generic&namespace=ns&package=p&version=1&asset=a"
)


def raw(repo: Repo, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request over a socket (for bodies and headers requests would not send); (status, headers, body)."""
    host = repo.server.endpoint_url.split("//", 1)[1]
    name, port = host.rsplit(":", 1)
    head += "Connection: close\n"  # one request: reading to the end must not wait out the server's keep-alive
    with socket.create_connection((name, int(port)), timeout=60) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head_raw, _, payload = data.partition(b"\r\n\r\n")
    lines = head_raw.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, payload


def chunked(data: bytes, size: int = 256 * 1024) -> bytes:
    pieces = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(pieces) + b"0\r\n\r\n"


def test_control_plane_body_over_the_limit_is_an_aws_error(repo: Repo) -> None:
    content = os.urandom(LIMIT + 1)
    with pytest.raises(ClientError) as caught:
        repo.client.publish_package_version(
            domain="acme",
            repository="repo",
            format="generic",
            namespace="ns",
            package="big",
            packageVersion="1.0.0",
            assetContent=content,
            assetName="a.bin",
            assetSHA256=hashlib.sha256(content).hexdigest(),
        )
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error["Error"]["Code"] == "RequestEntityTooLargeException"
    assert "MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES" in error["Error"]["Message"]
    assert repo.packages() == []


def test_control_plane_chunked_body_over_the_limit(repo: Repo) -> None:
    head = f"POST {PUBLISH} HTTP/1.1\nHost: 127.0.0.1\nx-amz-content-sha256: {'0' * 64}\nTransfer-Encoding: chunked\n"
    status, headers, payload = raw(repo, head, chunked(b"x" * (LIMIT + 1)))
    assert status == 413
    assert headers["x-amzn-errortype"] == "RequestEntityTooLargeException"
    assert "message" in json.loads(payload)
    assert repo.packages() == []


def test_control_plane_chunked_body_within_the_limit_is_read_whole(repo: Repo) -> None:
    content = os.urandom(2 * MiB + 17)
    head = (
        f"POST {PUBLISH} HTTP/1.1\nHost: 127.0.0.1\nx-amz-content-sha256: {hashlib.sha256(content).hexdigest()}\n"
        "Transfer-Encoding: chunked\n"
    )
    status, _, payload = raw(repo, head, chunked(content))
    assert status == 200, payload
    assets = repo.client.list_package_version_assets(
        domain="acme", repository="repo", format="generic", namespace="ns", package="p", packageVersion="1"
    )["assets"]
    assert [(a["name"], a["size"]) for a in assets] == [("a", len(content))]


def test_absurd_and_invalid_content_length(repo: Repo) -> None:
    status, headers, _ = raw(repo, f"POST {PUBLISH} HTTP/1.1\nHost: 127.0.0.1\nContent-Length: {10**15}\n")
    assert status == 413 and headers["x-amzn-errortype"] == "RequestEntityTooLargeException"
    status, headers, _ = raw(repo, f"POST {PUBLISH} HTTP/1.1\nHost: 127.0.0.1\nContent-Length: -5\n")
    assert status == 400 and headers["x-amzn-errortype"] == "ValidationException"
    assert repo.packages() == []


def test_mock_routes_are_bounded_too(repo: Repo) -> None:
    url = repo.server.endpoint_url + "/_mock/external/public:npmjs"
    big = json.dumps({"package": "p", "version": "1", "assets": {"a": "x" * (LIMIT + 1)}})
    response = requests.post(url, data=big, headers=JSON, timeout=60)
    assert response.status_code == 413 and "MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES" in response.json()["message"]
    response = requests.post(url, data=iter([big.encode()]), headers=JSON, timeout=60)  # chunked
    assert response.status_code == 413


def test_mock_external_reads_stand_in_packages_through_the_caps(repo: Repo) -> None:
    tarball = npm_tarball("standin", "1.0.0", bomb("package/big.bin", 3 * MiB))
    body = {"package": "standin", "version": "1.0.0", "assets": {"package.tgz": base64.b64encode(tarball).decode()}}
    response = requests.post(repo.server.endpoint_url + "/_mock/external/public:npmjs", json=body, timeout=60)
    assert response.status_code == 413
    assert "MOCK_CODEARTIFACT_MAX_UNPACKED_BYTES" in response.json()["message"]
    assert requests.get(repo.server.endpoint_url + "/_mock/health", timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("fmt", "path", "shape"),
    [
        ("npm", "big", lambda r: r.json()["error"]),
        ("pypi", "", lambda r: r.text),
        ("cargo", "api/v1/crates/new", lambda r: r.json()["errors"][0]["detail"]),
        ("swift", "scope/pkg/1.0.0", lambda r: r.json()["detail"]),
    ],
)
def test_repository_endpoints_answer_in_their_own_shape(
    repo: Repo, fmt: str, path: str, shape: Callable[[requests.Response], str]
) -> None:
    response = repo.request("PUT" if fmt != "pypi" else "POST", repo.url(fmt, path), data=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert "MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES" in shape(response)
    assert repo.packages() == []


def test_server_command_line_sets_a_cap() -> None:
    command = [sys.executable, "-m", "mock_codeartifact", "--port", "0", "--limit", "request_bytes=1000"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = re.search(r"http://\S+", proc.stdout.readline())
        assert url is not None
        response = requests.post(
            url.group() + "/_mock/external/public:npmjs", data=b"{" * 1001, headers=JSON, timeout=30
        )
        assert response.status_code == 413 and "1,000 bytes" in response.json()["message"]
        small = requests.post(url.group() + "/_mock/external/public:npmjs", data=b"{}", headers=JSON, timeout=30)
        assert small.status_code == 400  # read and answered on its merits
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_json_nested_deeper_than_python_recurses_is_a_4xx_on_every_json_route(repo: Repo) -> None:
    # 200,000 levels: json.loads raises RecursionError, which must not become a 500.
    deep = b"[" * 200_000 + b"]" * 200_000
    base = repo.server.endpoint_url
    headers = {**repo.auth(), "Content-Type": "application/json"}
    control = requests.post(f"{base}/v1/domain?domain=deep", data=deep, headers=headers, timeout=60)
    assert control.status_code == 400 and control.headers["x-amzn-ErrorType"] == "ValidationException"
    assert control.json()["reason"] == "CANNOT_PARSE"
    for path in ("/_mock/principals", "/_mock/external/public:npmjs"):
        answer = requests.post(base + path, data=deep, headers=JSON, timeout=60)
        assert 400 <= answer.status_code < 500, (path, answer.status_code, answer.text[:200])
    assert [d["name"] for d in repo.client.list_domains()["domains"]] == [DOMAIN]
    assert requests.get(base + "/_mock/health", timeout=10).status_code == 200
