"""Package groups: the ten operations, the hierarchy, origin configuration and tags on groups.

Reference: control-plane-packages-and-groups.md §10 (package groups), §13 (undocumented defaults).
Pattern matching is table-driven in test_package_groups_matching.py; enforcement in test_package_groups_origin.py.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.support.control_plane import ACCOUNT, OTHER_ACCOUNT, all_pages, raises

DOMAIN = "my-domain"
TYPES = ("EXTERNAL_UPSTREAM", "INTERNAL_UPSTREAM", "PUBLISH")
GROUP_KEYS = {"arn", "pattern", "domainName", "domainOwner", "createdTime", "originConfiguration", "parent"}


@pytest.fixture
def domain(client):
    client.create_domain(domain=DOMAIN)
    return DOMAIN


def group_arn(pattern_encoded: str, domain: str = DOMAIN, account: str = ACCOUNT) -> str:
    return f"arn:aws:codeartifact:us-east-1:{account}:package-group/{domain}{pattern_encoded}"


def describe(client: Any, pattern: str) -> dict[str, Any]:
    return client.describe_package_group(domain=DOMAIN, packageGroup=pattern)["packageGroup"]


def modes(group: dict[str, Any]) -> dict[str, tuple[str, str, str | None]]:
    """restriction type -> (mode, effectiveMode, inheritedFrom pattern)."""
    out = {}
    for kind, r in group["originConfiguration"]["restrictions"].items():
        out[kind] = (r["mode"], r["effectiveMode"], r.get("inheritedFrom", {}).get("pattern"))
    return out


def create(client: Any, *patterns: str) -> None:
    for p in patterns:
        client.create_package_group(domain=DOMAIN, packageGroup=p)


def parent_of(client: Any, pattern: str) -> str | None:
    return describe(client, pattern).get("parent", {}).get("pattern")


def children_of(client: Any, pattern: str) -> list[str]:
    items, _ = all_pages(client.list_sub_package_groups, "packageGroups", domain=DOMAIN, packageGroup=pattern)
    return [g["pattern"] for g in items]


# --- the root group ------------------------------------------------------------------------------------------


def test_root_group_exists_with_the_domain_and_allows_everything(client, domain):
    created = client.describe_domain(domain=domain)["domain"]["createdTime"]
    root = describe(client, "/*")
    assert set(root) == GROUP_KEYS - {"parent"}  # the root has no parent, no contact info, no description
    assert root["arn"] == group_arn("/%2a")
    assert root["domainName"] == DOMAIN and root["domainOwner"] == ACCOUNT
    assert root["createdTime"] == created
    assert root["originConfiguration"]["restrictions"] == {
        t: {"mode": "ALLOW", "effectiveMode": "ALLOW", "repositoriesCount": 0} for t in TYPES
    }
    assert [g["pattern"] for g in client.list_package_groups(domain=domain)["packageGroups"]] == ["/*"]


def test_root_group_cannot_be_created_deleted_or_inherit(client, domain):
    with raises("ConflictException", 409):
        client.create_package_group(domain=domain, packageGroup="/*")
    with raises("ValidationException", 400, "cannot be deleted"):
        client.delete_package_group(domain=domain, packageGroup="/*")
    with raises("ValidationException", 400):
        client.update_package_group_origin_configuration(
            domain=domain, packageGroup="/*", restrictions={"PUBLISH": "INHERIT"}
        )
    assert modes(describe(client, "/*"))["PUBLISH"] == ("ALLOW", "ALLOW", None)


def test_root_group_can_be_changed(client, domain):
    out = client.update_package_group_origin_configuration(
        domain=domain, packageGroup="/*", restrictions={"EXTERNAL_UPSTREAM": "BLOCK"}
    )
    assert modes(out["packageGroup"])["EXTERNAL_UPSTREAM"] == ("BLOCK", "BLOCK", None)
    client.update_package_group(domain=domain, packageGroup="/*", description="everything")
    root = describe(client, "/*")
    assert root["description"] == "everything"
    assert modes(root)["EXTERNAL_UPSTREAM"] == ("BLOCK", "BLOCK", None)


# --- create, describe, update, delete ---------------------------------------------------------------------------


def test_create_package_group_response(client, domain):
    before = dt.datetime.now(dt.timezone.utc)
    group = client.create_package_group(
        domain=domain, packageGroup="/npm/space/*", contactInfo="team@example.com", description="our scope"
    )["packageGroup"]
    assert set(group) == GROUP_KEYS | {"contactInfo", "description"}
    assert group["pattern"] == "/npm/space/*"
    assert group["arn"] == group_arn("/npm/space/%2a")
    assert group["contactInfo"] == "team@example.com" and group["description"] == "our scope"
    assert group["createdTime"] >= before - dt.timedelta(seconds=1)
    assert group["parent"] == {"arn": group_arn("/%2a"), "pattern": "/*"}
    # A new group inherits every restriction, resolved up the chain to the root.
    assert modes(group) == {t: ("INHERIT", "ALLOW", "/*") for t in TYPES}
    for r in group["originConfiguration"]["restrictions"].values():
        assert r["inheritedFrom"]["arn"] == group_arn("/%2a")
        assert r["repositoriesCount"] == 0
    assert describe(client, "/npm/space/*") == group


def test_create_without_optional_members(client, domain):
    group = client.create_package_group(domain=domain, packageGroup="/pypi/*")["packageGroup"]
    assert "contactInfo" not in group and "description" not in group


@pytest.mark.parametrize(
    ("pattern", "encoded"),
    [
        ("/npm/*", "/npm/%2a"),
        ("/nuget//alpha$", "/nuget//alpha%24"),
        ("/maven/com.anycompany~", "/maven/com.anycompany~"),
        ("/generic/my%ns/*", "/generic/my%25ns/%2a"),
    ],
)
def test_package_group_arn_encodes_the_pattern(client, domain, pattern, encoded):
    group = client.create_package_group(domain=domain, packageGroup=pattern)["packageGroup"]
    assert group["arn"] == group_arn(encoded)


def test_duplicate_group_is_a_conflict(client, domain):
    create(client, "/npm/*")
    with raises("ConflictException", 409, "/npm/*"):
        client.create_package_group(domain=domain, packageGroup="/npm/*", description="again")
    assert "description" not in describe(client, "/npm/*")


def test_case_variants_are_distinct_groups(client, domain):
    # "Package group definitions are case sensitive": both can exist.
    create(client, "/npm//AsyncStorage$", "/npm//asyncstorage$")
    assert describe(client, "/npm//AsyncStorage$")["pattern"] == "/npm//AsyncStorage$"
    assert describe(client, "/npm//asyncstorage$")["parent"]["pattern"] == "/*"


def test_missing_domain_and_group(client, domain):
    with raises("ResourceNotFoundException", 404):
        client.create_package_group(domain="no-such-domain", packageGroup="/npm/*")
    with raises("ResourceNotFoundException", 404, "/npm/*"):
        client.describe_package_group(domain=domain, packageGroup="/npm/*")
    for op in (client.delete_package_group, client.list_sub_package_groups, client.list_associated_packages):
        with raises("ResourceNotFoundException", 404):
            op(domain=domain, packageGroup="/npm/*")
    with raises("ResourceNotFoundException", 404):
        client.update_package_group(domain=domain, packageGroup="/npm/*", description="x")
    with raises("ResourceNotFoundException", 404):
        client.update_package_group_origin_configuration(
            domain=domain, packageGroup="/npm/*", restrictions={"PUBLISH": "BLOCK"}
        )
    with raises("ResourceNotFoundException", 404):
        client.list_allowed_repositories_for_group(
            domain=domain, packageGroup="/npm/*", originRestrictionType="PUBLISH"
        )


def test_malformed_pattern_is_a_validation_error_everywhere(client, domain):
    with raises("ValidationException", 400, "'/npm'"):
        client.describe_package_group(domain=domain, packageGroup="/npm")
    with raises("ValidationException", 400):
        client.delete_package_group(domain=domain, packageGroup="npm/*")
    with raises("ValidationException", 400):
        client.list_associated_packages(domain=domain, packageGroup="/npm/a*", preview=True)


def test_update_package_group(client, domain):
    create(client, "/npm/*")
    out = client.update_package_group(domain=domain, packageGroup="/npm/*", contactInfo="a@b.c")["packageGroup"]
    assert out["contactInfo"] == "a@b.c" and "description" not in out
    out = client.update_package_group(domain=domain, packageGroup="/npm/*", description="npm")["packageGroup"]
    assert out["contactInfo"] == "a@b.c" and out["description"] == "npm"  # omitted members are kept
    out = client.update_package_group(domain=domain, packageGroup="/npm/*", contactInfo="")["packageGroup"]
    assert "contactInfo" not in out and out["description"] == "npm"
    assert describe(client, "/npm/*") == out


def test_delete_package_group(client, domain):
    create(client, "/npm/*")
    client.update_package_group_origin_configuration(
        domain=domain, packageGroup="/npm/*", restrictions={"PUBLISH": "BLOCK"}
    )
    deleted = client.delete_package_group(domain=domain, packageGroup="/npm/*")["packageGroup"]
    assert deleted["pattern"] == "/npm/*"
    assert modes(deleted)["PUBLISH"] == ("BLOCK", "BLOCK", None)
    with raises("ResourceNotFoundException", 404):
        client.describe_package_group(domain=domain, packageGroup="/npm/*")
    with raises("ResourceNotFoundException", 404):
        client.delete_package_group(domain=domain, packageGroup="/npm/*")
    # It can be created again, fresh.
    again = client.create_package_group(domain=domain, packageGroup="/npm/*")["packageGroup"]
    assert modes(again)["PUBLISH"] == ("INHERIT", "ALLOW", "/*")


def test_groups_belong_to_their_domain(client, domain):
    client.create_domain(domain="other-domain")
    create(client, "/npm/*")
    with raises("ResourceNotFoundException", 404):
        client.describe_package_group(domain="other-domain", packageGroup="/npm/*")
    assert describe(client, "/npm/*")["domainName"] == DOMAIN


def test_domain_owner_reaches_the_owners_groups(make_client, monkeypatch):
    owner = make_client()
    owner.create_domain(domain=DOMAIN)
    owner.create_package_group(domain=DOMAIN, packageGroup="/npm/*")
    monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", OTHER_ACCOUNT)
    other = make_client()
    with raises("AccessDeniedException", 403, message="codeartifact:DescribePackageGroup on resource: "):
        other.describe_package_group(domain=DOMAIN, domainOwner=ACCOUNT, packageGroup="/npm/*")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID")
    grant = {"Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT}, "Action": "codeartifact:*", "Resource": "*"}
    owner.put_domain_permissions_policy(domain=DOMAIN, policyDocument=json.dumps({"Statement": [grant]}))
    monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", OTHER_ACCOUNT)
    group = other.describe_package_group(domain=DOMAIN, domainOwner=ACCOUNT, packageGroup="/npm/*")["packageGroup"]
    assert group["domainOwner"] == ACCOUNT
    with raises("ResourceNotFoundException", 404):
        other.describe_package_group(domain=DOMAIN, packageGroup="/npm/*")


# --- hierarchy ------------------------------------------------------------------------------------------------


def test_parent_is_the_most_specific_containing_group(client, domain):
    create(
        client,
        "/npm/*",
        "/npm/space/*",
        "/npm/space/anycompany~",
        "/npm/space/anycompany-ui~",
        "/npm/space/anycompany-ui-kit$",
        "/maven/com~",
        "/maven/com.anycompany~",
        "/maven/com.anycompany/*",
        "/maven/com.anycompanyx/*",
    )
    assert parent_of(client, "/*") is None
    assert parent_of(client, "/npm/*") == "/*"
    assert parent_of(client, "/npm/space/*") == "/npm/*"
    assert parent_of(client, "/npm/space/anycompany~") == "/npm/space/*"
    assert parent_of(client, "/npm/space/anycompany-ui~") == "/npm/space/anycompany~"
    assert parent_of(client, "/npm/space/anycompany-ui-kit$") == "/npm/space/anycompany-ui~"
    assert parent_of(client, "/maven/com~") == "/*"
    assert parent_of(client, "/maven/com.anycompany~") == "/maven/com~"
    assert parent_of(client, "/maven/com.anycompany/*") == "/maven/com.anycompany~"
    # "anycompanyx" does not start with the word "anycompany": only "com" is a word prefix of it.
    assert parent_of(client, "/maven/com.anycompanyx/*") == "/maven/com~"


def test_list_sub_package_groups_returns_direct_children_only(client, domain):
    create(client, "/npm/*", "/npm/a/*", "/npm/a/x$", "/npm/b/*", "/pypi/*", "/npm//y$")
    assert children_of(client, "/*") == ["/npm/*", "/pypi/*"]
    assert children_of(client, "/npm/*") == ["/npm//y$", "/npm/a/*", "/npm/b/*"]
    assert children_of(client, "/npm/a/*") == ["/npm/a/x$"]
    assert children_of(client, "/npm/a/x$") == []
    page = client.list_sub_package_groups(domain=domain, packageGroup="/npm/*", maxResults=2)
    assert [g["pattern"] for g in page["packageGroups"]] == ["/npm//y$", "/npm/a/*"]
    rest = client.list_sub_package_groups(domain=domain, packageGroup="/npm/*", nextToken=page["nextToken"])
    assert [g["pattern"] for g in rest["packageGroups"]] == ["/npm/b/*"] and "nextToken" not in rest
    assert page["packageGroups"][0] == describe(client, "/npm//y$")


def test_a_new_group_adopts_the_groups_it_contains(client, domain):
    create(client, "/npm/space/a$", "/npm/space/b~", "/npm/other/*")
    assert children_of(client, "/*") == ["/npm/other/*", "/npm/space/a$", "/npm/space/b~"]
    create(client, "/npm/space/*")
    assert children_of(client, "/*") == ["/npm/other/*", "/npm/space/*"]
    assert children_of(client, "/npm/space/*") == ["/npm/space/a$", "/npm/space/b~"]
    create(client, "/npm/*")
    assert children_of(client, "/*") == ["/npm/*"]
    assert children_of(client, "/npm/*") == ["/npm/other/*", "/npm/space/*"]
    assert parent_of(client, "/npm/space/a$") == "/npm/space/*"


def test_deleting_a_group_reparents_its_children(client, domain):
    create(client, "/npm/*", "/npm/space/*", "/npm/space/a$", "/npm/space/b~", "/npm/space/b-c$")
    client.update_package_group_origin_configuration(
        domain=domain, packageGroup="/npm/*", restrictions={"PUBLISH": "BLOCK"}
    )
    client.update_package_group_origin_configuration(
        domain=domain, packageGroup="/npm/space/*", restrictions={"PUBLISH": "ALLOW"}
    )
    assert modes(describe(client, "/npm/space/a$"))["PUBLISH"] == ("INHERIT", "ALLOW", "/npm/space/*")
    client.delete_package_group(domain=domain, packageGroup="/npm/space/*")
    assert children_of(client, "/npm/*") == ["/npm/space/a$", "/npm/space/b~"]
    assert parent_of(client, "/npm/space/a$") == "/npm/*"
    assert parent_of(client, "/npm/space/b-c$") == "/npm/space/b~"  # grandchildren stay where they are
    # Inherited settings now come from the new parent.
    assert modes(describe(client, "/npm/space/a$"))["PUBLISH"] == ("INHERIT", "BLOCK", "/npm/*")
    client.delete_package_group(domain=domain, packageGroup="/npm/*")
    assert children_of(client, "/*") == ["/npm/space/a$", "/npm/space/b~"]
    assert modes(describe(client, "/npm/space/b-c$"))["PUBLISH"] == ("INHERIT", "ALLOW", "/*")


# --- listing ----------------------------------------------------------------------------------------------------


def test_list_package_groups_prefix_and_pagination(client, domain):
    patterns = ["/npm/*", "/npm/a/*", "/npm/b/*", "/npm/b/c$", "/pypi/*", "/pypi//x$", "/maven/org~"]
    create(client, *patterns)
    items, pages = all_pages(client.list_package_groups, "packageGroups", domain=domain, maxResults=3)
    assert [g["pattern"] for g in items] == sorted(patterns + ["/*"])
    assert pages == 3
    assert items[1] == describe(client, items[1]["pattern"])
    npm = client.list_package_groups(domain=domain, prefix="/npm/b")["packageGroups"]
    assert [g["pattern"] for g in npm] == ["/npm/b/*", "/npm/b/c$"]
    assert client.list_package_groups(domain=domain, prefix="/cargo")["packageGroups"] == []
    paginator = client.get_paginator("list_package_groups")
    got = [
        g["pattern"]
        for p in paginator.paginate(domain=domain, prefix="/p", PaginationConfig={"PageSize": 1})
        for g in p["packageGroups"]
    ]
    assert got == ["/pypi/*", "/pypi//x$"]
    first = client.list_package_groups(domain=domain, maxResults=1)
    with raises("ValidationException", 400):
        client.list_package_groups(domain=domain, prefix="/npm", nextToken=first["nextToken"])


# --- origin configuration ---------------------------------------------------------------------------------------


def test_inheritance_chain(client, domain):
    create(client, "/npm/*", "/npm/space/*", "/npm/space/ui~", "/npm/space/ui-kit$")
    update = client.update_package_group_origin_configuration
    update(domain=domain, packageGroup="/npm/*", restrictions={"PUBLISH": "BLOCK", "EXTERNAL_UPSTREAM": "BLOCK"})
    update(domain=domain, packageGroup="/npm/space/*", restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"})
    leaf = modes(describe(client, "/npm/space/ui-kit$"))
    assert leaf == {
        "PUBLISH": ("INHERIT", "ALLOW_SPECIFIC_REPOSITORIES", "/npm/space/*"),
        "EXTERNAL_UPSTREAM": ("INHERIT", "BLOCK", "/npm/*"),
        "INTERNAL_UPSTREAM": ("INHERIT", "ALLOW", "/*"),
    }
    assert modes(describe(client, "/npm/space/*"))["PUBLISH"] == ("ALLOW_SPECIFIC_REPOSITORIES",) * 2 + (None,)
    # A change up the chain shows through at once; a group's own setting stops inheritance.
    update(domain=domain, packageGroup="/*", restrictions={"INTERNAL_UPSTREAM": "BLOCK"})
    update(domain=domain, packageGroup="/npm/space/ui~", restrictions={"EXTERNAL_UPSTREAM": "ALLOW"})
    leaf = modes(describe(client, "/npm/space/ui-kit$"))
    assert leaf["INTERNAL_UPSTREAM"] == ("INHERIT", "BLOCK", "/*")
    assert leaf["EXTERNAL_UPSTREAM"] == ("INHERIT", "ALLOW", "/npm/space/ui~")
    # Back to INHERIT.
    update(domain=domain, packageGroup="/npm/space/*", restrictions={"PUBLISH": "INHERIT"})
    assert modes(describe(client, "/npm/space/ui-kit$"))["PUBLISH"] == ("INHERIT", "BLOCK", "/npm/*")


def test_every_mode_can_be_set_and_omitted_types_are_kept(client, domain):
    create(client, "/cargo/*")
    for mode in ("ALLOW", "BLOCK", "ALLOW_SPECIFIC_REPOSITORIES", "INHERIT"):
        out = client.update_package_group_origin_configuration(
            domain=domain, packageGroup="/cargo/*", restrictions={"INTERNAL_UPSTREAM": mode}
        )
        effective = "ALLOW" if mode == "INHERIT" else mode
        assert modes(out["packageGroup"])["INTERNAL_UPSTREAM"][:2] == (mode, effective)
        assert out["allowedRepositoryUpdates"] == {}
    client.update_package_group_origin_configuration(
        domain=domain, packageGroup="/cargo/*", restrictions={"PUBLISH": "BLOCK", "EXTERNAL_UPSTREAM": "BLOCK"}
    )
    client.update_package_group_origin_configuration(
        domain=domain, packageGroup="/cargo/*", restrictions={"PUBLISH": "ALLOW"}
    )
    got = modes(describe(client, "/cargo/*"))
    assert got["PUBLISH"][0] == "ALLOW" and got["EXTERNAL_UPSTREAM"][0] == "BLOCK"
    with raises("ValidationException", 400):
        client.update_package_group_origin_configuration(
            domain=domain, packageGroup="/cargo/*", restrictions={"PUBLISH": "DENY"}
        )


def test_allowed_repositories(client, domain):
    for name in ("repo-a", "repo-b", "repo-c"):
        client.create_repository(domain=domain, repository=name)
    create(client, "/npm/*", "/npm/space/*")

    def entries(kind: str, *names: str) -> list[dict[str, str]]:
        return [{"originRestrictionType": kind, "repositoryName": n} for n in names]

    out = client.update_package_group_origin_configuration(
        domain=domain,
        packageGroup="/npm/*",
        restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"},
        addAllowedRepositories=entries("PUBLISH", "repo-c", "repo-a") + entries("INTERNAL_UPSTREAM", "repo-b"),
    )
    assert out["allowedRepositoryUpdates"] == {
        "PUBLISH": {"ADDED": ["repo-c", "repo-a"]},
        "INTERNAL_UPSTREAM": {"ADDED": ["repo-b"]},
    }
    restrictions = out["packageGroup"]["originConfiguration"]["restrictions"]
    assert restrictions["PUBLISH"]["repositoriesCount"] == 2
    assert restrictions["INTERNAL_UPSTREAM"]["repositoriesCount"] == 1
    assert restrictions["EXTERNAL_UPSTREAM"]["repositoriesCount"] == 0

    def listed(kind: str, pattern: str = "/npm/*") -> list[str]:
        items, _ = all_pages(
            client.list_allowed_repositories_for_group,
            "allowedRepositories",
            domain=domain,
            packageGroup=pattern,
            originRestrictionType=kind,
            maxResults=1,
        )
        return items

    assert listed("PUBLISH") == ["repo-a", "repo-c"]
    assert listed("INTERNAL_UPSTREAM") == ["repo-b"]
    assert listed("EXTERNAL_UPSTREAM") == []
    assert listed("PUBLISH", "/npm/space/*") == []  # a child inherits the mode, not the list

    out = client.update_package_group_origin_configuration(
        domain=domain,
        packageGroup="/npm/*",
        addAllowedRepositories=entries("PUBLISH", "repo-b"),
        removeAllowedRepositories=entries("PUBLISH", "repo-c") + entries("INTERNAL_UPSTREAM", "repo-b"),
    )
    assert out["allowedRepositoryUpdates"] == {
        "PUBLISH": {"ADDED": ["repo-b"], "REMOVED": ["repo-c"]},
        "INTERNAL_UPSTREAM": {"REMOVED": ["repo-b"]},
    }
    assert listed("PUBLISH") == ["repo-a", "repo-b"]
    assert listed("INTERNAL_UPSTREAM") == []
    # The list is kept when the mode changes away from ALLOW_SPECIFIC_REPOSITORIES.
    client.update_package_group_origin_configuration(
        domain=domain, packageGroup="/npm/*", restrictions={"PUBLISH": "BLOCK"}
    )
    assert listed("PUBLISH") == ["repo-a", "repo-b"]


def test_bad_allowed_repository_updates_change_nothing(client, domain):
    client.create_repository(domain=domain, repository="repo-a")
    create(client, "/npm/*")
    before = describe(client, "/npm/*")
    add = [{"originRestrictionType": "PUBLISH", "repositoryName": "repo-a"}]
    with raises("ResourceNotFoundException", 404, resourceType="repository") as info:
        client.update_package_group_origin_configuration(
            domain=domain,
            packageGroup="/npm/*",
            restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"},
            addAllowedRepositories=add + [{"originRestrictionType": "PUBLISH", "repositoryName": "missing"}],
        )
    assert info.value.response["resourceId"] == "missing"
    with raises("ValidationException", 400):
        client.update_package_group_origin_configuration(
            domain=domain,
            packageGroup="/npm/*",
            restrictions={"PUBLISH": "BLOCK"},
            addAllowedRepositories=add,
            removeAllowedRepositories=add,
        )
    with raises("ValidationException", 400):
        client.update_package_group_origin_configuration(
            domain=domain, packageGroup="/npm/*", addAllowedRepositories=[{"repositoryName": "repo-a"}]
        )
    with raises("ValidationException", 400):
        client.update_package_group_origin_configuration(
            domain=domain, packageGroup="/npm/*", addAllowedRepositories=add * 101
        )
    assert describe(client, "/npm/*") == before
    listed = client.list_allowed_repositories_for_group(
        domain=domain, packageGroup="/npm/*", originRestrictionType="PUBLISH"
    )
    assert listed["allowedRepositories"] == []


def test_removing_an_unknown_repository_is_accepted(client, domain):
    client.create_repository(domain=domain, repository="repo-a")
    create(client, "/npm/*")
    entry = [{"originRestrictionType": "EXTERNAL_UPSTREAM", "repositoryName": "repo-a"}]
    client.update_package_group_origin_configuration(domain=domain, packageGroup="/npm/*", addAllowedRepositories=entry)
    client.delete_repository(domain=domain, repository="repo-a")
    out = client.update_package_group_origin_configuration(
        domain=domain, packageGroup="/npm/*", removeAllowedRepositories=entry
    )
    assert out["allowedRepositoryUpdates"] == {"EXTERNAL_UPSTREAM": {"REMOVED": ["repo-a"]}}
    assert out["packageGroup"]["originConfiguration"]["restrictions"]["EXTERNAL_UPSTREAM"]["repositoriesCount"] == 0


# --- tags -------------------------------------------------------------------------------------------------------


def test_tags_on_package_groups(client, domain):
    group = client.create_package_group(
        domain=domain, packageGroup="/npm/space/*", tags=[{"key": "team", "value": "web"}]
    )["packageGroup"]
    arn = group["arn"]
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "web"}]
    client.tag_resource(resourceArn=arn, tags=[{"key": "cost", "value": "1"}, {"key": "team", "value": "api"}])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "api"},
        {"key": "cost", "value": "1"},
    ]
    client.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "cost", "value": "1"}]
    root_arn = describe(client, "/*")["arn"]
    client.tag_resource(resourceArn=root_arn, tags=[{"key": "root", "value": "yes"}])
    assert client.list_tags_for_resource(resourceArn=root_arn)["tags"] == [{"key": "root", "value": "yes"}]
    # Tags go with the group: a deleted and re-created group has none.
    client.delete_package_group(domain=domain, packageGroup="/npm/space/*")
    with raises("ResourceNotFoundException", 404):
        client.list_tags_for_resource(resourceArn=arn)
    create(client, "/npm/space/*")
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_too_many_tags_on_create_creates_nothing(client, domain):
    tags = [{"key": f"k{i}", "value": "v"} for i in range(51)]
    with raises("ServiceQuotaExceededException", 402):
        client.create_package_group(domain=domain, packageGroup="/npm/*", tags=tags)
    with raises("ResourceNotFoundException", 404):
        client.describe_package_group(domain=domain, packageGroup="/npm/*")


@pytest.mark.parametrize("pattern", ["/npm//a+b$", "/generic/my%ns/*", "/npm/scope/café~", "/maven/a&b=c/x?y#z$"])
def test_patterns_with_special_characters_round_trip(client, domain, pattern):
    created = client.create_package_group(domain=domain, packageGroup=pattern)["packageGroup"]
    assert describe(client, pattern) == created
    assert client.list_package_groups(domain=domain, prefix=pattern)["packageGroups"] == [created]
    assert client.list_tags_for_resource(resourceArn=created["arn"])["tags"] == []
    assert client.delete_package_group(domain=domain, packageGroup=pattern)["packageGroup"]["pattern"] == pattern
