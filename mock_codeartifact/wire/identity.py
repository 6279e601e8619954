"""Who is calling and where: the region from the SigV4 credential scope (or the host), the account."""

from __future__ import annotations

import os

from ..errors import ValidationException
from ..settings import (
    ACCOUNT_ENV,
    ACCOUNT_HEADER,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    MOTO_ACCOUNT_ENV,
    InvalidAccountIdError,
    account_id,
    is_account_id,
)
from .hosts import region_of_host
from .http import HttpRequest

__all__ = ["ACCOUNT_ENV", "ACCOUNT_HEADER", "DEFAULT_ACCOUNT_ID", "MOTO_ACCOUNT_ENV", "account_of", "region_of"]


def region_of(request: HttpRequest) -> str:
    """``Credential=AKID/20240101/us-west-2/codeartifact/aws4_request`` names the region the client signed for."""
    scope = request.credential_scope()
    if len(scope) >= 5 and scope[2]:
        return scope[2]
    return region_of_host(request.host) or DEFAULT_REGION


def account_of(request: HttpRequest | None = None) -> str:
    """The caller's account: a per-request header (server mode), then ``MOCK_CODEARTIFACT_ACCOUNT_ID``, then
    ``MOTO_ACCOUNT_ID``, then the default (``mock_codeartifact.settings``).

    A malformed value from any of them is a ``ValidationException`` naming where it came from: answering as some
    other account would hide the mistake, and state for an "account" AWS cannot have would be worse.
    """
    if request is not None:
        header = request.headers.get(ACCOUNT_HEADER)
        if header:
            if not is_account_id(header):
                raise ValidationException(str(InvalidAccountIdError(header, f"the header {ACCOUNT_HEADER}")))
            return header
    # The usual case, first and cheap: nothing set (every request reads the environment).
    env = os.environ
    if ACCOUNT_ENV not in env and MOTO_ACCOUNT_ENV not in env:
        return DEFAULT_ACCOUNT_ID
    try:
        return account_id()
    except InvalidAccountIdError as error:
        raise ValidationException(str(error)) from None
