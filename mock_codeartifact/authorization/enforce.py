"""Enforcement: the decision for one request, between decoding and the backend (no backend function checks).

Which policies apply: the domain policy for everything in the domain (the domain, its repositories, packages and
package groups); the repository policy, in addition, for the repository and its packages. The decision, as
IAM's cross-account evaluation makes it for a caller whose identity policies allow everything (the mock has none):

1. an explicit ``Deny`` in any applicable policy denies, the owner's own principals included;
2. a principal of the account that owns the domain is allowed;
3. a principal of another account is allowed only if an applicable policy allows it.

A resource that does not exist has no policy, so another account is denied (``AccessDeniedException``, not
``ResourceNotFoundException``); the owner goes on to the backend, which answers ``ResourceNotFoundException``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..backend import Backend, arns, package_groups, tags
from ..backend.group_patterns import normalize
from ..backend.store import RegionState
from ..errors import AccessDeniedException, CodeArtifactError
from ..iam.caller import Principal
from ..iam.policy import AuthzRequest, Decision, combine, evaluate, parse_policy_cached
from ..settings import AUTHORIZATION_ENV
from . import switch
from .table import ACCOUNT, ARN, DOMAIN, PACKAGE, PACKAGE_GROUP, REPOSITORY, Rule, build_table

SWITCH_ENV = AUTHORIZATION_ENV  # the switch's environment variable, by its old name here


# The switch (``authorization/switch.py``) by the names it had here, for code that used them.


def enabled(backend: Backend | None = None) -> bool:
    """:func:`mock_codeartifact.authorization.switch.enforced`."""
    return switch.enforced(backend)


def set_enabled_for(backend: Backend, on: bool) -> None:
    """Enforcement on or off for ``backend``: :func:`switch.turn_on` / :func:`switch.turn_off` with it."""
    (switch.turn_on if on else switch.turn_off)(backend)


def disable() -> None:
    """:func:`switch.turn_off` for every backend, until a matching :func:`enable`."""
    switch.turn_off()


def enable() -> None:
    """:func:`switch.turn_on` for every backend."""
    switch.turn_on()


@dataclass(frozen=True, slots=True)
class Target:
    """One resource to authorize against: its ARN, where it lives, and the condition context it brings."""

    arn: str
    owner: str
    region: str
    domain: str | None
    repository: str | None = None


def _message(principal: Principal, action: str, resource: str, explicit: bool) -> str:
    head = f"User: {principal.arn} is not authorized to perform: codeartifact:{action} on resource: {resource}"
    if explicit:
        return f"{head} with an explicit deny in a resource-based policy"
    return f"{head} because no resource-based policy allows the codeartifact:{action} action"


def _request_tags(value: Any) -> dict[str, Any]:
    """``aws:RequestTag/k`` and ``aws:TagKeys`` of a tag list (``[{key, value}]``) or a key list."""
    if not value:
        return {}
    context: dict[str, Any] = {}
    keys: list[str] = []
    for item in value:
        if isinstance(item, dict):
            key = item.get("key")
            if isinstance(key, str):
                keys.append(key)
                context[f"aws:RequestTag/{key}"] = str(item.get("value", ""))
        elif isinstance(item, str):
            keys.append(item)
    context["aws:TagKeys"] = keys
    return context


class Authorizer:
    """Decides every request of one backend; one per dispatcher, its table built from the codec's model."""

    def __init__(self, backend: Backend, model: Any) -> None:
        self.backend = backend
        self.table = build_table(model)

    # ---- the control plane

    def check_operation(self, operation: str, params: Mapping[str, Any], principal: Principal, region: str) -> None:
        """Raise ``AccessDeniedException`` unless ``principal`` may call ``operation`` with ``params``."""
        rules = self.table.get(operation)
        if not rules:
            return
        for rule in rules:
            if rule.kind == ACCOUNT:
                continue  # the caller's own account: only identity policies (always allowing here) apply
            if rule.when is not None and not params.get(rule.when):
                continue
            if rule.kind != ARN and self._owner_without_policies(rule, params, principal, region):
                continue
            extra = _request_tags(params.get(rule.request_tags)) if rule.request_tags else None
            if rule.or_on:
                targets = [
                    t for kind in (rule.kind, *rule.or_on) for t in self._targets(kind, rule, params, principal, region)
                ]
                if targets:
                    check_any(self.backend, principal, rule.action, targets, extra)
                continue
            for target in self._targets(rule.kind, rule, params, principal, region):
                check(self.backend, principal, rule.action, target, extra, rule.ignore_resource_policies)

    def _owner_without_policies(self, rule: Rule, params: Mapping[str, Any], principal: Principal, region: str) -> bool:
        """True when the caller owns the domain and no policy applies: the usual request, allowed without
        building a single ARN. (Unlocked reads: a policy put concurrently may or may not be seen, as on AWS.)"""
        owner = params.get("domainOwner") or principal.account
        if owner != principal.account:
            return False
        domain = self.backend.state(owner, region).domains.get(params.get("domain"))  # type: ignore[arg-type]
        if domain is None:
            return True  # the backend answers ResourceNotFoundException
        if domain.policy is not None:
            return False
        if rule.kind not in (REPOSITORY, PACKAGE) and not {REPOSITORY, PACKAGE} & set(rule.or_on):
            return True
        for name in _repository_names(rule, params):
            repo = domain.repositories.get(name)
            if repo is not None and repo.policy is not None:
                return False
        return True

    def _targets(
        self, kind: str, rule: Rule, params: Mapping[str, Any], principal: Principal, region: str
    ) -> Iterator[Target]:
        if kind == ARN:
            target = _target_of_arn(params.get("resourceArn"))
            if target is not None:
                yield target
            return  # an ARN that is not a CodeArtifact one: the backend's ValidationException
        domain = params.get("domain")
        if not isinstance(domain, str):
            return
        owner = params.get("domainOwner") or principal.account
        if kind == DOMAIN:
            yield Target(arns.domain_arn(region, owner, domain), owner, region, domain)
        elif kind == PACKAGE_GROUP:
            pattern = params.get("packageGroup") or self._associated_group(owner, region, domain, params)
            if pattern:
                yield Target(arns.package_group_arn(region, owner, domain, pattern), owner, region, domain)
        elif kind == REPOSITORY:
            for repo in _repository_names(rule, params):
                yield repository_target(region, owner, domain, repo)
        else:
            fmt, namespace, package = params.get("format") or "", params.get("namespace"), params.get("package") or ""
            for repo in _repository_names(rule, params):
                yield package_target(region, owner, domain, repo, fmt, namespace, package)

    def _associated_group(self, owner: str, region: str, domain: str, params: Mapping[str, Any]) -> str | None:
        """The pattern of the package group the package a request names is associated with (None when there is
        no such domain, or the package's name is malformed: the backend answers that)."""
        fmt, package = params.get("format"), params.get("package")
        if not isinstance(fmt, str) or not isinstance(package, str):
            return None
        st = self.backend.state(owner, region)
        with st.lock:
            found = st.domains.get(domain)
            if found is None:
                return None
            try:
                namespace, name = normalize(fmt, params.get("namespace"), package)
                group, _strong = package_groups.registry(found).associate(fmt, namespace, name)
            except (CodeArtifactError, ValueError):
                return None
            return group.text


