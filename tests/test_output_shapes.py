"""Every operation of the model, called once, answers what botocore's output shape describes.

``SCENARIOS`` maps an operation name to a function ``(client) -> response`` that makes that call (creating
whatever it needs, with names of its own, inside the shared world of ``build_world``). Helpers of other areas
add their operations with ``@scenario("OperationName")``. Each response is checked twice:

* the parsed response (without ``ResponseMetadata``) with ``botocore.validate.ParamValidator`` against the
  output shape: required members, types, minimums;
* the raw JSON body on the wire: no member the shape does not have, timestamps as epoch-second numbers,
  integers as integers, booleans as booleans.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.model import Shape
from botocore.validate import ParamValidator

from mock_codeartifact.dispatch import Dispatcher, codec
from tests.support.control_plane import POLICY

MODEL = botocore.session.get_session().get_service_model("codeartifact")
IMPLEMENTED = set(Dispatcher(None, codec()).handlers)  # type: ignore[arg-type]
MISSING_HANDLERS = sorted(set(MODEL.operation_names) - IMPLEMENTED)

Scenario = Callable[[Any], dict[str, Any]]
SCENARIOS: dict[str, Scenario] = {}

D = "shapes"  # the shared domain
ARN_PREFIX = "arn:aws:codeartifact:us-east-1:123456789012"


def scenario(operation: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        assert operation in MODEL.operation_names, operation
        SCENARIOS[operation] = fn
        return fn

    return register


def build_world(client: Any) -> None:
    """Domain ``shapes`` with repositories ``base`` (tagged, with a policy), ``store`` (external connection)
    and ``team`` (upstream ``base``); a domain policy."""
    client.create_domain(domain=D, tags=[{"key": "k", "value": "v"}])
    client.create_repository(domain=D, repository="base", description="base repo", tags=[{"key": "k", "value": "v"}])
    client.create_repository(domain=D, repository="store")
    client.associate_external_connection(domain=D, repository="store", externalConnection="public:npmjs")
    client.create_repository(domain=D, repository="team", upstreams=[{"repositoryName": "base"}])
    client.put_domain_permissions_policy(domain=D, policyDocument=POLICY)
    client.put_repository_permissions_policy(domain=D, repository="base", policyDocument=POLICY)


# --------------------------------------------------------------------------- the foundation's 23 operations


@scenario("CreateDomain")
def _(c: Any) -> dict[str, Any]:
    return c.create_domain(domain="created", encryptionKey="alias/k", tags=[{"key": "a", "value": "b"}])


@scenario("DescribeDomain")
def _(c: Any) -> dict[str, Any]:
    return c.describe_domain(domain=D)


@scenario("DeleteDomain")
def _(c: Any) -> dict[str, Any]:
    c.create_domain(domain="to-delete")
    return c.delete_domain(domain="to-delete")


@scenario("ListDomains")
def _(c: Any) -> dict[str, Any]:
    c.create_domain(domain="zz-listed")
    return c.list_domains(maxResults=1)


@scenario("CreateRepository")
def _(c: Any) -> dict[str, Any]:
    return c.create_repository(
        domain=D, repository="created", description="d", upstreams=[{"repositoryName": "base"}], tags=[]
    )


@scenario("DescribeRepository")
def _(c: Any) -> dict[str, Any]:
    return c.describe_repository(domain=D, repository="team")


@scenario("UpdateRepository")
def _(c: Any) -> dict[str, Any]:
    return c.update_repository(domain=D, repository="team", description="new", upstreams=[{"repositoryName": "base"}])


@scenario("DeleteRepository")
def _(c: Any) -> dict[str, Any]:
    c.create_repository(domain=D, repository="to-delete", description="bye")
    return c.delete_repository(domain=D, repository="to-delete")


@scenario("ListRepositories")
def _(c: Any) -> dict[str, Any]:
    return c.list_repositories(maxResults=2)


@scenario("ListRepositoriesInDomain")
def _(c: Any) -> dict[str, Any]:
    return c.list_repositories_in_domain(domain=D, maxResults=2, administratorAccount="123456789012")


@scenario("AssociateExternalConnection")
def _(c: Any) -> dict[str, Any]:
    c.create_repository(domain=D, repository="pypi-store")
    return c.associate_external_connection(domain=D, repository="pypi-store", externalConnection="public:pypi")


@scenario("DisassociateExternalConnection")
def _(c: Any) -> dict[str, Any]:
    c.create_repository(domain=D, repository="maven-store")
    c.associate_external_connection(domain=D, repository="maven-store", externalConnection="public:maven-central")
    return c.disassociate_external_connection(
        domain=D, repository="maven-store", externalConnection="public:maven-central"
    )


@scenario("PutDomainPermissionsPolicy")
def _(c: Any) -> dict[str, Any]:
    c.create_domain(domain="with-policy")
    return c.put_domain_permissions_policy(domain="with-policy", policyDocument=POLICY)


@scenario("GetDomainPermissionsPolicy")
def _(c: Any) -> dict[str, Any]:
    return c.get_domain_permissions_policy(domain=D)


@scenario("DeleteDomainPermissionsPolicy")
def _(c: Any) -> dict[str, Any]:
    c.create_domain(domain="drop-policy")
    c.put_domain_permissions_policy(domain="drop-policy", policyDocument=POLICY)
    return c.delete_domain_permissions_policy(domain="drop-policy")


@scenario("PutRepositoryPermissionsPolicy")
def _(c: Any) -> dict[str, Any]:
    return c.put_repository_permissions_policy(domain=D, repository="store", policyDocument=POLICY)


@scenario("GetRepositoryPermissionsPolicy")
def _(c: Any) -> dict[str, Any]:
    return c.get_repository_permissions_policy(domain=D, repository="base")


@scenario("DeleteRepositoryPermissionsPolicy")
def _(c: Any) -> dict[str, Any]:
    c.create_repository(domain=D, repository="drop-policy")
    c.put_repository_permissions_policy(domain=D, repository="drop-policy", policyDocument=POLICY)
    return c.delete_repository_permissions_policy(domain=D, repository="drop-policy")


@scenario("GetAuthorizationToken")
def _(c: Any) -> dict[str, Any]:
    return c.get_authorization_token(domain=D, durationSeconds=900)


@scenario("GetRepositoryEndpoint")
def _(c: Any) -> dict[str, Any]:
    return c.get_repository_endpoint(domain=D, repository="base", format="pypi", endpointType="dualstack")


@scenario("TagResource")
def _(c: Any) -> dict[str, Any]:
    return c.tag_resource(resourceArn=f"{ARN_PREFIX}:repository/{D}/base", tags=[{"key": "x", "value": "y"}])


@scenario("UntagResource")
def _(c: Any) -> dict[str, Any]:
    return c.untag_resource(resourceArn=f"{ARN_PREFIX}:domain/{D}", tagKeys=["k"])


@scenario("ListTagsForResource")
def _(c: Any) -> dict[str, Any]:
    return c.list_tags_for_resource(resourceArn=f"{ARN_PREFIX}:repository/{D}/base")


# --------------------------------------------------------------------------- the checks


def parsed_problems(response: dict[str, Any], shape: Shape | None) -> list[str]:
    """botocore's own validator, applied to the parsed output."""
    out = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if shape is None:
        return [f"unexpected output {out}"] if out else []
    report = ParamValidator().validate(out, shape)
    return [report.generate_report()] if report.has_errors() else []


