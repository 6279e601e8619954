"""A seeded server for the dashboard tests: every view has something to show, and user data everywhere holds
markup that must stay text."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import boto3

from mock_codeartifact.seeding import add_package_version
from mock_codeartifact.server import ThreadedCodeArtifactServer

ACCOUNT = "123456789012"
REGION = "us-east-1"
DOMAIN = "acme"
# Markup in user data. Names must match the model's patterns ([^#/\s]+ for package names and versions).
EVIL_NAME = '<script>alert(1)<"x'
EVIL_VERSION = '1.0"><img'
EVIL_TEXT = "<script>window.__pwned=1;alert('x')</script><img src=x onerror=\"window.__pwned=2\">"
EVIL_ASSET = "<img src=x onerror=alert(1)>.tgz"
README = "# UI kit\n\n" + EVIL_TEXT + "\n\nUse it & enjoy.\n"
BIG_VERSIONS = 120
PUBLISHED_BASE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Seeded:
    server: ThreadedCodeArtifactServer
    client: Any

    @property
    def base(self) -> str:
        return f"{self.server.endpoint_url}/_mock/ui"

    @property
    def domain_path(self) -> str:
        return f"/_mock/ui/{ACCOUNT}/{REGION}/{DOMAIN}"


def seed(server: ThreadedCodeArtifactServer) -> Seeded:
    c = boto3.client(
        "codeartifact",
        region_name=REGION,
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    c.create_domain(domain=DOMAIN, tags=[{"key": "team", "value": EVIL_TEXT}])
    c.create_repository(domain=DOMAIN, repository="npm-store", description="Proxy of npmjs " + EVIL_TEXT)
    c.associate_external_connection(domain=DOMAIN, repository="npm-store", externalConnection="public:npmjs")
    c.create_repository(domain=DOMAIN, repository="shared", upstreams=[{"repositoryName": "npm-store"}])
    c.create_repository(domain=DOMAIN, repository="team-a", upstreams=[{"repositoryName": "shared"}])
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": EVIL_TEXT,
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "codeartifact:*",
                "Resource": "*",
            }
        ],
    }
    c.put_domain_permissions_policy(domain=DOMAIN, policyDocument=json.dumps(policy))
    c.create_package_group(domain=DOMAIN, packageGroup="/npm/*", description="All npm " + EVIL_TEXT)
    c.create_package_group(domain=DOMAIN, packageGroup="/npm/acme/*", contactInfo=EVIL_TEXT)
    c.update_package_group_origin_configuration(
        domain=DOMAIN,
        packageGroup="/npm/acme/*",
        restrictions={"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES", "EXTERNAL_UPSTREAM": "BLOCK"},
        addAllowedRepositories=[{"originRestrictionType": "PUBLISH", "repositoryName": "team-a"}],
    )
    add_package_version(
        server,
        domain=DOMAIN,
        repository="team-a",
        format="npm",
        namespace="acme",
        package="ui-kit",
        version="1.2.0",
        assets={"ui-kit-1.2.0.tgz": b"ui-kit tarball", EVIL_ASSET: b"evil"},
        readme=README,
        summary="Buttons " + EVIL_TEXT,
        home_page="javascript:alert(1)",
        licenses=[{"name": "MIT", "url": "https://opensource.org/licenses/MIT"}],
        dependencies=[
            {"package": "react", "dependencyType": "peer", "versionRequirement": "^18"},
            {"package": EVIL_NAME, "dependencyType": "regular", "versionRequirement": EVIL_TEXT},
        ],
    )
    add_package_version(
        server,
        domain=DOMAIN,
        repository="team-a",
        format="npm",
        package=EVIL_NAME,
        version=EVIL_VERSION,
        readme=EVIL_TEXT,
    )
    for i in range(BIG_VERSIONS):
        add_package_version(
            server,
            domain=DOMAIN,
            repository="team-a",
            format="pypi",
            package="big-lib",
            version=f"1.{i}.0",
            assets={f"big_lib-1.{i}.0.tar.gz": b"sdist %d" % i},
            status="Unlisted" if i % 10 == 9 else "Published",
            published_time=PUBLISHED_BASE - dt.timedelta(minutes=i),  # later versions published earlier
        )
    add_package_version(
        server,
        domain=DOMAIN,
        repository="team-a",
        format="maven",
        namespace="com.acme",
        package="core",
        version="2.0",
        assets={"core-2.0.jar": b"jar"},
    )
    add_package_version(
        server,
        domain=DOMAIN,
        repository="npm-store",
        format="npm",
        package="left-pad",
        version="1.3.0",
        origin_type="EXTERNAL",
        assets={"left-pad-1.3.0.tgz": b"left-pad"},
    )
    c.create_domain(domain="empty")
    boto3.client(
        "codeartifact",
        region_name="eu-west-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_domain(domain="europe")
    return Seeded(server, c)
