"""Package-group origin controls, enforced where versions enter repositories; ListAssociatedPackages.

Reference §10.4 (a weak match blocks), §10.5 (restriction types and modes, both layers gate) and §13 (a
blocked publish is a ConflictException).
"""

from __future__ import annotations

import hashlib
from typing import Any

import boto3
import pytest
import requests

from mock_codeartifact import mock_codeartifact
from mock_codeartifact.seeding import add_package_version
from tests.support.control_plane import all_pages, raises

DOMAIN = "origin-domain"
ALLOW_ALL = {"publish": "ALLOW", "upstream": "ALLOW"}


@pytest.fixture
def domain(client):
    client.create_domain(domain=DOMAIN)
    for repo in ("repo-a", "repo-b"):
        client.create_repository(domain=DOMAIN, repository=repo)
    return DOMAIN


def publish(client: Any, repository: str, namespace: str, package: str, version: str = "1.0.0") -> dict[str, Any]:
    data = f"{namespace}/{package}@{version}".encode()
    return client.publish_package_version(
        domain=DOMAIN,
        repository=repository,
        format="generic",
        namespace=namespace,
        package=package,
        packageVersion=version,
        assetContent=data,
        assetName="asset.bin",
        assetSHA256=hashlib.sha256(data).hexdigest(),
    )


def set_modes(client: Any, pattern: str, **restrictions: str) -> None:
    client.update_package_group_origin_configuration(domain=DOMAIN, packageGroup=pattern, restrictions=restrictions)


def versions(client: Any, repository: str, namespace: str, package: str) -> list[str]:
    out = client.list_package_versions(
        domain=DOMAIN, repository=repository, format="generic", namespace=namespace, package=package
    )
    return [v["version"] for v in out["versions"]]


def assert_blocked(client: Any, repository: str, namespace: str, package: str, fragment: str) -> None:
    with raises("ConflictException", 409, fragment):
        publish(client, repository, namespace, package)


# --- PUBLISH -----------------------------------------------------------------------------------------------------


def test_publish_blocked_by_group(client, domain):
    client.create_package_group(domain=domain, packageGroup="/generic/tools/*")
    set_modes(client, "/generic/tools/*", PUBLISH="BLOCK")
    assert_blocked(client, "repo-a", "tools", "cli", "/generic/tools/*")
    # Nothing was stored: no package, no version.
    assert client.list_packages(domain=domain, repository="repo-a")["packages"] == []
    # Other packages are not affected.
    assert publish(client, "repo-a", "libs", "cli")["status"] == "Published"
    # Changing the group takes effect at once.
    set_modes(client, "/generic/tools/*", PUBLISH="ALLOW")
    assert publish(client, "repo-a", "tools", "cli")["version"] == "1.0.0"


def test_publish_allowed_for_specific_repositories(client, domain):
    client.create_package_group(domain=domain, packageGroup="/generic/tools/*")
    client.update_package_group_origin_configuration(
        domain=domain,
        packageGroup="/generic/tools/*",
        restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"},
        addAllowedRepositories=[{"originRestrictionType": "PUBLISH", "repositoryName": "repo-a"}],
    )
    assert publish(client, "repo-a", "tools", "cli")["status"] == "Published"
    assert_blocked(client, "repo-b", "tools", "cli", "repo-b")
    # An allowed list for another restriction type does not count for PUBLISH.
    client.update_package_group_origin_configuration(
        domain=domain,
        packageGroup="/generic/tools/*",
        addAllowedRepositories=[{"originRestrictionType": "INTERNAL_UPSTREAM", "repositoryName": "repo-b"}],
    )
    assert_blocked(client, "repo-b", "tools", "cli", "repo-b")
    assert versions(client, "repo-a", "tools", "cli") == ["1.0.0"]


