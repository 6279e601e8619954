"""Boundaries of every validated field of the foundation operations.

botocore checks only required members, types and minimums on the client, so maximums, patterns, enums and
ranges are sent with ``parameter_validation=False`` and minimums/required members with raw HTTP (``requests``,
which the in-process mock intercepts for the CodeArtifact hosts; a real socket in server mode). Messages follow
AWS's format: "1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: ...".
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from botocore.exceptions import ParamValidationError

from tests.support.control_plane import POLICY, raises, snapshot, unvalidated

D = {"domain": "my-domain"}
DR = {"domain": "my-domain", "repository": "my-repo"}
ARN = "arn:aws:codeartifact:us-east-1:123456789012:domain/my-domain"

PATTERN = "Member must satisfy regular expression pattern: "
LONGER = "Member must have length less than or equal to "
ENUM = "Member must satisfy enum value set: "
BIGGER = "Member must have value less than or equal to "

DOMAIN_PATTERN = PATTERN + r"[a-z][a-z0-9\-]{0,48}[a-z0-9]"
REPO_PATTERN = PATTERN + r"[A-Za-z0-9][A-Za-z0-9._\-]{1,99}"
ACCOUNT_PATTERN = PATTERN + "[0-9]{12}"

# (operation, valid arguments, member, bad value, constraint text)
CASES: list[tuple[str, dict[str, Any], str, Any, str]] = [
    # DomainName
    ("create_domain", {}, "domain", "Bad_Name", DOMAIN_PATTERN),
    ("create_domain", {}, "domain", "1abc", DOMAIN_PATTERN),
    ("create_domain", {}, "domain", "abc-", DOMAIN_PATTERN),
    ("create_domain", {}, "domain", "MyDomain", DOMAIN_PATTERN),
    ("create_domain", {}, "domain", "my.domain", DOMAIN_PATTERN),
    ("create_domain", {}, "domain", "a" * 51, LONGER + "50"),
    ("describe_domain", {}, "domain", "Bad_Name", DOMAIN_PATTERN),
    ("delete_domain", {}, "domain", "a" * 51, LONGER + "50"),
    ("list_repositories_in_domain", {}, "domain", "UPPER", DOMAIN_PATTERN),
    ("get_authorization_token", {}, "domain", "a_b", DOMAIN_PATTERN),
    ("put_domain_permissions_policy", {"policyDocument": POLICY}, "domain", "a_b", DOMAIN_PATTERN),
    ("get_domain_permissions_policy", {}, "domain", "a_b", DOMAIN_PATTERN),
    ("delete_domain_permissions_policy", {}, "domain", "a_b", DOMAIN_PATTERN),
    ("create_repository", {"repository": "r1"}, "domain", "a_b", DOMAIN_PATTERN),
    # AccountId: domainOwner and administratorAccount
    ("describe_domain", D, "domainOwner", "1234567890123", LONGER + "12"),
    ("describe_domain", D, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    ("delete_domain", D, "domainOwner", "12345678901x", ACCOUNT_PATTERN),
    ("create_repository", DR, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    ("describe_repository", DR, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    ("update_repository", DR, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    ("delete_repository", DR, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    ("list_repositories_in_domain", D, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    ("list_repositories_in_domain", D, "administratorAccount", "abcdefghijkl", ACCOUNT_PATTERN),
    ("list_repositories_in_domain", D, "administratorAccount", "1" * 13, LONGER + "12"),
    ("put_domain_permissions_policy", {**D, "policyDocument": POLICY}, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    ("get_authorization_token", D, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    ("get_repository_endpoint", {**DR, "format": "npm"}, "domainOwner", "abcdefghijkl", ACCOUNT_PATTERN),
    # RepositoryName: repository, repositoryPrefix, upstream names
    ("create_repository", D, "repository", "-repo", REPO_PATTERN),
    ("create_repository", D, "repository", ".repo", REPO_PATTERN),
    ("create_repository", D, "repository", "my repo", REPO_PATTERN),
    ("create_repository", D, "repository", "my/repo", REPO_PATTERN),
    ("create_repository", D, "repository", "r" * 101, LONGER + "100"),
    ("describe_repository", D, "repository", "r" * 101, LONGER + "100"),
    ("update_repository", D, "repository", "-r", REPO_PATTERN),
    ("delete_repository", D, "repository", "-r", REPO_PATTERN),
    ("associate_external_connection", {**D, "externalConnection": "public:npmjs"}, "repository", "-r", REPO_PATTERN),
    ("disassociate_external_connection", {**D, "externalConnection": "public:npmjs"}, "repository", "-r", REPO_PATTERN),
    ("put_repository_permissions_policy", {**D, "policyDocument": POLICY}, "repository", "-r", REPO_PATTERN),
    ("get_repository_permissions_policy", D, "repository", "-r", REPO_PATTERN),
    ("delete_repository_permissions_policy", D, "repository", "-r", REPO_PATTERN),
    ("get_repository_endpoint", {**D, "format": "npm"}, "repository", "-r", REPO_PATTERN),
    ("list_repositories", {}, "repositoryPrefix", "-p", REPO_PATTERN),
    ("list_repositories", {}, "repositoryPrefix", "p" * 101, LONGER + "100"),
    ("list_repositories_in_domain", D, "repositoryPrefix", "_p", REPO_PATTERN),
    # ExternalConnectionName
    ("associate_external_connection", DR, "externalConnection", ":npm", PATTERN),
    ("associate_external_connection", DR, "externalConnection", "x" * 101, LONGER + "100"),
    ("disassociate_external_connection", DR, "externalConnection", "a b", PATTERN),
    # Description
    ("create_repository", DR, "description", "x" * 1001, LONGER + "1000"),
    ("create_repository", DR, "description", "two\nlines", PATTERN + r"\P{C}*"),
    ("update_repository", DR, "description", "tab\there", PATTERN + r"\P{C}*"),
    # Arn: encryptionKey, resourceArn
    ("create_domain", D, "encryptionKey", "alias/has space", PATTERN + r"\S+"),
    ("create_domain", D, "encryptionKey", "k" * 1012, LONGER + "1011"),
    ("list_tags_for_resource", {}, "resourceArn", "arn with space", PATTERN + r"\S+"),
    ("list_tags_for_resource", {}, "resourceArn", "a" * 1012, LONGER + "1011"),
    ("tag_resource", {"tags": []}, "resourceArn", "a b", PATTERN + r"\S+"),
    ("untag_resource", {"tagKeys": []}, "resourceArn", "a b", PATTERN + r"\S+"),
    # PolicyDocument, PolicyRevision
    ("put_domain_permissions_policy", D, "policyDocument", "x" * 7169, LONGER + "7168"),
    ("put_domain_permissions_policy", D, "policyDocument", '{"a": "\x00"}', PATTERN),
    ("put_repository_permissions_policy", DR, "policyDocument", "x" * 7169, LONGER + "7168"),
    ("put_domain_permissions_policy", {**D, "policyDocument": POLICY}, "policyRevision", "a b", PATTERN + r"\S+"),
    ("put_domain_permissions_policy", {**D, "policyDocument": POLICY}, "policyRevision", "r" * 101, LONGER + "100"),
    ("put_repository_permissions_policy", {**DR, "policyDocument": POLICY}, "policyRevision", "a b", PATTERN),
    ("delete_domain_permissions_policy", D, "policyRevision", "a b", PATTERN + r"\S+"),
    ("delete_repository_permissions_policy", DR, "policyRevision", "r" * 101, LONGER + "100"),
    # PaginationToken, maxResults
    ("list_domains", {}, "nextToken", "a b", PATTERN + r"\S+"),
    ("list_domains", {}, "nextToken", "t" * 2001, LONGER + "2000"),
    ("list_repositories", {}, "nextToken", "a b", PATTERN + r"\S+"),
    ("list_repositories_in_domain", D, "nextToken", "t" * 2001, LONGER + "2000"),
    ("list_domains", {}, "maxResults", 1001, BIGGER + "1000"),
    ("list_repositories", {}, "maxResults", 1001, BIGGER + "1000"),
    ("list_repositories_in_domain", D, "maxResults", 5000, BIGGER + "1000"),
    # durationSeconds (model range 0..43200; 1..899 is covered in test_tokens)
    ("get_authorization_token", D, "durationSeconds", 43201, BIGGER + "43200"),
    # Enums
    (
        "get_repository_endpoint",
        DR,
        "format",
        "docker",
        ENUM + "[npm, pypi, maven, nuget, generic, ruby, swift, cargo]",
    ),
    ("get_repository_endpoint", {**DR, "format": "npm"}, "endpointType", "IPV4", ENUM + "[dualstack, ipv4]"),
]


@pytest.fixture
def raw_client(client):
    return unvalidated(client)


@pytest.mark.parametrize(
    "operation, args, member, value, constraint", CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)]
)
def test_constraint(raw_client, operation, args, member, value, constraint):
    # A value that is too long often breaks the pattern too; AWS then reports both ("2 validation errors").
    expected = f"Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    with raises("ValidationException", 400, message=expected, reason="FIELD_VALIDATION_FAILED") as info:
        getattr(raw_client, operation)(**{**args, member: value})
    assert re.match(r"^[12] validation errors? detected: Value '", info.value.response["Error"]["Message"])


NESTED = [
    (
        "create_repository",
        {**DR, "upstreams": [{"repositoryName": "ok"}, {"repositoryName": "-bad"}]},
        "upstreams.2.member.repositoryName",
        REPO_PATTERN,
    ),
    (
        "update_repository",
        {**DR, "upstreams": [{"repositoryName": "x" * 101}]},
        "upstreams.1.member.repositoryName",
        LONGER + "100",
    ),
    ("create_domain", {**D, "tags": [{"key": "k" * 129, "value": "v"}]}, "tags.1.member.key", LONGER + "128"),
    ("create_repository", {**DR, "tags": [{"key": "k", "value": "v" * 257}]}, "tags.1.member.value", LONGER + "256"),
    ("tag_resource", {"resourceArn": ARN, "tags": [{"key": "a\x01", "value": "v"}]}, "tags.1.member.key", PATTERN),
    ("untag_resource", {"resourceArn": ARN, "tagKeys": ["k" * 129]}, "tagKeys.1.member", LONGER + "128"),
]


@pytest.mark.parametrize("operation, args, path, constraint", NESTED, ids=[c[2] + "-" + c[0] for c in NESTED])
def test_nested_constraint(raw_client, operation, args, path, constraint):
    with raises("ValidationException", 400, message=f"at '{path}' failed to satisfy constraint: {constraint}"):
        getattr(raw_client, operation)(**args)


def test_several_errors_are_reported_together(raw_client):
    with raises(
        "ValidationException", 400, message="2 validation errors detected: Value 'Bad_Name' at 'domain'"
    ) as info:
        raw_client.create_repository(domain="Bad_Name", repository="-bad")
    assert "; Value '-bad' at 'repository'" in info.value.response["Error"]["Message"]


def test_boundary_values_are_accepted(client):
    client.create_domain(domain="a" * 50)
    client.create_domain(domain="ab")
    client.create_repository(domain="ab", repository="R" * 100, description="d" * 1000)
    client.create_repository(domain="ab", repository="r2", upstreams=[{"repositoryName": "R" * 100}])
    client.list_domains(maxResults=1000)
    client.list_domains(maxResults=1)
    client.list_repositories(maxResults=1000, repositoryPrefix="R" * 100)
    client.list_repositories_in_domain(domain="ab", maxResults=1, repositoryPrefix="r2")
    client.associate_external_connection(domain="ab", repository="R" * 100, externalConnection="public:maven-central")
    client.get_authorization_token(domain="ab", durationSeconds=43200)
    client.get_authorization_token(domain="ab", durationSeconds=900)


def test_botocore_blocks_minimums_on_the_client(client):
    # Why the minimum checks below go through raw HTTP: they never leave a boto3 client.
    with pytest.raises(ParamValidationError):
        client.create_domain(domain="a")
    with pytest.raises(ParamValidationError):
        client.list_domains(maxResults=0)


def test_a_rejected_call_changes_nothing(client):
    client.create_domain(domain="my-domain")
    client.create_repository(domain="my-domain", repository="my-repo")
    before = snapshot(client)
    raw = unvalidated(client)
    with raises("ValidationException", 400):
        raw.update_repository(
            domain="my-domain", repository="my-repo", description="ok", upstreams=[{"repositoryName": "-x"}]
        )
    with raises("ValidationException", 400):
        raw.create_repository(domain="my-domain", repository="new-repo", description="bad\x00")
    assert snapshot(client) == before


# --------------------------------------------------------------------------- raw HTTP: minimums, required, parsing


@pytest.fixture
def http(client):
    """``http(method, path, params=..., json=...)`` against the current mode's endpoint."""
    base = client.meta.endpoint_url.rstrip("/")
    session = requests.Session()

    def send(method: str, path: str, **kwargs: Any) -> requests.Response:
        return session.request(method, base + path, timeout=10, **kwargs)

    return send


