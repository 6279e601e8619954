"""How a user tests an event-driven pipeline: moto's EventBridge and SQS, mock-codeartifact's events."""

import hashlib
import json

import boto3
import pytest
from promote import promote

from mock_codeartifact import mock_codeartifact

moto = pytest.importorskip("moto")


def test_a_publish_to_staging_is_promoted_to_releases():
    with moto.mock_aws(), mock_codeartifact() as m:
        sqs = boto3.client("sqs", region_name="us-east-1")
        events = boto3.client("events", region_name="us-east-1")
        queue = sqs.create_queue(QueueName="promotions")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        pattern = {"source": ["aws.codeartifact"], "detail": {"repositoryName": ["staging"]}}
        events.put_rule(Name="promote-staging", EventPattern=json.dumps(pattern))
        events.put_targets(Rule="promote-staging", Targets=[{"Id": "queue", "Arn": arn}])

        ca = boto3.client("codeartifact", region_name="us-east-1")
        ca.create_domain(domain="acme")
        ca.create_repository(domain="acme", repository="staging")
        ca.create_repository(domain="acme", repository="releases")
        data = b"build 42"
        ca.publish_package_version(
            domain="acme", repository="staging", format="generic", namespace="tools", package="cli",
            packageVersion="2.1.0", assetContent=data, assetName="cli.tar.gz",
            assetSHA256=hashlib.sha256(data).hexdigest(),
        )  # fmt: skip

        # The "Lambda": drain the queue and handle each event.
        promoted = []
        for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            promoted.append(promote(json.loads(message["Body"]), ca))

        assert promoted == ["2.1.0"]
        versions = ca.list_package_versions(
            domain="acme", repository="releases", format="generic", namespace="tools", package="cli"
        )["versions"]
        assert [v["version"] for v in versions] == ["2.1.0"]
        # The copy is an event of its own (in releases, which the rule does not match).
        assert [(e["detail"]["repositoryName"], e["detail"]["operationType"]) for e in m.events] == [
            ("staging", "Created"),
            ("releases", "Created"),
        ]
