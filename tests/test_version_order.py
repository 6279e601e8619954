# ruff: noqa: F811 - the fixtures are imported from tests.support.packages
"""ListPackageVersions without sortBy lists newest first, in each format's own version order; revisions name
assets and metadata, so status changes and dispose keep them."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.support.packages import DOMAIN, REPO, ca, collect, seeding_target  # noqa: F401

# format -> (namespace, package, versions oldest first as that format's package manager orders them)
ORDERS: dict[str, tuple[str | None, str, list[str]]] = {
    "npm": (
        None,
        "left-pad",
        [
            "0.1.0",
            "0.1.1",
            "0.1.2",
            "0.9.0",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.2.0",
            "1.10.0",
        ],
    ),
    "cargo": (None, "serde", ["0.9.0", "1.0.0-rc.1", "1.0.0", "1.0.1+build.5", "1.0.9", "1.0.10"]),
    "swift": ("apple", "swift-log", ["1.0.0-beta.1", "1.0.0", "1.4.0", "1.5.3", "1.10.0"]),
    "pypi": (None, "requests", ["0.9", "1.0.dev1", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0.post1", "1.1", "1.10"]),
    "maven": (
        "com.example",
        "lib",
        ["1.0-alpha-1", "1.0-beta", "1.0-rc1", "1.0-SNAPSHOT", "1.0", "1.0-sp", "1.0.1", "1.1", "1.10"],
    ),
    "nuget": (None, "newtonsoft.json", ["1.0.0-alpha", "1.0.0-Beta", "1.0.0", "1.0.0.1", "1.0.1", "2.0.0"]),
    "ruby": (None, "rails", ["1.0.a", "1.0.b1", "1.0", "1.0.1", "1.9", "1.10"]),
    "generic": ("tools", "cli", ["0.1", "0.9", "0.10", "1.0", "1.2", "1.10"]),
}


def _listed(ca: Any, fmt: str, namespace: str | None, package: str, **kw: Any) -> list[str]:
    if namespace is not None:
        kw["namespace"] = namespace
    return [v["version"] for v in ca.call("list_package_versions", format=fmt, package=package, **kw)["versions"]]


@pytest.mark.parametrize("fmt", sorted(ORDERS))
def test_default_order_is_newest_first_in_the_formats_own_order(ca: Any, fmt: str) -> None:
    namespace, package, oldest_first = ORDERS[fmt]
    shuffled = list(oldest_first)
    random.Random(7).shuffle(shuffled)  # publish order must not matter
    for version in shuffled:
        ca.seed(format=fmt, namespace=namespace, package=package, version=version)
    newest_first = list(reversed(oldest_first))
    assert _listed(ca, fmt, namespace, package) == newest_first
    # Pages of any size walk the same order.
    kw: dict[str, Any] = {"namespace": namespace} if namespace is not None else {}
    paged = collect(
        ca.c.list_package_versions,
        "versions",
        domain=DOMAIN,
        repository=REPO,
        format=fmt,
        package=package,
        maxResults=2,
        **kw,
    )
    assert [v["version"] for v in paged] == newest_first


def test_published_time_order_is_unchanged(ca: Any) -> None:
    for version in ["2.0.0", "1.0.0", "3.0.0"]:
        ca.seed(format="npm", package="p", version=version)
    assert _listed(ca, "npm", None, "p", sortBy="PUBLISHED_TIME") == ["3.0.0", "1.0.0", "2.0.0"]
    assert _listed(ca, "npm", None, "p") == ["3.0.0", "2.0.0", "1.0.0"]


def _revision(ca: Any, version: str) -> str:
    got = ca.generic("describe_package_version", packageVersion=version)
    return str(got["packageVersion"]["revision"])


def test_revision_survives_status_changes_and_dispose(ca: Any) -> None:
    ca.publish(version="1.0", data=b"one")
    rev = _revision(ca, "1.0")
    # A script that reads the revision once can make several status changes with it, as on AWS.
    for target in ["Archived", "Unlisted", "Published", "Archived"]:
        out = ca.generic(
            "update_package_versions_status", versions=["1.0"], versionRevisions={"1.0": rev}, targetStatus=target
        )
        assert out["failedVersions"] == {}
        assert out["successfulVersions"]["1.0"] == {"revision": rev, "status": target}
    out = ca.generic("dispose_package_versions", versions=["1.0"], versionRevisions={"1.0": rev})
    assert out["successfulVersions"]["1.0"] == {"revision": rev, "status": "Disposed"}
    assert _revision(ca, "1.0") == rev
    listed = ca.generic("list_package_versions")["versions"]
    assert [(v["version"], v["revision"]) for v in listed] == [("1.0", rev)]


def test_revision_changes_when_assets_change_and_asset_reads_follow_it(ca: Any) -> None:
    ca.publish(version="1.0", data=b"one", asset="a.txt", unfinished=True)
    first = _revision(ca, "1.0")
    ca.publish(version="1.0", data=b"two", asset="b.txt")
    second = _revision(ca, "1.0")
    assert second != first
    got = ca.generic("get_package_version_asset", packageVersion="1.0", asset="a.txt", packageVersionRevision=second)
    assert got["packageVersionRevision"] == second and got["asset"].read() == b"one"
    ca.generic("update_package_versions_status", versions=["1.0"], targetStatus="Unlisted")
    got = ca.generic("get_package_version_asset", packageVersion="1.0", asset="b.txt", packageVersionRevision=second)
    assert got["asset"].read() == b"two"


def test_token_expiration_is_whole_seconds(ca: Any) -> None:
    for duration in (None, 900, 3600):
        kw = {} if duration is None else {"durationSeconds": duration}
        out = ca.c.get_authorization_token(domain=DOMAIN, **kw)
        assert out["expiration"].microsecond == 0
