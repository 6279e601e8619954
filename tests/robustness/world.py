"""The seeded world the fuzzer aims at, the hypothesis profiles, and the fuzzing statistics."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings

from tests.support.backend_snapshot import snapshot_backend

from . import strategies as s

# --------------------------------------------------------------------------- hypothesis profiles

_HEALTH = [
    HealthCheck.too_slow,
    HealthCheck.filter_too_much,
    HealthCheck.data_too_large,
    HealthCheck.function_scoped_fixture,
]
settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=_HEALTH
)
settings.register_profile("long", max_examples=400, deadline=None, database=None, suppress_health_check=_HEALTH)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "long"):
    PROFILE = "ci"


def fuzz_settings(scale: float = 1.0) -> settings:
    """The selected profile (``HYPOTHESIS_PROFILE=long`` for the long one), optionally with fewer examples."""
    base = settings.get_profile(PROFILE)
    return settings(base, max_examples=max(1, int(base.max_examples * scale)))


# No retries (a 500 must show up, not be retried away) and a bound on every socket wait (no hang goes unseen).
FUZZ_CONFIG = Config(
    parameter_validation=False,
    retries={"total_max_attempts": 1},
    connect_timeout=5,
    read_timeout=20,
)
PLAIN_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=20)

# --------------------------------------------------------------------------- statistics

# STATS[mode][operation] counts outcomes: "ok", error codes, "broken->ValidationException", ...
STATS: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
FAILURES: list[str] = []


def record(mode: str, operation: str, outcome: str) -> None:
    STATS[mode][operation][outcome] += 1


def is_unknown_operation(error: ClientError) -> bool:
    """The mock's answer for an operation of the model it has no handler for (a lost handler: always a failure)."""
    response: dict[str, Any] = error.response
    return (
        response.get("Error", {}).get("Code") == "ValidationException" and response.get("reason") == "UNKNOWN_OPERATION"
    )


# --------------------------------------------------------------------------- the seeded world


def seed(client: Any) -> None:
    """Create the resources the generated inputs name most often."""
    client.create_domain(domain=s.DOMAIN, tags=[{"key": "env", "value": "fuzz"}])
    client.create_repository(domain=s.DOMAIN, repository=s.STORE)
    client.associate_external_connection(domain=s.DOMAIN, repository=s.STORE, externalConnection="public:npmjs")
    client.create_repository(domain=s.DOMAIN, repository=s.UPSTREAM, upstreams=[{"repositoryName": s.STORE}])
    client.create_repository(
        domain=s.DOMAIN,
        repository=s.REPO,
        upstreams=[{"repositoryName": s.UPSTREAM}],
        tags=[{"key": "team", "value": "robustness"}],
    )
    client.put_domain_permissions_policy(domain=s.DOMAIN, policyDocument=s.POLICY)
    client.put_repository_permissions_policy(domain=s.DOMAIN, repository=s.REPO, policyDocument=s.POLICY)
    publish = dict(
        domain=s.DOMAIN,
        repository=s.REPO,
        format="generic",
        namespace=s.NAMESPACE,
        package=s.PACKAGE,
        assetContent=s.CONTENT,
        assetName=s.ASSET,
        assetSHA256=s.CONTENT_SHA256,
    )
    client.publish_package_version(packageVersion=s.VERSION, **publish)
    client.publish_package_version(packageVersion="2.0.0", unfinished=True, **publish)
    client.publish_package_version(**{**publish, "repository": s.UPSTREAM, "packageVersion": "3.0.0"})
    client.create_package_group(domain=s.DOMAIN, packageGroup=s.GROUP)


class World:
    """Keeps the backend at the seeded state between examples, re-seeding only after a change."""

    def __init__(self, backend: Any, reset: Callable[[], None], client: Any) -> None:
        self.backend = backend
        self._reset = reset
        self.client = client
        self.seeded: Any = None

    def ensure(self) -> Any:
        """Bring the state back to the seed if needed; returns the current snapshot."""
        current = snapshot_backend(self.backend) if self.seeded is not None else None
        if current is None or current != self.seeded:
            self._reset()
            seed(self.client)
            self.seeded = current = snapshot_backend(self.backend)
        return current
