"""Acting as a principal: ``acting_as``, access keys, moto's STS, the server's headers; the switches."""

from __future__ import annotations

import json

import boto3
import pytest
import requests

from mock_codeartifact import mock_codeartifact, principals
from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.control_plane import api_client, raises
from tests.support.policies import allow, denied, policy

OWNER = "123456789012"
GUEST = "222222222222"
ROLE = f"arn:aws:iam::{GUEST}:role/ci"
DOMAIN_ARN = f"arn:aws:codeartifact:us-east-1:{OWNER}:domain/shared"


def test_acting_as_switches_the_principal_for_the_block(identity_env):
    with mock_codeartifact() as m:
        c = api_client()
        c.create_domain(domain="shared")
        with m.acting_as(ROLE):
            with denied("DescribeDomain", DOMAIN_ARN, user=ROLE, explicit=False):
                c.describe_domain(domain="shared", domainOwner=OWNER)
            # The caller's own account is the role's: a domain created here is the guest's.
            assert c.create_domain(domain="shared")["domain"]["owner"] == GUEST
            with m.acting_as(f"arn:aws:iam::{OWNER}:user/admin"):  # nested: the innermost wins
                assert c.describe_domain(domain="shared")["domain"]["owner"] == OWNER
        assert c.describe_domain(domain="shared")["domain"]["owner"] == OWNER
        c.put_domain_permissions_policy(domain="shared", policyDocument=policy(allow(ROLE, "codeartifact:Describe*")))
        with principals.acting_as(ROLE):
            assert c.describe_domain(domain="shared", domainOwner=OWNER)["domain"]["owner"] == OWNER


def test_acting_as_refuses_what_is_not_a_principal_arn(identity_env):
    with mock_codeartifact() as m:
        for bad in ("222222222222", "arn:aws:s3:::bucket", "arn:aws:iam::2222:role/x"):
            with pytest.raises(ValueError):
                with m.acting_as(bad):
                    pass
        with pytest.raises(ValueError):
            principals.register("AKIA1", "not-an-arn")


def test_two_access_keys_are_two_principals_and_reset_forgets_them(identity_env):
    with mock_codeartifact() as m:
        m.register_principal("AKIAGUEST", ROLE)
        principals.register("AKIAOWNERUSER", f"arn:aws:iam::{OWNER}:user/dev")
        owner_user = api_client(aws_access_key_id="AKIAOWNERUSER", aws_secret_access_key="x")
        guest = api_client(aws_access_key_id="AKIAGUEST", aws_secret_access_key="x")
        owner_user.create_domain(domain="shared")
        with denied("DescribeDomain", DOMAIN_ARN, user=ROLE):
            guest.describe_domain(domain="shared", domainOwner=OWNER)
        assert principals.registered() == {"AKIAGUEST": ROLE, "AKIAOWNERUSER": f"arn:aws:iam::{OWNER}:user/dev"}
        m.reset()
        assert principals.registered() == {}
        # Unregistered keys are the account root of the configured account again.
        assert guest.create_domain(domain="shared")["domain"]["owner"] == OWNER


