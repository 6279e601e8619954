# ruff: noqa: F811 - the fixtures are imported from tests.support.packages
"""PublishPackageVersion and the read operations on generic packages, through boto3 in both modes."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from mock_codeartifact.errors import ConflictException, ServiceQuotaExceededException
from tests.support.control_plane import raises
from tests.support.packages import DOMAIN, OTHER, REPO, ca, collect, seeding_target  # noqa: F401


def test_publish_returns_flat_result_with_all_four_hashes(ca: Any) -> None:
    data = b"hello world"
    out = ca.publish(data=data, asset="hello.txt")
    assert out["format"] == "generic"
    assert out["namespace"] == "ns"
    assert out["package"] == "pkg"
    assert out["version"] == "1.0.0"
    assert out["status"] == "Published"
    assert len(out["versionRevision"]) == 44
    assert out["asset"] == {
        "name": "hello.txt",
        "size": len(data),
        "hashes": {
            "MD5": hashlib.md5(data).hexdigest(),
            "SHA-1": hashlib.sha1(data).hexdigest(),
            "SHA-256": hashlib.sha256(data).hexdigest(),
            "SHA-512": hashlib.sha512(data).hexdigest(),
        },
    }
    desc = ca.generic("describe_package_version", packageVersion="1.0.0")["packageVersion"]
    assert desc["revision"] == out["versionRevision"]
    assert desc["origin"] == {"domainEntryPoint": {"repositoryName": REPO}, "originType": "INTERNAL"}
    assert desc["packageName"] == "pkg" and desc["namespace"] == "ns" and desc["format"] == "generic"
    assert "publishedTime" in desc


def test_unfinished_version_takes_more_assets_then_is_finished(ca: Any) -> None:
    first = ca.publish(asset="a.bin", data=b"A", unfinished=True)
    assert first["status"] == "Unfinished"
    second = ca.publish(asset="b.bin", data=b"B", unfinished=True)
    assert second["status"] == "Unfinished"
    assert second["versionRevision"] != first["versionRevision"]  # a new revision per change
    last = ca.publish(asset="c.bin", data=b"C")
    assert last["status"] == "Published"
    assets = ca.generic("list_package_version_assets", packageVersion="1.0.0")
    assert [a["name"] for a in assets["assets"]] == ["a.bin", "b.bin", "c.bin"]
    assert assets["versionRevision"] == last["versionRevision"]
    # Published: no more assets (409), and nothing changed.
    with raises("ConflictException", 409):
        ca.publish(asset="d.bin", data=b"D")
    assert (
        ca.generic("describe_package_version", packageVersion="1.0.0")["packageVersion"]["revision"]
        == (last["versionRevision"])
    )


def test_republishing_identical_content_is_idempotent(ca: Any) -> None:
    first = ca.publish(asset="a.bin", data=b"A")
    again = ca.publish(asset="a.bin", data=b"A")
    assert again["versionRevision"] == first["versionRevision"]
    assert again["status"] == "Published"


def test_same_asset_name_with_other_content_is_a_conflict(ca: Any) -> None:
    first = ca.publish(asset="a.bin", data=b"A", unfinished=True)
    with raises("ConflictException", 409, resourceType="asset"):
        ca.publish(asset="a.bin", data=b"other", unfinished=True)
    assets = ca.generic("list_package_version_assets", packageVersion="1.0.0")["assets"]
    assert [(a["name"], a["size"]) for a in assets] == [("a.bin", 1)]
    assert ca.status("1.0.0") == "Unfinished"
    assert (
        ca.generic("describe_package_version", packageVersion="1.0.0")["packageVersion"]["revision"]
        == (first["versionRevision"])
    )


def test_sha256_mismatch_is_rejected_and_stores_nothing(ca: Any) -> None:
    with raises("ValidationException", 400):
        ca.publish(data=b"payload", sha=hashlib.sha256(b"something else").hexdigest())
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        ca.generic("describe_package")
    assert ca.asset_size() == 0


def test_only_generic_can_be_published(ca: Any) -> None:
    with raises("ValidationException", 400, "generic"):
        ca.c.publish_package_version(
            domain=DOMAIN,
            repository=REPO,
            format="npm",
            package="left-pad",
            packageVersion="1.0.0",
            assetContent=b"x",
            assetName="package.tgz",
            assetSHA256=hashlib.sha256(b"x").hexdigest(),
        )


def test_generic_needs_a_namespace(ca: Any) -> None:
    with raises("ValidationException", 400, "namespace"):
        ca.publish(namespace=None)


@pytest.mark.parametrize("name", ["..", ".", " lead", "trail ", "two  spaces", "a/b", "tab\u00a0x", "a:b"])
def test_invalid_generic_asset_names(ca: Any, name: str) -> None:
    with raises("ValidationException", 400):
        ca.publish(asset=name)


@pytest.mark.parametrize("name", ["file.tar.gz", "résumé v2.txt", "a~!@^&()-_+[]{};,.b", "日本語"])
def test_valid_generic_asset_names(ca: Any, name: str) -> None:
    assert ca.publish(asset=name, data=b"bytes")["asset"]["name"] == name
    got = ca.generic("get_package_version_asset", packageVersion="1.0.0", asset=name)
    assert got["asset"].read() == b"bytes"
    if name.isascii():  # other names travel in the X-AssetName header as UTF-8 bytes
        assert got["assetName"] == name


def test_publish_to_missing_domain_or_repository(ca: Any) -> None:
    with raises("ResourceNotFoundException", 404, resourceType="repository"):
        ca.publish(repository="nope")
    with raises("ResourceNotFoundException", 404, resourceType="domain"):
        ca.c.publish_package_version(
            domain="missing",
            repository=REPO,
            format="generic",
            namespace="ns",
            package="p",
            packageVersion="1",
            assetContent=b"x",
            assetName="x",
            assetSHA256=hashlib.sha256(b"x").hexdigest(),
        )


def test_publish_blocked_by_origin_configuration(ca: Any) -> None:
    ca.generic("put_package_origin_configuration", restrictions={"publish": "BLOCK", "upstream": "ALLOW"})
    with raises("ConflictException", 409):
        ca.publish()
    assert ca.versions() == []
    ca.generic("put_package_origin_configuration", restrictions={"publish": "ALLOW", "upstream": "ALLOW"})
    assert ca.publish()["status"] == "Published"


def test_default_origin_configuration_after_a_publish(ca: Any) -> None:
    ca.publish()
    pkg = ca.generic("describe_package")["package"]
    assert pkg == {
        "format": "generic",
        "namespace": "ns",
        "name": "pkg",
        "originConfiguration": {"restrictions": {"publish": "ALLOW", "upstream": "BLOCK"}},
    }


def test_assets_per_version_quota(ca: Any) -> None:
    ca.seed(
        format="generic",
        namespace="ns",
        package="pkg",
        version="1.0.0",
        status="Unfinished",
        assets={f"f{i}": str(i).encode() for i in range(150)},
    )
    with raises("ServiceQuotaExceededException", 402):
        ca.publish(asset="one-too-many", unfinished=True)
    with pytest.raises(ServiceQuotaExceededException):
        ca.seed(
            format="generic", namespace="ns", package="pkg", version="1.0.0", status="Unfinished", assets={"x": b"x"}
        )
    # An identical re-send is not a new asset.
    assert ca.publish(asset="f0", data=b"0", unfinished=True)["status"] == "Unfinished"


def test_domain_asset_size_counts_each_content_once(ca: Any) -> None:
    ca.publish(version="1", asset="a", data=b"12345")
    assert ca.asset_size() == 5
    ca.publish(version="2", asset="a", data=b"12345")  # same bytes in another version
    ca.publish(version="1", asset="a", data=b"12345", package="other")
    assert ca.asset_size() == 5
    ca.publish(version="3", asset="b", data=b"1234567")
    assert ca.asset_size() == 12
    ca.generic("delete_package_versions", versions=["1", "2"])
    assert ca.asset_size() == 12  # still held by ns/other 1
    ca.generic("delete_package", package="other")
    assert ca.asset_size() == 7


def test_delete_repository_frees_its_asset_bytes(ca: Any) -> None:
    ca.publish(data=b"x" * 100, repository=OTHER)
    ca.publish(data=b"y" * 10)
    assert ca.asset_size() == 110
    ca.c.delete_repository(domain=DOMAIN, repository=OTHER)
    assert ca.asset_size() == 10


def test_identical_bytes_are_stored_once(ca: Any) -> None:
    payload = b"z" * 10_000
    for v in ("1", "2", "3"):
        ca.publish(version=v, data=payload)
    ca.c.copy_package_versions(
        domain=DOMAIN,
        sourceRepository=REPO,
        destinationRepository=OTHER,
        format="generic",
        namespace="ns",
        package="pkg",
        versions=["1"],
    )
    backend = ca.target.backend
    assert backend.assets.stored_bytes == len(payload)
    for v in ("1", "2", "3"):
        ca.generic("dispose_package_versions", versions=[v])
    assert backend.assets.stored_bytes == len(payload)  # the copy in "other" still holds it
    ca.generic("dispose_package_versions", repository=OTHER, versions=["1"])
    assert backend.assets.stored_bytes == 0
    assert ca.asset_size() == 0


# --------------------------------------------------------------------------- reading


def test_describe_package_and_missing_package(ca: Any) -> None:
    with raises("ResourceNotFoundException", 404, resourceType="package", resourceId="pkg"):
        ca.generic("describe_package")
    ca.publish()
    assert ca.generic("describe_package")["package"]["name"] == "pkg"
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        ca.generic("describe_package", namespace="other-ns")


def test_missing_version_and_missing_asset(ca: Any) -> None:
    ca.publish()
    with raises("ResourceNotFoundException", 404, resourceType="package-version", resourceId="9.9.9"):
        ca.generic("describe_package_version", packageVersion="9.9.9")
    for op in ("list_package_version_assets", "get_package_version_readme", "list_package_version_dependencies"):
        with raises("ResourceNotFoundException", 404, resourceType="package-version"):
            ca.generic(op, packageVersion="9.9.9")
    with raises("ResourceNotFoundException", 404, resourceType="asset", resourceId="nope.txt"):
        ca.generic("get_package_version_asset", packageVersion="1.0.0", asset="nope.txt")


def test_get_asset_streams_bytes_with_the_three_headers(ca: Any) -> None:
    data = bytes(range(256)) * 40
    out = ca.publish(asset="blob.bin", data=data)
    got = ca.generic("get_package_version_asset", packageVersion="1.0.0", asset="blob.bin")
    assert got["asset"].read() == data
    assert got["assetName"] == "blob.bin"
    assert got["packageVersion"] == "1.0.0"
    assert got["packageVersionRevision"] == out["versionRevision"]
    headers = got["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-assetname"] == "blob.bin"
    # Selecting the current revision works; another revision is not found.
    same = ca.generic(
        "get_package_version_asset",
        packageVersion="1.0.0",
        asset="blob.bin",
        packageVersionRevision=out["versionRevision"],
    )
    assert same["asset"].read() == data
    with raises("ResourceNotFoundException", 404):
        ca.generic("get_package_version_asset", packageVersion="1.0.0", asset="blob.bin", packageVersionRevision="old")


def test_generic_readme_and_dependencies_are_empty(ca: Any) -> None:
    out = ca.publish()
    readme = ca.generic("get_package_version_readme", packageVersion="1.0.0")
    assert "readme" not in readme
    assert readme["versionRevision"] == out["versionRevision"]
    assert readme["package"] == "pkg" and readme["version"] == "1.0.0" and readme["namespace"] == "ns"
    deps = ca.generic("list_package_version_dependencies", packageVersion="1.0.0")
    assert deps["dependencies"] == []
    assert "nextToken" not in deps
    with raises("ValidationException", 400):
        ca.generic("list_package_version_dependencies", packageVersion="1.0.0", nextToken="garbage")


def test_list_assets_pagination(ca: Any) -> None:
    names = [f"file-{i:02}" for i in range(7)]
    for n in names:
        ca.publish(asset=n, data=n.encode(), unfinished=True)
    got = collect(
        ca.c.list_package_version_assets,
        "assets",
        domain=DOMAIN,
        repository=REPO,
        format="generic",
        namespace="ns",
        package="pkg",
        packageVersion="1.0.0",
        maxResults=3,
    )
    assert [a["name"] for a in got] == names
    first = ca.generic("list_package_version_assets", packageVersion="1.0.0", maxResults=3)
    assert len(first["assets"]) == 3 and first["nextToken"]
    paginator = ca.c.get_paginator("list_package_version_assets")
    pages = list(
        paginator.paginate(
            domain=DOMAIN,
            repository=REPO,
            format="generic",
            namespace="ns",
            package="pkg",
            packageVersion="1.0.0",
            PaginationConfig={"PageSize": 2},
        )
    )
    assert [a["name"] for p in pages for a in p["assets"]] == names
    assert len(pages) == 4


def test_seeding_raises_modeled_errors(ca: Any) -> None:
    from mock_codeartifact.errors import ResourceNotFoundException, ValidationException

    with pytest.raises(ResourceNotFoundException):
        ca.seed(domain="missing", format="npm", package="x", version="1")
    with pytest.raises(ResourceNotFoundException):
        ca.seed(repository="missing", format="npm", package="x", version="1")
    with pytest.raises(ValidationException):
        ca.seed(format="pypi", namespace="ns", package="x", version="1")
    with pytest.raises(ValidationException):
        ca.seed(format="maven", package="x", version="1")
    with pytest.raises(ValidationException):
        ca.seed(format="cobol", package="x", version="1")
    with pytest.raises(ValidationException):
        ca.seed(format="npm", package="x", version="1", status="Deleted")
    with pytest.raises(ValidationException):
        ca.seed(format="generic", namespace="n", package="x", version="1", dependencies=[{"package": "y"}])
    ca.generic(
        "put_package_origin_configuration",
        format="npm",
        namespace=None,
        package="x",
        restrictions={"publish": "BLOCK", "upstream": "BLOCK"},
    )
    with pytest.raises(ConflictException):
        ca.seed(format="npm", package="x", version="1")
    with pytest.raises(ConflictException):
        ca.seed(format="npm", package="x", version="1", origin_type="EXTERNAL")


def test_delete_repository_keeps_bytes_another_repository_shares(ca: Any) -> None:
    ca.publish(data=b"s" * 40, repository=OTHER)
    ca.c.copy_package_versions(
        domain=DOMAIN,
        sourceRepository=OTHER,
        destinationRepository=REPO,
        format="generic",
        namespace="ns",
        package="pkg",
        versions=["1.0.0"],
    )
    assert ca.asset_size() == 40
    ca.c.delete_repository(domain=DOMAIN, repository=OTHER)
    assert ca.asset_size() == 40
    got = ca.generic("get_package_version_asset", packageVersion="1.0.0", asset="a.txt")
    assert got["asset"].read() == b"s" * 40


def test_concurrent_publishes_to_one_unfinished_version(ca: Any, make_client: Any) -> None:
    import threading

    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            client = make_client()
            data = f"asset {i}".encode()
            for j in range(5):
                client.publish_package_version(
                    domain=DOMAIN,
                    repository=REPO,
                    format="generic",
                    namespace="ns",
                    package="pkg",
                    packageVersion="1.0.0",
                    assetContent=data + bytes([j]),
                    assetName=f"t{i}-{j}",
                    assetSHA256=hashlib.sha256(data + bytes([j])).hexdigest(),
                    unfinished=True,
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assets = collect(
        ca.c.list_package_version_assets,
        "assets",
        domain=DOMAIN,
        repository=REPO,
        format="generic",
        namespace="ns",
        package="pkg",
        packageVersion="1.0.0",
    )
    assert sorted(a["name"] for a in assets) == sorted(f"t{i}-{j}" for i in range(6) for j in range(5))
    assert ca.asset_size() == sum(len(f"asset {i}".encode()) + 1 for i in range(6)) * 5