def wire_problems(value: Any, shape: Shape, path: str = "") -> list[str]:
    """The raw JSON body against the shape: no unknown members, JSON types as rest-json sends them."""
    kind = shape.type_name
    where = path or "<body>"
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {value!r}"]
        problems = []
        body_members = {
            m.serialization.get("name", n): m for n, m in shape.members.items() if "location" not in m.serialization
        }
        for key, item in value.items():
            member = body_members.get(key)
            if member is None:
                problems.append(f"{where}: member {key!r} is not in {shape.name}")
            else:
                problems.extend(wire_problems(item, member, f"{path}.{key}" if path else key))
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [p for i, item in enumerate(value) for p in wire_problems(item, shape.member, f"{path}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        return [p for k, item in value.items() for p in wire_problems(item, shape.value, f"{path}.{k}")]
    expected: tuple[type, ...] = {
        "string": (str,),
        "timestamp": (int, float),  # epoch seconds: no timestampFormat in the model
        "integer": (int,),
        "long": (int,),
        "boolean": (bool,),
        "double": (int, float),
        "float": (int, float),
    }.get(kind, (object,))
    if not isinstance(value, expected) or (kind in ("integer", "long", "timestamp") and isinstance(value, bool)):
        return [f"{where}: {value!r} is not a JSON {kind}"]
    return []


def check(operation: str, response: dict[str, Any], raw_body: bytes) -> list[str]:
    shape = MODEL.operation_model(operation).output_shape
    problems = parsed_problems(response, shape)
    if shape is not None and shape.serialization.get("payload") is None:
        if raw_body:
            problems += wire_problems(json.loads(raw_body), shape)
        elif shape.members:
            problems.append("empty body for an output with members")
    return [f"{operation}: {p}" for p in problems]


def test_every_response_matches_its_output_shape(client):
    raw: dict[str, bytes] = {}

    def capture(http_response: Any, model: Any, **kwargs: Any) -> None:
        raw[model.name] = http_response.content if not model.has_streaming_output else b""

    client.meta.events.register("after-call.codeartifact", capture)
    build_world(client)
    problems: list[str] = []
    called = []
    for operation, make_call in SCENARIOS.items():
        response = make_call(client)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200, operation
        problems += check(operation, response, raw[operation])
        called.append(operation)
    assert not problems, "\n".join(problems)
    assert sorted(called) == sorted(MODEL.operation_names)


def test_the_checks_catch_broken_responses():
    # A check that cannot fail proves nothing: feed it broken answers.
    tags = {"tags": [{"key": "k"}]}  # Tag.value is required
    assert any("value" in p for p in check("ListTagsForResource", tags, json.dumps(tags).encode()))
    domain = {"domain": {"name": "d", "repositoryCount": "3"}}  # wrong type
    assert check("DescribeDomain", domain, json.dumps(domain).encode())
    ok = {"domain": {"name": "d", "repositoryCount": 3, "createdTime": 1700000000.5}}
    assert not wire_problems(ok, MODEL.operation_model("DescribeDomain").output_shape)
    extra = {"domain": {"name": "d", "color": "blue"}}  # a member the model does not have
    assert wire_problems(extra, MODEL.operation_model("DescribeDomain").output_shape)
    iso = {"domain": {"createdTime": "2024-01-01T00:00:00Z"}}  # rest-json sends epoch seconds
    assert wire_problems(iso, MODEL.operation_model("DescribeDomain").output_shape)
    assert check("TagResource", {"unexpected": 1}, b"")


def test_every_operation_of_the_model_has_a_scenario():
    assert sorted(set(MODEL.operation_names) - set(SCENARIOS)) == []


def test_every_operation_of_the_model_has_a_backend_handler():
    assert len(MODEL.operation_names) == 48
    assert MISSING_HANDLERS == []


# --------------------------------------------------------------------------- package groups


@scenario("CreatePackageGroup")
def _(c: Any) -> dict[str, Any]:
    return c.create_package_group(
        domain=D, packageGroup="/npm/created/*", contactInfo="c", description="d", tags=[{"key": "a", "value": "b"}]
    )


@scenario("DescribePackageGroup")
def _(c: Any) -> dict[str, Any]:
    c.create_package_group(domain=D, packageGroup="/npm/described/*")
    return c.describe_package_group(domain=D, packageGroup="/npm/described/*")


@scenario("UpdatePackageGroup")
def _(c: Any) -> dict[str, Any]:
    c.create_package_group(domain=D, packageGroup="/npm/updated/*")
    return c.update_package_group(domain=D, packageGroup="/npm/updated/*", contactInfo="c", description="d")


@scenario("UpdatePackageGroupOriginConfiguration")
def _(c: Any) -> dict[str, Any]:
    c.create_package_group(domain=D, packageGroup="/npm/origin/*")
    return c.update_package_group_origin_configuration(
        domain=D,
        packageGroup="/npm/origin/*",
        restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES", "EXTERNAL_UPSTREAM": "BLOCK"},
        addAllowedRepositories=[{"originRestrictionType": "PUBLISH", "repositoryName": "base"}],
        removeAllowedRepositories=[{"originRestrictionType": "INTERNAL_UPSTREAM", "repositoryName": "team"}],
    )


@scenario("DeletePackageGroup")
def _(c: Any) -> dict[str, Any]:
    c.create_package_group(domain=D, packageGroup="/npm/deleted/*", description="bye")
    return c.delete_package_group(domain=D, packageGroup="/npm/deleted/*")


@scenario("ListPackageGroups")
def _(c: Any) -> dict[str, Any]:
    return c.list_package_groups(domain=D, maxResults=2, prefix="/")


@scenario("ListSubPackageGroups")
def _(c: Any) -> dict[str, Any]:
    c.create_package_group(domain=D, packageGroup="/pypi/*")
    c.create_package_group(domain=D, packageGroup="/pypi//sub$")
    return c.list_sub_package_groups(domain=D, packageGroup="/pypi/*", maxResults=1)


@scenario("GetAssociatedPackageGroup")
def _(c: Any) -> dict[str, Any]:
    c.create_package_group(domain=D, packageGroup="/npm/assoc/lib~")
    return c.get_associated_package_group(domain=D, format="npm", namespace="assoc", package="Lib-Core")


@scenario("ListAllowedRepositoriesForGroup")
def _(c: Any) -> dict[str, Any]:
    c.create_package_group(domain=D, packageGroup="/maven/allowed~")
    c.update_package_group_origin_configuration(
        domain=D,
        packageGroup="/maven/allowed~",
        addAllowedRepositories=[
            {"originRestrictionType": "INTERNAL_UPSTREAM", "repositoryName": n} for n in ("base", "team")
        ],
    )
    return c.list_allowed_repositories_for_group(
        domain=D, packageGroup="/maven/allowed~", originRestrictionType="INTERNAL_UPSTREAM", maxResults=1
    )


@scenario("ListAssociatedPackages")
def _(c: Any) -> dict[str, Any]:
    for ns, name in (("assoc", "lib-a"), (None, "unscoped")):
        kwargs = {"namespace": ns} if ns else {}
        c.put_package_origin_configuration(
            domain=D,
            repository="base",
            format="npm",
            package=name,
            restrictions={"publish": "ALLOW", "upstream": "ALLOW"},
            **kwargs,
        )
    return c.list_associated_packages(domain=D, packageGroup="/npm/*", preview=True, maxResults=1)


# --------------------------------------------------------------------------- packages and package versions

_GENERIC = {"domain": D, "repository": "base", "format": "generic", "namespace": "shapes"}


def _publish(c: Any, package: str, version: str, asset: str = "a.txt", unfinished: bool = False) -> dict[str, Any]:
    import hashlib

    data = f"{package} {version} {asset}".encode()
    extra = {"unfinished": True} if unfinished else {}
    return c.publish_package_version(
        **_GENERIC,
        package=package,
        packageVersion=version,
        assetContent=data,
        assetName=asset,
        assetSHA256=hashlib.sha256(data).hexdigest(),
        **extra,
    )


@scenario("PublishPackageVersion")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "published", "1.0", "first.bin", unfinished=True)
    return _publish(c, "published", "1.0", "second.bin")


@scenario("DescribePackage")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "described", "1.0")
    return c.describe_package(**_GENERIC, package="described")


