"""A server that can be left running (docs/security.md): strict framing, connections that cost nothing until
they have sent a whole request, refused requests that change nothing, nothing served that is not stored, and
``/_mock/`` routes closed to foreign Host names and other sites. Raw sockets where an HTTP client would tidy
the bytes."""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from mock_codeartifact.server import ThreadedCodeArtifactServer
from mock_codeartifact.server.app import CodeArtifactApp
from mock_codeartifact.server.serving import WSGIServer
from mock_codeartifact.state.http import enable_persistence

INTENT = {"X-Mock-CodeArtifact": "1"}


@pytest.fixture(scope="module")
def front() -> Iterator[WSGIServer]:
    """A server with short deadlines: a head must arrive within 0.5 s, a body at 2,000 bytes/s after 0.5 s."""
    server = WSGIServer(CodeArtifactApp(), head_timeout=0.5, body_grace=0.5, min_body_rate=2000, idle_timeout=5)
    server.start()
    yield server
    server.stop()


def _exchange(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Send ``data``, then read until the server closes the connection (a server that keeps it open fails the
    test with a timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return _read_to_close(sock)


def _read_to_close(sock: socket.socket) -> bytes:
    received = b""
    while True:
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            return received
        if not data:
            return received
        received += data


def _statuses(answer: bytes) -> list[int]:
    return [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]


HEALTH = b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


_DOMAINS = itertools.count()


def _post(headers: str, body: bytes = b"") -> bytes:
    """A CreateDomain request (a new domain each time) with ``headers`` and ``body`` as given."""
    head = f"POST /v1/domain?domain=framing-{next(_DOMAINS)} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n"
    return head.encode() + body


# ------------------------------------------------------------------------------------------------ framing


@pytest.mark.parametrize("coding", ["chunked", " chunked", "Chunked", "CHUNKED "])
def test_content_length_with_transfer_encoding_is_refused_and_closed(front: WSGIServer, coding: str) -> None:
    # The bytes after the chunked body would be a second request to a server that read it by Transfer-Encoding
    # and kept the connection: it must not be answered.
    request = _post(f"Content-Length: 5\r\nTransfer-Encoding:{coding}\r\n", b"0\r\n\r\n") + HEALTH
    answer = _exchange(front.port, request)
    assert _statuses(answer) == [400]
    assert b"Content-Length and Transfer-Encoding" in answer


def test_differing_content_lengths_are_refused(front: WSGIServer) -> None:
    answer = _exchange(front.port, _post("Content-Length: 2\r\nContent-Length: 5\r\n", b"{}") + HEALTH)
    assert _statuses(answer) == [400]
    answer = _exchange(front.port, _post("Content-Length: 2, 3\r\n", b"{}") + HEALTH)
    assert _statuses(answer) == [400]


def test_repeated_equal_content_lengths_are_one(front: WSGIServer) -> None:
    request = _post("Content-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n", b"{}")
    assert _statuses(_exchange(front.port, request)) == [200]


@pytest.mark.parametrize("value", ["+5", "-0", "0x5", "5 5", "1e3", "٥", "99999999999999999999"])
def test_content_length_is_digits_only(front: WSGIServer, value: str) -> None:
    answer = _exchange(front.port, _post(f"Content-Length: {value}\r\n", b"{}   ") + HEALTH)
    assert _statuses(answer) == [400]


@pytest.mark.parametrize("size", ["-1", "0x5", "+5", " 5", "5g", "ffffffffffffffffffffff", ""])
def test_chunk_sizes_are_hex_digits_only(front: WSGIServer, size: str) -> None:
    request = _post("Transfer-Encoding: chunked\r\n", f"{size}\r\n{{}}   \r\n0\r\n\r\n".encode()) + HEALTH
    answer = _exchange(front.port, request)
    assert _statuses(answer) == [400], answer


def test_chunk_extensions_and_blanks_before_them_are_accepted(front: WSGIServer) -> None:
    body = b"2 ;ext=1\r\n{}\r\n0;last\r\nX-Trailer: 1\r\n\r\n"
    answer = _exchange(front.port, _post("Transfer-Encoding: chunked\r\nConnection: close\r\n", body))
    assert _statuses(answer) == [200], answer


def test_control_characters_in_header_values_are_refused(front: WSGIServer) -> None:
    for value in ("a\x00b", "a\x1bb", "a\x7fb", "a\rb"):
        answer = _exchange(front.port, _post(f"X-Note: {value}\r\nContent-Length: 2\r\n", b"{}") + HEALTH)
        assert _statuses(answer) == [400], value


def test_other_transfer_codings(front: WSGIServer) -> None:
    assert _statuses(_exchange(front.port, _post("Transfer-Encoding: gzip, chunked\r\n", b"0\r\n\r\n"))) == [501]
    assert _statuses(_exchange(front.port, _post("Transfer-Encoding: chunked, gzip\r\n", b"0\r\n\r\n"))) == [400]


def test_a_declared_chunk_over_the_limit_is_refused_before_its_data(
    front: WSGIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES", "1000")
    # 2 GiB declared, a few bytes sent: the answer comes without the server waiting for (or keeping) the rest.
    with socket.create_connection(("127.0.0.1", front.port), timeout=10) as sock:
        sock.sendall(_post("Transfer-Encoding: chunked\r\n", b"80000000\r\n" + b"x" * 100))
        answer = _read_to_close(sock)
    assert _statuses(answer) == [413]
    assert b"RequestEntityTooLargeException" in answer
    # Chunks that add up past the limit too.
    answer = _exchange(front.port, _post("Transfer-Encoding: chunked\r\n", b"3e8\r\n" + b"x" * 1000 + b"\r\n1\r\n"))
    answer += _exchange(front.port, _post("Transfer-Encoding: chunked\r\n", (b"1f4\r\n" + b"x" * 500 + b"\r\n") * 3))
    assert _statuses(answer) == [413, 413]


def test_expect_continue_gets_one_interim_answer(front: WSGIServer) -> None:
    with socket.create_connection(("127.0.0.1", front.port), timeout=10) as sock:
        sock.sendall(_post("Content-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n"))
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"{}")
        answer = _read_to_close(sock)
    assert _statuses(answer) == [200]


def test_pipelined_requests_are_all_answered_on_one_connection(front: WSGIServer) -> None:
    close = b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    answer = _exchange(front.port, HEALTH * 3 + _post("Content-Length: 2\r\n", b"{}") + close)
    assert _statuses(answer) == [200, 200, 200, 200, 200]


# ------------------------------------------------------------------------------------------------ slow clients


def _health(port: int) -> int:
    # A fresh connection each time, as a browser or a health check would.
    return requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=10).status_code


def test_idle_and_half_sent_requests_hold_no_worker(front: WSGIServer) -> None:
    idle = [socket.create_connection(("127.0.0.1", front.port)) for _ in range(40)]
    partial = [socket.create_connection(("127.0.0.1", front.port)) for _ in range(40)]
    try:
        for sock in partial[:20]:
            sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.")
        for sock in partial[20:]:
            sock.sendall(_post("Content-Length: 100000\r\n", b"{"))
        assert all(_health(front.port) == 200 for _ in range(20))
    finally:
        for sock in idle + partial:
            sock.close()


def test_a_head_that_takes_too_long_is_answered_408(front: WSGIServer) -> None:
    with socket.create_connection(("127.0.0.1", front.port), timeout=10) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\n")
        for _ in range(3):  # trickling: each line restarts no clock
            # Stop writing once the server has answered: a write after its close could reset the connection
            # before the 408 is read.
            readable, _, _ = select.select([sock], [], [], 0.25)
            if readable:
                break
            sock.sendall(b"X-Slow: 1\r\n")
        answer = _read_to_close(sock)
    assert _statuses(answer) == [408]


def test_a_body_below_the_minimum_rate_is_answered_408(front: WSGIServer) -> None:
    with socket.create_connection(("127.0.0.1", front.port), timeout=10) as sock:
        sock.sendall(_post("Content-Length: 100000\r\n", b"{"))
        answer = b""
        for _ in range(20):
            readable, _, _ = select.select([sock], [], [], 0.1)  # answered: stop writing (see above)
            if readable:
                break
            try:
                sock.sendall(b" " * 10)
            except OSError:
                break
        answer = _read_to_close(sock)
    assert _statuses(answer) == [408]


# ------------------------------------------------------------------------------------------------ refused requests


def test_refused_repository_requests_create_no_state(shared_server: ThreadedCodeArtifactServer) -> None:
    shared_server.reset()
    before = len(shared_server.backend.all_states())
    with requests.Session() as session:
        for i in range(50):
            url = f"{shared_server.endpoint_url}/eu-made-{i}/dom/{100000000000 + i}/npm/repo/left-pad"
            answer = session.get(url, headers={"Authorization": "Bearer not-a-token"}, timeout=10)
            assert 400 <= answer.status_code < 500
    client = boto3.client(
        "codeartifact",
        region_name="ap-south-9",
        endpoint_url=shared_server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with pytest.raises(ClientError):
        client.describe_domain(domain="nowhere", domainOwner="999999999999")
    assert len(shared_server.backend.all_states()) == before


# ------------------------------------------------------------------------------------------------ full disk


def _publish(client: object, version: str) -> None:
    content = b"asset of " + version.encode()
    client.publish_package_version(  # type: ignore[attr-defined]
        domain="dd",
        repository="rr",
        format="generic",
        namespace="ns",
        package="p",
        packageVersion=version,
        assetContent=content,
        assetName="a.bin",
        assetSHA256=hashlib.sha256(content).hexdigest(),
    )


def _versions(client: object) -> list[str]:
    answer = client.list_package_versions(  # type: ignore[attr-defined]
        domain="dd", repository="rr", format="generic", namespace="ns", package="p"
    )
    return sorted(v["version"] for v in answer["versions"])


def test_a_change_that_cannot_be_stored_is_not_served_and_the_next_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    disk_full = False

    def fsync(fd: int) -> None:  # the file layer: a disk that is full while ``disk_full`` holds
        if disk_full:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    app = CodeArtifactApp()
    store = enable_persistence(app, str(tmp_path / "state"))
    server = WSGIServer(app)
    server.start()
    try:
        client = boto3.client(
            "codeartifact",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{server.port}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}),
        )
        client.create_domain(domain="dd")
        client.create_repository(domain="dd", repository="rr")
        _publish(client, "1.0")
        disk_full = True
        with pytest.raises(ClientError) as caught:
            _publish(client, "2.0")
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert "could not be made durable" in caught.value.response["Error"]["Message"]
        assert _versions(client) == ["1.0"]  # what is served is what is stored
        disk_full = False  # space is back: the same publish succeeds, without a restart
        _publish(client, "2.0")
        assert _versions(client) == ["1.0", "2.0"]
    finally:
        server.stop()
        store.close()
    again = CodeArtifactApp()
    reopened = enable_persistence(again, str(tmp_path / "state"))
    try:
        with ThreadedCodeArtifactServer(backend=again.backend) as restarted:
            assert _versions(restarted.client("us-east-1")) == ["1.0", "2.0"]
    finally:
        reopened.close()


