"""Repositories, their upstreams and external connections, and their endpoints."""

from __future__ import annotations

from typing import Any

from ..errors import ServiceQuotaExceededException, conflict, invalid, not_found
from .entities import EXTERNAL_CONNECTIONS, Domain, Repository, TagSet
from .ingest import free_repository
from .pagination import paginate
from .store import Call, RegionState, drop_none
from .tags import register

MAX_REPOSITORIES_PER_DOMAIN = 1000
MAX_DIRECT_UPSTREAMS = 10


@register("repository", "repository")
def _resolve(st: RegionState, rest: str) -> Repository:
    domain_name, _, repo_name = rest.partition("/")
    d = st.domains.get(domain_name)
    repo = d.repositories.get(repo_name) if d else None
    if repo is None:
        raise not_found(f"Repository '{rest}' not found", "repository", repo_name or rest)
    return repo


def _check_upstreams(d: Domain, name: str, upstreams: list[dict[str, str]]) -> list[str]:
    names = [u["repositoryName"] for u in upstreams]
    # AWS's limit is a fixed quota of 10 direct upstreams; the error class is undocumented (ValidationException).
    if len(names) > MAX_DIRECT_UPSTREAMS:
        raise invalid(f"A repository can have at most {MAX_DIRECT_UPSTREAMS} upstream repositories", "OTHER")
    if len(set(names)) != len(names):
        raise invalid("The list of upstream repositories contains duplicates", "OTHER")
    if name in names:
        raise invalid(f"Repository '{name}' cannot be an upstream of itself", "OTHER")
    for upstream in names:
        d.find_repository(upstream)
    return names


