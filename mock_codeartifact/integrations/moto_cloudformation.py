"""``AWS::CodeArtifact::*`` resources in moto's CloudFormation.

Imported only once moto's CloudFormation is (see :mod:`mock_codeartifact.integrations`). It adds one
``CloudFormationModel`` subclass per resource type -- moto builds its type map from those subclasses and caches it,
so the cache is cleared whenever the mock turns on or off: the types are known under their AWS names only while
mock_codeartifact is active (otherwise moto skips them with its usual warning, as it would without this package).

Each resource calls the CodeArtifact API (:mod:`.cfn_caller`), as the stack's role or its account's root, so the
stack's domains, repositories and package groups are the ones boto3 sees, validated and authorized like any call.

moto's CloudFormation neither reports failed resources nor rolls back; for stacks with CodeArtifact resources this
module adds what CloudFormation does (docs/cloudformation.md): resource events, ``CREATE_FAILED`` and a rollback
to ``ROLLBACK_COMPLETE``, updates that replace resources (dependents whose resolved properties change included)
and clean up the old ones afterwards, ``UPDATE_ROLLBACK_COMPLETE`` after a failed update, deletion in reverse
creation order, and ``DELETE_FAILED`` (the stack kept) when a resource cannot be deleted.
"""

from __future__ import annotations

import contextvars
import copy
import itertools
from dataclasses import dataclass, field
from typing import Any, ClassVar

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel

from ..iam.caller import Principal
from . import switch
from .cfn_caller import ApiCaller
from .cfn_resources import DOMAIN, PACKAGE_GROUP, REPOSITORY, Attributes, Properties, ResourceFailed, ResourceType

_sequence = itertools.count()
_deleting: dict[str, Any] = {}  # stack id -> stack, while DeleteStack runs (moto has taken it out of its list)


# --------------------------------------------------------------------------- events and callers


def _stack(account_id: str, region: str, stack_id: str) -> Any:
    if stack_id in _deleting:
        return _deleting[stack_id]
    try:
        return cfn_models.cloudformation_backends[account_id][region].stacks.get(stack_id)
    except Exception:  # noqa: BLE001 - an unknown region or account: no stack to report to
        return None


def _event(
    stack: Any, logical_id: str, physical_id: str, resource_type: str, status: str, reason: str | None = None
) -> None:
    if stack is None:
        return
    event = cfn_models.Event(
        stack_id=stack.stack_id,
        stack_name=stack.name,
        logical_resource_id=logical_id,
        physical_resource_id=physical_id,
        resource_type=resource_type,
        resource_status=status,
        resource_status_reason=reason,
        resource_properties=None,
    )
    event.sendToSns(stack.account_id, stack.region_name, stack.notification_arns)
    stack.events.append(event)


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _caller(stack: Any, account_id: str, region: str) -> ApiCaller:
    """CloudFormation acts as the stack's service role when it has one, else (the caller of CreateStack, which
    moto does not record) the root of the stack's account."""
    principal = Principal.root(account_id, _partition(region)).arn
    role_arn = getattr(stack, "role_arn", None)
    if role_arn:
        try:
            principal = Principal.parse(role_arn).arn
        except ValueError:
            pass
    return ApiCaller(region, principal, switch.endpoint())


def _with_stack_tags(stack: Any, properties: Properties) -> Properties:
    """CloudFormation applies the stack's tags to every taggable resource it creates (the resource's own ``Tags``
    win on the same key). The resource keeps only its template's tags as its properties, so an update's tag
    changes never touch the stack's."""
    stack_tags = getattr(stack, "tags", None) or {}
    if not stack_tags:
        return properties
    own = {str(t.get("Key")): t.get("Value") for t in properties.get("Tags") or [] if isinstance(t, dict)}
    merged = {**{k: v for k, v in stack_tags.items() if not str(k).startswith("aws:")}, **own}
    return {**properties, "Tags": [{"Key": k, "Value": v} for k, v in merged.items()]}


# --------------------------------------------------------------------------- an update in progress


@dataclass
class _UpdateSession:
    """What one stack update did to CodeArtifact resources: undone if it fails, old resources deleted at the end."""

    undo: list[tuple[str, Any, Any]] = field(default_factory=list)
    cleanup: list[Any] = field(default_factory=list)
    failed: dict[str, ResourceFailed] = field(default_factory=dict)