# ------------------------------------------------------------------------------------------------ Host and Origin

# Every /_mock/ route, with a request that would change or read state.
MOCK_ROUTES = [
    ("GET", "/_mock/state", None),
    ("PUT", "/_mock/state", b"not a tar"),
    ("POST", "/_mock/reset", b"{}"),
    ("GET", "/_mock/principals", None),
    ("POST", "/_mock/principals", b'{"accessKeyId": "AKIAEVIL", "principalArn": "arn:aws:iam::123456789012:root"}'),
    ("POST", "/_mock/external/public:npmjs", b'{"package": "evil", "version": "1.0.0"}'),
    ("DELETE", "/_mock/external", None),
    ("GET", "/_mock/ui", None),
    ("GET", "/_mock/health", None),
]


@pytest.fixture
def guarded(shared_server: ThreadedCodeArtifactServer) -> Iterator[ThreadedCodeArtifactServer]:
    shared_server.reset()
    boto3.client(
        "codeartifact",
        region_name="us-east-1",
        endpoint_url=shared_server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_domain(domain="kept")
    yield shared_server
    shared_server.reset()


def _state_is_untouched(server: ThreadedCodeArtifactServer) -> None:
    domains = server.backend.state("123456789012", "us-east-1").domains
    assert list(domains) == ["kept"]
    assert requests.get(f"{server.endpoint_url}/_mock/principals", timeout=10).json() == {"principals": {}}


@pytest.mark.parametrize(("method", "path", "body"), MOCK_ROUTES)
@pytest.mark.parametrize("host", ["rebind.evil.example", "evil.example:1234", "localhost.evil.example"])
def test_a_foreign_host_is_refused_on_every_mock_route(
    guarded: ThreadedCodeArtifactServer, method: str, path: str, body: bytes | None, host: str
) -> None:
    headers = {"Host": host, "Content-Type": "application/json", **INTENT}
    answer = requests.request(method, guarded.endpoint_url + path, data=body, headers=headers, timeout=10)
    assert answer.status_code == 403
    assert "--allowed-host" in answer.json()["message"]
    assert b"kept" not in answer.content
    _state_is_untouched(guarded)


def test_a_foreign_host_is_refused_on_the_api_and_repository_endpoints(guarded: ThreadedCodeArtifactServer) -> None:
    answer = requests.get(guarded.endpoint_url + "/v1/domains", headers={"Host": "rebind.evil.example"}, timeout=10)
    assert answer.status_code == 403 and answer.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    npm = requests.get(
        guarded.endpoint_url + "/us-east-1/kept/123456789012/npm/r/x", headers={"Host": "a.b"}, timeout=10
    )
    assert npm.status_code == 403


@pytest.mark.parametrize(
    "names",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}],
)
@pytest.mark.parametrize(("method", "path", "body"), [r for r in MOCK_ROUTES if r[1] not in ("/_mock/health",)])
def test_cross_site_requests_are_refused_on_mock_routes(
    guarded: ThreadedCodeArtifactServer, method: str, path: str, body: bytes | None, names: dict[str, str]
) -> None:
    headers = {"Content-Type": "application/json", **INTENT, **names}
    answer = requests.request(method, guarded.endpoint_url + path, data=body, headers=headers, timeout=10)
    if path == "/_mock/ui":  # a page that links to the dashboard: following the link shows it
        assert answer.status_code == 200
        return
    assert answer.status_code == 403
    assert b"kept" not in answer.content
    _state_is_untouched(guarded)


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
@pytest.mark.parametrize("path", ["/_mock/reset", "/_mock/principals", "/_mock/external/public:npmjs"])
def test_a_post_a_web_page_could_send_is_refused(
    guarded: ThreadedCodeArtifactServer, path: str, content_type: str | None
) -> None:
    # No Origin and no Sec-Fetch-Site (an older browser, known by its User-Agent): the content type alone says a
    # page could have sent it.
    headers = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:60.0) Gecko/20100101 Firefox/60.0"}
    if content_type:
        headers["Content-Type"] = content_type
    answer = requests.post(guarded.endpoint_url + path, data=b'{"accessKeyId": "A"}', headers=headers, timeout=10)
    assert answer.status_code == 403
    assert "X-Mock-CodeArtifact" in answer.json()["message"]
    _state_is_untouched(guarded)