def create_repository(
    call: Call,
    *,
    domain: str,
    repository: str,
    domain_owner: str | None = None,
    description: str | None = None,
    upstreams: list[dict[str, str]] | None = None,
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        if repository in d.repositories:
            raise conflict(f"Repository '{repository}' already exists in domain '{domain}'", "repository", repository)
        if len(d.repositories) >= MAX_REPOSITORIES_PER_DOMAIN:
            raise ServiceQuotaExceededException(
                f"Maximum number of repositories ({MAX_REPOSITORIES_PER_DOMAIN}) exceeded for domain '{domain}'",
                resource_type="domain",
                resource_id=domain,
            )
        names = _check_upstreams(d, repository, upstreams or [])
        tag_set = TagSet.from_request(tags, "repository", repository)
        repo = Repository(repository, d, call.account, call.now, description, names, tags=tag_set)
        d.repositories[repository] = repo
        return {"repository": repo.describe()}


def describe_repository(call: Call, *, domain: str, repository: str, domain_owner: str | None = None) -> dict[str, Any]:
    with call.repository(domain, domain_owner, repository) as repo:
        return {"repository": repo.describe()}


def update_repository(
    call: Call,
    *,
    domain: str,
    repository: str,
    domain_owner: str | None = None,
    description: str | None = None,
    upstreams: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        repo = d.find_repository(repository)
        names = None
        if upstreams is not None:
            # AWS rejects any upstream list, even an empty one, on a repository with an external connection.
            if repo.external_connections:
                raise invalid("A repository with an external connection cannot have upstream repositories", "OTHER")
            names = _check_upstreams(d, repository, upstreams)
        if names is not None:
            repo.upstreams = names
        if description is not None:
            repo.description = description
        return {"repository": repo.describe()}


def delete_repository(call: Call, *, domain: str, repository: str, domain_owner: str | None = None) -> dict[str, Any]:
    # A missing repository answers ResourceNotFoundException, as the model declares (AWS's CloudFormation
    # handler suggests 200; the declared error is the more useful and the more likely today).
    # Downstream repositories keep their (now dangling) upstream entry, as AWS does.
    with call.domain(domain, domain_owner) as d:
        repo = d.find_repository(repository)
        del d.repositories[repository]
        free_repository(call.backend, repo)  # its asset bytes, and the domain's assetSizeBytes
        return {"repository": repo.describe()}


def _sorted_page(
    repos: list[Repository], max_results: int | None, next_token: str | None, filters: list[Any]
) -> dict[str, Any]:
    def key(r: Repository) -> tuple[str, str, str]:
        return (r.name, r.domain.name, r.domain.owner)

    repos.sort(key=key)
    page, token = paginate(repos, key, max_results, next_token, filters)
    return drop_none(repositories=[r.summary() for r in page], nextToken=token)


def list_repositories(
    call: Call,
    *,
    repository_prefix: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
) -> dict[str, Any]:
    # "Repositories in the specified AWS account": those the caller administers, in any domain of the region.
    repos: list[Repository] = []
    for st in call.backend.states_in_region(call.region):
        with st.lock:
            for d in st.domains.values():
                repos.extend(
                    r
                    for r in d.repositories.values()
                    if r.administrator_account == call.account
                    and (repository_prefix is None or r.name.startswith(repository_prefix))
                )
    return _sorted_page(repos, max_results, next_token, ["ListRepositories", repository_prefix])


def list_repositories_in_domain(
    call: Call,
    *,
    domain: str,
    domain_owner: str | None = None,
    administrator_account: str | None = None,
    repository_prefix: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
) -> dict[str, Any]:
    with call.domain(domain, domain_owner) as d:
        repos = [
            r
            for r in d.repositories.values()
            if (administrator_account is None or r.administrator_account == administrator_account)
            and (repository_prefix is None or r.name.startswith(repository_prefix))
        ]
        filters = ["ListRepositoriesInDomain", domain, d.owner, administrator_account, repository_prefix]
        return _sorted_page(repos, max_results, next_token, filters)


def associate_external_connection(
    call: Call, *, domain: str, repository: str, external_connection: str, domain_owner: str | None = None
) -> dict[str, Any]:
    with call.repository(domain, domain_owner, repository) as repo:
        if external_connection not in EXTERNAL_CONNECTIONS:
            # Undocumented for unknown names; the name is a bad parameter value.
            raise invalid(f"External connection '{external_connection}' is not a supported external connection")
        if repo.external_connections:
            raise invalid("ExternalConnections for repositories are currently limited to 1", "OTHER")
        if repo.upstreams:
            raise invalid("A repository with upstream repositories cannot have an external connection", "OTHER")
        repo.external_connections = [external_connection]
        return {"repository": repo.describe()}


def disassociate_external_connection(
    call: Call, *, domain: str, repository: str, external_connection: str, domain_owner: str | None = None
) -> dict[str, Any]:
    with call.repository(domain, domain_owner, repository) as repo:
        if external_connection not in repo.external_connections:
            raise not_found(
                f"External connection '{external_connection}' is not associated with repository '{repository}'",
                "repository",
                repository,
            )
        repo.external_connections = [c for c in repo.external_connections if c != external_connection]
        return {"repository": repo.describe()}


def get_repository_endpoint(
    call: Call,
    *,
    domain: str,
    repository: str,
    format: str,
    domain_owner: str | None = None,
    endpoint_type: str | None = None,
) -> dict[str, Any]:
    with call.repository(domain, domain_owner, repository) as repo:
        owner = repo.domain.owner
        if call.endpoint is not None:
            # Server mode: a path-style URL on this same server, which its data plane serves.
            url = f"{call.endpoint}/{call.region}/{domain}/{owner}/{format}/{repository}/"
        elif endpoint_type == "dualstack":
            # The dual-stack host has no ".d." label (medium confidence: AWS does not spell it out).
            url = f"https://{domain}-{owner}.codeartifact.{call.region}.on.aws/{format}/{repository}/"
        else:
            url = f"https://{domain}-{owner}.d.codeartifact.{call.region}.amazonaws.com/{format}/{repository}/"
        return {"repositoryEndpoint": url}
