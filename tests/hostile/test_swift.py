"""Swift registry publishes of hostile source archives and metadata: problem+json errors, nothing stored."""

from __future__ import annotations

import requests

from tests.support.hostile_files import KiB, MiB, nested_json, zip_bomb, zip_many, zip_of
from tests.support.repository import Repo

MANIFEST = b"// swift-tools-version:5.7\n"


def publish(repo: Repo, version: str, archive: bytes, metadata: str | None = None) -> requests.Response:
    data = {"metadata": metadata} if metadata is not None else {}
    return repo.request(
        "PUT",
        repo.url("swift", f"scope/pkg/{version}"),
        data=data,
        files={"source-archive": ("pkg.zip", archive)},
        headers={"Accept": "application/vnd.swift.registry.v1+json"},
    )


def refused(repo: Repo, response: requests.Response, status: int, cap: str | None = None) -> None:
    repo.assert_refused(response, status)
    assert response.headers["Content-Type"] == "application/problem+json"
    if cap is not None:
        assert f"MOCK_CODEARTIFACT_MAX_{cap}" in response.json()["detail"]


def test_a_normal_archive_passes_the_same_caps(repo: Repo) -> None:
    assert publish(repo, "1.0.0", zip_of({"pkg/Package.swift": MANIFEST, "pkg/README.md": b"# hi"})).status_code == 201
    assert repo.readme("swift", "pkg", "1.0.0", "scope") == "# hi"


def test_zip_bombs(repo: Repo) -> None:
    refused(repo, publish(repo, "1.0.0", zip_bomb("pkg/Package.swift", 1 * MiB)), 413, "MEMBER_BYTES")
    refused(repo, publish(repo, "1.0.0", zip_bomb("pkg/README.md", 1 * MiB, {"pkg/Package.swift": MANIFEST})), 413)
    refused(repo, publish(repo, "1.0.0", zip_bomb("pkg/x.bin", 3 * MiB, {"pkg/Package.swift": MANIFEST})), 413)


def test_too_many_entries_and_traversal_names(repo: Repo) -> None:
    refused(repo, publish(repo, "1.0.0", zip_many(300, "pkg/f")), 413, "ARCHIVE_MEMBERS")
    refused(repo, publish(repo, "1.0.0", zip_of({"pkg/Package.swift": MANIFEST, "../../evil.swift": b""})), 422)


def test_hostile_metadata(repo: Repo) -> None:
    archive = zip_of({"pkg/Package.swift": MANIFEST})
    refused(repo, publish(repo, "1.0.0", archive, nested_json(1500)), 422)
    refused(repo, publish(repo, "1.0.0", archive, "[" + ",".join(["{}"] * 3000) + "]"), 413, "DOCUMENT_NODES")
    refused(repo, publish(repo, "1.0.0", archive, '{"description": "' + "d" * 1001 + '"}'), 413, "FIELD_CHARS")
    refused(
        repo, publish(repo, "1.0.0", zip_of({"pkg/Package.swift": MANIFEST, "pkg/README.md": b"r" * (30 * KiB)})), 413
    )
