"""AWS::CodeArtifact::* resources deployed into moto's CloudFormation while mock_codeartifact is active.

Stacks are created, updated and deleted with boto3's CloudFormation client (answered by moto's ``mock_aws``); what
they do is checked with boto3's CodeArtifact client (answered by mock_codeartifact). Both mocks are entered
explicitly, in either order.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

pytest.importorskip("moto")

from moto import mock_aws  # noqa: E402

from mock_codeartifact import mock_codeartifact  # noqa: E402
from tests.support.tools import node_packages  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
CDK_TEMPLATE = Path(__file__).parent / "cdk" / "template.json"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
            "Action": ["codeartifact:ReadFromRepository"],
            "Resource": "*",
        }
    ],
}


def _policy(sid: str) -> dict[str, Any]:
    policy = copy.deepcopy(POLICY)
    policy["Statement"][0]["Sid"] = sid
    return policy


def _template() -> dict[str, Any]:
    """A domain, two repositories (an upstream with an external connection), a package group, and outputs."""
    name = {"Fn::GetAtt": ["Domain", "Name"]}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Domain": {
                "Type": "AWS::CodeArtifact::Domain",
                "Properties": {
                    "DomainName": "acme",
                    "EncryptionKey": KEY,
                    "PermissionsPolicyDocument": _policy("Domain"),
                    "Tags": [{"Key": "team", "Value": "platform"}],
                },
            },
            "NpmStore": {
                "Type": "AWS::CodeArtifact::Repository",
                "Properties": {
                    "RepositoryName": "npm-store",
                    "DomainName": name,
                    "Description": "proxy of npmjs",
                    "ExternalConnections": ["public:npmjs"],
                    "Tags": [{"Key": "kind", "Value": "proxy"}],
                },
            },
            "App": {
                "Type": "AWS::CodeArtifact::Repository",
                "Properties": {
                    "RepositoryName": "app",
                    "DomainName": name,
                    "DomainOwner": {"Fn::GetAtt": ["Domain", "Owner"]},
                    "Description": "first",
                    "Upstreams": [{"Fn::GetAtt": ["NpmStore", "Name"]}],
                    "PermissionsPolicyDocument": _policy("App"),
                    "Tags": [{"Key": "kind", "Value": "app"}],
                },
            },
            "Group": {
                "Type": "AWS::CodeArtifact::PackageGroup",
                "Properties": {
                    "Pattern": "/npm/acme/*",
                    "DomainName": name,
                    "ContactInfo": "platform@example.com",
                    "Description": "our scope",
                    "OriginConfiguration": {
                        "Restrictions": {
                            "Publish": {
                                "RestrictionMode": "ALLOW_SPECIFIC_REPOSITORIES",
                                "Repositories": [{"Fn::GetAtt": ["App", "Name"]}],
                            },
                            "ExternalUpstream": {"RestrictionMode": "BLOCK"},
                        }
                    },
                    "Tags": [{"Key": "kind", "Value": "group"}],
                },
            },
        },
        "Outputs": {
            "DomainRef": {"Value": {"Ref": "Domain"}},
            "DomainArn": {"Value": {"Fn::GetAtt": ["Domain", "Arn"]}},
            "DomainName": {"Value": {"Fn::GetAtt": ["Domain", "Name"]}},
            "DomainOwner": {"Value": {"Fn::GetAtt": ["Domain", "Owner"]}},
            "DomainKey": {"Value": {"Fn::GetAtt": ["Domain", "EncryptionKey"]}},
            "AppRef": {"Value": {"Ref": "App"}},
            "AppArn": {"Value": {"Fn::GetAtt": ["App", "Arn"]}},
            "AppName": {"Value": {"Fn::GetAtt": ["App", "Name"]}},
            "AppDomainName": {"Value": {"Fn::GetAtt": ["App", "DomainName"]}},
            "AppDomainOwner": {"Value": {"Fn::GetAtt": ["App", "DomainOwner"]}},
            "GroupRef": {"Value": {"Ref": "Group"}},
            "GroupArn": {"Value": {"Fn::GetAtt": ["Group", "Arn"]}},
        },
    }


@pytest.fixture(params=["moto-first", "codeartifact-first"])
def clients(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any]]:
    """(CloudFormation client, CodeArtifact client) with ``mock_aws`` and ``mock_codeartifact`` both active."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    mocks = [mock_aws(), mock_codeartifact()]
    if request.param == "codeartifact-first":
        mocks.reverse()
    with ExitStack() as stack:
        for mock in mocks:
            stack.enter_context(mock)
        yield boto3.client("cloudformation", region_name=REGION), boto3.client("codeartifact", region_name=REGION)


