"""cargo publish with hostile bodies and .crate files: refused with cargo's JSON error, nothing stored."""

from __future__ import annotations

import requests

from tests.support.hostile_files import END, MiB, bomb, cargo_body, crate, gz, header, member, nested_json
from tests.support.repository import Repo


def meta(name: str, **extra: object) -> dict[str, object]:
    return {"name": name, "vers": "1.0.0", "deps": [], "features": {}, **extra}


def publish(repo: Repo, body: bytes) -> requests.Response:
    return repo.request("PUT", repo.url("cargo", "api/v1/crates/new"), data=body, headers={"Authorization": repo.token})


def refused(repo: Repo, response: requests.Response, status: int, cap: str | None = None) -> None:
    repo.assert_refused(response, status)
    detail = response.json()["errors"][0]["detail"]  # what cargo prints
    if cap is not None:
        assert f"MOCK_CODEARTIFACT_MAX_{cap}" in detail


def test_a_normal_crate_passes_the_same_caps(repo: Repo) -> None:
    assert publish(repo, cargo_body(meta("fine"), crate("fine", "1.0.0"))).status_code == 200
    assert list(repo.versions("cargo", "fine")) == ["1.0.0"]


def test_crate_gzip_bomb(repo: Repo) -> None:
    bombed = crate("bomb", "1.0.0", bomb("bomb-1.0.0/big.bin", 3 * MiB))
    refused(repo, publish(repo, cargo_body(meta("bomb"), bombed)), 413, "UNPACKED_BYTES")


def test_crate_that_is_not_a_crate(repo: Repo) -> None:
    for bad in (
        b"not a crate",
        gz([member("x-1.0.0/src/lib.rs", b""), END]),
        crate("t", "1.0.0", [member("../x", b"")]),
    ):
        refused(repo, publish(repo, cargo_body(meta("bad"), bad)), 400)
    many = crate("many", "1.0.0", [header(f"many-1.0.0/f{i}", 0) for i in range(300)])
    refused(repo, publish(repo, cargo_body(meta("many"), many)), 413, "ARCHIVE_MEMBERS")


def test_absurd_length_fields(repo: Repo) -> None:
    refused(repo, publish(repo, (0xFFFFFFFF).to_bytes(4, "little") + b"{}"), 400)
    body = cargo_body(meta("len"), crate("len", "1.0.0"))
    refused(repo, publish(repo, body[:-8] + (0xFFFFFFFF).to_bytes(4, "little") + body[-4:]), 400)


def test_hostile_metadata_json(repo: Repo) -> None:
    deep = ('{"name": "deep", "vers": "1.0.0", "x": ' + nested_json(1500) + "}").encode()
    refused(repo, publish(repo, cargo_body(deep, crate("deep", "1.0.0"))), 400)
    wide = meta("wide", features={f"f{i}": [] for i in range(3000)})
    refused(repo, publish(repo, cargo_body(wide, crate("wide", "1.0.0"))), 413, "DOCUMENT_NODES")
    long = meta("long", description="d" * 1001)
    refused(repo, publish(repo, cargo_body(long, crate("long", "1.0.0"))), 413, "FIELD_CHARS")
