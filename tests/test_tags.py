"""TagResource, UntagResource, ListTagsForResource on domains and repositories (reference §5.8, §8 item 11)."""

from __future__ import annotations

import pytest

from tests.support.control_plane import ACCOUNT, body, raises, snapshot, unvalidated


@pytest.fixture(params=["domain", "repository"])
def arn(client, request):
    d = client.create_domain(domain="my-domain")["domain"]
    r = client.create_repository(domain="my-domain", repository="my-repo")["repository"]
    return d["arn"] if request.param == "domain" else r["arn"]


def tags(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in pairs]


def test_round_trip(client, arn):
    assert body(client.list_tags_for_resource(resourceArn=arn)) == {"tags": []}
    # Both operations answer 200 with an empty body.
    assert body(client.tag_resource(resourceArn=arn, tags=tags(("team", "a"), ("env", "dev")))) == {}
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags(("team", "a"), ("env", "dev"))

    # Adds or updates: an existing key's value is overwritten.
    client.tag_resource(resourceArn=arn, tags=tags(("env", "prod"), ("cost", "")))
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags(("team", "a"), ("env", "prod"), ("cost", ""))

    assert body(client.untag_resource(resourceArn=arn, tagKeys=["team", "not-there"])) == {}
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags(("env", "prod"), ("cost", ""))
    client.untag_resource(resourceArn=arn, tagKeys=[])
    client.tag_resource(resourceArn=arn, tags=[])
    assert len(client.list_tags_for_resource(resourceArn=arn)["tags"]) == 2


def test_keys_are_case_sensitive(client, arn):
    client.tag_resource(resourceArn=arn, tags=tags(("Key", "1"), ("key", "2")))
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags(("Key", "1"), ("key", "2"))


def test_domain_and_repository_tags_are_separate(client):
    d = client.create_domain(domain="my-domain", tags=tags(("level", "domain")))["domain"]["arn"]
    r = client.create_repository(domain="my-domain", repository="r1", tags=tags(("level", "repo")))["repository"]["arn"]
    assert client.list_tags_for_resource(resourceArn=d)["tags"] == tags(("level", "domain"))
    assert client.list_tags_for_resource(resourceArn=r)["tags"] == tags(("level", "repo"))


def test_fifty_tags_fit_the_fifty_first_does_not(client, arn):
    # Lower confidence: 50 tags per resource (user guide); the class (ServiceQuotaExceededException) is inferred.
    client.tag_resource(resourceArn=arn, tags=tags(*[(f"k{i}", "v") for i in range(50)]))
    before = snapshot(client)
    with raises("ServiceQuotaExceededException", 402):
        client.tag_resource(resourceArn=arn, tags=tags(("one-more", "v"), ("k0", "changed")))
    assert snapshot(client) == before
    # Overwriting existing keys is not growth.
    client.tag_resource(resourceArn=arn, tags=tags(("k0", "changed")))


def test_creating_with_too_many_tags_creates_nothing(client):
    many = tags(*[(f"k{i}", "v") for i in range(51)])
    with raises("ServiceQuotaExceededException", 402):
        client.create_domain(domain="my-domain", tags=many)
    assert client.list_domains()["domains"] == []
    client.create_domain(domain="my-domain")
    with raises("ServiceQuotaExceededException", 402):
        client.create_repository(domain="my-domain", repository="r1", tags=many)
    assert client.list_repositories()["repositories"] == []


def test_missing_resources(client):
    client.create_domain(domain="my-domain")
    missing = [
        f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:domain/ghost",
        f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/my-domain/ghost",
        f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/ghost/ghost",
        # Another region's ARN names nothing here.
        f"arn:aws:codeartifact:us-west-2:{ACCOUNT}:domain/my-domain",
    ]
    for arn in missing:
        with raises("ResourceNotFoundException", 404):
            client.list_tags_for_resource(resourceArn=arn)
        with raises("ResourceNotFoundException", 404):
            client.tag_resource(resourceArn=arn, tags=tags(("k", "v")))
        with raises("ResourceNotFoundException", 404):
            client.untag_resource(resourceArn=arn, tagKeys=["k"])
    with raises("ResourceNotFoundException", 404, resourceType="domain"):
        client.list_tags_for_resource(resourceArn=missing[0])
    with raises("ResourceNotFoundException", 404, resourceType="repository"):
        client.list_tags_for_resource(resourceArn=missing[1])


@pytest.mark.parametrize(
    "arn",
    [
        "not-an-arn",
        "arn:aws:s3:::my-bucket",
        f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:widget/my-domain",
        f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:domain",
    ],
)
def test_malformed_arns(client, arn):
    # Undocumented: ValidationException.
    with raises("ValidationException", 400):
        client.list_tags_for_resource(resourceArn=arn)
    with raises("ValidationException", 400):
        client.tag_resource(resourceArn=arn, tags=tags(("k", "v")))


def test_deleting_a_resource_removes_its_tags(client):
    d = client.create_domain(domain="my-domain", tags=tags(("a", "1")))["domain"]["arn"]
    r = client.create_repository(domain="my-domain", repository="r1", tags=tags(("b", "2")))["repository"]["arn"]
    client.delete_repository(domain="my-domain", repository="r1")
    with raises("ResourceNotFoundException", 404):
        client.list_tags_for_resource(resourceArn=r)
    client.create_repository(domain="my-domain", repository="r1")
    assert client.list_tags_for_resource(resourceArn=r)["tags"] == []
    client.delete_repository(domain="my-domain", repository="r1")
    client.delete_domain(domain="my-domain")
    with raises("ResourceNotFoundException", 404):
        client.tag_resource(resourceArn=d, tags=tags(("a", "1")))
    client.create_domain(domain="my-domain")
    assert client.list_tags_for_resource(resourceArn=d)["tags"] == []


def test_tag_limits_reach_the_server(client, arn):
    raw = unvalidated(client)
    before = snapshot(client)
    with raises("ValidationException", 400, message="at 'tags.1.member.key' failed to satisfy constraint"):
        raw.tag_resource(resourceArn=arn, tags=tags(("k" * 129, "v")))
    with raises("ValidationException", 400, message="at 'tags.1.member.value'"):
        raw.tag_resource(resourceArn=arn, tags=tags(("k", "v" * 257)))
    with raises("ValidationException", 400, message="Member must not be null"):
        raw.tag_resource(resourceArn=arn, tags=[{"key": "k"}])
    with raises("ValidationException", 400, message="Member must have length less than or equal to 200"):
        raw.tag_resource(resourceArn=arn, tags=tags(*[(f"k{i}", "v") for i in range(201)]))
    with raises("ValidationException", 400, message="Member must have length less than or equal to 200"):
        raw.untag_resource(resourceArn=arn, tagKeys=[f"k{i}" for i in range(201)])
    with raises("ValidationException", 400, message="regular expression pattern"):
        raw.tag_resource(resourceArn=arn, tags=tags(("bad\nkey", "v")))
    assert snapshot(client) == before
    # The longest key and value are fine.
    client.tag_resource(resourceArn=arn, tags=tags(("k" * 128, "v" * 256)))