def _repository_names(rule: Rule, params: Mapping[str, Any]) -> Iterator[str]:
    """The repositories a repository or package rule names: one member, or each ``{"repositoryName": ...}`` of a
    list (``rule.each``)."""
    value = params.get(rule.repository)
    if not value:
        return
    for entry in value if rule.each else (value,):
        name = entry.get("repositoryName") if isinstance(entry, dict) else entry
        if isinstance(name, str):
            yield name


@lru_cache(maxsize=16384)
def _decision(
    documents: tuple[str, ...],
    principal_arn: str,
    principal_account: str,
    action: str,
    resource: str,
    tags: tuple[tuple[str, str], ...],
    extra: tuple[tuple[str, Any], ...],
) -> Decision:
    """The applicable policies' combined answer to one request, memoized: it is a pure function of the
    documents and the request (no condition key depends on time), and tests repeat the same calls many times."""
    context: dict[str, Any] = {f"aws:ResourceTag/{k}": v for k, v in tags}
    context.update(extra)
    request = AuthzRequest(principal_arn, principal_account, f"codeartifact:{action}", resource, context)
    return combine(*(evaluate(parse_policy_cached(doc), request) for doc in documents))


def _target_of_arn(value: Any) -> Target | None:
    """The target a ``resourceArn`` names: a domain, a repository or a package group."""
    if not isinstance(value, str):
        return None
    parsed = arns.parse_arn(value)
    if parsed is None:
        return None
    if parsed.kind == "domain":
        return Target(value, parsed.account, parsed.region, parsed.rest)
    if parsed.kind == "repository":
        domain, _, repo = parsed.rest.partition("/")
        return Target(value, parsed.account, parsed.region, domain, repo or None)
    if parsed.kind == "package-group":
        domain = parsed.rest.split("/", 1)[0]
        return Target(value, parsed.account, parsed.region, domain)
    return Target(value, parsed.account, parsed.region, None)