def test_programs_reach_mock_routes(guarded: ThreadedCodeArtifactServer) -> None:
    url = guarded.endpoint_url
    same_origin = {"Origin": url, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}
    assert requests.get(f"{url}/_mock/state", headers={"Sec-Fetch-Site": "same-origin"}, timeout=10).ok
    assert requests.get(f"{url.replace('127.0.0.1', 'localhost')}/_mock/principals", timeout=10).ok
    assert requests.post(f"{url}/_mock/reset", headers=same_origin, timeout=10).ok
    assert requests.post(f"{url}/_mock/reset", headers=INTENT, timeout=10).ok
    assert guarded.backend.state("123456789012", "us-east-1").domains == {}


def test_a_program_resets_without_extra_headers(guarded: ThreadedCodeArtifactServer) -> None:
    """``POST /_mock/reset`` from a test or a script (no browser marks) works as the contract has it."""
    assert guarded.backend.state("123456789012", "us-east-1").domains != {}
    assert requests.post(f"{guarded.endpoint_url}/_mock/reset", timeout=10).status_code == 200
    assert guarded.backend.state("123456789012", "us-east-1").domains == {}
    evil = {"Origin": "http://evil.example", "Content-Type": "text/plain"}
    assert requests.post(f"{guarded.endpoint_url}/_mock/reset", headers=evil, timeout=10).status_code == 403


