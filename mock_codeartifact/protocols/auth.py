"""Token authentication shared by every repository endpoint.

A package manager presents the token from GetAuthorizationToken in one of three ways (AWS user guide,
"tokens-authentication"): HTTP Basic with user ``aws`` and the token as password (pip, twine, Maven, NuGet),
``Bearer <token>`` (npm), or the bare token as the whole header value (cargo, gem). A request without a token
that is known, unexpired and issued for this very domain (name and owner, in this region) is refused with 401 and
a ``WWW-Authenticate: Basic`` challenge: Maven and cargo only send credentials after that challenge. The token is
looked up where the repository is (``storage.open_request``), under the same lock.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from urllib.parse import quote


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


def challenge(domain: str, owner: str, region: str) -> dict[str, str]:
    """The ``WWW-Authenticate`` header of a 401: the realm names the repository host AWS would have used."""
    # The parts come from the request path: percent-encode anything a latin-1 header value cannot carry.
    host = quote(f"{domain}-{owner}.d.codeartifact.{region}.amazonaws.com", safe=".-_~:")
    return {"WWW-Authenticate": f'Basic realm="{host}"'}