_session: contextvars.ContextVar[_UpdateSession | None] = contextvars.ContextVar(
    "mock_codeartifact_cfn_update", default=None
)


class _RolledBack(Exception):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class _DeleteFailed(Exception):
    pass


# --------------------------------------------------------------------------- the resource models


class _Resource:
    """What the three models share (a mixin: moto only lists *direct* subclasses of ``CloudFormationModel``)."""

    TYPE: ClassVar[ResourceType]

    def __init__(
        self,
        logical_id: str,
        stack_id: str,
        account_id: str,
        region: str,
        properties: Properties,
        attributes: Attributes,
    ) -> None:
        self.logical_resource_id = logical_id
        self.stack_id = stack_id
        self.account_id = account_id
        self.region = region
        self.properties = copy.deepcopy(dict(properties))
        self.attributes = attributes
        self.sequence = next(_sequence)  # creation order: CloudFormation deletes in reverse

    @property
    def physical_resource_id(self) -> str:
        return self.attributes["Arn"]  # Ref returns the ARN

    @classmethod
    def cloudformation_type(cls) -> str:
        # Known under its AWS name only while the mock is active (the type map is rebuilt on each change).
        return cls.TYPE.name if switch.is_active() else f"MockCodeArtifact::Inactive::{cls.TYPE.name}"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""  # names are required properties: no generated names

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.TYPE.attributes

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name not in self.TYPE.attributes:
            raise UnformattedGetAttTemplateException()
        return self.attributes[attribute_name]

    def is_created(self) -> bool:
        return True

    def _stack(self) -> Any:
        return _stack(self.account_id, self.region, self.stack_id)

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> _Resource:
        logical_id = str(kwargs.get("LogicalId", resource_name))
        stack_id = str(kwargs.get("StackId", ""))
        resource = _create(
            cls, logical_id, stack_id, account_id, region_name, cloudformation_json.get("Properties") or {}
        )
        session = _session.get()
        if session is not None:  # a resource an update adds
            session.undo.append(("created", resource, None))
        return resource

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> _Resource:
        if _session.get() is not None:
            # moto updates in template order; CloudFormation in dependency order: every CodeArtifact resource of
            # the stack is brought up to date after moto's pass, in creation order (see ``_propagate``).
            return original_resource  # type: ignore[no-any-return]
        return _update(original_resource, cloudformation_json.get("Properties") or {})

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        # moto calls this only for resources without a usable ``delete``; every model here has one.
        return None

    def delete(self, account_id: str, region_name: str) -> None:
        """moto removes a resource that an update drops from the template: CloudFormation does that last, in
        the cleanup phase, so that a failed update can still roll back to it."""
        session = _session.get()
        if session is not None:
            session.cleanup.append(self)
        else:
            _delete(self)


def _create(
    cls: type[_Resource], logical_id: str, stack_id: str, account_id: str, region: str, properties: Properties
) -> _Resource:
    kind = cls.TYPE
    stack = _stack(account_id, region, stack_id)
    _event(stack, logical_id, "", kind.name, "CREATE_IN_PROGRESS")
    try:
        attributes = kind.create(_caller(stack, account_id, region), _with_stack_tags(stack, properties))
    except ResourceFailed as failure:
        failure.logical_id, failure.resource_type = logical_id, kind.name
        raise
    resource = cls(logical_id, stack_id, account_id, region, properties, attributes)
    _event(stack, logical_id, resource.physical_resource_id, kind.name, "CREATE_COMPLETE")
    return resource


