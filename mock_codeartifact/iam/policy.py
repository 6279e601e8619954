"""The IAM policy language for resource policies: parse and validate a document once, evaluate it cheaply.

A document is parsed into an immutable :class:`Policy` whose statements are pre-compiled (wildcards become
regular expressions, principals become a set of canonical keys, condition values are converted to the operator's
type), so :func:`evaluate` does no JSON parsing and no regex compilation per call. The module knows the IAM
grammar only: nothing of CodeArtifact, HTTP or the backend.

Evaluation follows AWS's documented rules for one resource policy: a statement applies when its principal, action,
resource and every condition match; a matching ``Deny`` beats any ``Allow``; no matching statement means the policy
does not decide (:attr:`Decision.NOT_APPLICABLE`). See docs/authorization.md, "Policy language".
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import functools
import ipaddress
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "AuthzRequest",
    "Decision",
    "Policy",
    "PolicyError",
    "PolicyParseError",
    "Statement",
    "combine",
    "evaluate",
    "parse_policy",
    "parse_policy_cached",
]

ContextValue = str | bool | Sequence[str]


class PolicyError(ValueError):
    """A policy document that AWS would refuse; ``str(e)`` is the message for a ValidationException."""


class PolicyParseError(PolicyError):
    """The document is not JSON, or not a JSON object (AWS's ``CANNOT_PARSE`` case)."""


class Decision(enum.Enum):
    """What one policy (or several, see :func:`combine`) says about a request."""

    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    NOT_APPLICABLE = "NotApplicable"  # no statement matched: the policy neither allows nor denies


@dataclass(frozen=True)
class AuthzRequest:
    """One authorization question: may ``principal_arn`` perform ``action`` on ``resource``?

    ``context`` holds request condition keys other than the principal ones (``aws:ResourceTag/team``,
    ``aws:RequestTag/k``, ``aws:TagKeys``, ...); key names are case-insensitive. ``aws:PrincipalAccount``,
    ``aws:PrincipalArn`` and ``aws:PrincipalType`` are derived from the principal.
    """

    principal_arn: str
    principal_account: str
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------------
# Wildcards


Token = tuple[str, bool]  # one character of a pattern, and whether it is literal (a wildcard character that is not)
PatternText = str | tuple[Token, ...]  # a pattern as written, or as resolved from policy variables


def _chars(pattern: PatternText) -> Sequence[Token]:
    return [(c, False) for c in pattern] if isinstance(pattern, str) else pattern


def _is_wild(pattern: PatternText) -> bool:
    return any(c in "*?" and not literal for c, literal in _chars(pattern))


def _text(pattern: PatternText) -> str:
    return pattern if isinstance(pattern, str) else "".join(c for c, _ in pattern)


def _glob_regex(pattern: PatternText) -> str:
    """``*`` = any run of characters, ``?`` = exactly one; everything else literal."""
    return "".join(
        ".*" if c == "*" and not lit else "." if c == "?" and not lit else re.escape(c) for c, lit in _chars(pattern)
    )


def _segments(pattern: PatternText, limit: int = -1) -> list[list[Token]]:
    """Split at the colons written in the pattern (not those a policy variable brought in)."""
    segments: list[list[Token]] = [[]]
    for token in _chars(pattern):
        if token == (":", False) and (limit < 0 or len(segments) <= limit):
            segments.append([])
        else:
            segments[-1].append(token)
    return segments


def _resource_regex(pattern: PatternText) -> str:
    """A Resource ARN pattern as IAM matches it: wildcards work inside each colon-separated segment (``?`` is one
    character of it); a ``*`` that ends a segment may run on across colons."""
    segments = _segments(pattern)
    out = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        chars = []
        for j, (c, literal) in enumerate(segment):
            if c == "*" and not literal:
                chars.append(".*" if last or j == len(segment) - 1 else "[^:]*")
            elif c == "?" and not literal:
                chars.append("." if last else "[^:]")
            else:
                chars.append(re.escape(c))
        out.append("".join(chars))
    return ":".join(out)


def _arn_condition_regex(pattern: PatternText) -> str | None:
    """ArnEquals/ArnLike: the six components of the ARN (the last, the resource, may hold colons) are compared
    one by one, each with wildcards of its own. A value without six components matches nothing."""
    parts = _segments(pattern, 5)
    if len(parts) < 6:
        return None
    out = [
        "".join(
            "[^:]*" if c == "*" and not lit else "[^:]" if c == "?" and not lit else re.escape(c) for c, lit in part
        )
        for part in parts[:5]
    ]
    out.append(_glob_regex(tuple(parts[5])))
    return ":".join(out)


@dataclass(frozen=True, slots=True)
class _Patterns:
    """A set of patterns compiled for one membership test: exact strings in a set, wildcards in one regex."""

    any: bool
    exact: frozenset[str]
    regex: re.Pattern[str] | None

    def matches(self, value: str) -> bool:
        if self.any or value in self.exact:
            return True
        return self.regex is not None and self.regex.fullmatch(value) is not None


def _compile_patterns(patterns: Sequence[PatternText], to_regex: Callable[[PatternText], str]) -> _Patterns:
    exact = frozenset(_text(p) for p in patterns if not _is_wild(p))
    wild = [p for p in patterns if _is_wild(p)]
    if "*" in wild:
        return _Patterns(True, frozenset(), None)
    regex = re.compile("|".join(f"(?:{to_regex(p)})" for p in wild), re.DOTALL) if wild else None
    return _Patterns(False, exact, regex)


@functools.lru_cache(maxsize=4096)
def _resource_patterns(patterns: tuple[PatternText, ...]) -> _Patterns:
    """Resource patterns resolved from policy variables at evaluation time, compiled once per distinct result."""
    return _compile_patterns(patterns, _resource_regex)


# ---------------------------------------------------------------------------------------------------------------
# Policy variables (Version 2012-10-17): ${key}, ${key, 'default'}, and ${*} ${?} ${$} for literal characters.

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_VARIABLE_BODY = re.compile(r"\s*([^\s,']+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?")


@dataclass(frozen=True, slots=True)
class _Variable:
    key: str  # lower-cased condition key
    default: str | None


Template = tuple[str | Token | _Variable, ...]  # pattern text, a literal character, a variable


def _template(value: str) -> Template | None:
    """The value split into text and variables, or None when it holds no variable."""
    parts: list[str | Token | _Variable] = []
    position = 0
    for m in _VARIABLE.finditer(value):
        body = m.group(1).strip()
        if body in ("*", "?", "$"):
            part: Token | _Variable = (body, True)
        else:
            parsed = _VARIABLE_BODY.fullmatch(m.group(1))
            if parsed is None:
                continue  # not a variable: stays text
            default = parsed.group(2).replace("''", "'") if parsed.group(2) is not None else None
            part = _Variable(parsed.group(1).lower(), default)
        if m.start() > position:
            parts.append(value[position : m.start()])
        parts.append(part)
        position = m.end()
    if not parts:
        return None
    if position < len(value):
        parts.append(value[position:])
    return tuple(parts)


def _resolve(template: Template, lookup: Callable[[str], tuple[str, ...] | None]) -> tuple[Token, ...] | None:
    """The template with its variables replaced by the request's values (literal characters); None when a
    variable has no single value and no default (AWS: the element then matches nothing)."""
    out: list[Token] = []
    for part in template:
        if isinstance(part, str):
            out.extend((c, False) for c in part)
        elif isinstance(part, tuple):
            out.append(part)
        else:
            values = lookup(part.key)
            if values is not None and len(values) == 1:
                text = values[0]
            elif part.default is not None:
                text = part.default
            else:
                return None
            out.extend((c, True) for c in text)
    return tuple(out)


# ---------------------------------------------------------------------------------------------------------------
# Principals
#
# Both sides are reduced to canonical keys, so matching is one set intersection. A caller is the chain of
# identities AWS evaluates for it (account, then role or user, then session): an account key matches every
# principal of the account; a role key matches the role's sessions. Role and user names are compared without
# their path, as AWS resolves a principal ARN to the entity's unique id when the policy is saved.

_PRINCIPAL_ARN = re.compile(r"arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)", re.DOTALL)
_ACCOUNT_ID = re.compile(r"\d{12}")


@dataclass(frozen=True, slots=True)
class _Identity:
    keys: frozenset[str]  # the caller's chain: account, role/user, session
    principal_type: str  # aws:PrincipalType
    condition_arn: str  # aws:PrincipalArn (the role's ARN for an assumed-role session)
    account: str
    condition_values: dict[str, tuple[str, ...]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        values = {
            "aws:principalaccount": (self.account,),
            "aws:principalarn": (self.condition_arn,),
            "aws:principaltype": (self.principal_type,),
        }
        if self.principal_type == "User":
            values["aws:username"] = (self.condition_arn.rsplit("/", 1)[-1],)
        object.__setattr__(self, "condition_values", values)


def _principal_key(value: str) -> str | None:
    """The canonical key of a principal named in a policy, or None when the value is not a valid AWS principal."""
    if _ACCOUNT_ID.fullmatch(value):
        return f"account:{value}"
    m = _PRINCIPAL_ARN.fullmatch(value)
    if m is None or "*" in value or "?" in value:
        return None
    _, service, account, resource = m.groups()
    kind, _, rest = resource.partition("/")
    if service == "iam":
        if resource == "root":
            return f"account:{account}"
        if kind in ("user", "role") and rest and not rest.endswith("/"):
            return f"{kind}:{account}:{rest.rsplit('/', 1)[-1]}"
        return None
    if kind == "assumed-role":
        role, _, session = rest.partition("/")
        if role and session and "/" not in session:
            return f"session:{account}:{role}:{session}"
        return None
    if kind == "federated-user" and rest and "/" not in rest:
        return f"federated-user:{account}:{rest}"
    return None


@functools.lru_cache(maxsize=1024)
def _identity(principal_arn: str, principal_account: str) -> _Identity:
    account_key = f"account:{principal_account}"
    m = _PRINCIPAL_ARN.fullmatch(principal_arn)
    if m is None:
        return _Identity(frozenset({account_key, f"arn:{principal_arn}"}), "Unknown", principal_arn, principal_account)
    partition, service, account, resource = m.groups()
    kind, _, rest = resource.partition("/")
    name = rest.rsplit("/", 1)[-1]
    if service == "iam" and resource == "root":
        return _Identity(frozenset({account_key}), "Account", principal_arn, principal_account)
    if service == "iam" and kind == "user":
        return _Identity(frozenset({account_key, f"user:{account}:{name}"}), "User", principal_arn, principal_account)
    if service == "iam" and kind == "role":
        # A role named directly as the caller stands for a session of that role.
        keys = frozenset({account_key, f"role:{account}:{name}"})
        return _Identity(keys, "AssumedRole", principal_arn, principal_account)
    if service == "sts" and kind == "assumed-role":
        role, _, session = rest.partition("/")
        keys = frozenset({account_key, f"role:{account}:{role}", f"session:{account}:{role}:{session}"})
        return _Identity(keys, "AssumedRole", f"arn:{partition}:iam::{account}:role/{role}", principal_account)
    if kind == "federated-user":
        keys = frozenset({account_key, f"federated-user:{account}:{name}"})
        return _Identity(keys, "FederatedUser", principal_arn, principal_account)
    return _Identity(frozenset({account_key, f"arn:{principal_arn}"}), "Unknown", principal_arn, principal_account)


@dataclass(frozen=True, slots=True)
class _Principals:
    any: bool
    keys: frozenset[str]

    def matches(self, identity: _Identity) -> bool:
        return self.any or not self.keys.isdisjoint(identity.keys)

    def covers(self, identity: _Identity) -> bool:
        """NotPrincipal: the caller is exempt only when every link of its chain is named (AWS's documented
        advice to list the account, the role and the session together)."""
        return self.any or identity.keys <= self.keys


_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")


def _compile_principal(value: Any, element: str) -> _Principals:
    if value == "*":
        return _Principals(True, frozenset())
    if not isinstance(value, dict) or not value:
        raise PolicyError(f'{element} must be "*" or an object such as {{"AWS": "123456789012"}}')
    keys: set[str] = set()
    for kind, names in value.items():
        if kind not in _PRINCIPAL_TYPES:
            raise PolicyError(
                f"Invalid principal type {kind!r} in {element}; expected one of {', '.join(_PRINCIPAL_TYPES)}"
            )
        for name in _string_list(names, f"{element}.{kind}"):
            if kind != "AWS":
                keys.add(f"{kind.lower()}:{name}")  # kept for completeness: never an AWS caller of this mock
            elif name == "*":
                return _Principals(True, frozenset())
            else:
                key = _principal_key(name)
                if key is None:
                    raise PolicyError(f"Invalid principal in policy: {name!r}")
                keys.add(key)
    return _Principals(False, frozenset(keys))


# ---------------------------------------------------------------------------------------------------------------
# Conditions

_ANY_VALUE, _ALL_VALUES = 1, 2


Builder = Callable[[list[PatternText]], Callable[[str], bool]]


@dataclass(frozen=True, slots=True)
class _Condition:
    operator: str
    key: str  # lower-cased: condition key names are case-insensitive
    qualifier: int  # 0, _ANY_VALUE or _ALL_VALUES
    if_exists: bool
    negated: bool
    test: Callable[[str], bool]  # does one request value match one of the policy's values (positive form)?
    null_expected: bool | None = None  # the Null operator: True = the key must be absent
    # With policy variables among the values, ``test`` is rebuilt per request from these (cached by result).
    templated: tuple[str | Template, ...] = ()
    build: Builder | None = None

    def holds(self, context: _Context) -> bool:
        values = context.get(self.key)
        if self.null_expected is not None:
            return (not values) == self.null_expected
        if not values:
            if self.if_exists:
                return True
            if self.qualifier == _ALL_VALUES:
                return True
            if self.qualifier == _ANY_VALUE:
                return False
            return self.negated
        test, negated = self.test, self.negated
        if self.build is not None:
            test = _resolved_test(self.build, self.templated, context)
        if self.qualifier == _ALL_VALUES:
            return all(test(v) != negated for v in values)
        if self.qualifier == _ANY_VALUE:
            return any(test(v) != negated for v in values)
        return any(test(v) for v in values) != negated


def _resolved_test(build: Builder, templated: tuple[str | Template, ...], context: _Context) -> Callable[[str], bool]:
    resolved: list[PatternText] = []
    for value in templated:
        if isinstance(value, str):
            resolved.append(value)
        else:
            tokens = _resolve(value, context.get)
            if tokens is not None:  # an unresolved variable: that value matches nothing
                resolved.append(tokens)
    return _cached_test(build, tuple(resolved)) if resolved else _never


@functools.lru_cache(maxsize=4096)
def _cached_test(build: Builder, values: tuple[PatternText, ...]) -> Callable[[str], bool]:
    try:
        return build(list(values))
    except PolicyError:
        return _never  # e.g. a variable that resolved to something that is not a number, for NumericEquals


def _show(value: Any) -> str:
    """A JSON value for a message: scalars as written, containers by kind (they may be large or deep)."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return json.dumps(value)


def _scalar(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and math.isfinite(value):
        return json.dumps(value)
    raise PolicyError(f"{where}: condition values must be strings, numbers or booleans, got {_show(value)}")


def _string_test(values: list[str]) -> Callable[[str], bool]:
    return frozenset(values).__contains__


def _ignore_case_test(values: list[str]) -> Callable[[str], bool]:
    folded = frozenset(v.casefold() for v in values)
    return lambda v: v.casefold() in folded


def _like_test(values: list[PatternText]) -> Callable[[str], bool]:
    patterns = _compile_patterns(values, _glob_regex)
    return patterns.matches


def _arn_test(values: list[PatternText]) -> Callable[[str], bool]:
    regexes = [r for r in map(_arn_condition_regex, values) if r is not None]
    if not regexes:
        return _never
    regex = re.compile("|".join(f"(?:{r})" for r in regexes), re.DOTALL)
    return lambda v: regex.fullmatch(v) is not None


def _bool_test(values: list[str]) -> Callable[[str], bool]:
    for v in values:
        if v.lower() not in ("true", "false"):
            raise PolicyError(f"Bool condition values must be true or false, got {v!r}")
    lowered = frozenset(v.lower() for v in values)
    return lambda v: v.lower() in lowered


def _binary_test(values: list[str]) -> Callable[[str], bool]:
    decoded = set()
    for v in values:
        try:
            decoded.add(base64.b64decode(v, validate=True))
        except (binascii.Error, ValueError):
            raise PolicyError(f"BinaryEquals condition values must be base64, got {v!r}") from None

    def test(value: str) -> bool:
        try:
            return base64.b64decode(value, validate=True) in decoded
        except (binascii.Error, ValueError):
            return False

    return test


def _number(value: str) -> float | None:
    try:
        result = float(value)
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def _date(value: str) -> float | None:
    """A date condition value: ISO 8601 (a date, or a date and time with an optional zone; UTC if none) or
    seconds since the epoch."""
    number = _number(value)
    if number is not None:
        return number
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}


def _ordered_test(
    kind: str, compare: Callable[[float, float], bool], convert: Callable[[str], float | None]
) -> Callable[[list[str]], Callable[[str], bool]]:
    def build(values: list[str]) -> Callable[[str], bool]:
        limits = []
        for v in values:
            converted = convert(v)
            if converted is None:
                raise PolicyError(f"{kind} condition value {v!r} is not a valid {kind.lower()}")
            limits.append(converted)

        def test(value: str) -> bool:
            converted = convert(value)
            return converted is not None and any(compare(converted, limit) for limit in limits)

        return test

    return build


def _ip_test(values: list[str]) -> Callable[[str], bool]:
    networks = []
    for v in values:
        try:
            networks.append(ipaddress.ip_network(v, strict=False))
        except ValueError:
            raise PolicyError(f"IpAddress condition value {v!r} is not an IP address or CIDR block") from None

    def test(value: str) -> bool:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        return any(address in network for network in networks)

    return test


# operator name (lower case) -> (canonical name, negated, test builder)
_OPERATORS: dict[str, tuple[str, bool, Builder]] = {}


def _on_text(build: Callable[[list[str]], Callable[[str], bool]]) -> Builder:
    """A builder for an operator without wildcards: characters from policy variables are plain text anyway."""
    return functools.wraps(build)(lambda values: build([_text(v) for v in values]))


def _register(name: str, negated: bool, build: Builder) -> None:
    _OPERATORS[name.lower()] = (name, negated, build)


for _name, _negated, _build in (
    ("StringEquals", False, _on_text(_string_test)),
    ("StringNotEquals", True, _on_text(_string_test)),
    ("StringEqualsIgnoreCase", False, _on_text(_ignore_case_test)),
    ("StringNotEqualsIgnoreCase", True, _on_text(_ignore_case_test)),
    ("StringLike", False, _like_test),
    ("StringNotLike", True, _like_test),
    ("ArnEquals", False, _arn_test),
    ("ArnLike", False, _arn_test),
    ("ArnNotEquals", True, _arn_test),
    ("ArnNotLike", True, _arn_test),
    ("Bool", False, _on_text(_bool_test)),
    ("BinaryEquals", False, _on_text(_binary_test)),
    ("IpAddress", False, _on_text(_ip_test)),
    ("NotIpAddress", True, _on_text(_ip_test)),
):
    _register(_name, _negated, _build)
for _family, _convert in (("Numeric", _number), ("Date", _date)):
    _register(f"{_family}Equals", False, _on_text(_ordered_test(_family, _COMPARISONS["Equals"], _convert)))
    _register(f"{_family}NotEquals", True, _on_text(_ordered_test(_family, _COMPARISONS["Equals"], _convert)))
    for _suffix in ("LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals"):
        _register(f"{_family}{_suffix}", False, _on_text(_ordered_test(_family, _COMPARISONS[_suffix], _convert)))

_QUALIFIERS = {"foranyvalue": _ANY_VALUE, "forallvalues": _ALL_VALUES}


def _compile_condition_block(block: Any, variables: bool) -> tuple[_Condition, ...]:
    if not isinstance(block, dict):
        raise PolicyError('Condition must be an object such as {"StringEquals": {"aws:PrincipalAccount": "..."}}')
    conditions = []
    for operator, entries in block.items():
        qualifier = 0
        name = operator
        prefix, colon, rest = operator.partition(":")
        if colon:
            if prefix.lower() not in _QUALIFIERS:
                raise PolicyError(
                    f"Unknown condition operator {operator!r}: the only qualifiers are ForAnyValue and ForAllValues"
                )
            qualifier, name = _QUALIFIERS[prefix.lower()], rest
        if_exists = name.lower().endswith("ifexists") and name.lower() != "ifexists"
        base = name[: -len("IfExists")] if if_exists else name
        if not isinstance(entries, dict) or not entries:
            raise PolicyError(f"Condition operator {operator!r} must map condition keys to values")
        if base.lower() == "null":
            if qualifier or if_exists:
                raise PolicyError(f"Unknown condition operator {operator!r}: Null takes no qualifier or IfExists")
            for key, raw in entries.items():
                values = _condition_values(raw, operator, key)
                flags = {v.lower() for v in values}
                if not flags <= {"true", "false"} or len(flags) != 1:
                    raise PolicyError(f"Null condition values must be true or false, got {raw!r}")
                conditions.append(_Condition("Null", key.lower(), 0, False, False, _never, "true" in flags))
            continue
        known = _OPERATORS.get(base.lower())
        if known is None:
            raise PolicyError(f"Unknown condition operator {operator!r}")
        canonical, negated, build = known
        for key, raw in entries.items():
            values = _condition_values(raw, operator, key)
            templates = [_template(v) if variables else None for v in values]
            static: list[PatternText] = [v for v, t in zip(values, templates, strict=True) if t is None]
            test = build(static) if static else _never  # validates the values known now
            condition = _Condition(canonical, key.lower(), qualifier, if_exists, negated, test)
            if any(t is not None for t in templates):
                templated = tuple(v if t is None else t for v, t in zip(values, templates, strict=True))
                condition = dataclasses.replace(condition, templated=templated, build=build)
            conditions.append(condition)
    return tuple(conditions)


def _never(_: str) -> bool:
    return False


def _condition_values(raw: Any, operator: str, key: str) -> list[str]:
    if not isinstance(key, str) or not key:
        raise PolicyError(f"Condition operator {operator!r} has an empty condition key")
    where = f"Condition {operator} {key}"
    if isinstance(raw, list):
        if not raw:
            raise PolicyError(f"{where}: the list of values is empty")
        return [_scalar(v, where) for v in raw]
    return [_scalar(raw, where)]


# ---------------------------------------------------------------------------------------------------------------
# Statements and documents

_VERSIONS = ("2012-10-17", "2008-10-17")
_POLICY_ELEMENTS = ("Version", "Id", "Statement")
_STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_ACTION = re.compile(r"[A-Za-z0-9*?-]+:[A-Za-z0-9*?_.-]+")


@dataclass(frozen=True, slots=True)
class Statement:
    """One compiled statement. Matching is done by :func:`evaluate`; the fields are not public API."""

    sid: str | None
    deny: bool
    principal: _Principals | None  # None: no principal element (matches every caller)
    not_principal: bool
    action: _Patterns
    not_action: bool
    resource: _Patterns | None  # None: no resource element (the resource the policy is attached to)
    not_resource: bool
    conditions: tuple[_Condition, ...]
    # With policy variables in Resource/NotResource, the patterns are resolved per request (``resource`` is None).
    templated_resource: tuple[str | Template, ...] = ()

    @property
    def effect(self) -> str:
        return "Deny" if self.deny else "Allow"

    def resource_resolved_matches(self, resource: str, context: _Context) -> bool:
        resolved: list[PatternText] = []
        for pattern in self.templated_resource:
            tokens = pattern if isinstance(pattern, str) else _resolve(pattern, context.get)
            if tokens is not None:  # an unresolved variable: that pattern matches nothing
                resolved.append(tokens)
        return bool(resolved) and _resource_patterns(tuple(resolved)).matches(resource)

    def applies_to(self, identity: _Identity) -> bool:
        principal = self.principal
        if principal is None:
            return True
        if not self.not_principal:
            return principal.matches(identity)
        # A Deny spares only a caller whose whole chain is named; an Allow leaves out anyone named.
        return not (principal.covers(identity) if self.deny else principal.matches(identity))


@dataclass(frozen=True)
class Policy:
    """A parsed, validated policy document; immutable and safe to share between threads."""

    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    # (action, resource, principal ARN, principal account) -> the statements whose Action, Resource and principal
    # elements match, denies first. Filled as requests come: the same few callers, actions and resources recur,
    # so most calls check only conditions.
    _candidates: dict[tuple[str, str, str, str], tuple[Statement, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def candidates(self, request: AuthzRequest) -> tuple[Statement, ...]:
        """The statements that apply to ``request`` unless a condition says otherwise, denies first."""
        key = (request.action, request.resource, request.principal_arn, request.principal_account)
        found = self._candidates.get(key)
        if found is None:
            action, resource = request.action.lower(), request.resource
            identity = _identity(request.principal_arn, request.principal_account)
            matching = [
                s
                for s in self.statements
                if s.action.matches(action) != s.not_action
                and (s.resource is None or s.resource.matches(resource) != s.not_resource)  # templated: later
                and s.applies_to(identity)
            ]
            found = tuple(s for s in matching if s.deny) + tuple(s for s in matching if not s.deny)
            if len(self._candidates) >= _CANDIDATES_KEPT:
                self._candidates.clear()  # a bound, not an LRU: the working set is small
            self._candidates[key] = found
        return found


_CANDIDATES_KEPT = 4096


def _string_list(value: Any, element: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    raise PolicyError(f"{element} must be a string or a non-empty list of strings")


def _element(raw: dict[str, Any], name: str) -> str | None:
    """Which of ``name`` and ``Not{name}`` a statement uses (None: neither); never both."""
    negated = f"Not{name}"
    if name in raw and negated in raw:
        raise PolicyError(f"a statement cannot have both {name} and {negated}")
    return name if name in raw else negated if negated in raw else None


def _required_element(raw: dict[str, Any], name: str, missing: str) -> str:
    element = _element(raw, name)
    if element is None:
        raise PolicyError(missing)
    return element


def _compile_statement(raw: Any, variables: bool) -> Statement:
    if not isinstance(raw, dict):
        raise PolicyError("must be a JSON object")
    unknown = [k for k in raw if k not in _STATEMENT_ELEMENTS]
    if unknown:
        raise PolicyError(f"unsupported element {unknown[0]!r}; a statement has only {', '.join(_STATEMENT_ELEMENTS)}")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError("Sid must be a string")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        if effect is None:
            raise PolicyError("missing required element Effect")
        raise PolicyError(f'Effect must be "Allow" or "Deny", got {_show(effect)}')

    principal_element = _required_element(
        raw, "Principal", "missing required element Principal (a resource policy names who it applies to)"
    )
    principal = _compile_principal(raw[principal_element], principal_element)

    action_element = _required_element(raw, "Action", "missing required element Action or NotAction")
    actions = _string_list(raw[action_element], action_element)
    for action in actions:
        if action != "*" and not _ACTION.fullmatch(action):
            raise PolicyError(
                f"invalid action {action!r}: expected service:ActionName, such as codeartifact:ReadFromRepository"
            )
    action_patterns = _compile_patterns([a.lower() for a in actions], _glob_regex)

    resource_patterns = None
    templated_resource: tuple[str | Template, ...] = ()
    resource_element = _element(raw, "Resource")
    if resource_element is not None:
        resources = _string_list(raw[resource_element], resource_element)
        for resource in resources:
            if resource != "*" and not (
                resource.startswith("arn:") and (resource.count(":") >= 5 or "*" in resource or "?" in resource)
            ):
                raise PolicyError(f'invalid resource {resource!r}: expected "*" or an ARN')
        templates = [_template(r) if variables else None for r in resources]
        if any(t is not None for t in templates):
            templated_resource = tuple(r if t is None else t for r, t in zip(resources, templates, strict=True))
        else:
            resource_patterns = _compile_patterns(resources, _resource_regex)

    conditions = _compile_condition_block(raw["Condition"], variables) if "Condition" in raw else ()
    return Statement(
        sid=sid,
        deny=effect == "Deny",
        principal=principal,
        not_principal=principal_element == "NotPrincipal",
        action=action_patterns,
        not_action=action_element == "NotAction",
        resource=resource_patterns,
        not_resource=resource_element == "NotResource",
        conditions=conditions,
        templated_resource=templated_resource,
    )


def parse_policy(document: str) -> Policy:
    """Parse and validate a resource-policy document; raise :class:`PolicyError` with a clear message if AWS
    would refuse it."""
    try:
        parsed = json.loads(document)
    except ValueError as err:
        raise PolicyParseError(f"The policy document is not valid JSON: {err}") from None
    except RecursionError:
        raise PolicyParseError("The policy document is not valid JSON: it is nested too deeply") from None
    if not isinstance(parsed, dict):
        raise PolicyParseError("The policy document must be a JSON object")
    unknown = [k for k in parsed if k not in _POLICY_ELEMENTS]
    if unknown:
        raise PolicyError(
            f"Invalid policy document: unsupported element {unknown[0]!r}; a policy has only Version, Id and Statement"
        )
    version = parsed.get("Version")
    if version is not None and version not in _VERSIONS:
        raise PolicyError(
            f'Invalid policy document: Version must be "2012-10-17" or "2008-10-17", got {_show(version)}'
        )
    policy_id = parsed.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError("Invalid policy document: Id must be a string")
    if "Statement" not in parsed:
        raise PolicyError("Invalid policy document: missing required element Statement")
    raw_statements = parsed["Statement"]
    if isinstance(raw_statements, dict):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        raise PolicyError("Invalid policy document: Statement must be an object or a list of objects")
    statements = []
    for number, raw in enumerate(raw_statements, 1):
        try:
            statements.append(_compile_statement(raw, variables=version == "2012-10-17"))
        except PolicyError as err:
            sid = raw.get("Sid") if isinstance(raw, dict) else None
            label = f"Statement {number}" + (f" (Sid {sid!r})" if isinstance(sid, str) and sid else "")
            raise PolicyError(f"Invalid policy document: {label}: {err}") from None
    return Policy(version=version, id=policy_id, statements=tuple(statements))


@functools.lru_cache(maxsize=512)
def parse_policy_cached(document: str) -> Policy:
    """:func:`parse_policy`, memoized: stored policies are re-read on every authorized call."""
    return parse_policy(document)


# ---------------------------------------------------------------------------------------------------------------
# Evaluation


class _Context:
    """Condition-key lookup for one request; the request's context is normalized only if a condition asks."""

    __slots__ = ("_request", "_derived", "_values")

    def __init__(self, request: AuthzRequest) -> None:
        self._request = request
        self._derived = _identity(request.principal_arn, request.principal_account).condition_values
        self._values: dict[str, tuple[str, ...]] | None = None

    def get(self, key: str) -> tuple[str, ...] | None:
        found = self._derived.get(key)
        if found is not None:
            return found
        if self._values is None:
            self._values = {k.lower(): _context_values(v) for k, v in self._request.context.items()}
        return self._values.get(key)


def _context_values(value: ContextValue) -> tuple[str, ...]:
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def evaluate(policy: Policy, request: AuthzRequest) -> Decision:
    """What ``policy`` says about ``request``: an explicit deny, an allow, or nothing (no statement matched)."""
    context: _Context | None = None
    for statement in policy.candidates(request):
        if statement.conditions or statement.templated_resource:
            if context is None:
                context = _Context(request)
            if statement.templated_resource and (
                statement.resource_resolved_matches(request.resource, context) == statement.not_resource
            ):
                continue
            if not all(c.holds(context) for c in statement.conditions):
                continue
        # Candidates list denies first, so the first statement that applies decides.
        return Decision.EXPLICIT_DENY if statement.deny else Decision.ALLOW
    return Decision.NOT_APPLICABLE


def combine(*decisions: Decision) -> Decision:
    """Several policies' answers as one: an explicit deny wins, then an allow; otherwise not applicable."""
    if Decision.EXPLICIT_DENY in decisions:
        return Decision.EXPLICIT_DENY
    if Decision.ALLOW in decisions:
        return Decision.ALLOW
    return Decision.NOT_APPLICABLE
