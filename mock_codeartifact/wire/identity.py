"""Who is calling and where: the region from the SigV4 credential scope (or the host), the account."""

from __future__ import annotations

import os

from .hosts import region_of_host
from .http import HttpRequest

DEFAULT_ACCOUNT_ID = "123456789012"
ACCOUNT_ENV = "MOCK_CODEARTIFACT_ACCOUNT_ID"
MOTO_ACCOUNT_ENV = "MOTO_ACCOUNT_ID"  # moto's own override: one setting for both mocks
ACCOUNT_HEADER = "x-mock-codeartifact-account-id"
DEFAULT_REGION = "us-east-1"


def region_of(request: HttpRequest) -> str:
    """``Credential=AKID/20240101/us-west-2/codeartifact/aws4_request`` names the region the client signed for."""
    scope = request.credential_scope()
    if len(scope) >= 5 and scope[2]:
        return scope[2]
    return region_of_host(request.host) or DEFAULT_REGION


def account_of(request: HttpRequest | None = None) -> str:
    """The caller's account: a per-request header (server mode), then ``MOCK_CODEARTIFACT_ACCOUNT_ID``, then
    ``MOTO_ACCOUNT_ID``, then the default."""
    if request is not None:
        header = request.headers.get(ACCOUNT_HEADER)
        # Only a well-formed account id counts: anything else would create state for an "account" AWS can't have.
        if header and len(header) == 12 and header.isascii() and header.isdigit():
            return header
    return os.environ.get(ACCOUNT_ENV) or os.environ.get(MOTO_ACCOUNT_ENV) or DEFAULT_ACCOUNT_ID
