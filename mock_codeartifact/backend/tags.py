"""Tags on domains, repositories and package groups: TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from ..errors import ServiceQuotaExceededException, ValidationException, not_found
from . import arns
from .store import Call, RegionState

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


class Taggable(Protocol):
    tags: TagSet


Resolver = Callable[[RegionState, str], Taggable]
# ARN resource kind -> how to find the resource in its owner's state. Package groups register themselves.
RESOLVERS: dict[str, Resolver] = {}
RESOURCE_TYPES: dict[str, str] = {}


def register(kind: str, resource_type: str) -> Callable[[Resolver], Resolver]:
    def deco(fn: Resolver) -> Resolver:
        RESOLVERS[kind] = fn
        RESOURCE_TYPES[kind] = resource_type
        return fn

    return deco


@contextmanager
def _resource(call: Call, resource_arn: str) -> Iterator[tuple[Taggable, str]]:
    """Lock the owner's state and yield the resource an ARN names, with its resourceType."""
    parsed = arns.parse_arn(resource_arn)
    if parsed is None or parsed.kind not in RESOLVERS:
        raise ValidationException(f"Invalid resource ARN: '{resource_arn}'")
    resource_type = RESOURCE_TYPES[parsed.kind]
    if parsed.region != call.region:
        raise not_found(f"Resource '{resource_arn}' not found", resource_type, resource_arn)
    st = call.state(parsed.account)
    with st.lock:
        yield RESOLVERS[parsed.kind](st, parsed.rest), resource_type


def tag_resource(call: Call, *, resource_arn: str, tags: list[dict[str, str]]) -> dict[str, Any]:
    with _resource(call, resource_arn) as (resource, resource_type):
        resource.tags.replace(resource.tags.with_added(tags, resource_type, resource_arn))
    return {}


def untag_resource(call: Call, *, resource_arn: str, tag_keys: list[str]) -> dict[str, Any]:
    with _resource(call, resource_arn) as (resource, _):
        # Removing a key that is not there is undocumented; like most AWS tagging APIs, it is ignored.
        resource.tags.remove(tag_keys)
    return {}


def list_tags_for_resource(call: Call, *, resource_arn: str) -> dict[str, Any]:
    with _resource(call, resource_arn) as (resource, _):
        return {"tags": resource.tags.as_list()}
