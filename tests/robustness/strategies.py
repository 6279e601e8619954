"""Hypothesis strategies that generate CodeArtifact inputs from botocore's input shapes.

``valid_input(op)`` honours every constraint of the model (required members, lengths, patterns, enums, ranges)
and is biased toward the resources ``seed()`` creates, so most calls reach deep backend code instead of stopping
at "domain not found". ``broken_input(op, raw)`` takes a valid input and breaks exactly one constraint somewhere
in it (a missing required member, a too short or too long string or list, a pattern, an enum, a range, and for
raw HTTP a wrong JSON type); the service must answer those with a ValidationException.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

from tests.support.control_plane import POLICY

from .model import operation

# --------------------------------------------------------------------------- the seeded world

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "us-east-1"
DOMAIN = "fuzz-domain"
REPO = "fuzz-repo"
UPSTREAM = "fuzz-upstream"
STORE = "fuzz-store"
NAMESPACE = "fuzz-ns"
PACKAGE = "fuzz-pkg"
VERSION = "1.0.0"
ASSET = "fuzz-asset.txt"
CONTENT = b"fuzz asset content\n"
CONTENT_SHA256 = hashlib.sha256(CONTENT).hexdigest()
GROUP = "/generic/fuzz-ns/*"


def _arn(resource: str) -> str:
    return f"arn:aws:codeartifact:{REGION}:{ACCOUNT}:{resource}"


# --------------------------------------------------------------------------- text and patterns


def _is_other(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "C"


# The model's Java patterns that Python's ``re`` cannot express, as (minimum length, per-character test).
_PROPERTY_PATTERNS: dict[str, tuple[int, Callable[[str], bool]]] = {
    r"\P{C}+": (1, lambda ch: not _is_other(ch)),
    r"\P{C}*": (0, lambda ch: not _is_other(ch)),
    r"[^\p{C}\p{IsWhitespace}]+": (1, lambda ch: not _is_other(ch) and not ch.isspace()),
    r"[\P{C}\s]+": (1, lambda ch: not _is_other(ch) or ch in " \t\n\x0b\f\r"),
}

# Characters that keep generated text clear of the corners where Java and Python disagree about whitespace.
_SAFE_TEXT = st.characters(codec="utf-8", exclude_categories=["C", "Z"]) | st.just(" ")
_SAFE_WORD = st.characters(codec="utf-8", exclude_categories=["C", "Z"])
# Candidates that break a pattern when inserted into a valid value; the first that does is used.
_BREAKERS = ["\x00", "\n", " ", "\u200b", "#", "/", "_", "A", "g", ":", "é", "\x7f", "*"]


def matches(pattern: str, value: str) -> bool:
    """Does ``value`` match the whole model pattern (our own reading of it, independent of the mock's)?"""
    special = _PROPERTY_PATTERNS.get(pattern)
    if special is not None:
        minimum, ok = special
        return len(value) >= minimum and all(ok(ch) for ch in value)
    if "\\p{" in pattern or "\\P{" in pattern:
        return True  # a pattern we cannot read: treat every value as matching (generators then avoid it)
    # Java's ``\s``/``\S``/``\w``/``\d`` are ASCII classes, which is what ``re.ASCII`` gives.
    return re.fullmatch(pattern, value, re.DOTALL | re.ASCII) is not None


def _pattern_text(pattern: str, lo: int, hi: int) -> st.SearchStrategy[str]:
    special = _PROPERTY_PATTERNS.get(pattern)
    if special is not None:
        alphabet = _SAFE_WORD if not special[1](" ") else _SAFE_TEXT
        return st.text(alphabet, min_size=max(lo, special[0]), max_size=min(hi, 40))
    if "\\p{" in pattern or "\\P{" in pattern:
        return st.text("abcdefgh", min_size=max(lo, 1), max_size=min(hi, 20))
    alphabet = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"])
    return st.from_regex(pattern, fullmatch=True, alphabet=alphabet).filter(lambda s: lo <= len(s) <= hi)


def _string(shape: Shape) -> st.SearchStrategy[str]:
    enum = getattr(shape, "enum", None)
    if enum:
        return st.sampled_from(list(enum))
    meta = shape.metadata
    lo, hi = meta.get("min", 0), meta.get("max", 1000)
    pattern = meta.get("pattern")
    if pattern:
        return _pattern_text(pattern, lo, hi)
    return st.text(_SAFE_TEXT, min_size=lo, max_size=min(hi, 40))


# --------------------------------------------------------------------------- hints: names of seeded things

_HEX = "0123456789abcdef"

HINTS: dict[str, st.SearchStrategy[Any]] = {
    "domain": st.sampled_from([DOMAIN] * 7 + ["other-domain"]),
    "domainOwner": st.sampled_from([ACCOUNT] * 7 + [OTHER_ACCOUNT]),
    "administratorAccount": st.sampled_from([ACCOUNT, OTHER_ACCOUNT]),
    "repository": st.sampled_from([REPO, REPO, UPSTREAM, STORE, "fuzz-new-repo"]),
    "sourceRepository": st.sampled_from([REPO, UPSTREAM, STORE]),
    "destinationRepository": st.sampled_from([REPO, UPSTREAM, "fuzz-new-repo"]),
    "repositoryName": st.sampled_from([UPSTREAM, STORE, REPO, "fuzz-missing"]),
    "repositoryPrefix": st.sampled_from(["fuzz", "fuzz-r", "z"]),
    "format": st.sampled_from(["generic", "generic", "npm", "pypi", "maven"]),
    "namespace": st.sampled_from([NAMESPACE, NAMESPACE, "other-ns"]),
    "package": st.sampled_from([PACKAGE, PACKAGE, "other-pkg"]),
    "packagePrefix": st.sampled_from(["fuzz", PACKAGE]),
    "packageVersion": st.sampled_from([VERSION, VERSION, "2.0.0"]),
    "versions": st.lists(st.sampled_from([VERSION, "2.0.0", "3.0.0"]), min_size=1, max_size=3, unique=True),
    "asset": st.sampled_from([ASSET, "missing.txt"]),
    "assetName": st.sampled_from([ASSET, "second.txt"]),
    "assetContent": st.sampled_from([CONTENT, b"", b"other content"]),
    "assetSHA256": st.sampled_from([CONTENT_SHA256]) | st.text(_HEX, min_size=64, max_size=64),
    "packageGroup": st.sampled_from(
        ["/*", "/generic/*", GROUP, GROUP, "/generic/fuzz-ns/fuzz-pkg$", "/npm/*", "/pypi//fuzz~"]
    ),
    "prefix": st.sampled_from(["", "/", "/generic", "/npm"]),
    "resourceArn": st.sampled_from(
        [
            _arn(f"domain/{DOMAIN}"),
            _arn(f"repository/{DOMAIN}/{REPO}"),
            _arn(f"repository/{DOMAIN}/{UPSTREAM}"),
            _arn(f"package-group/{DOMAIN}/generic/fuzz-ns/%2a"),
            _arn("domain/other-domain"),
            "arn:aws:s3:::bucket",
        ]
    ),
    "policyDocument": st.sampled_from([POLICY, POLICY, "not json", "[]", '{"Version": "2012-10-17"}']),
    "externalConnection": st.sampled_from(["public:npmjs", "public:pypi", "public:maven-central", "public:nope"]),
    "encryptionKey": st.sampled_from(
        ["alias/aws/codeartifact", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    ),
    "durationSeconds": st.sampled_from([0, 900, 3600, 43200]) | st.integers(0, 43200),
    "maxResults": st.integers(1, 5) | st.integers(1, 1000),
    "key": st.sampled_from(["env", "team", "owner"]),
    "tagKeys": st.lists(st.sampled_from(["env", "team", "missing"]), min_size=0, max_size=3),
}

# 1 in N draws of a hinted member falls back to the model's generic strategy.
_GENERIC_ONE_IN = 12


@dataclass
class Case:
    """One generated input and what the model says the answer must be."""

    operation: str
    params: dict[str, Any]
    broken: str | None = None  # which constraint was broken (None: a valid input)

    @property
    def must_fail_validation(self) -> bool:
        return self.broken is not None


def _generic(shape: Shape, name: str) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return st.integers(meta.get("min", -(2**31)), meta.get("max", 2**31 - 1))
    if kind == "boolean":
        return st.booleans()
    if kind == "blob":
        return st.binary(max_size=64)
    if kind in ("double", "float"):
        return st.floats(meta.get("min"), meta.get("max"), allow_nan=False, allow_infinity=False)
    if kind == "list":
        lo, hi = meta.get("min", 0), min(meta.get("max", 4), 4)
        return st.lists(value(shape.member, name + "[]"), min_size=lo, max_size=max(lo, hi))
    if kind == "map":
        lo, hi = meta.get("min", 0), min(meta.get("max", 3), 3)
        return st.dictionaries(value(shape.key, ""), value(shape.value, ""), min_size=lo, max_size=max(lo, hi))
    if kind == "structure":
        return structure(shape)
    return st.none()  # pragma: no cover - no other types in the model


def value(shape: Shape, name: str) -> st.SearchStrategy[Any]:
    """A value that satisfies every constraint of ``shape``, biased by the member's name toward seeded things."""
    generic = _generic(shape, name)
    hint = HINTS.get(name)
    if hint is None:
        return generic
    hint = hint.filter(lambda v, s=shape: not violations_of(s, v))
    return st.integers(0, _GENERIC_ONE_IN - 1).flatmap(lambda i: generic if i == _GENERIC_ONE_IN - 1 else hint)


def structure(shape: Shape) -> st.SearchStrategy[dict[str, Any]]:
    required = set(shape.required_members)
    return st.fixed_dictionaries(
        {n: value(m, n) for n, m in shape.members.items() if n in required},
        optional={n: value(m, n) for n, m in shape.members.items() if n not in required},
    )


def violations_of(shape: Shape, v: Any) -> list[str]:
    """The model's constraints that ``v`` breaks (our own reading, used to keep hints and breaks honest)."""
    kind = shape.type_name
    meta = shape.metadata
    out: list[str] = []
    if kind == "string":
        if not isinstance(v, str):
            return ["type"]
        if len(v) < meta.get("min", 0):
            out.append("min")
        if "max" in meta and len(v) > meta["max"]:
            out.append("max")
        if meta.get("pattern") and not matches(meta["pattern"], v):
            out.append("pattern")
        enum = getattr(shape, "enum", None)
        if enum and v not in enum:
            out.append("enum")
    elif kind in ("integer", "long"):
        if not isinstance(v, int) or isinstance(v, bool):
            return ["type"]
        if "min" in meta and v < meta["min"]:
            out.append("min")
        if "max" in meta and v > meta["max"]:
            out.append("max")
    elif kind in ("list", "map"):
        if not isinstance(v, list if kind == "list" else dict):
            return ["type"]
        if len(v) < meta.get("min", 0):
            out.append("min")
        if "max" in meta and len(v) > meta["max"]:
            out.append("max")
    return out


# --------------------------------------------------------------------------- valid and broken inputs


def _fixups(op_name: str, params: dict[str, Any], draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
    """Make members that must agree with each other agree most of the time (content and its SHA-256)."""
    if "assetContent" in params and "assetSHA256" in params and draw(st.integers(0, 4)) < 4:
        params["assetSHA256"] = hashlib.sha256(params["assetContent"]).hexdigest()
    shape = operation(op_name).input_shape
    if shape is not None and "package" in shape.members and draw(st.integers(0, 3)) < 3:
        # Aim at the seeded package most of the time: its coordinates only work together.
        for name, fixed in (("format", "generic"), ("namespace", NAMESPACE), ("package", PACKAGE)):
            if name in shape.members:
                params[name] = fixed
    if op_name.startswith(("Create", "Publish")) and draw(st.integers(0, 2)) < 2:
        # Creating calls aim at a new name most of the time (the seeded names would only conflict).
        for name, fresh in (
            ("repository", "fuzz-new-repo"),
            ("packageVersion", "9.0.0"),
            ("packageGroup", "/generic/new-ns/*"),
        ):
            if name in params and not (name == "repository" and op_name.startswith("Publish")):
                params[name] = fresh
    for name in ("nextToken", "policyRevision"):
        # A made-up token or revision is always refused: keep it rare so most calls get further.
        if name in params and draw(st.integers(0, 4)) < 4:
            del params[name]
    either = ("versions", "versionRevisions")
    if shape is not None and all(m in shape.members and m not in shape.required_members for m in either):
        # CopyPackageVersions takes exactly one of the two: usually give exactly one.
        if draw(st.integers(0, 4)) < 4:
            keep = draw(st.sampled_from(either))
            params.pop(either[1] if keep == either[0] else either[0], None)
            if keep not in params:
                params[keep] = [VERSION] if keep == "versions" else {VERSION: "x"}


@st.composite
def valid_input(draw: Callable[[st.SearchStrategy[Any]], Any], op_name: str) -> Case:
    shape = operation(op_name).input_shape
    params = draw(structure(shape)) if shape is not None else {}
    _fixups(op_name, params, draw)
    return Case(op_name, params)


def _break_string(shape: Shape, raw_body: bool) -> list[st.SearchStrategy[tuple[str, Any]]]:
    meta = shape.metadata
    lo, hi = meta.get("min", 0), meta.get("max")
    options: list[st.SearchStrategy[tuple[str, Any]]] = []
    base = _string(shape)
    if lo > 0:
        options.append(base.map(lambda s, lo=lo: ("min", s[: lo - 1])))
    if hi is not None:
        options.append(
            st.tuples(base, st.integers(1, 30)).map(
                lambda t, hi=hi: ("max", (t[0] or "a") * (hi // max(len(t[0]), 1) + 1) + "a" * t[1])
            )
        )
    enum = getattr(shape, "enum", None)
    if enum:
        options.append(
            st.sampled_from(["bogus", "NPM", "", enum[0].lower() + "x", enum[0] + " "]).map(lambda s: ("enum", s))
        )
    pattern = meta.get("pattern")
    if pattern and not (("\\p{" in pattern or "\\P{" in pattern) and pattern not in _PROPERTY_PATTERNS):

        def insert(t: tuple[str, int, str]) -> tuple[str, Any]:
            text, pos, breaker = t
            if hi is not None:
                text = text[: max(hi - 1, 0)]
            pos = min(pos, len(text))
            return ("pattern", text[:pos] + breaker + text[pos:])

        options.append(
            st.tuples(base, st.integers(0, 40), st.sampled_from(_BREAKERS))
            .map(insert)
            .filter(lambda t, s=shape: violations_of(s, t[1]) == ["pattern"])
        )
    if raw_body:
        options.append(st.sampled_from([1, True, [], {}]).map(lambda v: ("type", v)))
    return options


def _breaks(shape: Shape, raw_body: bool, raw_query: bool) -> list[st.SearchStrategy[tuple[str, Any]]]:
    """Strategies of (constraint, value) where the value breaks one constraint of ``shape`` (or inside it)."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        return _break_string(shape, raw_body)
    options: list[st.SearchStrategy[tuple[str, Any]]] = []
    if kind in ("integer", "long"):
        if "min" in meta:
            options.append(st.integers(meta["min"] - 2**40, meta["min"] - 1).map(lambda v: ("min", v)))
        if "max" in meta:
            options.append(st.integers(meta["max"] + 1, meta["max"] + 2**40).map(lambda v: ("max", v)))
        if raw_body:
            options.append(st.sampled_from(["12", 1.5, [], {}, True]).map(lambda v: ("type", v)))
        if raw_query:
            # Only ASCII digits with an optional sign are a number (Python's int() also takes " 9", "1_0").
            options.append(
                st.sampled_from(["abc", "1.5", "", "0x10", " 900", "900 ", "1_000", "1e3", "+", "-"]).map(
                    lambda v: ("type", v)
                )
            )
    elif kind == "boolean":
        if raw_body:
            options.append(st.sampled_from(["true", 1, [], {}]).map(lambda v: ("type", v)))
        if raw_query:
            options.append(st.sampled_from(["yes", "1", ""]).map(lambda v: ("type", v)))
    elif kind == "list":
        item = value(shape.member, "")
        if meta.get("min", 0) > 0:
            options.append(st.just(("min", [])))
        if "max" in meta:
            options.append(st.lists(item, min_size=meta["max"] + 1, max_size=meta["max"] + 3).map(lambda v: ("max", v)))
        for inner in _breaks(shape.member, True if raw_body else False, False):
            options.append(
                st.tuples(st.lists(item, max_size=2), inner).map(lambda t: (f"item {t[1][0]}", [*t[0], t[1][1]]))
            )
        if raw_body:
            options.append(st.sampled_from(["x", 1, {}]).map(lambda v: ("type", v)))
            options.append(st.lists(item, max_size=2).map(lambda v: ("null item", [*v, None])))
    elif kind == "map":
        key, val = value(shape.key, ""), value(shape.value, "")
        for inner in _breaks(shape.key, False, False):
            options.append(
                st.tuples(inner, val)
                .map(lambda t: (f"key {t[0][0]}", {t[0][1]: t[1]}))
                .filter(lambda t: isinstance(next(iter(t[1])), str))
            )
        for inner in _breaks(shape.value, raw_body, False):
            options.append(st.tuples(key, inner).map(lambda t: (f"value {t[1][0]}", {t[0]: t[1][1]})))
        if "max" in meta:
            options.append(
                st.dictionaries(key, val, min_size=meta["max"] + 1, max_size=meta["max"] + 2).map(lambda v: ("max", v))
            )
        if raw_body:
            options.append(st.sampled_from(["x", 1, []]).map(lambda v: ("type", v)))
            options.append(key.map(lambda k: ("null value", {k: None})))
    elif kind == "structure":
        good = structure(shape)
        for name in shape.required_members:
            options.append(good.map(lambda d, n=name: (f"{n} required", {k: v for k, v in d.items() if k != n})))
        for name, member in shape.members.items():
            for inner in _breaks(member, raw_body, False):
                options.append(st.tuples(good, inner).map(lambda t, n=name: (f"{n}: {t[1][0]}", {**t[0], n: t[1][1]})))
        if raw_body:
            options.append(st.sampled_from(["x", 1, []]).map(lambda v: ("type", v)))
    return options


@st.composite
def broken_input(draw: Callable[[st.SearchStrategy[Any]], Any], op_name: str, raw: bool) -> Case:
    """A valid input with exactly one constraint broken (somewhere in it); AWS answers ValidationException."""
    shape = operation(op_name).input_shape
    case = draw(valid_input(op_name))
    params = dict(case.params)
    payload = shape.serialization.get("payload")
    choices: list[tuple[str, st.SearchStrategy[tuple[str, Any]] | None]] = []
    for name, member in shape.members.items():
        if name == payload:
            continue  # a raw body cannot be "missing": an empty body is an empty asset
        location = member.serialization.get("location")
        if name in shape.required_members:
            choices.append((name, None))
        raw_body = raw and location is None
        raw_query = raw and location == "querystring"
        for strategy in _breaks(member, raw_body, raw_query):
            if location == "header":
                # header values must stay printable ASCII to be sent at all
                strategy = strategy.filter(lambda t: isinstance(t[1], str) and t[1].isascii() and t[1].isprintable())
            choices.append((name, strategy))
    if not choices:
        return case  # nothing can be broken: a valid case
    name, strategy = draw(st.sampled_from(choices))
    if strategy is None:
        params.pop(name, None)
        return Case(op_name, params, broken=f"{name}: required")
    constraint, bad = draw(strategy)
    params[name] = bad
    return Case(op_name, params, broken=f"{name}: {constraint}")


def cases(op_name: str, raw: bool) -> st.SearchStrategy[Case]:
    """Valid inputs two times out of three, broken ones otherwise."""
    return st.integers(0, 2).flatmap(lambda i: broken_input(op_name, raw) if i == 2 else valid_input(op_name))


def example_input(op_name: str) -> dict[str, Any]:
    """A deterministic, valid input for ``op_name`` (required members only) naming the seeded resources."""
    shape = operation(op_name).input_shape
    out: dict[str, Any] = {}
    if shape is None:
        return out
    for name in shape.required_members:
        out[name] = _first(shape.members[name], name)
    if "namespace" in shape.members and out.get("format") == "generic":
        out["namespace"] = NAMESPACE
    if "assetContent" in out:
        out["assetContent"] = CONTENT
        out["assetSHA256"] = CONTENT_SHA256
    return out


_FIRST: dict[str, Any] = {
    "domain": DOMAIN,
    "domainOwner": ACCOUNT,
    "repository": REPO,
    "sourceRepository": UPSTREAM,
    "destinationRepository": REPO,
    "repositoryName": UPSTREAM,
    "format": "generic",
    "namespace": NAMESPACE,
    "package": PACKAGE,
    "packageVersion": VERSION,
    "versions": [VERSION],
    "asset": ASSET,
    "assetName": ASSET,
    "packageGroup": GROUP,
    "resourceArn": _arn(f"domain/{DOMAIN}"),
    "policyDocument": POLICY,
    "externalConnection": "public:npmjs",
    "tagKeys": ["env"],
}


def _first(shape: Shape, name: str) -> Any:
    if name in _FIRST:
        return _FIRST[name]
    kind = shape.type_name
    enum = getattr(shape, "enum", None)
    if kind == "string":
        return enum[0] if enum else "x" * max(shape.metadata.get("min", 1), 1)
    if kind in ("integer", "long"):
        return shape.metadata.get("min", 1)
    if kind == "boolean":
        return False
    if kind == "blob":
        return CONTENT
    if kind == "list":
        return [_first(shape.member, name)]
    if kind == "map":
        return {}
    if kind == "structure":
        return {n: _first(m, n) for n, m in shape.members.items() if n in shape.required_members}
    return None  # pragma: no cover
