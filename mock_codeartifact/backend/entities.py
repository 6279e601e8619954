"""What one account's region holds: domains and their repositories, the policies and tags on them, and the
authorization tokens handed out. Plain data with the rules that belong to the data (ARNs, descriptions, tag
counts); the operations on them live in ``domains``, ``repositories``, ``policies``, ``tags`` and ``tokens``,
and the state that holds them in ``store``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..errors import ServiceQuotaExceededException, not_found
from . import arns, formats

MAX_TAGS_PER_RESOURCE = 50


class TagSet:
    """Tags of one resource, in the order they were first set."""

    __slots__ = ("_tags",)

    def __init__(self, tags: dict[str, str] | None = None) -> None:
        self._tags: dict[str, str] = dict(tags or {})

    @staticmethod
    def _merge(current: dict[str, str], tags: list[dict[str, str]] | None) -> dict[str, str]:
        merged = dict(current)
        for tag in tags or []:
            merged[tag["key"]] = tag["value"]
        return merged

    @classmethod
    def from_request(cls, tags: list[dict[str, str]] | None, resource_type: str, resource_id: str) -> TagSet:
        merged = cls._merge({}, tags)
        _check_count(merged, resource_type, resource_id)
        return cls(merged)

    def with_added(self, tags: list[dict[str, str]], resource_type: str, resource_id: str) -> dict[str, str]:
        """The tag map after adding ``tags`` (checked, not yet applied)."""
        merged = self._merge(self._tags, tags)
        _check_count(merged, resource_type, resource_id)
        return merged

    def replace(self, tags: dict[str, str]) -> None:
        self._tags = tags

    def remove(self, keys: list[str]) -> None:
        for key in keys:
            self._tags.pop(key, None)

    def as_list(self) -> list[dict[str, str]]:
        return [{"key": k, "value": v} for k, v in self._tags.items()]

    def as_dict(self) -> dict[str, str]:
        return dict(self._tags)


def _check_count(tags: dict[str, str], resource_type: str, resource_id: str) -> None:
    if len(tags) > MAX_TAGS_PER_RESOURCE:
        # Undocumented class; ServiceQuotaExceededException is the one TagResource declares for limits.
        raise ServiceQuotaExceededException(
            f"A resource can have at most {MAX_TAGS_PER_RESOURCE} tags",
            resource_type=resource_type,
            resource_id=resource_id,
        )


@dataclass(frozen=True, slots=True)
class Policy:
    resource_arn: str
    revision: str
    document: str

    def describe(self) -> dict[str, Any]:
        return {"resourceArn": self.resource_arn, "revision": self.revision, "document": self.document}


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
        """``DomainDescription``: the summary's members, then the counts and the asset bucket."""
        out = self.summary()
        out["repositoryCount"] = len(self.repositories)
        out["assetSizeBytes"] = self.asset_size_bytes
        out["s3BucketArn"] = s3_bucket_arn(self.region)
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "owner": self.owner,
            "arn": self.arn,
            "status": self.status,
            "createdTime": self.created,
            "encryptionKey": self.encryption_key,
        }


# External connection name -> package format (AWS user guide, "external-connection"), from the format registry.
EXTERNAL_CONNECTIONS: dict[str, str] = formats.EXTERNAL_CONNECTIONS


@dataclass(eq=False)
class Repository:
    name: str
    domain: Domain
    administrator_account: str
    created: dt.datetime
    description: str | None = None
    upstreams: list[str] = field(default_factory=list)
    external_connections: list[str] = field(default_factory=list)
    policy: Policy | None = None
    tags: TagSet = field(default_factory=TagSet)
    # Packages of this repository; owned by packages.py.
    packages: dict[Any, Any] = field(default_factory=dict)

    # Fixed for the repository's life (its domain's region, owner and name never change), and read on every call.
    arn: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        d = self.domain
        self.arn = arns.repository_arn(d.region, d.owner, d.name, self.name)

    def describe(self) -> dict[str, Any]:
        d = self.domain
        out = {
            "name": self.name,
            "administratorAccount": self.administrator_account,
            "domainName": d.name,
            "domainOwner": d.owner,
            "arn": self.arn,
            "upstreams": [{"repositoryName": u} for u in self.upstreams],
            # Every real capture shows "AVAILABLE", although the model's enum spells it "Available".
            "externalConnections": [
                {"externalConnectionName": c, "packageFormat": EXTERNAL_CONNECTIONS[c], "status": "AVAILABLE"}
                for c in self.external_connections
            ],
            "createdTime": self.created,
        }
        if self.description is not None:
            out["description"] = self.description
        return out

    def summary(self) -> dict[str, Any]:
        d = self.domain
        out: dict[str, Any] = {
            "name": self.name,
            "administratorAccount": self.administrator_account,
            "domainName": d.name,
            "domainOwner": d.owner,
            "arn": self.arn,
        }
        if self.description is not None:
            out["description"] = self.description
        out["createdTime"] = self.created
        return out


@dataclass(frozen=True, slots=True)
class AuthToken:
    token: str
    domain: str
    domain_owner: str
    region: str
    expiration: dt.datetime
    # The principal that asked for the token: repository endpoints act as this principal.
    principal_arn: str = ""
    principal_account: str = ""

    def valid_for(self, domain: str, owner: str, now: dt.datetime) -> bool:
        return self.domain == domain and self.domain_owner == owner and now < self.expiration