def package_target(
    region: str, owner: str, domain: str, repository: str, fmt: str, namespace: str | None, name: str
) -> Target:
    return Target(
        arns.package_arn(region, owner, domain, repository, fmt, namespace, name), owner, region, domain, repository
    )


def repository_target(region: str, owner: str, domain: str, repository: str) -> Target:
    return Target(arns.repository_arn(region, owner, domain, repository), owner, region, domain, repository)


def check(
    backend: Backend,
    principal: Principal,
    action: str,
    target: Target,
    extra_context: Mapping[str, Any] | None = None,
    ignore_resource_policies: bool = False,
) -> None:
    """Raise ``AccessDeniedException`` unless ``principal`` may perform ``action`` on ``target``."""
    if ignore_resource_policies:
        if principal.account == target.owner:
            return
        raise AccessDeniedException(_message(principal, action, target.arn, explicit=False))
    verdict = _verdict(backend, principal, action, target, extra_context)
    if verdict is not Decision.ALLOW:
        raise AccessDeniedException(_message(principal, action, target.arn, verdict is Decision.EXPLICIT_DENY))


def check_any(
    backend: Backend,
    principal: Principal,
    action: str,
    targets: list[Target],
    extra_context: Mapping[str, Any] | None = None,
) -> None:
    """Raise ``AccessDeniedException`` unless ``principal`` may perform ``action`` on at least one of ``targets``
    (the resources AWS's pages name for it) and no applicable policy explicitly denies it on any of them; a
    denial without an explicit deny names the first target."""
    allowed = False
    for target in targets:
        verdict = _verdict(backend, principal, action, target, extra_context)
        if verdict is Decision.EXPLICIT_DENY:
            raise AccessDeniedException(_message(principal, action, target.arn, explicit=True))
        allowed = allowed or verdict is Decision.ALLOW
    if not allowed:
        raise AccessDeniedException(_message(principal, action, targets[0].arn, explicit=False))


def _verdict(
    backend: Backend, principal: Principal, action: str, target: Target, extra_context: Mapping[str, Any] | None
) -> Decision:
    """ALLOW, EXPLICIT_DENY, or NOT_APPLICABLE (denied: nothing allows another account)."""
    same_account = principal.account == target.owner
    documents, tags = _applicable(backend, target)
    if not documents:
        return Decision.ALLOW if same_account else Decision.NOT_APPLICABLE
    extra = (
        tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in extra_context.items()) if extra_context else ()
    )
    decision = _decision(documents, principal.arn, principal.account, action, target.arn, tags, extra)
    if same_account and decision is not Decision.EXPLICIT_DENY:
        return Decision.ALLOW
    return decision


def _applicable(backend: Backend, target: Target) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The documents of the policies that apply to ``target``, and the tags of the resource itself."""
    if target.domain is None:
        return (), ()
    st = backend.state(target.owner, target.region)
    with st.lock:
        domain = st.domains.get(target.domain)
        if domain is None:
            return (), ()
        domain_policy = domain.policy.document if domain.policy is not None else None
        repo = domain.repositories.get(target.repository) if target.repository is not None else None
        repo_policy = repo.policy.document if repo is not None and repo.policy is not None else None
        documents = tuple(d for d in (domain_policy, repo_policy) if d is not None)
        if not documents:  # the usual case: no policy to evaluate, so no condition context to build
            return (), ()
        resource_tags = _resource_tags(st, target.arn)
    return documents, tuple(resource_tags.items()) if resource_tags else ()


def _resource_tags(st: RegionState, arn: str) -> dict[str, str]:
    """``aws:ResourceTag/*``: the tags of the taggable resource (domain, repository, package group) an ARN names;
    none for packages, or for a resource that does not exist (yet)."""
    parsed = arns.parse_arn(arn)
    resolve = tags.RESOLVERS.get(parsed.kind) if parsed is not None else None
    if parsed is None or resolve is None:
        return {}
    try:
        return resolve(st, parsed.rest).tags.as_dict()
    except CodeArtifactError:
        return {}
