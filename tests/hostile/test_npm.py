"""npm publish with hostile tarballs and publish documents: refused with npm's JSON error, nothing stored."""

from __future__ import annotations

import json
import tarfile
from typing import Any

import requests

from tests.support.hostile_files import END, KiB, MiB, bomb, gz, header, member, nested_json, npm_body, npm_tarball
from tests.support.repository import Repo


def publish(repo: Repo, name: str, body: Any) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return repo.request("PUT", repo.url("npm", name), data=data, headers={"Content-Type": "application/json"})


def refused(repo: Repo, response: requests.Response, status: int, cap: str | None = None) -> None:
    repo.assert_refused(response, status)
    error = response.json()["error"]  # npm shows the "error" member of a failed publish
    if cap is not None:
        assert f"MOCK_CODEARTIFACT_MAX_{cap}" in error


def test_a_normal_package_passes_the_same_caps(repo: Repo) -> None:
    tarball = npm_tarball("fine", "1.0.0", [member("package/README.md", b"# fine\n" * 100)])
    assert publish(repo, "fine", npm_body("fine", "1.0.0", tarball)).status_code == 200
    assert repo.readme("npm", "fine", "1.0.0") == "# fine\n" * 100


def test_gzip_bomb_member_larger_than_the_unpacked_cap(repo: Repo) -> None:
    tarball = npm_tarball("bomb", "1.0.0", bomb("package/big.bin", 3 * MiB))
    assert len(tarball) < 16 * KiB
    refused(repo, publish(repo, "bomb", npm_body("bomb", "1.0.0", tarball)), 413, "UNPACKED_BYTES")


def test_gzip_bomb_of_members_each_within_the_caps(repo: Repo) -> None:
    # No single member is too large; what they unpack to together is.
    parts = [p for i in range(6) for p in bomb(f"package/f{i}.bin", 500 * KiB)]
    tarball = npm_tarball("bomb", "1.0.0", parts)
    refused(repo, publish(repo, "bomb", npm_body("bomb", "1.0.0", tarball)), 413, "UNPACKED_BYTES")


def test_absurd_size_in_a_tar_header(repo: Repo) -> None:
    tarball = gz([header("package/huge.bin", 8 * 1024 * MiB), END])
    refused(repo, publish(repo, "huge", npm_body("huge", "1.0.0", tarball)), 413, "UNPACKED_BYTES")


def test_too_many_members(repo: Repo) -> None:
    tarball = npm_tarball("many", "1.0.0", [header(f"package/f{i}", 0) for i in range(300)])
    refused(repo, publish(repo, "many", npm_body("many", "1.0.0", tarball)), 413, "ARCHIVE_MEMBERS")


def test_oversized_extended_header(repo: Repo) -> None:
    pax = [header("././@PaxHeader", 200 * KiB, tarfile.XHDTYPE), b"0" * (200 * KiB)]
    tarball = npm_tarball("pax", "1.0.0", before=pax)
    refused(repo, publish(repo, "pax", npm_body("pax", "1.0.0", tarball)), 413, "MEMBER_BYTES")


def test_oversized_package_json(repo: Repo) -> None:
    manifest = json.dumps({"name": "fat", "version": "1.0.0", "pad": "x" * 100 * KiB}).encode()
    tarball = gz([member("package/package.json", manifest), END])
    refused(repo, publish(repo, "fat", npm_body("fat", "1.0.0", tarball)), 413, "MEMBER_BYTES")


def test_path_traversal_names(repo: Repo) -> None:
    for evil in (
        member("../../etc/cron.d/evil", b"x"),
        member("/etc/passwd", b"x"),
        header("package/link", 0, tarfile.SYMTYPE, "../../../etc/passwd"),
        header("package/hard", 0, tarfile.LNKTYPE, "../outside"),
    ):
        tarball = npm_tarball("trav", "1.0.0", [evil])
        refused(repo, publish(repo, "trav", npm_body("trav", "1.0.0", tarball)), 400)


def test_links_inside_the_package_are_fine(repo: Repo) -> None:
    tarball = npm_tarball("links", "1.0.0", [header("package/lib/README", 0, tarfile.SYMTYPE, "../README.md")])
    assert publish(repo, "links", npm_body("links", "1.0.0", tarball)).status_code == 200