def _stack(cf: Any, name: str) -> dict[str, Any]:
    stack: dict[str, Any] = cf.describe_stacks(StackName=name)["Stacks"][0]
    return stack


def _outputs(cf: Any, name: str) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in _stack(cf, name).get("Outputs", [])}


def _events(cf: Any, name: str) -> list[tuple[str, str, str]]:
    """(logical id, status, reason), oldest first."""
    events = cf.describe_stack_events(StackName=name)["StackEvents"]
    return [
        (e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason") or "") for e in reversed(events)
    ]


def _reason(cf: Any, name: str, logical_id: str, status: str) -> str:
    reasons = [r for lid, s, r in _events(cf, name) if lid == logical_id and s == status]
    assert reasons, f"no {status} event for {logical_id}: {_events(cf, name)}"
    return reasons[-1]


def _error_message(call: Any, **kwargs: Any) -> str:
    """The API's own message for a bad call (what the stack's events must quote)."""
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    message: str = raised.value.response["Error"]["Message"]
    return message


def _tags(ca: Any, arn: str) -> dict[str, str]:
    return {t["key"]: t["value"] for t in ca.list_tags_for_resource(resourceArn=arn)["tags"]}


def _everything(ca: Any) -> tuple[list[str], list[tuple[str, str]]]:
    domains = [d["name"] for d in ca.list_domains()["domains"]]
    repositories = [(r["domainName"], r["name"]) for r in ca.list_repositories()["repositories"]]
    return domains, repositories


# --------------------------------------------------------------------------- create, outputs, update, delete


def test_stack_creates_every_resource_with_every_property(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
    assert _stack(cf, "artifacts")["StackStatus"] == "CREATE_COMPLETE"

    domain = ca.describe_domain(domain="acme")["domain"]
    assert domain["owner"] == ACCOUNT and domain["repositoryCount"] == 2 and domain["encryptionKey"] == KEY
    assert json.loads(ca.get_domain_permissions_policy(domain="acme")["policy"]["document"]) == _policy("Domain")
    assert _tags(ca, domain["arn"]) == {"team": "platform"}

    store = ca.describe_repository(domain="acme", repository="npm-store")["repository"]
    assert store["description"] == "proxy of npmjs"
    assert [c["externalConnectionName"] for c in store["externalConnections"]] == ["public:npmjs"]
    assert _tags(ca, store["arn"]) == {"kind": "proxy"}

    app = ca.describe_repository(domain="acme", repository="app")["repository"]
    assert app["description"] == "first"
    assert app["upstreams"] == [{"repositoryName": "npm-store"}]
    policy = ca.get_repository_permissions_policy(domain="acme", repository="app")["policy"]["document"]
    assert json.loads(policy) == _policy("App")
    assert _tags(ca, app["arn"]) == {"kind": "app"}

    group = ca.describe_package_group(domain="acme", packageGroup="/npm/acme/*")["packageGroup"]
    assert group["contactInfo"] == "platform@example.com" and group["description"] == "our scope"
    restrictions = group["originConfiguration"]["restrictions"]
    assert restrictions["PUBLISH"]["mode"] == "ALLOW_SPECIFIC_REPOSITORIES"
    assert restrictions["EXTERNAL_UPSTREAM"]["mode"] == "BLOCK"
    assert restrictions["INTERNAL_UPSTREAM"]["mode"] == "INHERIT"
    allowed = ca.list_allowed_repositories_for_group(
        domain="acme", packageGroup="/npm/acme/*", originRestrictionType="PUBLISH"
    )["allowedRepositories"]
    assert allowed == ["app"]
    assert _tags(ca, group["arn"]) == {"kind": "group"}

    # Each resource's events, in creation order (dependencies first).
    completed = [lid for lid, status, _ in _events(cf, "artifacts") if status == "CREATE_COMPLETE"]
    assert completed == ["Domain", "NpmStore", "App", "Group", "artifacts"]


def test_the_stacks_tags_are_applied_to_its_resources(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    stack_tags = [{"Key": "env", "Value": "test"}, {"Key": "kind", "Value": "from-stack"}]
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()), Tags=stack_tags)
    domain = ca.describe_domain(domain="acme")["domain"]
    assert _tags(ca, domain["arn"]) == {"team": "platform", "env": "test", "kind": "from-stack"}
    app = ca.describe_repository(domain="acme", repository="app")["repository"]
    assert _tags(ca, app["arn"]) == {"kind": "app", "env": "test"}  # the resource's own tag wins

    template = _template()
    template["Resources"]["App"]["Properties"]["Tags"] = [{"Key": "kind", "Value": "application"}]
    cf.update_stack(StackName="artifacts", TemplateBody=json.dumps(template), Tags=stack_tags)
    assert _tags(ca, app["arn"]) == {"kind": "application", "env": "test"}


def test_outputs_resolve_ref_and_every_attribute(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
    outputs = _outputs(cf, "artifacts")
    domain = ca.describe_domain(domain="acme")["domain"]
    app = ca.describe_repository(domain="acme", repository="app")["repository"]
    group = ca.describe_package_group(domain="acme", packageGroup="/npm/acme/*")["packageGroup"]
    assert outputs == {
        "DomainRef": domain["arn"],
        "DomainArn": domain["arn"],
        "DomainName": "acme",
        "DomainOwner": ACCOUNT,
        "DomainKey": KEY,
        "AppRef": app["arn"],
        "AppArn": app["arn"],
        "AppName": "app",
        "AppDomainName": "acme",
        "AppDomainOwner": ACCOUNT,
        "GroupRef": group["arn"],
        "GroupArn": group["arn"],
    }
    resources = cf.describe_stack_resources(StackName="artifacts")["StackResources"]
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}
    assert physical["App"] == app["arn"] and physical["Group"] == group["arn"]


def test_an_attribute_the_type_does_not_have_is_a_template_error(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    template = _template()
    template["Outputs"] = {"Bad": {"Value": {"Fn::GetAtt": ["Group", "Name"]}}}  # a package group has Arn only
    with pytest.raises(ClientError) as raised:
        cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(template))
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert _everything(ca) == ([], [])


def test_update_in_place_keeps_the_resource(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
    before = ca.describe_repository(domain="acme", repository="app")["repository"]

    template = _template()
    app = template["Resources"]["App"]["Properties"]
    app["Description"] = "second"
    app["Tags"] = [{"Key": "kind", "Value": "application"}, {"Key": "tier", "Value": "1"}]
    del app["PermissionsPolicyDocument"]
    store = template["Resources"]["NpmStore"]["Properties"]
    store["ExternalConnections"] = ["public:pypi"]
    template["Resources"]["Group"]["Properties"]["OriginConfiguration"]["Restrictions"]["ExternalUpstream"] = {
        "RestrictionMode": "ALLOW"
    }
    cf.update_stack(StackName="artifacts", TemplateBody=json.dumps(template))
    assert _stack(cf, "artifacts")["StackStatus"] == "UPDATE_COMPLETE"

    after = ca.describe_repository(domain="acme", repository="app")["repository"]
    assert after["description"] == "second"
    assert (after["arn"], after["createdTime"]) == (before["arn"], before["createdTime"])  # the same repository
    assert _tags(ca, after["arn"]) == {"kind": "application", "tier": "1"}
    with pytest.raises(ca.exceptions.ResourceNotFoundException):
        ca.get_repository_permissions_policy(domain="acme", repository="app")
    store_after = ca.describe_repository(domain="acme", repository="npm-store")["repository"]
    assert [c["externalConnectionName"] for c in store_after["externalConnections"]] == ["public:pypi"]
    group = ca.describe_package_group(domain="acme", packageGroup="/npm/acme/*")["packageGroup"]
    assert group["originConfiguration"]["restrictions"]["EXTERNAL_UPSTREAM"]["mode"] == "ALLOW"
    statuses = {(lid, status) for lid, status, _ in _events(cf, "artifacts")}
    assert ("App", "UPDATE_COMPLETE") in statuses and ("App", "DELETE_COMPLETE") not in statuses


def test_a_new_domain_name_replaces_the_domain_and_what_depends_on_it(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
    template = _template()
    template["Resources"]["Domain"]["Properties"]["DomainName"] = "acme-two"
    cf.update_stack(StackName="artifacts", TemplateBody=json.dumps(template))

    assert _stack(cf, "artifacts")["StackStatus"] == "UPDATE_COMPLETE"
    domains, repositories = _everything(ca)
    assert domains == ["acme-two"]  # the old domain is gone, after its repositories
    assert sorted(repositories) == [("acme-two", "app"), ("acme-two", "npm-store")]
    app = ca.describe_repository(domain="acme-two", repository="app")["repository"]
    assert app["upstreams"] == [{"repositoryName": "npm-store"}]
    store = ca.describe_repository(domain="acme-two", repository="npm-store")["repository"]
    assert [c["externalConnectionName"] for c in store["externalConnections"]] == ["public:npmjs"]
    assert ca.describe_package_group(domain="acme-two", packageGroup="/npm/acme/*")["packageGroup"]
    outputs = _outputs(cf, "artifacts")
    assert outputs["DomainName"] == outputs["AppDomainName"] == "acme-two"
    assert outputs["AppRef"] == app["arn"]
    reasons = [r for lid, s, r in _events(cf, "artifacts") if lid == "Domain" and s == "UPDATE_IN_PROGRESS"]
    assert reasons and "requires the creation of a new physical resource" in reasons[-1]


def test_renaming_a_repository_replaces_it_and_updates_what_refers_to_it(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
    for name in ("app-two", "app-three"):  # the second time, the group was created before the repository
        template = _template()
        template["Resources"]["App"]["Properties"]["RepositoryName"] = name
        cf.update_stack(StackName="artifacts", TemplateBody=json.dumps(template))
        assert _stack(cf, "artifacts")["StackStatus"] == "UPDATE_COMPLETE"
        assert sorted(n for _, n in _everything(ca)[1]) == sorted([name, "npm-store"])
        allowed = ca.list_allowed_repositories_for_group(
            domain="acme", packageGroup="/npm/acme/*", originRestrictionType="PUBLISH"
        )["allowedRepositories"]
        assert allowed == [name]
        assert _outputs(cf, "artifacts")["AppName"] == name


def test_an_update_adds_and_removes_resources(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
    template = _template()
    del template["Resources"]["Group"]
    del template["Outputs"]["GroupRef"], template["Outputs"]["GroupArn"]
    template["Resources"]["Extra"] = {
        "Type": "AWS::CodeArtifact::Repository",
        "Properties": {"RepositoryName": "extra", "DomainName": {"Fn::GetAtt": ["Domain", "Name"]}},
    }
    cf.update_stack(StackName="artifacts", TemplateBody=json.dumps(template))
    assert _stack(cf, "artifacts")["StackStatus"] == "UPDATE_COMPLETE"
    assert sorted(n for _, n in _everything(ca)[1]) == ["app", "extra", "npm-store"]
    with pytest.raises(ca.exceptions.ResourceNotFoundException):
        ca.describe_package_group(domain="acme", packageGroup="/npm/acme/*")

    stack_id = _stack(cf, "artifacts")["StackId"]  # a deleted stack is found by its id
    cf.delete_stack(StackName="artifacts")
    assert _everything(ca) == ([], [])
    group_deletions = [s for lid, s, _ in _events(cf, stack_id) if lid == "Group" and s.startswith("DELETE")]
    assert group_deletions == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]  # once, in the update's cleanup


def test_deleting_the_stack_removes_everything(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
    cf.delete_stack(StackName="artifacts")
    assert _everything(ca) == ([], [])
    assert not [s for s in cf.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
    with pytest.raises(ca.exceptions.ResourceNotFoundException):
        ca.describe_package_group(domain="acme", packageGroup="/npm/acme/*")


def test_retained_resources_stay(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    template = _template()
    for logical_id in ("Domain", "NpmStore"):
        template["Resources"][logical_id]["DeletionPolicy"] = "Retain"
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(template))
    cf.delete_stack(StackName="artifacts")
    assert _everything(ca) == (["acme"], [("acme", "npm-store")])


# --------------------------------------------------------------------------- failures


def test_a_bad_domain_name_fails_the_stack_with_the_api_message(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    template = _template()
    template["Resources"]["Domain"]["Properties"]["DomainName"] = "Bad_Name"
    expected = _error_message(ca.create_domain, domain="Bad_Name")
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(template))

    assert _stack(cf, "artifacts")["StackStatus"] == "ROLLBACK_COMPLETE"
    reason = _reason(cf, "artifacts", "Domain", "CREATE_FAILED")
    assert expected in reason and "HandlerErrorCode: InvalidRequest" in reason
    assert "[Domain]" in _reason(cf, "artifacts", "artifacts", "ROLLBACK_IN_PROGRESS")
    assert _everything(ca) == ([], [])
    assert "Outputs" not in _stack(cf, "artifacts")


def test_a_missing_required_property_fails_like_the_schema_says(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    template = _template()
    del template["Resources"]["App"]["Properties"]["RepositoryName"]
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(template))
    assert _stack(cf, "artifacts")["StackStatus"] == "ROLLBACK_COMPLETE"
    reason = _reason(cf, "artifacts", "App", "CREATE_FAILED")
    assert (
        reason
        == "Properties validation failed for resource App with message:\n#: required key [RepositoryName] not found"
    )
    assert _everything(ca) == ([], [])


def test_an_unknown_upstream_fails_and_rolls_back_what_was_created(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    template = _template()
    template["Resources"]["App"]["Properties"]["Upstreams"] = ["no-such-repository"]
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(template))

    assert _stack(cf, "artifacts")["StackStatus"] == "ROLLBACK_COMPLETE"
    ca.create_domain(domain="acme")  # the same call on its own, for the API's message
    expected = _error_message(
        ca.create_repository, domain="acme", repository="app", upstreams=[{"repositoryName": "no-such-repository"}]
    )
    ca.delete_domain(domain="acme")
    assert expected in _reason(cf, "artifacts", "App", "CREATE_FAILED")
    # The domain and the upstream repository had been created: the rollback deleted them, newest first.
    deleted = [lid for lid, status, _ in _events(cf, "artifacts") if status == "DELETE_COMPLETE"]
    assert deleted[:2] == ["NpmStore", "Domain"]
    assert _everything(ca) == ([], [])
    assert cf.describe_stack_resources(StackName="artifacts")["StackResources"] == []


def test_a_failure_after_the_create_call_leaves_nothing(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    template = _template()
    # CreateRepository succeeds, the second external connection does not (one per repository).
    template["Resources"]["NpmStore"]["Properties"]["ExternalConnections"] = ["public:npmjs", "public:pypi"]
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(template))
    assert _stack(cf, "artifacts")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "HandlerErrorCode" in _reason(cf, "artifacts", "NpmStore", "CREATE_FAILED")
    assert _everything(ca) == ([], [])


def test_a_failed_update_rolls_back(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
    template = _template()
    template["Resources"]["NpmStore"]["Properties"]["Description"] = "changed"
    template["Resources"]["App"]["Properties"]["Upstreams"] = ["no-such-repository"]
    cf.update_stack(StackName="artifacts", TemplateBody=json.dumps(template))

    assert _stack(cf, "artifacts")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert "no-such-repository" in _reason(cf, "artifacts", "App", "UPDATE_FAILED")
    store = ca.describe_repository(domain="acme", repository="npm-store")["repository"]
    assert store["description"] == "proxy of npmjs"  # updated, then put back
    app = ca.describe_repository(domain="acme", repository="app")["repository"]
    assert app["upstreams"] == [{"repositoryName": "npm-store"}]
    # The stack keeps the previous template: deleting it still removes everything.
    cf.delete_stack(StackName="artifacts")
    assert _everything(ca) == ([], [])


def test_a_domain_that_still_has_repositories_fails_the_delete(clients: tuple[Any, Any]) -> None:
    """Stacks deleted out of order: the domain's stack goes first while another stack's repository is in it."""
    cf, ca = clients
    domain = {"Resources": {"Domain": {"Type": "AWS::CodeArtifact::Domain", "Properties": {"DomainName": "acme"}}}}
    repository = {
        "Resources": {
            "Repo": {
                "Type": "AWS::CodeArtifact::Repository",
                "Properties": {"RepositoryName": "team", "DomainName": "acme"},
            }
        }
    }
    cf.create_stack(StackName="domain", TemplateBody=json.dumps(domain))
    cf.create_stack(StackName="repositories", TemplateBody=json.dumps(repository))
    ca.create_domain(domain="probe")
    ca.create_repository(domain="probe", repository="probe-repository")
    expected = _error_message(ca.delete_domain, domain="probe")

    cf.delete_stack(StackName="domain")
    assert _stack(cf, "domain")["StackStatus"] == "DELETE_FAILED"  # the stack is still there
    assert expected in _reason(cf, "domain", "Domain", "DELETE_FAILED")
    assert "[Domain]" in _reason(cf, "domain", "domain", "DELETE_FAILED")
    assert "acme" in _everything(ca)[0]

    cf.delete_stack(StackName="repositories")
    cf.delete_stack(StackName="domain")  # deleting it again now succeeds
    assert "acme" not in _everything(ca)[0]
    assert {s["StackName"] for s in cf.describe_stacks()["Stacks"]} == set()


def test_a_stack_deleted_after_the_mock_stopped_fails_without_calling_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_codeartifact.mock import is_active

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        cf = boto3.client("cloudformation", region_name=REGION)
        with mock_codeartifact():
            cf.create_stack(StackName="artifacts", TemplateBody=json.dumps(_template()))
        if is_active():
            pytest.skip("mock_aws keeps mock_codeartifact active here")
        sent: list[str] = []
        monkeypatch.setattr("botocore.httpsession.URLLib3Session.send", lambda self, request: sent.append(request.url))
        cf.delete_stack(StackName="artifacts")
        assert _stack(cf, "artifacts")["StackStatus"] == "DELETE_FAILED"
        assert "mock_codeartifact is not active" in _reason(cf, "artifacts", "Domain", "DELETE_FAILED")
        assert sent == []


def test_authorization_applies_to_the_stacks_role(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    ca.create_domain(domain="shared")
    template = {
        "Resources": {
            "Repo": {
                "Type": "AWS::CodeArtifact::Repository",
                "Properties": {"RepositoryName": "team", "DomainName": "shared", "DomainOwner": ACCOUNT},
            }
        }
    }
    role = "arn:aws:iam::222222222222:role/deployer"
    cf.create_stack(StackName="denied", TemplateBody=json.dumps(template), RoleARN=role)
    assert _stack(cf, "denied")["StackStatus"] == "ROLLBACK_COMPLETE"
    reason = _reason(cf, "denied", "Repo", "CREATE_FAILED")
    assert role in reason and "HandlerErrorCode: AccessDenied" in reason

    ca.put_domain_permissions_policy(
        domain="shared",
        policyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": role}, "Action": "codeartifact:*", "Resource": "*"}
                ],
            }
        ),
    )
    cf.create_stack(StackName="allowed", TemplateBody=json.dumps(template), RoleARN=role)
    assert _stack(cf, "allowed")["StackStatus"] == "CREATE_COMPLETE"
    assert ca.describe_repository(domain="shared", repository="team")["repository"]["administratorAccount"] == (
        "222222222222"
    )


# --------------------------------------------------------------------------- the CDK's template


def test_a_template_synthesized_by_the_cdk_deploys(clients: tuple[Any, Any]) -> None:
    cf, ca = clients
    # The CDK's default synthesizer checks the bootstrap version in SSM: moto's SSM holds it.
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name="/cdk-bootstrap/hnb659fds/version", Value="21", Type="String"
    )
    cf.create_stack(StackName="ArtifactsStack", TemplateBody=CDK_TEMPLATE.read_text(encoding="utf-8"))
    assert _stack(cf, "ArtifactsStack")["StackStatus"] == "CREATE_COMPLETE"

    app = ca.describe_repository(domain="cdk-artifacts", repository="app")["repository"]
    assert app["upstreams"] == [{"repositoryName": "npm-store"}]
    store = ca.describe_repository(domain="cdk-artifacts", repository="npm-store")["repository"]
    assert [c["externalConnectionName"] for c in store["externalConnections"]] == ["public:npmjs"]
    policy = json.loads(ca.get_domain_permissions_policy(domain="cdk-artifacts")["policy"]["document"])
    assert policy["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}  # Fn::Join resolved
    assert _tags(ca, app["arn"]) == {"team": "platform"}
    group = ca.describe_package_group(domain="cdk-artifacts", packageGroup="/npm/acme/*")["packageGroup"]
    assert group["originConfiguration"]["restrictions"]["EXTERNAL_UPSTREAM"]["mode"] == "BLOCK"
    assert _outputs(cf, "ArtifactsStack") == {
        "DomainArn": ca.describe_domain(domain="cdk-artifacts")["domain"]["arn"],
        "RepositoryArn": app["arn"],
        "RepositoryDomainOwner": ACCOUNT,
        "PackageGroupArn": group["arn"],
    }

    cf.delete_stack(StackName="ArtifactsStack")
    assert _everything(ca) == ([], [])


def test_the_committed_template_is_what_the_cdk_app_synthesizes(tmp_path: Path) -> None:
    cdk = CDK_TEMPLATE.parent
    node = shutil.which("node")
    if node is None:
        pytest.skip("needs node")
    node_packages(cdk, "aws-cdk-lib/package.json")
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path)}
    subprocess.run([node, "app.js"], cwd=cdk, env=env, check=True, timeout=300, capture_output=True)
    synthesized = json.loads((tmp_path / "ArtifactsStack.template.json").read_text(encoding="utf-8"))
    assert synthesized == json.loads(CDK_TEMPLATE.read_text(encoding="utf-8"))


def test_the_docs_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/cloudformation.md's example, run as it is written there."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    page = (Path(__file__).parent.parent / "docs" / "cloudformation.md").read_text(encoding="utf-8")
    example = page.split("## Example", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert "create_stack" in example and "delete_stack" in example
    exec(compile(example, "docs/cloudformation.md", "exec"), {})


# --------------------------------------------------------------------------- server mode


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _deploy_and_check(cf: Any, ca: Any, stack_name: str) -> None:
    cf.create_stack(StackName=stack_name, TemplateBody=json.dumps(_template()))
    assert _stack(cf, stack_name)["StackStatus"] == "CREATE_COMPLETE"
    app = ca.describe_repository(domain="acme", repository="app")["repository"]
    assert app["upstreams"] == [{"repositoryName": "npm-store"}]
    assert _outputs(cf, stack_name)["AppRef"] == app["arn"]
    bad = _template()
    bad["Resources"]["App"]["Properties"]["RepositoryName"] = "app"
    bad["Resources"]["App"]["Properties"]["Upstreams"] = ["no-such-repository"]
    bad["Resources"]["Domain"]["Properties"]["DomainName"] = "acme-bad"
    cf.create_stack(StackName=f"{stack_name}-bad", TemplateBody=json.dumps(bad))
    assert _stack(cf, f"{stack_name}-bad")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "no-such-repository" in _reason(cf, f"{stack_name}-bad", "App", "CREATE_FAILED")
    cf.delete_stack(StackName=stack_name)
    assert _everything(ca) == ([], [])


def test_a_moto_server_in_this_process_deploys_into_a_codeartifact_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.server import ThreadedMotoServer

    from mock_codeartifact.integrations import cloudformation_endpoint
    from mock_codeartifact.server import ThreadedCodeArtifactServer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    try:
        host, port = moto_server.get_host_and_port()
        cf = boto3.client("cloudformation", region_name=REGION, endpoint_url=f"http://{host}:{port}")
        with ThreadedCodeArtifactServer() as server, cloudformation_endpoint(server.endpoint_url):
            _deploy_and_check(cf, server.client(region_name=REGION), "in-process-servers")
        cf.delete_stack(StackName="in-process-servers-bad")
    finally:
        moto_server.stop()


def test_the_moto_server_command_deploys_into_a_codeartifact_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_codeartifact.server import ThreadedCodeArtifactServer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with ThreadedCodeArtifactServer() as server:
        port = _free_port()
        command = [sys.executable, "-m", "mock_codeartifact.integrations.moto_server"]
        command += ["--codeartifact-endpoint", server.endpoint_url, "-p", str(port)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            endpoint = f"http://127.0.0.1:{port}"
            cf = boto3.client("cloudformation", region_name=REGION, endpoint_url=endpoint)
            deadline = time.monotonic() + 60
            while True:  # wait for moto's server to listen
                try:
                    cf.list_stacks()
                    break
                except Exception:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise
                    time.sleep(0.2)
            _deploy_and_check(cf, server.client(region_name=REGION), "moto-server-command")
        finally:
            process.terminate()
            process.wait(timeout=30)


# --------------------------------------------------------------------------- only while the mock is active


def test_the_types_are_known_to_moto_only_while_the_mock_is_active(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws(), mock_codeartifact():
        boto3.client("cloudformation", region_name=REGION).list_stacks()  # loads moto's CloudFormation
        from moto.cloudformation import parsing

        assert {"AWS::CodeArtifact::Domain", "AWS::CodeArtifact::Repository", "AWS::CodeArtifact::PackageGroup"} <= set(
            parsing.get_model_map()
        )
    # Without the mock, moto skips the types with its usual warning, as it would without this package.
    assert not [t for t in parsing.get_model_map() if t.startswith("AWS::CodeArtifact::")]


HOOK_PRELUDE = """
import sys
from mock_codeartifact import mock_codeartifact
from mock_codeartifact.integrations import post_import

GLUE = "mock_codeartifact.integrations.moto_cloudformation"
DOMAIN = "AWS::CodeArtifact::Domain"
assert "moto.cloudformation.models" not in sys.modules
"""

IMPORTED_WHILE_ACTIVE = """
with mock_codeartifact():
    import moto.cloudformation.models  # after the mock started: the glue follows it
    from moto.cloudformation import parsing

    assert GLUE in sys.modules and DOMAIN in parsing.get_model_map()
assert DOMAIN not in parsing.get_model_map()
assert post_import._FINDER not in sys.meta_path  # the hook is gone once it did its work
print("ok")
"""

IMPORTED_WHILE_STOPPED = """
with mock_codeartifact():
    pass
import moto.cloudformation.models  # the mock is stopped: moto is left as it is
from moto.cloudformation import parsing

assert GLUE not in sys.modules and DOMAIN not in parsing.get_model_map()
with mock_codeartifact():  # the next start extends the moto that is there
    assert GLUE in sys.modules and DOMAIN in parsing.get_model_map()
assert DOMAIN not in parsing.get_model_map()
print("ok")
"""


@pytest.mark.parametrize(
    "script", [IMPORTED_WHILE_ACTIVE, IMPORTED_WHILE_STOPPED], ids=["while-active", "while-stopped"]
)
def test_moto_imported_later_is_extended_only_while_the_mock_is_active(script: str) -> None:
    # In a fresh interpreter: here moto's CloudFormation is already imported.
    result = subprocess.run(
        [sys.executable, "-c", HOOK_PRELUDE + script], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
