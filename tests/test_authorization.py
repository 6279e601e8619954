"""Authorization like AWS, in both modes: principals, resource policies, cross-account access, explicit denies."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore import xform_name

from mock_codeartifact import principals
from mock_codeartifact.authorization.table import ACCOUNT as ACCOUNT_LEVEL
from mock_codeartifact.authorization.table import ARN, DOMAIN, PACKAGE, PACKAGE_GROUP, REPOSITORY, build_table
from mock_codeartifact.dispatch import codec
from tests.support.control_plane import raises
from tests.support.policies import allow, denied, deny, policy

OWNER = "123456789012"
GUEST = "111122223333"
GUEST_ROLE = f"arn:aws:iam::{GUEST}:role/ci"
GUEST_USER = f"arn:aws:iam::{GUEST}:user/alice"
GUEST_KEY = "AKIAGUESTROLE0000001"
ALICE_KEY = "AKIAGUESTUSER0000001"
OWNER_ROLE = f"arn:aws:iam::{OWNER}:role/deployer"
OWNER_ROLE_KEY = "AKIAOWNERROLE0000001"
D = "shared"
R = "store"
UP = "upstream"
ARN_BASE = f"arn:aws:codeartifact:us-east-1:{OWNER}"
DOMAIN_ARN = f"{ARN_BASE}:domain/{D}"
REPO_ARN = f"{ARN_BASE}:repository/{D}/{R}"
UP_ARN = f"{ARN_BASE}:repository/{D}/{UP}"
PKG_ARN = f"{ARN_BASE}:package/{D}/{R}/generic/ns/tool"


@pytest.fixture
def world(make_client: Callable[..., Any]) -> Any:
    """The owner (account root of 123456789012) with a domain, two repositories, a package, a group and tags;
    ``world.guest`` is the role ``ci`` of 111122223333, ``world.alice`` a user of it (two access keys)."""
    owner = make_client()
    endpoint = owner.meta.endpoint_url
    principals.register(GUEST_KEY, GUEST_ROLE)
    principals.register(ALICE_KEY, GUEST_USER)
    principals.register(OWNER_ROLE_KEY, OWNER_ROLE)

    def client_for(key: str) -> Any:
        return boto3.client(
            "codeartifact",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id=key,
            aws_secret_access_key="secret",
        )

    owner.create_domain(domain=D, tags=[{"key": "team", "value": "core"}])
    owner.create_repository(domain=D, repository=UP)
    owner.create_repository(
        domain=D, repository=R, upstreams=[{"repositoryName": UP}], tags=[{"key": "team", "value": "core"}]
    )
    _publish(owner, R, "1.0")
    owner.create_package_group(domain=D, packageGroup="/generic/ns/*")

    class World:
        pass

    w = World()
    w.owner = owner  # type: ignore[attr-defined]
    w.guest = client_for(GUEST_KEY)  # type: ignore[attr-defined]
    w.alice = client_for(ALICE_KEY)  # type: ignore[attr-defined]
    w.owner_role = client_for(OWNER_ROLE_KEY)  # type: ignore[attr-defined]
    return w


def _publish(client: Any, repository: str, version: str, package: str = "tool", content: bytes = b"bytes") -> Any:
    return client.publish_package_version(
        domain=D,
        repository=repository,
        format="generic",
        namespace="ns",
        package=package,
        packageVersion=version,
        assetContent=content,
        assetName="tool.bin",
        assetSHA256=hashlib.sha256(content).hexdigest(),
    )


def _state(owner: Any) -> dict[str, Any]:
    """Everything a denied call could have changed, as the owner sees it."""
    repos = owner.list_repositories_in_domain(domain=D)["repositories"]
    out: dict[str, Any] = {
        "domain": owner.describe_domain(domain=D)["domain"],
        "repos": {r["name"]: owner.describe_repository(domain=D, repository=r["name"])["repository"] for r in repos},
        "tags": owner.list_tags_for_resource(resourceArn=REPO_ARN)["tags"],
        "domain_tags": owner.list_tags_for_resource(resourceArn=DOMAIN_ARN)["tags"],
        "groups": [g["pattern"] for g in owner.list_package_groups(domain=D)["packageGroups"]],
        "versions": owner.list_package_versions(
            domain=D, repository=R, format="generic", namespace="ns", package="tool"
        )["versions"],
    }
    for kind in ("domain", "repository"):
        try:
            if kind == "domain":
                out["domain_policy"] = owner.get_domain_permissions_policy(domain=D)["policy"]
            else:
                out["repo_policy"] = owner.get_repository_permissions_policy(domain=D, repository=R)["policy"]
        except owner.exceptions.ResourceNotFoundException:
            pass
    return out


PKG = {"domain": D, "domainOwner": OWNER, "repository": R, "format": "generic", "namespace": "ns", "package": "tool"}
GROUP = {"domain": D, "domainOwner": OWNER, "packageGroup": "/generic/ns/*"}
ONE_POLICY = policy(allow(GUEST))

# One call of every operation that acts on a resource of the owner's, with what it names.
CROSS_ACCOUNT_CALLS: dict[str, dict[str, Any]] = {
    "AssociateExternalConnection": {
        "domain": D,
        "domainOwner": OWNER,
        "repository": R,
        "externalConnection": "public:npmjs",
    },
    "CopyPackageVersions": {
        "domain": D,
        "domainOwner": OWNER,
        "sourceRepository": R,
        "destinationRepository": UP,
        "format": "generic",
        "namespace": "ns",
        "package": "tool",
        "versions": ["1.0"],
    },
    "CreatePackageGroup": {"domain": D, "domainOwner": OWNER, "packageGroup": "/npm/*"},
    "CreateRepository": {"domain": D, "domainOwner": OWNER, "repository": "new-repo"},
    "DeleteDomain": {"domain": D, "domainOwner": OWNER},
    "DeleteDomainPermissionsPolicy": {"domain": D, "domainOwner": OWNER},
    "DeletePackage": PKG,
    "DeletePackageGroup": GROUP,
    "DeletePackageVersions": {**PKG, "versions": ["1.0"]},
    "DeleteRepository": {"domain": D, "domainOwner": OWNER, "repository": R},
    "DeleteRepositoryPermissionsPolicy": {"domain": D, "domainOwner": OWNER, "repository": R},
    "DescribeDomain": {"domain": D, "domainOwner": OWNER},
    "DescribePackage": PKG,
    "DescribePackageGroup": GROUP,
    "DescribePackageVersion": {**PKG, "packageVersion": "1.0"},
    "DescribeRepository": {"domain": D, "domainOwner": OWNER, "repository": R},
    "DisassociateExternalConnection": {
        "domain": D,
        "domainOwner": OWNER,
        "repository": R,
        "externalConnection": "public:npmjs",
    },
    "DisposePackageVersions": {**PKG, "versions": ["1.0"]},
    "GetAssociatedPackageGroup": {
        "domain": D,
        "domainOwner": OWNER,
        "format": "generic",
        "namespace": "ns",
        "package": "tool",
    },
    "GetAuthorizationToken": {"domain": D, "domainOwner": OWNER},
    "GetDomainPermissionsPolicy": {"domain": D, "domainOwner": OWNER},
    "GetPackageVersionAsset": {**PKG, "packageVersion": "1.0", "asset": "tool.bin"},
    "GetPackageVersionReadme": {**PKG, "packageVersion": "1.0"},
    "GetRepositoryEndpoint": {"domain": D, "domainOwner": OWNER, "repository": R, "format": "npm"},
    "GetRepositoryPermissionsPolicy": {"domain": D, "domainOwner": OWNER, "repository": R},
    "ListAllowedRepositoriesForGroup": {**GROUP, "originRestrictionType": "PUBLISH"},
    "ListAssociatedPackages": GROUP,
    "ListPackageGroups": {"domain": D, "domainOwner": OWNER},
    "ListPackageVersionAssets": {**PKG, "packageVersion": "1.0"},
    "ListPackageVersionDependencies": {**PKG, "packageVersion": "1.0"},
    "ListPackageVersions": PKG,
    "ListPackages": {"domain": D, "domainOwner": OWNER, "repository": R},
    "ListRepositoriesInDomain": {"domain": D, "domainOwner": OWNER},
    "ListSubPackageGroups": GROUP,
    "ListTagsForResource": {"resourceArn": REPO_ARN},
    "PublishPackageVersion": {
        **PKG,
        "packageVersion": "2.0",
        "assetContent": b"x",
        "assetName": "a.bin",
        "assetSHA256": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
    },
    "PutDomainPermissionsPolicy": {"domain": D, "domainOwner": OWNER, "policyDocument": ONE_POLICY},
    "PutPackageOriginConfiguration": {**PKG, "restrictions": {"publish": "BLOCK", "upstream": "ALLOW"}},
    "PutRepositoryPermissionsPolicy": {
        "domain": D,
        "domainOwner": OWNER,
        "repository": R,
        "policyDocument": ONE_POLICY,
    },
    "TagResource": {"resourceArn": REPO_ARN, "tags": [{"key": "by", "value": "guest"}]},
    "UntagResource": {"resourceArn": REPO_ARN, "tagKeys": ["team"]},
    "UpdatePackageGroup": {**GROUP, "description": "mine now"},
    "UpdatePackageGroupOriginConfiguration": {**GROUP, "restrictions": {"PUBLISH": "BLOCK"}},
    "UpdatePackageVersionsStatus": {**PKG, "versions": ["1.0"], "targetStatus": "Archived"},
    "UpdateRepository": {"domain": D, "domainOwner": OWNER, "repository": R, "description": "mine now"},
}


def test_every_operation_is_in_the_authorization_table_and_the_cross_account_list() -> None:
    model = codec().model
    table = build_table(model)
    assert set(table) == set(model.operation_names) and len(table) == 48
    account_level = {name for name, rules in table.items() if rules[0].kind == ACCOUNT_LEVEL}
    assert account_level == {"ListDomains", "ListRepositories"}
    # Every other operation acts on a resource of a domain: one call of each is checked cross-account below.
    assert set(CROSS_ACCOUNT_CALLS) == set(table) - account_level - {"CreateDomain"}
    kinds = {name: rules[0].kind for name, rules in table.items()}
    assert kinds["CreateDomain"] == DOMAIN and kinds["GetAuthorizationToken"] == DOMAIN
    assert kinds["DescribeRepository"] == REPOSITORY and kinds["ListPackages"] == REPOSITORY
    assert kinds["PublishPackageVersion"] == PACKAGE and kinds["DescribePackageVersion"] == PACKAGE
    assert kinds["DescribePackageGroup"] == PACKAGE_GROUP and kinds["TagResource"] == ARN
    actions = {r.action for rules in table.values() for r in rules}
    assert {"ReadFromRepository", "AssociateWithDownstreamRepository", "TagResource"} <= actions
    # Every action but the dependent ones is the operation's own name.
    assert all(rules[0].action == name for name, rules in table.items())


@pytest.mark.parametrize("operation", sorted(CROSS_ACCOUNT_CALLS))
def test_another_account_without_a_policy_is_denied_and_nothing_changes(world, operation):
    before = _state(world.owner)
    method = getattr(world.guest, xform_name(operation))
    with raises("AccessDeniedException", 403, message=f"User: {GUEST_ROLE} is not authorized to perform: "):
        method(**CROSS_ACCOUNT_CALLS[operation])
    assert _state(world.owner) == before


def test_account_level_operations_act_on_the_callers_own_account(world):
    assert world.guest.list_domains()["domains"] == []
    assert world.guest.list_repositories()["repositories"] == []
    created = world.guest.create_domain(domain=D)["domain"]  # the same name in the guest's own account
    assert created["owner"] == GUEST and created["arn"] == f"arn:aws:codeartifact:us-east-1:{GUEST}:domain/{D}"
    assert [d["owner"] for d in world.owner.list_domains()["domains"]] == [OWNER]


def test_denial_message_names_the_principal_action_and_resource(world):
    with denied("DescribeDomain", DOMAIN_ARN, user=GUEST_ROLE, explicit=False):
        world.guest.describe_domain(domain=D, domainOwner=OWNER)
    with denied("DescribePackageVersion", PKG_ARN, user=GUEST_USER, explicit=False):
        world.alice.describe_package_version(**PKG, packageVersion="1.0")


@pytest.mark.parametrize(
    "principal",
    [GUEST, f"arn:aws:iam::{GUEST}:root", GUEST_ROLE, [f"arn:aws:iam::{GUEST}:role/other", GUEST_ROLE]],
    ids=["account-id", "root-arn", "role-arn", "list"],
)
def test_grant_by_account_root_or_role(world, principal):
    world.owner.put_domain_permissions_policy(
        domain=D, policyDocument=policy(allow(principal, "codeartifact:DescribeDomain"))
    )
    assert world.guest.describe_domain(domain=D, domainOwner=OWNER)["domain"]["name"] == D
    # Only the action granted.
    with denied("ListRepositoriesInDomain", DOMAIN_ARN, explicit=False):
        world.guest.list_repositories_in_domain(domain=D, domainOwner=OWNER)


def test_a_role_grant_is_that_role_only(world):
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(allow(GUEST_ROLE, "codeartifact:*")))
    assert world.guest.describe_domain(domain=D, domainOwner=OWNER)["domain"]["name"] == D
    with denied("DescribeDomain", DOMAIN_ARN, user=GUEST_USER):
        world.alice.describe_domain(domain=D, domainOwner=OWNER)


def test_wildcard_actions_and_resource_arns(world):
    world.owner.put_domain_permissions_policy(
        domain=D,
        policyDocument=policy(allow(GUEST, "codeartifact:Describe*", resource=f"{ARN_BASE}:repository/{D}/*")),
    )
    assert world.guest.describe_repository(domain=D, domainOwner=OWNER, repository=R)["repository"]["name"] == R
    # The statement's Resource names repositories only: the domain itself stays closed.
    with denied("DescribeDomain", DOMAIN_ARN):
        world.guest.describe_domain(domain=D, domainOwner=OWNER)
    with denied("ListPackages", REPO_ARN):
        world.guest.list_packages(domain=D, domainOwner=OWNER, repository=R)


def test_repository_policy_opens_the_repository_and_its_packages(world):
    world.owner.put_repository_permissions_policy(
        domain=D,
        repository=R,
        policyDocument=policy(allow(GUEST, ["codeartifact:ListPackageVersions", "codeartifact:DescribeRepository"])),
    )
    versions = world.guest.list_package_versions(**PKG)["versions"]
    assert [v["version"] for v in versions] == ["1.0"]
    assert world.guest.describe_repository(domain=D, domainOwner=OWNER, repository=R)["repository"]["name"] == R
    # The other repository and the domain are not covered by that repository's policy.
    with denied("DescribeRepository", UP_ARN):
        world.guest.describe_repository(domain=D, domainOwner=OWNER, repository=UP)
    with denied("DescribeDomain", DOMAIN_ARN):
        world.guest.describe_domain(domain=D, domainOwner=OWNER)


def test_explicit_deny_applies_to_the_owner_too(world):
    world.owner.put_domain_permissions_policy(
        domain=D, policyDocument=policy(deny("*", "codeartifact:DeleteRepository"), allow(GUEST))
    )
    before = _state(world.owner)
    with denied("DeleteRepository", REPO_ARN, user=f"arn:aws:iam::{OWNER}:root", explicit=True):
        world.owner.delete_repository(domain=D, repository=R)
    with denied("DeleteRepository", REPO_ARN, user=GUEST_ROLE, explicit=True):
        world.guest.delete_repository(domain=D, domainOwner=OWNER, repository=R)
    assert _state(world.owner) == before
    # A deny in a repository policy: for that repository's packages as well, for the owner's roles too.
    world.owner.put_repository_permissions_policy(
        domain=D, repository=R, policyDocument=policy(deny(OWNER_ROLE, "codeartifact:PublishPackageVersion"))
    )
    with denied("PublishPackageVersion", f"{ARN_BASE}:package/{D}/{R}/generic/ns/tool", explicit=True):
        _publish(world.owner_role, R, "2.0")
    assert [v["version"] for v in world.owner.list_package_versions(**PKG)["versions"]] == ["1.0"]
    assert _publish(world.owner, R, "2.0")["version"] == "2.0"  # the account root is not that role
    # The owner is never locked out of replacing the policies (AWS ignores them for Put*PermissionsPolicy).
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(deny("*")))
    with denied("DescribeDomain", DOMAIN_ARN, explicit=True):
        world.owner.describe_domain(domain=D)
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(allow(GUEST)))
    assert world.owner.describe_domain(domain=D)["domain"]["name"] == D


def test_conditions_on_principal_and_resource_tags(world):
    statement = allow(
        "*",
        "codeartifact:DescribeRepository",
        Condition={
            "StringEquals": {"aws:PrincipalAccount": GUEST, "aws:ResourceTag/team": "core"},
            "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{GUEST}:role/*"},
        },
    )
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(statement))
    assert world.guest.describe_repository(domain=D, domainOwner=OWNER, repository=R)["repository"]["name"] == R
    with denied("DescribeRepository", REPO_ARN, user=GUEST_USER):  # a user, not a role
        world.alice.describe_repository(domain=D, domainOwner=OWNER, repository=R)
    with denied("DescribeRepository", UP_ARN):  # the upstream has no team tag
        world.guest.describe_repository(domain=D, domainOwner=OWNER, repository=UP)
    world.owner.untag_resource(resourceArn=REPO_ARN, tagKeys=["team"])
    with denied("DescribeRepository", REPO_ARN):
        world.guest.describe_repository(domain=D, domainOwner=OWNER, repository=R)


def test_package_group_tags_are_resource_tags(world):
    group_arn = f"{ARN_BASE}:package-group/{D}/generic/ns/%2a"
    statement = allow(
        GUEST,
        ["codeartifact:DescribePackageGroup", "codeartifact:ListTagsForResource"],
        Condition={"StringEquals": {"aws:ResourceTag/visibility": "shared"}},
    )
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(statement))
    with denied("DescribePackageGroup", group_arn):  # the group is not tagged yet
        world.guest.describe_package_group(**GROUP)
    world.owner.tag_resource(resourceArn=group_arn, tags=[{"key": "visibility", "value": "shared"}])
    assert world.guest.describe_package_group(**GROUP)["packageGroup"]["pattern"] == "/generic/ns/*"
    assert world.guest.list_tags_for_resource(resourceArn=group_arn)["tags"] == [
        {"key": "visibility", "value": "shared"}
    ]
    # The domain's own tags do not stand in for the group's.
    world.owner.untag_resource(resourceArn=group_arn, tagKeys=["visibility"])
    world.owner.tag_resource(resourceArn=DOMAIN_ARN, tags=[{"key": "visibility", "value": "shared"}])
    with denied("DescribePackageGroup", group_arn):
        world.guest.describe_package_group(**GROUP)


def test_request_tag_conditions_on_create_and_tag(world):
    statement = allow(
        GUEST,
        ["codeartifact:CreateRepository", "codeartifact:TagResource"],
        Condition={
            "StringEquals": {"aws:RequestTag/owner": "guest"},
            "ForAllValues:StringEquals": {"aws:TagKeys": ["owner"]},
        },
    )
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(statement))
    new_arn = f"{ARN_BASE}:repository/{D}/guest-repo"
    # CreateRepository is authorized on the domain (the domain-policy guide), so a denial names the domain.
    with denied("CreateRepository", DOMAIN_ARN):
        world.guest.create_repository(domain=D, domainOwner=OWNER, repository="guest-repo")
    with denied("CreateRepository", DOMAIN_ARN):
        world.guest.create_repository(
            domain=D, domainOwner=OWNER, repository="guest-repo", tags=[{"key": "owner", "value": "someone"}]
        )
    created = world.guest.create_repository(
        domain=D, domainOwner=OWNER, repository="guest-repo", tags=[{"key": "owner", "value": "guest"}]
    )["repository"]
    assert created["administratorAccount"] == GUEST and created["arn"] == new_arn
    with denied("TagResource", new_arn):
        world.guest.tag_resource(resourceArn=new_arn, tags=[{"key": "cost", "value": "1"}])
    assert world.owner.list_tags_for_resource(resourceArn=new_arn)["tags"] == [{"key": "owner", "value": "guest"}]


def test_creating_with_tags_needs_tag_resource_too(world):
    world.owner.put_domain_permissions_policy(
        domain=D, policyDocument=policy(allow(GUEST, "codeartifact:CreateRepository"))
    )
    with denied("TagResource", DOMAIN_ARN):
        world.guest.create_repository(
            domain=D, domainOwner=OWNER, repository="tagged", tags=[{"key": "k", "value": "v"}]
        )
    assert world.guest.create_repository(domain=D, domainOwner=OWNER, repository="untagged")["repository"]
    assert "tagged" not in {r["name"] for r in world.owner.list_repositories_in_domain(domain=D)["repositories"]}


def test_upstream_association_across_accounts(world):
    world.owner.put_domain_permissions_policy(
        domain=D,
        policyDocument=policy(allow(GUEST, ["codeartifact:CreateRepository", "codeartifact:UpdateRepository"])),
    )
    before = _state(world.owner)
    with denied("AssociateWithDownstreamRepository", UP_ARN, user=GUEST_ROLE, explicit=False):
        world.guest.create_repository(
            domain=D, domainOwner=OWNER, repository="guest-repo", upstreams=[{"repositoryName": UP}]
        )
    assert _state(world.owner) == before
    guest_repo = world.guest.create_repository(domain=D, domainOwner=OWNER, repository="guest-repo")["repository"]
    with denied("AssociateWithDownstreamRepository", REPO_ARN):
        world.guest.update_repository(
            domain=D, domainOwner=OWNER, repository="guest-repo", upstreams=[{"repositoryName": R}]
        )
    # The upstream's own policy grants the association.
    world.owner.put_repository_permissions_policy(
        domain=D,
        repository=UP,
        policyDocument=policy(allow(GUEST_ROLE, "codeartifact:AssociateWithDownstreamRepository")),
    )
    updated = world.guest.update_repository(
        domain=D, domainOwner=OWNER, repository="guest-repo", upstreams=[{"repositoryName": UP}]
    )["repository"]
    assert updated["upstreams"] == [{"repositoryName": UP}] and updated["arn"] == guest_repo["arn"]


def test_copy_reads_the_source_and_writes_the_destination(world):
    call = CROSS_ACCOUNT_CALLS["CopyPackageVersions"]
    world.owner.put_repository_permissions_policy(
        domain=D, repository=UP, policyDocument=policy(allow(GUEST, "codeartifact:CopyPackageVersions"))
    )
    with denied("ReadFromRepository", REPO_ARN):
        world.guest.copy_package_versions(**call)
    world.owner.put_repository_permissions_policy(
        domain=D, repository=R, policyDocument=policy(allow(GUEST, "codeartifact:ReadFromRepository"))
    )
    assert set(world.guest.copy_package_versions(**call)["successfulVersions"]) == {"1.0"}
    copied = world.owner.list_package_versions(**{**PKG, "repository": UP})["versions"]
    assert [v["version"] for v in copied] == ["1.0"]


def test_missing_resources_cross_account_are_denied_own_account_not_found(world):
    with denied("DescribeRepository", f"{ARN_BASE}:repository/{D}/ghost"):
        world.guest.describe_repository(domain=D, domainOwner=OWNER, repository="ghost")
    with raises("ResourceNotFoundException", 404):
        world.owner.describe_repository(domain=D, repository="ghost")
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(allow(GUEST)))
    # Allowed by the domain policy, the repository does not exist: now the backend's answer.
    with raises("ResourceNotFoundException", 404):
        world.guest.describe_repository(domain=D, domainOwner=OWNER, repository="ghost")


def test_token_for_another_account_needs_the_domain_policy(world):
    with denied("GetAuthorizationToken", DOMAIN_ARN):
        world.guest.get_authorization_token(domain=D, domainOwner=OWNER)
    world.owner.put_domain_permissions_policy(
        domain=D, policyDocument=policy(allow(GUEST, "codeartifact:GetAuthorizationToken"))
    )
    assert world.guest.get_authorization_token(domain=D, domainOwner=OWNER)["authorizationToken"]


@pytest.mark.parametrize(
    "document",
    [
        "{not json",
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "*"}]}),
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*"}]}),
        json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "*"}]}
        ),
    ],
    ids=["not-json", "bad-effect", "no-action", "bad-principal"],
)
def test_malformed_policies_are_refused_and_change_nothing(world, document):
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(allow(GUEST, "codeartifact:Describe*")))
    before = _state(world.owner)
    with raises("ValidationException", 400):
        world.owner.put_domain_permissions_policy(domain=D, policyDocument=document)
    with raises("ValidationException", 400):
        world.owner.put_repository_permissions_policy(domain=D, repository=R, policyDocument=document)
    assert _state(world.owner) == before
    assert world.guest.describe_domain(domain=D, domainOwner=OWNER)["domain"]["name"] == D


def test_switch_off_by_environment(world, monkeypatch):
    monkeypatch.setenv("MOCK_CODEARTIFACT_AUTHORIZATION", "off")
    assert world.guest.describe_domain(domain=D, domainOwner=OWNER)["domain"]["name"] == D
    monkeypatch.delenv("MOCK_CODEARTIFACT_AUTHORIZATION")
    with denied("DescribeDomain", DOMAIN_ARN):
        world.guest.describe_domain(domain=D, domainOwner=OWNER)


def test_acting_as_in_both_modes(world):
    with principals.acting_as(GUEST_ROLE):
        with denied("DescribeDomain", DOMAIN_ARN, user=GUEST_ROLE):
            world.owner.describe_domain(domain=D, domainOwner=OWNER)
    world.owner.put_domain_permissions_policy(domain=D, policyDocument=policy(allow(GUEST_ROLE, "codeartifact:*")))
    with principals.acting_as(GUEST_ROLE):
        assert world.owner.describe_domain(domain=D, domainOwner=OWNER)["domain"]["owner"] == OWNER


def test_a_policy_put_between_identical_calls_applies_at_once(world, monkeypatch):
    # The owner's calls are allowed without a policy to read; the same call, repeated, must see a policy the
    # moment it is put, and again see its removal (nothing about a decision outlives the call).
    for _ in range(3):
        assert world.owner.describe_repository(domain=D, repository=R)["repository"]["name"] == R
    world.owner.put_repository_permissions_policy(
        domain=D, repository=R, policyDocument=policy(deny("*", "codeartifact:DescribeRepository"))
    )
    for _ in range(2):
        with denied("DescribeRepository", REPO_ARN, explicit=True):
            world.owner.describe_repository(domain=D, repository=R)
    # The switch is honoured for a call that would be denied, whenever it is flipped.
    monkeypatch.setenv("MOCK_CODEARTIFACT_AUTHORIZATION", "off")
    assert world.owner.describe_repository(domain=D, repository=R)["repository"]["name"] == R
    monkeypatch.delenv("MOCK_CODEARTIFACT_AUTHORIZATION")
    with denied("DescribeRepository", REPO_ARN, explicit=True):
        world.owner.describe_repository(domain=D, repository=R)
    world.owner.delete_repository_permissions_policy(domain=D, repository=R)
    assert world.owner.describe_repository(domain=D, repository=R)["repository"]["name"] == R
    # A domain policy reaches the same repository through the domain.
    world.owner.put_domain_permissions_policy(
        domain=D, policyDocument=policy(deny("*", "codeartifact:DescribeRepository"))
    )
    with denied("DescribeRepository", REPO_ARN, explicit=True):
        world.owner.describe_repository(domain=D, repository=R)


# --------------------------------------------------------------------------- rows checked against AWS's pages
# docs/authorization.md, "The operation table": where AWS's pages name different resources for one action, a
# grant on either works (a policy that works against AWS must not be denied by the mock).


@pytest.mark.parametrize(
    "resource",
    [DOMAIN_ARN, f"{ARN_BASE}:repository/{D}/*", "*"],
    ids=["domain-arn (domain-policy guide)", "repository-arn (permissions reference)", "star"],
)
def test_create_repository_in_another_accounts_domain_granted_on_the_domain(world, resource):
    world.owner.put_domain_permissions_policy(
        domain=D, policyDocument=policy(allow(GUEST, "codeartifact:CreateRepository", resource=resource))
    )
    created = world.guest.create_repository(domain=D, domainOwner=OWNER, repository="guest-repo")["repository"]
    assert created["arn"] == f"{ARN_BASE}:repository/{D}/guest-repo" and created["administratorAccount"] == GUEST
    # With tags, TagResource granted on the domain too (the domain-policy guide).
    world.owner.put_domain_permissions_policy(
        domain=D,
        policyDocument=policy(
            allow(GUEST, ["codeartifact:CreateRepository", "codeartifact:TagResource"], resource=resource)
        ),
    )
    tagged = world.guest.create_repository(
        domain=D, domainOwner=OWNER, repository="tagged", tags=[{"key": "team", "value": "guest"}]
    )["repository"]
    assert world.owner.list_tags_for_resource(resourceArn=tagged["arn"])["tags"] == [{"key": "team", "value": "guest"}]


def test_create_repository_granted_on_an_unrelated_resource_is_denied(world):
    before = _state(world.owner)
    for unrelated in (f"{ARN_BASE}:domain/other", f"{ARN_BASE}:repository/other/*", PKG_ARN):
        world.owner.put_domain_permissions_policy(
            domain=D, policyDocument=policy(allow(GUEST, "codeartifact:CreateRepository", resource=unrelated))
        )
        with denied("CreateRepository", DOMAIN_ARN, user=GUEST_ROLE, explicit=False):
            world.guest.create_repository(domain=D, domainOwner=OWNER, repository="guest-repo")
    assert {r["name"] for r in world.owner.list_repositories_in_domain(domain=D)["repositories"]} == {R, UP}
    # An explicit deny on either resource denies, whatever allows on the other.
    world.owner.put_domain_permissions_policy(
        domain=D,
        policyDocument=policy(
            allow(GUEST, "codeartifact:CreateRepository", resource=DOMAIN_ARN),
            deny(GUEST, "codeartifact:CreateRepository", resource=f"{ARN_BASE}:repository/{D}/guest-*"),
        ),
    )
    with denied("CreateRepository", f"{ARN_BASE}:repository/{D}/guest-repo", explicit=True):
        world.guest.create_repository(domain=D, domainOwner=OWNER, repository="guest-repo")
    assert world.guest.create_repository(domain=D, domainOwner=OWNER, repository="team-repo")["repository"]
    assert _state(world.owner)["versions"] == before["versions"]


@pytest.mark.parametrize(
    "resource",
    [UP_ARN, f"{ARN_BASE}:package/{D}/{UP}/generic/ns/tool", "*"],
    ids=["destination-repository (copy guide)", "destination-package (authorization reference)", "star"],
)
def test_copy_granted_on_the_destination_repository(world, resource):
    call = CROSS_ACCOUNT_CALLS["CopyPackageVersions"]  # from R to UP
    world.owner.put_repository_permissions_policy(
        domain=D, repository=R, policyDocument=policy(allow(GUEST, "codeartifact:ReadFromRepository"))
    )
    world.owner.put_repository_permissions_policy(
        domain=D,
        repository=UP,
        policyDocument=policy(allow(GUEST, "codeartifact:CopyPackageVersions", resource=resource)),
    )
    assert set(world.guest.copy_package_versions(**call)["successfulVersions"]) == {"1.0"}
    copied = world.owner.list_package_versions(**{**PKG, "repository": UP})["versions"]
    assert [v["version"] for v in copied] == ["1.0"]


def test_copy_granted_on_an_unrelated_repository_is_denied(world):
    call = CROSS_ACCOUNT_CALLS["CopyPackageVersions"]
    world.owner.put_domain_permissions_policy(
        domain=D,
        policyDocument=policy(
            allow(GUEST, "codeartifact:ReadFromRepository", resource=REPO_ARN),
            # The source repository, not the destination.
            allow(GUEST, "codeartifact:CopyPackageVersions", resource=[REPO_ARN, f"{ARN_BASE}:repository/{D}/x*"]),
        ),
    )
    with denied("CopyPackageVersions", UP_ARN, user=GUEST_ROLE, explicit=False):
        world.guest.copy_package_versions(**call)
    assert world.owner.list_packages(domain=D, repository=UP)["packages"] == []


NUSPEC = (
    '<?xml version="1.0" encoding="utf-8"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">'
    "<metadata><id>{id}</id><version>{version}</version><authors>a</authors><description>d</description></metadata>"
    "</package>"
)


def _nupkg(package_id: str, version: str) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{package_id}.nuspec", NUSPEC.format(id=package_id, version=version))
        zf.writestr("lib/netstandard2.0/Lib.dll", b"MZ")
    return buf.getvalue()


def test_nuget_publish_needs_read_from_repository_too(world):
    """NuGet publishing needs PublishPackageVersion on the package and ReadFromRepository on the repository (user
    guide, packages overview). In-process the push goes to the real repository host, answered in-process."""
    import requests

    world.owner.put_domain_permissions_policy(
        domain=D, policyDocument=policy(allow(GUEST, "codeartifact:GetAuthorizationToken"))
    )
    token = world.guest.get_authorization_token(domain=D, domainOwner=OWNER)["authorizationToken"]
    endpoint = world.owner.get_repository_endpoint(domain=D, repository=R, format="nuget")["repositoryEndpoint"]
    package_arn = f"{ARN_BASE}:package/{D}/{R}/nuget//guest.lib"

    def push(version: str) -> requests.Response:
        files = {"package": ("package.nupkg", _nupkg("Guest.Lib", version), "application/octet-stream")}
        return requests.put(endpoint + "v3/package/", files=files, auth=("aws", token), timeout=30)

    # Publishing granted on the package, reading on an unrelated repository: denied, nothing stored.
    world.owner.put_repository_permissions_policy(
        domain=D,
        repository=R,
        policyDocument=policy(
            allow(GUEST, "codeartifact:PublishPackageVersion", resource=package_arn),
            allow(GUEST, "codeartifact:ReadFromRepository", resource=UP_ARN),
        ),
    )
    refused = push("1.0.0")
    assert refused.status_code == 403 and "codeartifact:ReadFromRepository" in refused.text
    assert REPO_ARN in refused.text
    listed = world.owner.list_packages(domain=D, repository=R, format="nuget")["packages"]
    assert listed == []
    # ... and granted on the repository: published.
    world.owner.put_repository_permissions_policy(
        domain=D,
        repository=R,
        policyDocument=policy(
            allow(GUEST, "codeartifact:PublishPackageVersion", resource=package_arn),
            allow(GUEST, "codeartifact:ReadFromRepository", resource=REPO_ARN),
        ),
    )
    assert push("1.0.0").status_code == 201
    versions = world.owner.list_package_versions(domain=D, repository=R, format="nuget", package="guest.lib")[
        "versions"
    ]
    assert [v["version"] for v in versions] == ["1.0.0"]
    # Reading alone does not publish.
    world.owner.put_repository_permissions_policy(
        domain=D, repository=R, policyDocument=policy(allow(GUEST, "codeartifact:ReadFromRepository"))
    )
    refused = push("2.0.0")
    assert refused.status_code == 403 and "codeartifact:PublishPackageVersion" in refused.text


def test_associated_package_group_granted_on_the_group_or_the_domain(world):
    call = CROSS_ACCOUNT_CALLS["GetAssociatedPackageGroup"]  # ns/tool, associated with /generic/ns/*
    group_arn = world.owner.describe_package_group(**GROUP)["packageGroup"]["arn"]
    root_arn = world.owner.describe_package_group(**{**GROUP, "packageGroup": "/*"})["packageGroup"]["arn"]
    for resource in (group_arn, DOMAIN_ARN):  # the permissions reference; the resource the request names
        world.owner.put_domain_permissions_policy(
            domain=D, policyDocument=policy(allow(GUEST, "codeartifact:GetAssociatedPackageGroup", resource=resource))
        )
        assert world.guest.get_associated_package_group(**call)["packageGroup"]["pattern"] == "/generic/ns/*"
    # A grant on another group (here the root, which the package is not associated with) is not one on its group.
    world.owner.put_domain_permissions_policy(
        domain=D, policyDocument=policy(allow(GUEST, "codeartifact:GetAssociatedPackageGroup", resource=root_arn))
    )
    with denied("GetAssociatedPackageGroup", DOMAIN_ARN, user=GUEST_ROLE, explicit=False):
        world.guest.get_associated_package_group(**call)
    # ... but it is for a package that only the root matches.
    other = {**call, "namespace": "other"}
    assert world.guest.get_associated_package_group(**other)["packageGroup"]["pattern"] == "/*"
