"""How a user tests ``provision_team`` with mock-codeartifact: a decorator, or the pytest fixtures."""

import boto3
import pytest
from botocore.exceptions import ClientError
from provision import provision_team

from mock_codeartifact import mock_codeartifact


@mock_codeartifact
def test_provision_team_builds_the_upstream_chain():
    client = boto3.client("codeartifact", region_name="eu-west-1")

    url = provision_team(client, "acme", "data-team")

    assert url == "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/data-team/simple/"
    team = client.describe_repository(domain="acme", repository="data-team")["repository"]
    assert team["upstreams"] == [{"repositoryName": "pypi-store"}]
    store = client.describe_repository(domain="acme", repository="pypi-store")["repository"]
    assert store["externalConnections"][0]["externalConnectionName"] == "public:pypi"
    tags = client.list_tags_for_resource(resourceArn=team["arn"])["tags"]
    assert tags == [{"key": "team", "value": "data-team"}]


def test_provisioning_twice_fails_cleanly(codeartifact_client):
    provision_team(codeartifact_client, "acme", "data-team")
    with pytest.raises(ClientError) as err:
        provision_team(codeartifact_client, "acme", "data-team")
    assert err.value.response["Error"]["Code"] == "ConflictException"
    assert codeartifact_client.describe_domain(domain="acme")["domain"]["repositoryCount"] == 2
