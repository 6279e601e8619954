"""The policy engine, table-driven, against AWS's documented evaluation rules.

Sources (IAM user guide): "Policy evaluation logic", "IAM JSON policy elements: Principal / NotPrincipal / Action /
NotAction / Resource / NotResource / Condition", "Condition operators", "Conditions with multiple context keys or
values", "Single-valued vs. multivalued context keys" (the ForAllValues:StringNotLike table is taken from there).
The engine is a pure module, so these call it directly; the boto3-visible part (validation on Put*PermissionsPolicy)
is in test_policy_documents.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mock_codeartifact.iam.policy import (
    AuthzRequest,
    Decision,
    PolicyError,
    PolicyParseError,
    combine,
    evaluate,
    parse_policy,
    parse_policy_cached,
)

ALLOW, DENY, NA = Decision.ALLOW, Decision.EXPLICIT_DENY, Decision.NOT_APPLICABLE

OWNER = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{OTHER}:user/alice"
BOB = f"arn:aws:iam::{OTHER}:user/bob"
OTHER_ROOT = f"arn:aws:iam::{OTHER}:root"
CI_ROLE = f"arn:aws:iam::{OTHER}:role/ci"
CI_SESSION = f"arn:aws:sts::{OTHER}:assumed-role/ci/build-42"
OWNER_USER = f"arn:aws:iam::{OWNER}:user/owner"
DOMAIN = f"arn:aws:codeartifact:us-east-1:{OWNER}:domain/dom"
REPO = f"arn:aws:codeartifact:us-east-1:{OWNER}:repository/dom/repo"
OTHER_REPO = f"arn:aws:codeartifact:us-east-1:{OWNER}:repository/dom/other"
PACKAGE = f"arn:aws:codeartifact:us-east-1:{OWNER}:package/dom/repo/npm//lodash"
REPO_PREFIX = f"arn:aws:codeartifact:us-east-1:{OWNER}:repository/dom/"
READ = "codeartifact:ReadFromRepository"

ACCOUNT_OF = {ALICE: OTHER, BOB: OTHER, OTHER_ROOT: OTHER, CI_ROLE: OTHER, CI_SESSION: OTHER, OWNER_USER: OWNER}


def st(effect: str = "Allow", principal: Any = "*", action: Any = "codeartifact:*", **extra: Any) -> dict[str, Any]:
    """A statement; ``principal=None`` leaves Principal out (for NotPrincipal statements)."""
    statement: dict[str, Any] = {"Effect": effect, "Action": action, **extra}
    if principal is not None and "NotPrincipal" not in extra:
        statement["Principal"] = principal
    if "NotAction" in extra:
        del statement["Action"]
    return statement


def cond(**operators: dict[str, Any]) -> dict[str, Any]:
    """``cond(StringEquals={...})``; qualifiers are spelt with a double underscore: ``ForAnyValue__StringEquals``."""
    return {"Condition": {op.replace("__", ":"): keys for op, keys in operators.items()}}


def request(principal: str = ALICE, action: str = READ, resource: str = REPO, **context: Any) -> AuthzRequest:
    return AuthzRequest(principal, ACCOUNT_OF[principal], action, resource, context)


def ctx(**kwargs: Any) -> dict[str, Any]:
    """Context keys with ':' and '/' in them: ``ctx(**{"aws:TagKeys": [...]})`` reads badly, so tests pass dicts."""
    return kwargs


# (id, statements, request, expected)
CASES: list[tuple[str, list[dict[str, Any]], AuthzRequest, Decision]] = [
    # --- Effect and combination: an explicit deny wins; nothing matching means no decision.
    ("allow-matches", [st()], request(), ALLOW),
    ("deny-matches", [st("Deny")], request(), DENY),
    ("deny-after-allow-wins", [st(), st("Deny")], request(), DENY),
    ("deny-before-allow-wins", [st("Deny"), st()], request(), DENY),
    ("no-statement-matches", [st(action="codeartifact:PublishPackageVersion")], request(), NA),
    ("empty-statement-list", [], request(), NA),
    ("unmatched-deny-leaves-allow", [st("Deny", action="codeartifact:Delete*"), st()], request(), ALLOW),
    ("deny-for-other-action-only", [st("Deny", action="codeartifact:DeleteRepository")], request(), NA),
    # --- Action: wildcards, case-insensitive, lists, NotAction.
    ("action-exact", [st(action=READ)], request(), ALLOW),
    ("action-case-insensitive", [st(action="CODEARTIFACT:readfromrepository")], request(), ALLOW),
    ("action-prefix-wildcard", [st(action="codeartifact:Read*")], request(), ALLOW),
    ("action-star", [st(action="*")], request(), ALLOW),
    (
        "action-inner-wildcard",
        [st(action="codeartifact:*Package*")],
        request(action="codeartifact:DescribePackageVersion"),
        ALLOW,
    ),
    ("action-question-mark-one-char", [st(action="codeartifact:ReadFromRepositor?")], request(), ALLOW),
    ("action-question-mark-exactly-one", [st(action="codeartifact:ReadFromRepositor??")], request(), NA),
    ("action-no-implicit-prefix", [st(action="codeartifact:Read")], request(), NA),
    ("action-other-service", [st(action="s3:*")], request(), NA),
    ("action-list-one-matches", [st(action=["s3:GetObject", READ])], request(), ALLOW),
    ("notaction-allows-the-rest", [st(NotAction=["codeartifact:Delete*"])], request(), ALLOW),
    (
        "notaction-excludes-listed",
        [st(NotAction="codeartifact:Delete*")],
        request(action="codeartifact:DeleteRepository"),
        NA,
    ),
    (
        "deny-notaction-denies-the-rest",
        [st(), st("Deny", NotAction=[READ, "codeartifact:Describe*"])],
        request(action="codeartifact:PublishPackageVersion"),
        DENY,
    ),
    ("deny-notaction-spares-listed", [st(), st("Deny", NotAction=[READ])], request(), ALLOW),
    # --- Resource: ARN wildcards, case-sensitive, implied when absent, NotResource.
    ("resource-exact", [st(Resource=REPO)], request(), ALLOW),
    ("resource-star", [st(Resource="*")], request(), ALLOW),
    ("resource-absent-is-the-attached-resource", [st()], request(resource=PACKAGE), ALLOW),
    (
        "resource-wildcard-tail",
        [st(Resource=f"arn:aws:codeartifact:us-east-1:{OWNER}:repository/dom/*")],
        request(),
        ALLOW,
    ),
    (
        "resource-wildcard-other-domain",
        [st(Resource=f"arn:aws:codeartifact:us-east-1:{OWNER}:repository/elsewhere/*")],
        request(),
        NA,
    ),
    (
        "resource-case-sensitive",
        [st(Resource=f"arn:aws:codeartifact:us-east-1:{OWNER}:repository/DOM/repo")],
        request(),
        NA,
    ),
    (
        "resource-region-wildcard",
        [st(Resource=f"arn:aws:codeartifact:*:{OWNER}:repository/dom/repo")],
        request(),
        ALLOW,
    ),
    (
        "resource-star-ending-a-segment-spans-colons",
        [st(Resource="arn:aws:codeartifact:*:repository/dom/repo")],
        request(),
        ALLOW,
    ),
    (
        "resource-inner-star-stays-in-its-segment",
        [st(Resource="arn:aws:codeartifact:us-*1:repository/dom/repo")],
        request(),
        NA,
    ),
    (
        "resource-question-mark-stays-in-its-segment",
        [st(Resource=f"arn:aws:codeartifact:us-east-1?{OWNER}:repository/dom/repo")],
        request(),
        NA,
    ),
    (
        "resource-package-wildcard",
        [st(Resource=f"arn:aws:codeartifact:us-east-1:{OWNER}:package/dom/repo/*")],
        request(resource=PACKAGE),
        ALLOW,
    ),
    (
        "resource-question-mark",
        [st(Resource=f"arn:aws:codeartifact:us-east-1:{OWNER}:repository/dom/rep?")],
        request(),
        ALLOW,
    ),
    ("resource-list", [st(Resource=[DOMAIN, REPO])], request(), ALLOW),
    ("resource-list-none-matches", [st(Resource=[DOMAIN, OTHER_REPO])], request(), NA),
    ("notresource-allows-the-rest", [st(NotResource=DOMAIN)], request(), ALLOW),
    ("notresource-excludes-listed", [st(NotResource=[REPO])], request(), NA),
    ("deny-notresource-denies-the-rest", [st(), st("Deny", NotResource=REPO)], request(resource=OTHER_REPO), DENY),
    ("deny-notresource-spares-listed", [st(), st("Deny", NotResource=REPO)], request(), ALLOW),
    # --- Principal forms.
    ("principal-star-string", [st(principal="*")], request(), ALLOW),
    ("principal-aws-star", [st(principal={"AWS": "*"})], request(principal=CI_SESSION), ALLOW),
    ("principal-account-id-matches-user", [st(principal={"AWS": OTHER})], request(), ALLOW),
    ("principal-account-id-other-account", [st(principal={"AWS": OWNER})], request(), NA),
    ("principal-root-arn-matches-user", [st(principal={"AWS": OTHER_ROOT})], request(), ALLOW),
    ("principal-root-arn-matches-session", [st(principal={"AWS": OTHER_ROOT})], request(principal=CI_SESSION), ALLOW),
    ("principal-root-arn-matches-root", [st(principal={"AWS": OTHER_ROOT})], request(principal=OTHER_ROOT), ALLOW),
    (
        "principal-account-id-matches-role-session",
        [st(principal={"AWS": [OTHER]})],
        request(principal=CI_SESSION),
        ALLOW,
    ),
    ("principal-user-exact", [st(principal={"AWS": ALICE})], request(), ALLOW),
    ("principal-user-other-user", [st(principal={"AWS": ALICE})], request(principal=BOB), NA),
    ("principal-user-is-not-the-account-root", [st(principal={"AWS": ALICE})], request(principal=OTHER_ROOT), NA),
    ("principal-role-matches-its-sessions", [st(principal={"AWS": CI_ROLE})], request(principal=CI_SESSION), ALLOW),
    (
        "principal-role-with-path-matches-its-sessions",
        [st(principal={"AWS": f"arn:aws:iam::{OTHER}:role/team/ci"})],
        request(principal=CI_SESSION),
        ALLOW,
    ),
    (
        "principal-role-not-another-roles-session",
        [st(principal={"AWS": f"arn:aws:iam::{OTHER}:role/deploy"})],
        request(principal=CI_SESSION),
        NA,
    ),
    (
        "principal-role-is-not-a-user-of-that-name",
        [st(principal={"AWS": f"arn:aws:iam::{OTHER}:user/ci"})],
        request(principal=CI_SESSION),
        NA,
    ),
    ("principal-session-exact", [st(principal={"AWS": CI_SESSION})], request(principal=CI_SESSION), ALLOW),
    (
        "principal-session-not-another-session",
        [st(principal={"AWS": f"arn:aws:sts::{OTHER}:assumed-role/ci/other"})],
        request(principal=CI_SESSION),
        NA,
    ),
    (
        "principal-role-same-name-other-account",
        [st(principal={"AWS": f"arn:aws:iam::{OWNER}:role/ci"})],
        request(principal=CI_SESSION),
        NA,
    ),
    ("principal-list-one-matches", [st(principal={"AWS": [OWNER, ALICE]})], request(), ALLOW),
    ("principal-service-is-not-an-aws-caller", [st(principal={"Service": "codebuild.amazonaws.com"})], request(), NA),
    (
        "deny-account-principal-denies-its-users",
        [st(), st("Deny", principal={"AWS": OWNER})],
        request(principal=OWNER_USER),
        DENY,
    ),
    ("deny-other-principal-spares-caller", [st(), st("Deny", principal={"AWS": BOB})], request(), ALLOW),
    # --- NotPrincipal: the caller is exempt only if its whole chain (account, role, session) is listed.
    (
        "notprincipal-deny-exempts-user-and-account",
        [st(), st("Deny", principal=None, NotPrincipal={"AWS": [ALICE, OTHER_ROOT]})],
        request(),
        ALLOW,
    ),
    (
        "notprincipal-deny-user-without-account",
        [st(), st("Deny", principal=None, NotPrincipal={"AWS": [ALICE]})],
        request(),
        DENY,
    ),
    (
        "notprincipal-deny-denies-others",
        [st(), st("Deny", principal=None, NotPrincipal={"AWS": [ALICE, OTHER_ROOT]})],
        request(principal=BOB),
        DENY,
    ),
    (
        "notprincipal-deny-exempts-session-role-and-account",
        [st(), st("Deny", principal=None, NotPrincipal={"AWS": [CI_SESSION, CI_ROLE, OTHER_ROOT]})],
        request(principal=CI_SESSION),
        ALLOW,
    ),
    (
        "notprincipal-deny-role-without-session",
        [st(), st("Deny", principal=None, NotPrincipal={"AWS": [CI_ROLE, OTHER_ROOT]})],
        request(principal=CI_SESSION),
        DENY,
    ),
    (
        "notprincipal-allow-allows-everyone-else",
        [st("Allow", principal=None, NotPrincipal={"AWS": OWNER})],
        request(),
        ALLOW,
    ),
    (
        "notprincipal-allow-excludes-listed-account",
        [st("Allow", principal=None, NotPrincipal={"AWS": OTHER})],
        request(),
        NA,
    ),
    # --- Conditions: string operators; values OR'd, keys and operators AND'd; key names case-insensitive.
    ("stringequals-principal-account", [st(**cond(StringEquals={"aws:PrincipalAccount": OTHER}))], request(), ALLOW),
    ("stringequals-mismatch", [st(**cond(StringEquals={"aws:PrincipalAccount": OWNER}))], request(), NA),
    ("stringequals-values-case-sensitive", [st(**cond(StringEquals={"aws:PrincipalType": "user"}))], request(), NA),
    ("condition-key-case-insensitive", [st(**cond(StringEquals={"AWS:PRINCIPALACCOUNT": OTHER}))], request(), ALLOW),
    (
        "condition-context-key-case-insensitive",
        [st(**cond(StringEquals={"aws:resourcetag/Team": "web"}))],
        request(**{"aws:ResourceTag/team": "web"}),
        ALLOW,
    ),
    ("stringnotequals-different", [st(**cond(StringNotEquals={"aws:PrincipalAccount": OWNER}))], request(), ALLOW),
    ("stringnotequals-equal", [st(**cond(StringNotEquals={"aws:PrincipalAccount": OTHER}))], request(), NA),
    (
        "stringnotequals-missing-key-is-true",
        [st(**cond(StringNotEquals={"aws:ResourceTag/team": "web"}))],
        request(),
        ALLOW,
    ),
    ("stringequals-missing-key-is-false", [st(**cond(StringEquals={"aws:ResourceTag/team": "web"}))], request(), NA),
    ("stringequalsignorecase", [st(**cond(StringEqualsIgnoreCase={"aws:PrincipalType": "USER"}))], request(), ALLOW),
    ("stringnotequalsignorecase", [st(**cond(StringNotEqualsIgnoreCase={"aws:PrincipalType": "USER"}))], request(), NA),
    (
        "stringlike-wildcard",
        [st(**cond(StringLike={"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:user/a*"}))],
        request(),
        ALLOW,
    ),
    (
        "stringlike-question-mark",
        [st(**cond(StringLike={"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:user/?lice"}))],
        request(),
        ALLOW,
    ),
    (
        "stringlike-no-wildcard-is-exact",
        [st(**cond(StringLike={"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:user/al"}))],
        request(),
        NA,
    ),
    (
        "stringequals-has-no-wildcards",
        [st(**cond(StringEquals={"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:user/*"}))],
        request(),
        NA,
    ),
    ("stringnotlike", [st(**cond(StringNotLike={"aws:PrincipalArn": "*:user/b*"}))], request(), ALLOW),
    ("stringnotlike-matching", [st(**cond(StringNotLike={"aws:PrincipalArn": "*:user/a*"}))], request(), NA),
    ("values-are-ored", [st(**cond(StringEquals={"aws:PrincipalAccount": [OWNER, OTHER]}))], request(), ALLOW),
    ("negated-values-are-nored", [st(**cond(StringNotEquals={"aws:PrincipalAccount": [OWNER, OTHER]}))], request(), NA),
    (
        "keys-are-anded",
        [st(**cond(StringEquals={"aws:PrincipalAccount": OTHER, "aws:PrincipalType": "AssumedRole"}))],
        request(),
        NA,
    ),
    (
        "operators-are-anded",
        [st(**cond(StringEquals={"aws:PrincipalAccount": OTHER}, StringLike={"aws:PrincipalArn": "*:role/*"}))],
        request(),
        NA,
    ),
    (
        "all-conditions-hold",
        [st(**cond(StringEquals={"aws:PrincipalAccount": OTHER}, StringLike={"aws:PrincipalArn": "*:user/*"}))],
        request(),
        ALLOW,
    ),
    (
        "deny-with-unmet-condition-does-not-deny",
        [st(), st("Deny", **cond(StringEquals={"aws:PrincipalAccount": OWNER}))],
        request(),
        ALLOW,
    ),
    (
        "deny-with-met-condition-denies",
        [st(), st("Deny", **cond(StringEquals={"aws:PrincipalAccount": OTHER}))],
        request(),
        DENY,
    ),
    # --- Principal condition keys derived from the caller.
    (
        "principalarn-of-session-is-role",
        [st(**cond(ArnEquals={"aws:PrincipalArn": CI_ROLE}))],
        request(principal=CI_SESSION),
        ALLOW,
    ),
    (
        "principalarn-of-session-is-not-session",
        [st(**cond(StringEquals={"aws:PrincipalArn": CI_SESSION}))],
        request(principal=CI_SESSION),
        NA,
    ),
    ("principaltype-user", [st(**cond(StringEquals={"aws:PrincipalType": "User"}))], request(), ALLOW),
    (
        "principaltype-assumed-role",
        [st(**cond(StringEquals={"aws:PrincipalType": "AssumedRole"}))],
        request(principal=CI_SESSION),
        ALLOW,
    ),
    (
        "principaltype-account",
        [st(**cond(StringEquals={"aws:PrincipalType": "Account"}))],
        request(principal=OTHER_ROOT),
        ALLOW,
    ),
    (
        "principalaccount-of-session",
        [st(**cond(StringEquals={"aws:PrincipalAccount": OTHER}))],
        request(principal=CI_SESSION),
        ALLOW,
    ),
    # --- ARN operators: both take wildcards, component by component.
    (
        "arnlike-wildcard",
        [st(**cond(ArnLike={"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:role/*"}))],
        request(principal=CI_SESSION),
        ALLOW,
    ),
    ("arnequals-wildcard", [st(**cond(ArnEquals={"aws:PrincipalArn": "arn:aws:iam::*:user/alice"}))], request(), ALLOW),
    (
        "arnlike-component-wildcard-does-not-span-colons",
        [st(**cond(ArnLike={"aws:PrincipalArn": "arn:aws:iam::*/alice"}))],
        request(),
        NA,
    ),
    (
        "arnlike-wildcard-per-component",
        [st(**cond(ArnLike={"aws:PrincipalArn": "arn:aws:*:*:*:user/alice"}))],
        request(),
        ALLOW,
    ),
    ("arnnotlike", [st(**cond(ArnNotLike={"aws:PrincipalArn": f"arn:aws:iam::{OWNER}:*"}))], request(), ALLOW),
    ("arnnotequals-equal", [st(**cond(ArnNotEquals={"aws:PrincipalArn": ALICE}))], request(), NA),
    ("arnnotequals-missing-key-is-true", [st(**cond(ArnNotEquals={"aws:SourceArn": DOMAIN}))], request(), ALLOW),
    ("arnlike-missing-key-is-false", [st(**cond(ArnLike={"aws:SourceArn": "arn:*"}))], request(), NA),
    # --- Bool and Null.
    ("bool-true", [st(**cond(Bool={"aws:SecureTransport": "true"}))], request(**{"aws:SecureTransport": True}), ALLOW),
    (
        "bool-json-true-and-string-context",
        [st(**cond(Bool={"aws:SecureTransport": True}))],
        request(**{"aws:SecureTransport": "true"}),
        ALLOW,
    ),
    (
        "bool-mismatch",
        [st(**cond(Bool={"aws:SecureTransport": "true"}))],
        request(**{"aws:SecureTransport": False}),
        NA,
    ),
    ("bool-missing-key", [st(**cond(Bool={"aws:SecureTransport": "false"}))], request(), NA),
    ("null-true-key-absent", [st(**cond(Null={"aws:ResourceTag/team": "true"}))], request(), ALLOW),
    (
        "null-true-key-present",
        [st(**cond(Null={"aws:ResourceTag/team": "true"}))],
        request(**{"aws:ResourceTag/team": "web"}),
        NA,
    ),
    (
        "null-false-key-present",
        [st(**cond(Null={"aws:ResourceTag/team": "false"}))],
        request(**{"aws:ResourceTag/team": "web"}),
        ALLOW,
    ),
    ("null-false-key-absent", [st(**cond(Null={"aws:ResourceTag/team": False}))], request(), NA),
    ("null-empty-list-is-absent", [st(**cond(Null={"aws:TagKeys": "true"}))], request(**{"aws:TagKeys": []}), ALLOW),
    # --- ...IfExists: checked only when the key is present.
    (
        "ifexists-missing-key-is-true",
        [st(**cond(StringEqualsIfExists={"aws:ResourceTag/team": "web"}))],
        request(),
        ALLOW,
    ),
    (
        "ifexists-present-and-matching",
        [st(**cond(StringEqualsIfExists={"aws:ResourceTag/team": "web"}))],
        request(**{"aws:ResourceTag/team": "web"}),
        ALLOW,
    ),
    (
        "ifexists-present-not-matching",
        [st(**cond(StringEqualsIfExists={"aws:ResourceTag/team": "web"}))],
        request(**{"aws:ResourceTag/team": "ops"}),
        NA,
    ),
    (
        "negated-ifexists-present-equal",
        [st(**cond(StringNotEqualsIfExists={"aws:ResourceTag/team": "web"}))],
        request(**{"aws:ResourceTag/team": "web"}),
        NA,
    ),
    ("arnlikeifexists-missing", [st(**cond(ArnLikeIfExists={"aws:SourceArn": "arn:aws:s3:::x"}))], request(), ALLOW),
    (
        "boolifexists-missing",
        [st("Deny", **cond(BoolIfExists={"aws:MultiFactorAuthPresent": "false"})), st()],
        request(),
        DENY,
    ),
    # --- Set operators on multivalued keys.
    (
        "foranyvalue-one-matches",
        [st(**cond(ForAnyValue__StringEquals={"aws:TagKeys": ["team", "env"]}))],
        request(**{"aws:TagKeys": ["env", "owner"]}),
        ALLOW,
    ),
    (
        "foranyvalue-none-matches",
        [st(**cond(ForAnyValue__StringEquals={"aws:TagKeys": ["team"]}))],
        request(**{"aws:TagKeys": ["env", "owner"]}),
        NA,
    ),
    (
        "foranyvalue-missing-key-is-false",
        [st(**cond(ForAnyValue__StringEquals={"aws:TagKeys": ["team"]}))],
        request(),
        NA,
    ),
    (
        "forallvalues-subset",
        [st(**cond(ForAllValues__StringEquals={"aws:TagKeys": ["team", "env"]}))],
        request(**{"aws:TagKeys": ["env"]}),
        ALLOW,
    ),
    (
        "forallvalues-one-outside",
        [st(**cond(ForAllValues__StringEquals={"aws:TagKeys": ["team", "env"]}))],
        request(**{"aws:TagKeys": ["env", "owner"]}),
        NA,
    ),
    (
        "forallvalues-missing-key-is-true",
        [st(**cond(ForAllValues__StringEquals={"aws:TagKeys": ["team"]}))],
        request(),
        ALLOW,
    ),
    (
        "forallvalues-empty-set-is-true",
        [st(**cond(ForAllValues__StringEquals={"aws:TagKeys": ["team"]}))],
        request(**{"aws:TagKeys": []}),
        ALLOW,
    ),
    (
        "forallvalues-stringlike",
        [st(**cond(ForAllValues__StringLike={"aws:TagKeys": "Created*"}))],
        request(**{"aws:TagKeys": ["CreatedBy", "CreatedAt"]}),
        ALLOW,
    ),
    # The IAM guide's table for a Deny with ForAllValues:StringNotLike {"aws:TagKeys": "key1*"}.
    (
        "forallvalues-notlike-table-1",
        [st(), st("Deny", **cond(ForAllValues__StringNotLike={"aws:TagKeys": "key1*"}))],
        request(**{"aws:TagKeys": ["key1:legal"]}),
        ALLOW,
    ),
    (
        "forallvalues-notlike-table-2",
        [st(), st("Deny", **cond(ForAllValues__StringNotLike={"aws:TagKeys": "key1*"}))],
        request(**{"aws:TagKeys": ["key1:hr", "key1:personnel"]}),
        ALLOW,
    ),
    (
        "forallvalues-notlike-table-3",
        [st(), st("Deny", **cond(ForAllValues__StringNotLike={"aws:TagKeys": "key1*"}))],
        request(**{"aws:TagKeys": ["key2:audit"]}),
        DENY,
    ),
    (
        "forallvalues-notlike-table-4",
        [st(), st("Deny", **cond(ForAllValues__StringNotLike={"aws:TagKeys": "key1*"}))],
        request(),
        DENY,
    ),
    (
        "foranyvalue-notequals-one-outside",
        [st(**cond(ForAnyValue__StringNotEquals={"aws:TagKeys": ["team"]}))],
        request(**{"aws:TagKeys": ["team", "env"]}),
        ALLOW,
    ),
    (
        "foranyvalue-notequals-all-inside",
        [st(**cond(ForAnyValue__StringNotEquals={"aws:TagKeys": ["team"]}))],
        request(**{"aws:TagKeys": ["team"]}),
        NA,
    ),
    (
        "forallvalues-ifexists-missing",
        [st(**cond(ForAllValues__StringEqualsIfExists={"aws:TagKeys": ["a"]}))],
        request(),
        ALLOW,
    ),
    (
        "request-tag-condition",
        [st(**cond(StringEquals={"aws:RequestTag/team": "web"}))],
        request(**{"aws:RequestTag/team": "web"}),
        ALLOW,
    ),
    # --- Policy variables (Version 2012-10-17) in Resource and condition values.
    (
        "variable-in-resource",
        [st(Resource=f"{REPO_PREFIX}${{aws:username}}")],
        request(resource=f"{REPO_PREFIX}alice"),
        ALLOW,
    ),
    (
        "variable-in-resource-other-user",
        [st(Resource=f"{REPO_PREFIX}${{aws:username}}")],
        request(principal=BOB, resource=f"{REPO_PREFIX}alice"),
        NA,
    ),
    (
        "variable-unresolved-matches-nothing",
        [st(Resource=f"{REPO_PREFIX}${{aws:username}}")],
        request(principal=CI_SESSION, resource=f"{REPO_PREFIX}alice"),
        NA,
    ),
    (
        "variable-default-value",
        [st(Resource=f"{REPO_PREFIX}${{aws:username, 'shared'}}")],
        request(principal=CI_SESSION, resource=f"{REPO_PREFIX}shared"),
        ALLOW,
    ),
    (
        "variable-in-notresource",
        [st(), st("Deny", NotResource=f"{REPO_PREFIX}${{aws:username}}")],
        request(resource=f"{REPO_PREFIX}bob"),
        DENY,
    ),
    (
        "variable-in-condition",
        [st(**cond(StringEquals={"aws:ResourceTag/owner": "${aws:username}"}))],
        request(**{"aws:ResourceTag/owner": "alice"}),
        ALLOW,
    ),
    (
        "variable-in-condition-mismatch",
        [st(**cond(StringEquals={"aws:ResourceTag/owner": "${aws:username}"}))],
        request(**{"aws:ResourceTag/owner": "bob"}),
        NA,
    ),
    (
        "variable-principal-account",
        [st(**cond(StringEquals={"aws:ResourceTag/account": ["${aws:PrincipalAccount}"]}))],
        request(principal=CI_SESSION, **{"aws:ResourceTag/account": OTHER}),
        ALLOW,
    ),
    (
        "variable-literal-star",
        [st(**cond(StringLike={"aws:ResourceTag/x": "a${*}"}))],
        request(**{"aws:ResourceTag/x": "ab"}),
        NA,
    ),
    (
        "variable-literal-star-matches-star",
        [st(**cond(StringLike={"aws:ResourceTag/x": "a${*}"}))],
        request(**{"aws:ResourceTag/x": "a*"}),
        ALLOW,
    ),
    (
        "variable-values-are-literal",
        [st(**cond(StringLike={"aws:PrincipalArn": "arn:aws:iam::${aws:ResourceTag/who}"}))],
        request(**{"aws:ResourceTag/who": "*"}),
        NA,
    ),
    (
        "variable-multivalued-key-unresolved",
        [st(**cond(StringEquals={"aws:ResourceTag/x": "${aws:TagKeys}"}))],
        request(**{"aws:TagKeys": ["a"], "aws:ResourceTag/x": "a"}),
        ALLOW,
    ),
    (
        "variable-multivalued-key-two-values",
        [st(**cond(StringEquals={"aws:ResourceTag/x": "${aws:TagKeys}"}))],
        request(**{"aws:TagKeys": ["a", "b"], "aws:ResourceTag/x": "a"}),
        NA,
    ),
    # --- Other operator families (keys the caller supplies in the context).
    (
        "numeric-less-than",
        [st(**cond(NumericLessThan={"codeartifact:n": 10}))],
        request(**{"codeartifact:n": "5"}),
        ALLOW,
    ),
    (
        "numeric-not-a-number",
        [st(**cond(NumericLessThan={"codeartifact:n": "10"}))],
        request(**{"codeartifact:n": "five"}),
        NA,
    ),
    (
        "numeric-not-equals",
        [st(**cond(NumericNotEquals={"codeartifact:n": ["1", "2"]}))],
        request(**{"codeartifact:n": "2"}),
        NA,
    ),
    (
        "date-greater-than",
        [st(**cond(DateGreaterThan={"aws:CurrentTime": "2020-01-01T00:00:00Z"}))],
        request(**{"aws:CurrentTime": "2026-06-01T12:00:00Z"}),
        ALLOW,
    ),
    (
        "date-epoch",
        [st(**cond(DateLessThan={"aws:EpochTime": "1577836800"}))],
        request(**{"aws:EpochTime": "2026-01-01T00:00:00Z"}),
        NA,
    ),
    (
        "ip-address-cidr",
        [st(**cond(IpAddress={"aws:SourceIp": "203.0.113.0/24"}))],
        request(**{"aws:SourceIp": "203.0.113.7"}),
        ALLOW,
    ),
    (
        "not-ip-address",
        [st(**cond(NotIpAddress={"aws:SourceIp": ["203.0.113.0/24"]}))],
        request(**{"aws:SourceIp": "198.51.100.1"}),
        ALLOW,
    ),
]


@pytest.mark.parametrize("statements,req,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_evaluation(statements: list[dict[str, Any]], req: AuthzRequest, expected: Decision) -> None:
    policy = parse_policy(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    assert evaluate(policy, req) is expected


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 60


def test_statement_may_be_a_single_object() -> None:
    policy = parse_policy(json.dumps({"Version": "2012-10-17", "Statement": st(action=READ)}))
    assert evaluate(policy, request()) is ALLOW
    assert evaluate(policy, request(action="codeartifact:PublishPackageVersion")) is NA


def test_version_2008_and_no_version() -> None:
    for document in ({"Version": "2008-10-17", "Statement": [st()]}, {"Statement": [st()]}):
        assert evaluate(parse_policy(json.dumps(document)), request()) is ALLOW


@pytest.mark.parametrize("version", ["2008-10-17", None])
def test_variables_are_plain_text_before_version_2012(version: str | None) -> None:
    statement = st(Resource=f"{REPO_PREFIX}${{aws:username}}")
    document = {"Statement": [statement]} | ({"Version": version} if version else {})
    policy = parse_policy(json.dumps(document))
    assert evaluate(policy, request(resource=f"{REPO_PREFIX}alice")) is NA
    assert evaluate(policy, request(resource=f"{REPO_PREFIX}${{aws:username}}")) is ALLOW


@pytest.mark.parametrize(
    "decisions,expected",
    [
        ((), NA),
        ((NA, NA), NA),
        ((NA, ALLOW), ALLOW),
        ((ALLOW, DENY), DENY),
        ((DENY, ALLOW, NA), DENY),
    ],
)
def test_combine(decisions: tuple[Decision, ...], expected: Decision) -> None:
    assert combine(*decisions) is expected


def test_cached_parse_returns_the_same_policy() -> None:
    document = json.dumps({"Statement": [st()]})
    assert parse_policy_cached(document) is parse_policy_cached(document)
    with pytest.raises(PolicyError):
        parse_policy_cached("{")


def test_policies_are_immutable() -> None:
    policy = parse_policy(json.dumps({"Statement": [st()]}))
    with pytest.raises(AttributeError):
        policy.statements = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        policy.statements[0].deny = True  # type: ignore[misc]


# (id, document, fragment of the message)
INVALID: list[tuple[str, Any, str]] = [
    ("not-json", "not json", "not valid JSON"),
    ("array", [st()], "must be a JSON object"),
    ("string", "a string", "must be a JSON object"),
    ("no-statement", {"Version": "2012-10-17"}, "missing required element Statement"),
    ("unknown-top-level-element", {"Statement": [], "Effect": "Allow"}, "unsupported element 'Effect'"),
    ("unknown-version", {"Version": "2020-01-01", "Statement": []}, "Version must be"),
    ("version-not-string", {"Version": 2012, "Statement": []}, "Version must be"),
    ("id-not-string", {"Id": 1, "Statement": []}, "Id must be a string"),
    ("statement-not-object", {"Statement": ["x"]}, "Statement 1: must be a JSON object"),
    ("statement-string", {"Statement": "x"}, "Statement must be an object or a list"),
    ("unknown-effect", {"Statement": [st("Permit")]}, 'Effect must be "Allow" or "Deny"'),
    ("effect-lower-case", {"Statement": [st("allow")]}, 'Effect must be "Allow" or "Deny"'),
    ("missing-effect", {"Statement": [{"Principal": "*", "Action": READ}]}, "missing required element Effect"),
    (
        "no-action",
        {"Statement": [{"Effect": "Allow", "Principal": "*"}]},
        "missing required element Action or NotAction",
    ),
    ("action-and-notaction", {"Statement": [st(NotAction=READ) | {"Action": READ}]}, "both Action and NotAction"),
    ("empty-action-list", {"Statement": [st(action=[])]}, "Action must be a string or a non-empty list"),
    ("action-not-string", {"Statement": [st(action=5)]}, "Action must be a string"),
    ("action-without-service", {"Statement": [st(action="ReadFromRepository")]}, "invalid action 'ReadFromRepository'"),
    ("no-principal", {"Statement": [{"Effect": "Allow", "Action": READ}]}, "missing required element Principal"),
    (
        "principal-and-notprincipal",
        {"Statement": [st(NotPrincipal={"AWS": OTHER}) | {"Principal": "*"}]},
        "both Principal and NotPrincipal",
    ),
    ("principal-bare-name", {"Statement": [st(principal="alice")]}, 'Principal must be "*" or an object'),
    ("principal-empty-object", {"Statement": [st(principal={})]}, 'Principal must be "*" or an object'),
    ("principal-unknown-type", {"Statement": [st(principal={"User": ALICE})]}, "Invalid principal type 'User'"),
    ("principal-bad-account", {"Statement": [st(principal={"AWS": "12345"})]}, "Invalid principal in policy: '12345'"),
    (
        "principal-partial-wildcard",
        {"Statement": [st(principal={"AWS": f"arn:aws:iam::{OTHER}:role/*"})]},
        "Invalid principal in policy",
    ),
    ("principal-not-iam-arn", {"Statement": [st(principal={"AWS": REPO})]}, "Invalid principal in policy"),
    (
        "principal-group",
        {"Statement": [st(principal={"AWS": f"arn:aws:iam::{OTHER}:group/devs"})]},
        "Invalid principal in policy",
    ),
    (
        "principal-empty-list",
        {"Statement": [st(principal={"AWS": []})]},
        "Principal.AWS must be a string or a non-empty list",
    ),
    (
        "notprincipal-bad",
        {"Statement": [st(principal=None, NotPrincipal={"AWS": "bob"})]},
        "Invalid principal in policy: 'bob'",
    ),
    ("resource-and-notresource", {"Statement": [st(Resource="*", NotResource=REPO)]}, "both Resource and NotResource"),
    ("resource-not-arn", {"Statement": [st(Resource="my-repo")]}, "invalid resource 'my-repo'"),
    ("resource-empty-list", {"Statement": [st(Resource=[])]}, "Resource must be a string or a non-empty list"),
    ("unknown-statement-element", {"Statement": [st(Principals="*")]}, "unsupported element 'Principals'"),
    (
        "unknown-condition-operator",
        {"Statement": [st(**cond(StringMatches={"aws:PrincipalArn": "x"}))]},
        "Unknown condition operator 'StringMatches'",
    ),
    (
        "unknown-qualifier",
        {"Statement": [st(**cond(ForSomeValues__StringEquals={"aws:TagKeys": "x"}))]},
        "Unknown condition operator 'ForSomeValues:StringEquals'",
    ),
    (
        "null-ifexists",
        {"Statement": [st(**cond(NullIfExists={"aws:TagKeys": "true"}))]},
        "Unknown condition operator 'NullIfExists'",
    ),
    ("condition-not-object", {"Statement": [st(Condition="x")]}, "Condition must be an object"),
    (
        "condition-operator-not-object",
        {"Statement": [st(**cond(StringEquals="x"))]},
        "must map condition keys to values",
    ),
    (
        "condition-value-object",
        {"Statement": [st(**cond(StringEquals={"k": {"a": 1}}))]},
        "condition values must be strings",
    ),
    ("condition-empty-values", {"Statement": [st(**cond(StringEquals={"k": []}))]}, "the list of values is empty"),
    (
        "bool-not-boolean",
        {"Statement": [st(**cond(Bool={"aws:SecureTransport": "yes"}))]},
        "Bool condition values must be true or false",
    ),
    (
        "null-not-boolean",
        {"Statement": [st(**cond(Null={"aws:TagKeys": "maybe"}))]},
        "Null condition values must be true or false",
    ),
    ("numeric-not-number", {"Statement": [st(**cond(NumericLessThan={"k": "ten"}))]}, "is not a valid numeric"),
    ("date-not-date", {"Statement": [st(**cond(DateLessThan={"k": "yesterday"}))]}, "is not a valid date"),
    ("ip-not-cidr", {"Statement": [st(**cond(IpAddress={"aws:SourceIp": "300.1.1.1/8"}))]}, "is not an IP address"),
    ("sid-not-string", {"Statement": [st(Sid=1)]}, "Sid must be a string"),
]


@pytest.mark.parametrize("document,fragment", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_documents(document: Any, fragment: str) -> None:
    text = document if isinstance(document, str) and document in ("not json",) else json.dumps(document)
    with pytest.raises(PolicyError) as info:
        parse_policy(text)
    assert fragment in str(info.value)


def test_statement_errors_name_the_statement() -> None:
    document = {"Statement": [st(), st("Permit", Sid="Second")]}
    with pytest.raises(PolicyError, match=r"Statement 2 \(Sid 'Second'\): Effect must be"):
        parse_policy(json.dumps(document))


def test_unparsable_documents_are_parse_errors() -> None:
    for text in ("{", "[]", "null", '"x"'):
        with pytest.raises(PolicyParseError):
            parse_policy(text)
    with pytest.raises(PolicyError) as info:
        parse_policy("{}")
    assert not isinstance(info.value, PolicyParseError)


@pytest.mark.parametrize(
    "document",
    [
        {"Version": "2012-10-17", "Statement": []},
        {"Version": "2012-10-17", "Id": "policy-1", "Statement": [st(Sid="Any text, spaces too")]},
        {"Statement": [st(principal={"AWS": [OTHER, OTHER_ROOT, ALICE, CI_ROLE, CI_SESSION]})]},
        {"Statement": [st(principal={"AWS": f"arn:aws-us-gov:iam::{OTHER}:role/path/to/ci"})]},
        {
            "Statement": [
                st(principal={"Service": ["codebuild.amazonaws.com"], "Federated": "cognito-identity.amazonaws.com"})
            ]
        },
        {"Statement": [st(principal=None, NotPrincipal={"AWS": [ALICE, OTHER_ROOT]}, effect="Deny")]},
        {
            "Statement": [
                st(action=["codeartifact:*", "sts:GetServiceBearerToken"], Resource=[REPO, "arn:aws:codeartifact:*"])
            ]
        },
        {"Statement": [st(**cond(ForAnyValue__StringLikeIfExists={"aws:TagKeys": ["a*", 1, True]}))]},
        {"Statement": [st(**cond(stringequals={"aws:PrincipalAccount": OTHER}))]},
        {"Statement": [st(**cond(BinaryEquals={"k": "QmluYXJ5"}), Sid="")]},
    ],
    ids=[
        "empty-statement-list",
        "id-and-free-text-sid",
        "every-aws-principal-form",
        "other-partition-role-with-path",
        "service-and-federated-principals",
        "notprincipal-deny",
        "action-and-resource-lists",
        "qualified-ifexists-with-mixed-values",
        "operator-names-case-insensitive",
        "binary-and-empty-sid",
    ],
)
def test_valid_documents(document: dict[str, Any]) -> None:
    policy = parse_policy(json.dumps(document))
    assert len(policy.statements) == len(document["Statement"])


# --- Robustness: any JSON is either a policy or a PolicyError, and evaluating a policy never fails.

_WORDS = [
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Allow",
    "Deny",
    "AWS",
    "Service",
    "*",
    "2012-10-17",
    OTHER,
    OTHER_ROOT,
    CI_ROLE,
    CI_SESSION,
    READ,
    "codeartifact:*",
    REPO,
    f"{REPO_PREFIX}${{aws:username}}",
    "StringEquals",
    "StringLike",
    "ForAllValues:StringNotLike",
    "ForAnyValue:ArnLike",
    "BoolIfExists",
    "Null",
    "NumericLessThan",
    "DateLessThan",
    "IpAddress",
    "aws:PrincipalAccount",
    "aws:TagKeys",
    "aws:ResourceTag/team",
    "true",
    "${aws:username, 'x'}",
    "",
]


def _json_values():
    from hypothesis import strategies as hs

    scalars = hs.one_of(hs.sampled_from(_WORDS), hs.text(max_size=8), hs.integers(), hs.booleans(), hs.none())
    return hs.recursive(
        scalars,
        lambda inner: hs.one_of(
            hs.lists(inner, max_size=4), hs.dictionaries(hs.sampled_from(_WORDS), inner, max_size=5)
        ),
        max_leaves=30,
    )


@pytest.mark.slow
def test_any_json_is_a_policy_or_a_policy_error() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as hs

    statement = hs.fixed_dictionaries(
        {"Effect": hs.sampled_from(["Allow", "Deny"]), "Principal": _json_values(), "Action": _json_values()},
        optional={k: _json_values() for k in ("NotPrincipal", "Resource", "NotResource", "Condition", "Sid")},
    )
    documents = hs.one_of(
        _json_values(),
        hs.fixed_dictionaries(
            {"Version": hs.sampled_from(["2012-10-17", "2008-10-17"]), "Statement": hs.lists(statement, max_size=3)}
        ),
    )
    requests = [
        request(),
        request(principal=CI_SESSION, resource=PACKAGE),
        request(principal=OTHER_ROOT, **{"aws:TagKeys": ["a"]}),
    ]

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(documents)
    def check(document: Any) -> None:
        try:
            policy = parse_policy(json.dumps(document))
        except PolicyError:
            return
        for req in requests:
            assert evaluate(policy, req) in (ALLOW, DENY, NA)

    check()


def test_deeply_nested_json_is_a_parse_error() -> None:
    for text in ("[" * 7000, '{"Statement": ' + "[" * 5000):
        with pytest.raises(PolicyParseError):
            parse_policy(text)
