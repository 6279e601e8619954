"""The one authorization switch (docs/authorization.md, "Turning enforcement off"): the environment variable, and
the older spellings as aliases onto it, each for its own scope."""

from __future__ import annotations

import pytest
import requests

from mock_codeartifact import mock_codeartifact, principals
from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.control_plane import api_client, raises

OWNER = "123456789012"
ROLE = "arn:aws:iam::222222222222:role/ci"


def _guest_describes(client) -> str:
    with principals.acting_as(ROLE):
        return client.describe_domain(domain="shared", domainOwner=OWNER)["domain"]["owner"]


def test_nested_mocks_switch_off_only_while_the_permissive_one_is_active(identity_env):
    with mock_codeartifact():
        c = api_client()
        c.create_domain(domain="shared")
        with mock_codeartifact(authorization=False):
            assert _guest_describes(c) == OWNER
            with mock_codeartifact():  # a strict mock inside does not switch it back on
                assert _guest_describes(c) == OWNER
            assert _guest_describes(c) == OWNER
        with raises("AccessDeniedException", 403):
            _guest_describes(c)


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "no", "disabled", " Off "])
def test_every_documented_off_value(identity_env, monkeypatch, value):
    with mock_codeartifact():
        c = api_client()
        c.create_domain(domain="shared")
        monkeypatch.setenv("MOCK_CODEARTIFACT_AUTHORIZATION", value)
        assert _guest_describes(c) == OWNER
        monkeypatch.setenv("MOCK_CODEARTIFACT_AUTHORIZATION", "on")
        with raises("AccessDeniedException", 403):
            _guest_describes(c)


def test_a_server_without_authorization_leaves_other_backends_enforced(identity_env):
    with mock_codeartifact() as m, ThreadedCodeArtifactServer(port=0, authorization=False) as server:
        permissive = api_client(endpoint_url=server.endpoint_url)
        permissive.create_domain(domain="shared")
        assert _guest_describes(permissive) == OWNER
        strict = api_client()  # the in-process mock's own backend: still enforced
        strict.create_domain(domain="shared")
        with raises("AccessDeniedException", 403):
            _guest_describes(strict)
        with m.server() as shared:  # a server over the mock's backend enforces as the mock does
            with raises("AccessDeniedException", 403):
                _guest_describes(shared.client())


def test_the_environment_switch_reaches_a_server(identity_env, monkeypatch):
    with ThreadedCodeArtifactServer(port=0) as server:
        url = server.endpoint_url
        api_client(endpoint_url=url).create_domain(domain="shared")
        ask = dict(params={"domain": "shared", "domain-owner": OWNER}, headers={"x-mock-codeartifact-principal": ROLE})
        assert requests.get(f"{url}/v1/domain", **ask, timeout=30).status_code == 403
        monkeypatch.setenv("MOCK_CODEARTIFACT_AUTHORIZATION", "off")
        assert requests.get(f"{url}/v1/domain", **ask, timeout=30).json()["domain"]["owner"] == OWNER


def test_the_old_names_of_the_switch_turn_the_same_switch(identity_env):
    from mock_codeartifact.authorization import enforce, switch

    with mock_codeartifact():
        c = api_client()
        c.create_domain(domain="shared")
        enforce.disable()
        try:
            assert not switch.enforced() and _guest_describes(c) == OWNER
        finally:
            enforce.enable()
        assert switch.enforced()
        with raises("AccessDeniedException", 403):
            _guest_describes(c)


def test_principals_names_the_objects_of_the_one_caller_module():
    from mock_codeartifact.iam import caller

    assert principals.acting_as is caller.acting_as and principals.Principal is caller.Principal
