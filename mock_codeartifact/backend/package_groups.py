"""Package groups and their origin controls: the ten package-group operations, tags, and the origin gate.

Every domain has the root group ``/*`` (ALLOW for all three restriction types); it is created lazily, the first
time anything looks at the domain's groups, so ``Domain.package_groups`` becomes a ``GroupRegistry`` then. The
registry keeps three views of the groups: by pattern text (the dict itself, plus a sorted list for prefix
listing), by weak-match key (``PatternIndex``: most-specific lookups in time independent of the number of
groups) and by tree key (a sorted list in which every group's descendants form one contiguous range, so
inserting a group re-parents its new children without scanning the domain).

Enforcement: ``_gate`` is registered with ``origin.register_gate``; the packages code calls
``origin.blocked(...)`` wherever a version enters a repository and turns a reason into its error.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..errors import ValidationException, conflict, not_found
from . import arns, origin
from .coordinates import NAMESPACE_FORBIDDEN, NAMESPACE_REQUIRED
from .entities import TagSet
from .group_patterns import (
    ROOT,
    Pattern,
    PatternIndex,
    normalize,
    parse,
)
from .pagination import paginate
from .store import Call, RegionState, drop_none
from .tags import register

if TYPE_CHECKING:
    from .entities import Domain

RESTRICTION_TYPES = (origin.EXTERNAL_UPSTREAM, origin.INTERNAL_UPSTREAM, origin.PUBLISH)
ALLOW = "ALLOW"
BLOCK = "BLOCK"
ALLOW_SPECIFIC_REPOSITORIES = "ALLOW_SPECIFIC_REPOSITORIES"
INHERIT = "INHERIT"
STRONG = "STRONG"
WEAK = "WEAK"

# AWS's own CloudFormation provider sends at most 100 allowed-repository changes per request; more is
# rejected here (undocumented limit and error class).
MAX_ALLOWED_REPOSITORY_UPDATES = 100
RESOURCE_TYPE = "package-group"  # the model's ResourceType enum has no value for groups; undocumented


@dataclass(eq=False)
class PackageGroup:
    pattern: Pattern
    domain: Domain
    created: dt.datetime
    contact_info: str | None = None
    description: str | None = None
    tags: TagSet = field(default_factory=TagSet)
    modes: dict[str, str] = field(default_factory=lambda: dict.fromkeys(RESTRICTION_TYPES, INHERIT))
    # Allowed repositories per restriction type, in the order they were added (a dict as an ordered set).
    allowed: dict[str, dict[str, None]] = field(default_factory=lambda: {t: {} for t in RESTRICTION_TYPES})
    parent: PackageGroup | None = None
    children: dict[str, PackageGroup] = field(default_factory=dict)
    arn: str = ""

    def __post_init__(self) -> None:
        d = self.domain
        self.arn = arns.package_group_arn(d.region, d.owner, d.name, self.pattern.text)

    @property
    def text(self) -> str:
        return self.pattern.text

    def reference(self) -> dict[str, str]:
        return {"arn": self.arn, "pattern": self.text}

    def effective(self, restriction: str) -> tuple[str, PackageGroup]:
        """The effective mode of a restriction type and the group it comes from (first non-INHERIT up the chain)."""
        group: PackageGroup | None = self
        while group is not None:
            mode = group.modes[restriction]
            if mode != INHERIT:
                return mode, group
            group = group.parent
        return ALLOW, self  # unreachable: the root never inherits

    def restriction(self, restriction: str) -> dict[str, Any]:
        mode = self.modes[restriction]
        effective, source = self.effective(restriction)
        out: dict[str, Any] = {"mode": mode, "effectiveMode": effective}
        if mode == INHERIT:
            out["inheritedFrom"] = source.reference()
        out["repositoriesCount"] = len(self.allowed[restriction])
        return out

    def describe(self) -> dict[str, Any]:
        d = self.domain
        out = drop_none(
            arn=self.arn,
            pattern=self.text,
            domainName=d.name,
            domainOwner=d.owner,
            createdTime=self.created,
            contactInfo=self.contact_info,
            description=self.description,
        )
        out["originConfiguration"] = {"restrictions": {t: self.restriction(t) for t in RESTRICTION_TYPES}}
        if self.parent is not None:
            out["parent"] = self.parent.reference()
        return out


class GroupRegistry(dict[str, PackageGroup]):
    """The package groups of one domain, by pattern text, with the indexes described in the module doc."""

    def __init__(self, domain: Domain) -> None:
        super().__init__()
        self.index: PatternIndex[PackageGroup] = PatternIndex()
        self._sorted: list[str] = []  # pattern texts, sorted
        self._tree: list[tuple[str, str]] = []  # (tree key, pattern text), sorted
        root = PackageGroup(parse(ROOT), domain, domain.created, modes=dict.fromkeys(RESTRICTION_TYPES, ALLOW))
        self._insert(root)

    @property
    def root(self) -> PackageGroup:
        return self[ROOT]

    def _insert(self, group: PackageGroup) -> None:
        text = group.text
        self[text] = group
        self.index.add(group)
        insort(self._sorted, text)
        insort(self._tree, (group.pattern.tree_key, text))

    def _descendants(self, group: PackageGroup) -> Iterator[PackageGroup]:
        """Groups whose pattern the group contains; found in the one range of the tree that can hold them."""
        key = group.pattern.tree_key
        tree = self._tree
        i = bisect_left(tree, (key, ""))
        while i < len(tree) and tree[i][0].startswith(key):
            other = self[tree[i][1]]
            if other is not group and group.pattern.contains(other.pattern):
                yield other
            i += 1

    def add(self, group: PackageGroup) -> None:
        parent = self.index.parent_of(group.pattern)
        assert parent is not None  # the root contains every other pattern
        # Groups below the new one whose parent was the new group's parent now hang from the new group.
        moved = [g for g in self._descendants(group) if g.parent is parent]
        self._insert(group)
        group.parent = parent
        parent.children[group.text] = group
        for child in moved:
            del parent.children[child.text]
            child.parent = group
            group.children[child.text] = child

    def remove(self, group: PackageGroup) -> None:
        parent = group.parent
        assert parent is not None
        del self[group.text]
        self.index.remove(group)
        del self._sorted[bisect_left(self._sorted, group.text)]
        del self._tree[bisect_left(self._tree, (group.pattern.tree_key, group.text))]
        del parent.children[group.text]
        for child in group.children.values():
            child.parent = parent
            parent.children[child.text] = child
        group.children = {}

    def with_prefix(self, prefix: str) -> list[str]:
        texts = self._sorted
        i = bisect_left(texts, prefix)
        out = []
        while i < len(texts) and texts[i].startswith(prefix):
            out.append(texts[i])
            i += 1
        return out

    def find(self, text: str) -> PackageGroup:
        """The group with this pattern; ValidationException for a malformed pattern, else ResourceNotFound."""
        group = self.get(text)
        if group is None:
            parse(text)  # a malformed pattern is a ValidationException, not a missing group
            raise not_found(
                f"Package group '{text}' not found in domain '{self.root.domain.name}'", RESOURCE_TYPE, text
            )
        return group

    def associate(self, fmt: str, namespace: str | None, name: str) -> tuple[PackageGroup, bool]:
        group, strong = self.index.associate(fmt, namespace, name)
        assert group is not None  # the root matches everything
        return group, strong


def registry(domain: Domain) -> GroupRegistry:
    """The domain's package groups, created with the root group on first use."""
    groups = domain.package_groups
    if not isinstance(groups, GroupRegistry):
        groups = GroupRegistry(domain)
        domain.package_groups = groups
    return groups


