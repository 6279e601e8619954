"""GetRepositoryEndpoint: every format, both endpoint types (reference §5.6, §8 item 9)."""

from __future__ import annotations

import pytest

from tests.support.control_plane import ACCOUNT, raises, snapshot, unvalidated

FORMATS = ["npm", "pypi", "maven", "nuget", "generic", "ruby", "swift", "cargo"]


@pytest.fixture
def repo(client):
    client.create_domain(domain="my-domain")
    client.create_repository(domain="my-domain", repository="my-repo")
    return "my-repo"


def _expected(mode: str, client, fmt: str, endpoint_type: str | None, region: str = "us-east-1") -> str:
    if mode == "server":
        # A server answers with a path-style URL on itself, which its data plane serves.
        return f"{client.meta.endpoint_url}/{region}/my-domain/{ACCOUNT}/{fmt}/my-repo/"
    if endpoint_type == "dualstack":
        # Medium confidence: AWS does not spell the dual-stack host out; no ".d." label.
        return f"https://my-domain-{ACCOUNT}.codeartifact.{region}.on.aws/{fmt}/my-repo/"
    return f"https://my-domain-{ACCOUNT}.d.codeartifact.{region}.amazonaws.com/{fmt}/my-repo/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format(client, repo, mode, fmt):
    got = client.get_repository_endpoint(domain="my-domain", repository=repo, format=fmt)
    assert got["repositoryEndpoint"] == _expected(mode, client, fmt, None)
    assert set(got) == {"repositoryEndpoint", "ResponseMetadata"}


@pytest.mark.parametrize("endpoint_type", ["ipv4", "dualstack"])
def test_endpoint_types(client, repo, mode, endpoint_type):
    for fmt in ("npm", "cargo"):
        got = client.get_repository_endpoint(
            domain="my-domain", repository=repo, format=fmt, endpointType=endpoint_type
        )["repositoryEndpoint"]
        assert got == _expected(mode, client, fmt, endpoint_type)


def test_region_is_in_the_url(make_client, mode):
    client = make_client(region="eu-west-1")
    client.create_domain(domain="my-domain")
    client.create_repository(domain="my-domain", repository="my-repo")
    got = client.get_repository_endpoint(domain="my-domain", repository="my-repo", format="pypi")
    assert got["repositoryEndpoint"] == _expected(mode, client, "pypi", None, region="eu-west-1")


def test_invalid_format_and_endpoint_type(client, repo):
    raw = unvalidated(client)
    before = snapshot(client)
    with raises(
        "ValidationException",
        400,
        message="Value 'rubygems' at 'format' failed to satisfy constraint: Member must satisfy enum value set: [",
        reason="FIELD_VALIDATION_FAILED",
    ):
        raw.get_repository_endpoint(domain="my-domain", repository=repo, format="rubygems")
    with raises("ValidationException", 400, message="at 'endpointType' failed to satisfy constraint"):
        raw.get_repository_endpoint(domain="my-domain", repository=repo, format="npm", endpointType="ipv6")
    # Enums are case sensitive.
    with raises("ValidationException", 400):
        raw.get_repository_endpoint(domain="my-domain", repository=repo, format="NPM")
    assert snapshot(client) == before


def test_missing_repository_or_domain(client, repo):
    with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="repository"):
        client.get_repository_endpoint(domain="my-domain", repository="ghost", format="npm")
    with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="domain"):
        client.get_repository_endpoint(domain="ghost", repository=repo, format="npm")
