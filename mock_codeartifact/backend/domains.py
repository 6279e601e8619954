"""Domains: CreateDomain, DescribeDomain, DeleteDomain, ListDomains."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ServiceQuotaExceededException, conflict, not_found
from . import arns
from .pagination import paginate
from .policies import Policy
from .store import Call, RegionState, drop_none
from .tags import TagSet, register

if TYPE_CHECKING:
    from .repositories import Repository

MAX_DOMAINS_PER_ACCOUNT = 10

# The service-owned asset bucket per region (AWS user guide, "create-s3-gateway-endpoint"). For regions the
# guide does not list, the account id is undocumented; a fixed made-up one keeps the ARN's shape.
_ASSET_BUCKET_ACCOUNTS = {
    "us-east-1": "193858265520",
    "us-east-2": "250872398865",
    "us-west-2": "787052242323",
    "eu-west-1": "438097961670",
    "eu-west-2": "247805302724",
    "eu-west-3": "762466490029",
    "eu-north-1": "611884512288",
    "eu-south-1": "484130244270",
    "eu-central-1": "769407342218",
    "ap-northeast-1": "660291247815",
    "ap-southeast-1": "421485864821",
    "ap-southeast-2": "860415559748",
    "ap-south-1": "681137435769",
}
_UNLISTED_BUCKET_ACCOUNT = "000000000000"


def s3_bucket_arn(region: str) -> str:
    return f"arn:aws:s3:::assets-{_ASSET_BUCKET_ACCOUNTS.get(region, _UNLISTED_BUCKET_ACCOUNT)}-{region}"


@dataclass(eq=False)
class Domain:
    name: str
    owner: str
    region: str
    encryption_key: str
    created: dt.datetime
    repositories: dict[str, Repository] = field(default_factory=dict)
    policy: Policy | None = None
    tags: TagSet = field(default_factory=TagSet)
    asset_size_bytes: int = 0
    status: str = "Active"
    # Package groups by pattern; owned by package_groups.py.
    package_groups: dict[str, Any] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return arns.domain_arn(self.region, self.owner, self.name)

    def find_repository(self, name: str) -> Repository:
        repo = self.repositories.get(name)
        if repo is None:
            raise not_found(
                f"Repository not found. Repository '{name}' in domain '{self.name}' owned by account "
                f"'{self.owner}' does not exist",
                "repository",
                name,
            )
        return repo

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "owner": self.owner,
            "arn": self.arn,
            "status": self.status,
            "createdTime": self.created,
            "encryptionKey": self.encryption_key,
            "repositoryCount": len(self.repositories),
            "assetSizeBytes": self.asset_size_bytes,
            "s3BucketArn": s3_bucket_arn(self.region),
        }

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "owner": self.owner,
            "arn": self.arn,
            "status": self.status,
            "createdTime": self.created,
            "encryptionKey": self.encryption_key,
        }


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
    with call.locked() as st:
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
