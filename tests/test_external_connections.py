"""AssociateExternalConnection and DisassociateExternalConnection (reference §5.3, §8 item 7)."""

from __future__ import annotations

import pytest

from tests.support.control_plane import raises, snapshot

CONNECTIONS = {
    "public:npmjs": "npm",
    "public:pypi": "pypi",
    "public:maven-central": "maven",
    "public:maven-googleandroid": "maven",
    "public:maven-gradleplugins": "maven",
    "public:maven-commonsware": "maven",
    "public:maven-clojars": "maven",
    "public:nuget-org": "nuget",
    "public:ruby-gems-org": "ruby",
    "public:crates-io": "cargo",
}


@pytest.fixture
def repo(client):
    client.create_domain(domain="my-domain")
    return client.create_repository(domain="my-domain", repository="my-repo")["repository"]


def test_every_external_connection_of_the_model(client, repo):
    # The model's ExternalConnectionName doc lists exactly these; ruby and cargo formats are inferred from names.
    for i, (name, fmt) in enumerate(CONNECTIONS.items()):
        repository = f"store-{i}"
        client.create_repository(domain="my-domain", repository=repository)
        got = client.associate_external_connection(domain="my-domain", repository=repository, externalConnection=name)
        assert got["repository"]["externalConnections"] == [
            # "AVAILABLE" as every real capture shows; the model's enum spells it "Available".
            {"externalConnectionName": name, "packageFormat": fmt, "status": "AVAILABLE"}
        ]


def test_associate_and_disassociate(client, repo):
    got = client.associate_external_connection(
        domain="my-domain", repository="my-repo", externalConnection="public:npmjs"
    )["repository"]
    assert got == {
        **repo,
        "externalConnections": [
            {"externalConnectionName": "public:npmjs", "packageFormat": "npm", "status": "AVAILABLE"}
        ],
    }
    assert client.describe_repository(domain="my-domain", repository="my-repo")["repository"] == got

    gone = client.disassociate_external_connection(
        domain="my-domain", repository="my-repo", externalConnection="public:npmjs"
    )["repository"]
    assert gone == repo
    assert client.describe_repository(domain="my-domain", repository="my-repo")["repository"] == repo
    # Disassociating again: ResourceNotFoundException ("already been removed or doesn't exist").
    with raises("ResourceNotFoundException", 404):
        client.disassociate_external_connection(
            domain="my-domain", repository="my-repo", externalConnection="public:npmjs"
        )
    # ... and a connection can be associated again afterwards.
    client.associate_external_connection(domain="my-domain", repository="my-repo", externalConnection="public:pypi")


@pytest.mark.parametrize("second", ["public:pypi", "public:npmjs"], ids=["other", "same"])
def test_second_external_connection_is_rejected(client, repo, second):
    client.associate_external_connection(domain="my-domain", repository="my-repo", externalConnection="public:npmjs")
    before = snapshot(client)
    with raises("ValidationException", 400, message="ExternalConnections for repositories are currently limited to 1"):
        client.associate_external_connection(domain="my-domain", repository="my-repo", externalConnection=second)
    assert snapshot(client) == before


def test_external_connection_and_upstreams_exclude_each_other(client, repo):
    client.create_repository(domain="my-domain", repository="up1")
    client.create_repository(domain="my-domain", repository="with-up", upstreams=[{"repositoryName": "up1"}])
    client.associate_external_connection(domain="my-domain", repository="my-repo", externalConnection="public:npmjs")
    before = snapshot(client)
    # Lower confidence: the class for a connection on a repository with upstreams is inferred.
    with raises("ValidationException", 400):
        client.associate_external_connection(
            domain="my-domain", repository="with-up", externalConnection="public:npmjs"
        )
    # AWS-authored evidence: upstreams, even [], on a repository with an external connection fail.
    with raises("ValidationException", 400):
        client.update_repository(domain="my-domain", repository="my-repo", upstreams=[])
    with raises("ValidationException", 400):
        client.update_repository(
            domain="my-domain", repository="my-repo", upstreams=[{"repositoryName": "up1"}], description="x"
        )
    assert snapshot(client) == before
    # A description-only update is fine.
    got = client.update_repository(domain="my-domain", repository="my-repo", description="npm store")["repository"]
    assert got["description"] == "npm store" and len(got["externalConnections"]) == 1


def test_a_repository_with_an_external_connection_can_be_an_upstream(client, repo):
    client.associate_external_connection(domain="my-domain", repository="my-repo", externalConnection="public:pypi")
    down = client.create_repository(domain="my-domain", repository="team", upstreams=[{"repositoryName": "my-repo"}])[
        "repository"
    ]
    assert down["upstreams"] == [{"repositoryName": "my-repo"}]
    assert down["externalConnections"] == []


def test_disassociate_a_connection_that_is_not_the_associated_one(client, repo):
    client.associate_external_connection(domain="my-domain", repository="my-repo", externalConnection="public:npmjs")
    before = snapshot(client)
    with raises("ResourceNotFoundException", 404):
        client.disassociate_external_connection(
            domain="my-domain", repository="my-repo", externalConnection="public:pypi"
        )
    assert snapshot(client) == before


def test_unknown_external_connection_name(client, repo):
    # Lower confidence: undocumented; ValidationException.
    before = snapshot(client)
    with raises("ValidationException", 400):
        client.associate_external_connection(domain="my-domain", repository="my-repo", externalConnection="public:foo")
    assert snapshot(client) == before


def test_missing_repository_or_domain(client, repo):
    for fn in (client.associate_external_connection, client.disassociate_external_connection):
        with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="repository"):
            fn(domain="my-domain", repository="ghost", externalConnection="public:npmjs")
        with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="domain"):
            fn(domain="ghost", repository="my-repo", externalConnection="public:npmjs")


def test_deleted_repository_loses_its_connection(client, repo):
    client.associate_external_connection(domain="my-domain", repository="my-repo", externalConnection="public:npmjs")
    client.delete_repository(domain="my-domain", repository="my-repo")
    fresh = client.create_repository(domain="my-domain", repository="my-repo")["repository"]
    assert fresh["externalConnections"] == []
