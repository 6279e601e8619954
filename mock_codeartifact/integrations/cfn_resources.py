"""What each ``AWS::CodeArtifact::*`` CloudFormation resource does, in CodeArtifact API calls.

Independent of any CloudFormation implementation: a resource is created, updated and deleted by calling the
CodeArtifact API through a :class:`Caller` (the same operations, validation and authorization as any client's
call); a failed call raises :class:`ResourceFailed` with the API's own error message. The facts (properties,
which changes need replacement, return values) come from the CloudFormation template reference and the resource
provider schemas; docs/cloudformation.md lists them with their sources.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

Properties = Mapping[str, Any]
Attributes = dict[str, str]


class Caller(Protocol):
    """Calls one CodeArtifact operation (``"CreateDomain"``) with botocore's parameter names; raises
    :class:`ResourceFailed` when the API answers with an error."""

    def __call__(self, operation: str, **params: Any) -> dict[str, Any]: ...


# CloudFormation's handler error codes (the CloudFormation CLI's HandlerErrorCode) for the API's errors.
HANDLER_ERROR_CODES = {
    "ValidationException": "InvalidRequest",
    "ResourceNotFoundException": "NotFound",
    "ConflictException": "ResourceConflict",
    "AccessDeniedException": "AccessDenied",
    "ServiceQuotaExceededException": "ServiceLimitExceeded",
    "ThrottlingException": "Throttling",
    "InternalServerException": "ServiceInternalError",
}


class ResourceFailed(Exception):
    """A resource operation failed: ``reason`` is what CloudFormation shows as the event's status reason."""

    def __init__(self, code: str, message: str, *, schema: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.schema = schema  # the properties break the resource type's schema: no API call was made
        self.logical_id = ""
        self.resource_type = ""

    @property
    def reason(self) -> str:
        if self.schema:
            return f"Properties validation failed for resource {self.logical_id} with message:\n{self.message}"
        handler_code = HANDLER_ERROR_CODES.get(self.code, "GeneralServiceException")
        return (
            f'Resource handler returned message: "{self.message}" '
            f"(RequestToken: {uuid.uuid4()}, HandlerErrorCode: {handler_code})"
        )


def _invalid(message: str) -> ResourceFailed:
    return ResourceFailed("ValidationException", message, schema=True)


# --------------------------------------------------------------------------- property helpers


def _require(props: Properties, *names: str) -> None:
    for name in names:
        if props.get(name) in (None, ""):
            raise _invalid(f"#: required key [{name}] not found")


def _policy_text(document: Any) -> str:
    # The template gives a JSON object; a string is passed on as it is (the API validates either).
    return document if isinstance(document, str) else json.dumps(document)


def _tags(props: Properties) -> dict[str, str]:
    tags = props.get("Tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, dict) and "Key" in t for t in tags):
        raise _invalid("#/Tags: expected a list of {Key, Value} objects")
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags}


def _api_tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in tags.items()]


def _owner(props: Properties) -> dict[str, str]:
    owner = props.get("DomainOwner")
    return {"domainOwner": owner} if owner else {}


def _retag(call: Caller, arn: str, old: Properties, new: Properties) -> None:
    before, after = _tags(old), _tags(new)
    removed = [k for k in before if k not in after]
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if removed:
        call("UntagResource", resourceArn=arn, tagKeys=removed)
    if changed:
        call("TagResource", resourceArn=arn, tags=_api_tags(changed))


def _changed(old: Properties, new: Properties, name: str) -> bool:
    return old.get(name) != new.get(name)


def _undo_on_failure(undo: Callable[[], None], action: Callable[[], Attributes]) -> Attributes:
    """Run ``action``; when it fails, ``undo`` what it created (best effort) so that a failed create leaves
    nothing behind, like a failed CloudFormation create handler."""
    try:
        return action()
    except ResourceFailed:
        try:
            undo()
        except ResourceFailed:
            pass
        raise


# --------------------------------------------------------------------------- resource types


@dataclass(frozen=True)
class ResourceType:
    """One CloudFormation resource type: the properties whose change needs replacement (everything else
    updates with no interruption), the ``Fn::GetAtt`` attributes, and the three handlers."""

    name: str
    replacement: frozenset[str]
    attributes: tuple[str, ...]
    create: Callable[[Caller, Properties], Attributes]
    update: Callable[[Caller, Attributes, Properties, Properties], None]
    delete: Callable[[Caller, Attributes], None]

    def needs_replacement(self, old: Properties, new: Properties) -> bool:
        return any(_changed(old, new, name) for name in self.replacement)


# ---- AWS::CodeArtifact::Domain


