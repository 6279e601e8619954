"""GetAuthorizationToken (reference §5.7, §8 item 10)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.support.control_plane import raises, unvalidated


@pytest.fixture
def domain(client):
    client.create_domain(domain="my-domain")
    return "my-domain"


def _expires_in(response: dict) -> float:
    return (response["expiration"] - dt.datetime.now(dt.timezone.utc)).total_seconds()


def test_default_duration_is_twelve_hours(client, domain):
    got = client.get_authorization_token(domain=domain)
    assert isinstance(got["authorizationToken"], str) and len(got["authorizationToken"]) > 20
    assert isinstance(got["expiration"], dt.datetime)
    assert 43200 - 30 <= _expires_in(got) <= 43200 + 1


@pytest.mark.parametrize("seconds", [900, 3600, 43200])
def test_explicit_durations(client, domain, seconds):
    got = client.get_authorization_token(domain=domain, durationSeconds=seconds)
    assert seconds - 30 <= _expires_in(got) <= seconds + 1


def test_zero_means_the_callers_session_length(client, domain):
    # 0 = "the expiration of the user's role's temporary credentials"; the mock has no session: one hour.
    got = client.get_authorization_token(domain=domain, durationSeconds=0)
    assert 3600 - 30 <= _expires_in(got) <= 3600 + 1


def test_tokens_are_unique(client, domain):
    tokens = {client.get_authorization_token(domain=domain)["authorizationToken"] for _ in range(5)}
    assert len(tokens) == 5
    assert all(" " not in t for t in tokens)


@pytest.mark.parametrize("seconds", [1, 899, 43201, 10**9])
def test_durations_outside_the_documented_set(client, domain, seconds):
    # Strong inference (§8): valid values are 0 and 900..43200; botocore only blocks negatives.
    with raises("ValidationException", 400, message=f"Value '{seconds}' at 'durationSeconds'"):
        client.get_authorization_token(domain=domain, durationSeconds=seconds)


def test_negative_duration_reaching_the_server(client, domain):
    # botocore blocks negatives client-side; another SDK would send them.
    with raises("ValidationException", 400, message="Member must have value greater than or equal to 0"):
        unvalidated(client).get_authorization_token(domain=domain, durationSeconds=-1)


def test_missing_domain(client):
    with raises("ResourceNotFoundException", 404, resourceId="ghost", resourceType="domain"):
        client.get_authorization_token(domain="ghost")


def test_token_for_another_owners_domain(client, domain, monkeypatch):
    # Another account's domain (missing, or without a policy) is AccessDenied; the domain policy opens it.
    with raises("AccessDeniedException", 403, message="codeartifact:GetAuthorizationToken"):
        client.get_authorization_token(domain=domain, domainOwner="111122223333")
    monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", "111122223333")
    with raises("AccessDeniedException", 403, message="codeartifact:GetAuthorizationToken"):
        client.get_authorization_token(domain=domain, domainOwner="123456789012")
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID")
    grant = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "codeartifact:GetAuthorizationToken",
        "Resource": "*",
    }
    client.put_domain_permissions_policy(domain=domain, policyDocument=json.dumps({"Statement": [grant]}))
    monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", "111122223333")
    got = client.get_authorization_token(domain=domain, domainOwner="123456789012", durationSeconds=900)
    assert 870 <= _expires_in(got) <= 901


def test_duration_is_checked_before_the_domain(client):
    with raises("ValidationException", 400):
        client.get_authorization_token(domain="ghost", durationSeconds=5)
