"""ListDomains, ListRepositories, ListRepositoriesInDomain pagination (reference §6, §8 item 12).

Tokens are opaque, survive the deletion of the item they point at, work across processes (no salted hash) and
are rejected when reused with other filters.
"""

from __future__ import annotations

import pytest

from tests.support.control_plane import ACCOUNT, all_pages, raises


@pytest.fixture
def repos(client):
    client.create_domain(domain="d1")
    client.create_domain(domain="d2")
    names = []
    for i in range(7):
        client.create_repository(domain="d1", repository=f"repo-{i}")
        names.append(("d1", f"repo-{i}"))
    for i in range(0, 7, 2):  # same names in another domain
        client.create_repository(domain="d2", repository=f"repo-{i}")
        names.append(("d2", f"repo-{i}"))
    client.create_repository(domain="d2", repository="other")
    names.append(("d2", "other"))
    return names


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_list_domains_pages(client, size):
    names = [f"dom-{i}" for i in range(7)]
    for name in reversed(names):
        client.create_domain(domain=name)
    items, pages = all_pages(client.list_domains, "domains", maxResults=size)
    assert [d["name"] for d in items] == names
    assert pages == -(-len(names) // size)


@pytest.mark.parametrize("size", [1, 3, 5, 100])
def test_list_repositories_pages(client, repos, size):
    items, pages = all_pages(client.list_repositories, "repositories", maxResults=size)
    got = [(r["domainName"], r["name"]) for r in items]
    assert sorted(got) == sorted(repos) and len(set(got)) == len(got)
    assert pages == -(-len(repos) // size)


@pytest.mark.parametrize("size", [1, 4])
def test_list_repositories_in_domain_pages(client, repos, size):
    items, _ = all_pages(client.list_repositories_in_domain, "repositories", domain="d1", maxResults=size)
    assert [r["name"] for r in items] == [f"repo-{i}" for i in range(7)]
    items, _ = all_pages(
        client.list_repositories_in_domain, "repositories", domain="d2", repositoryPrefix="repo", maxResults=size
    )
    assert [r["name"] for r in items] == ["repo-0", "repo-2", "repo-4", "repo-6"]


def test_botocore_paginators(client, repos):
    pages = list(client.get_paginator("list_repositories").paginate(PaginationConfig={"PageSize": 2}))
    assert sum(len(p["repositories"]) for p in pages) == len(repos)
    assert "nextToken" not in pages[-1]
    got = client.get_paginator("list_domains").paginate(PaginationConfig={"PageSize": 1}).build_full_result()
    assert [d["name"] for d in got["domains"]] == ["d1", "d2"]
    got = client.get_paginator("list_repositories_in_domain").paginate(domain="d2").build_full_result()
    assert len(got["repositories"]) == 5


def test_default_page_size_is_fifty(client):
    client.create_domain(domain="d1")
    for i in range(51):
        client.create_repository(domain="d1", repository=f"r{i:03d}")
    first = client.list_repositories()
    assert len(first["repositories"]) == 50 and first["nextToken"]
    second = client.list_repositories(nextToken=first["nextToken"])
    assert [r["name"] for r in second["repositories"]] == ["r050"] and "nextToken" not in second
    first = client.list_repositories_in_domain(domain="d1")
    assert len(first["repositories"]) == 50 and first["nextToken"]
    assert len(client.list_repositories(maxResults=1000)["repositories"]) == 51


def test_exact_fit_has_no_token(client):
    for name in ("aa", "bb"):
        client.create_domain(domain=name)
    page = client.list_domains(maxResults=2)
    assert len(page["domains"]) == 2 and "nextToken" not in page


def test_deleting_the_item_a_token_points_at(client, repos):
    page = client.list_repositories_in_domain(domain="d1", maxResults=3)
    assert [r["name"] for r in page["repositories"]] == ["repo-0", "repo-1", "repo-2"]
    client.delete_repository(domain="d1", repository="repo-2")  # the last item returned
    client.delete_repository(domain="d1", repository="repo-3")  # and the next one
    rest, _ = all_pages(
        client.list_repositories_in_domain, "repositories", domain="d1", maxResults=3, nextToken=page["nextToken"]
    )
    assert [r["name"] for r in rest] == ["repo-4", "repo-5", "repo-6"]


def test_deleting_the_domain_a_list_domains_token_points_at(client):
    for name in ("aa", "bb", "cc", "dd"):
        client.create_domain(domain=name)
    page = client.list_domains(maxResults=2)
    client.delete_domain(domain="bb")
    client.create_domain(domain="ab")  # before the token: not returned again
    client.create_domain(domain="bc")  # after it: returned
    rest, _ = all_pages(client.list_domains, "domains", maxResults=2, nextToken=page["nextToken"])
    assert [d["name"] for d in rest] == ["bc", "cc", "dd"]


def test_token_reused_with_other_filters_is_rejected(client, repos):
    token = client.list_repositories(repositoryPrefix="repo", maxResults=1)["nextToken"]
    with raises("ValidationException", 400):
        client.list_repositories(repositoryPrefix="rep", maxResults=1, nextToken=token)
    with raises("ValidationException", 400):
        client.list_repositories(maxResults=1, nextToken=token)
    # The page size may change between pages.
    assert client.list_repositories(repositoryPrefix="repo", maxResults=5, nextToken=token)["repositories"]

    token = client.list_repositories_in_domain(domain="d1", maxResults=1)["nextToken"]
    with raises("ValidationException", 400):
        client.list_repositories_in_domain(domain="d2", maxResults=1, nextToken=token)
    with raises("ValidationException", 400):
        client.list_repositories_in_domain(domain="d1", administratorAccount=ACCOUNT, nextToken=token)
    with raises("ValidationException", 400):
        client.list_repositories_in_domain(domain="d1", repositoryPrefix="repo", nextToken=token)
    # A token of one operation is no token of another.
    with raises("ValidationException", 400):
        client.list_repositories(nextToken=token)
    with raises("ValidationException", 400):
        client.list_domains(nextToken=token)


@pytest.mark.parametrize("token", ["garbage", "eyJrIjoxfQ==", "e30=", "bm90IGpzb24="])
def test_garbled_tokens_are_rejected(client, repos, token):
    with raises("ValidationException", 400):
        client.list_repositories(nextToken=token)
    with raises("ValidationException", 400):
        client.list_domains(nextToken=token)
    with raises("ValidationException", 400):
        client.list_repositories_in_domain(domain="d1", nextToken=token)


def test_tokens_are_stable_across_processes_and_servers(make_client, mode):
    # The token depends only on the state and the request: the same listing on another backend (a server,
    # another process) continues from it.
    from mock_codeartifact.server import ThreadedCodeArtifactServer

    client = make_client()
    for name in ("aa", "bb", "cc"):
        client.create_domain(domain=name)
    token = client.list_domains(maxResults=1)["nextToken"]
    with ThreadedCodeArtifactServer() as other:
        import boto3

        remote = boto3.client("codeartifact", region_name="us-east-1", endpoint_url=other.endpoint_url)
        for name in ("aa", "bb", "cc"):
            remote.create_domain(domain=name)
        assert remote.list_domains(maxResults=1)["nextToken"] == token
        assert [d["name"] for d in remote.list_domains(nextToken=token)["domains"]] == ["bb", "cc"]
