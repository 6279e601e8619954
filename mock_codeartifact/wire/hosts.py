"""Where CodeArtifact lives: the API hosts and the repository-endpoint hosts, in every partition and stack.

The one home for these patterns: the in-process interception (botocore and ``requests``) and the region lookup
all read them from here.
"""

from __future__ import annotations

import re

# codeartifact.us-west-2.amazonaws.com, codeartifact-fips.us-west-2.amazonaws.com, codeartifact.cn-north-1
# .amazonaws.com.cn, dual-stack codeartifact.us-west-2.api.aws.
API_HOST = r"codeartifact(?:-fips)?\.(?P<region>[a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws|on\.aws)"
# {domain}-{owner}.d.codeartifact.{region}.amazonaws.com and dual-stack {domain}-{owner}.codeartifact.{region}.on.aws.
REPOSITORY_ENDPOINT_HOST = (
    r"[a-z0-9-]+-[0-9]{12}\.(?:d\.codeartifact\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?|codeartifact\.[a-z0-9-]+\.on\.aws)"
)

# The same hosts, with their parts: a domain name ends in a letter or digit, the owner is the 12 digits after it.
_ENDPOINT_PARTS = re.compile(
    r"(?P<domain>[a-z0-9-]+)-(?P<owner>[0-9]{12})\."
    r"(?:d\.codeartifact\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|codeartifact\.(?P<region2>[a-z0-9-]+)\.on\.aws)"
)
# Every name a CodeArtifact client could resolve: the API hosts and the repository-endpoint hosts above, and
# their VPC-endpoint and other sub-names (anything ending in .codeartifact.REGION.amazonaws.com and the like).
_ANY_CODEARTIFACT_HOST = re.compile(
    r"(?:[a-z0-9.-]+\.)?codeartifact(?:-fips)?\.[a-z0-9-]+\.(?:amazonaws\.com(?:\.cn)?|api\.aws|on\.aws)\.?"
)

_API_HOST = re.compile(API_HOST)
_REPOSITORY_ENDPOINT_HOST = re.compile(REPOSITORY_ENDPOINT_HOST)
_LOOPBACK = ("127.", "localhost", "[::1]", "::1")


def url_pattern(host: str) -> re.Pattern[str]:
    """A URL regex (any scheme, optional port, any path) for a host pattern of this module."""
    return re.compile(rf"https?://{host}(?::\d+)?(?:[/?].*)?$")


def not_url_pattern(*hosts: str) -> re.Pattern[str]:
    """Every URL whose host matches none of ``hosts``."""
    either = "|".join(f"(?:{h})" for h in hosts)
    return re.compile(rf"^(?!https?://(?:{either})(?::\d+)?(?:[/?]|$))")


def host_of(url: str) -> str:
    """``host[:port]`` of an absolute URL."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0]


def _without_port(host: str) -> str:
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.split(":", 1)[0]


def is_api_host(host: str) -> bool:
    return _API_HOST.fullmatch(_without_port(host)) is not None


def is_repository_endpoint_host(host: str) -> bool:
    return _REPOSITORY_ENDPOINT_HOST.fullmatch(_without_port(host)) is not None


def is_loopback(host: str) -> bool:
    """A local server (``ThreadedCodeArtifactServer``): never intercepted in-process."""
    return host.startswith(_LOOPBACK)


def region_of_host(host: str) -> str | None:
    match = _API_HOST.fullmatch(_without_port(host))
    return match.group("region") if match else None


def repository_endpoint_parts(host: str) -> tuple[str, str, str] | None:
    """``(domain, owner, region)`` of a repository-endpoint host (``my-domain-111122223333.d.codeartifact.
    us-west-2.amazonaws.com``), or None for any other host."""
    match = _ENDPOINT_PARTS.fullmatch(_without_port(host).lower())
    if match is None:
        return None
    return match.group("domain"), match.group("owner"), match.group("region") or match.group("region2")


def is_codeartifact_name(name: str) -> bool:
    """Whether a DNS name (no port) belongs to CodeArtifact: an API host, a repository-endpoint host, or a
    name under one (VPC endpoints, a trailing dot)."""
    name = name.lower()
    return "codeartifact" in name and _ANY_CODEARTIFACT_HOST.fullmatch(name) is not None
