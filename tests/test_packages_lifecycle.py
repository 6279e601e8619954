# ruff: noqa: F811 - the fixtures are imported from tests.support.packages
"""UpdatePackageVersionsStatus, DisposePackageVersions, DeletePackageVersions, DeletePackage,
PutPackageOriginConfiguration: transitions, per-version error codes, all-or-nothing batches, revisions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.control_plane import raises, unvalidated
from tests.support.packages import ca, seeding_target  # noqa: F401


def _revision(ca: Any, version: str) -> str:
    return ca.generic("describe_package_version", packageVersion=version)["packageVersion"]["revision"]


@pytest.fixture
def three(ca: Any) -> Any:
    for v in ("1.0", "2.0", "3.0"):
        ca.publish(version=v, data=v.encode())
    return ca


# --------------------------------------------------------------------------- UpdatePackageVersionsStatus


def test_update_status_success_keeps_revision(three: Any) -> None:
    before = _revision(three, "1.0")
    out = three.generic("update_package_versions_status", versions=["1.0", "2.0"], targetStatus="Archived")
    assert out["failedVersions"] == {}
    assert set(out["successfulVersions"]) == {"1.0", "2.0"}
    assert out["successfulVersions"]["1.0"]["status"] == "Archived"
    # A revision names assets and metadata; a status change keeps it (AWS's user guide examples).
    assert out["successfulVersions"]["1.0"]["revision"] == _revision(three, "1.0") == before
    assert three.status("1.0") == "Archived" and three.status("3.0") == "Published"
    # Archived -> Unlisted -> Published are allowed.
    three.generic("update_package_versions_status", versions=["1.0"], targetStatus="Unlisted")
    assert three.status("1.0") == "Unlisted"
    three.generic("update_package_versions_status", versions=["1.0"], targetStatus="Published")
    assert three.status("1.0") == "Published"


def test_setting_the_current_status_changes_nothing(three: Any) -> None:
    before = _revision(three, "1.0")
    out = three.generic("update_package_versions_status", versions=["1.0"], targetStatus="Published")
    assert out["successfulVersions"] == {"1.0": {"revision": before, "status": "Published"}}


@pytest.mark.parametrize("target", ["Unfinished", "Disposed", "Deleted"])
def test_update_status_refuses_other_targets(three: Any, target: str) -> None:
    with raises("ValidationException", 400):
        three.generic("update_package_versions_status", versions=["1.0"], targetStatus=target)
    assert three.status("1.0") == "Published"


def test_unfinished_to_published(ca: Any) -> None:
    ca.publish(unfinished=True)
    out = ca.generic("update_package_versions_status", versions=["1.0.0"], targetStatus="Published")
    assert out["successfulVersions"]["1.0.0"]["status"] == "Published"
    assert ca.status("1.0.0") == "Published"


def test_expected_status_mismatch_skips_the_rest(three: Any) -> None:
    three.generic("update_package_versions_status", versions=["2.0"], targetStatus="Unlisted")
    out = three.generic(
        "update_package_versions_status",
        versions=["1.0", "2.0", "3.0"],
        expectedStatus="Published",
        targetStatus="Archived",
    )
    assert out["successfulVersions"] == {}
    assert out["failedVersions"]["2.0"] == {
        "errorCode": "MISMATCHED_STATUS",
        "errorMessage": "current status: Unlisted, expected status: Published",
    }
    assert out["failedVersions"]["1.0"] == {"errorCode": "SKIPPED", "errorMessage": "version 1.0 is skipped"}
    assert out["failedVersions"]["3.0"]["errorCode"] == "SKIPPED"
    assert [three.status(v) for v in ("1.0", "2.0", "3.0")] == ["Published", "Unlisted", "Published"]


def test_missing_version_is_not_found_and_skips_the_rest(three: Any) -> None:
    out = three.generic("update_package_versions_status", versions=["1.0", "9.9"], targetStatus="Archived")
    assert out["failedVersions"]["9.9"]["errorCode"] == "NOT_FOUND"
    assert out["failedVersions"]["1.0"]["errorCode"] == "SKIPPED"
    assert three.status("1.0") == "Published"


def test_missing_package_is_resource_not_found(three: Any) -> None:
    for op, extra in [
        ("update_package_versions_status", {"targetStatus": "Archived"}),
        ("dispose_package_versions", {}),
        ("delete_package_versions", {}),
    ]:
        with raises("ResourceNotFoundException", 404, resourceType="package"):
            three.generic(op, package="nothing", versions=["1.0"], **extra)
    with raises("ResourceNotFoundException", 404, resourceType="repository"):
        three.generic("update_package_versions_status", repository="nope", versions=["1.0"], targetStatus="Archived")


def test_version_revisions(three: Any) -> None:
    rev1, rev2 = _revision(three, "1.0"), _revision(three, "2.0")
    out = three.generic(
        "update_package_versions_status",
        versions=["1.0", "2.0"],
        versionRevisions={"1.0": rev1, "2.0": "stale"},
        targetStatus="Unlisted",
    )
    assert out["failedVersions"]["2.0"] == {
        "errorCode": "MISMATCHED_REVISION",
        "errorMessage": f"current revision: {rev2}, expected revision: stale",
    }
    assert out["failedVersions"]["1.0"]["errorCode"] == "SKIPPED"
    ok = three.generic(
        "update_package_versions_status",
        versions=["1.0", "2.0"],
        versionRevisions={"1.0": rev1, "2.0": rev2},
        targetStatus="Unlisted",
    )
    assert set(ok["successfulVersions"]) == {"1.0", "2.0"}
    # The versions of versionRevisions must be those of versions.
    with raises("ValidationException", 400):
        three.generic(
            "update_package_versions_status",
            versions=["1.0", "3.0"],
            versionRevisions={"1.0": rev1},
            targetStatus="Published",
        )


def test_disposed_versions_cannot_change_status(three: Any) -> None:
    three.generic("dispose_package_versions", versions=["1.0"])
    out = three.generic("update_package_versions_status", versions=["1.0", "2.0"], targetStatus="Published")
    assert out["failedVersions"]["1.0"]["errorCode"] == "NOT_ALLOWED"
    assert out["failedVersions"]["2.0"]["errorCode"] == "SKIPPED"
    assert three.status("1.0") == "Disposed"


# --------------------------------------------------------------------------- DisposePackageVersions


def test_dispose_deletes_assets_and_keeps_metadata(ca: Any) -> None:
    ca.seed(
        format="npm",
        package="left-pad",
        version="1.0.0",
        assets={"package.tgz": b"x" * 50},
        summary="pads",
        readme="# left-pad",
        dependencies=[{"package": "dep", "dependencyType": "regular", "versionRequirement": "1"}],
    )
    assert ca.asset_size() == 50
    npm = {"format": "npm", "package": "left-pad"}
    before = ca.call("describe_package_version", packageVersion="1.0.0", **npm)["packageVersion"]["revision"]
    out = ca.call("dispose_package_versions", versions=["1.0.0"], **npm)
    assert out["failedVersions"] == {}
    assert out["successfulVersions"]["1.0.0"]["status"] == "Disposed"
    assert out["successfulVersions"]["1.0.0"]["revision"] == before  # dispose keeps the revision
    desc = ca.call("describe_package_version", packageVersion="1.0.0", **npm)["packageVersion"]
    assert desc["status"] == "Disposed" and desc["summary"] == "pads"
    assert ca.call("get_package_version_readme", packageVersion="1.0.0", **npm)["readme"] == "# left-pad"
    assert len(ca.call("list_package_version_dependencies", packageVersion="1.0.0", **npm)["dependencies"]) == 1
    assert ca.call("list_package_version_assets", packageVersion="1.0.0", **npm)["assets"] == []
    with raises("ResourceNotFoundException", 404, resourceType="asset"):
        ca.call("get_package_version_asset", packageVersion="1.0.0", asset="package.tgz", **npm)
    assert ca.asset_size() == 0
    listed = ca.call("list_package_versions", status="Disposed", **npm)["versions"]
    assert [v["version"] for v in listed] == ["1.0.0"]
    # Disposing again succeeds and changes nothing.
    again = ca.call("dispose_package_versions", versions=["1.0.0"], **npm)
    assert again["successfulVersions"]["1.0.0"] == out["successfulVersions"]["1.0.0"]


def test_dispose_with_expected_status_and_revisions(three: Any) -> None:
    out = three.generic("dispose_package_versions", versions=["1.0", "2.0"], expectedStatus="Unlisted")
    assert out["failedVersions"]["1.0"] == {
        "errorCode": "MISMATCHED_STATUS",
        "errorMessage": "current status: Published, expected status: Unlisted",
    }
    assert three.status("1.0") == "Published" and three.status("2.0") == "Published"
    bad = three.generic("dispose_package_versions", versions=["3.0"], versionRevisions={"3.0": "nope"})
    assert bad["failedVersions"]["3.0"]["errorCode"] == "MISMATCHED_REVISION"
    ok = three.generic("dispose_package_versions", versions=["1.0"], expectedStatus="Published")
    assert ok["successfulVersions"]["1.0"]["status"] == "Disposed"
    missing = three.generic("dispose_package_versions", versions=["2.0", "7.0"])
    assert missing["failedVersions"]["7.0"]["errorCode"] == "NOT_FOUND"
    assert missing["failedVersions"]["2.0"]["errorCode"] == "SKIPPED"


def test_archived_assets_cannot_be_downloaded(three: Any) -> None:
    three.generic("update_package_versions_status", versions=["1.0"], targetStatus="Archived")
    with raises("ConflictException", 409, resourceType="package-version"):
        three.generic("get_package_version_asset", packageVersion="1.0", asset="a.txt")
    assert len(three.generic("list_package_version_assets", packageVersion="1.0")["assets"]) == 1
    three.generic("update_package_versions_status", versions=["1.0"], targetStatus="Unlisted")
    assert three.generic("get_package_version_asset", packageVersion="1.0", asset="a.txt")["asset"].read() == b"1.0"


# --------------------------------------------------------------------------- DeletePackageVersions / DeletePackage


def test_delete_versions_then_republish(three: Any) -> None:
    rev = _revision(three, "1.0")
    out = three.generic("delete_package_versions", versions=["1.0"])
    assert out["successfulVersions"] == {"1.0": {"revision": rev, "status": "Deleted"}}
    assert out["failedVersions"] == {}
    assert three.versions() == ["3.0", "2.0"]
    with raises("ResourceNotFoundException", 404, resourceType="package-version"):
        three.generic("describe_package_version", packageVersion="1.0")
    # "you can freely re-publish that package version"
    assert three.publish(version="1.0", data=b"new content")["status"] == "Published"


def test_delete_versions_any_status_and_expected_status(three: Any) -> None:
    three.generic("dispose_package_versions", versions=["1.0"])
    out = three.generic("delete_package_versions", versions=["1.0", "2.0"], expectedStatus="Disposed")
    assert out["failedVersions"]["2.0"]["errorCode"] == "MISMATCHED_STATUS"
    assert out["failedVersions"]["1.0"]["errorCode"] == "SKIPPED"
    out = three.generic("delete_package_versions", versions=["1.0"], expectedStatus="Disposed")
    assert out["successfulVersions"]["1.0"]["status"] == "Deleted"
    missing = three.generic("delete_package_versions", versions=["2.0", "8.0"])
    assert missing["failedVersions"]["8.0"]["errorCode"] == "NOT_FOUND"
    assert three.versions() == ["3.0", "2.0"]


def test_deleting_every_version_keeps_the_package(three: Any) -> None:
    three.generic("put_package_origin_configuration", restrictions={"publish": "ALLOW", "upstream": "ALLOW"})
    three.generic("delete_package_versions", versions=["1.0", "2.0", "3.0"])
    assert three.versions() == []
    pkg = three.generic("describe_package")["package"]
    assert pkg["originConfiguration"]["restrictions"] == {"publish": "ALLOW", "upstream": "ALLOW"}
    assert three.asset_size() == 0


def test_delete_package(three: Any) -> None:
    out = three.generic("delete_package")
    assert out["deletedPackage"] == {
        "format": "generic",
        "namespace": "ns",
        "package": "pkg",
        "originConfiguration": {"restrictions": {"publish": "ALLOW", "upstream": "BLOCK"}},
    }
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        three.generic("describe_package")
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        three.generic("delete_package")
    assert three.call("list_packages")["packages"] == []
    assert three.asset_size() == 0


# --------------------------------------------------------------------------- PutPackageOriginConfiguration


def test_put_origin_configuration_creates_an_empty_package(ca: Any) -> None:
    out = ca.call(
        "put_package_origin_configuration",
        format="npm",
        namespace="scope",
        package="x",
        restrictions={"publish": "BLOCK", "upstream": "ALLOW"},
    )
    assert out["originConfiguration"] == {"restrictions": {"publish": "BLOCK", "upstream": "ALLOW"}}
    pkg = ca.call("describe_package", format="npm", namespace="scope", package="x")["package"]
    assert pkg == {
        "format": "npm",
        "namespace": "scope",
        "name": "x",
        "originConfiguration": out["originConfiguration"],
    }
    assert ca.call("list_package_versions", format="npm", namespace="scope", package="x")["versions"] == []
    updated = ca.call(
        "put_package_origin_configuration",
        format="npm",
        namespace="scope",
        package="x",
        restrictions={"publish": "ALLOW", "upstream": "BLOCK"},
    )
    assert updated["originConfiguration"]["restrictions"] == {"publish": "ALLOW", "upstream": "BLOCK"}
    with raises("ResourceNotFoundException", 404, resourceType="repository"):
        ca.call(
            "put_package_origin_configuration",
            repository="nope",
            format="npm",
            package="x",
            restrictions={"publish": "ALLOW", "upstream": "BLOCK"},
        )
    with raises("ValidationException", 400):
        unvalidated(ca.c).put_package_origin_configuration(
            domain="dom", repository="repo", format="npm", package="x", restrictions={"publish": "ALLOW"}
        )


def test_failed_batches_change_nothing(three: Any) -> None:
    revisions = {v: _revision(three, v) for v in ("1.0", "2.0", "3.0")}
    three.generic("update_package_versions_status", versions=["1.0", "nope"], targetStatus="Archived")
    three.generic("dispose_package_versions", versions=["2.0", "nope"])
    three.generic("delete_package_versions", versions=["3.0", "nope"])
    assert {v: _revision(three, v) for v in ("1.0", "2.0", "3.0")} == revisions
    assert three.asset_size() == 9
