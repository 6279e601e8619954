# ruff: noqa: F811 - the fixtures are imported from tests.support.packages
"""Every package operation's parsed response matches botocore's output shape (types, required members, no
unknown members), in both modes."""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore.validate import ParamValidator

from tests.support.packages import DOMAIN, OTHER, REPO, ca, seeding_target  # noqa: F401

MODEL = botocore.session.get_session().get_service_model("codeartifact")
OPERATIONS = [
    "PublishPackageVersion",
    "DescribePackage",
    "DescribePackageVersion",
    "ListPackages",
    "ListPackageVersions",
    "ListPackageVersionAssets",
    "GetPackageVersionAsset",
    "GetPackageVersionReadme",
    "ListPackageVersionDependencies",
    "UpdatePackageVersionsStatus",
    "DisposePackageVersions",
    "DeletePackageVersions",
    "DeletePackage",
    "CopyPackageVersions",
    "PutPackageOriginConfiguration",
]


def _check(op: str, response: dict[str, Any]) -> None:
    shape = MODEL.operation_model(op).output_shape
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    assert set(body) <= set(shape.members), (op, set(body) - set(shape.members))
    report = ParamValidator().validate(body, shape)
    assert not report.has_errors(), (op, report.generate_report())


def test_every_package_operation_matches_its_output_shape(ca: Any) -> None:
    seen: set[str] = set()

    def check(op: str, response: dict[str, Any]) -> dict[str, Any]:
        _check(op, response)
        seen.add(op)
        return response

    generic = {"domain": DOMAIN, "repository": REPO, "format": "generic", "namespace": "ns", "package": "pkg"}
    check("PublishPackageVersion", ca.publish(version="1.0", unfinished=True))
    ca.publish(version="1.0", asset="b.txt")
    ca.publish(version="2.0")
    ca.seed(
        format="npm",
        namespace="sc",
        package="lib",
        version="1.0.0",
        assets={"package.tgz": b"x"},
        summary="s",
        home_page="https://h",
        source_code_repository="https://s",
        licenses=[{"name": "MIT", "url": "https://m"}],
        readme="# r",
        dependencies=[{"namespace": "a", "package": "b", "dependencyType": "dev", "versionRequirement": "1"}],
    )
    npm = {"domain": DOMAIN, "repository": REPO, "format": "npm", "namespace": "sc", "package": "lib"}
    c = ca.c
    check("DescribePackage", c.describe_package(**generic))
    check("DescribePackageVersion", c.describe_package_version(**npm, packageVersion="1.0.0"))
    check("DescribePackageVersion", c.describe_package_version(**generic, packageVersion="1.0"))
    check("ListPackages", c.list_packages(domain=DOMAIN, repository=REPO, maxResults=1))
    check("ListPackageVersions", c.list_package_versions(**generic, maxResults=1))
    check("ListPackageVersions", c.list_package_versions(**npm, sortBy="PUBLISHED_TIME"))
    check("ListPackageVersionAssets", c.list_package_version_assets(**generic, packageVersion="1.0", maxResults=1))
    asset = c.get_package_version_asset(**generic, packageVersion="1.0", asset="a.txt")
    check("GetPackageVersionAsset", asset)
    assert asset["asset"].read() == b"content"
    check("GetPackageVersionReadme", c.get_package_version_readme(**npm, packageVersion="1.0.0"))
    check("GetPackageVersionReadme", c.get_package_version_readme(**generic, packageVersion="1.0"))
    check("ListPackageVersionDependencies", c.list_package_version_dependencies(**npm, packageVersion="1.0.0"))
    check(
        "CopyPackageVersions",
        c.copy_package_versions(
            domain=DOMAIN,
            sourceRepository=REPO,
            destinationRepository=OTHER,
            format="generic",
            namespace="ns",
            package="pkg",
            versions=["1.0", "9.9"],
        ),
    )
    check(
        "CopyPackageVersions",
        c.copy_package_versions(
            domain=DOMAIN,
            sourceRepository=REPO,
            destinationRepository=OTHER,
            format="generic",
            namespace="ns",
            package="pkg",
            versions=["1.0"],
        ),
    )
    check(
        "UpdatePackageVersionsStatus",
        c.update_package_versions_status(**generic, versions=["1.0"], targetStatus="Unlisted"),
    )
    check(
        "UpdatePackageVersionsStatus",
        c.update_package_versions_status(**generic, versions=["7"], targetStatus="Unlisted"),
    )
    check("DisposePackageVersions", c.dispose_package_versions(**generic, versions=["1.0"]))
    check("DeletePackageVersions", c.delete_package_versions(**generic, versions=["1.0", "x"]))
    check("DeletePackageVersions", c.delete_package_versions(**generic, versions=["1.0"]))
    check(
        "PutPackageOriginConfiguration",
        c.put_package_origin_configuration(**generic, restrictions={"publish": "ALLOW", "upstream": "ALLOW"}),
    )
    check("DeletePackage", c.delete_package(**generic))
    assert seen == set(OPERATIONS)
