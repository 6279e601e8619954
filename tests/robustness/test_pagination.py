"""Every paginated operation of the model: walking the pages, with any page size, yields exactly the one-page answer.

The operations are found in the model (an input with ``nextToken`` and ``maxResults`` and an output list), so
operations that land later are covered automatically. The world is the fuzzer's seed plus enough extra domains,
repositories, packages, versions, assets and package groups that every listing spans several pages. Items may
neither repeat nor go missing, and the order is the same as in one page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import boto3
import pytest
from botocore import xform_name
from hypothesis import given
from hypothesis import strategies as st

from . import strategies as s
from .model import OPERATIONS, operation
from .world import PLAIN_CONFIG, fuzz_settings, seed

PAGINATED = [
    name
    for name in OPERATIONS
    if {"nextToken", "maxResults"} <= set(operation(name).input_shape.members)
    and any(m.type_name == "list" for m in operation(name).output_shape.members.values())
]


def _list_member(name: str) -> str:
    return next(k for k, m in operation(name).output_shape.members.items() if m.type_name == "list")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _grow(client: Any) -> None:
    for i in range(6):
        client.create_domain(domain=f"extra-{i}")
        client.create_repository(domain=s.DOMAIN, repository=f"extra-repo-{i}")
    for i in range(7):
        content = f"extra {i}".encode()
        common = dict(domain=s.DOMAIN, repository=s.REPO, format="generic", namespace=s.NAMESPACE)
        sha = hashlib.sha256(content).hexdigest()
        client.publish_package_version(
            **common, package=s.PACKAGE, packageVersion=f"5.{i}.0", assetContent=content,
            assetName="a.bin", assetSHA256=sha,
        )  # fmt: skip
        client.publish_package_version(
            **common, package=f"extra-pkg-{i}", packageVersion="1.0.0", assetContent=content,
            assetName="a.bin", assetSHA256=sha,
        )  # fmt: skip
        client.publish_package_version(
            **common, package=s.PACKAGE, packageVersion="2.0.0", assetContent=content,
            assetName=f"asset-{i}.bin", assetSHA256=sha, unfinished=True,
        )  # fmt: skip
    for i in range(6):
        client.create_package_group(domain=s.DOMAIN, packageGroup=f"/generic/fuzz-ns/sub{i}~")
    for i in range(5):
        repo = f"extra-repo-{i}"
        client.update_package_group_origin_configuration(
            domain=s.DOMAIN,
            packageGroup=s.GROUP,
            restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"},
            addAllowedRepositories=[{"originRestrictionType": "PUBLISH", "repositoryName": repo}],
        )


_ARGS: dict[str, dict[str, Any]] = {
    "ListPackageVersionAssets": {"packageVersion": "2.0.0"},
    "ListAllowedRepositoriesForGroup": {"originRestrictionType": "PUBLISH"},
}


@pytest.mark.parametrize("operation_name", PAGINATED)
def test_pages_add_up_to_one_page(operation_name: str, codeartifact_mock: Any) -> None:
    client = boto3.client("codeartifact", region_name=s.REGION, config=PLAIN_CONFIG)
    seed(client)
    _grow(client)
    method = getattr(client, xform_name(operation_name))
    kwargs = {**s.example_input(operation_name), **_ARGS.get(operation_name, {})}
    key = _list_member(operation_name)
    whole = method(**kwargs, maxResults=1000)
    assert "nextToken" not in whole
    expected = _plain(whole[key])
    assert len(expected) >= 2, f"{operation_name} lists too little to paginate: {expected}"

    @fuzz_settings(scale=0.4)
    @given(sizes=st.lists(st.integers(1, 4), min_size=1, max_size=6))
    def walk(sizes: list[int]) -> None:
        items: list[Any] = []
        token = None
        for page_number in range(len(expected) + 2):
            size = sizes[page_number % len(sizes)]
            page = method(**kwargs, maxResults=size, **({"nextToken": token} if token else {}))
            assert len(page[key]) <= size
            items.extend(_plain(page[key]))
            token = page.get("nextToken")
            if not token:
                break
            assert page[key], "a page with a nextToken must not be empty"
        assert not token, "pagination did not end"
        assert items == expected, f"pages {sizes}: {len(items)} items, one page: {len(expected)}"

    walk()
