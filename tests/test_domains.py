"""CreateDomain, DescribeDomain, DeleteDomain, ListDomains (reference §5.1, §8 items 1-3)."""

from __future__ import annotations

import datetime as dt
import re

from tests.support.control_plane import ACCOUNT, POLICY, body, raises, snapshot

DOMAIN_KEYS = {
    "name",
    "owner",
    "arn",
    "status",
    "createdTime",
    "encryptionKey",
    "repositoryCount",
    "assetSizeBytes",
    "s3BucketArn",
}
KMS_KEY_ARN = re.compile(r"^arn:aws:kms:us-east-1:123456789012:key/[0-9a-f-]{36}$")


def test_create_domain_returns_the_full_description(client):
    before = dt.datetime.now(dt.timezone.utc)
    domain = client.create_domain(domain="my-domain")["domain"]
    after = dt.datetime.now(dt.timezone.utc)

    assert set(domain) == DOMAIN_KEYS
    assert domain["name"] == "my-domain"
    assert domain["owner"] == ACCOUNT
    assert domain["arn"] == f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:domain/my-domain"
    assert domain["status"] == "Active"
    assert domain["repositoryCount"] == 0
    assert domain["assetSizeBytes"] == 0
    assert domain["s3BucketArn"] == "arn:aws:s3:::assets-193858265520-us-east-1"
    assert KMS_KEY_ARN.match(domain["encryptionKey"]), domain["encryptionKey"]
    assert isinstance(domain["createdTime"], dt.datetime)
    # The wire carries epoch seconds with millisecond precision.
    assert before - dt.timedelta(seconds=1) <= domain["createdTime"] <= after + dt.timedelta(seconds=1)


def test_describe_domain_matches_create(client):
    created = client.create_domain(domain="my-domain")["domain"]
    assert client.describe_domain(domain="my-domain")["domain"] == created
    assert client.describe_domain(domain="my-domain", domainOwner=ACCOUNT)["domain"] == created


def test_s3_bucket_arn_is_the_regional_service_bucket(make_client):
    for region, bucket in (
        ("us-west-2", "assets-787052242323-us-west-2"),
        ("eu-west-1", "assets-438097961670-eu-west-1"),
    ):
        domain = make_client(region=region).create_domain(domain="my-domain")["domain"]
        assert domain["s3BucketArn"] == f"arn:aws:s3:::{bucket}"
        assert domain["arn"] == f"arn:aws:codeartifact:{region}:{ACCOUNT}:domain/my-domain"
        assert domain["encryptionKey"].startswith(f"arn:aws:kms:{region}:{ACCOUNT}:key/")


def test_each_domain_gets_its_own_managed_key(client):
    first = client.create_domain(domain="first")["domain"]["encryptionKey"]
    second = client.create_domain(domain="second")["domain"]["encryptionKey"]
    assert first != second
    assert client.describe_domain(domain="first")["domain"]["encryptionKey"] == first


def test_encryption_key_forms(client):
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    full = "arn:aws:kms:us-east-1:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321"
    assert client.create_domain(domain="by-id", encryptionKey=key_id)["domain"]["encryptionKey"] == (
        f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}"
    )
    assert client.create_domain(domain="by-arn", encryptionKey=full)["domain"]["encryptionKey"] == full
    assert client.create_domain(domain="by-alias", encryptionKey="alias/my-key")["domain"]["encryptionKey"] == (
        f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/my-key"
    )


def test_create_domain_with_tags(client):
    arn = client.create_domain(domain="my-domain", tags=[{"key": "team", "value": "a"}, {"key": "empty", "value": ""}])[
        "domain"
    ]["arn"]
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "a"},
        {"key": "empty", "value": ""},
    ]


def test_duplicate_domain_is_a_conflict_and_changes_nothing(client):
    # Lower confidence (§8): the exception class for a duplicate name is inferred.
    client.create_domain(domain="my-domain", tags=[{"key": "k", "value": "v"}])
    before = snapshot(client)
    with raises("ConflictException", 409, resourceId="my-domain", resourceType="domain"):
        client.create_domain(domain="my-domain", tags=[{"key": "k", "value": "other"}])
    assert snapshot(client) == before


def test_eleventh_domain_exceeds_the_quota(client):
    # Lower confidence (§8): quota 10 per account and region; the exception class is inferred.
    for i in range(10):
        client.create_domain(domain=f"domain-{i:02d}")
    before = snapshot(client)
    with raises("ServiceQuotaExceededException", 402, resourceType="domain", resourceId="domain-10"):
        client.create_domain(domain="domain-10")
    assert snapshot(client) == before
    # Deleting one frees a slot.
    client.delete_domain(domain="domain-00")
    client.create_domain(domain="domain-10")


def test_describe_missing_domain(client):
    with raises(
        "ResourceNotFoundException",
        404,
        message=f"Domain not found. Domain 'nope' owned by account '{ACCOUNT}' does not exist",
        resourceId="nope",
        resourceType="domain",
    ):
        client.describe_domain(domain="nope")


