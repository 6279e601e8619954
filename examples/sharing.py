"""Application code under test: share a CodeArtifact repository with another AWS account (read-only)."""

from __future__ import annotations

import json
from typing import Any

READ_ACTIONS = [
    "codeartifact:DescribeRepository",
    "codeartifact:GetRepositoryEndpoint",
    "codeartifact:ListPackages",
    "codeartifact:ListPackageVersions",
    "codeartifact:DescribePackageVersion",
    "codeartifact:ReadFromRepository",
]


def _policy(account: str, actions: list[str]) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": actions}
    return json.dumps({"Version": "2012-10-17", "Statement": [{**statement, "Resource": "*"}]})


def share_read_only(client: Any, domain: str, repository: str, consumer_account: str) -> None:
    """Let ``consumer_account`` get tokens for the domain and read (not publish to) the repository."""
    client.put_domain_permissions_policy(
        domain=domain, policyDocument=_policy(consumer_account, ["codeartifact:GetAuthorizationToken"])
    )
    client.put_repository_permissions_policy(
        domain=domain, repository=repository, policyDocument=_policy(consumer_account, READ_ACTIONS)
    )
