"""Token authentication shared by every repository endpoint.

A package manager presents the token from GetAuthorizationToken in one of three ways (AWS user guide,
"tokens-authentication"): HTTP Basic with user ``aws`` and the token as password (pip, twine, Maven, NuGet),
``Bearer <token>`` (npm), or the bare token as the whole header value (cargo, gem). A request without a token
that is known, unexpired and issued for this very domain (name and owner, in this region) is refused with 401 and
a ``WWW-Authenticate: Basic`` challenge: Maven and cargo only send credentials after that challenge.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from . import storage

if TYPE_CHECKING:
    from ..backend.entities import AuthToken
    from ..backend.store import Backend


def token_from_header(header: str | None) -> str | None:
    """The token carried by an ``Authorization`` header value, or None when it carries none."""
    if not header:
        return None
    return _parse(header)


@lru_cache(maxsize=1024)
def _parse(header: str) -> str | None:
    value = header.strip()
    scheme, _, rest = value.partition(" ")
    lowered = scheme.lower()
    if lowered == "basic" and rest:
        try:
            decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, sep, password = decoded.partition(":")
        # CodeArtifact documents user "aws"; whether it rejects another user name is undocumented. The mock
        # accepts any user name: the token alone identifies the caller.
        if not sep:
            return None
        return password or None
    if lowered in ("bearer", "token") and rest:
        return rest.strip() or None
    if " " in value:
        return None
    return value  # a bare token (cargo's credential provider, gem's GEM_HOST_API_KEY)


def authenticate(
    backend: Backend, header: str | None, region: str, domain: str, owner: str, now: dt.datetime
) -> AuthToken | None:
    """The token of this request if it is valid for ``domain`` of ``owner`` in ``region``, else None."""
    raw = token_from_header(header)
    if raw is None:
        return None
    return storage.valid_token(backend, region, domain, owner, raw, now)


def challenge(domain: str, owner: str, region: str) -> dict[str, str]:
    """The ``WWW-Authenticate`` header of a 401: the realm names the repository host AWS would have used."""
    # The parts come from the request path: percent-encode anything a latin-1 header value cannot carry.
    host = quote(f"{domain}-{owner}.d.codeartifact.{region}.amazonaws.com", safe=".-_~:")
    return {"WWW-Authenticate": f'Basic realm="{host}"'}
