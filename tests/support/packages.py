"""Shared fixtures and helpers for the package tests: a domain with repositories, generic publishing through
boto3, and the seeding API pointed at the backend the client talks to (in-process mock or shared server)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from mock_codeartifact import MockCodeArtifact
from mock_codeartifact.seeding import add_package_version

DOMAIN = "dom"
REPO = "repo"
OTHER = "other"


@pytest.fixture
def seeding_target(mode: str, client: Any, request: pytest.FixtureRequest) -> Any:
    """The object the seeding API writes into: the active mock in-process, the shared server otherwise."""
    if mode == "inprocess":
        return MockCodeArtifact()
    return request.getfixturevalue("shared_server")


@pytest.fixture
def ca(client: Any, seeding_target: Any) -> Any:
    """A client with domain ``dom`` and repositories ``repo`` and ``other``, plus helpers."""
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository=REPO)
    client.create_repository(domain=DOMAIN, repository=OTHER)
    return Helper(client, seeding_target)


class Helper:
    def __init__(self, client: Any, target: Any) -> None:
        self.c = client
        self.target = target

    def seed(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("domain", DOMAIN)
        kwargs.setdefault("repository", REPO)
        return add_package_version(self.target, **kwargs)

    def publish(
        self,
        package: str = "pkg",
        version: str = "1.0.0",
        asset: str = "a.txt",
        data: bytes = b"content",
        namespace: str | None = "ns",
        repository: str = REPO,
        unfinished: bool = False,
        sha: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = dict(
            domain=DOMAIN,
            repository=repository,
            format="generic",
            package=package,
            packageVersion=version,
            assetContent=data,
            assetName=asset,
            assetSHA256=sha or hashlib.sha256(data).hexdigest(),
            **extra,
        )
        if namespace is not None:
            kwargs["namespace"] = namespace
        if unfinished:
            kwargs["unfinished"] = True
        return self.c.publish_package_version(**kwargs)

    def call(self, name: str, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("domain", DOMAIN)
        if "sourceRepository" not in kwargs:
            kwargs.setdefault("repository", REPO)
        return getattr(self.c, name)(**{k: v for k, v in kwargs.items() if v is not None})

    def generic(self, name: str, **kwargs: Any) -> dict[str, Any]:
        """A call about the generic package ns/pkg unless told otherwise."""
        kwargs.setdefault("format", "generic")
        kwargs.setdefault("namespace", "ns")
        kwargs.setdefault("package", "pkg")
        return self.call(name, **kwargs)

    def versions(self, **kwargs: Any) -> list[str]:
        return [v["version"] for v in self.generic("list_package_versions", **kwargs)["versions"]]

    def status(self, version: str, **kwargs: Any) -> str:
        return self.generic("describe_package_version", packageVersion=version, **kwargs)["packageVersion"]["status"]

    def asset_size(self) -> int:
        return self.c.describe_domain(domain=DOMAIN)["domain"]["assetSizeBytes"]


def collect(fn: Callable[..., dict[str, Any]], key: str, **kwargs: Any) -> list[Any]:
    """Every item of a paginated list, following nextToken by hand."""
    items: list[Any] = []
    token = None
    while True:
        page = fn(**kwargs, **({"nextToken": token} if token else {}))
        items.extend(page[key])
        token = page.get("nextToken")
        if not token:
            return items
