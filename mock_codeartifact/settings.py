"""The defaults every part of the library shares, and how the account and region in force are resolved.

One home for them (like moto's ``settings.py``): the API, the server, seeding, principals, the fixtures and the
fake environment all ask here, so a test that sets ``MOTO_ACCOUNT_ID`` or a region sees the same account and
region through every door.

Account, first match wins: an explicit argument, ``MOCK_CODEARTIFACT_ACCOUNT_ID``, ``MOTO_ACCOUNT_ID``,
``123456789012`` (server mode adds a per-request header before them: ``mock_codeartifact.iam.caller``). The
value that is used must be 12 digits; anything else is refused with :class:`InvalidAccountIdError`, which names
where the value came from. A value that is never reached (``MOTO_ACCOUNT_ID`` when
``MOCK_CODEARTIFACT_ACCOUNT_ID`` is set) is not checked.

Region: a request names its own (the SigV4 scope, else the host), and ``us-east-1`` when it names none; helpers
that take a ``region`` argument (seeding, ``ThreadedCodeArtifactServer.repository_access``) default to the same
``us-east-1``, whatever the environment says, so a test means the same thing on every machine. The region the
``codeartifact_client`` fixture is made for is :func:`region`: ``AWS_DEFAULT_REGION``, then ``AWS_REGION``, then
``us-east-1``.

Nothing here imports anything heavy: the pytest plugin reads it at no cost.
"""

from __future__ import annotations

import os
from typing import Any, TypeGuard, cast

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000  # mock-codeartifact-server's port (moto's server uses the same)

ACCOUNT_ENV = "MOCK_CODEARTIFACT_ACCOUNT_ID"
MOTO_ACCOUNT_ENV = "MOTO_ACCOUNT_ID"  # moto's own override: one setting for both mocks
ACCOUNT_HEADER = "x-mock-codeartifact-account-id"
# Authorization's off switch (docs/authorization.md): off, 0, false, no or disabled, read at each decision.
AUTHORIZATION_ENV = "MOCK_CODEARTIFACT_AUTHORIZATION"
_OFF = frozenset(("off", "0", "false", "no", "disabled"))
# Both are set (and printed) together: boto3 and the AWS CLI read the first, several other SDKs only the second.
REGION_ENVS = ("AWS_DEFAULT_REGION", "AWS_REGION")


class InvalidAccountIdError(ValueError):
    """An account id that is not 12 digits; ``source`` names where it came from (an environment variable, a
    header, an argument)."""

    def __init__(self, value: object, source: str) -> None:
        self.value = value
        self.source = source
        super().__init__(
            f"{source} is {value!r}, which is not an AWS account id: an account id is 12 digits, e.g. "
            f"{DEFAULT_ACCOUNT_ID!r} (mock-codeartifact)"
        )


def is_account_id(value: object) -> TypeGuard[str]:
    """Whether ``value`` is an AWS account id (exactly 12 ASCII digits)."""
    return isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit()


def check_account_id(value: object, source: str) -> str:
    """``value`` when it is an account id, else :class:`InvalidAccountIdError` naming ``source``."""
    if not is_account_id(value):
        raise InvalidAccountIdError(value, source)
    return value


# The last environment seen by account_id() and what it resolved to, keyed by the raw values as os.environ stores
# them (benchmarks/README.md, "The hot path").
_ACCOUNT_NAMES = (ACCOUNT_ENV, MOTO_ACCOUNT_ENV)
_Environ = type(os.environ)
_ACCOUNT_KEYS = tuple(cast(Any, os.environ).encodekey(name) for name in _ACCOUNT_NAMES)
_account_cache: tuple[tuple[object, object], str] = ((None, None), DEFAULT_ACCOUNT_ID)


def account_id(explicit: str | None = None, source: str = "the account argument") -> str:
    """The account in force: ``explicit`` (refused naming ``source`` when malformed), then
    ``MOCK_CODEARTIFACT_ACCOUNT_ID``, then ``MOTO_ACCOUNT_ID``, then ``123456789012``."""
    global _account_cache
    if explicit is not None:
        return check_account_id(explicit, source)
    env = os.environ
    raw: tuple[object, object]
    if type(env) is _Environ:
        data = cast(Any, env)._data
        raw = (data.get(_ACCOUNT_KEYS[0]), data.get(_ACCOUNT_KEYS[1]))
    else:  # os.environ replaced by some other mapping (a test's patch): read it as a mapping
        raw = (env.get(ACCOUNT_ENV), env.get(MOTO_ACCOUNT_ENV))
    cached = _account_cache
    if cached[0] == raw:
        return cached[1]
    value = DEFAULT_ACCOUNT_ID
    for name in _ACCOUNT_NAMES:
        given = env.get(name)
        if given:
            if not is_account_id(given):
                raise InvalidAccountIdError(given, f"the environment variable {name}")
            value = given
            break
    _account_cache = (raw, value)
    return value


def region(explicit: str | None = None) -> str:
    """The configured region: ``explicit``, then ``AWS_DEFAULT_REGION``, then ``AWS_REGION``, then ``us-east-1``."""
    if explicit:
        return explicit
    env = os.environ
    return env.get(REGION_ENVS[0]) or env.get(REGION_ENVS[1]) or DEFAULT_REGION


_authorization_cache: tuple[str | None, bool] = (None, True)


def authorization_enabled() -> bool:
    """False when ``MOCK_CODEARTIFACT_AUTHORIZATION`` says off (``off``, ``0``, ``false``, ``no``, ``disabled``, in
    any case); read each time, so a test may switch it between calls."""
    global _authorization_cache
    raw = os.environ.get(AUTHORIZATION_ENV)
    cached = _authorization_cache
    if cached[0] == raw:
        return cached[1]
    on = not (raw and raw.strip().lower() in _OFF)
    _authorization_cache = (raw, on)
    return on