def _update(resource: _Resource, properties: Properties) -> _Resource:
    kind = resource.TYPE
    new = copy.deepcopy(dict(properties))
    if new == resource.properties:
        return resource
    session = _session.get()
    logical_id = resource.logical_resource_id
    if session is not None and logical_id in session.failed:
        raise session.failed[logical_id]  # moto retries a failed update a few times: it fails the same way
    stack = resource._stack()
    caller = _caller(stack, resource.account_id, resource.region)
    try:
        if kind.needs_replacement(resource.properties, new):
            _event(
                stack,
                logical_id,
                resource.physical_resource_id,
                kind.name,
                "UPDATE_IN_PROGRESS",
                "Requested update requires the creation of a new physical resource; hence creating one.",
            )
            try:
                attributes = kind.create(caller, _with_stack_tags(stack, new))
            except ResourceFailed as failure:
                failure.logical_id, failure.resource_type = logical_id, kind.name
                raise
            replacement = type(resource)(
                logical_id, resource.stack_id, resource.account_id, resource.region, new, attributes
            )
            _event(stack, logical_id, replacement.physical_resource_id, kind.name, "UPDATE_COMPLETE")
            if session is None:
                _delete(resource)
            else:
                session.undo.append(("replaced", replacement, resource))
                session.cleanup.append(resource)
            return replacement
        _event(stack, logical_id, resource.physical_resource_id, kind.name, "UPDATE_IN_PROGRESS")
        try:
            kind.update(caller, resource.attributes, resource.properties, new)
        except ResourceFailed as failure:
            failure.logical_id, failure.resource_type = logical_id, kind.name
            try:  # a partial update is put back as far as it can be
                kind.update(caller, resource.attributes, new, resource.properties)
            except ResourceFailed:
                pass
            raise
        if session is not None:
            session.undo.append(("updated", resource, resource.properties))
        resource.properties = new
        _event(stack, logical_id, resource.physical_resource_id, kind.name, "UPDATE_COMPLETE")
        return resource
    except ResourceFailed as failure:
        if session is not None:
            session.failed[logical_id] = failure
        raise


def _delete(resource: _Resource) -> None:
    kind = resource.TYPE
    stack = resource._stack()
    physical = resource.physical_resource_id
    _event(stack, resource.logical_resource_id, physical, kind.name, "DELETE_IN_PROGRESS")
    try:
        kind.delete(_caller(stack, resource.account_id, resource.region), resource.attributes)
    except ResourceFailed as failure:
        failure.logical_id, failure.resource_type = resource.logical_resource_id, kind.name
        _event(stack, resource.logical_resource_id, physical, kind.name, "DELETE_FAILED", failure.reason)
        raise
    _event(stack, resource.logical_resource_id, physical, kind.name, "DELETE_COMPLETE")


class CodeArtifactDomain(_Resource, CloudFormationModel):
    """``AWS::CodeArtifact::Domain``."""

    TYPE = DOMAIN


class CodeArtifactRepository(_Resource, CloudFormationModel):
    """``AWS::CodeArtifact::Repository``."""

    TYPE = REPOSITORY


class CodeArtifactPackageGroup(_Resource, CloudFormationModel):
    """``AWS::CodeArtifact::PackageGroup``."""

    TYPE = PACKAGE_GROUP


MODELS: tuple[type[_Resource], ...] = (CodeArtifactDomain, CodeArtifactRepository, CodeArtifactPackageGroup)


# --------------------------------------------------------------------------- stack operations


def _ours(resource_map: Any) -> list[tuple[str, _Resource]]:
    found = [(k, v) for k, v in resource_map._parsed_resources.items() if isinstance(v, _Resource)]
    return sorted(found, key=lambda item: item[1].sequence)


def _created(resource_map: Any) -> list[tuple[str, Any]]:
    """The resources the stack holds (not parameters, mappings or pseudo parameters), in creation order."""
    parsed = resource_map._parsed_resources
    return [(k, v) for k, v in parsed.items() if k in resource_map._resource_json_map and v is not None]


def _fail_creation(stack: Any, failure: ResourceFailed) -> None:
    """A resource failed to create: report it, then roll back what the stack created (unless rollback is off)."""
    _event(stack, failure.logical_id, "", failure.resource_type, "CREATE_FAILED", failure.reason)
    reason = f"The following resource(s) failed to create: [{failure.logical_id}]. "
    if getattr(stack, "disable_rollback", False):
        stack.status = "CREATE_FAILED"
        stack._add_stack_event("CREATE_FAILED", resource_status_reason=reason)
        return
    stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=reason + "Rollback requested by user.")
    resource_map = stack.resource_map
    status = "ROLLBACK_COMPLETE"
    for logical_id, resource in reversed(_created(resource_map)):
        try:
            if isinstance(resource, _Resource):
                _delete(resource)
            else:
                resource_map._delete_resource(resource, resource_map._resource_json_map[logical_id])
        except Exception:  # noqa: BLE001 - a resource rollback cannot delete stays, and the stack says so
            status = "ROLLBACK_FAILED"
            continue
        resource_map._parsed_resources.pop(logical_id, None)
    _event(stack, failure.logical_id, "", failure.resource_type, "DELETE_COMPLETE")
    if status == "ROLLBACK_COMPLETE":
        # Nothing of the stack is left: moto would otherwise create resources again when they are listed.
        resource_map._resource_json_map = {}
        stack.output_map._output_json_map = {}
    stack.status = status
    stack._add_stack_event(status)


