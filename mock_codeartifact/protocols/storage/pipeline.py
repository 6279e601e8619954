"""The request pipeline of the repository endpoints, the control plane's way: a request becomes a ``Call``.

``open_request`` takes the owner's state lock once and, under it, checks the token (401), builds the ``Call``
(principal, account, region, time: what the control plane's dispatcher gives every operation) from the token,
and finds the repository (404). The lock stays held until the request is answered, so the format module works on
that one resolved repository: no second lookup, no second lock. The server's front has read the whole body before
a request reaches the application, so nothing waits on the network while the lock is held.

``authorize`` decides, against the resolved repository and under the same lock, whether the caller may perform an
action: ``ReadFromRepository`` on the repository, ``PublishPackageVersion`` / ``PutPackageMetadata`` on a package;
the same decision as the control plane's (``mock_codeartifact.authorization``). Each decision is made once per
request.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING, Any

from ...authorization import enforce, switch
from ...authorization.table import PUBLISH_PACKAGE_VERSION, PUT_PACKAGE_METADATA, READ_FROM_REPOSITORY
from ...backend.calls import redact_query
from ...backend.coordinates import Coordinate
from ...backend.store import Backend, Call, utcnow
from ...backend.tokens import find_token
from ...errors import AccessDeniedException
from ...iam.caller import Principal
from ..base import ProtocolError, RepoRequest

if TYPE_CHECKING:
    from ...backend.entities import AuthToken, Repository

__all__ = [
    "PUBLISH", "PUT_METADATA", "READ", "Opened", "authorize", "coordinate", "open_request", "read_or_publish",
    "record_call", "redact_query", "repository", "utcnow",
]  # fmt: skip

READ = READ_FROM_REPOSITORY
PUBLISH = PUBLISH_PACKAGE_VERSION
PUT_METADATA = PUT_PACKAGE_METADATA
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Opened:
    """A repository-endpoint request resolved under its owner's state lock, held until the ``with`` block ends.

    ``token``: the request's token, None when it is missing, unknown, expired or issued for another domain (401);
    ``call``: the caller (None with no token); ``repository``: the repository addressed, None when it or its
    domain does not exist (404). An opaque handle to the format modules: ``RepoRequest`` carries the last two."""

    __slots__ = ("_lock", "token", "call", "repository")

    def __init__(
        self, lock: threading.RLock, token: AuthToken | None, call: Call | None, repository: Repository | None
    ) -> None:
        self._lock = lock
        self.token = token
        self.call = call
        self.repository = repository

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def open_request(
    backend: Backend, region: str, domain: str, owner: str, repository: str, raw_token: str | None, now: dt.datetime
) -> Opened:
    """Lock ``owner``'s state of ``region`` and resolve the request's token, caller and repository under it."""
    st = backend.state(owner, region)
    lock = st.lock
    lock.acquire()
    try:
        token = find_token(st, raw_token) if raw_token is not None else None
        if token is None or not token.valid_for(domain, owner, now):
            return Opened(lock, None, None, None)
        # The principal that asked for the token; tokens of old exported states name none (the owner's root).
        call = Call(backend, token.principal_account or owner, region, None, token.principal_arn or None, now)
        found = st.domains.get(domain)
        return Opened(lock, token, call, found.repositories.get(repository) if found is not None else None)
    except BaseException:
        lock.release()
        raise


def record_call(
    backend: Backend,
    operation: str,
    params: dict[str, Any],
    principal: str | None,
    account: str | None,
    region: str | None,
    status: int,
    error: str | None,
    started: float,
    seconds: float,
) -> None:
    """Add a repository-endpoint request to the backend's call log (``backend/calls.py``)."""
    backend.calls.record(operation, params, principal, account, region, status, error, started, seconds)


def authorize(req: RepoRequest, action: str, namespace: str | None = None, name: str | None = None) -> None:
    """403 unless the caller may perform ``action``: ``ReadFromRepository`` on the repository,
    ``PublishPackageVersion`` / ``PutPackageMetadata`` on the package ``namespace``/``name``, against the policies
    as they are now."""
    key = (action, None, None) if action == READ else (action, namespace, name)
    if key in req.authorized:
        return
    call = req.call
    if switch.enforced(call.backend):
        repo: Repository = req.target
        if action == READ:
            target = enforce.Target(repo.arn, req.owner, call.region, req.domain, repo.name)
        else:
            target = enforce.package_target(
                call.region, req.owner, req.domain, repo.name, req.format, namespace, name or ""
            )
        try:
            enforce.check(call.backend, Principal(call.principal, call.account), action, target)
        except AccessDeniedException as denied:
            raise ProtocolError(403, denied.message) from None
    req.authorized.add(key)


def repository(req: RepoRequest, action: str, namespace: str | None = None, name: str | None = None) -> Repository:
    """The request's repository, once the caller is authorized for ``action`` (its owner's lock is held)."""
    authorize(req, action, namespace, name)
    found: Repository = req.target
    return found


def read_or_publish(req: RepoRequest) -> str:
    """What a lookup of the repository's own versions needs: a read, or (during an upload) the publish."""
    return READ if req.request.method in _SAFE_METHODS else PUBLISH


def coordinate(req: RepoRequest, namespace: str | None, name: str) -> Coordinate:
    return Coordinate(req.format, namespace, name)
