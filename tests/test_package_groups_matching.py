"""Package-group definitions against package coordinates, through GetAssociatedPackageGroup.

Reference §10.2-§10.4 (syntax, most-specific match, strong and weak association) and §2.2 (normalization).
Cases marked "doc" are the user guide's own examples.
"""

from __future__ import annotations

import itertools
import random

import pytest

from tests.support.control_plane import raises

DOMAIN = "match-domain"


@pytest.fixture
def domain(client):
    client.create_domain(domain=DOMAIN)
    return DOMAIN


def associated(client, fmt: str, namespace: str | None, package: str) -> tuple[str, str]:
    kwargs = {"namespace": namespace} if namespace is not None else {}
    out = client.get_associated_package_group(domain=DOMAIN, format=fmt, package=package, **kwargs)
    return out["packageGroup"]["pattern"], out["associationType"]


# (pattern, format, namespace, package, association or None when only the root group matches)
SINGLE_PATTERN_CASES = [
    # doc: "/npm/space/foo~ matches foo and foo-bar but not food or foot"; CamelCase is no word boundary
    ("/npm/space/foo~", "npm", "space", "foo", "STRONG"),
    ("/npm/space/foo~", "npm", "space", "foo-bar", "STRONG"),
    ("/npm/space/foo~", "npm", "space", "foo.bar_baz", "STRONG"),
    ("/npm/space/foo~", "npm", "space", "food", None),
    ("/npm/space/foo~", "npm", "space", "foot", None),
    ("/npm/space/foo~", "npm", "space", "fooBar", None),
    ("/npm/space/foo~", "npm", "other", "foo", None),
    ("/npm/space/foo~", "npm", None, "foo", None),
    # doc: the six shapes
    ("/npm/*", "npm", None, "lodash", "STRONG"),
    ("/npm/*", "npm", "types", "node", "STRONG"),
    ("/npm/*", "pypi", None, "lodash", None),
    ("/maven/com.anycompany~", "maven", "com.anycompany", "lib", "STRONG"),
    ("/maven/com.anycompany~", "maven", "com.anycompany.utils", "lib", "STRONG"),
    ("/maven/com.anycompany~", "maven", "com.anycompany-internal", "lib", "STRONG"),
    ("/maven/com.anycompany~", "maven", "com.anycompanyutils", "lib", None),
    ("/maven/com.anycompany~", "maven", "com", "anycompany", None),
    ("/npm/space/*", "npm", "space", "anything", "STRONG"),
    ("/npm/space/*", "npm", "spaces", "anything", None),
    ("/npm/space/*", "npm", None, "space", None),
    ("/npm/space/anycompany-ui~", "npm", "space", "anycompany-ui", "STRONG"),
    ("/npm/space/anycompany-ui~", "npm", "space", "anycompany-ui-button", "STRONG"),
    ("/npm/space/anycompany-ui~", "npm", "space", "anycompany-uikit", None),
    ("/maven/org.apache.logging.log4j/log4j-core$", "maven", "org.apache.logging.log4j", "log4j-core", "STRONG"),
    ("/maven/org.apache.logging.log4j/log4j-core$", "maven", "org.apache.logging.log4j", "log4j-core2", None),
    ("/maven/org.apache.logging.log4j/log4j-core$", "maven", "org.apache.logging.log4j", "log4j-api", None),
    ("/maven/org.apache.logging.log4j/log4j-core$", "maven", "org.apache.logging", "log4j-core", None),
    # blank namespace: formats without one, and unscoped npm packages
    ("/pypi//requests$", "pypi", None, "requests", "STRONG"),
    ("/pypi//requests$", "pypi", None, "requests-oauthlib", None),
    ("/pypi//requests~", "pypi", None, "requests-oauthlib", "STRONG"),
    ("/npm//*", "npm", None, "lodash", "STRONG"),
    ("/npm//*", "npm", "types", "lodash", None),
    ("/nuget//alpha$", "nuget", None, "alpha", "STRONG"),
    ("/cargo//serde~", "cargo", None, "serde_json", "STRONG"),
    ("/cargo//serde~", "cargo", None, "serdex", None),
    ("/ruby//rails$", "ruby", None, "rails", "STRONG"),
    ("/generic/my-ns/*", "generic", "my-ns", "tool", "STRONG"),
    ("/swift/apple/*", "swift", "apple", "swift-nio", "STRONG"),
    # doc: groups match normalized NuGet, Python and Swift names (and the Swift namespace)
    ("/pypi//pigeon-cli$", "pypi", None, "pigeon-cli", "STRONG"),
    ("/pypi//pigeon-cli$", "pypi", None, "pigeon_cli", "STRONG"),
    ("/pypi//pigeon-cli$", "pypi", None, "Pigeon.CLI", "STRONG"),
    ("/nuget//newtonsoft.json$", "nuget", None, "Newtonsoft.JSON", "STRONG"),
    ("/swift/myscope/mypackage$", "swift", "myScope", "myPackage", "STRONG"),
    # doc: weak match = case-folded, runs of - . _ equivalent; "foobar" is not a variation of "foo-bar"
    ("/npm//foo-bar$", "npm", None, "foo.bar", "WEAK"),
    ("/npm//foo-bar$", "npm", None, "foo..bar", "WEAK"),
    ("/npm//foo-bar$", "npm", None, "foo_bar", "WEAK"),
    ("/npm//foo-bar$", "npm", None, "Foo-Bar", "WEAK"),
    ("/npm//foo-bar$", "npm", None, "foobar", None),
    ("/npm//foo-bar$", "npm", None, "foo-bar", "STRONG"),
    ("/npm//AsyncStorage$", "npm", None, "asyncstorage", "WEAK"),
    ("/npm/space/foo~", "npm", "space", "Foo_Bar", "WEAK"),
    ("/npm/space/foo~", "npm", "SPACE", "foo", "WEAK"),
    ("/npm/space/foo~", "npm", "space", "FOOD", None),
    ("/maven/com.anycompany~", "maven", "COM.AnyCompany.utils", "lib", "WEAK"),
    ("/maven/com.anycompany~", "maven", "com-anycompany", "lib", "WEAK"),
    ("/generic/ns/*", "generic", "NS", "tool", "WEAK"),
    ("/maven/org.apache/commons-io$", "maven", "org_apache", "Commons.IO", "WEAK"),
    # word characters are letters, numbers and marks of any script
    ("/npm//café~", "npm", None, "café-au-lait", "STRONG"),
    ("/npm//café~", "npm", None, "caféine", None),
    ("/npm//v2~", "npm", None, "v2-beta", "STRONG"),
    ("/npm//v2~", "npm", None, "v20", None),
]