@scenario("DescribePackageVersion")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "described-version", "1.0")
    return c.describe_package_version(**_GENERIC, package="described-version", packageVersion="1.0")


@scenario("ListPackages")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "listed-a", "1.0")
    _publish(c, "listed-b", "1.0")
    return c.list_packages(domain=D, repository="base", format="generic", packagePrefix="listed-", maxResults=1)


@scenario("ListPackageVersions")
def _(c: Any) -> dict[str, Any]:
    for v in ("1.0", "2.0", "3.0"):
        _publish(c, "versions", v)
    return c.list_package_versions(**_GENERIC, package="versions", sortBy="PUBLISHED_TIME", maxResults=2)


@scenario("ListPackageVersionAssets")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "assets", "1.0", "a.bin", unfinished=True)
    _publish(c, "assets", "1.0", "b.bin")
    return c.list_package_version_assets(**_GENERIC, package="assets", packageVersion="1.0", maxResults=1)


@scenario("GetPackageVersionAsset")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "downloaded", "1.0", "file.bin")
    return c.get_package_version_asset(**_GENERIC, package="downloaded", packageVersion="1.0", asset="file.bin")


@scenario("GetPackageVersionReadme")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "readme", "1.0")
    return c.get_package_version_readme(**_GENERIC, package="readme", packageVersion="1.0")


