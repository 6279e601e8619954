"""Hostile uploads against a running server, with the caps lowered so that every bomb stays small.

Each test sends one hostile input and checks what users rely on: a 4xx in the client's own error shape, nothing
stored (through boto3), and the server still answering.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from dataplane_support import DOMAIN, RepoBase, fresh_repo

from mock_codeartifact.server import ThreadedCodeArtifactServer

# Small caps: a bomb only has to pass them to be caught, so the tests build kilobytes, not gigabytes.
CAPS = {
    "MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES": 4 * 1024 * 1024,
    "MOCK_CODEARTIFACT_MAX_UNPACKED_BYTES": 2 * 1024 * 1024,
    "MOCK_CODEARTIFACT_MAX_ARCHIVE_MEMBERS": 200,
    "MOCK_CODEARTIFACT_MAX_MEMBER_BYTES": 64 * 1024,
    "MOCK_CODEARTIFACT_MAX_DOCUMENT_NODES": 2000,
    "MOCK_CODEARTIFACT_MAX_FIELD_CHARS": 1000,
    "MOCK_CODEARTIFACT_MAX_README_CHARS": 20_000,
    "MOCK_CODEARTIFACT_MAX_DEPENDENCIES": 50,
}


class Repo(RepoBase):
    """A repository on the hostile-input server, with raw HTTP helpers and the checks every test ends with."""

    def url(self, fmt: str, path: str = "") -> str:
        return self.endpoint(fmt) + path

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = {**self.auth(), **kwargs.pop("headers", {})}
        return requests.request(method, url, headers=headers, timeout=60, allow_redirects=False, **kwargs)

    def packages(self) -> list[dict[str, Any]]:
        return self.client.list_packages(domain=DOMAIN, repository=self.name)["packages"]

    def assert_refused(self, response: requests.Response, *statuses: int) -> None:
        """The hostile input was answered with one of ``statuses`` (a 4xx), nothing is stored, the server is up."""
        assert response.status_code in statuses, (response.status_code, response.text[:500])
        assert 400 <= response.status_code < 500
        assert self.packages() == []
        assert requests.get(self.server.endpoint_url + "/_mock/health", timeout=10).status_code == 200


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[ThreadedCodeArtifactServer]:
    with ThreadedCodeArtifactServer(port=0, fake_environment=False) as server:  # session-long: no fake env
        yield server


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    for name, value in CAPS.items():
        monkeypatch.setenv(name, str(value))
    return CAPS


@pytest.fixture
def repo(
    hostile_server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch, small_caps: dict[str, int]
) -> Repo:
    return fresh_repo(hostile_server, monkeypatch, "repo", Repo)