@pytest.mark.parametrize(("pattern", "fmt", "namespace", "package", "expected"), SINGLE_PATTERN_CASES)
def test_pattern_against_coordinate(client, domain, pattern, fmt, namespace, package, expected):
    client.create_package_group(domain=domain, packageGroup=pattern)
    got = associated(client, fmt, namespace, package)
    assert got == ((pattern, expected) if expected else ("/*", "STRONG"))


VALID = [
    "/*",
    "/npm/*",
    "/maven/com.anycompany~",
    "/npm/space/*",
    "/npm/space/anycompany-ui~",
    "/maven/org.apache.logging.log4j/log4j-core$",
    "/pypi//requests$",
    "/pypi//requests~",
    "/npm//*",
    "/npm//lodash$",
    "/nuget//alpha$",
    "/generic/ns/name$",
    "/swift/scope/name~",
    "/ruby//rails~",
    "/cargo//serde$",
]

INVALID = [
    "npm/*",  # no leading /
    "/npm",  # no suffix
    "/npm/space",  # no suffix
    "/npm*",  # * not after /
    "/npm/spa*",
    "/npm/*/name$",  # * inside
    "/np~",  # prefix on the format
    "/npm$",  # exact on the format
    "/python//requests$",  # unknown format (the guide's "/python//" is the pypi format)
    "/NPM/*",
    "/npm/space$",  # $ needs a full coordinate
    "/npm/space/name/extra$",  # more than three components
    "/npm/space/name/*",
    "/npm/space/foo-~",  # ~ after a non-word character
    "/maven/com.~",
    "/npm/~",
    "/pypi/ns/requests$",  # namespace for a format without one
    "/pypi/ns~",
    "/nuget/ns/*",
    "/pypi//*",  # that is /pypi/*
    "/maven//log4j$",  # missing namespace where one is required
    "/generic//*",
    "/swift//name$",
    "/pypi//Requests$",  # not normalized
    "/pypi//pigeon_cli$",
    "/nuget//Newtonsoft.Json$",
    "/swift/Scope/name$",
    "/swift/scope/Name$",
    "/npm/space/$",  # empty name
]


