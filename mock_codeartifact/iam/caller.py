"""Who is calling, and where: the one home for a request's principal, account and region.

The defaults and the environment variables are ``mock_codeartifact.settings``; this module applies them to a
request. The API (``Dispatcher``), the server (``sts:GetCallerIdentity``, ``/_mock/principals``, ``--state-dir``),
the repository endpoints, ``mock_codeartifact.principals`` and the mock's ``acting_as`` all ask here; seeding and
the fixtures, which have no request, use ``settings.account_id()``, which :func:`account_of` ends in, so every door
resolves the account alike.

The principal, first match wins:

1. the header ``x-mock-codeartifact-principal`` (an IAM or STS ARN; server mode and raw HTTP clients);
2. the innermost :func:`acting_as` block that is open in this process;
3. the access key id of the request's SigV4 ``Authorization`` header, if it was :func:`register`-ed;
4. the access key id, if moto's ``mock_aws`` issued it (``sts.assume_role`` -> the assumed-role session,
   ``iam.create_access_key`` -> the IAM user);
5. the root of the caller's account (``arn:aws:iam::ACCOUNT:root``): :func:`account_of`, i.e. the header
   ``x-mock-codeartifact-account-id``, then ``MOCK_CODEARTIFACT_ACCOUNT_ID``, then ``MOTO_ACCOUNT_ID``, then
   ``123456789012``.

The region (:func:`region_of`): the SigV4 credential scope, else the host, else ``us-east-1``.

Registrations and ``acting_as`` blocks are process-wide (they apply to every request this process answers, an
in-process ``ThreadedCodeArtifactServer`` included); registrations are cleared by every reset.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from ..errors import ValidationException
from ..settings import ACCOUNT_HEADER, DEFAULT_REGION, InvalidAccountIdError, account_id, is_account_id
from ..wire.hosts import region_of_host
from ..wire.http import HttpRequest

PRINCIPAL_HEADER = "x-mock-codeartifact-principal"

# arn:PARTITION:iam::ACCOUNT:root | user/... | role/... ; arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION
_PRINCIPAL_ARN = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):(iam::(\d{12}):(root|user/\S+|role/\S+)|sts::(\d{12}):(assumed-role/\S+/\S+|federated-user/\S+))$"
)


@dataclass(frozen=True, slots=True)
class Principal:
    """An IAM principal: its ARN (as AWS quotes it in an AccessDenied message) and its account."""

    arn: str
    account: str

    @classmethod
    def root(cls, account: str, partition: str = "aws") -> Principal:
        return cls(f"arn:{partition}:iam::{account}:root", account)

    @classmethod
    def parse(cls, arn: str) -> Principal:
        """The principal an ARN names; ``ValueError`` when it is not an IAM/STS principal ARN."""
        m = _PRINCIPAL_ARN.match(arn.strip()) if isinstance(arn, str) else None
        if m is None:
            raise ValueError(
                f"{arn!r} is not a principal ARN (arn:aws:iam::ACCOUNT:root, ...:user/NAME, ...:role/NAME or "
                "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)"
            )
        return cls(arn.strip(), m.group(3) or m.group(5))


def region_of(request: HttpRequest) -> str:
    """``Credential=AKID/20240101/us-west-2/codeartifact/aws4_request`` names the region the client signed for."""
    scope = request.credential_scope()
    if len(scope) >= 5 and scope[2]:
        return scope[2]
    return region_of_host(request.host) or DEFAULT_REGION


def account_of(request: HttpRequest | None = None) -> str:
    """The caller's account: a per-request header (server mode), then ``settings.account_id()``
    (``MOCK_CODEARTIFACT_ACCOUNT_ID``, then ``MOTO_ACCOUNT_ID``, then the default).

    A malformed value from any of them is a ``ValidationException`` naming where it came from: answering as some
    other account would hide the mistake, and state for an "account" AWS cannot have would be worse.
    """
    if request is not None:
        header = request.headers.get(ACCOUNT_HEADER)
        if header:
            if not is_account_id(header):
                raise ValidationException(str(InvalidAccountIdError(header, f"the header {ACCOUNT_HEADER}")))
            return header
    try:
        return account_id()
    except InvalidAccountIdError as error:
        raise ValidationException(str(error)) from None


_lock = threading.Lock()
_by_access_key: dict[str, Principal] = {}
_acting: list[Principal] = []


def register(access_key_id: str, principal_arn: str) -> Principal:
    """Requests signed with ``access_key_id`` are made by ``principal_arn`` (e.g. a role of another account)."""
    principal = Principal.parse(principal_arn)
    if not access_key_id:
        raise ValueError("access_key_id must not be empty")
    with _lock:
        _by_access_key[access_key_id] = principal
    return principal


def unregister(access_key_id: str) -> None:
    """Forget one registration (unknown keys are ignored)."""
    with _lock:
        _by_access_key.pop(access_key_id, None)


def clear() -> None:
    """Forget every registration (every reset does this)."""
    with _lock:
        _by_access_key.clear()


def registered() -> dict[str, str]:
    """Access key id -> principal ARN, as registered."""
    with _lock:
        return {k: p.arn for k, p in _by_access_key.items()}


@contextmanager
def acting_as(principal_arn: str) -> Iterator[Principal]:
    """Within the block, every request this process answers is made by ``principal_arn``."""
    principal = Principal.parse(principal_arn)
    with _lock:
        _acting.append(principal)
    try:
        yield principal
    finally:
        with _lock:
            # Blocks may close out of order (threads); remove this one, not whatever is last.
            for i in range(len(_acting) - 1, -1, -1):
                if _acting[i] is principal:
                    del _acting[i]
                    break


def access_key_of(request: HttpRequest) -> str | None:
    """``Credential=AKID/20240101/us-east-1/codeartifact/aws4_request`` -> ``AKID``."""
    scope = request.credential_scope()
    key = scope[0].strip() if scope else ""
    return key or None


def principal_of(request: HttpRequest) -> Principal:
    """The principal making ``request`` (see the module docstring for the order)."""
    header = request.headers.get(PRINCIPAL_HEADER)
    if header:
        try:
            return Principal.parse(header)
        except ValueError:
            pass  # like the account header: a malformed value is ignored, never a new kind of caller
    if _acting:
        try:
            return _acting[-1]
        except IndexError:  # the last block closed in another thread meanwhile
            pass
    key = access_key_of(request)
    if key is not None:
        found = _by_access_key.get(key)
        if found is not None:
            return found
        found = _moto_principal(key)
        if found is not None:
            return found
    return _root(account_of(request))


@lru_cache(maxsize=256)
def _root(account: str) -> Principal:
    # Most requests come from an account's root: one immutable Principal per account, not one per request.
    return Principal.root(account)


def _moto_principal(access_key_id: str) -> Principal | None:
    """The principal moto's IAM/STS issued ``access_key_id`` to, when moto is in use in this process.

    moto keeps every key it issues (``iam.create_access_key`` and the temporary keys of ``sts.assume_role``) in
    its IAM backend's ``access_keys``; an assumed role's session is listed by the STS backend of the role's
    account. moto is only consulted when it has been imported: this module never imports it itself.
    """
    iam = sys.modules.get("moto.iam.models")
    if iam is None:
        return None
    try:
        for account_id, account in list(iam.iam_backends.items()):
            for partition in list(account.keys()):
                backend = account[partition]
                key = backend.access_keys.get(access_key_id)
                if key is None:
                    continue
                if getattr(key, "role_arn", None):
                    sts = sys.modules.get("moto.sts.models")
                    if sts is not None:
                        role = sts.sts_backends[account_id][partition].get_assumed_role_from_access_key(access_key_id)
                        if role is not None:
                            return Principal(role.arn, role.account_id)
                user = backend.get_user_from_access_key_id(access_key_id)
                if user is not None:
                    return Principal(user.arn, account_id)
                return Principal.root(account_id, partition)
    except Exception:  # moto's internals are not an API: if they moved, fall back to the account root
        return None
    return None
