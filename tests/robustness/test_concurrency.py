"""Many threads at once, in-process and against the server; afterwards every invariant holds.

Threads create repositories (some names raced by all of them), tag, put policies with optimistic revisions,
publish package versions, copy them, change their status and list everything, all at the same time. Then:
counts match the successful calls, every raced name was created exactly once, each policy revision was handed
out once, no version is lost or duplicated, each version's status and revision is the one its last successful
call returned, and the domain's ``assetSizeBytes`` equals the size of the distinct assets stored in it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

THREADS = 8
DOMAIN = "conc"


def _code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def _run(threads: int, work: Callable[[int], Any]) -> list[Any]:
    """Start every worker at the same moment (a barrier) and collect their results; re-raise their failures."""
    barrier = threading.Barrier(threads)

    def go(i: int) -> Any:
        barrier.wait(timeout=30)
        return work(i)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(go, range(threads), timeout=120))


def _all_pages(call: Callable[..., dict[str, Any]], key: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    token = None
    while True:
        page = call(**kwargs, **({"nextToken": token} if token else {}))
        items.extend(page[key])
        token = page.get("nextToken")
        if not token:
            return items


@pytest.fixture
def clients(make_client: Callable[..., Any]) -> list[Any]:
    # One client per thread, created up front (creating clients is not thread-safe; calling them is).
    return [make_client() for _ in range(THREADS)]


def test_repositories_tags_policies_and_listing_at_once(clients: list[Any]) -> None:
    c0 = clients[0]
    c0.create_domain(domain=DOMAIN)
    arn = c0.describe_domain(domain=DOMAIN)["domain"]["arn"]
    c0.create_repository(domain=DOMAIN, repository="policy-target")
    raced = [f"raced-{k}" for k in range(4)]
    per_thread = 6

    def work(i: int) -> dict[str, Any]:
        c = clients[i]
        out: dict[str, Any] = {"created": [], "won": [], "conflicts": 0, "revisions": [], "listings": []}
        for j in range(per_thread):
            name = f"t{i}-r{j}"
            c.create_repository(domain=DOMAIN, repository=name)
            out["created"].append(name)
            race = raced[j % len(raced)]
            try:
                c.create_repository(domain=DOMAIN, repository=race)
                out["won"].append(race)
            except ClientError as error:
                assert _code(error) == "ConflictException", error.response
                out["conflicts"] += 1
            c.tag_resource(resourceArn=arn, tags=[{"key": f"t{i}", "value": str(j)}])
            # optimistic locking: read the revision, write with it; a lost race is a ConflictException
            try:
                current = c.get_repository_permissions_policy(domain=DOMAIN, repository="policy-target")["policy"]
                revision: str | None = current["revision"]
            except ClientError as error:
                assert _code(error) == "ResourceNotFoundException", error.response
                revision = None
            try:
                kwargs = {"policyRevision": revision} if revision else {}
                put = c.put_repository_permissions_policy(
                    domain=DOMAIN, repository="policy-target", policyDocument=_policy(i, j), **kwargs
                )
                out["revisions"].append(put["policy"]["revision"])
            except ClientError as error:
                assert _code(error) == "ConflictException", error.response
            listing = _all_pages(c.list_repositories_in_domain, "repositories", domain=DOMAIN, maxResults=7)
            out["listings"].append([r["name"] for r in listing])
            c.get_authorization_token(domain=DOMAIN)
        return out

    results = _run(THREADS, work)

    created = [n for r in results for n in r["created"]]
    won = [n for r in results for n in r["won"]]
    assert sorted(won) == sorted(raced), f"each raced name is created exactly once, got {Counter(won)}"
    assert sum(r["conflicts"] for r in results) == THREADS * per_thread - len(raced)
    expected = sorted([*created, *raced, "policy-target"])
    final = [r["name"] for r in _all_pages(c0.list_repositories_in_domain, "repositories", domain=DOMAIN, maxResults=9)]
    assert final == expected, "no repository lost or duplicated, listed in order"
    assert c0.describe_domain(domain=DOMAIN)["domain"]["repositoryCount"] == len(expected)
    for r in results:
        for names in r["listings"]:  # each listing taken during the storm: ordered, no duplicates
            assert names == sorted(set(names)), names
    tags = c0.list_tags_for_resource(resourceArn=arn)["tags"]
    assert sorted(t["key"] for t in tags) == sorted(f"t{i}" for i in range(THREADS))
    assert all(t["value"] == str(per_thread - 1) for t in tags)
    revisions = [rev for r in results for rev in r["revisions"]]
    assert revisions and len(set(revisions)) == len(revisions), "a policy revision is handed out once"
    final_policy = c0.get_repository_permissions_policy(domain=DOMAIN, repository="policy-target")["policy"]
    assert final_policy["revision"] in revisions


def _policy(i: int, j: int) -> str:
    statement = {
        "Sid": f"t{i}-{j}",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "codeartifact:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _publish(c: Any, repository: str, version: str, content: bytes, **extra: Any) -> dict[str, Any]:
    return c.publish_package_version(
        domain=DOMAIN,
        repository=repository,
        format="generic",
        namespace="ns",
        package="pkg",
        packageVersion=version,
        assetContent=content,
        assetName=f"{version}.bin",
        assetSHA256=hashlib.sha256(content).hexdigest(),
        **extra,
    )


def test_publishing_copying_status_changes_and_listing_at_once(clients: list[Any]) -> None:
    c0 = clients[0]
    c0.create_domain(domain=DOMAIN)
    for name in ("src", "dst"):
        c0.create_repository(domain=DOMAIN, repository=name)
    _publish(c0, "src", "seed-0", b"first")
    per_thread = 5
    shared = b"shared content: stored once per domain"

    def work(i: int) -> dict[str, Any]:
        c = clients[i]
        out: dict[str, Any] = {"published": [], "copied": set(), "status": {}, "revision": {}}
        for j in range(per_thread):
            version = f"{i}.{j}.0"
            content = shared if j == 0 else f"thread {i} version {j}".encode() * (i + 1)
            published = _publish(c, "src", version, content)
            out["published"].append(version)
            out["revision"][version] = published["versionRevision"]
            out["status"][version] = published["status"]
            copied = c.copy_package_versions(
                domain=DOMAIN,
                sourceRepository="src",
                destinationRepository="dst",
                format="generic",
                namespace="ns",
                package="pkg",
                versions=[version],
            )
            out["copied"].update(copied["successfulVersions"])
            assert not copied["failedVersions"], copied["failedVersions"]
            if j % 2:
                target = "Archived" if j % 4 == 1 else "Unlisted"
                updated = c.update_package_versions_status(
                    domain=DOMAIN,
                    repository="src",
                    format="generic",
                    namespace="ns",
                    package="pkg",
                    versions=[version],
                    targetStatus=target,
                )
                assert not updated["failedVersions"], updated["failedVersions"]
                out["status"][version] = updated["successfulVersions"][version]["status"]
                out["revision"][version] = updated["successfulVersions"][version]["revision"]
            versions = _all_pages(
                c.list_package_versions,
                "versions",
                domain=DOMAIN,
                repository="src",
                format="generic",
                namespace="ns",
                package="pkg",
                maxResults=4,
            )
            listed = [v["version"] for v in versions]
            assert len(listed) == len(set(listed)), f"duplicated versions in a listing: {Counter(listed)}"
        return out

    results = _run(THREADS, work)

    def versions_of(repository: str) -> list[dict[str, Any]]:
        return _all_pages(
            c0.list_package_versions,
            "versions",
            domain=DOMAIN,
            repository=repository,
            format="generic",
            namespace="ns",
            package="pkg",
            maxResults=6,
        )

    published = {"seed-0", *(v for r in results for v in r["published"])}
    src = versions_of("src")
    names = [v["version"] for v in src]
    assert len(names) == len(set(names)), f"duplicated versions: {Counter(names)}"
    assert set(names) == published, f"lost: {published - set(names)}, unexpected: {set(names) - published}"
    copied = {v for r in results for v in r["copied"]}
    assert {v["version"] for v in versions_of("dst")} == copied == published - {"seed-0"}
    for r in results:
        for version, status in r["status"].items():
            described = c0.describe_package_version(
                domain=DOMAIN,
                repository="src",
                format="generic",
                namespace="ns",
                package="pkg",
                packageVersion=version,
            )["packageVersion"]
            assert described["status"] == status, version
            assert described["revision"] == r["revision"][version], f"revision of {version} is the last one handed out"
    assert c0.describe_domain(domain=DOMAIN)["domain"]["assetSizeBytes"] == _distinct_asset_bytes(c0)


def _distinct_asset_bytes(c: Any) -> int:
    """The size of every distinct asset (by SHA-256) stored in the domain, found through the API."""
    sizes: dict[str, int] = {}
    for repo in _all_pages(c.list_repositories_in_domain, "repositories", domain=DOMAIN):
        for pkg in _all_pages(c.list_packages, "packages", domain=DOMAIN, repository=repo["name"]):
            coords = {"format": pkg["format"], "package": pkg["package"]}
            if pkg.get("namespace"):
                coords["namespace"] = pkg["namespace"]
            for version in _all_pages(
                c.list_package_versions, "versions", domain=DOMAIN, repository=repo["name"], **coords
            ):
                if version["status"] == "Disposed":
                    continue
                for asset in _all_pages(
                    c.list_package_version_assets,
                    "assets",
                    domain=DOMAIN,
                    repository=repo["name"],
                    packageVersion=version["version"],
                    **coords,
                ):
                    sizes[asset["hashes"]["SHA-256"]] = asset["size"]
    return sum(sizes.values())


def test_racing_on_one_version_has_exactly_one_winner(clients: list[Any]) -> None:
    """Check-and-set under contention: one publish of a contested asset wins, one status change from Published."""
    c0 = clients[0]
    c0.create_domain(domain=DOMAIN)
    c0.create_repository(domain=DOMAIN, repository="src")
    _publish(c0, "src", "seed-0", b"first")

    def publish(i: int) -> str:
        try:
            _publish(clients[i], "src", "contested", f"content of thread {i}".encode())
            return "won"
        except ClientError as error:
            assert _code(error) == "ConflictException", error.response
            return "conflict"

    outcomes = Counter(_run(THREADS, publish))
    assert outcomes == {"won": 1, "conflict": THREADS - 1}, outcomes

    def archive(i: int) -> str:
        answer = clients[i].update_package_versions_status(
            domain=DOMAIN,
            repository="src",
            format="generic",
            namespace="ns",
            package="pkg",
            versions=["contested"],
            expectedStatus="Published",
            targetStatus="Archived",
        )
        if answer["successfulVersions"]:
            return "won"
        assert answer["failedVersions"]["contested"]["errorCode"] == "MISMATCHED_STATUS", answer
        return "mismatch"

    outcomes = Counter(_run(THREADS, archive))
    assert outcomes == {"won": 1, "mismatch": THREADS - 1}, outcomes
    version = c0.describe_package_version(
        domain=DOMAIN, repository="src", format="generic", namespace="ns", package="pkg", packageVersion="contested"
    )["packageVersion"]
    assert version["status"] == "Archived"
    assets = c0.list_package_version_assets(
        domain=DOMAIN, repository="src", format="generic", namespace="ns", package="pkg", packageVersion="contested"
    )["assets"]
    assert [a["name"] for a in assets] == ["contested.bin"]
    assert c0.describe_domain(domain=DOMAIN)["domain"]["assetSizeBytes"] == _distinct_asset_bytes(c0)
