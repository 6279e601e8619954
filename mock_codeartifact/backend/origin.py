"""Origin gates: every path by which a package version enters a repository asks here first.

The packages code calls ``blocked(...)`` before it publishes (``PUBLISH``), retains a version from an
upstream repository (``INTERNAL_UPSTREAM``) or ingests one through an external connection
(``EXTERNAL_UPSTREAM``). Package groups register a gate; package-level origin configuration is checked by the
packages code itself. Keeping the hook here lets neither module import the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .entities import Domain

PUBLISH = "PUBLISH"
EXTERNAL_UPSTREAM = "EXTERNAL_UPSTREAM"
INTERNAL_UPSTREAM = "INTERNAL_UPSTREAM"

# gate(domain, format, namespace, package, restriction, repository_name) -> None if allowed, else why not.
Gate = Callable[["Domain", str, "str | None", str, str, str], "str | None"]
GATES: list[Gate] = []


def register_gate(gate: Gate) -> Gate:
    if gate not in GATES:
        GATES.append(gate)
    return gate


def blocked(
    domain: Domain, fmt: str, namespace: str | None, package: str, restriction: str, repository: str
) -> str | None:
    """The reason this entry is blocked by a registered gate, or None when every gate allows it."""
    for gate in GATES:
        reason = gate(domain, fmt, namespace, package, restriction, repository)
        if reason is not None:
            return reason
    return None