def test_truncated_and_corrupt_gzip(repo: Repo) -> None:
    tarball = npm_tarball("cut", "1.0.0")
    for bad in (tarball[: len(tarball) // 2], tarball[:20] + b"\xff" * 40 + tarball[60:]):
        refused(repo, publish(repo, "cut", npm_body("cut", "1.0.0", bad)), 400)


def test_deeply_nested_publish_document(repo: Repo) -> None:
    # Deeper than the parser's recursion limit but within the node cap: refused as too deep.
    body = ('{"name": "deep", "x": ' + nested_json(1500) + "}").encode()
    refused(repo, publish(repo, "deep", body), 400)
    assert "nested too deeply" in publish(repo, "deep", body).json()["error"]
    # Deeper still: every "[" counts against the node cap first.
    body = ('{"name": "deep", "x": ' + nested_json(100_000) + "}").encode()
    refused(repo, publish(repo, "deep", body), 413, "DOCUMENT_NODES")


def test_publish_document_with_too_many_values(repo: Repo) -> None:
    body = ('{"name": "wide", "x": [' + ",".join(["{}"] * 5000) + "]}").encode()
    refused(repo, publish(repo, "wide", body), 413, "DOCUMENT_NODES")


def test_commas_inside_strings_do_not_count(repo: Repo) -> None:
    tarball = npm_tarball("prose", "1.0.0")
    body = npm_body("prose", "1.0.0", tarball, readme="a, " * 3000)
    assert publish(repo, "prose", body).status_code == 200


def test_escaped_quotes_cannot_stall_the_count(repo: Repo) -> None:
    # Over the cap on a rough count, then a string that never ends, made of escaped quotes.
    body = b'{"name": "esc", "x": [' + b"1," * 3000 + b'"' + b'\\"' * 500_000
    refused(repo, publish(repo, "esc", body), 413, "DOCUMENT_NODES")
    body = b'{"name": "esc", "x": ["' + b'\\"' * 500_000 + b'"' + b", 1" * 3000 + b"]}"
    refused(repo, publish(repo, "esc", body), 413, "DOCUMENT_NODES")


def test_deeply_nested_package_json(repo: Repo) -> None:
    manifest = ('{"name": "deep", "version": "1.0.0", "x": ' + nested_json(1500) + "}").encode()
    tarball = gz([member("package/package.json", manifest), END])
    refused(repo, publish(repo, "deep", npm_body("deep", "1.0.0", tarball)), 400)


def test_metadata_fields_longer_than_the_caps(repo: Repo) -> None:
    long_description = json.dumps({"name": "long", "version": "1.0.0", "description": "d" * 1001}).encode()
    tarball = gz([member("package/package.json", long_description), END])
    refused(repo, publish(repo, "long", npm_body("long", "1.0.0", tarball)), 413, "FIELD_CHARS")
    tarball = npm_tarball("long", "1.0.0", [member("package/README.md", b"r" * 20_001)])
    refused(repo, publish(repo, "long", npm_body("long", "1.0.0", tarball)), 413, "README_CHARS")
    deps = {f"dep{i}": "^1.0.0" for i in range(51)}
    manifest = json.dumps({"name": "long", "version": "1.0.0", "dependencies": deps}).encode()
    tarball = gz([member("package/package.json", manifest), END])
    refused(repo, publish(repo, "long", npm_body("long", "1.0.0", tarball)), 413, "DEPENDENCIES")


def test_request_body_larger_than_the_limit(repo: Repo) -> None:
    body = json.dumps(npm_body("big", "1.0.0", npm_tarball("big", "1.0.0"), pad="x" * (5 * MiB))).encode()
    refused(repo, publish(repo, "big", body), 413, "UPLOAD_BYTES")
    chunks = (body[i : i + 64 * KiB] for i in range(0, len(body), 64 * KiB))  # chunked: no Content-Length
    response = repo.request("PUT", repo.url("npm", "big"), data=chunks, headers={"Content-Type": "application/json"})
    refused(repo, response, 413, "UPLOAD_BYTES")
