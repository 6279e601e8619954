"""A small piece of "application code": provision a CodeArtifact domain for a team.

It creates a domain, a repository connected to public PyPI, and a team repository that uses it as its
upstream, then returns the pip index URL of the team repository.
"""

from __future__ import annotations

from typing import Any


def provision_team(client: Any, domain: str, team: str) -> str:
    client.create_domain(domain=domain)
    client.create_repository(domain=domain, repository="pypi-store", description="Cache of public PyPI")
    client.associate_external_connection(domain=domain, repository="pypi-store", externalConnection="public:pypi")
    client.create_repository(
        domain=domain,
        repository=team,
        description=f"Packages of team {team}",
        upstreams=[{"repositoryName": "pypi-store"}],
        tags=[{"key": "team", "value": team}],
    )
    endpoint = client.get_repository_endpoint(domain=domain, repository=team, format="pypi")["repositoryEndpoint"]
    return endpoint + "simple/"


if __name__ == "__main__":
    import boto3

    from mock_codeartifact import mock_codeartifact

    with mock_codeartifact():
        codeartifact = boto3.client("codeartifact", region_name="us-east-1")
        print(provision_team(codeartifact, "acme", "data-team"))
        print(codeartifact.describe_repository(domain="acme", repository="data-team")["repository"]["upstreams"])
