"""The authorization table: every operation of the model -> the IAM action(s) it needs, on which resource(s).

Derived once per codec (at its first request), from the model's input members (the resource an operation acts on follows from what it
names: ``resourceArn``, ``packageGroup``, ``package`` + ``repository``, ``repository``, ``domain``, or nothing),
with the action named after the operation; ``OVERRIDES`` adds what the model cannot tell: dependent actions
(upstreams, tags on create), operations that name two repositories, and the policy calls whose own resource policy
AWS ignores. Sources: AWS's Service Authorization Reference for CodeArtifact and the user guide (domain and
repository policies, copying packages, upstreams); ``docs/authorization.md`` lists what had to be inferred.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.model import ServiceModel

# Resource kinds
DOMAIN = "domain"
REPOSITORY = "repository"
PACKAGE = "package"
PACKAGE_GROUP = "package-group"
ARN = "arn"  # the resource named by the request's resourceArn (domain, repository or package group)
ACCOUNT = "account"  # account-level operations: they act on the caller's own account, no resource policy applies


@dataclass(frozen=True, slots=True)
class Rule:
    """One required action: ``codeartifact:{action}`` on the resource of ``kind`` that the request names.

    ``repository`` is the input member naming the repository (for repository and package resources); with
    ``each`` it is a list of ``{"repositoryName": ...}`` and every entry is checked. ``when`` makes the rule apply
    only when that member is present and not empty. ``request_tags`` names the member carrying the request's tags
    (a tag list, or a list of keys for UntagResource) for ``aws:RequestTag/*`` and ``aws:TagKeys``.
    ``ignore_resource_policies``: AWS ignores the resource policies for Put*PermissionsPolicy, so that an owner
    cannot lock itself out; only the owner's account may call it.
    ``or_on``: further resource kinds a grant may name instead, where AWS's pages name different resources for
    the same action and AWS's own examples grant on either (an explicit deny on any of them still denies; a
    denial names the resource of ``kind``).
    """

    action: str
    kind: str
    repository: str = "repository"
    each: bool = False
    when: str | None = None
    request_tags: str | None = None
    ignore_resource_policies: bool = False
    or_on: tuple[str, ...] = ()


def _derived_kind(members: frozenset[str]) -> str:
    if "resourceArn" in members:
        return ARN
    if "packageGroup" in members:
        return PACKAGE_GROUP
    if "package" in members and "repository" in members:
        return PACKAGE
    if "repository" in members:
        return REPOSITORY
    if "domain" in members:
        return DOMAIN
    return ACCOUNT


_UPSTREAMS = Rule("AssociateWithDownstreamRepository", REPOSITORY, repository="upstreams", each=True, when="upstreams")

OVERRIDES: dict[str, tuple[Rule, ...]] = {
    # The copy guide grants CopyPackageVersions on the destination repository; the Service Authorization
    # Reference lists the package as well: either grant is honoured.
    "CopyPackageVersions": (
        Rule("CopyPackageVersions", REPOSITORY, repository="destinationRepository", or_on=(PACKAGE,)),
        Rule("ReadFromRepository", REPOSITORY, repository="sourceRepository"),
    ),
    "CreateDomain": (
        Rule("CreateDomain", DOMAIN, request_tags="tags"),
        Rule("TagResource", DOMAIN, when="tags", request_tags="tags"),
    ),
    "CreatePackageGroup": (
        Rule("CreatePackageGroup", PACKAGE_GROUP, request_tags="tags"),
        Rule("TagResource", PACKAGE_GROUP, when="tags", request_tags="tags"),
    ),
    # The domain-policy guide grants CreateRepository (and TagResource, for tags) on the domain; the permissions
    # reference names the repository: either grant is honoured.
    "CreateRepository": (
        Rule("CreateRepository", DOMAIN, request_tags="tags", or_on=(REPOSITORY,)),
        _UPSTREAMS,
        Rule("TagResource", DOMAIN, when="tags", request_tags="tags", or_on=(REPOSITORY,)),
    ),
    "UpdateRepository": (Rule("UpdateRepository", REPOSITORY), _UPSTREAMS),
    # The permissions reference names the package group (the one the package is associated with); the request
    # names only the domain: either grant is honoured.
    "GetAssociatedPackageGroup": (Rule("GetAssociatedPackageGroup", DOMAIN, or_on=(PACKAGE_GROUP,)),),
    "TagResource": (Rule("TagResource", ARN, request_tags="tags"),),
    "UntagResource": (Rule("UntagResource", ARN, request_tags="tagKeys"),),
    "PutDomainPermissionsPolicy": (Rule("PutDomainPermissionsPolicy", DOMAIN, ignore_resource_policies=True),),
    "PutRepositoryPermissionsPolicy": (
        Rule("PutRepositoryPermissionsPolicy", REPOSITORY, ignore_resource_policies=True),
    ),
}

# Actions of the repository endpoints (package managers), checked by mock_codeartifact.protocols.
READ_FROM_REPOSITORY = "ReadFromRepository"
PUBLISH_PACKAGE_VERSION = "PublishPackageVersion"
PUT_PACKAGE_METADATA = "PutPackageMetadata"


def build_table(model: ServiceModel) -> dict[str, tuple[Rule, ...]]:
    """Operation name -> its rules, for every operation of ``model`` (built once per codec)."""
    table: dict[str, tuple[Rule, ...]] = {}
    for name in model.operation_names:
        override = OVERRIDES.get(name)
        if override is not None:
            table[name] = override
            continue
        shape = model.operation_model(name).input_shape
        members = frozenset(shape.members) if shape is not None else frozenset()
        table[name] = (Rule(name, _derived_kind(members)),)
    return table