def test_allowed_hosts_and_the_admin_token() -> None:
    with ThreadedCodeArtifactServer(allowed_hosts=["ci-runner"], admin_token="s3cret") as server:
        url = server.endpoint_url
        port = url.rsplit(":", 1)[1]
        assert requests.get(f"{url}/_mock/health", headers={"Host": f"ci-runner:{port}"}, timeout=10).ok
        assert requests.get(f"{url}/_mock/health", headers={"Host": "other:1"}, timeout=10).status_code == 403
        assert server.client("us-east-1").list_domains()["domains"] == []  # the API needs no admin token
        assert requests.get(f"{url}/_mock/state", timeout=10).status_code == 401
        token = {"X-Mock-CodeArtifact-Token": "s3cret"}
        assert requests.get(f"{url}/_mock/state", headers=token, timeout=10).ok
        assert requests.get(f"{url}/_mock/state", headers={"Authorization": "Bearer s3cret"}, timeout=10).ok
        assert requests.post(f"{url}/_mock/reset", headers={**INTENT, **token}, timeout=10).ok
        wrong = {**INTENT, "X-Mock-CodeArtifact-Token": "s3cre"}
        assert requests.post(f"{url}/_mock/reset", headers=wrong, timeout=10).status_code == 401
        with requests.Session() as browser:  # the dashboard opened with ?token= keeps it in a cookie
            assert browser.get(f"{url}/_mock/ui?token=s3cret", timeout=10).ok
            assert browser.get(f"{url}/_mock/ui", timeout=10).ok
        assert requests.get(f"{url}/_mock/ui", timeout=10).status_code == 401