@scenario("ListPackageVersionDependencies")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "dependencies", "1.0")
    return c.list_package_version_dependencies(**_GENERIC, package="dependencies", packageVersion="1.0")


@scenario("UpdatePackageVersionsStatus")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "status", "1.0")
    _publish(c, "status", "2.0")
    return c.update_package_versions_status(
        **_GENERIC,
        package="status",
        versions=["1.0", "2.0", "9.9"],
        expectedStatus="Published",
        targetStatus="Archived",
    )


@scenario("DisposePackageVersions")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "disposed", "1.0")
    return c.dispose_package_versions(**_GENERIC, package="disposed", versions=["1.0"])


@scenario("DeletePackageVersions")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "deleted-versions", "1.0")
    return c.delete_package_versions(**_GENERIC, package="deleted-versions", versions=["1.0"])


@scenario("DeletePackage")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "deleted", "1.0")
    return c.delete_package(**_GENERIC, package="deleted")


@scenario("CopyPackageVersions")
def _(c: Any) -> dict[str, Any]:
    _publish(c, "copied", "1.0")
    _publish(c, "copied", "2.0")
    return c.copy_package_versions(
        domain=D,
        sourceRepository="base",
        destinationRepository="team",
        format="generic",
        namespace="shapes",
        package="copied",
        versions=["1.0", "2.0"],
    )


@scenario("PutPackageOriginConfiguration")
def _(c: Any) -> dict[str, Any]:
    return c.put_package_origin_configuration(
        **_GENERIC, package="configured", restrictions={"publish": "BLOCK", "upstream": "ALLOW"}
    )
