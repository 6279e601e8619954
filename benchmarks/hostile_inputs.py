"""Hostile inputs against a fresh server each: the answer, the time it took and the server's peak memory growth.

Every input of the catalogue (gzip and zip bombs in every format, DTDs and entities in UTF-8/16/32, YAML and POM
property "billion laughs", deep nesting, path traversal, absurd sizes in archive headers and in Content-Length,
oversized bodies with and without Content-Length on every kind of route) is sent to its own
``mock-codeartifact-server`` subprocess started with the default caps, after a legitimate publish of the same
format (so imports and caches are paid before the measurement). Per input the script prints the HTTP status,
the time to the answer, and the growth of the server's peak resident memory (``VmHWM`` of ``/proc/<pid>/status``
before and after), then checks that nothing was stored (``ListPackages`` is unchanged) and that the server still
answers ``/_mock/health``.

Targets (issue 11): every input answered with a 4xx in under 2 s with at most 64 MiB of peak growth, nothing
stored, the server up. ``python benchmarks/hostile_inputs.py [--only SUBSTRING ...]``; the process running the
server is ``python -m mock_codeartifact`` of the interpreter running this script (``PYTHONPATH`` selects the code).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import re
import select
import socket
import struct
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _checkout  # noqa: F401  (tests.support importable)

from tests.support import hostile_files as b

# The hostile archives and documents are built by the same helpers as the tests' (tests/support/hostile_files.py).
END, bomb, core_metadata, crate, gem, gemspec, gz = b.END, b.bomb, b.core_metadata, b.crate, b.gem, b.gemspec, b.gz
header, member, npm_tarball, nuspec, zeros, zip_many = b.header, b.member, b.npm_tarball, b.nuspec, b.zeros, b.zip_many

MiB = 1024 * 1024
GiB = 1024 * MiB
DOMAIN = "bench"
REPO = "repo"

# --------------------------------------------------------------------------------------------- building blocks


def zip_bytes(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def zip_bomb(name: str, declared: int) -> bytes:
    """A zip whose member ``name`` is ``declared`` zero bytes, deflated (a zip bomb member, about 1,000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open(name, "w", force_zip64=True) as fh:
            for piece in zeros(declared):
                fh.write(piece)
        zf.writestr("ok.txt", b"x")
    return buf.getvalue()


def lol_xml(encoding: str, bom: bool = True) -> bytes:
    entities = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    doc = (
        f'<?xml version="1.0" encoding="{encoding.upper().replace("-LE", "").replace("-BE", "")}"?>'
        f"<!DOCTYPE project [{entities}]><project><modelVersion>4.0.0</modelVersion><groupId>h</groupId>"
        "<artifactId>bomb</artifactId><version>1.0</version><description>&i;</description></project>"
    )
    codec = encoding if bom else {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(encoding, encoding)
    return doc.encode(codec)


BILLION_LAUGHS_YAML = "\n".join(
    ["--- !ruby/object:Gem::Specification", "name: bomb", "version: !ruby/object:Gem::Version", "  version: 1.0.0"]
    + ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["summary: *a8", ""]
)


# ------------------------------------------------------------------------------------------------ packages


def npm_body(name: str, version: str, tarball: bytes) -> bytes:
    doc = {
        "_id": name,
        "name": name,
        "dist-tags": {"latest": version},
        "versions": {version: {"name": name, "version": version, "dist": {}}},
        "_attachments": {f"{name}-{version}.tgz": {"data": base64.b64encode(tarball).decode(), "length": len(tarball)}},
    }
    return json.dumps(doc).encode()


def wheel(name: str, version: str, extra: dict[str, bytes] | None = None) -> bytes:
    info = f"{name}-{version}.dist-info"
    return zip_bytes({f"{info}/METADATA": core_metadata(name, version), f"{name}/__init__.py": b"", **(extra or {})})


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "hostile-boundary-7f3a"
    out = io.BytesIO()
    for key, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    for key, (filename, data) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def pom(group: str, artifact: str, version: str, extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><project><modelVersion>4.0.0</modelVersion><groupId>{group}</groupId>'
        f"<artifactId>{artifact}</artifactId><version>{version}</version>{extra}</project>"
    ).encode()


def crate_body(name: str, vers: str, crate: bytes, raw_meta: bytes | None = None) -> bytes:
    meta = raw_meta or json.dumps({"name": name, "vers": vers, "deps": [], "features": {}}).encode()
    return struct.pack("<I", len(meta)) + meta + struct.pack("<I", len(crate)) + crate


def swift_zip(extra: dict[str, bytes] | None = None) -> bytes:
    return zip_bytes({"pkg/Package.swift": b"// swift-tools-version:5.7\n", **(extra or {})})


# ---------------------------------------------------------------------------------------------- the requests


@dataclass
class Req:
    """One HTTP request: ``body`` is bytes or an iterable of pieces (streamed); ``chunked`` sends it without
    Content-Length; ``length`` overrides the Content-Length header."""

    method: str
    path: str
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False
    length: int | None = None


@dataclass
class Ctx:
    """What a case needs to address the server: repository endpoint paths and the token."""

    token: str
    account: str

    def ep(self, fmt: str) -> str:
        return f"/us-east-1/{DOMAIN}/{self.account}/{fmt}/{REPO}/"

    def auth(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"aws:{self.token}".encode()).decode()}


def npm_put(ctx: Ctx, name: str, body: bytes | Iterable[bytes], **kw: Any) -> Req:
    headers = {**ctx.auth(), "Content-Type": "application/json"}
    return Req("PUT", ctx.ep("npm") + name, body, headers, **kw)


def twine(ctx: Ctx, filename: str, content: bytes) -> Req:
    body, ctype = multipart({":action": "file_upload"}, {"content": (filename, content)})
    return Req("POST", ctx.ep("pypi"), body, {**ctx.auth(), "Content-Type": ctype})


def maven_put(ctx: Ctx, path: str, body: bytes) -> Req:
    return Req("PUT", ctx.ep("maven") + path, body, ctx.auth())


def gem_push(ctx: Ctx, body: bytes) -> Req:
    return Req("POST", ctx.ep("ruby") + "api/v1/gems", body, {"Authorization": ctx.token})


def nuget_push(ctx: Ctx, body: bytes) -> Req:
    form, ctype = multipart({}, {"package": ("p.nupkg", body)})
    return Req("PUT", ctx.ep("nuget") + "v3/package", form, {**ctx.auth(), "Content-Type": ctype})


def cargo_put(ctx: Ctx, body: bytes) -> Req:
    return Req("PUT", ctx.ep("cargo") + "api/v1/crates/new", body, {"Authorization": ctx.token})


def swift_put(ctx: Ctx, version: str, archive: bytes, metadata: str | None = None) -> Req:
    fields = {"metadata": metadata} if metadata is not None else {}
    body, ctype = multipart(fields, {"source-archive": ("a.zip", archive)})
    headers = {**ctx.auth(), "Content-Type": ctype, "Accept": "application/vnd.swift.registry.v1+json"}
    return Req("PUT", ctx.ep("swift") + f"scope/pkg/{version}", body, headers)


def control_publish(body: bytes | Iterable[bytes], package: str = "big", **kw: Any) -> Req:
    query = f"domain={DOMAIN}&repository={REPO}&format=generic&namespace=ns&package={package}&version=1.0.0&asset=a.bin"
    sha = hashlib.sha256(body).hexdigest() if isinstance(body, bytes) else "0" * 64
    headers = {"x-amz-content-sha256": sha, "Content-Type": "application/octet-stream"}
    return Req("POST", f"/v1/package/version/publish?{query}", body, headers, **kw)


def mock_external(body: bytes | Iterable[bytes], **kw: Any) -> Req:
    return Req("POST", "/_mock/external/public:npmjs", body, {"Content-Type": "application/json"}, **kw)


def warm_up(fmt: str, ctx: Ctx) -> Req:
    """A legitimate publish of the format (its package is the only one a case may leave behind)."""
    if fmt == "npm":
        return npm_put(ctx, "warm", npm_body("warm", "1.0.0", npm_tarball("warm", "1.0.0")))
    if fmt == "pypi":
        return twine(ctx, "warm-1.0.0-py3-none-any.whl", wheel("warm", "1.0.0"))
    if fmt == "maven":
        return maven_put(ctx, "org/warm/warm/1.0/warm-1.0.pom", pom("org.warm", "warm", "1.0"))
    if fmt == "ruby":
        return gem_push(ctx, gem(gzip.compress(gemspec("warm", "1.0.0"))))
    if fmt == "nuget":
        return nuget_push(ctx, zip_bytes({"warm.nuspec": nuspec("warm", "1.0.0")}))
    if fmt == "cargo":
        return cargo_put(ctx, crate_body("warm", "1.0.0", crate("warm", "1.0.0")))
    if fmt == "swift":
        return swift_put(ctx, "1.0.0", swift_zip())
    return control_publish(b"warm", package="warm")


# ------------------------------------------------------------------------------------------------ catalogue

BIG_BODY = 300 * MiB


def _x(total: int) -> Iterator[bytes]:
    block = b"x" * MiB
    while total > 0:
        yield block[: min(MiB, total)]
        total -= MiB


@dataclass
class Case:
    name: str
    fmt: str
    build: Callable[[Ctx], Req]
    note: str = ""


def _nested_json(depth: int) -> bytes:
    return b'{"name":"deep","x":' + b"[" * depth + b"]" * depth + b"}"


CATALOGUE: list[Case] = [
    # npm
    Case(
        "npm: gzip bomb tarball, 2 MiB -> 2 GiB member (issue 11)",
        "npm",
        lambda c: npm_put(c, "bomb", npm_body("bomb", "1.0.0", gz([*bomb("package/big.bin", 2 * GiB), END]))),
    ),
    Case(
        "npm: gzip bomb tarball, 20 members of 100 MiB (sizes each in range)",
        "npm",
        lambda c: npm_put(
            c,
            "bomb",
            npm_body("bomb", "1.0.0", gz([p for i in range(20) for p in bomb(f"package/f{i}", 100 * MiB)] + [END])),
        ),
    ),
    Case(
        "npm: tarball with 200,000 members",
        "npm",
        lambda c: npm_put(
            c, "many", npm_body("many", "1.0.0", gz([header(f"package/f{i}", 0) for i in range(200_000)] + [END]))
        ),
    ),
    Case(
        "npm: tar header claiming an 8 GiB member (absurd size)",
        "npm",
        lambda c: npm_put(c, "huge", npm_body("huge", "1.0.0", gz([header("package/huge.bin", 8 * GiB), END]))),
    ),
    Case(
        "npm: pax extended header of 200 MiB",
        "npm",
        lambda c: npm_put(
            c,
            "pax",
            npm_body(
                "pax",
                "1.0.0",
                gz([header("././@PaxHeader", 200 * MiB, tarfile.XHDTYPE), *zeros(200 * MiB), END]),
            ),
        ),
    ),
    Case(
        "npm: path traversal member ../../../etc/cron.d/x",
        "npm",
        lambda c: npm_put(
            c, "trav", npm_body("trav", "1.0.0", npm_tarball("trav", "1.0.0", [member("../../../etc/cron.d/x", b"x")]))
        ),
    ),
    Case("npm: publish JSON nested 1,000,000 deep", "npm", lambda c: npm_put(c, "deep", _nested_json(1_000_000))),
    Case(
        "npm: publish JSON of 3,000,000 empty objects",
        "npm",
        lambda c: npm_put(c, "wide", b'{"name":"wide","x":[' + b"{}," * 3_000_000 + b"{}]}"),
    ),
    Case(
        "npm: publish JSON, 4 MiB of escaped quotes after 200,000 commas",
        "npm",
        lambda c: npm_put(c, "esc", b'{"name":"esc","x":[' + b"1," * 200_000 + b'"' + b'\\"' * 2 * MiB + b'"]}'),
    ),
    # pypi
    Case(
        "pypi: sdist gzip bomb, 2 GiB member",
        "pypi",
        lambda c: twine(
            c,
            "bomb-1.0.tar.gz",
            gz([member("bomb-1.0/PKG-INFO", core_metadata("bomb", "1.0")), *bomb("bomb-1.0/x", 2 * GiB), END]),
        ),
    ),
    Case(
        "pypi: wheel zip bomb, METADATA of 1 GiB",
        "pypi",
        lambda c: twine(c, "bomb-1.0-py3-none-any.whl", zip_bomb("bomb-1.0.dist-info/METADATA", GiB)),
    ),
    Case(
        "pypi: wheel with 200,000 entries",
        "pypi",
        lambda c: twine(c, "many-1.0-py3-none-any.whl", zip_many(200_000)),
    ),
    Case(
        "pypi: wheel with a ../ member name",
        "pypi",
        lambda c: twine(c, "trav-1.0-py3-none-any.whl", wheel("trav", "1.0", {"../../evil.py": b"x"})),
    ),
    # maven
    *[
        Case(
            f"maven: POM billion laughs, {enc}{'' if bom else ' without BOM'}",
            "maven",
            lambda c, enc=enc, bom=bom: maven_put(c, "h/bomb/1.0/bomb-1.0.pom", lol_xml(enc, bom)),
        )
        for enc, bom in (("utf-8", True), ("utf-16", True), ("utf-16", False), ("utf-32", True))
    ],
    Case(
        "maven: POM nested 1,000,000 elements deep",
        "maven",
        lambda c: maven_put(
            c, "h/deep/1.0/deep-1.0.pom", b"<project>" + b"<a>" * 1_000_000 + b"</a>" * 1_000_000 + b"</project>"
        ),
    ),
    Case(
        "maven: POM property expansion bomb",
        "maven",
        lambda c: maven_put(
            c,
            "h/props/1.0/props-1.0.pom",
            pom(
                "h",
                "props",
                "1.0",
                "<properties><p0>"
                + "x" * 1000
                + "</p0>"
                + "".join(f"<p{i}>{('${p' + str(i - 1) + '}') * 50}</p{i}>" for i in range(1, 6))
                + "</properties><description>${p5}</description>",
            ),
        ),
    ),
    # nuget
    Case(
        "nuget: nupkg zip bomb, .nuspec of 1 GiB",
        "nuget",
        lambda c: nuget_push(c, zip_bomb("bomb.nuspec", GiB)),
    ),
    Case(
        "nuget: nuspec with an internal entity, UTF-16",
        "nuget",
        lambda c: nuget_push(
            c,
            zip_bytes(
                {
                    "e.nuspec": (
                        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE package [<!ENTITY x "expanded">]>'
                        "<package><metadata><id>e</id><version>1.0.0</version><description>&x;</description>"
                        "</metadata></package>"
                    ).encode("utf-16")
                }
            ),
        ),
    ),
    # ruby
    Case(
        "ruby: metadata.gz gzip bomb, 2 MiB -> 2 GiB (issue 11)",
        "ruby",
        lambda c: gem_push(c, gem(gz([gemspec("bomb", "1.0.0"), *(b" " * MiB for _ in range(2048))]))),
    ),
    Case(
        "ruby: gemspec YAML billion laughs (issue 11)",
        "ruby",
        lambda c: gem_push(c, gem(gzip.compress(BILLION_LAUGHS_YAML.encode()))),
    ),
    Case(
        "ruby: gemspec YAML with a recursive alias",
        "ruby",
        lambda c: gem_push(c, gem(gzip.compress(gemspec("rec", "1.0.0") + b"summary: &s [1, *s]\n"))),
    ),
    Case(
        "ruby: gemspec YAML nested 100,000 deep",
        "ruby",
        lambda c: gem_push(c, gem(gzip.compress(gemspec("deep", "1.0.0") + b"metadata: " + b"[" * 100_000 + b"\n"))),
    ),
    Case(
        "ruby: data.tar.gz gzip bomb, 2 GiB member",
        "ruby",
        lambda c: gem_push(c, gem(gzip.compress(gemspec("bomb", "1.0.0")), gz([*bomb("README.md", 2 * GiB), END]))),
    ),
    # cargo
    Case(
        "cargo: .crate gzip bomb, 2 GiB member",
        "cargo",
        lambda c: cargo_put(c, crate_body("bomb", "1.0.0", crate("bomb", "1.0.0", bomb("bomb-1.0.0/big", 2 * GiB)))),
    ),
    Case(
        "cargo: metadata length field 0xFFFFFFFF (absurd size)",
        "cargo",
        lambda c: cargo_put(c, struct.pack("<I", 0xFFFFFFFF) + b"{}"),
    ),
    # swift
    Case(
        "swift: source archive zip bomb, Package.swift of 1 GiB",
        "swift",
        lambda c: swift_put(c, "1.0.1", zip_bomb("pkg/Package.swift", GiB)),
    ),
    Case(
        "swift: metadata JSON nested 1,000,000 deep",
        "swift",
        lambda c: swift_put(c, "1.0.2", swift_zip(), "[" * 1_000_000 + "]" * 1_000_000),
    ),
    # every route: the request body limit
    Case("control plane: 300 MiB body with Content-Length", "generic", lambda c: control_publish(_x(BIG_BODY))),
    Case(
        "control plane: 300 MiB chunked body (no Content-Length)",
        "generic",
        lambda c: control_publish(_x(BIG_BODY), chunked=True),
    ),
    Case(
        "control plane: Content-Length of 10^15",
        "generic",
        lambda c: control_publish(b"", length=10**15),
    ),
    Case("/_mock/external: 300 MiB body with Content-Length", "generic", lambda c: mock_external(_x(BIG_BODY))),
    Case("/_mock/external: 300 MiB chunked body", "generic", lambda c: mock_external(_x(BIG_BODY), chunked=True)),
    Case("npm endpoint: 300 MiB chunked body", "npm", lambda c: npm_put(c, "big", _x(BIG_BODY), chunked=True)),
    Case(
        "control plane: 100,000-character request line",
        "generic",
        lambda c: Req("GET", "/v1/domains?" + "a" * 100_000),
        "answered by the WSGI server, not the app",
    ),
]


# ------------------------------------------------------------------------------------------------- running


def _pieces(body: bytes | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(body, (bytes, bytearray)):
        for i in range(0, len(body), MiB):
            yield bytes(body[i : i + MiB])
    else:
        yield from body


def send(port: int, req: Req, timeout: float = 120) -> tuple[int, float, bytes]:
    """Send ``req`` over a raw socket; stop sending as soon as the server answers. (status, seconds, body head)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    head = [f"{req.method} {req.path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in req.headers.items()]
    body = req.body
    if req.chunked:
        head.append("Transfer-Encoding: chunked")
    elif req.length is not None:
        head.append(f"Content-Length: {req.length}")
    else:
        if not isinstance(body, (bytes, bytearray)):
            body = b"".join(body)
        head.append(f"Content-Length: {len(body)}")
    start = time.perf_counter()
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if req.length is None:
            for piece in _pieces(body):
                if select.select([sock], [], [], 0)[0]:
                    break  # the server answered before the end of the body
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if req.chunked else piece)
            else:
                if req.chunked:
                    sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = b""
    elapsed = None
    try:
        while b"\r\n\r\n" not in data:
            more = sock.recv(65536)
            if not more:
                break
            data += more
        elapsed = time.perf_counter() - start  # the answer's status and headers are in
        length = re.search(rb"(?im)^content-length:\s*(\d+)", data)
        wanted = data.index(b"\r\n\r\n") + 4 + int(length.group(1)) if length and b"\r\n\r\n" in data else 0
        sock.settimeout(5)  # the body of the answer; the server may still be draining what was sent
        while len(data) < min(wanted, 4096):
            more = sock.recv(65536)
            if not more:
                break
            data += more
    except (ConnectionResetError, TimeoutError):
        pass
    if elapsed is None:
        elapsed = time.perf_counter() - start
    sock.close()
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(match.group(1)) if match else 0), elapsed, data.split(b"\r\n\r\n", 1)[-1][:200]


def vm_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


class Server:
    """``python -m mock_codeartifact --port 0`` in a subprocess (the interpreter and PYTHONPATH of this script)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mock_codeartifact", "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"https?://[^\s:/]+:(\d+)", line)
        if match is None:
            self.proc.kill()
            raise RuntimeError(f"the server did not say where it listens: {line!r}")
        self.port = int(match.group(1))

    def alive(self) -> bool:
        if self.proc.poll() is not None:
            return False
        try:
            status, _, _ = send(self.port, Req("GET", "/_mock/health"), timeout=10)
        except OSError:
            return False
        return status == 200

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _client(port: int) -> Any:
    import boto3

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    return boto3.client("codeartifact", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}")


def _stored(client: Any) -> list[tuple[str, str, str]]:
    out = client.list_packages(domain=DOMAIN, repository=REPO)["packages"]
    versions = []
    for p in out:
        coords = {k: p[k] for k in ("format", "package") if k in p} | (
            {"namespace": p["namespace"]} if "namespace" in p else {}
        )
        for v in client.list_package_versions(domain=DOMAIN, repository=REPO, **coords)["versions"]:
            versions.append((p["format"], p["package"], v["version"]))
    return sorted(versions)


@dataclass
class Result:
    case: Case
    status: int
    seconds: float
    growth_mib: float
    stored_nothing: bool
    up: bool
    answer: bytes

    @property
    def ok(self) -> bool:
        return (
            400 <= self.status < 500 and self.seconds < 2 and self.growth_mib <= 64 and self.stored_nothing and self.up
        )


def run_case(case: Case) -> Result:
    server = Server()
    try:
        client = _client(server.port)
        client.create_domain(domain=DOMAIN)
        client.create_repository(domain=DOMAIN, repository=REPO)
        token = client.get_authorization_token(domain=DOMAIN)["authorizationToken"]
        account = client.describe_domain(domain=DOMAIN)["domain"]["owner"]
        ctx = Ctx(token, account)
        warm_status, _, warm_answer = send(server.port, warm_up(case.fmt, ctx))
        if warm_status >= 300:
            raise RuntimeError(f"warm-up publish of {case.fmt} answered {warm_status}: {warm_answer!r}")
        before = _stored(client)
        req = case.build(ctx)  # built before the measurement: only the server's memory counts
        base = vm_kib(server.proc.pid, "VmHWM")
        status, seconds, answer = send(server.port, req)
        peak = vm_kib(server.proc.pid, "VmHWM") if server.proc.poll() is None else base
        up = server.alive()
        stored_nothing = up and _stored(client) == before
        return Result(case, status, seconds, (peak - base) / 1024, stored_nothing, up, answer)
    finally:
        server.stop()


def main() -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="run the cases whose name contains one of these")
    args = parser.parse_args()
    cases = [c for c in CATALOGUE if args.only is None or any(s in c.name for s in args.only)]
    print(f"{'input':64s} {'status':>6s} {'time s':>7s} {'peak MiB':>9s}  stored  up  met")
    rows: list[tuple[str, float, str]] = []
    results = []
    for case in cases:
        try:
            r = run_case(case)
        except Exception as exc:  # one broken case is reported, the others still run
            print(f"{case.name:64s} failed: {type(exc).__name__}: {exc}")
            rows.append((f"{case.name}: failed", 0.0, f"{type(exc).__name__}"))
            continue
        results.append(r)
        print(
            f"{case.name:64s} {r.status:6d} {r.seconds:7.2f} {r.growth_mib:9.1f}  "
            f"{'no' if r.stored_nothing else 'YES':>6s}  {'yes' if r.up else 'NO':>2s}  {'yes' if r.ok else 'NO'}"
            + (f"  ({case.note})" if case.note else ""),
            flush=True,
        )
        rows.append((f"{case.name}: HTTP status", float(r.status), "4xx"))
        rows.append((f"{case.name}: seconds to the answer", r.seconds, "s"))
        rows.append((f"{case.name}: server peak memory growth (MiB)", r.growth_mib, "MiB"))
    met = sum(r.ok for r in results)
    print(f"\n{met} of {len(cases)} inputs: 4xx in < 2 s, <= 64 MiB peak growth, nothing stored, server up")
    rows.append(
        (
            "inputs meeting every target (4xx, < 2 s, <= 64 MiB, nothing stored, server up)",
            float(met),
            f"target >= {len(cases)}",
        )
    )
    if results:
        rows.append(("slowest answer (s)", max(r.seconds for r in results), "target < 2"))
        rows.append(("largest peak memory growth (MiB)", max(r.growth_mib for r in results), "target <= 64"))
    return rows


if __name__ == "__main__":
    main()