def test_publish_follows_the_inheritance_chain(client, domain):
    for pattern in ("/generic/*", "/generic/tools/*", "/generic/tools/cli~"):
        client.create_package_group(domain=domain, packageGroup=pattern)
    set_modes(client, "/*", PUBLISH="BLOCK")
    assert_blocked(client, "repo-a", "tools", "cli-x", "/generic/tools/cli~")
    set_modes(client, "/generic/tools/*", PUBLISH="ALLOW")
    assert publish(client, "repo-a", "tools", "cli-x")["status"] == "Published"
    assert publish(client, "repo-a", "tools", "other")["status"] == "Published"
    assert_blocked(client, "repo-a", "libs", "other", "/generic/*")
    # Inherited ALLOW_SPECIFIC_REPOSITORIES uses the list of the group it is inherited from.
    client.update_package_group_origin_configuration(
        domain=domain,
        packageGroup="/generic/*",
        restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"},
        addAllowedRepositories=[{"originRestrictionType": "PUBLISH", "repositoryName": "repo-b"}],
    )
    assert publish(client, "repo-b", "libs", "other")["status"] == "Published"
    assert_blocked(client, "repo-a", "libs", "other", "repo-a")
    # Deleting the group that allowed tools/* hands its packages back to the stricter parent.
    client.delete_package_group(domain=domain, packageGroup="/generic/tools/*")
    assert_blocked(client, "repo-a", "tools", "cli-x", "repo-a")


def test_weak_association_blocks(client, domain):
    # The group allows publishing, but a variation of its name is blocked rather than rolled up to /*.
    client.create_package_group(domain=domain, packageGroup="/generic/tools/my-cli$")
    set_modes(client, "/generic/tools/my-cli$", PUBLISH="ALLOW")
    for variant in ("My-CLI", "my_cli", "my.cli", "MY--CLI"):
        assert_blocked(client, "repo-a", "tools", variant, "weak")
    assert publish(client, "repo-a", "tools", "my-cli")["status"] == "Published"
    assert publish(client, "repo-a", "tools", "mycli")["status"] == "Published"  # not a variation
    associated = client.get_associated_package_group(
        domain=domain, format="generic", namespace="tools", package="my_cli"
    )
    assert associated["associationType"] == "WEAK"


def test_package_and_group_controls_both_gate(client, domain):
    client.create_package_group(domain=domain, packageGroup="/generic/tools/*")
    put = client.put_package_origin_configuration
    # Package BLOCK, group ALLOW: blocked (by the package).
    put(
        domain=domain,
        repository="repo-a",
        format="generic",
        namespace="tools",
        package="cli",
        restrictions={"publish": "BLOCK", "upstream": "ALLOW"},
    )
    with raises("ConflictException", 409):
        publish(client, "repo-a", "tools", "cli")
    # Package ALLOW, group BLOCK: blocked (by the group).
    put(domain=domain, repository="repo-a", format="generic", namespace="tools", package="cli", restrictions=ALLOW_ALL)
    set_modes(client, "/generic/tools/*", PUBLISH="BLOCK")
    assert_blocked(client, "repo-a", "tools", "cli", "/generic/tools/*")
    # Both ALLOW: published.
    set_modes(client, "/generic/tools/*", PUBLISH="INHERIT")
    assert publish(client, "repo-a", "tools", "cli")["status"] == "Published"


def test_other_restriction_types_do_not_gate_publishing(client, domain):
    set_modes(client, "/*", EXTERNAL_UPSTREAM="BLOCK", INTERNAL_UPSTREAM="BLOCK")
    assert publish(client, "repo-a", "tools", "cli")["status"] == "Published"


# --- EXTERNAL_UPSTREAM (ingestion through an external connection, via the seeding API) ---------------------------


