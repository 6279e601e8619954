"""GetAuthorizationToken, and the tokens server mode checks on its repository endpoints."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from typing import Any

from ..errors import invalid
from .entities import AuthToken
from .store import Call, RegionState

DEFAULT_DURATION = 12 * 3600
MIN_DURATION, MAX_DURATION = 900, 43200
# 0 means "as long as the caller's temporary credentials". The mock has no role session, so it uses the
# default session length of an assumed role, one hour.
ROLE_SESSION_DURATION = 3600


def _new_token(domain: str) -> str:
    # Real tokens are base64 JSON starting with '{"ver":1,' ("eyJ2ZXIiOjEs..."); the content is opaque.
    header = {
        "ver": 1,
        "isu": secrets.randbelow(10**10),
        "enc": "A128GCM",
        "tag": secrets.token_hex(8),
        "aud": domain,
    }
    head = base64.urlsafe_b64encode(json.dumps(header, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{head}.{secrets.token_urlsafe(32)}"


def get_authorization_token(
    call: Call, *, domain: str, domain_owner: str | None = None, duration_seconds: int | None = None
) -> dict[str, Any]:
    if duration_seconds is None:
        duration = DEFAULT_DURATION
    elif duration_seconds == 0:
        duration = ROLE_SESSION_DURATION
    elif MIN_DURATION <= duration_seconds <= MAX_DURATION:
        duration = duration_seconds
    else:
        raise invalid(
            f"1 validation error detected: Value '{duration_seconds}' at 'durationSeconds' failed to satisfy "
            f"constraint: Member must be 0 or between {MIN_DURATION} and {MAX_DURATION}"
        )
    with call.domain(domain, domain_owner) as d:
        # AWS answers in whole seconds (the CLI's `login` example prints no fraction).
        expiration = (call.now + dt.timedelta(seconds=duration)).replace(microsecond=0)
        token = AuthToken(_new_token(domain), d.name, d.owner, d.region, expiration, call.principal, call.account)
        st = call.state(d.owner)
        _forget_expired(st, call.now)
        st.tokens[token.token] = token
        return {"authorizationToken": token.token, "expiration": expiration}


def _forget_expired(st: RegionState, now: dt.datetime) -> None:
    if len(st.tokens) > 1000:
        for key in [k for k, t in st.tokens.items() if t.expiration <= now]:
            del st.tokens[key]


def find_token(st: RegionState, token: str) -> AuthToken | None:
    with st.lock:
        return st.tokens.get(token)
