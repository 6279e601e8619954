import pytest
from botocore.exceptions import ClientError


def test_domain_round_trip(client):
    created = client.create_domain(domain="my-domain")["domain"]
    assert created["status"] == "Active"
    assert client.describe_domain(domain="my-domain")["domain"]["arn"] == created["arn"]
    with pytest.raises(ClientError) as err:
        client.create_domain(domain="Bad_Name")
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