@pytest.fixture
def mocked(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    with mock_codeartifact() as m:
        client = boto3.client("codeartifact", region_name="us-east-1")
        client.create_domain(domain=DOMAIN)
        for repo in ("repo-a", "repo-b"):
            client.create_repository(domain=DOMAIN, repository=repo)
        client.associate_external_connection(domain=DOMAIN, repository="repo-a", externalConnection="public:npmjs")
        client.associate_external_connection(domain=DOMAIN, repository="repo-b", externalConnection="public:npmjs")
        yield m, client


def ingest(m: Any, repository: str, package: str) -> dict[str, Any]:
    return add_package_version(
        m,
        domain=DOMAIN,
        repository=repository,
        format="npm",
        package=package,
        version="1.0.0",
        assets={f"{package}-1.0.0.tgz": b"tarball"},
        origin_type="EXTERNAL",
    )


def test_external_upstream_gates_ingestion(mocked):
    m, client = mocked
    client.create_package_group(domain=DOMAIN, packageGroup="/npm/*")
    client.update_package_group_origin_configuration(
        domain=DOMAIN,
        packageGroup="/npm/*",
        restrictions={"EXTERNAL_UPSTREAM": "ALLOW_SPECIFIC_REPOSITORIES", "PUBLISH": "BLOCK"},
        addAllowedRepositories=[{"originRestrictionType": "EXTERNAL_UPSTREAM", "repositoryName": "repo-a"}],
    )
    assert ingest(m, "repo-a", "lodash")["version"] == "1.0.0"
    with pytest.raises(Exception) as info:
        ingest(m, "repo-b", "lodash")
    assert type(info.value).__name__ == "ConflictException" and "/npm/*" in str(info.value)
    assert client.list_packages(domain=DOMAIN, repository="repo-b")["packages"] == []
    # PUBLISH=BLOCK does not stop ingestion; EXTERNAL_UPSTREAM=BLOCK does.
    client.update_package_group_origin_configuration(
        domain=DOMAIN, packageGroup="/npm/*", restrictions={"EXTERNAL_UPSTREAM": "BLOCK"}
    )
    with pytest.raises(Exception) as info:
        ingest(m, "repo-a", "react")
    assert type(info.value).__name__ == "ConflictException"


# --- ListAssociatedPackages --------------------------------------------------------------------------------------


def make_package(client: Any, repository: str, fmt: str, namespace: str | None, package: str) -> None:
    kwargs = {"namespace": namespace} if namespace is not None else {}
    client.put_package_origin_configuration(
        domain=DOMAIN, repository=repository, format=fmt, package=package, restrictions=ALLOW_ALL, **kwargs
    )


PACKAGES = [
    ("repo-a", "npm", None, "lodash"),
    ("repo-b", "npm", None, "lodash"),  # the same package in two repositories is listed once
    ("repo-a", "npm", "space", "ui"),
    ("repo-a", "npm", "space", "ui-kit"),
    ("repo-b", "npm", "space", "UI_Kit_Button"),
    ("repo-a", "npm", "space", "ui-kit-button"),
    ("repo-a", "pypi", None, "requests"),
    ("repo-b", "maven", "org.example", "lib"),
]


def associated_packages(client: Any, pattern: str, **kwargs: Any) -> list[tuple[str, str | None, str, str]]:
    items, _ = all_pages(client.list_associated_packages, "packages", domain=DOMAIN, packageGroup=pattern, **kwargs)
    return [(p["format"], p.get("namespace"), p["package"], p["associationType"]) for p in items]


def test_list_associated_packages(client, domain):
    for repo, fmt, ns, name in PACKAGES:
        make_package(client, repo, fmt, ns, name)
    for pattern in ("/npm/*", "/npm/space/*", "/npm/space/ui-kit-button$"):
        client.create_package_group(domain=domain, packageGroup=pattern)
    assert associated_packages(client, "/*") == [
        ("maven", "org.example", "lib", "STRONG"),
        ("pypi", None, "requests", "STRONG"),
    ]
    assert associated_packages(client, "/npm/*") == [("npm", None, "lodash", "STRONG")]
    assert associated_packages(client, "/npm/space/*") == [
        ("npm", "space", "ui", "STRONG"),
        ("npm", "space", "ui-kit", "STRONG"),
    ]
    assert associated_packages(client, "/npm/space/ui-kit-button$") == [
        ("npm", "space", "UI_Kit_Button", "WEAK"),
        ("npm", "space", "ui-kit-button", "STRONG"),
    ]
    page = client.list_associated_packages(domain=domain, packageGroup="/npm/space/*", maxResults=1)
    assert len(page["packages"]) == 1 and "nextToken" in page
    # After deleting a group, its packages belong to its parent.
    client.delete_package_group(domain=domain, packageGroup="/npm/space/ui-kit-button$")
    assert [p[2] for p in associated_packages(client, "/npm/space/*")] == [
        "UI_Kit_Button",
        "ui",
        "ui-kit",
        "ui-kit-button",
    ]


def test_list_associated_packages_preview(client, domain):
    for repo, fmt, ns, name in PACKAGES:
        make_package(client, repo, fmt, ns, name)
    client.create_package_group(domain=domain, packageGroup="/npm/space/ui-kit-button$")
    # Which packages a group would take if it were created; more specific groups keep theirs.
    assert associated_packages(client, "/npm/space/ui~", preview=True) == [
        ("npm", "space", "ui", "STRONG"),
        ("npm", "space", "ui-kit", "STRONG"),
    ]
    assert associated_packages(client, "/npm/*", preview=True) == [
        ("npm", None, "lodash", "STRONG"),
        ("npm", "space", "ui", "STRONG"),
        ("npm", "space", "ui-kit", "STRONG"),
    ]
    assert associated_packages(client, "/npm//LODASH$", preview=True) == [("npm", None, "lodash", "WEAK")]
    assert associated_packages(client, "/cargo/*", preview=True) == []
    # Nothing was created by previewing.
    with raises("ResourceNotFoundException", 404):
        client.describe_package_group(domain=domain, packageGroup="/npm/*")
    # For an existing group, preview answers like the plain call.
    assert associated_packages(client, "/npm/space/ui-kit-button$", preview=True) == associated_packages(
        client, "/npm/space/ui-kit-button$"
    )


# --- INTERNAL_UPSTREAM (retention from an upstream repository, through a package manager's download) ------------


@pytest.fixture
def chain(shared_server, monkeypatch):
    """A server with repository ``down`` whose upstream is ``up``; ``up`` holds pypi package tiny 1.0."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID", raising=False)
    shared_server.reset()
    client = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=shared_server.endpoint_url)
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository="up")
    client.create_repository(domain=DOMAIN, repository="down", upstreams=[{"repositoryName": "up"}])
    client.create_repository(domain=DOMAIN, repository="other", upstreams=[{"repositoryName": "up"}])
    add_package_version(
        shared_server,
        domain=DOMAIN,
        repository="up",
        format="pypi",
        package="tiny",
        version="1.0",
        assets={"tiny-1.0.tar.gz": b"not really a tarball"},
    )
    token = client.get_authorization_token(domain=DOMAIN)["authorizationToken"]
    return client, token


def download(client: Any, token: str, repository: str) -> int:
    endpoint = client.get_repository_endpoint(domain=DOMAIN, repository=repository, format="pypi")
    url = endpoint["repositoryEndpoint"] + "simple/tiny/1.0/tiny-1.0.tar.gz"
    return requests.get(url, auth=("aws", token), timeout=30).status_code


def retained(client: Any, repository: str) -> list[str]:
    out = client.list_packages(domain=DOMAIN, repository=repository, format="pypi")
    return [p["package"] for p in out["packages"]]


def test_internal_upstream_gates_retention(chain):
    client, token = chain
    client.create_package_group(domain=DOMAIN, packageGroup="/pypi//tiny$")
    client.update_package_group_origin_configuration(
        domain=DOMAIN,
        packageGroup="/pypi//tiny$",
        restrictions={"INTERNAL_UPSTREAM": "ALLOW_SPECIFIC_REPOSITORIES", "PUBLISH": "BLOCK"},
        addAllowedRepositories=[{"originRestrictionType": "INTERNAL_UPSTREAM", "repositoryName": "down"}],
    )
    assert download(client, token, "other") == 404
    assert retained(client, "other") == []
    assert download(client, token, "down") == 200
    assert retained(client, "down") == ["tiny"]
    client.update_package_group_origin_configuration(
        domain=DOMAIN, packageGroup="/pypi//tiny$", restrictions={"INTERNAL_UPSTREAM": "ALLOW"}
    )
    assert download(client, token, "other") == 200
    assert retained(client, "other") == ["tiny"]
