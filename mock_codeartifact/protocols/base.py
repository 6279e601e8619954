"""What every format module gets from the router: the authenticated request and a few response helpers.

Nothing here touches backend state: ``RepoRequest`` carries the caller (the control plane's ``Call``) and the
resolved repository as opaque handles that only ``storage/`` uses.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from .. import bounded
from ..limits import Cap

if TYPE_CHECKING:
    from ..backend.entities import AuthToken, Repository
    from ..backend.store import Backend, Call


def max_upload_bytes() -> int:
    """The largest request body any route reads (``limits.Cap.REQUEST_BYTES``; the server refuses larger ones
    before the body reaches a repository endpoint)."""
    return Cap.REQUEST_BYTES.get()


class ProtocolError(Exception):
    """A refusal in the protocol's own terms: HTTP ``status`` and a message the client may show."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class RepoRequest:
    """One authenticated request to ``/{region}/{domain}/{owner}/{format}/{repository}/{path...}``.

    ``segments`` are the percent-decoded path segments after the repository (``a%2Fb`` stays one segment
    ``a/b``); a trailing slash gives a trailing empty segment. ``base_url`` is the repository endpoint as the
    client addressed it (scheme and Host of the request), ending with ``/``. ``call`` is the caller as the control
    plane sees one (principal, account, region, time), built from the token; ``target`` the repository, resolved
    once under its owner's state lock, which is held while the request is handled. Both are read through
    ``storage/`` only.
    """

    request: Request
    call: Call
    owner: str
    domain: str
    repository: str
    format: str
    segments: list[str]
    base_url: str
    token: AuthToken
    target: Repository
    # (action, namespace, name) the caller was authorized for in this request (storage.authorize).
    authorized: set[tuple[str, str | None, str | None]] = field(default_factory=set)

    @property
    def backend(self) -> Backend:
        """The state the request reads and writes (an opaque handle for ``storage/``)."""
        return self.call.backend

    @property
    def region(self) -> str:
        return self.call.region

    @property
    def now(self) -> dt.datetime:
        """The time of the request."""
        return self.call.now

    def body(self) -> bytes:
        """The request body, at most ``max_upload_bytes()`` (413 above)."""
        limit = max_upload_bytes()
        # One byte more than allowed: a chunked body (no Content-Length) is cut at the limit without an error, so
        # reading limit + 1 bytes is how an oversized one shows.
        self.request.max_content_length = limit + 1
        try:
            data = self.request.get_data(cache=True)
        except HTTPException as exc:
            raise ProtocolError(exc.code or 400, exc.description or "bad request") from None
        if len(data) > limit:
            raise ProtocolError(413, f"The request body exceeds {limit} bytes")
        return data

    def form(self) -> tuple[Any, Any]:
        """``(form, files)`` of a multipart body, at most ``max_upload_bytes()`` (413 above)."""
        req = self.request
        req.max_content_length = max_upload_bytes()
        req.max_form_memory_size = 16 * 1024 * 1024
        try:
            return req.form, req.files
        except HTTPException as exc:
            raise ProtocolError(exc.code or 400, exc.description or "bad request") from None

    def json_body(self) -> Any:
        """The request body parsed as JSON through ``bounded.loads_json`` (400 if it is not JSON)."""
        try:
            return bounded.loads_json(self.body(), "the request body")
        except ValueError as exc:
            message = str(exc)
            raise ProtocolError(400, message[:1].upper() + message[1:]) from None


def json_response(
    status: int, body: Any, headers: dict[str, str] | None = None, content_type: str | None = None
) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":")),
        status=status,
        headers=headers,
        content_type=content_type or "application/json",
    )


def text_response(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(text, status=status, headers=headers, content_type="text/plain; charset=utf-8")


def safe_name(value: str) -> bool:
    """A name or file name that is one plain path component (no traversal, separators or control characters)."""
    return bool(value) and value not in (".", "..") and not any(c in value for c in "/\\\x00") and value.isprintable()