@pytest.mark.parametrize("pattern", VALID[1:])
def test_valid_patterns_are_accepted(client, domain, pattern):
    assert client.create_package_group(domain=domain, packageGroup=pattern)["packageGroup"]["pattern"] == pattern


def test_malformed_patterns_are_rejected(client, domain):
    for pattern in INVALID:
        with raises("ValidationException", 400, pattern):
            client.create_package_group(domain=domain, packageGroup=pattern)
    assert [g["pattern"] for g in client.list_package_groups(domain=domain)["packageGroups"]] == ["/*"]


GROUPS = [
    "/npm/*",
    "/npm/space~",
    "/npm/space/*",
    "/npm/space/ui~",
    "/npm/space/ui-kit~",
    "/npm/space/ui-kit-button$",
    "/npm//AsyncStorage$",
    "/maven/org~",
    "/maven/org.example~",
    "/maven/org.example/*",
]

MOST_SPECIFIC = [
    (("npm", "space", "ui-kit-button"), ("/npm/space/ui-kit-button$", "STRONG")),
    (("npm", "space", "ui-kit-icons"), ("/npm/space/ui-kit~", "STRONG")),
    (("npm", "space", "ui-core"), ("/npm/space/ui~", "STRONG")),
    (("npm", "space", "uikit"), ("/npm/space/*", "STRONG")),
    (("npm", "space-x", "ui"), ("/npm/space~", "STRONG")),
    (("npm", "spacex", "ui"), ("/npm/*", "STRONG")),
    (("npm", None, "lodash"), ("/npm/*", "STRONG")),
    (("pypi", None, "ui"), ("/*", "STRONG")),
    (("maven", "org.example", "lib"), ("/maven/org.example/*", "STRONG")),
    (("maven", "org.example.sub", "lib"), ("/maven/org.example~", "STRONG")),
    (("maven", "org.other", "lib"), ("/maven/org~", "STRONG")),
    # doc: a weak match of the most specific pattern wins over strong matches of more general ones
    (("npm", "space", "UI-Kit-Button"), ("/npm/space/ui-kit-button$", "WEAK")),
    (("npm", "space", "ui_kit_button"), ("/npm/space/ui-kit-button$", "WEAK")),
    (("npm", "space", "UI-Kit-Icons"), ("/npm/space/ui-kit~", "WEAK")),
    (("npm", None, "asyncstorage"), ("/npm//AsyncStorage$", "WEAK")),
    (("npm", None, "AsyncStorage"), ("/npm//AsyncStorage$", "STRONG")),
]


def test_most_specific_group_wins(client, domain):
    for pattern in GROUPS:
        client.create_package_group(domain=domain, packageGroup=pattern)
    for coordinate, expected in MOST_SPECIFIC:
        assert associated(client, *coordinate) == expected, coordinate
    # Case variants can both exist; each is the strong match of its own spelling.
    client.create_package_group(domain=domain, packageGroup="/npm//asyncstorage$")
    assert associated(client, "npm", None, "asyncstorage") == ("/npm//asyncstorage$", "STRONG")
    assert associated(client, "npm", None, "AsyncStorage") == ("/npm//AsyncStorage$", "STRONG")
    # Deleting the most specific group hands its packages to the next one.
    client.delete_package_group(domain=domain, packageGroup="/npm/space/ui-kit~")
    assert associated(client, "npm", "space", "ui-kit-icons") == ("/npm/space/ui~", "STRONG")


def test_associated_group_is_fully_described(client, domain):
    client.create_package_group(domain=domain, packageGroup="/npm/*", description="npm")
    out = client.get_associated_package_group(domain=domain, format="npm", package="lodash")
    assert out["packageGroup"] == client.describe_package_group(domain=domain, packageGroup="/npm/*")["packageGroup"]
    assert out["associationType"] == "STRONG"


