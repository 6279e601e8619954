"""twine uploads of hostile sdists and wheels: refused with pypi's plain-text error, nothing stored."""

from __future__ import annotations

import os

import pytest
import requests

from tests.support.hostile_files import END, MiB, bomb, core_metadata, gz, header, member, zip_bomb, zip_many, zip_of
from tests.support.repository import Repo


def upload(repo: Repo, filename: str, content: bytes) -> requests.Response:
    form = {":action": "file_upload", "protocol_version": "1"}
    return repo.request("POST", repo.url("pypi"), data=form, files={"content": (filename, content)})


def refused(repo: Repo, response: requests.Response, status: int, cap: str | None = None) -> None:
    repo.assert_refused(response, status)
    assert response.headers["Content-Type"].startswith("text/plain")
    if cap is not None:
        assert f"MOCK_CODEARTIFACT_MAX_{cap}" in response.text


def wheel(name: str, files: dict[str, bytes] | None = None, metadata: bytes | None = None) -> bytes:
    info = f"{name}-1.0.dist-info"
    return zip_of(
        {f"{info}/METADATA": metadata or core_metadata(name, "1.0"), f"{name}/__init__.py": b"", **(files or {})}
    )


def sdist(name: str, extra: list[bytes] | None = None, metadata: bytes | None = None) -> bytes:
    return gz([member(f"{name}-1.0/PKG-INFO", metadata or core_metadata(name, "1.0")), *(extra or []), END])


def test_normal_distributions_pass_the_same_caps(repo: Repo) -> None:
    assert upload(repo, "fine-1.0-py3-none-any.whl", wheel("fine")).status_code == 200
    assert upload(repo, "fine-1.0.tar.gz", sdist("fine")).status_code == 200
    assert set(repo.assets("pypi", "fine", "1.0")) == {"fine-1.0-py3-none-any.whl", "fine-1.0.tar.gz"}


def test_sdist_gzip_bomb(repo: Repo) -> None:
    refused(
        repo,
        upload(repo, "bomb-1.0.tar.gz", sdist("bomb", list(bomb("bomb-1.0/x.bin", 3 * MiB)))),
        413,
        "UNPACKED_BYTES",
    )


def test_sdist_with_too_many_members_or_a_traversal_name(repo: Repo) -> None:
    many = sdist("many", [header(f"many-1.0/f{i}", 0) for i in range(300)])
    refused(repo, upload(repo, "many-1.0.tar.gz", many), 413, "ARCHIVE_MEMBERS")
    refused(repo, upload(repo, "trav-1.0.tar.gz", sdist("trav", [member("../../trav.py", b"x")])), 400)


def test_wheel_zip_bomb(repo: Repo) -> None:
    info = "bomb-1.0.dist-info"
    # METADATA itself expands past the member cap (deflated 1,000:1).
    bombed = zip_bomb(f"{info}/METADATA", 1 * MiB)
    refused(repo, upload(repo, "bomb-1.0-py3-none-any.whl", bombed), 413, "MEMBER_BYTES")
    # A member never read still counts: the sizes the archive declares add up past the unpacked cap.
    bombed = zip_bomb("bomb/data.bin", 3 * MiB, {f"{info}/METADATA": core_metadata("bomb", "1.0")})
    refused(repo, upload(repo, "bomb-1.0-py3-none-any.whl", bombed), 413, "UNPACKED_BYTES")


def test_wheel_with_too_many_entries(repo: Repo) -> None:
    refused(repo, upload(repo, "many-1.0-py3-none-any.whl", zip_many(300)), 413, "ARCHIVE_MEMBERS")


def test_wheel_whose_directory_needs_zip64(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # Over 65,535 entries: the count is in the zip64 end record, and must still be read before zipfile parses.
    monkeypatch.setenv("MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES", str(16 * MiB))
    refused(repo, upload(repo, "many-1.0-py3-none-any.whl", zip_many(70_000, "p/")), 413, "ARCHIVE_MEMBERS")


def test_wheel_with_traversal_names(repo: Repo) -> None:
    for evil in ("../../evil.py", "/abs/evil.py", "C:/evil.py", "..\\evil.py"):
        refused(repo, upload(repo, "trav-1.0-py3-none-any.whl", wheel("trav", {evil: b"x"})), 400)


def test_metadata_fields_longer_than_the_caps(repo: Repo) -> None:
    long_summary = f"Metadata-Version: 2.1\nName: long\nVersion: 1.0\nSummary: {'s' * 1001}\n".encode()
    refused(repo, upload(repo, "long-1.0-py3-none-any.whl", wheel("long", metadata=long_summary)), 413, "FIELD_CHARS")
    long_readme = core_metadata("long", "1.0", "Description-Content-Type: text/markdown\n\n" + "r" * 20_001)
    refused(repo, upload(repo, "long-1.0-py3-none-any.whl", wheel("long", metadata=long_readme)), 413, "README_CHARS")
    many_deps = core_metadata("long", "1.0", "".join(f"Requires-Dist: dep{i}\n" for i in range(51)))
    refused(repo, upload(repo, "long-1.0-py3-none-any.whl", wheel("long", metadata=many_deps)), 413, "DEPENDENCIES")


def test_upload_larger_than_the_request_limit(repo: Repo) -> None:
    big = wheel("big", {"big/blob.bin": os.urandom(5 * MiB)})  # incompressible: the body is over 4 MiB
    refused(repo, upload(repo, "big-1.0-py3-none-any.whl", big), 413, "UPLOAD_BYTES")
