"""Put/Get/Delete Domain and Repository PermissionsPolicy with policyRevision locking (reference §5.5, §8 item 8)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.control_plane import ACCOUNT, POLICY, raises, snapshot

DOMAIN_ARN = f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:domain/my-domain"
REPO_ARN = f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/my-domain/my-repo"


class Target:
    """The same tests for the domain policy and the repository policy."""

    def __init__(self, client: Any, kind: str) -> None:
        self.client = client
        self.kind = kind
        self.where: dict[str, str] = {"domain": "my-domain"}
        if kind == "repository":
            self.where["repository"] = "my-repo"
        self.arn = REPO_ARN if kind == "repository" else DOMAIN_ARN
        self.resource_id = "my-repo" if kind == "repository" else "my-domain"

    def put(self, document: str = POLICY, **kwargs: Any) -> dict[str, Any]:
        fn = getattr(self.client, f"put_{self.kind}_permissions_policy")
        return fn(policyDocument=document, **self.where, **kwargs)["policy"]

    def get(self, **kwargs: Any) -> dict[str, Any]:
        return getattr(self.client, f"get_{self.kind}_permissions_policy")(**self.where, **kwargs)["policy"]

    def delete(self, **kwargs: Any) -> dict[str, Any]:
        return getattr(self.client, f"delete_{self.kind}_permissions_policy")(**self.where, **kwargs)["policy"]


@pytest.fixture(params=["domain", "repository"])
def target(client, request):
    client.create_domain(domain="my-domain")
    client.create_repository(domain="my-domain", repository="my-repo")
    return Target(client, request.param)


def test_no_policy_is_not_found(client, target):
    with raises("ResourceNotFoundException", 404, resourceType=target.kind, resourceId=target.resource_id):
        target.get()
    with raises("ResourceNotFoundException", 404, resourceType=target.kind, resourceId=target.resource_id):
        target.delete()


def test_put_get_delete_round_trip(client, target):
    put = target.put()
    assert put["resourceArn"] == target.arn
    assert put["document"] == POLICY
    assert isinstance(put["revision"], str) and put["revision"]
    assert target.get() == put

    # Every successful put makes a new revision.
    doc2 = json.dumps({"Version": "2012-10-17", "Statement": []}, indent=2)  # newlines are allowed
    put2 = target.put(doc2)
    assert put2["revision"] != put["revision"]
    assert target.get() == put2 and put2["document"] == doc2

    assert target.delete() == put2
    with raises("ResourceNotFoundException", 404):
        target.get()


def test_domain_and_repository_policies_are_independent(client, target):
    target.put()
    other = Target(client, "domain" if target.kind == "repository" else "repository")
    with raises("ResourceNotFoundException", 404):
        other.get()


def test_put_with_the_current_revision_succeeds(client, target):
    first = target.put()
    second = target.put(policyRevision=first["revision"])
    assert second["revision"] != first["revision"]
    assert target.delete(policyRevision=second["revision"]) == second


def test_stale_revision_is_a_conflict_and_changes_nothing(client, target):
    # Lower confidence (§8): the class for a wrong policyRevision is inferred.
    first = target.put()
    current = target.put()
    before = snapshot(client)
    with raises("ConflictException", 409, resourceType=target.kind, resourceId=target.resource_id):
        target.put('{"Version": "2012-10-17", "Statement": []}', policyRevision=first["revision"])
    with raises("ConflictException", 409, resourceType=target.kind, resourceId=target.resource_id):
        target.delete(policyRevision=first["revision"])
    assert snapshot(client) == before
    assert target.get() == current


def test_revision_when_no_policy_exists(client, target):
    # Undocumented (lower confidence): ConflictException.
    with raises("ConflictException", 409):
        target.put(policyRevision="MQlyyTQRASRU3HB58gBtSDHXG7Q3hvxxxxxxx=")
    with raises("ResourceNotFoundException", 404):
        target.get()


@pytest.mark.parametrize(
    "document", ["not json", "[1, 2]", '"a string"', "{"], ids=["text", "array", "string", "broken"]
)
def test_unparsable_document(client, target, document):
    # Undocumented: ValidationException with reason CANNOT_PARSE.
    target.put()
    before = snapshot(client)
    with raises("ValidationException", 400, reason="CANNOT_PARSE"):
        target.put(document)
    assert snapshot(client) == before


def test_missing_resources(client, target):
    with raises("ResourceNotFoundException", 404, resourceType="domain", resourceId="ghost"):
        getattr(client, f"put_{target.kind}_permissions_policy")(
            policyDocument=POLICY, **{**target.where, "domain": "ghost"}
        )
    if target.kind == "repository":
        for op in ("put", "get", "delete"):
            kwargs = {"policyDocument": POLICY} if op == "put" else {}
            with raises("ResourceNotFoundException", 404, resourceType="repository", resourceId="ghost"):
                getattr(client, f"{op}_repository_permissions_policy")(domain="my-domain", repository="ghost", **kwargs)
    else:
        for op in ("get", "delete"):
            with raises("ResourceNotFoundException", 404, resourceType="domain", resourceId="ghost"):
                getattr(client, f"{op}_domain_permissions_policy")(domain="ghost")


def test_largest_document_is_accepted(client, target):
    shell = '{"Version": "2012-10-17", "Statement": [], "Id": ""}'
    document = shell.replace('"Id": ""', '"Id": "' + "x" * (7168 - len(shell)) + '"')
    assert len(document) == 7168
    assert target.put(document)["document"] == document


def test_policy_document_is_stored_verbatim(client, target):
    document = '{ "Version" : "2012-10-17",\n\t"Statement": [] }'
    assert target.put(document)["document"] == document
    assert target.get()["document"] == document


def test_concurrent_writers_with_the_same_revision(make_client):
    # Optimistic locking under real concurrency: of writers that all hold the current revision, one wins.
    from concurrent.futures import ThreadPoolExecutor

    from botocore.exceptions import ClientError

    client = make_client()
    client.create_domain(domain="my-domain")
    revision = client.put_domain_permissions_policy(domain="my-domain", policyDocument=POLICY)["policy"]["revision"]

    clients = [make_client() for _ in range(6)]  # boto3 client creation itself is not thread-safe

    def write(i: int) -> str:
        try:
            doc = json.dumps({"Version": "2012-10-17", "Statement": [], "Id": str(i)})
            return clients[i].put_domain_permissions_policy(
                domain="my-domain", policyDocument=doc, policyRevision=revision
            )["policy"]["revision"]
        except ClientError as err:
            return err.response["Error"]["Code"]

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(write, range(6)))
    winners = [r for r in results if r != "ConflictException"]
    assert len(winners) == 1, results
    assert client.get_domain_permissions_policy(domain="my-domain")["policy"]["revision"] == winners[0]
