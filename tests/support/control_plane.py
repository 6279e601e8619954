"""Assertions and readers for control-plane calls through boto3 (domains, repositories, policies, tokens, tags,
listing): the AWS error a call raises, the state it leaves, every page of a listing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "111122223333"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "codeartifact:*",
                "Resource": "*",
            }
        ],
    }
)
NO_VALIDATION = Config(parameter_validation=False)


def api_client(**kwargs: Any) -> Any:
    """A boto3 CodeArtifact client in us-east-1 (``kwargs``: more client arguments)."""
    return boto3.client("codeartifact", region_name="us-east-1", **kwargs)


@contextmanager
def raises(code: str, status: int, message: str | None = None, **members: Any) -> Iterator[Any]:
    """Expect a modeled AWS error: its code, HTTP status, a message fragment and modeled members."""
    with pytest.raises(ClientError) as info:
        yield info
    response = info.value.response
    assert response["Error"]["Code"] == code, response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["Error"]["Message"], "every modeled error carries a message"
    if message is not None:
        assert message in response["Error"]["Message"], response["Error"]["Message"]
    for name, value in members.items():
        assert response.get(name) == value, (name, response.get(name), value)


def body(response: dict[str, Any]) -> dict[str, Any]:
    """A parsed response without ``ResponseMetadata``."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def snapshot(client: Any) -> dict[str, Any]:
    """Everything observable about the caller's domains and repositories (for "a failed call changes nothing")."""

    def policy(fn: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)["policy"]
        except ClientError as err:
            assert err.response["Error"]["Code"] == "ResourceNotFoundException"
            return None

    state: dict[str, Any] = {}
    for page in client.get_paginator("list_domains").paginate():
        for summary in page["domains"]:
            name = summary["name"]
            domain = client.describe_domain(domain=name)["domain"]
            repos = {}
            for rpage in client.get_paginator("list_repositories_in_domain").paginate(domain=name):
                for r in rpage["repositories"]:
                    desc = client.describe_repository(domain=name, repository=r["name"])["repository"]
                    repos[r["name"]] = {
                        "description": desc,
                        "policy": policy(client.get_repository_permissions_policy, domain=name, repository=r["name"]),
                        "tags": client.list_tags_for_resource(resourceArn=desc["arn"])["tags"],
                    }
            state[name] = {
                "domain": domain,
                "policy": policy(client.get_domain_permissions_policy, domain=name),
                "tags": client.list_tags_for_resource(resourceArn=domain["arn"])["tags"],
                "repositories": repos,
            }
    return state


def all_pages(fn: Callable[..., dict[str, Any]], key: str, **kwargs: Any) -> tuple[list[Any], int]:
    """Follow ``nextToken`` by hand; return the items and the number of pages."""
    items: list[Any] = []
    pages = 0
    token = None
    while True:
        args = dict(kwargs)
        if token:
            args["nextToken"] = token
        page = fn(**args)
        pages += 1
        items.extend(page[key])
        token = page.get("nextToken")
        if not token:
            return items, pages
        assert pages < 10_000


def unvalidated(client: Any) -> Any:
    """A client like ``client`` (same mode, endpoint and region) with botocore's own validation turned off."""
    import boto3

    return boto3.client(
        "codeartifact",
        region_name=client.meta.region_name,
        endpoint_url=client.meta.endpoint_url,
        config=NO_VALIDATION,
    )