def _start_cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-m", "mock_codeartifact", "--port", "0", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.terminate()
    out, err = proc.communicate(timeout=30)
    return out, err


def test_listening_beyond_loopback_without_a_token_warns() -> None:
    proc = _start_cli("--host", "0.0.0.0")
    assert proc.stdout is not None
    first = proc.stdout.readline()
    _, err = _stop(proc)
    assert "listening on http://0.0.0.0:" in first
    assert "WARNING" in err and "--admin-token" in err and "/_mock/state" in err


def test_listening_on_loopback_does_not_warn() -> None:
    proc = _start_cli("--quiet")
    assert proc.stdout is not None
    proc.stdout.readline()
    _, err = _stop(proc)
    assert "WARNING" not in err


def test_a_generated_admin_token_is_printed_and_required() -> None:
    proc = _start_cli("--host", "0.0.0.0", "--admin-token", "auto", "--quiet")
    try:
        assert proc.stdout is not None
        url = re.search(r"http://\S+", proc.stdout.readline())
        line = proc.stdout.readline()
        assert url is not None and "admin token" in line
        token = line.rsplit(" ", 1)[1].strip()
        base = url.group().replace("0.0.0.0", "127.0.0.1")
        assert requests.get(f"{base}/_mock/state", timeout=10).status_code == 401
        answer = requests.get(f"{base}/_mock/state", headers={"X-Mock-CodeArtifact-Token": token}, timeout=10)
        assert answer.ok and answer.headers["Content-Type"] == "application/x-tar"
    finally:
        _, err = _stop(proc)
    assert "WARNING" not in err


def test_running_out_of_file_descriptors_sheds_idle_connections(tmp_path: Path) -> None:
    resource = pytest.importorskip("resource")
    port_file = tmp_path / "port"

    def few_descriptors() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, 100))

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-m", "mock_codeartifact", "--port", "0", "--port-file", str(port_file), "--quiet"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env, preexec_fn=few_descriptors)
    sockets: list[socket.socket] = []
    try:
        assert proc.stdout is None
        for _ in range(600):
            if port_file.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        port = int(port_file.read_text())
        # More idle connections than the server has descriptors: the kernel queues the rest.
        sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(150)]
        assert _health(port) == 200
        assert proc.poll() is None
    finally:
        for sock in sockets:
            sock.close()
        proc.terminate()
        proc.wait(30)


def test_a_threaded_server_beyond_loopback_without_a_token_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="mock_codeartifact.server"), ThreadedCodeArtifactServer("0.0.0.0"):
        pass
    assert any("WARNING" in r.getMessage() and "admin" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level("WARNING", logger="mock_codeartifact.server"):
        with ThreadedCodeArtifactServer("0.0.0.0", admin_token="t"), ThreadedCodeArtifactServer():
            pass
    assert not caplog.records
