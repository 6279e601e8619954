"""Tags on domains, repositories and package groups: TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from ..errors import ValidationException, not_found
from . import arns
from .entities import TagSet
from .store import Call, RegionState


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