def _rollback_update(resource_map: Any, session: _UpdateSession) -> bool:
    ok = True
    for action, resource, previous in reversed(session.undo):
        try:
            if action == "created":
                _delete(resource)
            elif action == "replaced":
                _delete(resource)  # the replacement; ``previous`` is kept and back in the map
            else:  # updated in place
                stack = resource._stack()
                kind = resource.TYPE
                _event(
                    stack, resource.logical_resource_id, resource.physical_resource_id, kind.name, "UPDATE_IN_PROGRESS"
                )
                kind.update(
                    _caller(stack, resource.account_id, resource.region),
                    resource.attributes,
                    resource.properties,
                    previous,
                )
                resource.properties = previous
                _event(stack, resource.logical_resource_id, resource.physical_resource_id, kind.name, "UPDATE_COMPLETE")
        except ResourceFailed:
            ok = False
    return ok


def _propagate(resource_map: Any) -> None:
    """moto updates only resources whose template text changed; CloudFormation also updates those whose
    *resolved* properties changed (a repository whose ``DomainName`` is ``!GetAtt Domain.Name`` when the
    domain is replaced). Creation order is dependency order, so a replaced domain comes before its repositories;
    a replacement that changes what an earlier-created resource refers to is caught by another pass."""
    for _ in range(len(resource_map._resource_json_map) + 1):
        replaced = False
        for logical_id, resource in _ours(resource_map):
            resource_json = resource_map._resource_json_map.get(logical_id)
            if resource_json is None:
                continue  # removed from the template: deleted in the cleanup phase
            properties = parsing.clean_json(copy.deepcopy(resource_json.get("Properties") or {}), resource_map)
            updated = _update(resource, properties)
            if updated is not resource:
                resource_map._parsed_resources[logical_id] = updated
                replaced = True
        if not replaced:
            return


def _cleanup(resource_map: Any, session: _UpdateSession) -> None:
    """CloudFormation's cleanup phase: delete what the update replaced or removed, newest first."""
    if not session.cleanup:
        return
    stack = _stack(resource_map._account_id, resource_map._region_name, resource_map.stack_id)
    if stack is not None:
        stack._add_stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    for resource in sorted(session.cleanup, key=lambda r: r.sequence, reverse=True):
        logical_id = resource.logical_resource_id
        if resource_map._parsed_resources.get(logical_id) is resource:  # removed from the template
            del resource_map._parsed_resources[logical_id]
        try:
            _delete(resource)
        except ResourceFailed:
            pass  # CloudFormation reports it (DELETE_FAILED) and the update still completes


_original: dict[str, Any] = {}


def _resource_map_update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
    saved = (self._template, self._resource_json_map, self.input_parameters, dict(self._parsed_resources))
    session = _UpdateSession()
    token = _session.set(session)
    try:
        _original["update"](self, template, parameters)
        _propagate(self)
    except ResourceFailed as failure:
        stack = _stack(self._account_id, self._region_name, self.stack_id)
        _event(stack, failure.logical_id, "", failure.resource_type, "UPDATE_FAILED", failure.reason)
        if stack is not None:
            stack._add_stack_event(
                "UPDATE_ROLLBACK_IN_PROGRESS",
                resource_status_reason=f"The following resource(s) failed to update: [{failure.logical_id}]. ",
            )
        _session.set(None)
        ok = _rollback_update(self, session)
        self._template, self._resource_json_map, self.input_parameters = saved[:3]
        self._parsed_resources.clear()
        self._parsed_resources.update(saved[3])
        status = "UPDATE_ROLLBACK_COMPLETE" if ok else "UPDATE_ROLLBACK_FAILED"
        if stack is not None:
            stack._add_stack_event(status)
        raise _RolledBack(status) from failure
    finally:
        _session.reset(token)
    _cleanup(self, session)


