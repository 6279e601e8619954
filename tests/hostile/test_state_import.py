"""An exported state is an upload too: ``PUT /_mock/state`` opens it through the same bounded reader."""

from __future__ import annotations

import gzip
import io
import tarfile

import requests

from tests.support.repository import DOMAIN, Repo

from .conftest import CAPS


def _tar(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _put(repo: Repo, body: bytes) -> requests.Response:
    return requests.put(repo.server.endpoint_url + "/_mock/state", data=body, timeout=60)


def _unchanged(repo: Repo) -> None:
    assert [r["name"] for r in repo.client.list_repositories_in_domain(domain=DOMAIN)["repositories"]] == ["repo"]
    assert requests.get(repo.server.endpoint_url + "/_mock/health", timeout=10).status_code == 200


def test_gzip_bomb_state_import_is_refused_and_changes_nothing(repo: Repo) -> None:
    # Zeros compress about 1000:1: a small body that would unpack far past twice the request cap.
    huge = 2 * CAPS["MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES"] + 1024 * 1024
    bomb = gzip.compress(_tar({"assets/sha256/" + "0" * 64: bytes(huge)}), compresslevel=9)
    assert len(bomb) < CAPS["MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES"]
    answer = _put(repo, bomb)
    assert answer.status_code == 400, answer.text[:300]
    assert "too large" in answer.text
    _unchanged(repo)


def test_state_archive_with_traversal_names_is_refused(repo: Repo) -> None:
    answer = _put(repo, _tar({"../state.json": b"{}"}))
    assert answer.status_code == 400, answer.text[:300]
    _unchanged(repo)
