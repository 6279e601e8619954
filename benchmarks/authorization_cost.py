"""Cost of authorization per call: a 20-statement resource policy attached, against the same call without one.

The owner calls ``describe_repository`` in-process on a domain whose domain policy and repository policy hold 20
statements each (principals, wildcard actions, resource ARNs, conditions; an explicit deny that does not match),
and the same call on a domain without any policy; calls alternate one by one. A second row measures a
cross-account call allowed only by the last statement of the 20 (every statement is evaluated) against the owner's
call without a policy. Run: ``python benchmarks/authorization_cost.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import Any

import boto3

from mock_codeartifact import mock_codeartifact, principals
from mock_codeartifact.iam.caller import Principal
from mock_codeartifact.mock import dispatcher

CALLS = 6000
OWNER = "123456789012"
GUEST_ROLE = "arn:aws:iam::111122223333:role/ci"
STATEMENTS = 20


def _policy(domain: str) -> str:
    base = f"arn:aws:codeartifact:us-east-1:{OWNER}"
    statements: list[dict[str, Any]] = []
    for i in range(STATEMENTS - 2):
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"AWS": [str(100000000000 + i), f"arn:aws:iam::{OWNER}:role/r{i}"]},
                "Action": ["codeartifact:Describe*", "codeartifact:List*"],
                "Resource": f"{base}:repository/{domain}/t{i}-*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": f"t{i}"}},
            }
        )
    statements.append(
        {
            "Sid": "NoDeletes",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "codeartifact:Delete*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalAccount": OWNER}},
        }
    )
    statements.append(
        {
            "Sid": "CiReads",
            "Effect": "Allow",
            "Principal": {"AWS": GUEST_ROLE},
            "Action": "codeartifact:DescribeRepository",
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}},
        }
    )
    document = json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))
    assert len(statements) == STATEMENTS and len(document) <= 7168  # AWS's limit on a policy document
    return document


def _interleaved(a: Any, b: Any, calls: int = CALLS) -> tuple[float, float, float]:
    """Median cost (us) of one call of ``a`` and of ``b``, calls alternating one by one (so that load from other
    processes hits both alike, burst by burst), and the ratio of those medians."""
    for _ in range(200):
        a()
        b()
    clock = time.perf_counter
    costs_a, costs_b = [], []
    for _ in range(calls):
        t0 = clock()
        a()
        t1 = clock()
        b()
        t2 = clock()
        costs_a.append(t1 - t0)
        costs_b.append(t2 - t1)
    ma, mb = statistics.median(costs_a) * 1e6, statistics.median(costs_b) * 1e6
    return ma, mb, ma / mb


def main() -> list[tuple[str, float, str]]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.pop("MOCK_CODEARTIFACT_AUTHORIZATION", None)
    with mock_codeartifact():
        owner = boto3.client("codeartifact", region_name="us-east-1")
        for domain in ("with-policy", "no-policy"):
            owner.create_domain(domain=domain)
            owner.create_repository(domain=domain, repository="repo", tags=[{"key": "team", "value": "core"}])
        owner.put_domain_permissions_policy(domain="with-policy", policyDocument=_policy("with-policy"))
        owner.put_repository_permissions_policy(
            domain="with-policy", repository="repo", policyDocument=_policy("with-policy")
        )
        principals.register("AKIABENCHGUEST", GUEST_ROLE)
        guest = boto3.client(
            "codeartifact", region_name="us-east-1", aws_access_key_id="AKIABENCHGUEST", aws_secret_access_key="x"
        )

        def with_policy() -> Any:
            return owner.describe_repository(domain="with-policy", repository="repo")

        def without_policy() -> Any:
            return owner.describe_repository(domain="no-policy", repository="repo")

        def cross_account() -> Any:
            return guest.describe_repository(domain="with-policy", domainOwner=OWNER, repository="repo")

        cross_account()  # allowed by the 20th statement (raises if not)
        a, b, ratio = _interleaved(with_policy, without_policy)
        c, d, cross_ratio = _interleaved(cross_account, without_policy)

        # The authorization layer alone (what the two calls above differ by), far less exposed to machine load.
        authorizer = dispatcher().authorizer
        root = Principal.root(OWNER)
        with_params = {"domain": "with-policy", "repository": "repo"}
        without_params = {"domain": "no-policy", "repository": "repo"}
        e, f, _ = _interleaved(
            lambda: authorizer.check_operation("DescribeRepository", with_params, root, "us-east-1"),
            lambda: authorizer.check_operation("DescribeRepository", without_params, root, "us-east-1"),
            calls=40000,
        )

    print(f"describe_repository, owner, 20-statement domain + repository policy: {a:8.1f} us/call")
    print(f"describe_repository, owner, no policy:                              {b:8.1f} us/call")
    print(f"  ratio: {ratio:.3f} (target <= 1.10)")
    print(f"describe_repository, another account allowed by statement 20:       {c:8.1f} us/call")
    print(f"  ratio to the owner's call without a policy: {cross_ratio:.3f}")
    print(f"authorization layer alone: {e:.1f} us with the policies, {f:.1f} us without")
    return [
        ("describe_repository with a 20-statement policy, owner (us/call)", a, "us"),
        ("describe_repository without a policy, owner (us/call)", b, "us"),
        ("authorization cost ratio: 20-statement policy / no policy (owner)", ratio, "target <= 1.10"),
        ("describe_repository cross-account, allowed by statement 20 (us/call)", c, "us"),
        ("ratio: cross-account via statement 20 / owner without policy", cross_ratio, "ratio"),
        ("authorization layer alone, 20-statement policies (us/check)", e, "us"),
        ("authorization layer alone, no policy (us/check)", f, "us"),
    ]


if __name__ == "__main__":
    main()
