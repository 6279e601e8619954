"""Domains: CreateDomain, DescribeDomain, DeleteDomain, ListDomains."""

from __future__ import annotations

import uuid
from typing import Any

from ..errors import ServiceQuotaExceededException, conflict, not_found
from . import arns
from .entities import Domain, TagSet
from .pagination import paginate
from .store import Call, RegionState, drop_none
from .tags import register

MAX_DOMAINS_PER_ACCOUNT = 10


@register("domain", "domain")
def _resolve(st: RegionState, rest: str) -> Domain:
    d = st.domains.get(rest)
    if d is None:
        raise not_found(f"Domain '{rest}' not found", "domain", rest)
    return d


def _resolve_key(call: Call, key: str | None) -> str:
    # Without KMS, a full key ARN is echoed, a bare key id becomes its ARN, an alias becomes its alias ARN,
    # and no key means the AWS-managed key, which real responses show as a key-id ARN in the caller's account.
    if key is None:
        return arns.kms_key_arn(call.region, call.account, f"key/{uuid.uuid4()}")
    if key.startswith("arn:"):
        return key
    if key.startswith("alias/"):
        return arns.kms_key_arn(call.region, call.account, key)
    return arns.kms_key_arn(call.region, call.account, f"key/{key}")


def create_domain(
    call: Call, *, domain: str, encryption_key: str | None = None, tags: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    with call.locked(create=True) as st:
        if domain in st.domains:
            raise conflict(f"Domain '{domain}' already exists in account '{call.account}'", "domain", domain)
        if len(st.domains) >= MAX_DOMAINS_PER_ACCOUNT:
            raise ServiceQuotaExceededException(
                f"Maximum number of domains ({MAX_DOMAINS_PER_ACCOUNT}) exceeded for account '{call.account}'",
                resource_type="domain",
                resource_id=domain,
            )
        tag_set = TagSet.from_request(tags, resource_type="domain", resource_id=domain)
        d = Domain(domain, call.account, call.region, _resolve_key(call, encryption_key), call.now, tags=tag_set)
        st.domains[domain] = d
        return {"domain": d.describe()}


def describe_domain(call: Call, *, domain: str, domain_owner: str | None = None) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        return {"domain": d.describe()}


def delete_domain(call: Call, *, domain: str, domain_owner: str | None = None) -> dict[str, Any]:
    with call.locked(domain_owner) as st:
        d = st.domains.get(domain)
        if d is None:
            # The model declares no ResourceNotFoundException here, and AWS's CloudFormation handler notes that
            # deleting a missing domain does not fail: answer 200 with no domain.
            return {}
        if d.repositories:
            raise conflict("Domain must contain 0 repositories before deletion", "domain", domain)
        del st.domains[domain]
        d.status = "Deleted"
        return {"domain": d.describe()}


def list_domains(call: Call, *, max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    with call.locked() as st:
        domains = sorted(st.domains.values(), key=lambda d: d.name)
        page, token = paginate(domains, lambda d: d.name, max_results, next_token, ["ListDomains"])
        return drop_none(domains=[d.summary() for d in page], nextToken=token)