@register("package-group", RESOURCE_TYPE)
def _resolve(st: RegionState, rest: str) -> PackageGroup:
    # ARN: package-group/{domain}{percent-encoded pattern}; the pattern starts with "/".
    domain_name, slash, encoded = rest.partition("/")
    pattern = unquote(slash + encoded)
    d = st.domains.get(domain_name)
    group = registry(d).get(pattern) if d is not None else None
    if group is None:
        raise not_found(f"Package group '{pattern}' not found in domain '{domain_name}'", RESOURCE_TYPE, pattern)
    return group


# ---------------------------------------------------------------------------------------------------------
# Operations


def create_package_group(
    call: Call,
    *,
    domain: str,
    package_group: str,
    domain_owner: str | None = None,
    contact_info: str | None = None,
    description: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        groups = registry(d)
        pattern = parse(package_group)
        if package_group in groups:
            # Duplicate (the root, too, exists from the domain's creation): undocumented, ConflictException.
            raise conflict(
                f"Package group '{package_group}' already exists in domain '{domain}'", RESOURCE_TYPE, package_group
            )
        tag_set = TagSet.from_request(tags, RESOURCE_TYPE, package_group)
        group = PackageGroup(pattern, d, call.now, contact_info, description, tag_set)
        groups.add(group)
        return {"packageGroup": group.describe()}


def describe_package_group(
    call: Call, *, domain: str, package_group: str, domain_owner: str | None = None
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        return {"packageGroup": registry(d).find(package_group).describe()}


def update_package_group(
    call: Call,
    *,
    domain: str,
    package_group: str,
    domain_owner: str | None = None,
    contact_info: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    # Members left out keep their value (undocumented; like UpdateRepository's description). An empty string
    # clears one.
    with call.domain(domain, domain_owner) as d:
        group = registry(d).find(package_group)
        if contact_info is not None:
            group.contact_info = contact_info or None
        if description is not None:
            group.description = description or None
        return {"packageGroup": group.describe()}


def _repository_updates(
    d: Domain, entries: list[dict[str, str]] | None, what: str, must_exist: bool
) -> dict[str, list[str]]:
    """Requested allowed-repository changes by restriction type, de-duplicated, in request order."""
    out: dict[str, list[str]] = {}
    for entry in entries or []:
        kind = entry.get("originRestrictionType")
        name = entry.get("repositoryName")
        if kind is None or name is None:
            raise ValidationException(f"Each entry of {what} needs both originRestrictionType and repositoryName")
        if must_exist:
            d.find_repository(name)
        names = out.setdefault(kind, [])
        if name not in names:
            names.append(name)
    return out


def update_package_group_origin_configuration(
    call: Call,
    *,
    domain: str,
    package_group: str,
    domain_owner: str | None = None,
    restrictions: dict[str, str] | None = None,
    add_allowed_repositories: list[dict[str, str]] | None = None,
    remove_allowed_repositories: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        group = registry(d).find(package_group)
        restrictions = restrictions or {}
        if group.parent is None and INHERIT in restrictions.values():
            raise ValidationException("The root package group '/*' has no parent to inherit from")
        if len(add_allowed_repositories or []) + len(remove_allowed_repositories or []) > (
            MAX_ALLOWED_REPOSITORY_UPDATES
        ):
            raise ValidationException(
                f"At most {MAX_ALLOWED_REPOSITORY_UPDATES} allowed repositories can be added or removed per request"
            )
        # Adding needs an existing repository; removing does not, so a deleted repository's name can be removed.
        added = _repository_updates(d, add_allowed_repositories, "addAllowedRepositories", must_exist=True)
        removed = _repository_updates(d, remove_allowed_repositories, "removeAllowedRepositories", must_exist=False)
        for kind, names in added.items():
            both = set(names) & set(removed.get(kind, ()))
            if both:
                raise ValidationException(
                    f"Repository '{sorted(both)[0]}' cannot be both added to and removed from the {kind} list"
                )
        # Everything is checked: apply. Omitted restriction types keep their mode; allowed lists are kept when
        # the mode changes (both undocumented).
        group.modes.update(restrictions)
        updates: dict[str, dict[str, list[str]]] = {}
        for kind, names in added.items():
            lst = group.allowed[kind]
            for name in names:
                lst[name] = None
            updates.setdefault(kind, {})["ADDED"] = names
        for kind, names in removed.items():
            lst = group.allowed[kind]
            for name in names:
                lst.pop(name, None)
            updates.setdefault(kind, {})["REMOVED"] = names
        return {"packageGroup": group.describe(), "allowedRepositoryUpdates": updates}


def delete_package_group(
    call: Call, *, domain: str, package_group: str, domain_owner: str | None = None
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        groups = registry(d)
        if package_group == ROOT:
            # The root cannot be deleted (documented); the error class is not (ValidationException here).
            raise ValidationException("The root package group '/*' cannot be deleted")
        group = groups.find(package_group)
        description = group.describe()
        groups.remove(group)
        return {"packageGroup": description}


def list_package_groups(
    call: Call,
    *,
    domain: str,
    domain_owner: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
    prefix: str | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        groups = registry(d)
        texts = groups.with_prefix(prefix or "")
        page, token = paginate(
            texts, lambda t: t, max_results, next_token, ["ListPackageGroups", d.owner, domain, prefix or ""]
        )
        return drop_none(packageGroups=[groups[t].describe() for t in page], nextToken=token)


def list_sub_package_groups(
    call: Call,
    *,
    domain: str,
    package_group: str,
    domain_owner: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        group = registry(d).find(package_group)
        children = sorted(group.children)
        page, token = paginate(
            children, lambda t: t, max_results, next_token, ["ListSubPackageGroups", d.owner, domain, package_group]
        )
        return drop_none(packageGroups=[group.children[t].describe() for t in page], nextToken=token)


def _check_coordinate(fmt: str, namespace: str | None) -> None:
    # Undocumented: a namespace for a format that has none, or none for one that needs one.
    if namespace is not None and fmt in NAMESPACE_FORBIDDEN:
        raise ValidationException(f"Packages of format {fmt} do not have a namespace")
    if namespace is None and fmt in NAMESPACE_REQUIRED:
        raise ValidationException(f"A namespace is required for packages of format {fmt}")


def get_associated_package_group(
    call: Call,
    *,
    domain: str,
    format: str,  # noqa: A002 - the model's member name
    package: str,
    domain_owner: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        _check_coordinate(format, namespace)
        # Names are matched in their normalized form; a non-normalized PyPI/NuGet/Swift name is normalized
        # rather than rejected (AWS asks callers for the normalized name; undocumented what it does otherwise).
        ns, name = normalize(format, namespace, package)
        group, strong = registry(d).associate(format, ns, name)
        return {"packageGroup": group.describe(), "associationType": STRONG if strong else WEAK}


def list_allowed_repositories_for_group(
    call: Call,
    *,
    domain: str,
    package_group: str,
    origin_restriction_type: str,
    domain_owner: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        group = registry(d).find(package_group)
        names = sorted(group.allowed[origin_restriction_type])
        filters = ["ListAllowedRepositoriesForGroup", d.owner, domain, package_group, origin_restriction_type]
        page, token = paginate(names, lambda n: n, max_results, next_token, filters)
        return drop_none(allowedRepositories=page, nextToken=token)


def _domain_packages(d: Domain) -> Iterable[tuple[str, str | None, str]]:
    """Every package coordinate (format, namespace, name) stored in any repository of the domain, once."""
    seen: set[tuple[str, str | None, str]] = set()
    for repo in d.repositories.values():
        for pkg in repo.packages.values():
            coordinate = (pkg.format, pkg.namespace, pkg.name)
            if coordinate not in seen:
                seen.add(coordinate)
                yield coordinate


def list_associated_packages(
    call: Call,
    *,
    domain: str,
    package_group: str,
    domain_owner: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
    preview: bool | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        groups = registry(d)
        group = groups.get(package_group)
        if group is None and not preview:
            groups.find(package_group)  # raises
        pattern = group.pattern if group is not None else parse(package_group)
        found: list[tuple[str, str, str, str]] = []
        for fmt, ns, name in _domain_packages(d):
            current, strong = groups.associate(fmt, ns, name)
            if group is not None:
                if current is not group:
                    continue
            else:
                # Preview of a group that does not exist: the packages it would take over if it were created.
                how = pattern.match(fmt, ns or "", name)
                if how is None or pattern.rank <= current.pattern.rank:
                    continue
                strong = how == STRONG
            found.append((fmt, ns or "", name, STRONG if strong else WEAK))
        found.sort()
        filters = ["ListAssociatedPackages", d.owner, domain, package_group, bool(preview)]
        page, token = paginate(found, lambda p: p[:3], max_results, next_token, filters)
        packages = [drop_none(format=f, namespace=ns or None, package=n, associationType=a) for f, ns, n, a in page]
        return drop_none(packages=packages, nextToken=token)


# ---------------------------------------------------------------------------------------------------------
# Enforcement


def blocked_reason(
    d: Domain, fmt: str, namespace: str | None, package: str, restriction: str, repository: str
) -> str | None:
    """Why the package groups of a domain keep a version of a package out of a repository, or None."""
    groups = d.package_groups
    if not isinstance(groups, GroupRegistry):
        return None  # only the root group, which allows everything until it is changed
    ns, name = normalize(fmt, namespace, package)
    group, strong = groups.associate(fmt, ns, name)
    coordinate = f"{fmt}/{ns or ''}/{name}"
    if not strong:
        return f"Package {coordinate} is a variation of package group '{group.text}' (weak association) and is blocked"
    mode, source = group.effective(restriction)
    if mode == ALLOW or (mode == ALLOW_SPECIFIC_REPOSITORIES and repository in source.allowed[restriction]):
        return None
    if mode == BLOCK:
        why = f"{restriction} is BLOCK"
    else:
        why = f"repository '{repository}' is not in the {restriction} allowed repositories"
    return f"Package {coordinate} is blocked by the origin configuration of package group '{group.text}': {why}"


origin.register_gate(blocked_reason)