def test_get_associated_package_group_coordinate_errors(client, domain):
    with raises("ValidationException", 400):
        client.get_associated_package_group(domain=domain, format="pypi", namespace="ns", package="requests")
    with raises("ValidationException", 400):
        client.get_associated_package_group(domain=domain, format="maven", package="log4j-core")
    with raises("ValidationException", 400):
        client.get_associated_package_group(domain=domain, format="conda", package="numpy")
    with raises("ResourceNotFoundException", 404):
        client.get_associated_package_group(domain="no-such-domain", format="npm", package="lodash")


# --- randomized cross-check against a brute-force reference -------------------------------------------------------

WORDS = ("a", "b", "ab")
# Names made of up to three words joined by single dashes: the variation of each is unique, so weak and strong
# association coincide and the reference below only needs the strong rule.
STRINGS = ["-".join(p) for n in (1, 2, 3) for p in itertools.product(WORDS, repeat=n)]
SHORT = [s for s in STRINGS if s.count("-") <= 1]
UNIVERSE = [("npm", ns, name) for ns in ["", *STRINGS] for name in STRINGS] + [
    ("maven", ns, name) for ns in STRINGS for name in STRINGS
]


def _word_prefix(value: str, prefix: str) -> bool:
    return value == prefix or value.startswith(prefix + "-")


def reference_match(pattern: str, coordinate: tuple[str, str, str]) -> bool:
    """The documented rule, read literally, for patterns over WORDS."""
    if pattern == "/*":
        return True
    fmt, ns, name = coordinate
    parts = pattern[1:].split("/")
    if parts[0] != fmt:
        return False
    if pattern.endswith("/*"):
        return len(parts) == 2 or parts[1] == ns
    if len(parts) == 2:  # namespace prefix
        return _word_prefix(ns, parts[1][:-1])
    if parts[1] != ns:
        return False
    return name == parts[2][:-1] if pattern.endswith("$") else _word_prefix(name, parts[2][:-1])


def random_pattern(rng) -> str:
    fmt = rng.choice(("npm", "maven"))
    ns = rng.choice(SHORT)
    shape = rng.randrange(6)
    if shape == 0:
        return f"/{fmt}/*"
    if shape == 1:
        return f"/{fmt}/{ns}~"
    if shape == 2:
        return f"/{fmt}/{ns}/*"
    if fmt == "npm" and rng.random() < 0.3:
        ns = ""
    if shape == 3:
        return f"/{fmt}/{ns}/{rng.choice(SHORT)}~"
    return f"/{fmt}/{ns}/{rng.choice(SHORT)}$"


def test_hierarchy_and_lookups_agree_with_brute_force(client, domain):
    rng = random.Random(20240325)
    live: set[str] = {"/*"}

    def churn(creates: int, deletes: int) -> None:
        for _ in range(creates):
            p = random_pattern(rng)
            if p not in live:
                client.create_package_group(domain=domain, packageGroup=p)
                live.add(p)
        for p in rng.sample(sorted(live - {"/*"}), deletes):
            client.delete_package_group(domain=domain, packageGroup=p)
            live.remove(p)

    churn(45, 12)
    churn(15, 3)
    space = {p: frozenset(c for c in UNIVERSE if reference_match(p, c)) for p in live}
    for p in live:
        containing = [q for q in live if q != p and space[q] > space[p]]
        expected_parent = min(containing, key=lambda q: len(space[q])) if containing else None
        described = client.describe_package_group(domain=domain, packageGroup=p)["packageGroup"]
        assert described.get("parent", {}).get("pattern") == expected_parent, p
        expected_children = sorted(
            c for c in live if c != p and space[c] < space[p] and not any(space[c] < space[m] < space[p] for m in live)
        )
        children = client.list_sub_package_groups(domain=domain, packageGroup=p, maxResults=1000)["packageGroups"]
        assert [g["pattern"] for g in children] == expected_children, p
    for fmt, ns, name in rng.sample(UNIVERSE, 150):
        matching = [p for p in live if (fmt, ns, name) in space[p]]
        expected = min(matching, key=lambda p: len(space[p]))
        kwargs = {"namespace": ns} if ns else {}
        got = client.get_associated_package_group(domain=domain, format=fmt, package=name, **kwargs)
        assert (got["packageGroup"]["pattern"], got["associationType"]) == (expected, "STRONG"), (fmt, ns, name)