def _error(response: requests.Response, code: str, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-ErrorType"].split(":")[0] == code
    doc = response.json()
    assert doc["message"]
    return doc


MINIMUMS = [
    ("POST", "/v1/domain", {"domain": "a"}, None, "domain", "a", "Member must have length greater than or equal to 2"),
    (
        "GET",
        "/v1/repository",
        {"domain": "my-domain", "repository": "r"},
        None,
        "repository",
        "r",
        "greater than or equal to 2",
    ),
    (
        "GET",
        "/v1/domain",
        {"domain": "my-domain", "domain-owner": "12345"},
        None,
        "domainOwner",
        "12345",
        "greater than or equal to 12",
    ),
    (
        "POST",
        "/v1/repositories",
        {"max-results": "0"},
        None,
        "maxResults",
        "0",
        "Member must have value greater than or equal to 1",
    ),
    (
        "POST",
        "/v1/domain/repositories",
        {"domain": "my-domain", "max-results": "0"},
        None,
        "maxResults",
        "0",
        "greater than or equal to 1",
    ),
    (
        "POST",
        "/v1/domains",
        None,
        {"maxResults": 0},
        "maxResults",
        "0",
        "Member must have value greater than or equal to 1",
    ),
    ("POST", "/v1/domains", None, {"nextToken": ""}, "nextToken", "", "greater than or equal to 1"),
    (
        "POST",
        "/v1/repositories",
        {"repository-prefix": "a"},
        None,
        "repositoryPrefix",
        "a",
        "greater than or equal to 2",
    ),
    (
        "POST",
        "/v1/authorization-token",
        {"domain": "my-domain", "duration": "-5"},
        None,
        "durationSeconds",
        "-5",
        "greater than or equal to 0",
    ),
    (
        "POST",
        "/v1/repository/external-connection",
        {"domain": "my-domain", "repository": "rr", "external-connection": "x"},
        None,
        "externalConnection",
        "x",
        "greater than or equal to 2",
    ),
    (
        "PUT",
        "/v1/domain/permissions/policy",
        None,
        {"domain": "my-domain", "policyDocument": ""},
        "policyDocument",
        "",
        "greater than or equal to 1",
    ),
    (
        "PUT",
        "/v1/domain/permissions/policy",
        None,
        {"domain": "my-domain", "policyDocument": "{}", "policyRevision": ""},
        "policyRevision",
        "",
        "greater than or equal to 1",
    ),
    ("POST", "/v1/tags", {"resourceArn": ""}, None, "resourceArn", "", "greater than or equal to 1"),
    (
        "POST",
        "/v1/domain",
        {"domain": "my-domain"},
        {"encryptionKey": ""},
        "encryptionKey",
        "",
        "greater than or equal to 1",
    ),
    (
        "POST",
        "/v1/domain/repositories",
        {"domain": "my-domain", "administrator-account": "123"},
        None,
        "administratorAccount",
        "123",
        "greater than or equal to 12",
    ),
    ("POST", "/v1/repositories", {"next-token": ""}, None, "nextToken", "", "greater than or equal to 1"),
    (
        "DELETE",
        "/v1/repository/permissions/policies",
        {"domain": "my-domain", "repository": "rr", "policy-revision": ""},
        None,
        "policyRevision",
        "",
        "greater than or equal to 1",
    ),
    (
        "POST",
        "/v1/untag",
        {"resourceArn": ARN},
        {"tagKeys": [""]},
        "tagKeys.1.member",
        "",
        "greater than or equal to 1",
    ),
    (
        "POST",
        "/v1/tag",
        {"resourceArn": ARN},
        {"tags": [{"key": "", "value": "v"}]},
        "tags.1.member.key",
        "",
        "greater than or equal to 1",
    ),
]


@pytest.mark.parametrize(
    "method, path, params, json_body, member, value, constraint", MINIMUMS, ids=[f"{m[4]}-{m[1]}" for m in MINIMUMS]
)
def test_minimums_over_raw_http(http, method, path, params, json_body, member, value, constraint):
    response = http(method, path, params=params, json=json_body)
    doc = _error(response, "ValidationException", 400)
    assert f"Value '{value}' at '{member}' failed to satisfy constraint: Member must have " in doc["message"], doc
    assert constraint in doc["message"]
    assert doc["reason"] == "FIELD_VALIDATION_FAILED"


REQUIRED = [
    ("POST", "/v1/domain", {}, {}, ["domain"]),
    ("GET", "/v1/repository", {"domain": "my-domain"}, None, ["repository"]),
    ("GET", "/v1/repository/endpoint", {"domain": "my-domain", "repository": "rr"}, None, ["format"]),
    ("PUT", "/v1/domain/permissions/policy", None, {"domain": "my-domain"}, ["policyDocument"]),
    ("PUT", "/v1/repository/permissions/policy", {"domain": "my-domain"}, {}, ["repository", "policyDocument"]),
    ("POST", "/v1/tag", {"resourceArn": ARN}, {}, ["tags"]),
    ("POST", "/v1/untag", None, {"tagKeys": []}, ["resourceArn"]),
    (
        "POST",
        "/v1/repository/external-connection",
        {"domain": "my-domain", "repository": "rr"},
        None,
        ["externalConnection"],
    ),
]


@pytest.mark.parametrize(
    "method, path, params, json_body, members", REQUIRED, ids=[r[1] + "-" + "-".join(r[4]) for r in REQUIRED]
)
def test_required_members_over_raw_http(http, method, path, params, json_body, members):
    doc = _error(http(method, path, params=params, json=json_body), "ValidationException", 400)
    n = len(members)
    assert doc["message"].startswith(f"{n} validation error{'s' if n > 1 else ''} detected: "), doc
    for member in members:
        assert f"Value null at '{member}' failed to satisfy constraint: Member must not be null" in doc["message"]


def test_unparsable_input_over_raw_http(http):
    doc = _error(http("POST", "/v1/repositories", params={"max-results": "many"}), "ValidationException", 400)
    assert "maxResults" in doc["message"]
    doc = _error(
        http("POST", "/v1/domains", data=b"{not json", headers={"Content-Type": "application/json"}),
        "ValidationException",
        400,
    )
    assert doc["reason"] == "CANNOT_PARSE"
    doc = _error(http("POST", "/v1/domains", json={"maxResults": "ten"}), "ValidationException", 400)
    assert doc["reason"] == "CANNOT_PARSE"
    doc = _error(http("POST", "/v1/domains", json=[1, 2]), "ValidationException", 400)
    doc = _error(
        http("POST", "/v1/domain", params={"domain": "my-domain"}, json={"tags": "not-a-list"}),
        "ValidationException",
        400,
    )
    doc = _error(
        http("POST", "/v1/domain", params={"domain": "my-domain"}, json={"tags": [{"key": 1, "value": "v"}]}),
        "ValidationException",
        400,
    )
    doc = _error(
        http("POST", "/v1/tag", params={"resourceArn": ARN}, json={"tags": [None]}), "ValidationException", 400
    )
    assert "Value null at 'tags.1.member' failed to satisfy constraint: Member must not be null" in doc["message"]
    # Nothing was created by any of these.
    assert http("POST", "/v1/domains", json={}).json()["domains"] == []


def test_unknown_route(http):
    doc = _error(http("GET", "/v1/no-such-thing"), "ValidationException", 400)
    assert doc["reason"] == "UNKNOWN_OPERATION"
    doc = _error(http("PATCH", "/v1/domain", params={"domain": "my-domain"}), "ValidationException", 400)
    assert doc["reason"] == "UNKNOWN_OPERATION"


def test_valid_raw_request_round_trip(http):
    response = http("POST", "/v1/domain", params={"domain": "my-domain"}, json={})
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["domain"]["name"] == "my-domain"
    assert isinstance(doc["domain"]["createdTime"], (int, float))  # epoch seconds on the wire
    assert response.headers["Content-Type"].startswith("application/json")
    response = http("POST", "/v1/repositories")  # no body at all
    assert response.status_code == 200 and response.json() == {"repositories": []}


def test_repeated_query_inputs_are_decoded_and_validated_every_time(client, raw_client, http):
    # The same query text answered many times, interleaved with others: each answer is the one its own input asks
    # for, an invalid input is refused every time (also after the valid ones), and a body-less request that
    # differs only in its body or headers is not confused with a query-only one.
    client.create_domain(domain="my-domain")
    for name in ("aa", "bb"):
        client.create_repository(domain="my-domain", repository=name, description=f"repo {name}")
    for _ in range(3):
        for name in ("aa", "bb"):
            assert client.describe_repository(domain="my-domain", repository=name)["repository"]["description"] == (
                f"repo {name}"
            )
        with raises("ValidationException", 400, message="at 'repository' failed to satisfy constraint"):
            raw_client.describe_repository(domain="my-domain", repository="-bad")
        with raises("ResourceNotFoundException", 404):
            client.describe_repository(domain="my-domain", repository="cc")
    doc = _error(http("GET", "/v1/repository", params={"domain": "my-domain"}), "ValidationException", 400)
    assert "Value null at 'repository'" in doc["message"]
    doc = _error(http("GET", "/v1/repository", params={"domain": "my-domain"}), "ValidationException", 400)
    assert "Value null at 'repository'" in doc["message"]
    client.create_repository(domain="my-domain", repository="cc")
    assert client.describe_repository(domain="my-domain", repository="cc")["repository"]["name"] == "cc"
