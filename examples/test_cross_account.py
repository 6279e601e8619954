"""Testing a cross-account setup: the consumer is denied until the owner shares, and can read but not publish."""

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from sharing import share_read_only

from mock_codeartifact import mock_codeartifact, principals

OWNER = "123456789012"  # the default account
CONSUMER_ROLE = "arn:aws:iam::210987654321:role/build"


def error_code(err: pytest.ExceptionInfo) -> str:
    return err.value.response["Error"]["Code"]


@mock_codeartifact
def test_consumer_account_reads_only_after_sharing():
    owner = boto3.client("codeartifact", region_name="us-east-1")
    owner.create_domain(domain="acme")
    owner.create_repository(domain="acme", repository="releases")

    # The consumer's CI role is another principal: a boto3 client with its own (fake) access key.
    principals.register("AKIACONSUMERBUILD001", CONSUMER_ROLE)
    consumer = boto3.client(
        "codeartifact",
        region_name="us-east-1",
        aws_access_key_id="AKIACONSUMERBUILD001",
        aws_secret_access_key="fake",
    )

    with pytest.raises(ClientError) as err:  # as in AWS: no policy, no access for another account
        consumer.get_authorization_token(domain="acme", domainOwner=OWNER)
    assert error_code(err) == "AccessDeniedException"

    share_read_only(owner, "acme", "releases", consumer_account="210987654321")

    assert consumer.get_authorization_token(domain="acme", domainOwner=OWNER)["authorizationToken"]
    assert consumer.list_packages(domain="acme", domainOwner=OWNER, repository="releases")["packages"] == []
    with pytest.raises(ClientError) as err:  # read-only: publishing is not shared
        consumer.publish_package_version(
            domain="acme",
            domainOwner=OWNER,
            repository="releases",
            format="generic",
            namespace="tools",
            package="cli",
            packageVersion="1.0.0",
            assetContent=b"binary",
            assetName="cli",
            assetSHA256="f8b52ff2eab8bfafa29db5a08bae4d1cafd4ba74c2eb8b14a36e1df46d7ec2b7",
        )
    assert error_code(err) == "AccessDeniedException"
    assert "codeartifact:PublishPackageVersion" in err.value.response["Error"]["Message"]


def test_the_owner_can_deny_itself(codeartifact_client):
    codeartifact_client.create_domain(domain="acme")
    deny_deletes = {"Effect": "Deny", "Principal": "*", "Action": "codeartifact:DeleteDomain", "Resource": "*"}
    document = json.dumps({"Version": "2012-10-17", "Statement": [deny_deletes]})
    codeartifact_client.put_domain_permissions_policy(domain="acme", policyDocument=document)
    with pytest.raises(ClientError) as err:
        codeartifact_client.delete_domain(domain="acme")
    assert error_code(err) == "AccessDeniedException"
    assert "explicit deny" in err.value.response["Error"]["Message"]