def test_moto_assumed_role_is_the_principal(identity_env, monkeypatch):
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_codeartifact():
        owner = api_client()
        owner.create_domain(domain="shared")
        sts = boto3.client("sts", region_name="us-east-1")
        creds = sts.assume_role(RoleArn=ROLE, RoleSessionName="build-42")["Credentials"]
        session = f"arn:aws:sts::{GUEST}:assumed-role/ci/build-42"
        guest = api_client(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        with denied("DescribeDomain", DOMAIN_ARN, user=session, explicit=False):
            guest.describe_domain(domain="shared", domainOwner=OWNER)
        # A grant to the role covers its sessions.
        owner.put_domain_permissions_policy(domain="shared", policyDocument=policy(allow(ROLE, "codeartifact:*")))
        assert guest.describe_domain(domain="shared", domainOwner=OWNER)["domain"]["owner"] == OWNER
        # moto IAM users are principals too.
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="bob")
        key = iam.create_access_key(UserName="bob")["AccessKey"]
        bob = api_client(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        assert bob.describe_domain(domain="shared")["domain"]["owner"] == OWNER  # same account as the domain


def test_moto_account_id_is_the_default_account(identity_env, monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "444455556666")
    with mock_codeartifact():
        assert api_client().create_domain(domain="shared")["domain"]["owner"] == "444455556666"
        monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", "777788889999")  # ours wins
        assert api_client().create_domain(domain="shared")["domain"]["owner"] == "777788889999"


def test_authorization_false_on_the_mock(identity_env):
    with mock_codeartifact(authorization=False) as m:
        c = api_client()
        c.create_domain(domain="shared")
        with m.acting_as(ROLE):
            assert c.describe_domain(domain="shared", domainOwner=OWNER)["domain"]["owner"] == OWNER
    with mock_codeartifact() as m:
        api_client().create_domain(domain="shared")
        with m.acting_as(ROLE), raises("AccessDeniedException", 403):
            api_client().describe_domain(domain="shared", domainOwner=OWNER)


def test_authorization_false_as_a_decorator(identity_env):
    @mock_codeartifact(authorization=False)
    def permissive():
        c = api_client()
        c.create_domain(domain="shared")
        with principals.acting_as(ROLE):
            return c.describe_domain(domain="shared", domainOwner=OWNER)["domain"]["owner"]

    assert permissive() == OWNER

    @mock_codeartifact(authorization=False)
    class Permissive:
        def test_cross_account(self):
            c = api_client()
            c.create_domain(domain="shared")
            with principals.acting_as(ROLE):
                return c.describe_domain(domain="shared", domainOwner=OWNER)["domain"]["owner"]

    assert Permissive().test_cross_account() == OWNER
    # Outside the decorated function, enforcement is back.
    with mock_codeartifact() as m:
        api_client().create_domain(domain="shared")
        with m.acting_as(ROLE), raises("AccessDeniedException", 403):
            api_client().describe_domain(domain="shared", domainOwner=OWNER)


def test_server_principal_header_account_header_and_principals_endpoint(identity_env):
    with ThreadedCodeArtifactServer(port=0) as server:
        url = server.endpoint_url
        owner = api_client(endpoint_url=url)
        owner.create_domain(domain="shared")
        as_role = {"x-mock-codeartifact-principal": ROLE}
        got = requests.get(f"{url}/v1/domain", params={"domain": "shared", "domain-owner": OWNER}, headers=as_role)
        assert got.status_code == 403 and got.headers["x-amzn-ErrorType"].startswith("AccessDeniedException")
        assert f"User: {ROLE} is not authorized" in got.json()["message"]
        # The account header makes the caller that account's root.
        as_guest = {"x-mock-codeartifact-account-id": GUEST}
        got = requests.get(f"{url}/v1/domain", params={"domain": "shared", "domain-owner": OWNER}, headers=as_guest)
        assert got.status_code == 403 and f"arn:aws:iam::{GUEST}:root" in got.json()["message"]
        # Registering an access key over HTTP (for a server in another process).
        bad = requests.post(f"{url}/_mock/principals", json={"accessKeyId": "AKIAX", "principalArn": "nope"})
        assert bad.status_code == 400
        ok = requests.post(f"{url}/_mock/principals", json={"accessKeyId": "AKIAGUEST", "principalArn": ROLE})
        assert ok.status_code == 200 and ok.json()["principals"] == {"AKIAGUEST": ROLE}
        guest = api_client(endpoint_url=url, aws_access_key_id="AKIAGUEST", aws_secret_access_key="x")
        with denied("DescribeDomain", DOMAIN_ARN, user=ROLE):
            guest.describe_domain(domain="shared", domainOwner=OWNER)
        assert requests.post(f"{url}/_mock/reset", headers={"X-Mock-CodeArtifact": "1"}).status_code == 200
        assert requests.get(f"{url}/_mock/principals").json() == {"principals": {}}


def test_server_without_authorization(identity_env):
    with ThreadedCodeArtifactServer(port=0, authorization=False) as server:
        url = server.endpoint_url
        api_client(endpoint_url=url).create_domain(domain="shared")
        got = requests.get(
            f"{url}/v1/domain",
            params={"domain": "shared", "domain-owner": OWNER},
            headers={"x-mock-codeartifact-principal": ROLE},
        )
        assert got.status_code == 200 and got.json()["domain"]["owner"] == OWNER


def test_cli_flag(capsys):
    from mock_codeartifact.server import cli

    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "--no-authorization" in capsys.readouterr().out


def test_policy_documents_are_json(identity_env):
    # The policy returned is the document stored, byte for byte.
    with mock_codeartifact():
        c = api_client()
        c.create_domain(domain="shared")
        doc = policy(allow(ROLE, "codeartifact:Describe*"))
        assert c.put_domain_permissions_policy(domain="shared", policyDocument=doc)["policy"]["document"] == doc
        assert json.loads(c.get_domain_permissions_policy(domain="shared")["policy"]["document"])["Statement"]


def test_moto_account_id_makes_the_root_principal_of_that_account(identity_env, monkeypatch):
    moto_account = "111111111111"
    with mock_codeartifact():
        c = api_client()
        c.create_domain(domain="shared")  # the default account's
        monkeypatch.setenv("MOTO_ACCOUNT_ID", moto_account)
        # The caller is now the root of moto's account: its own domains are its own, the other account's are not.
        assert c.create_domain(domain="mine")["domain"]["owner"] == moto_account
        with denied("DescribeDomain", DOMAIN_ARN, user=f"arn:aws:iam::{moto_account}:root", explicit=False):
            c.describe_domain(domain="shared", domainOwner=OWNER)
        monkeypatch.delenv("MOTO_ACCOUNT_ID")
        c.put_domain_permissions_policy(
            domain="shared", policyDocument=policy(allow(f"arn:aws:iam::{moto_account}:root", "codeartifact:Describe*"))
        )
        monkeypatch.setenv("MOTO_ACCOUNT_ID", moto_account)
        assert c.describe_domain(domain="shared", domainOwner=OWNER)["domain"]["owner"] == OWNER
