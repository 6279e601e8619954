# ruff: noqa: F811 - the fixtures are imported from tests.support.packages
"""CopyPackageVersions: versions xor versionRevisions, idempotent copies, overwrite, upstreams, per-version codes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.control_plane import raises
from tests.support.packages import DOMAIN, OTHER, REPO, ca, seeding_target  # noqa: F401


def copy(ca: Any, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("sourceRepository", REPO)
    kwargs.setdefault("destinationRepository", OTHER)
    kwargs.setdefault("format", "generic")
    kwargs.setdefault("namespace", "ns")
    kwargs.setdefault("package", "pkg")
    return ca.c.copy_package_versions(domain=DOMAIN, **{k: v for k, v in kwargs.items() if v is not None})


@pytest.fixture
def src(ca: Any) -> Any:
    for v in ("1.0", "2.0", "3.0"):
        ca.publish(version=v, data=b"data " + v.encode())
    return ca


def test_copy_preserves_status_origin_revision_and_shares_bytes(src: Any) -> None:
    src.generic("update_package_versions_status", versions=["2.0"], targetStatus="Unlisted")
    size = src.asset_size()
    out = copy(src, versions=["1.0", "2.0"])
    assert out["failedVersions"] == {}
    assert set(out["successfulVersions"]) == {"1.0", "2.0"}
    assert out["successfulVersions"]["2.0"]["status"] == "Unlisted"
    for v in ("1.0", "2.0"):
        original = src.generic("describe_package_version", packageVersion=v)["packageVersion"]
        copied = src.generic("describe_package_version", packageVersion=v, repository=OTHER)["packageVersion"]
        assert copied["origin"] == {"domainEntryPoint": {"repositoryName": REPO}, "originType": "INTERNAL"}
        assert copied["status"] == original["status"]
        assert copied["revision"] == original["revision"] == out["successfulVersions"][v]["revision"]
    got = src.generic("get_package_version_asset", repository=OTHER, packageVersion="1.0", asset="a.txt")
    assert got["asset"].read() == b"data 1.0"
    assert src.asset_size() == size  # bytes are shared within the domain
    assert src.versions(repository=OTHER) == ["2.0", "1.0"]
    pkg = src.generic("describe_package", repository=OTHER)["package"]
    assert pkg["originConfiguration"]["restrictions"] == {"publish": "ALLOW", "upstream": "BLOCK"}


def test_identical_copy_is_idempotent_and_omitted(src: Any) -> None:
    copy(src, versions=["1.0"])
    out = copy(src, versions=["1.0", "2.0"])
    assert out["failedVersions"] == {}
    assert list(out["successfulVersions"]) == ["2.0"]


def test_existing_different_version_and_allow_overwrite(src: Any) -> None:
    src.publish(version="1.0", data=b"different", repository=OTHER)
    out = copy(src, versions=["1.0", "2.0"])
    assert out["successfulVersions"] == {}
    assert out["failedVersions"]["1.0"] == {"errorCode": "ALREADY_EXISTS", "errorMessage": "Version 1.0 already exists"}
    assert out["failedVersions"]["2.0"] == {"errorCode": "SKIPPED", "errorMessage": "Version 2.0 was skipped"}
    assert src.versions(repository=OTHER) == ["1.0"]
    out = copy(src, versions=["1.0", "2.0"], allowOverwrite=True)
    assert set(out["successfulVersions"]) == {"1.0", "2.0"}
    got = src.generic("get_package_version_asset", repository=OTHER, packageVersion="1.0", asset="a.txt")
    assert got["asset"].read() == b"data 1.0"
    assert src.asset_size() == len(b"data 1.0") * 3  # the overwritten bytes were freed


def test_missing_version_fails_all(src: Any) -> None:
    out = copy(src, versions=["1.0", "5.6.7"])
    assert out["failedVersions"]["5.6.7"] == {"errorCode": "NOT_FOUND", "errorMessage": "Could not find version 5.6.7"}
    assert out["failedVersions"]["1.0"]["errorCode"] == "SKIPPED"
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        src.generic("describe_package", repository=OTHER)


def test_version_revisions(src: Any) -> None:
    rev = src.generic("describe_package_version", packageVersion="1.0")["packageVersion"]["revision"]
    bad = copy(src, versionRevisions={"1.0": rev, "2.0": "stale"})
    assert bad["failedVersions"]["2.0"]["errorCode"] == "MISMATCHED_REVISION"
    assert bad["failedVersions"]["1.0"]["errorCode"] == "SKIPPED"
    ok = copy(src, versionRevisions={"1.0": rev})
    assert ok["successfulVersions"] == {"1.0": {"revision": rev, "status": "Published"}}


def test_versions_xor_version_revisions(src: Any) -> None:
    with raises("ValidationException", 400):
        copy(src)
    with raises("ValidationException", 400):
        copy(src, versions=["1.0"], versionRevisions={"1.0": "x"})


def test_disposed_and_unfinished_versions_are_not_copied(src: Any) -> None:
    src.generic("dispose_package_versions", versions=["3.0"])
    src.publish(version="4.0", unfinished=True)
    out = copy(src, versions=["3.0", "4.0", "1.0"])
    assert out["failedVersions"]["3.0"]["errorCode"] == "NOT_ALLOWED"
    assert out["failedVersions"]["4.0"]["errorCode"] == "NOT_ALLOWED"
    assert out["failedVersions"]["1.0"]["errorCode"] == "SKIPPED"


def test_copy_errors(src: Any) -> None:
    with raises("ResourceNotFoundException", 404, resourceType="repository"):
        copy(src, versions=["1.0"], destinationRepository="nope")
    with raises("ResourceNotFoundException", 404, resourceType="repository"):
        copy(src, versions=["1.0"], sourceRepository="nope")
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        copy(src, versions=["1.0"], package="missing")
    with raises("ValidationException", 400):
        copy(src, versions=["1.0"], destinationRepository=REPO)
    with raises("ResourceNotFoundException", 404, resourceType="domain"):
        src.c.copy_package_versions(
            domain="nodomain",
            sourceRepository=REPO,
            destinationRepository=OTHER,
            format="generic",
            namespace="ns",
            package="pkg",
            versions=["1.0"],
        )


def test_copy_other_formats_with_npm_tags(ca: Any) -> None:
    ca.seed(format="npm", package="lib", version="1.0.0", assets={"package.tgz": b"one"}, readme="r")
    ca.seed(format="npm", package="lib", version="2.0.0-rc.1", assets={"package.tgz": b"two"}, npm_tags=["next"])
    out = ca.c.copy_package_versions(
        domain=DOMAIN,
        sourceRepository=REPO,
        destinationRepository=OTHER,
        format="npm",
        package="lib",
        versions=["2.0.0-rc.1"],
    )
    assert list(out["successfulVersions"]) == ["2.0.0-rc.1"]
    listed = ca.c.list_package_versions(domain=DOMAIN, repository=OTHER, format="npm", package="lib")
    # The tag aliasing the copied version came along; "latest" (on 1.0.0) did not.
    assert listed["defaultDisplayVersion"] == "2.0.0-rc.1"
    readme = ca.c.get_package_version_readme(
        domain=DOMAIN, repository=OTHER, format="npm", package="lib", packageVersion="2.0.0-rc.1"
    )
    assert "readme" not in readme


def test_include_from_upstream(ca: Any) -> None:
    for name in ("up-a", "up-b", "up-c", "dest"):
        ca.c.create_repository(domain=DOMAIN, repository=name)
    # repo -> up-a -> up-c, then up-b (depth-first, in priority order)
    ca.c.update_repository(
        domain=DOMAIN, repository=REPO, upstreams=[{"repositoryName": "up-a"}, {"repositoryName": "up-b"}]
    )
    ca.c.update_repository(domain=DOMAIN, repository="up-a", upstreams=[{"repositoryName": "up-c"}])
    ca.seed(repository="up-b", format="pypi", package="lib", version="1.0", assets={"x": b"from b"})
    ca.seed(repository="up-c", format="pypi", package="lib", version="1.0", assets={"x": b"from c"})
    ca.seed(repository="up-b", format="pypi", package="lib", version="2.0", assets={"x": b"two"})

    def cp(**kw: Any) -> dict[str, Any]:
        return ca.c.copy_package_versions(
            domain=DOMAIN, sourceRepository=REPO, destinationRepository="dest", format="pypi", package="lib", **kw
        )

    with raises("ResourceNotFoundException", 404, resourceType="package"):
        cp(versions=["1.0"])  # upstreams are ignored by default
    out = cp(versions=["1.0", "2.0"], includeFromUpstream=True)
    assert set(out["successfulVersions"]) == {"1.0", "2.0"}
    got = ca.c.get_package_version_asset(
        domain=DOMAIN, repository="dest", format="pypi", package="lib", packageVersion="1.0", asset="x"
    )
    assert got["asset"].read() == b"from c"  # up-c comes before up-b in the search order
    origin = ca.c.describe_package_version(
        domain=DOMAIN, repository="dest", format="pypi", package="lib", packageVersion="1.0"
    )["packageVersion"]["origin"]
    assert origin == {"domainEntryPoint": {"repositoryName": "up-c"}, "originType": "INTERNAL"}
    # Nothing was retained in the source or the intermediate repositories.
    with raises("ResourceNotFoundException", 404):
        ca.c.describe_package(domain=DOMAIN, repository=REPO, format="pypi", package="lib")
    with raises("ResourceNotFoundException", 404):
        ca.c.describe_package(domain=DOMAIN, repository="up-a", format="pypi", package="lib")


def test_control_plane_reads_ignore_upstreams(ca: Any) -> None:
    ca.c.update_repository(domain=DOMAIN, repository=REPO, upstreams=[{"repositoryName": OTHER}])
    ca.seed(repository=OTHER, format="npm", package="lib", version="1.0.0", assets={"package.tgz": b"x"})
    npm = {"domain": DOMAIN, "repository": REPO, "format": "npm", "package": "lib"}
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        ca.c.describe_package(**npm)
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        ca.c.list_package_versions(**npm)
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        ca.c.get_package_version_asset(**npm, packageVersion="1.0.0", asset="package.tgz")
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        ca.c.update_package_versions_status(**npm, versions=["1.0.0"], targetStatus="Archived")
    assert ca.c.list_packages(domain=DOMAIN, repository=REPO)["packages"] == []
