"""A varied world for the state tests: two accounts, two regions, every kind of state the mock keeps."""

from __future__ import annotations

import hashlib
from typing import Any

from mock_codeartifact.external import external_registry
from mock_codeartifact.seeding import add_package_version

OTHER_ACCOUNT = "210987654321"
POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},'
    '"Action":"codeartifact:*","Resource":"*"}]}'
)


def publish(
    client: Any, repository: str, package: str, version: str, content: bytes, asset: str | None = None, **extra: Any
) -> dict[str, Any]:
    result: dict[str, Any] = client.publish_package_version(
        domain="acme",
        repository=repository,
        format="generic",
        namespace="tools",
        package=package,
        packageVersion=version,
        assetContent=content,
        assetName=asset or f"{package}-{version}.bin",
        assetSHA256=hashlib.sha256(content).hexdigest(),
        **extra,
    )
    return result


def build_world(make_client: Any, target: Any) -> None:
    """Domains, repositories with upstreams and an external connection, policies, tags, package groups with
    origin controls, generic versions (shared bytes, unfinished, disposed, deleted, copied), npm and pypi
    versions with metadata and dist-tags, a token, and a stand-in public registry."""
    c = make_client()
    c.create_domain(domain="acme", tags=[{"key": "team", "value": "platform"}])
    c.create_repository(domain="acme", repository="store")
    c.associate_external_connection(domain="acme", repository="store", externalConnection="public:npmjs")
    c.create_repository(domain="acme", repository="team", upstreams=[{"repositoryName": "store"}], description="d")
    c.create_repository(domain="acme", repository="scratch")
    c.put_domain_permissions_policy(domain="acme", policyDocument=POLICY)
    c.put_repository_permissions_policy(domain="acme", repository="team", policyDocument=POLICY)
    c.tag_resource(
        resourceArn=c.describe_repository(domain="acme", repository="team")["repository"]["arn"],
        tags=[{"key": "cost", "value": "42"}],
    )
    c.create_package_group(domain="acme", packageGroup="/generic/tools/*", description="tools")
    c.create_package_group(domain="acme", packageGroup="/npm/*", tags=[{"key": "k", "value": "v"}])
    c.update_package_group_origin_configuration(
        domain="acme",
        packageGroup="/npm/*",
        restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"},
        addAllowedRepositories=[{"originRestrictionType": "PUBLISH", "repositoryName": "team"}],
    )
    shared = b"shared bytes " * 50
    for i in range(5):
        publish(c, "team", "hammer", f"1.{i}.0", shared if i % 2 else f"hammer {i}".encode())
    publish(c, "team", "saw", "0.1", b"unfinished", unfinished=True)
    publish(c, "scratch", "hammer", "9.9", shared)
    publish(c, "scratch", "drill", "1.0", b"to be deleted")
    publish(c, "scratch", "drill", "2.0", b"to be disposed")
    coords = dict(domain="acme", format="generic", namespace="tools")
    c.delete_package_versions(repository="scratch", package="drill", versions=["1.0"], **coords)
    c.dispose_package_versions(repository="scratch", package="drill", versions=["2.0"], **coords)
    c.copy_package_versions(
        sourceRepository="team", destinationRepository="scratch", package="hammer", versions=["1.1.0"], **coords
    )
    c.update_package_versions_status(
        repository="team", package="hammer", versions=["1.0.0"], targetStatus="Archived", **coords
    )
    add_package_version(
        target,
        domain="acme",
        repository="team",
        format="npm",
        namespace="acme",
        package="ui",
        version="2.0.0",
        assets={"package.tgz": b"npm tarball"},
        readme="# ui",
        dependencies=[{"package": "react", "versionRequirement": "^18"}],
        licenses=[{"name": "MIT"}],
        npm_tags=["latest", "next"],
    )
    add_package_version(
        target,
        domain="acme",
        repository="store",
        format="pypi",
        package="Left_Pad",
        version="1.0",
        assets={"left_pad-1.0.tar.gz": shared},
        summary="pads",
        origin_type="EXTERNAL",
    )
    c.get_authorization_token(domain="acme")
    external_registry(target).add_package_version(
        "public:npmjs", package="left-pad", version="1.3.0", assets={"package.tgz": b"left pad tarball"}
    )
    west = make_client(region="us-west-2")
    west.create_domain(domain="west")
    west.create_repository(domain="west", repository="rr")
    publish_west = dict(domain="west", repository="rr", format="generic", namespace="n", package="p")
    west.publish_package_version(
        packageVersion="1",
        assetContent=shared,
        assetName="a",
        assetSHA256=hashlib.sha256(shared).hexdigest(),
        **publish_west,
    )


def state_view(backend: Any) -> Any:
    """Everything the backend holds, by the full-state walker of tests/support/backend_snapshot.py, with the asset store's
    reference tables in a canonical order (their insertion order is history nobody can observe)."""
    from tests.support.backend_snapshot import snapshot_backend

    tag, states, others = snapshot_backend(backend)
    blobs, refs, domains = backend.assets.holdings()
    canonical = (
        sorted((sha, b.size, sorted(b.hashes.items())) for sha, b in blobs.items()),
        sorted(refs.items()),
        sorted((d.owner, d.region, d.name, sorted(c.items())) for d, c in domains),
    )
    return (tag, states, [(k, canonical if k == "assets" else v) for k, v in others])
