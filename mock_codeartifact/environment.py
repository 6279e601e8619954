"""Credentials and environment while a mock or a local server runs, and no trace of them afterwards.

Shared by in-process mocking and ``ThreadedCodeArtifactServer``: whoever acquires first sets things up, whoever
releases last puts them back (reference counted, thread-safe).

While acquired:

* fake credentials (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``) are set when none are
  configured, and ``AWS_DEFAULT_REGION`` and ``AWS_REGION`` (both ``us-east-1``) when no region is;
* if boto3 had no default session, a default session of the mock's own is installed; when the last user
  releases, ``boto3.DEFAULT_SESSION`` is what it was before (the same object, or ``None``), and a session that
  existed before gets its credential cache back exactly as it was.

The mock's own default session is kept aside (never visible outside) and reused by the next acquisition, so a
test that calls ``boto3.client()`` does not pay for a new botocore session (tens of milliseconds: it reloads
botocore's JSON data). Each reuse starts it from the state it was created in (``pristine.PristineSession``): no
cached credentials, profile or config, no event handlers or config variables an earlier test added, credential
resolvers built again from the current environment. Only botocore's loaded data stays; a new session is made
when ``AWS_DATA_PATH`` or botocore's built-in handlers changed.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import botocore.handlers

from .pristine import PristineSession
from .settings import DEFAULT_REGION, REGION_ENVS

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}

_CREDENTIAL_SOURCE_VARS = (
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
_CREDENTIAL_FILE_MARKERS = (
    "aws_access_key_id",
    "credential_process",
    "sso_",
    "role_arn",
    "credential_source",
    "web_identity_token_file",
)

_lock = threading.RLock()
_depth = 0
_env_set: dict[str, str] = {}


def credentials_configured() -> bool:
    """Whether the environment or the shared files configure credentials (then no fake ones are set)."""
    env = os.environ
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return True
    # Web identity (OIDC in CI, EKS) and container credentials: fake keys in the environment would take
    # precedence over them for every other AWS call made meanwhile.
    if any(env.get(var) for var in _CREDENTIAL_SOURCE_VARS):
        return True
    for var, default in (
        ("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        ("AWS_CONFIG_FILE", "~/.aws/config"),
    ):
        path = os.path.expanduser(env.get(var, default))
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if any(marker in text for marker in _CREDENTIAL_FILE_MARKERS):
            return True
    return False


def acquire() -> None:
    """Provide fake credentials, a region and a clean default session (the first acquisition does the work)."""
    global _depth
    with _lock:
        if _depth == 0:
            _sessions.enter()  # first: it fingerprints the environment the user configured
            _provide_env()
        _depth += 1


def release() -> None:
    """Undo what :func:`acquire` did, when the last holder releases."""
    global _depth
    with _lock:
        if _depth == 0:
            raise RuntimeError("environment.release() without acquire()")
        _depth -= 1
        if _depth == 0:
            _restore_env()
            _sessions.leave()


def _provide_env() -> None:
    if not credentials_configured():
        for key, value in FAKE_ENV.items():
            if key not in os.environ:
                os.environ[key] = value
                _env_set[key] = value
    if not any(os.environ.get(var) for var in REGION_ENVS):
        for var in REGION_ENVS:  # boto3 and the AWS CLI read the first, other SDKs only the second
            os.environ[var] = DEFAULT_REGION
            _env_set[var] = DEFAULT_REGION


def _restore_env() -> None:
    # Only values still as the mock set them: a value the user set meanwhile is theirs.
    for key, value in _env_set.items():
        if os.environ.get(key) == value:
            del os.environ[key]
    _env_set.clear()


# --------------------------------------------------------------------------- boto3's default session


def _fingerprint() -> tuple[Any, ...]:
    """What a reused session cannot renew: where botocore's data comes from, which built-in handlers exist
    (moto, imported later, adds its own)."""
    return os.environ.get("AWS_DATA_PATH"), len(botocore.handlers.BUILTIN_HANDLERS)


class _DefaultSessions:
    """Swaps ``boto3.DEFAULT_SESSION`` in on enter and back on leave."""

    def __init__(self) -> None:
        self._before: Any = None
        self._credentials_before: Any = None
        self._region_before: Any = None
        self._ours: PristineSession | None = None
        self._fingerprint: tuple[Any, ...] = ()

    def enter(self) -> None:
        import boto3

        self._before = before = boto3.DEFAULT_SESSION
        if before is not None:
            core = before._session
            self._credentials_before = core._credentials
            self._region_before = core._last_client_region_used
            return
        boto3.DEFAULT_SESSION = self.own(renew=True)

    def own(self, renew: bool = False) -> Any:
        """The mock's own session: made anew when it cannot be reused, else (``renew``) restored to pristine."""
        import boto3

        fingerprint = _fingerprint()
        if self._ours is None or self._fingerprint != fingerprint:
            self._ours = PristineSession(boto3.Session())
            self._fingerprint = fingerprint
        elif renew:
            self._ours.restore()
        return self._ours.session

    def leave(self) -> None:
        import boto3

        before = self._before
        boto3.DEFAULT_SESSION = before
        if before is not None:
            core = before._session
            core._credentials = self._credentials_before
            core._last_client_region_used = self._region_before
        self._before = self._credentials_before = self._region_before = None


_sessions = _DefaultSessions()


def boto3_session() -> Any:
    """The mock's own boto3 session (the default session inside a mock when there was none before).

    For clients the library makes itself (the pytest plugin's), so that botocore's data is loaded once.
    """
    with _lock:
        return _sessions.own()
