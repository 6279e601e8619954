"""The server's own routes (``/_mock/...``): one route map, the same answers for what it does not serve."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mock_codeartifact.server import ThreadedCodeArtifactServer

INTENT = {"X-Mock-CodeArtifact": "1"}  # a POST a web page could not send (docs/security.md)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with ThreadedCodeArtifactServer(port=0) as server:
        yield server.endpoint_url


@pytest.mark.parametrize("path", ["/_mock/nothing", "/_mock/health/more", "/_mock/external/a/b/c", "/_mock/"])
def test_an_unknown_route_is_a_json_404(url: str, path: str) -> None:
    answer = requests.get(url + path, timeout=10)
    assert answer.status_code == 404
    assert answer.json() == {"message": f"No route for GET {path}"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/_mock/health", {"GET", "HEAD"}),
        ("GET", "/_mock/reset", {"POST"}),
        ("DELETE", "/_mock/state", {"GET", "HEAD", "PUT"}),
        ("DELETE", "/_mock/calls", {"GET", "HEAD"}),
        ("PUT", "/_mock/events", {"GET", "HEAD"}),
        ("DELETE", "/_mock/principals", {"GET", "HEAD", "POST"}),
        ("GET", "/_mock/external/public:npmjs", {"POST"}),
    ],
)
def test_a_method_a_route_does_not_take_is_a_405_naming_those_it_does(
    url: str, method: str, path: str, allowed: set[str]
) -> None:
    answer = requests.request(method, url + path, headers=INTENT, timeout=10)
    assert answer.status_code == 405
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == allowed
    assert method in answer.json()["message"]


def test_the_dashboard_keeps_its_own_read_only_answer(url: str) -> None:
    answer = requests.post(url + "/_mock/ui/anything/at/all", headers=INTENT, timeout=10)
    assert answer.status_code == 405 and answer.headers["Allow"] == "GET, HEAD"
    assert answer.text.startswith("The dashboard is read-only")
    assert requests.get(url + "/_mock/ui//", timeout=10).status_code == 200  # empty segments: the home page
    missing = requests.get(url + "/_mock/ui/123456789012/us-east-1/none/repositories", timeout=10)
    assert missing.status_code == 404 and "text/html" in missing.headers["Content-Type"]


def test_a_json_body_over_the_node_cap_is_a_413_on_every_json_route(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_CODEARTIFACT_MAX_DOCUMENT_NODES", "5")
    body = {"accessKeyId": "AKIA1", "principalArn": "arn:aws:iam::222222222222:root", "x": [1, 2, 3, 4, 5, 6]}
    for path in ("/_mock/principals", "/_mock/external/public:npmjs"):
        answer = requests.post(url + path, json=body, headers=INTENT, timeout=10)
        assert answer.status_code == 413, path
        assert "MOCK_CODEARTIFACT_MAX_DOCUMENT_NODES" in answer.json()["message"]
    assert requests.get(url + "/_mock/principals", timeout=10).json() == {"principals": {}}
