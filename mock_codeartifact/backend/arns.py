"""Every ARN the mock hands out is built (and parsed) here."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _base(region: str, account: str) -> str:
    return f"arn:{partition(region)}:codeartifact:{region}:{account}:"


def domain_arn(region: str, owner: str, domain: str) -> str:
    return f"{_base(region, owner)}domain/{domain}"


def repository_arn(region: str, owner: str, domain: str, repository: str) -> str:
    return f"{_base(region, owner)}repository/{domain}/{repository}"


def package_arn(
    region: str, owner: str, domain: str, repository: str, fmt: str, namespace: str | None, name: str
) -> str:
    return f"{_base(region, owner)}package/{domain}/{repository}/{fmt}/{namespace or ''}/{name}"


def encode_pattern(pattern: str) -> str:
    """Package-group patterns keep their ``/`` and ``~``; ``*``, ``$`` and ``%`` are percent-encoded (lower case)."""
    return quote(pattern, safe="/~").replace("*", "%2a").replace("%2A", "%2a")


def package_group_arn(region: str, owner: str, domain: str, pattern: str) -> str:
    return f"{_base(region, owner)}package-group/{domain}{encode_pattern(pattern)}"


def kms_key_arn(region: str, account: str, key: str) -> str:
    return f"arn:{partition(region)}:kms:{region}:{account}:{key}"


@dataclass(frozen=True, slots=True)
class ParsedArn:
    region: str
    account: str
    kind: str  # "domain", "repository", "package-group", ...
    rest: str  # what follows "kind/"


def parse_arn(arn: str) -> ParsedArn | None:
    """Split a CodeArtifact ARN; None when it is not one."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "codeartifact":
        return None
    kind, sep, rest = parts[5].partition("/")
    if not sep or not parts[3] or not parts[4]:
        return None
    return ParsedArn(parts[3], parts[4], kind, rest)