def _stack_update(self: Any, *args: Any, **kwargs: Any) -> None:
    template, template_dict = self.template, self.template_dict
    try:
        _original["stack_update"](self, *args, **kwargs)
    except _RolledBack as rolled_back:
        # UpdateStack succeeded; the stack rolled back to its previous template, as CloudFormation's does.
        self.template, self.template_dict = template, template_dict
        self.output_map = self._create_output_map()
        self.status = rolled_back.status


def _create_resources(self: Any) -> None:
    try:
        _original["create_resources"](self)
    except ResourceFailed as failure:
        _fail_creation(self, failure)


def _create_stack(self: Any, *args: Any, **kwargs: Any) -> Any:
    name = kwargs.get("name", args[0] if args else None)
    try:
        return _original["create_stack"](self, *args, **kwargs)
    except ResourceFailed as failure:  # an export's value needed a resource before creation proper began
        stack = next((s for s in self.stacks.values() if s.name == name), None)
        if stack is None:
            raise
        _fail_creation(stack, failure)
        return stack


def _stack_delete(self: Any) -> None:
    """moto's ``Stack.delete``, with CodeArtifact resources deleted first, in reverse creation order, and a
    resource that cannot be deleted failing the deletion (the stack stays, ``DELETE_FAILED``)."""
    self._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
    resource_map = self.resource_map
    _deleting[self.stack_id] = self
    failed: dict[str, _Resource] = {}
    try:
        for logical_id, resource in reversed(_ours(resource_map)):
            policy = (resource_map._resource_json_map.get(logical_id) or {}).get("DeletionPolicy")
            if policy == "Retain":
                _event(self, logical_id, resource.physical_resource_id, resource.TYPE.name, "DELETE_SKIPPED")
                continue
            try:
                _delete(resource)
            except ResourceFailed:
                failed[logical_id] = resource
            resource_map._parsed_resources.pop(logical_id, None)
        try:
            resource_map.delete()  # moto's own resource types
        finally:
            resource_map._parsed_resources.update(failed)
        if failed:
            self.status = "DELETE_FAILED"
            self._add_stack_event(
                "DELETE_FAILED",
                resource_status_reason=f"The following resource(s) failed to delete: [{', '.join(sorted(failed))}]. ",
            )
            raise _DeleteFailed()
        self._add_stack_event("DELETE_COMPLETE")
        self.status = "DELETE_COMPLETE"
    finally:
        _deleting.pop(self.stack_id, None)


def _delete_stack(self: Any, name_or_stack_id: str) -> None:
    stack = self.stacks.get(name_or_stack_id) or next(
        (s for s in self.stacks.values() if s.name == name_or_stack_id), None
    )
    try:
        _original["delete_stack"](self, name_or_stack_id)
    except _DeleteFailed:
        if stack is not None:  # DeleteStack succeeded; the stack stays, DELETE_FAILED, and can be deleted again
            self.stacks[stack.stack_id] = stack


def _install() -> None:
    if _original:
        return
    Stack, Backend, ResourceMap = cfn_models.Stack, cfn_models.CloudFormationBackend, parsing.ResourceMap
    _original.update(
        update=ResourceMap.update,
        stack_update=Stack.update,
        create_resources=Stack.create_resources,
        create_stack=Backend.create_stack,
        delete_stack=Backend.delete_stack,
    )
    ResourceMap.update = _resource_map_update  # type: ignore[method-assign]
    Stack.update = _stack_update  # type: ignore[method-assign]
    Stack.create_resources = _create_resources  # type: ignore[method-assign]
    Stack.delete = _stack_delete  # type: ignore[method-assign]
    Backend.create_stack = _create_stack  # type: ignore[method-assign]
    Backend.delete_stack = _delete_stack  # type: ignore[method-assign]


def _refresh_type_map(active: bool = False) -> None:
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()


_install()
_refresh_type_map()
switch.on_change(_refresh_type_map)
