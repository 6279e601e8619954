"""CreateRepository, DescribeRepository, UpdateRepository, DeleteRepository, ListRepositories(InDomain).

Reference §5.2 and §8 items 4-6 and 12.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.control_plane import ACCOUNT, POLICY, body, raises, snapshot

REPO_KEYS = {
    "name",
    "administratorAccount",
    "domainName",
    "domainOwner",
    "arn",
    "upstreams",
    "externalConnections",
    "createdTime",
}
SUMMARY_KEYS = {"name", "administratorAccount", "domainName", "domainOwner", "arn", "createdTime"}


@pytest.fixture
def domain(client):
    client.create_domain(domain="my-domain")
    return "my-domain"


def up(*names: str) -> list[dict[str, str]]:
    return [{"repositoryName": n} for n in names]


def test_create_repository_defaults(client, domain):
    before = dt.datetime.now(dt.timezone.utc)
    repo = client.create_repository(domain=domain, repository="my-repo")["repository"]
    assert set(repo) == REPO_KEYS  # no "description" key when none was given
    assert repo["name"] == "my-repo"
    assert repo["domainName"] == domain
    assert repo["administratorAccount"] == repo["domainOwner"] == ACCOUNT
    assert repo["arn"] == f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/my-domain/my-repo"
    assert repo["upstreams"] == []
    assert repo["externalConnections"] == []
    assert isinstance(repo["createdTime"], dt.datetime)
    assert repo["createdTime"] >= before - dt.timedelta(seconds=1)
    assert client.describe_repository(domain=domain, repository="my-repo")["repository"] == repo


def test_create_repository_with_description_upstreams_and_tags(client, domain):
    client.create_repository(domain=domain, repository="u1")
    client.create_repository(domain=domain, repository="u2")
    repo = client.create_repository(
        domain=domain,
        repository="my-repo",
        description="Team repo: ünïcode and spaces",
        upstreams=up("u2", "u1"),
        tags=[{"key": "team", "value": "x"}],
    )["repository"]
    assert repo["description"] == "Team repo: ünïcode and spaces"
    assert repo["upstreams"] == up("u2", "u1")
    assert client.describe_repository(domain=domain, repository="my-repo")["repository"] == repo
    assert client.list_tags_for_resource(resourceArn=repo["arn"])["tags"] == [{"key": "team", "value": "x"}]


def test_repository_names_are_case_sensitive_and_allow_dots_and_underscores(client, domain):
    names = ["Repo", "repo", "my.repo_1-x", "9lives"]
    for name in names:
        assert client.create_repository(domain=domain, repository=name)["repository"]["name"] == name
    listed = [r["name"] for r in client.list_repositories_in_domain(domain=domain)["repositories"]]
    assert sorted(listed) == sorted(names)


def test_create_repository_in_missing_domain(client):
    with raises(
        "ResourceNotFoundException",
        404,
        message=f"Domain not found. Domain 'nope' owned by account '{ACCOUNT}' does not exist",
        resourceId="nope",
        resourceType="domain",
    ):
        client.create_repository(domain="nope", repository="my-repo")
    assert client.list_repositories()["repositories"] == []


def test_duplicate_repository_is_a_conflict_and_changes_nothing(client, domain):
    # Lower confidence (§8): the class for a duplicate name is inferred.
    client.create_repository(domain=domain, repository="my-repo", description="first")
    before = snapshot(client)
    with raises("ConflictException", 409, resourceId="my-repo", resourceType="repository"):
        client.create_repository(domain=domain, repository="my-repo", description="second")
    assert snapshot(client) == before


def test_same_repository_name_in_two_domains(client, domain):
    client.create_domain(domain="other")
    a = client.create_repository(domain=domain, repository="r1")["repository"]
    b = client.create_repository(domain="other", repository="r1")["repository"]
    assert a["arn"] != b["arn"]


def test_upstream_order_is_kept_and_update_replaces_it(client, domain):
    for name in ("u1", "u2", "u3"):
        client.create_repository(domain=domain, repository=name)
    created = client.create_repository(domain=domain, repository="down", upstreams=up("u1", "u2"))["repository"]
    assert client.describe_repository(domain=domain, repository="down")["repository"]["upstreams"] == up("u1", "u2")

    updated = client.update_repository(domain=domain, repository="down", upstreams=up("u3", "u1"))["repository"]
    assert updated["upstreams"] == up("u3", "u1")
    assert updated["createdTime"] == created["createdTime"]
    assert client.describe_repository(domain=domain, repository="down")["repository"] == updated

    # Omitting upstreams keeps them (inference, strongly supported by AWS's CloudFormation code).
    updated = client.update_repository(domain=domain, repository="down", description="d")["repository"]
    assert updated["upstreams"] == up("u3", "u1")
    assert updated["description"] == "d"

    # An empty list clears them; the description stays.
    updated = client.update_repository(domain=domain, repository="down", upstreams=[])["repository"]
    assert updated["upstreams"] == []
    assert updated["description"] == "d"


def test_update_repository_without_changes_returns_the_description(client, domain):
    repo = client.create_repository(domain=domain, repository="r1", description="keep")["repository"]
    assert client.update_repository(domain=domain, repository="r1")["repository"] == repo


def test_ten_upstreams_are_allowed_eleven_are_not(client, domain):
    names = [f"u{i:02d}" for i in range(11)]
    for name in names:
        client.create_repository(domain=domain, repository=name)
    repo = client.create_repository(domain=domain, repository="ten", upstreams=up(*names[:10]))["repository"]
    assert repo["upstreams"] == up(*names[:10])
    before = snapshot(client)
    # Lower confidence (§8): fixed quota of 10 direct upstreams; the class (ValidationException) is inferred.
    with raises("ValidationException", 400):
        client.create_repository(domain=domain, repository="eleven", upstreams=up(*names))
    with raises("ValidationException", 400):
        client.update_repository(domain=domain, repository="ten", upstreams=up(*names))
    assert snapshot(client) == before


def test_missing_upstream_is_not_found_and_changes_nothing(client, domain):
    # Lower confidence (§8): ResourceNotFoundException for an upstream that does not exist is inferred.
    client.create_repository(domain=domain, repository="u1")
    client.create_repository(domain=domain, repository="down", description="old", upstreams=up("u1"))
    before = snapshot(client)
    with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="repository"):
        client.create_repository(domain=domain, repository="new", upstreams=up("u1", "ghost"))
    with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="repository"):
        client.update_repository(domain=domain, repository="down", description="new", upstreams=up("ghost"))
    assert snapshot(client) == before


@pytest.mark.parametrize("upstreams", [up("u1", "u1"), up("self")], ids=["duplicate", "self"])
def test_duplicate_or_self_upstreams_are_invalid(client, domain, upstreams):
    # Undocumented: ValidationException (see docs/behaviour-choices.md).
    client.create_repository(domain=domain, repository="u1")
    client.create_repository(domain=domain, repository="self")
    before = snapshot(client)
    with raises("ValidationException", 400):
        client.update_repository(domain=domain, repository="self", upstreams=upstreams)
    assert snapshot(client) == before


def test_indirect_upstream_cycles_are_allowed(client, domain):
    # AWS documents no rejection of cycles (§5.2.1).
    client.create_repository(domain=domain, repository="a1")
    client.create_repository(domain=domain, repository="b1", upstreams=up("a1"))
    assert client.update_repository(domain=domain, repository="a1", upstreams=up("b1"))["repository"][
        "upstreams"
    ] == up("b1")


def test_describe_update_missing_repository_or_domain(client, domain):
    with raises(
        "ResourceNotFoundException", 404, message="Repository not found", resourceId="nope", resourceType="repository"
    ):
        client.describe_repository(domain=domain, repository="nope")
    with raises("ResourceNotFoundException", 404, resourceId="nope", resourceType="repository"):
        client.update_repository(domain=domain, repository="nope", description="x")
    with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="domain"):
        client.describe_repository(domain="ghost", repository="nope")
    with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="domain"):
        client.update_repository(domain="ghost", repository="nope")


def test_delete_repository(client, domain):
    repo = client.create_repository(domain=domain, repository="my-repo", description="bye")["repository"]
    assert client.delete_repository(domain=domain, repository="my-repo")["repository"] == repo
    with raises("ResourceNotFoundException", 404, resourceType="repository"):
        client.describe_repository(domain=domain, repository="my-repo")
    # A missing repository: the documented choice is the model's ResourceNotFoundException (lower confidence:
    # AWS's CloudFormation handler suggests 200).
    with raises("ResourceNotFoundException", 404, resourceId="my-repo", resourceType="repository"):
        client.delete_repository(domain=domain, repository="my-repo")
    with raises("ResourceNotFoundException", 404, resourceType="domain"):
        client.delete_repository(domain="ghost", repository="my-repo")


def test_deleting_an_upstream_is_allowed_and_leaves_a_dangling_entry(client, domain):
    client.create_repository(domain=domain, repository="up1")
    client.create_repository(domain=domain, repository="down", upstreams=up("up1"))
    client.delete_repository(domain=domain, repository="up1")
    assert client.describe_repository(domain=domain, repository="down")["repository"]["upstreams"] == up("up1")
    # Replacing the list works; setting the deleted one again does not.
    assert client.update_repository(domain=domain, repository="down", upstreams=[])["repository"]["upstreams"] == []
    with raises("ResourceNotFoundException", 404):
        client.update_repository(domain=domain, repository="down", upstreams=up("up1"))


def test_recreated_repository_starts_empty(client, domain):
    client.create_repository(domain=domain, repository="u1")
    old = client.create_repository(
        domain=domain, repository="r1", description="d", upstreams=up("u1"), tags=[{"key": "k", "value": "v"}]
    )["repository"]
    client.put_repository_permissions_policy(domain=domain, repository="r1", policyDocument=POLICY)
    client.delete_repository(domain=domain, repository="r1")
    new = client.create_repository(domain=domain, repository="r1")["repository"]
    assert new["arn"] == old["arn"]
    assert "description" not in new and new["upstreams"] == []
    assert client.list_tags_for_resource(resourceArn=new["arn"])["tags"] == []
    with raises("ResourceNotFoundException", 404):
        client.get_repository_permissions_policy(domain=domain, repository="r1")


def test_description_edges(client, domain):
    assert (
        client.create_repository(domain=domain, repository="r1", description="x" * 1000)["repository"]["description"]
        == "x" * 1000
    )
    # An empty description is allowed by the pattern and is kept as given.
    assert client.update_repository(domain=domain, repository="r1", description="")["repository"]["description"] == ""


def test_list_repositories_summaries(client, domain):
    client.create_domain(domain="other")
    client.create_repository(domain=domain, repository="b-repo", description="has one")
    client.create_repository(domain="other", repository="a-repo", upstreams=[])
    client.create_repository(domain="other", repository="b-repo")
    repos = client.list_repositories()["repositories"]
    # Order is undocumented: by name, then domain.
    assert [(r["name"], r["domainName"]) for r in repos] == [
        ("a-repo", "other"),
        ("b-repo", "my-domain"),
        ("b-repo", "other"),
    ]
    assert set(repos[0]) == SUMMARY_KEYS
    assert set(repos[1]) == SUMMARY_KEYS | {"description"}
    described = client.describe_repository(domain=domain, repository="b-repo")["repository"]
    assert repos[1] == {k: described[k] for k in SUMMARY_KEYS | {"description"}}
    assert "nextToken" not in client.list_repositories()


def test_list_repositories_with_a_prefix(client, domain):
    for name in ("app-one", "app-two", "App-three", "lib"):
        client.create_repository(domain=domain, repository=name)
    names = [r["name"] for r in client.list_repositories(repositoryPrefix="app")["repositories"]]
    assert names == ["app-one", "app-two"]  # case-sensitive (undocumented)
    names = [
        r["name"] for r in client.list_repositories_in_domain(domain=domain, repositoryPrefix="ap")["repositories"]
    ]
    assert names == ["app-one", "app-two"]
    assert client.list_repositories(repositoryPrefix="zz")["repositories"] == []
    assert [r["name"] for r in client.list_repositories(repositoryPrefix="lib")["repositories"]] == ["lib"]


def test_list_repositories_in_domain(client, domain):
    client.create_domain(domain="other")
    client.create_repository(domain=domain, repository="r2")
    client.create_repository(domain=domain, repository="r1")
    client.create_repository(domain="other", repository="r3")
    repos = client.list_repositories_in_domain(domain=domain)["repositories"]
    assert [r["name"] for r in repos] == ["r1", "r2"]
    assert all(set(r) == SUMMARY_KEYS for r in repos)
    assert body(client.list_repositories_in_domain(domain="other", administratorAccount="111122223333")) == {
        "repositories": []
    }
    assert [
        r["name"]
        for r in client.list_repositories_in_domain(domain="other", administratorAccount=ACCOUNT)["repositories"]
    ] == ["r3"]


def test_list_repositories_in_missing_domain(client):
    with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="domain"):
        client.list_repositories_in_domain(domain="ghost")


def test_list_repositories_when_empty(client):
    assert body(client.list_repositories()) == {"repositories": []}
