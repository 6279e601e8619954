"""State per account and region; ``domainOwner`` reaches another account; cross-account repositories."""

from __future__ import annotations

import pytest

from tests.support.control_plane import ACCOUNT, OTHER_ACCOUNT, POLICY, raises
from tests.support.policies import allow, denied, policy

ACCOUNT_ENV = "MOCK_CODEARTIFACT_ACCOUNT_ID"


@pytest.fixture
def as_account(monkeypatch):
    """``as_account(id)`` switches the caller's account for the following calls (``None``: the default)."""

    def switch(account: str | None) -> None:
        if account is None:
            monkeypatch.delenv(ACCOUNT_ENV, raising=False)
        else:
            monkeypatch.setenv(ACCOUNT_ENV, account)

    return switch


def test_regions_are_isolated(make_client):
    east = make_client(region="us-east-1")
    west = make_client(region="us-west-2")
    e = east.create_domain(domain="my-domain")["domain"]
    with raises("ResourceNotFoundException", 404):
        west.describe_domain(domain="my-domain")
    assert west.list_domains()["domains"] == []
    w = west.create_domain(domain="my-domain")["domain"]
    assert e["arn"].split(":")[3] == "us-east-1" and w["arn"].split(":")[3] == "us-west-2"
    east.create_repository(domain="my-domain", repository="only-east")
    assert west.list_repositories()["repositories"] == []
    assert [r["name"] for r in east.list_repositories()["repositories"]] == ["only-east"]
    # Deleting in one region leaves the other alone.
    west.delete_domain(domain="my-domain")
    assert east.describe_domain(domain="my-domain")["domain"]["repositoryCount"] == 1


def test_tags_by_arn_stay_in_their_region(make_client):
    east = make_client(region="us-east-1")
    west = make_client(region="us-west-2")
    arn = east.create_domain(domain="my-domain")["domain"]["arn"]
    west.create_domain(domain="my-domain")
    with raises("ResourceNotFoundException", 404):
        west.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    assert east.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_account_is_read_on_every_request(client, as_account):
    assert client.create_domain(domain="shared-name")["domain"]["owner"] == ACCOUNT
    as_account(OTHER_ACCOUNT)
    other = client.create_domain(domain="shared-name")["domain"]  # same name, another account: no conflict
    assert other["owner"] == OTHER_ACCOUNT
    assert other["arn"] == f"arn:aws:codeartifact:us-east-1:{OTHER_ACCOUNT}:domain/shared-name"
    assert other["encryptionKey"].startswith(f"arn:aws:kms:us-east-1:{OTHER_ACCOUNT}:")
    assert [d["owner"] for d in client.list_domains()["domains"]] == [OTHER_ACCOUNT]
    as_account(None)
    assert [d["owner"] for d in client.list_domains()["domains"]] == [ACCOUNT]


def test_domain_owner_reaches_another_accounts_domain(client, as_account):
    as_account(OTHER_ACCOUNT)
    theirs = client.create_domain(domain="their-domain")["domain"]
    client.create_repository(domain="their-domain", repository="their-repo")
    as_account(None)
    # Without a resource policy another account is denied, as in AWS.
    with denied("DescribeDomain", theirs["arn"], user=f"arn:aws:iam::{ACCOUNT}:root", explicit=False):
        client.describe_domain(domain="their-domain", domainOwner=OTHER_ACCOUNT)
    as_account(OTHER_ACCOUNT)
    client.put_domain_permissions_policy(domain="their-domain", policyDocument=policy(allow(ACCOUNT)))
    client.put_repository_permissions_policy(
        domain="their-domain", repository="their-repo", policyDocument=policy(allow(ACCOUNT))
    )
    as_account(None)

    with raises("ResourceNotFoundException", 404, message=f"owned by account '{ACCOUNT}'"):
        client.describe_domain(domain="their-domain")
    assert client.describe_domain(domain="their-domain", domainOwner=OTHER_ACCOUNT)["domain"] == {
        **theirs,
        "repositoryCount": 1,
    }
    repo = client.describe_repository(domain="their-domain", domainOwner=OTHER_ACCOUNT, repository="their-repo")
    assert repo["repository"]["administratorAccount"] == OTHER_ACCOUNT
    # Policies: PutDomainPermissionsPolicy carries domainOwner in its JSON body, the others in the query. AWS
    # ignores the resource policy when it is being replaced: another account can never replace it.
    got = client.get_domain_permissions_policy(domain="their-domain", domainOwner=OTHER_ACCOUNT)["policy"]
    assert got["resourceArn"] == theirs["arn"]
    with denied("PutDomainPermissionsPolicy", theirs["arn"], explicit=False):
        client.put_domain_permissions_policy(domain="their-domain", domainOwner=OTHER_ACCOUNT, policyDocument=POLICY)
    with denied("PutRepositoryPermissionsPolicy"):
        client.put_repository_permissions_policy(
            domain="their-domain", domainOwner=OTHER_ACCOUNT, repository="their-repo", policyDocument=POLICY
        )
    assert client.get_domain_permissions_policy(domain="their-domain", domainOwner=OTHER_ACCOUNT)["policy"] == got
    # Tokens and endpoints for another owner's domain.
    assert client.get_authorization_token(domain="their-domain", domainOwner=OTHER_ACCOUNT)["authorizationToken"]
    url = client.get_repository_endpoint(
        domain="their-domain", domainOwner=OTHER_ACCOUNT, repository="their-repo", format="npm"
    )["repositoryEndpoint"]
    assert OTHER_ACCOUNT in url and ACCOUNT not in url
    # The caller's own account is untouched.
    assert client.list_domains()["domains"] == []


