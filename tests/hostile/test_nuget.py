"""nuget push of hostile packages: zip bombs, nuspec DTDs in every encoding, traversal names, capped sizes."""

from __future__ import annotations

import pytest
import requests

from tests.support.hostile_files import ENCODINGS, KiB, MiB, nuspec, xml_with_entity, zip_bomb, zip_many, zip_of
from tests.support.repository import Repo


def push(repo: Repo, package: bytes) -> requests.Response:
    return repo.request("PUT", repo.url("nuget", "v3/package"), files={"package": ("p.nupkg", package)})


def refused(repo: Repo, response: requests.Response, status: int, cap: str | None = None) -> None:
    repo.assert_refused(response, status)
    error = response.json()["error"]
    if cap is not None:
        assert f"MOCK_CODEARTIFACT_MAX_{cap}" in error


def test_a_normal_package_passes_the_same_caps(repo: Repo) -> None:
    package = zip_of(
        {"fine.nuspec": nuspec("Fine", "1.0.0", "<readme>docs/README.md</readme>"), "docs/README.md": b"# hi"}
    )
    assert push(repo, package).status_code == 201
    assert repo.readme("nuget", "fine", "1.0.0") == "# hi"


def test_nuspec_zip_bomb(repo: Repo) -> None:
    refused(repo, push(repo, zip_bomb("bomb.nuspec", 1 * MiB)), 413, "MEMBER_BYTES")
    others = {"bomb.nuspec": nuspec("Bomb", "1.0.0")}
    refused(repo, push(repo, zip_bomb("lib/blob.dll", 3 * MiB, others)), 413, "UNPACKED_BYTES")


def test_readme_zip_bomb(repo: Repo) -> None:
    others = {"r.nuspec": nuspec("R", "1.0.0", "<readme>README.md</readme>")}
    refused(repo, push(repo, zip_bomb("README.md", 1 * MiB, others)), 413, "MEMBER_BYTES")


def test_too_many_entries(repo: Repo) -> None:
    refused(repo, push(repo, zip_many(300)), 413, "ARCHIVE_MEMBERS")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_nuspec_with_an_entity_in_every_encoding(repo: Repo, encoding: str) -> None:
    body = "<metadata><id>Ent</id><version>1.0.0</version><description>&x;</description><authors>a</authors></metadata>"
    refused(repo, push(repo, zip_of({"ent.nuspec": xml_with_entity(encoding, "package", body)})), 400)


def test_traversal_names(repo: Repo) -> None:
    refused(repo, push(repo, zip_of({"t.nuspec": nuspec("T", "1.0.0"), "../../evil.dll": b"x"})), 400)
    readme_outside = zip_of({"t.nuspec": nuspec("T", "1.0.0", "<readme>../../../etc/passwd</readme>")})
    refused(repo, push(repo, readme_outside), 400)


def test_deep_or_oversized_nuspec(repo: Repo) -> None:
    deep = nuspec("Deep", "1.0.0", "<x>" * 3000 + "</x>" * 3000)
    refused(repo, push(repo, zip_of({"deep.nuspec": deep})), 413, "DOCUMENT_NODES")
    fat = nuspec("Fat", "1.0.0", f"<summary>{'s' * (65 * KiB)}</summary>")
    refused(repo, push(repo, zip_of({"fat.nuspec": fat})), 413, "MEMBER_BYTES")


def test_metadata_fields_longer_than_the_caps(repo: Repo) -> None:
    long = nuspec("Long", "1.0.0").replace(
        b"<description>d</description>", b"<description>" + b"d" * 1001 + b"</description>"
    )
    refused(repo, push(repo, zip_of({"long.nuspec": long})), 413, "FIELD_CHARS")
