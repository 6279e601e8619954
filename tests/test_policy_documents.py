"""Policy documents are validated by Put{Domain,Repository}PermissionsPolicy, in both modes.

A document AWS would refuse (malformed JSON, not an object, an unknown Effect, a statement without Action, a bad
principal, an unknown condition operator, ...) is a ValidationException naming the problem, and a refused put
changes nothing: the stored policy and its revision stay as they were. The grammar itself is covered in
test_policy_engine.py; the message texts are the mock's own (AWS does not document them), listed in
docs/authorization.md.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.control_plane import ACCOUNT, OTHER_ACCOUNT, POLICY, raises, snapshot

DOMAIN_ARN = f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:domain/my-domain"


def document(*statements: dict[str, Any], **top: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements), **top})


def allow(**changes: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
        "Action": ["codeartifact:ReadFromRepository", "codeartifact:Describe*"],
        "Resource": "*",
    }
    statement.update(changes)
    return {k: v for k, v in statement.items() if v is not None}


class Target:
    """The same checks for the domain policy and the repository policy."""

    def __init__(self, client: Any, kind: str) -> None:
        self.client = client
        self.kind = kind
        self.where = {"domain": "my-domain"} | ({"repository": "my-repo"} if kind == "repository" else {})

    def put(self, policy_document: str, **kwargs: Any) -> dict[str, Any]:
        fn = getattr(self.client, f"put_{self.kind}_permissions_policy")
        return fn(policyDocument=policy_document, **self.where, **kwargs)["policy"]

    def get(self) -> dict[str, Any]:
        return getattr(self.client, f"get_{self.kind}_permissions_policy")(**self.where)["policy"]


@pytest.fixture(params=["domain", "repository"])
def target(client: Any, request: pytest.FixtureRequest) -> Target:
    client.create_domain(domain="my-domain")
    client.create_repository(domain="my-domain", repository="my-repo")
    return Target(client, request.param)


# (id, document, reason, message fragment)
INVALID = [
    ("malformed-json", '{"Version": "2012-10-17", "Statement": [', "CANNOT_PARSE", "not valid JSON"),
    ("not-an-object", json.dumps([allow()]), "CANNOT_PARSE", "must be a JSON object"),
    (
        "no-statement",
        json.dumps({"Version": "2012-10-17"}),
        "FIELD_VALIDATION_FAILED",
        "missing required element Statement",
    ),
    ("unknown-version", document(allow(), Version="2020-01-01"), "FIELD_VALIDATION_FAILED", "Version must be"),
    ("unknown-effect", document(allow(Effect="Permit")), "FIELD_VALIDATION_FAILED", 'Effect must be "Allow" or "Deny"'),
    (
        "no-action",
        document(allow(Action=None)),
        "FIELD_VALIDATION_FAILED",
        "missing required element Action or NotAction",
    ),
    (
        "action-and-notaction",
        document(allow(NotAction="codeartifact:Delete*")),
        "FIELD_VALIDATION_FAILED",
        "both Action and NotAction",
    ),
    (
        "bad-principal",
        document(allow(Principal={"AWS": "alice"})),
        "FIELD_VALIDATION_FAILED",
        "Invalid principal in policy: 'alice'",
    ),
    (
        "principal-and-notprincipal",
        document(allow(NotPrincipal={"AWS": OTHER_ACCOUNT})),
        "FIELD_VALIDATION_FAILED",
        "both Principal and NotPrincipal",
    ),
    ("no-principal", document(allow(Principal=None)), "FIELD_VALIDATION_FAILED", "missing required element Principal"),
    (
        "unknown-condition-operator",
        document(allow(Condition={"StringMatches": {"aws:PrincipalAccount": OTHER_ACCOUNT}})),
        "FIELD_VALIDATION_FAILED",
        "Unknown condition operator 'StringMatches'",
    ),
    ("bad-resource", document(allow(Resource="my-repo")), "FIELD_VALIDATION_FAILED", "invalid resource 'my-repo'"),
    ("unknown-element", document(allow(Principals="*")), "FIELD_VALIDATION_FAILED", "unsupported element 'Principals'"),
]


@pytest.mark.parametrize("policy_document,reason,fragment", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_document_is_refused_and_changes_nothing(client, target, policy_document, reason, fragment):
    stored = target.put(POLICY)
    before = snapshot(client)
    with raises("ValidationException", 400, fragment, reason=reason):
        target.put(policy_document)
    with raises("ValidationException", 400, fragment, reason=reason):
        target.put(policy_document, policyRevision=stored["revision"])
    assert snapshot(client) == before
    assert target.get() == stored


def test_invalid_document_without_a_stored_policy_stores_none(client, target):
    with raises("ValidationException", 400, 'Effect must be "Allow" or "Deny"'):
        target.put(document(allow(Effect="allow")))
    with raises("ResourceNotFoundException", 404):
        target.get()


def test_message_names_the_statement(client, target):
    with raises("ValidationException", 400, "Statement 2 (Sid 'Second'): Invalid principal in policy"):
        target.put(document(allow(Sid="First"), allow(Sid="Second", Principal={"AWS": "arn:aws:iam::1234:root"})))


def test_validation_comes_before_the_revision_check(client, target):
    # Undocumented order; the mock checks the request itself before comparing it with stored state.
    target.put(POLICY)
    with raises("ValidationException", 400):
        target.put("{", policyRevision="MQlyyTQRASRU3HB58gBtSDHXG7Q3hvxxxxxxx=")


VALID = [
    ("account-id-principal", document(allow(Principal={"AWS": OTHER_ACCOUNT}))),
    (
        "user-role-session-principals",
        document(
            allow(
                Principal={
                    "AWS": [
                        f"arn:aws:iam::{OTHER_ACCOUNT}:user/alice",
                        f"arn:aws:iam::{OTHER_ACCOUNT}:role/ci",
                        f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/ci/build-1",
                    ]
                }
            )
        ),
    ),
    (
        "star-principal-single-statement-object",
        json.dumps({"Version": "2008-10-17", "Statement": allow(Principal="*")}),
    ),
    (
        "deny-notprincipal-notaction-notresource",
        document(
            allow(),
            {
                "Sid": "DenyAllButReads",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]},
                "NotAction": "codeartifact:ReadFromRepository",
                "NotResource": f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/my-domain/*",
            },
        ),
    ),
    (
        "conditions",
        document(
            allow(
                Condition={
                    "StringEquals": {"aws:PrincipalAccount": [OTHER_ACCOUNT]},
                    "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/*"},
                    "ForAnyValue:StringLike": {"aws:TagKeys": "team*"},
                    "StringEqualsIfExists": {"aws:ResourceTag/team": "web"},
                    "Bool": {"aws:SecureTransport": True},
                    "Null": {"aws:RequestTag/team": "false"},
                }
            ),
            Id="cross-account-read",
        ),
    ),
    ("resource-arns", document(allow(Resource=[DOMAIN_ARN, f"arn:aws:codeartifact:*:{ACCOUNT}:package/my-domain/*"]))),
]


@pytest.mark.parametrize("policy_document", [c[1] for c in VALID], ids=[c[0] for c in VALID])
def test_valid_documents_are_stored_verbatim_with_a_new_revision(client, target, policy_document):
    first = target.put(POLICY)
    put = target.put(policy_document, policyRevision=first["revision"])
    assert put["document"] == policy_document and put["revision"] != first["revision"]
    assert target.get() == put