def _domain_create(call: Caller, props: Properties) -> Attributes:
    _require(props, "DomainName")
    params: dict[str, Any] = {"domain": props["DomainName"]}
    if props.get("EncryptionKey"):
        params["encryptionKey"] = props["EncryptionKey"]
    tags = _tags(props)
    if tags:
        params["tags"] = _api_tags(tags)
    domain = call("CreateDomain", **params)["domain"]
    attributes = {
        "Arn": domain["arn"],
        "Name": domain["name"],
        "Owner": domain["owner"],
        "EncryptionKey": domain.get("encryptionKey", ""),
    }

    def finish() -> Attributes:
        if props.get("PermissionsPolicyDocument") is not None:
            call(
                "PutDomainPermissionsPolicy",
                domain=domain["name"],
                domainOwner=domain["owner"],
                policyDocument=_policy_text(props["PermissionsPolicyDocument"]),
            )
        return attributes

    return _undo_on_failure(lambda: _domain_delete(call, attributes), finish)


def _domain_update(call: Caller, attributes: Attributes, old: Properties, new: Properties) -> None:
    where = {"domain": attributes["Name"], "domainOwner": attributes["Owner"]}
    if _changed(old, new, "PermissionsPolicyDocument"):
        if new.get("PermissionsPolicyDocument") is None:
            call("DeleteDomainPermissionsPolicy", **where)
        else:
            call("PutDomainPermissionsPolicy", **where, policyDocument=_policy_text(new["PermissionsPolicyDocument"]))
    _retag(call, attributes["Arn"], old, new)


def _domain_delete(call: Caller, attributes: Attributes) -> None:
    call("DeleteDomain", domain=attributes["Name"], domainOwner=attributes["Owner"])


DOMAIN = ResourceType(
    "AWS::CodeArtifact::Domain",
    replacement=frozenset({"DomainName", "EncryptionKey"}),
    attributes=("Arn", "Name", "Owner", "EncryptionKey"),
    create=_domain_create,
    update=_domain_update,
    delete=_domain_delete,
)


# ---- AWS::CodeArtifact::Repository


def _upstreams(props: Properties) -> list[dict[str, str]]:
    return [{"repositoryName": str(name)} for name in props.get("Upstreams") or []]


def _repository_create(call: Caller, props: Properties) -> Attributes:
    _require(props, "RepositoryName", "DomainName")
    params: dict[str, Any] = {"domain": props["DomainName"], "repository": props["RepositoryName"], **_owner(props)}
    if props.get("Description") is not None:
        params["description"] = props["Description"]
    if props.get("Upstreams"):
        params["upstreams"] = _upstreams(props)
    tags = _tags(props)
    if tags:
        params["tags"] = _api_tags(tags)
    repository = call("CreateRepository", **params)["repository"]
    attributes = {
        "Arn": repository["arn"],
        "Name": repository["name"],
        "DomainName": repository["domainName"],
        "DomainOwner": repository["domainOwner"],
    }
    where = {
        "domain": attributes["DomainName"],
        "domainOwner": attributes["DomainOwner"],
        "repository": attributes["Name"],
    }

    def finish() -> Attributes:
        for connection in props.get("ExternalConnections") or []:
            call("AssociateExternalConnection", **where, externalConnection=connection)
        if props.get("PermissionsPolicyDocument") is not None:
            call(
                "PutRepositoryPermissionsPolicy",
                **where,
                policyDocument=_policy_text(props["PermissionsPolicyDocument"]),
            )
        return attributes

    return _undo_on_failure(lambda: _repository_delete(call, attributes), finish)


def _repository_update(call: Caller, attributes: Attributes, old: Properties, new: Properties) -> None:
    where = {
        "domain": attributes["DomainName"],
        "domainOwner": attributes["DomainOwner"],
        "repository": attributes["Name"],
    }
    changes: dict[str, Any] = {}
    if _changed(old, new, "Description"):
        changes["description"] = new.get("Description") or ""
    if _changed(old, new, "Upstreams"):
        changes["upstreams"] = _upstreams(new)
    if changes:
        call("UpdateRepository", **where, **changes)
    before, after = list(old.get("ExternalConnections") or []), list(new.get("ExternalConnections") or [])
    for connection in before:
        if connection not in after:
            call("DisassociateExternalConnection", **where, externalConnection=connection)
    for connection in after:
        if connection not in before:
            call("AssociateExternalConnection", **where, externalConnection=connection)
    if _changed(old, new, "PermissionsPolicyDocument"):
        if new.get("PermissionsPolicyDocument") is None:
            call("DeleteRepositoryPermissionsPolicy", **where)
        else:
            call(
                "PutRepositoryPermissionsPolicy", **where, policyDocument=_policy_text(new["PermissionsPolicyDocument"])
            )
    _retag(call, attributes["Arn"], old, new)


def _repository_delete(call: Caller, attributes: Attributes) -> None:
    try:
        call(
            "DeleteRepository",
            domain=attributes["DomainName"],
            domainOwner=attributes["DomainOwner"],
            repository=attributes["Name"],
        )
    except ResourceFailed as failure:
        if failure.code != "ResourceNotFoundException":  # already gone: CloudFormation counts that as deleted
            raise


