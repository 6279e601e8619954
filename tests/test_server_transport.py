"""Server mode over HTTP/1.1: keep-alive with Content-Length and chunked bodies, ``Expect: 100-continue``,
over-long request lines and headers, a clean stop, and the command line's flags."""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from mock_codeartifact.server import ThreadedCodeArtifactServer
from mock_codeartifact.server.serving import WSGIServer
from tests.support.package_files import npm_publish_body, npm_tarball, wheel
from tests.support.repository import fresh_repo


def _connection(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return http.client.HTTPConnection(host, int(port), timeout=30)


def _exchange(
    conn: http.client.HTTPConnection, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.data = response.read()  # type: ignore[attr-defined]
    return response


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    # An iterator body without Content-Length: http.client sends it with Transfer-Encoding: chunked.
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _client(server: ThreadedCodeArtifactServer, **config: Any) -> Any:
    return boto3.client(
        "codeartifact", region_name="us-east-1", endpoint_url=server.endpoint_url, config=Config(**config)
    )


# --------------------------------------------------------------------------- keep-alive


def test_control_plane_requests_share_one_connection(server):
    conn = _connection(server.endpoint_url)
    created = _exchange(conn, "POST", "/v1/domain?domain=keep", b"{}")
    assert created.status == 200, created.data
    sock = conn.sock
    assets: dict[str, bytes] = {}
    for i in range(15):
        body = json.dumps({"description": f"repository {i}"}).encode()
        repo = _exchange(conn, "POST", f"/v1/repository?domain=keep&repository=r{i}", _chunks(body, 7))
        assert repo.status == 200, repo.data
        described = _exchange(conn, "GET", f"/v1/repository?domain=keep&repository=r{i}")
        assert json.loads(described.data)["repository"]["description"] == f"repository {i}"
        content = os.urandom(200_000 + i)
        assets[f"r{i}"] = content
        query = f"domain=keep&repository=r{i}&format=generic&namespace=ns&package=pkg&version=1.0&asset=a.bin"
        sha = {"x-amz-content-sha256": hashlib.sha256(content).hexdigest()}
        if i % 2:
            published = _exchange(conn, "POST", f"/v1/package/version/publish?{query}", _chunks(content, 65536), sha)
        else:
            published = _exchange(conn, "POST", f"/v1/package/version/publish?{query}", content, sha)
        assert published.status == 200, published.data
        got = _exchange(conn, "GET", f"/v1/package/version/asset?{query}")
        assert got.status == 200 and got.data == content
        assert conn.sock is sock, "the server closed the connection"
        assert got.getheader("Connection") is None
    client = _client(server)
    assert len(client.list_repositories_in_domain(domain="keep")["repositories"]) == 15
    asset = client.get_package_version_asset(
        domain="keep",
        repository="r3",
        format="generic",
        namespace="ns",
        package="pkg",
        packageVersion="1.0",
        asset="a.bin",
    )
    assert asset["asset"].read() == assets["r3"]
    conn.close()


def test_repository_endpoint_requests_share_one_connection(server, monkeypatch):
    repo = fresh_repo(server, monkeypatch)
    npm = repo.endpoint("npm")
    pypi = repo.endpoint("pypi")
    auth = repo.auth()
    uploaded = requests.post(
        pypi, data={":action": "file_upload"}, files={"content": wheel("keep-py", "1.0")}, headers=auth
    )
    assert uploaded.status_code == 200, uploaded.text
    conn = _connection(server.endpoint_url)
    sock = None
    for i in range(10):
        version = f"1.0.{i}"
        manifest = {"name": "keepalive", "version": version}
        tarball = npm_tarball(manifest)
        body = json.dumps(npm_publish_body(manifest, tarball)).encode()
        headers = {**auth, "Content-Type": "application/json"}
        path = npm.removeprefix(server.endpoint_url)
        published = _exchange(conn, "PUT", path + "keepalive", _chunks(body, 1000) if i % 2 else body, headers)
        assert published.status in (200, 201), published.data
        packument = _exchange(conn, "GET", path + "keepalive", headers=auth)
        assert packument.status == 200
        assert sorted(json.loads(packument.data)["versions"]) == sorted(f"1.0.{n}" for n in range(i + 1))
        tgz = _exchange(conn, "GET", path + f"keepalive/-/keepalive-{version}.tgz", headers=auth)
        assert tgz.status == 200 and tgz.data == tarball
        head = _exchange(conn, "HEAD", path + f"keepalive/-/keepalive-{version}.tgz", headers=auth)
        assert head.status == 200 and head.data == b"" and head.getheader("Content-Length") == str(len(tarball))
        simple = _exchange(conn, "GET", pypi.removeprefix(server.endpoint_url) + "simple/keep-py/", headers=auth)
        assert simple.status == 200 and b"keep_py-1.0-py3-none-any.whl" in simple.data
        sock = sock or conn.sock
        assert conn.sock is sock, "the server closed the connection"
    assert set(repo.versions("npm", "keepalive")) == {f"1.0.{i}" for i in range(10)}
    conn.close()


def test_chunked_responses_keep_the_connection():
    # The app answers with Content-Length today; a streamed answer from a WSGI app goes out chunked, and the
    # connection stays usable after it.
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        size = int(environ["PATH_INFO"].strip("/") or 0)
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        for start in range(0, size, 1000):
            yield bytes([start % 251]) * min(1000, size - start)

    server = WSGIServer(app)
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        sock = None
        for size in (0, 1, 999, 1000, 250_001, 70_000):
            response = _exchange(conn, "GET", f"/{size}")
            assert response.getheader("Transfer-Encoding") == "chunked"
            expected = b"".join(bytes([s % 251]) * min(1000, size - s) for s in range(0, size, 1000))
            assert response.data == expected
            sock = sock or conn.sock
            assert conn.sock is sock
        conn.close()
    finally:
        server.stop()


def _read_head(sock: socket.socket, buffered: bytes = b"") -> tuple[bytes, bytes]:
    """(status line and headers, bytes read past them)."""
    data = buffered
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            raise AssertionError(f"connection closed after {data!r}")
        data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _read_response(sock: socket.socket, buffered: bytes = b"") -> tuple[int, dict[str, str], bytes, bytes]:
    """(status, headers, body, bytes read past it) of a Content-Length response."""
    head, rest = _read_head(sock, buffered)
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers["content-length"])
    while len(rest) < length:
        more = sock.recv(65536)
        if not more:
            raise AssertionError("connection closed mid-body")
        rest += more
    return int(lines[0].split()[1]), headers, rest[:length], rest[length:]


def test_expect_100_continue_then_more_requests_on_the_connection(server):
    host, port = server.endpoint_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        body = b'{"tags": [{"key": "k", "value": "v"}]}'
        sock.sendall(
            b"POST /v1/domain?domain=expecting HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        head, rest = _read_head(sock)
        assert head.startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        status, _, data, rest = _read_response(sock, rest)
        assert status == 200 and json.loads(data)["domain"]["name"] == "expecting"
        sock.sendall(b"GET /v1/domain?domain=expecting HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        status, _, data, _ = _read_response(sock, rest)
        assert status == 200 and json.loads(data)["domain"]["name"] == "expecting"
    domain = _client(server).describe_domain(domain="expecting")["domain"]
    assert _client(server).list_tags_for_resource(resourceArn=domain["arn"])["tags"] == [{"key": "k", "value": "v"}]


# --------------------------------------------------------------------------- over-long request lines and headers


def test_an_over_long_request_line_gets_an_aws_shaped_error(server):
    client = _client(server, parameter_validation=False, retries={"max_attempts": 1})
    with pytest.raises(ClientError) as caught:
        client.describe_domain(domain="a" * 100_000)
    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 414
    assert "request line" in error["Error"]["Message"]

    conn = _connection(server.endpoint_url)
    response = _exchange(conn, "GET", "/v1/domains?" + "x" * 100_000)
    assert response.status == 414
    assert response.getheader("Content-Type") == "application/json"
    assert response.getheader("x-amzn-ErrorType") == "ValidationException"
    assert json.loads(response.data)["message"]
    conn.close()
    assert client.list_domains()["domains"] == []  # the server goes on serving


def test_over_long_headers_get_an_aws_shaped_error(server):
    conn = _connection(server.endpoint_url)
    response = _exchange(conn, "POST", "/v1/domain?domain=big-headers", b"{}", {"x-padding": "p" * 100_000})
    assert response.status == 431
    assert response.getheader("x-amzn-ErrorType") == "ValidationException"
    assert "headers" in json.loads(response.data)["message"]
    conn.close()
    many = {f"x-h{i}": "v" * 1000 for i in range(100)}
    conn = _connection(server.endpoint_url)
    assert _exchange(conn, "POST", "/v1/domain?domain=big-headers", b"{}", many).status == 431
    conn.close()
    client = _client(server)
    assert client.list_domains()["domains"] == []  # refused requests change nothing
    # Below the limits, long lines and many headers are fine.
    conn = _connection(server.endpoint_url)
    fine = {f"x-h{i}": "v" * 500 for i in range(50)}
    assert _exchange(conn, "POST", "/v1/domains?x=" + "x" * 30_000, b"{}", fine).status == 200
    conn.close()


# --------------------------------------------------------------------------- stopping


def test_stop_answers_the_request_in_flight_and_leaves_no_thread(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    before = set(threading.enumerate())
    server = ThreadedCodeArtifactServer(port=0)
    server.start()
    host, port = server.endpoint_url.removeprefix("http://").rsplit(":", 1)
    idle = _connection(server.endpoint_url)
    assert _exchange(idle, "GET", "/_mock/health").status == 200  # an idle kept-alive connection
    # The request is held inside the application until stop() has begun: a worker is handling it when the
    # server is told to stop. (A request still arriving is read by the server's front, not by a worker.)
    entered, release = threading.Event(), threading.Event()
    handle = server.app.handle

    def held(request: Any) -> Any:
        if request.path == "/v1/domain":
            entered.set()
            release.wait(10)
        return handle(request)

    monkeypatch.setattr(server.app, "handle", held)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        body = b"{}"
        sock.sendall(
            b"POST /v1/domain?domain=in-flight HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        assert entered.wait(10)  # a worker is handling the request now
        stopper = threading.Thread(target=server.stop)
        stopper.start()
        time.sleep(0.1)  # stop() is under way
        release.set()
        status, _, data, _ = _read_response(sock, b"")
        assert status == 200 and json.loads(data)["domain"]["name"] == "in-flight"
        stopper.join()
        assert sock.recv(1) == b""  # then the connection is closed
    assert server.backend.state("123456789012", "us-east-1").domains["in-flight"]
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        _exchange(idle, "GET", "/_mock/health")
    assert set(threading.enumerate()) - before == set()
    server.start()  # and it starts again
    try:
        assert _exchange(_connection(server.endpoint_url), "GET", "/_mock/health").status == 200
    finally:
        server.stop()
    assert set(threading.enumerate()) - before == set()


def test_access_log_is_off_by_default_and_on_with_the_flag(caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="mock_codeartifact.server.access")
    with ThreadedCodeArtifactServer() as quiet:
        _exchange(_connection(quiet.endpoint_url), "GET", "/_mock/health")
    assert not [r for r in caplog.records if r.name == "mock_codeartifact.server.access"]
    with ThreadedCodeArtifactServer(access_log=True) as loud:
        _exchange(_connection(loud.endpoint_url), "GET", "/_mock/health?probe=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "mock_codeartifact.server.access"]
    assert len(lines) == 1 and '"GET /_mock/health?probe=1 HTTP/1.1" 200' in lines[0]


# --------------------------------------------------------------------------- command line


def _start(args: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.Popen(
        [sys.executable, "-m", "mock_codeartifact", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1", "HOME": str(tmp_path)},
    )


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return out, err


@pytest.mark.slow
@pytest.mark.clients("aws")
def test_cli_port_file_environment_and_access_log(tmp_path):
    port_file = tmp_path / "run" / "port"
    port_file.parent.mkdir()
    proc = _start(["--port", "0", "--port-file", str(port_file), "--access-log"], tmp_path)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.fullmatch(r"mock-codeartifact-server listening on (http://127\.0\.0\.1:(\d+))\n", first)
        assert match, first
        url, port = match.groups()
        assert port_file.read_text() == f"{port}\n"  # written before the line is printed
        shell = "".join(proc.stdout.readline() for _ in range(3))
        exports = (
            "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1"
        )
        assert f"export {exports}\n" in shell  # AWS_REGION too: other SDKs read only that one
        assert f"--endpoint-url {url}" in shell
        # The printed lines work as they are, in a shell with no AWS configuration at all.
        script = "aws() { " + shlex.quote(sys.executable) + ' -m awscli "$@"; }\n'
        script += "\n".join(line for line in shell.splitlines() if not line.startswith("#"))
        env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {"domains": []}
    finally:
        _, err = _stop(proc)
    assert re.search(r'"POST /v1/domains HTTP/1\.1" 200', err), err
    assert not port_file.exists()  # removed on a clean stop
    assert list(port_file.parent.iterdir()) == []  # and no temporary file left behind


def test_cli_quiet_prints_only_the_address(tmp_path):
    proc = _start(["--port", "0", "--quiet"], tmp_path)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.fullmatch(r"mock-codeartifact-server listening on (http://127\.0\.0\.1:\d+)\n", first)
        assert match, first
        conn = _connection(match.group(1))
        assert _exchange(conn, "GET", "/_mock/health").status == 200
        conn.close()
    finally:
        out, err = _stop(proc)
    assert out == "" and err == ""


def test_cli_rejects_an_unknown_log_level(tmp_path):
    proc = _start(["--log-level", "chatty"], tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "--log-level" in err


def test_cli_reports_a_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        proc = _start(["--port", str(taken.getsockname()[1])], tmp_path)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "cannot listen" in err and out == ""


def test_cli_logs_no_requests_without_access_log_even_at_debug(tmp_path):
    proc = _start(["--port", "0", "--log-level", "debug"], tmp_path)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.fullmatch(r"mock-codeartifact-server listening on (http://127\.0\.0\.1:\d+)\n", first)
        assert match, first
        conn = _connection(match.group(1))
        assert _exchange(conn, "GET", "/_mock/health?probe=1").status == 200
        conn.close()
    finally:
        _, err = _stop(proc)
    assert "probe=1" not in err


def test_a_client_that_asks_for_close_gets_it(server):
    host, port = server.endpoint_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        status, headers, body, rest = _read_response(sock)
        assert status == 200 and json.loads(body) == {"status": "ok"}
        assert headers.get("connection") == "close"
        assert rest == b"" and sock.recv(1) == b""
    with socket.create_connection((host, int(port)), timeout=30) as sock:  # HTTP/1.0 closes by default
        sock.sendall(b"GET /_mock/health HTTP/1.0\r\n\r\n")
        status, _, body, rest = _read_response(sock)
        assert status == 200 and rest == b"" and sock.recv(1) == b""
