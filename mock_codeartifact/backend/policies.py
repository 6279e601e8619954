"""Resource policies on domains and repositories, with ``policyRevision`` optimistic locking."""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import ValidationException, conflict, not_found
from ..iam.policy import PolicyError, PolicyParseError, parse_policy_cached
from .catalog import new_revision
from .entities import Policy
from .store import Call


class HasPolicy(Protocol):
    policy: Policy | None

    @property
    def arn(self) -> str: ...


def _check_revision(resource: HasPolicy, revision: str | None, resource_type: str, resource_id: str) -> None:
    # Undocumented: a revision that does not match the current one (or names a policy that is not there) is
    # a ConflictException, the only error the mutating policy calls declare for a failed precondition.
    if revision is None:
        return
    current = resource.policy.revision if resource.policy else None
    if revision != current:
        raise conflict(
            f"The policy revision '{revision}' does not match the current revision of the resource policy",
            resource_type,
            resource_id,
        )


def _put(
    resource: HasPolicy, document: str, revision: str | None, resource_type: str, resource_id: str
) -> dict[str, Any]:
    # Validated before the revision is compared: a malformed request fails the same way whatever the state.
    try:
        parse_policy_cached(document)
    except PolicyParseError as err:
        raise ValidationException(str(err), reason="CANNOT_PARSE") from None
    except PolicyError as err:
        raise ValidationException(str(err)) from None
    _check_revision(resource, revision, resource_type, resource_id)
    resource.policy = Policy(resource.arn, new_revision(), document)
    return {"policy": resource.policy.describe()}


def _get(resource: HasPolicy, resource_type: str, resource_id: str) -> Policy:
    if resource.policy is None:
        raise not_found(f"No resource policy is set on {resource_type} '{resource_id}'", resource_type, resource_id)
    return resource.policy


def _delete(resource: HasPolicy, revision: str | None, resource_type: str, resource_id: str) -> dict[str, Any]:
    policy = _get(resource, resource_type, resource_id)
    _check_revision(resource, revision, resource_type, resource_id)
    resource.policy = None
    return {"policy": policy.describe()}


def put_domain_permissions_policy(
    call: Call,
    *,
    domain: str,
    policy_document: str,
    domain_owner: str | None = None,
    policy_revision: str | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        return _put(d, policy_document, policy_revision, "domain", domain)


def get_domain_permissions_policy(call: Call, *, domain: str, domain_owner: str | None = None) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        return {"policy": _get(d, "domain", domain).describe()}


def delete_domain_permissions_policy(
    call: Call, *, domain: str, domain_owner: str | None = None, policy_revision: str | None = None
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        return _delete(d, policy_revision, "domain", domain)


def put_repository_permissions_policy(
    call: Call,
    *,
    domain: str,
    repository: str,
    policy_document: str,
    domain_owner: str | None = None,
    policy_revision: str | None = None,
) -> dict[str, Any]:
    with call.repository(domain, domain_owner, repository) as r:
        return _put(r, policy_document, policy_revision, "repository", repository)


def get_repository_permissions_policy(
    call: Call, *, domain: str, repository: str, domain_owner: str | None = None
) -> dict[str, Any]:
    with call.repository(domain, domain_owner, repository) as r:
        return {"policy": _get(r, "repository", repository).describe()}


def delete_repository_permissions_policy(
    call: Call,
    *,
    domain: str,
    repository: str,
    domain_owner: str | None = None,
    policy_revision: str | None = None,
) -> dict[str, Any]:
    with call.repository(domain, domain_owner, repository) as r:
        return _delete(r, policy_revision, "repository", repository)