def test_describe_domain_of_another_owner_that_has_none(client):
    # Another account's domain that does not exist has no policy to allow the call: AccessDenied, as in AWS,
    # not a ResourceNotFoundException that would tell the caller which names exist.
    client.create_domain(domain="my-domain")
    with raises(
        "AccessDeniedException",
        403,
        message="codeartifact:DescribeDomain on resource: arn:aws:codeartifact:us-east-1:111122223333:domain/my-domain",
    ):
        client.describe_domain(domain="my-domain", domainOwner="111122223333")


def test_delete_domain_with_repositories_is_a_conflict(client):
    client.create_domain(domain="my-domain")
    client.create_repository(domain="my-domain", repository="repo")
    before = snapshot(client)
    with raises(
        "ConflictException",
        409,
        message="Domain must contain 0 repositories before deletion",
        resourceId="my-domain",
        resourceType="domain",
    ):
        client.delete_domain(domain="my-domain")
    assert snapshot(client) == before


def test_delete_domain(client):
    created = client.create_domain(domain="my-domain")["domain"]
    client.create_repository(domain="my-domain", repository="repo")
    client.delete_repository(domain="my-domain", repository="repo")

    deleted = client.delete_domain(domain="my-domain")["domain"]
    # "Deleted" follows the AWS CLI example; the older user-guide example shows "Active" (§5.1.3).
    assert deleted == {**created, "status": "Deleted"}
    with raises("ResourceNotFoundException", 404, resourceType="domain"):
        client.describe_domain(domain="my-domain")
    assert client.list_domains()["domains"] == []


def test_delete_missing_domain_answers_200_without_a_domain(client):
    # Lower confidence (§8): the model declares no ResourceNotFoundException; AWS's CloudFormation handler
    # relies on DeleteDomain of a missing domain not failing.
    assert body(client.delete_domain(domain="nope")) == {}
    client.create_domain(domain="my-domain")
    # Another account's (missing) domain: no policy allows the call.
    with raises("AccessDeniedException", 403, message="codeartifact:DeleteDomain"):
        client.delete_domain(domain="my-domain", domainOwner="111122223333")
    assert client.describe_domain(domain="my-domain")["domain"]["status"] == "Active"


def test_recreated_domain_starts_empty(client):
    old = client.create_domain(domain="my-domain", tags=[{"key": "k", "value": "v"}])["domain"]
    client.put_domain_permissions_policy(domain="my-domain", policyDocument=POLICY)
    client.delete_domain(domain="my-domain")

    new = client.create_domain(domain="my-domain")["domain"]
    assert new["arn"] == old["arn"]
    assert new["createdTime"] >= old["createdTime"]
    assert client.list_tags_for_resource(resourceArn=new["arn"])["tags"] == []
    with raises("ResourceNotFoundException", 404):
        client.get_domain_permissions_policy(domain="my-domain")


def test_repository_count_follows_creates_and_deletes(client):
    client.create_domain(domain="my-domain")
    for name in ("a1", "a2", "a3"):
        client.create_repository(domain="my-domain", repository=name)
    assert client.describe_domain(domain="my-domain")["domain"]["repositoryCount"] == 3
    client.delete_repository(domain="my-domain", repository="a2")
    assert client.describe_domain(domain="my-domain")["domain"]["repositoryCount"] == 2


def test_list_domains_returns_summaries_by_name(client):
    assert body(client.list_domains()) == {"domains": []}
    for name in ("zeta", "alpha", "mid-one"):
        client.create_domain(domain=name)
    domains = client.list_domains()["domains"]
    assert [d["name"] for d in domains] == ["alpha", "mid-one", "zeta"]  # order is undocumented: by name
    described = client.describe_domain(domain="alpha")["domain"]
    assert domains[0] == {k: described[k] for k in ("name", "owner", "arn", "status", "createdTime", "encryptionKey")}
    assert "nextToken" not in client.list_domains()


def test_list_domains_only_lists_the_callers_domains(client, monkeypatch):
    client.create_domain(domain="mine")
    monkeypatch.setenv("MOCK_CODEARTIFACT_ACCOUNT_ID", "111122223333")
    client.create_domain(domain="theirs")
    assert [d["name"] for d in client.list_domains()["domains"]] == ["theirs"]
    monkeypatch.delenv("MOCK_CODEARTIFACT_ACCOUNT_ID")
    assert [d["name"] for d in client.list_domains()["domains"]] == ["mine"]


def test_domain_name_edges_are_accepted(client):
    for name in ("ab", "a" * 50, "a-b-c-1", "x0"):
        assert client.create_domain(domain=name)["domain"]["name"] == name


def test_every_answer_carries_a_request_id(client):
    ids = set()
    for response in (
        client.create_domain(domain="my-domain"),
        client.list_domains(),
        client.tag_resource(resourceArn=client.describe_domain(domain="my-domain")["domain"]["arn"], tags=[]),
    ):
        ids.add(response["ResponseMetadata"]["RequestId"])
    with raises("ResourceNotFoundException", 404) as info:
        client.describe_domain(domain="nope")
    ids.add(info.value.response["ResponseMetadata"]["RequestId"])
    assert len(ids) == 4 and all(ids)
