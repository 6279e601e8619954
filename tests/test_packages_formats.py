# ruff: noqa: F811 - the fixtures are imported from tests.support.packages
"""Every format through the seeding API, read back through boto3: coordinates, normalization, metadata, listing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mock_codeartifact.errors import ConflictException, ValidationException
from tests.support.control_plane import raises
from tests.support.packages import DOMAIN, REPO, ca, collect, seeding_target  # noqa: F401

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

# format -> (namespace, package, version, asset name)
FORMATS: dict[str, tuple[str | None, str, str, str]] = {
    "npm": ("types", "node", "20.1.0", "package.tgz"),
    "pypi": (None, "requests", "2.31.0", "requests-2.31.0-py3-none-any.whl"),
    "maven": ("com.example", "lib", "1.2.3", "lib-1.2.3.jar"),
    "nuget": (None, "newtonsoft.json", "13.0.3", "newtonsoft.json.13.0.3.nupkg"),
    "generic": ("tools", "cli", "0.1.0", "cli.tar.gz"),
    "ruby": (None, "rails", "7.1.0", "rails-7.1.0.gem"),
    "swift": ("apple", "swift-log", "1.5.3", "Source.zip"),
    "cargo": (None, "serde", "1.0.190", "serde-1.0.190.crate"),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_round_trips(ca: Any, fmt: str) -> None:
    namespace, package, version, asset = FORMATS[fmt]
    meta: dict[str, Any] = dict(
        summary=f"the {fmt} package",
        home_page="https://example.com",
        source_code_repository="https://github.com/example/x",
        licenses=[{"name": "MIT", "url": "https://opensource.org/licenses/MIT"}],
    )
    if fmt not in ("generic", "maven"):
        meta["readme"] = f"# {package}\n"
    deps = [] if fmt == "generic" else [{"package": "dep", "dependencyType": "regular", "versionRequirement": "^1"}]
    seeded = ca.seed(
        format=fmt,
        namespace=namespace,
        package=package,
        version=version,
        assets={asset: b"bytes of " + fmt.encode()},
        dependencies=deps or None,
        published_time=T0,
        **meta,
    )
    assert seeded["status"] == "Published"
    assert seeded["assets"][0]["name"] == asset
    ns = {"namespace": namespace} if namespace else {}
    desc = ca.call("describe_package_version", format=fmt, package=package, packageVersion=version, **ns)
    pv = desc["packageVersion"]
    assert pv["format"] == fmt and pv["packageName"] == package and pv["version"] == version
    assert pv.get("namespace") == namespace
    assert pv["summary"] == meta["summary"]
    assert pv["homePage"] == "https://example.com"
    assert pv["sourceCodeRepository"] == "https://github.com/example/x"
    assert pv["licenses"] == meta["licenses"]
    assert pv["publishedTime"] == T0
    assert pv["origin"] == {"domainEntryPoint": {"repositoryName": REPO}, "originType": "INTERNAL"}
    assert pv["displayName"] == (f"@{namespace}/{package}" if fmt == "npm" else package)
    readme = ca.call("get_package_version_readme", format=fmt, package=package, packageVersion=version, **ns)
    assert readme.get("readme") == meta.get("readme")
    got = ca.call("list_package_version_dependencies", format=fmt, package=package, packageVersion=version, **ns)
    assert got["dependencies"] == deps
    blob = ca.call("get_package_version_asset", format=fmt, package=package, packageVersion=version, asset=asset, **ns)
    assert blob["asset"].read() == b"bytes of " + fmt.encode()
    summary = ca.call("list_packages", format=fmt)["packages"]
    assert summary == [
        {
            "format": fmt,
            **ns,
            "package": package,
            "originConfiguration": {"restrictions": {"publish": "ALLOW", "upstream": "BLOCK"}},
        }
    ]


@pytest.mark.parametrize("fmt", ["pypi", "nuget", "ruby", "cargo"])
def test_namespace_refused_for_formats_without_one(ca: Any, fmt: str) -> None:
    with pytest.raises(ValidationException):
        ca.seed(format=fmt, namespace="ns", package="p", version="1.0")
    with raises("ValidationException", 400, "namespace"):
        ca.call("describe_package", format=fmt, namespace="ns", package="p")
    with raises("ValidationException", 400, "namespace"):
        ca.call(
            "put_package_origin_configuration",
            format=fmt,
            namespace="ns",
            package="p",
            restrictions={"publish": "ALLOW", "upstream": "ALLOW"},
        )


@pytest.mark.parametrize("fmt", ["maven", "swift", "generic"])
def test_namespace_required(ca: Any, fmt: str) -> None:
    with pytest.raises(ValidationException):
        ca.seed(format=fmt, package="p", version="1.0")
    with raises("ValidationException", 400, "namespace"):
        ca.call("list_package_versions", format=fmt, package="p")


def test_npm_namespace_is_optional(ca: Any) -> None:
    ca.seed(format="npm", package="left-pad", version="1.0.0")
    ca.seed(format="npm", namespace="scope", package="left-pad", version="2.0.0")
    assert [v["version"] for v in ca.call("list_package_versions", format="npm", package="left-pad")["versions"]] == [
        "1.0.0"
    ]
    pv = ca.call("describe_package_version", format="npm", package="left-pad", packageVersion="1.0.0")
    assert pv["packageVersion"]["displayName"] == "left-pad"
    assert "namespace" not in pv["packageVersion"]


def test_pypi_names_are_stored_normalized_but_api_inputs_are_not(ca: Any) -> None:
    out = ca.seed(format="pypi", package="Pigeon_CLI", version="1.0", assets={"Pigeon_CLI-1.0.tar.gz": b"x"})
    assert out["packageName"] == "pigeon-cli"
    assert out["displayName"] == "Pigeon_CLI"
    ca.seed(format="pypi", package="pigeon.cli", version="1.1")  # the same package
    got = ca.call("list_package_versions", format="pypi", package="pigeon-cli")["versions"]
    assert [v["version"] for v in got] == ["1.1", "1.0"]
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        ca.call("describe_package", format="pypi", package="Pigeon_CLI")
    assert [p["package"] for p in ca.call("list_packages", format="pypi")["packages"]] == ["pigeon-cli"]


def test_nuget_names_and_versions_normalized_on_storage_and_api_input(ca: Any) -> None:
    out = ca.seed(format="nuget", package="Newtonsoft.JSON", version="12.0.03.0")
    assert (out["packageName"], out["version"], out["displayName"]) == ("newtonsoft.json", "12.0.3", "Newtonsoft.JSON")
    ca.seed(format="nuget", package="newtonsoft.json", version="1.0.7+r3456")
    got = ca.call("describe_package_version", format="nuget", package="Newtonsoft.JSON", packageVersion="12.0.03.0")
    assert got["packageVersion"]["version"] == "12.0.3"
    versions = ca.call("list_package_versions", format="nuget", package="NEWTONSOFT.json")["versions"]
    assert [v["version"] for v in versions] == ["12.0.3", "1.0.7"]
    status = ca.call(
        "update_package_versions_status",
        format="nuget",
        package="Newtonsoft.Json",
        versions=["12.00.3"],
        targetStatus="Unlisted",
    )
    assert status["successfulVersions"]["12.0.3"]["status"] == "Unlisted"


def test_swift_names_and_namespaces_lowercased(ca: Any) -> None:
    out = ca.seed(format="swift", namespace="MyScope", package="myPackage", version="1.0.0")
    assert (out["namespace"], out["packageName"]) == ("myscope", "mypackage")
    got = ca.call("describe_package", format="swift", namespace="MYSCOPE", package="MyPackage")
    assert got["package"]["name"] == "mypackage" and got["package"]["namespace"] == "myscope"


def test_maven_npm_ruby_cargo_generic_are_not_normalized(ca: Any) -> None:
    ca.seed(format="maven", namespace="Com.Example", package="My_Lib", version="1.0")
    ca.seed(format="ruby", package="My_Gem", version="1.0")
    ca.seed(format="cargo", package="My_Crate", version="1.0")
    assert ca.call("describe_package", format="maven", namespace="Com.Example", package="My_Lib")
    assert ca.call("describe_package", format="ruby", package="My_Gem")
    with raises("ResourceNotFoundException", 404):
        ca.call("describe_package", format="cargo", package="my_crate")


def test_default_display_version(ca: Any) -> None:
    # PyPI (and all but npm): the most recently published version, not the highest.
    ca.seed(format="pypi", package="p", version="2.0", published_time=T0)
    ca.seed(format="pypi", package="p", version="1.5", published_time=T0 + dt.timedelta(days=1))
    assert ca.call("list_package_versions", format="pypi", package="p")["defaultDisplayVersion"] == "1.5"
    # npm: the version the latest tag points at.
    ca.seed(format="npm", package="n", version="2.0.0", published_time=T0)
    ca.seed(format="npm", package="n", version="3.0.0-beta", npm_tags=["beta"], published_time=T0 + dt.timedelta(1))
    assert ca.call("list_package_versions", format="npm", package="n")["defaultDisplayVersion"] == "2.0.0"
    ca.seed(format="npm", package="n", version="1.9.0", published_time=T0 + dt.timedelta(2))
    assert ca.call("list_package_versions", format="npm", package="n")["defaultDisplayVersion"] == "1.9.0"
    # Deleting the tagged version falls back to the most recently published.
    ca.call("delete_package_versions", format="npm", package="n", versions=["1.9.0"])
    assert ca.call("list_package_versions", format="npm", package="n")["defaultDisplayVersion"] == "3.0.0-beta"
    # No Published version: no default.
    ca.seed(format="maven", namespace="g", package="a", version="1.0", status="Unfinished")
    assert "defaultDisplayVersion" not in ca.call("list_package_versions", format="maven", namespace="g", package="a")


def test_external_origin(ca: Any) -> None:
    ca.seed(format="npm", package="lodash", version="4.17.21", origin_type="EXTERNAL")
    with pytest.raises(ConflictException):  # an ingested package gets publish BLOCK
        ca.seed(format="npm", package="lodash", version="5.0.0")
    pv = ca.call("describe_package_version", format="npm", package="lodash", packageVersion="4.17.21")
    assert pv["packageVersion"]["origin"] == {
        "domainEntryPoint": {"externalConnectionName": "public:npmjs"},
        "originType": "EXTERNAL",
    }


def test_ingested_package_defaults_and_origin_type_filter(ca: Any) -> None:
    ca.seed(format="pypi", package="lib", version="1.0", origin_type="EXTERNAL")
    pkg = ca.call("describe_package", format="pypi", package="lib")["package"]
    assert pkg["originConfiguration"]["restrictions"] == {"publish": "BLOCK", "upstream": "ALLOW"}
    ca.call(
        "put_package_origin_configuration",
        format="pypi",
        package="lib",
        restrictions={"publish": "ALLOW", "upstream": "ALLOW"},
    )
    ca.seed(format="pypi", package="lib", version="2.0")
    ca.seed(format="pypi", package="lib", version="3.0", origin_type="UNKNOWN")

    def listed(**kw: Any) -> list[str]:
        return [v["version"] for v in ca.call("list_package_versions", format="pypi", package="lib", **kw)["versions"]]

    assert listed() == ["3.0", "2.0", "1.0"]
    assert listed(originType="EXTERNAL") == ["1.0"]
    assert listed(originType="INTERNAL") == ["2.0"]
    assert listed(originType="UNKNOWN") == ["3.0"]
    unknown = ca.call("describe_package_version", format="pypi", package="lib", packageVersion="3.0")
    assert unknown["packageVersion"]["origin"] == {"originType": "UNKNOWN"}


def test_extending_a_version_keeps_its_origin_and_makes_a_new_revision(ca: Any) -> None:
    first = ca.seed(format="pypi", package="lib", version="1.0", assets={"lib-1.0.tar.gz": b"sdist"})
    second = ca.seed(format="pypi", package="lib", version="1.0", assets={"lib-1.0-py3-none-any.whl": b"wheel"})
    assert second["revision"] != first["revision"]
    assert [a["name"] for a in second["assets"]] == ["lib-1.0.tar.gz", "lib-1.0-py3-none-any.whl"]
    assert second["origin"] == first["origin"]
    same = ca.seed(format="pypi", package="lib", version="1.0", assets={"lib-1.0.tar.gz": b"sdist"})
    assert same["revision"] == second["revision"]


# --------------------------------------------------------------------------- ListPackages


def _names(ca: Any, **kw: Any) -> list[tuple[str, str | None, str]]:
    return [(p["format"], p.get("namespace"), p["package"]) for p in ca.call("list_packages", **kw)["packages"]]


def test_list_packages_filters(ca: Any) -> None:
    for ns, name in [("types", "node"), ("typescript-eslint", "parser"), ("babel", "core"), (None, "react")]:
        ca.seed(format="npm", namespace=ns, package=name, version="1.0.0")
    ca.seed(format="pypi", package="requests", version="1.0")
    ca.seed(format="pypi", package="reportlab", version="1.0")
    ca.seed(format="maven", namespace="org.types", package="node", version="1.0")
    assert len(_names(ca)) == 7
    assert _names(ca, format="npm", namespace="type") == [
        ("npm", "types", "node"),
        ("npm", "typescript-eslint", "parser"),
    ]
    assert _names(ca, format="npm", namespace="types") == [
        ("npm", "types", "node"),
        ("npm", "typescript-eslint", "parser"),
    ]
    assert _names(ca, packagePrefix="re") == [
        ("npm", None, "react"),
        ("pypi", None, "reportlab"),
        ("pypi", None, "requests"),
    ]
    assert _names(ca, format="pypi", packagePrefix="req") == [("pypi", None, "requests")]
    assert _names(ca, namespace="org", packagePrefix="no") == [("maven", "org.types", "node")]
    with raises("ValidationException", 400):
        ca.call("list_packages", namespace="types")
    ca.call(
        "put_package_origin_configuration",
        format="pypi",
        package="requests",
        restrictions={"publish": "BLOCK", "upstream": "ALLOW"},
    )
    assert _names(ca, publish="BLOCK") == [("pypi", None, "requests")]
    assert _names(ca, upstream="ALLOW") == [("pypi", None, "requests")]
    assert len(_names(ca, publish="ALLOW", upstream="BLOCK")) == 6
    assert _names(ca, format="ruby") == []


def test_list_packages_pagination_and_empty_packages(ca: Any) -> None:
    for i in range(25):
        ca.seed(format="pypi", package=f"pkg-{i:02}", version="1.0")
    ca.call(
        "put_package_origin_configuration",
        format="cargo",
        package="empty",
        restrictions={"publish": "ALLOW", "upstream": "ALLOW"},
    )
    every = collect(ca.c.list_packages, "packages", domain=DOMAIN, repository=REPO, maxResults=4)
    assert [p["package"] for p in every] == ["empty"] + [f"pkg-{i:02}" for i in range(25)]
    default = ca.call("list_packages")
    assert len(default["packages"]) == 26 and "nextToken" not in default
    page = ca.call("list_packages", format="pypi", maxResults=10)
    with raises("ValidationException", 400):
        ca.call("list_packages", format="npm", maxResults=10, nextToken=page["nextToken"])
    paginator = ca.c.get_paginator("list_packages")
    pages = list(paginator.paginate(domain=DOMAIN, repository=REPO, format="pypi", PaginationConfig={"PageSize": 10}))
    assert [len(p["packages"]) for p in pages] == [10, 10, 5]


def test_list_packages_missing_repository(ca: Any) -> None:
    with raises("ResourceNotFoundException", 404, resourceType="repository"):
        ca.call("list_packages", repository="nope")


# --------------------------------------------------------------------------- ListPackageVersions


def _seed_versions(ca: Any) -> None:
    for i, (v, status) in enumerate(
        [
            ("1.10.0", "Published"),
            ("1.9.0", "Unlisted"),
            ("1.2.0", "Archived"),
            ("2.0.0", "Unfinished"),
            ("1.0.0", "Published"),
        ]
    ):
        ca.seed(
            format="maven",
            namespace="g",
            package="a",
            version=v,
            status=status,
            published_time=T0 + dt.timedelta(hours=i),
        )


def _list(ca: Any, **kw: Any) -> list[str]:
    out = ca.call("list_package_versions", format="maven", namespace="g", package="a", **kw)
    return [v["version"] for v in out["versions"]]


def test_list_versions_all_statuses_by_default_newest_first(ca: Any) -> None:
    _seed_versions(ca)
    assert _list(ca) == ["2.0.0", "1.10.0", "1.9.0", "1.2.0", "1.0.0"]
    assert _list(ca, status="Published") == ["1.10.0", "1.0.0"]
    assert _list(ca, status="Unfinished") == ["2.0.0"]
    assert _list(ca, status="Disposed") == []
    out = ca.call("list_package_versions", format="maven", namespace="g", package="a")
    assert out["format"] == "maven" and out["namespace"] == "g" and out["package"] == "a"
    assert out["defaultDisplayVersion"] == "1.0.0"
    first = out["versions"][0]
    assert set(first) == {"version", "revision", "status", "origin"}


def test_list_versions_sorted_by_published_time(ca: Any) -> None:
    _seed_versions(ca)
    assert _list(ca, sortBy="PUBLISHED_TIME") == ["1.0.0", "2.0.0", "1.2.0", "1.9.0", "1.10.0"]
    assert _list(ca, sortBy="PUBLISHED_TIME", status="Published") == ["1.0.0", "1.10.0"]
    got = collect(
        ca.c.list_package_versions,
        "versions",
        domain=DOMAIN,
        repository=REPO,
        format="maven",
        namespace="g",
        package="a",
        sortBy="PUBLISHED_TIME",
        maxResults=2,
    )
    assert [v["version"] for v in got] == ["1.0.0", "2.0.0", "1.2.0", "1.9.0", "1.10.0"]


def test_list_versions_pagination(ca: Any) -> None:
    for i in range(60):
        ca.seed(format="cargo", package="c", version=f"0.{i}.0")
    out = ca.call("list_package_versions", format="cargo", package="c")
    assert len(out["versions"]) == 50 and out["nextToken"]  # default page size 50
    every = collect(
        ca.c.list_package_versions,
        "versions",
        domain=DOMAIN,
        repository=REPO,
        format="cargo",
        package="c",
        maxResults=7,
    )
    assert [v["version"] for v in every] == [f"0.{i}.0" for i in reversed(range(60))]
    # A token survives the deletion of the item it points after.
    page = ca.call("list_package_versions", format="cargo", package="c", maxResults=10)
    assert page["versions"][-1]["version"] == "0.50.0"
    ca.call("delete_package_versions", format="cargo", package="c", versions=["0.50.0"])
    nxt = ca.call("list_package_versions", format="cargo", package="c", maxResults=10, nextToken=page["nextToken"])
    assert nxt["versions"][0]["version"] == "0.49.0"
    with raises("ValidationException", 400):
        ca.call("list_package_versions", format="cargo", package="c", status="Published", nextToken=page["nextToken"])
    with raises("ValidationException", 400):
        ca.call("list_package_versions", format="cargo", package="c", nextToken="not-a-token")


def test_list_versions_of_missing_and_empty_packages(ca: Any) -> None:
    with raises("ResourceNotFoundException", 404, resourceType="package"):
        ca.call("list_package_versions", format="ruby", package="nothing")
    ca.call(
        "put_package_origin_configuration",
        format="ruby",
        package="empty",
        restrictions={"publish": "ALLOW", "upstream": "ALLOW"},
    )
    out = ca.call("list_package_versions", format="ruby", package="empty")
    assert out["versions"] == [] and "defaultDisplayVersion" not in out


def test_seeding_works_with_a_backend_and_other_accounts(ca: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_codeartifact.seeding import add_package_version

    backend = ca.target.backend
    add_package_version(backend, domain=DOMAIN, repository=REPO, format="ruby", package="r", version="1")
    assert ca.call("describe_package", format="ruby", package="r")
    with pytest.raises(Exception) as info:
        add_package_version(
            backend, domain=DOMAIN, repository=REPO, format="ruby", package="r", version="2", account="111122223333"
        )
    assert type(info.value).__name__ == "ResourceNotFoundException"
    add_package_version(
        backend,
        domain=DOMAIN,
        repository=REPO,
        format="ruby",
        package="r",
        version="3",
        account="111122223333",
        domain_owner="123456789012",
    )
    assert {v["version"] for v in ca.call("list_package_versions", format="ruby", package="r")["versions"]} == {
        "1",
        "3",
    }
    with pytest.raises(TypeError):
        add_package_version(object(), domain=DOMAIN, repository=REPO, format="ruby", package="r", version="4")


def test_only_generic_and_maven_versions_can_be_unfinished(ca: Any) -> None:
    with pytest.raises(ValidationException):
        ca.seed(format="npm", package="x", version="1.0.0", status="Unfinished")
    out = ca.seed(
        format="maven", namespace="g", package="a", version="1.0", status="Unfinished", assets={"a.jar": b"j"}
    )
    assert out["status"] == "Unfinished"
    # Maven: more assets, then the version is finished (what maven-metadata.xml does).
    out = ca.seed(format="maven", namespace="g", package="a", version="1.0", assets={"a.pom": b"p"})
    assert out["status"] == "Published"
    assert [a["name"] for a in out["assets"]] == ["a.jar", "a.pom"]


def test_publishing_a_version_an_upstream_has_is_a_conflict_when_upstream_is_allowed(ca: Any) -> None:
    ca.c.update_repository(domain=DOMAIN, repository=REPO, upstreams=[{"repositoryName": "other"}])
    ca.seed(repository="other", format="npm", package="lib", version="1.0.0")
    ca.seed(format="npm", package="lib", version="0.9.0")  # publish ALLOW, upstream BLOCK: no upstream check
    ca.seed(format="npm", package="lib", version="1.0.0")
    ca.call(
        "put_package_origin_configuration",
        format="npm",
        package="lib",
        restrictions={"publish": "ALLOW", "upstream": "ALLOW"},
    )
    ca.seed(repository="other", format="npm", package="lib", version="2.0.0")
    with pytest.raises(ConflictException):
        ca.seed(format="npm", package="lib", version="2.0.0")
    ca.seed(format="npm", package="lib", version="3.0.0")
    versions = [v["version"] for v in ca.call("list_package_versions", format="npm", package="lib")["versions"]]
    assert versions == ["3.0.0", "1.0.0", "0.9.0"]


def test_list_packages_filters_are_normalized_like_api_inputs_for_swift_and_nuget(ca: Any) -> None:
    ca.seed(format="swift", namespace="Apple", package="Swift-Log", version="1.0.0")
    ca.seed(format="nuget", package="Newtonsoft.Json", version="13.0.1")
    assert _names(ca, format="swift", namespace="APP", packagePrefix="Swift") == [("swift", "apple", "swift-log")]
    assert _names(ca, format="nuget", packagePrefix="NewtonSoft") == [("nuget", None, "newtonsoft.json")]
    assert _names(ca, format="pypi", packagePrefix="Newtonsoft") == []
