"""The model's patterns read as the service reads them (java.util.regex): ``\\s`` is ASCII whitespace
``[ \\t\\n\\x0B\\f\\r]`` and ``\\S`` everything else, so U+00A0, U+2003 and U+3000 are ordinary characters for
``\\S+`` (Arn, PolicyRevision, PackageVersionRevision, PaginationToken) and ``[^#/\\s]+`` (PackageName,
PackageNamespace, PackageVersion), and ``[\\P{C}\\s]+`` (PolicyDocument) admits no control character beyond the
six ASCII ones (U+0085, which Python counts as whitespace, is refused). Both modes, through boto3.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from tests.support.control_plane import ACCOUNT, POLICY, raises

DOMAIN = "java-ws"
REPO = "repo"
# Whitespace for Python's Unicode ``\s``, but not for Java's ``\s``.
WIDE = ["\u00a0", "\u2003", "\u3000"]
# Java's ``\s``: every one of them breaks ``[^#/\s]+`` and ``\S+``.
ASCII = [" ", "\t", "\n", "\x0b", "\x0c", "\r"]
NAME_PATTERN = "Member must satisfy regular expression pattern: [^#/\\s]+"


@pytest.fixture
def ca(client: Any) -> Any:
    client.create_domain(domain=DOMAIN)
    client.create_repository(domain=DOMAIN, repository=REPO)
    return client


def _publish(client: Any, namespace: str, package: str, version: str) -> dict[str, Any]:
    return client.publish_package_version(
        domain=DOMAIN,
        repository=REPO,
        format="generic",
        namespace=namespace,
        package=package,
        packageVersion=version,
        assetName="a.txt",
        assetContent=b"x",
        assetSHA256=hashlib.sha256(b"x").hexdigest(),
    )


def _packages(client: Any) -> list[tuple[str, str]]:
    found = client.list_packages(domain=DOMAIN, repository=REPO)["packages"]
    return [(p["namespace"], p["package"]) for p in found]


@pytest.mark.parametrize("ch", WIDE, ids=["nbsp", "em-space", "ideographic-space"])
def test_unicode_spaces_are_ordinary_characters_in_package_coordinates(ca: Any, ch: str) -> None:
    namespace, package, version = f"ns{ch}x", f"pkg{ch}x", f"1.0{ch}beta"
    published = _publish(ca, namespace, package, version)
    assert (published["namespace"], published["package"], published["version"]) == (namespace, package, version)
    assert _packages(ca) == [(namespace, package)]
    described = ca.describe_package_version(
        domain=DOMAIN, repository=REPO, format="generic", namespace=namespace, package=package, packageVersion=version
    )["packageVersion"]
    assert (described["namespace"], described["packageName"], described["version"]) == (namespace, package, version)


@pytest.mark.parametrize("ch", ASCII, ids=["space", "tab", "lf", "vt", "ff", "cr"])
def test_ascii_whitespace_breaks_package_coordinates(ca: Any, ch: str) -> None:
    with raises("ValidationException", 400, NAME_PATTERN):
        _publish(ca, "ns", f"pkg{ch}x", "1.0")
    with raises("ValidationException", 400, NAME_PATTERN):
        _publish(ca, "ns", "pkg", f"1.0{ch}beta")
    assert _packages(ca) == []


@pytest.mark.parametrize("ch", WIDE, ids=["nbsp", "em-space", "ideographic-space"])
def test_unicode_spaces_match_backslash_S(ca: Any, ch: str) -> None:
    # Arn ``\S+``: the value passes validation and names a domain that does not exist.
    with raises("ResourceNotFoundException", 404):
        ca.list_tags_for_resource(resourceArn=f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:domain/{DOMAIN}{ch}")
    # PolicyRevision ``\S+``: a well-formed revision that is not the current one.
    ca.put_domain_permissions_policy(domain=DOMAIN, policyDocument=POLICY)
    with raises("ConflictException", 409, "revision"):
        ca.put_domain_permissions_policy(domain=DOMAIN, policyDocument=POLICY, policyRevision=f"rev{ch}x")
    # PackageVersionRevision ``\S+``: a mismatched revision is reported per version, not refused as a whole.
    _publish(ca, "ns", "pkg", "1.0")
    answer = ca.update_package_versions_status(
        domain=DOMAIN,
        repository=REPO,
        format="generic",
        namespace="ns",
        package="pkg",
        versions=["1.0"],
        versionRevisions={"1.0": f"rev{ch}x"},
        targetStatus="Archived",
    )
    assert answer["successfulVersions"] == {}
    assert answer["failedVersions"]["1.0"]["errorCode"] == "MISMATCHED_REVISION"
    # PaginationToken ``\S+``: a token the service never issued, refused as such rather than by the pattern.
    with raises("ValidationException", 400) as info:
        ca.list_domains(nextToken=f"tok{ch}x")
    assert "regular expression" not in info.value.response["Error"]["Message"]


@pytest.mark.parametrize("ch", ASCII, ids=["space", "tab", "lf", "vt", "ff", "cr"])
def test_ascii_whitespace_breaks_backslash_S(ca: Any, ch: str) -> None:
    with raises("ValidationException", 400, "Member must satisfy regular expression pattern: \\S+"):
        ca.list_tags_for_resource(resourceArn=f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:domain/{DOMAIN}{ch}")
    with raises("ValidationException", 400, "Member must satisfy regular expression pattern: \\S+"):
        ca.list_domains(nextToken=f"tok{ch}x")


def _policy_with_sid(sid: str, indent: str | None = None) -> str:
    document = json.loads(POLICY)
    document["Statement"][0]["Sid"] = sid
    return json.dumps(document, ensure_ascii=False, indent=indent)


def test_policy_documents_take_ascii_whitespace_and_printable_unicode(ca: Any) -> None:
    for document in (_policy_with_sid("a\u2003b\u00a0c"), _policy_with_sid("ab", indent="\t"), POLICY + "\r\n"):
        stored = ca.put_domain_permissions_policy(domain=DOMAIN, policyDocument=document)["policy"]
        assert stored["document"] == document


def test_policy_documents_refuse_next_line_a_control_character_java_does_not_call_whitespace(ca: Any) -> None:
    with raises("ValidationException", 400, "Member must satisfy regular expression pattern: [\\P{C}\\s]+"):
        ca.put_domain_permissions_policy(domain=DOMAIN, policyDocument=_policy_with_sid("a\x85b"))
    with raises("ResourceNotFoundException", 404):
        ca.get_domain_permissions_policy(domain=DOMAIN)