def test_cross_account_repository(client, as_account):
    owner_domain = client.create_domain(domain="shared")["domain"]
    client.create_repository(domain="shared", repository="owners-repo")
    as_account(OTHER_ACCOUNT)
    # Authorized on the domain (docs/authorization.md: the domain-policy guide), so the denial names the domain.
    with denied("CreateRepository", f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:domain/shared"):
        client.create_repository(domain="shared", domainOwner=ACCOUNT, repository="guest-repo")
    as_account(None)
    grant = policy(allow(OTHER_ACCOUNT, ["codeartifact:CreateRepository", "codeartifact:TagResource"]))
    client.put_domain_permissions_policy(domain="shared", policyDocument=grant)
    owner_domain = client.describe_domain(domain="shared")["domain"]

    as_account(OTHER_ACCOUNT)
    repo = client.create_repository(domain="shared", domainOwner=ACCOUNT, repository="guest-repo")["repository"]
    assert repo["administratorAccount"] == OTHER_ACCOUNT
    assert repo["domainOwner"] == ACCOUNT
    # The ARN's account is the domain owner's, not the administrator's.
    assert repo["arn"] == f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/shared/guest-repo"
    # ListRepositories lists what the caller administers, in any account's domain.
    assert [r["name"] for r in client.list_repositories()["repositories"]] == ["guest-repo"]
    # Tagging by ARN reaches the owner's state.
    client.tag_resource(resourceArn=repo["arn"], tags=[{"key": "by", "value": "guest"}])

    as_account(None)
    assert [r["name"] for r in client.list_repositories()["repositories"]] == ["owners-repo"]
    in_domain = client.list_repositories_in_domain(domain="shared")["repositories"]
    assert [(r["name"], r["administratorAccount"]) for r in in_domain] == [
        ("guest-repo", OTHER_ACCOUNT),
        ("owners-repo", ACCOUNT),
    ]
    only_guest = client.list_repositories_in_domain(domain="shared", administratorAccount=OTHER_ACCOUNT)
    assert [r["name"] for r in only_guest["repositories"]] == ["guest-repo"]
    assert client.describe_domain(domain="shared")["domain"]["repositoryCount"] == 2
    assert client.list_tags_for_resource(resourceArn=repo["arn"])["tags"] == [{"key": "by", "value": "guest"}]
    # The owner cannot delete the domain while the guest's repository is in it.
    with raises("ConflictException", 409):
        client.delete_domain(domain="shared")
    assert client.describe_domain(domain="shared")["domain"] == {**owner_domain, "repositoryCount": 2}


def test_upstreams_are_resolved_in_the_domain_owners_account(client, as_account):
    client.create_domain(domain="shared")
    client.create_repository(domain="shared", repository="base")
    grant = ["codeartifact:CreateRepository", "codeartifact:AssociateWithDownstreamRepository"]
    client.put_domain_permissions_policy(domain="shared", policyDocument=policy(allow(OTHER_ACCOUNT, grant)))
    as_account(OTHER_ACCOUNT)
    repo = client.create_repository(
        domain="shared", domainOwner=ACCOUNT, repository="guest", upstreams=[{"repositoryName": "base"}]
    )["repository"]
    assert repo["upstreams"] == [{"repositoryName": "base"}]
    with raises("ResourceNotFoundException", 404, message=f"owned by account '{OTHER_ACCOUNT}'"):
        client.create_repository(domain="shared", repository="guest2")


def test_list_domains_of_two_accounts_in_two_regions(make_client, as_account):
    east, west = make_client(region="us-east-1"), make_client(region="eu-west-1")
    east.create_domain(domain="a-east")
    west.create_domain(domain="a-west")
    as_account(OTHER_ACCOUNT)
    east.create_domain(domain="b-east")
    assert [d["name"] for d in east.list_domains()["domains"]] == ["b-east"]
    assert west.list_domains()["domains"] == []
    as_account(None)
    assert [d["name"] for d in east.list_domains()["domains"]] == ["a-east"]
    assert [d["name"] for d in west.list_domains()["domains"]] == ["a-west"]