REPOSITORY = ResourceType(
    "AWS::CodeArtifact::Repository",
    replacement=frozenset({"RepositoryName", "DomainName", "DomainOwner"}),
    attributes=("Arn", "Name", "DomainName", "DomainOwner"),
    create=_repository_create,
    update=_repository_update,
    delete=_repository_delete,
)


# ---- AWS::CodeArtifact::PackageGroup

_RESTRICTIONS = {"Publish": "PUBLISH", "ExternalUpstream": "EXTERNAL_UPSTREAM", "InternalUpstream": "INTERNAL_UPSTREAM"}


def _restrictions(props: Properties) -> dict[str, Any]:
    config = props.get("OriginConfiguration") or {}
    restrictions = config.get("Restrictions") if isinstance(config, dict) else None
    if config and not isinstance(restrictions, dict):
        raise _invalid("#/OriginConfiguration: required key [Restrictions] not found")
    return restrictions or {}


def _allowed(props: Properties) -> set[tuple[str, str]]:
    """(repository, restriction type) pairs that ALLOW_SPECIFIC_REPOSITORIES restrictions name."""
    pairs = set()
    for name, restriction in _restrictions(props).items():
        for repository in (restriction or {}).get("Repositories") or []:
            pairs.add((str(repository), _RESTRICTIONS.get(name, name)))
    return pairs


def _configure_origin(call: Caller, where: dict[str, str], old: Properties, new: Properties) -> None:
    restrictions = {}
    for name, restriction in _restrictions(new).items():
        if name not in _RESTRICTIONS:
            raise _invalid(f"#/OriginConfiguration/Restrictions: extraneous key [{name}] is not permitted")
        restrictions[_RESTRICTIONS[name]] = (restriction or {}).get("RestrictionMode")
    for name in _restrictions(old):
        if name in _RESTRICTIONS and name not in _restrictions(new):
            restrictions[_RESTRICTIONS[name]] = "INHERIT"  # the default of a group created without it
    before, after = _allowed(old), _allowed(new)
    params: dict[str, Any] = {}
    if restrictions:
        params["restrictions"] = restrictions
    if after - before:
        params["addAllowedRepositories"] = [
            {"repositoryName": r, "originRestrictionType": t} for r, t in sorted(after - before)
        ]
    if before - after:
        params["removeAllowedRepositories"] = [
            {"repositoryName": r, "originRestrictionType": t} for r, t in sorted(before - after)
        ]
    if params:
        call("UpdatePackageGroupOriginConfiguration", **where, **params)


def _package_group_create(call: Caller, props: Properties) -> Attributes:
    _require(props, "Pattern", "DomainName")
    params: dict[str, Any] = {"domain": props["DomainName"], "packageGroup": props["Pattern"], **_owner(props)}
    for prop, param in (("ContactInfo", "contactInfo"), ("Description", "description")):
        if props.get(prop) is not None:
            params[param] = props[prop]
    tags = _tags(props)
    if tags:
        params["tags"] = _api_tags(tags)
    group = call("CreatePackageGroup", **params)["packageGroup"]
    attributes = {
        "Arn": group["arn"],
        "Pattern": group["pattern"],
        "DomainName": group["domainName"],
        "DomainOwner": group["domainOwner"],
    }
    where = {
        "domain": attributes["DomainName"],
        "domainOwner": attributes["DomainOwner"],
        "packageGroup": group["pattern"],
    }

    def finish() -> Attributes:
        _configure_origin(call, where, {}, props)
        return attributes

    return _undo_on_failure(lambda: _package_group_delete(call, attributes), finish)


def _package_group_update(call: Caller, attributes: Attributes, old: Properties, new: Properties) -> None:
    where = {
        "domain": attributes["DomainName"],
        "domainOwner": attributes["DomainOwner"],
        "packageGroup": attributes["Pattern"],
    }
    if _changed(old, new, "ContactInfo") or _changed(old, new, "Description"):
        call(
            "UpdatePackageGroup",
            **where,
            contactInfo=new.get("ContactInfo") or "",
            description=new.get("Description") or "",
        )
    if _changed(old, new, "OriginConfiguration"):
        _configure_origin(call, where, old, new)
    _retag(call, attributes["Arn"], old, new)


def _package_group_delete(call: Caller, attributes: Attributes) -> None:
    try:
        call(
            "DeletePackageGroup",
            domain=attributes["DomainName"],
            domainOwner=attributes["DomainOwner"],
            packageGroup=attributes["Pattern"],
        )
    except ResourceFailed as failure:
        if failure.code != "ResourceNotFoundException":
            raise


PACKAGE_GROUP = ResourceType(
    "AWS::CodeArtifact::PackageGroup",
    # The reference says a DomainOwner change needs no interruption; a group cannot move to another account's
    # domain in place, so the mock replaces it (docs/cloudformation.md).
    replacement=frozenset({"Pattern", "DomainName", "DomainOwner"}),
    attributes=("Arn",),
    create=_package_group_create,
    update=_package_group_update,
    delete=_package_group_delete,
)

RESOURCE_TYPES = (DOMAIN, REPOSITORY, PACKAGE_GROUP)
