"""A domain with one repository on a running server, a token for it, HTTP helpers to reach its endpoints and boto3
readers to check what they stored: the one ``Repo`` of every repository-endpoint test (``tests/endpoints``,
``tests/hostile``, ``tests/test_server_transport.py``)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests

from mock_codeartifact.server import ThreadedCodeArtifactServer

DOMAIN = "acme"
REPOSITORY = "repo"


@dataclass
class Repo:
    """A domain with one repository on a running server, a token for it, and helpers to check it through boto3."""

    server: ThreadedCodeArtifactServer
    client: Any
    name: str
    token: str

    def endpoint(self, fmt: str, repository: str | None = None) -> str:
        return self.client.get_repository_endpoint(domain=DOMAIN, repository=repository or self.name, format=fmt)[
            "repositoryEndpoint"
        ]

    def url(self, fmt: str, path: str = "") -> str:
        return self.endpoint(fmt) + path

    def auth(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"aws:{self.token}".encode()).decode()}

    basic = auth

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """``method url`` with the token as HTTP Basic (unless ``headers`` names another ``Authorization``);
        redirects are not followed unless ``allow_redirects=True``."""
        headers = {**self.auth(), **kwargs.pop("headers", {})}
        kwargs.setdefault("allow_redirects", False)
        return requests.request(method, url, headers=headers, timeout=60, **kwargs)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def _coordinates(self, fmt: str, package: str, namespace: str | None, repository: str | None) -> dict[str, Any]:
        out = {"domain": DOMAIN, "repository": repository or self.name, "format": fmt, "package": package}
        if namespace:
            out["namespace"] = namespace
        return out

    def packages(self) -> list[dict[str, Any]]:
        return self.client.list_packages(domain=DOMAIN, repository=self.name)["packages"]

    def versions(
        self, fmt: str, package: str, namespace: str | None = None, repository: str | None = None, **filters: Any
    ) -> dict[str, Any]:
        out = self.client.list_package_versions(**self._coordinates(fmt, package, namespace, repository), **filters)
        return {v["version"]: v for v in out["versions"]}

    def describe(self, fmt: str, package: str, version: str, namespace: str | None = None) -> dict[str, Any]:
        where = self._coordinates(fmt, package, namespace, None)
        return self.client.describe_package_version(**where, packageVersion=version)["packageVersion"]

    def assets(self, fmt: str, package: str, version: str, namespace: str | None = None) -> dict[str, Any]:
        where = self._coordinates(fmt, package, namespace, None)
        out = self.client.list_package_version_assets(**where, packageVersion=version)
        return {a["name"]: a for a in out["assets"]}

    def dependencies(self, fmt: str, package: str, version: str, namespace: str | None = None) -> list[dict[str, Any]]:
        where = self._coordinates(fmt, package, namespace, None)
        return self.client.list_package_version_dependencies(**where, packageVersion=version)["dependencies"]

    def readme(self, fmt: str, package: str, version: str, namespace: str | None = None) -> str | None:
        where = self._coordinates(fmt, package, namespace, None)
        return self.client.get_package_version_readme(**where, packageVersion=version).get("readme")

    def assert_refused(self, response: requests.Response, *statuses: int) -> None:
        """The input was answered with one of ``statuses`` (a 4xx), nothing is stored, the server is up."""
        assert response.status_code in statuses, (response.status_code, response.text[:500])
        assert 400 <= response.status_code < 500
        assert self.packages() == []
        assert requests.get(self.server.endpoint_url + "/_mock/health", timeout=10).status_code == 200


def fresh_repo(server: ThreadedCodeArtifactServer, monkeypatch: pytest.MonkeyPatch, name: str = REPOSITORY) -> Repo:
    """Reset ``server`` and create the domain, the repository ``name`` and a token for them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    server.reset()
    client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=server.endpoint_url)
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository=name)
    token = client.get_authorization_token(domain=DOMAIN)["authorizationToken"]
    return Repo(server, client, name, token)
