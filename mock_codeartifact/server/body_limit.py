"""One request-body limit for every route, applied before the body is read.

A body that announces its length (``Content-Length``) is refused from the header alone. A body that does not
(``Transfer-Encoding: chunked``) is read here as it streams, into a spooled temporary file (memory up to
``_SPOOL_IN_MEMORY``, disk beyond), and refused the moment it passes the limit; a body within the limit is then
handed to the application with its ``Content-Length`` set, so nothing downstream reads an unbounded stream.
"""

from __future__ import annotations

import tempfile
from typing import Any

from ..bounded import LimitExceeded
from ..limits import Cap

_SPOOL_IN_MEMORY = 1024 * 1024
_CHUNK = 64 * 1024


class BodyTooLarge(LimitExceeded):
    """The request body is larger than ``limit`` bytes (``message`` is for the client; answered as every
    ``LimitExceeded`` is, with its ``status``)."""

    def __init__(self, limit: int) -> None:  # the message is the body's own, not LimitExceeded's
        self.cap = Cap.REQUEST_BYTES
        self.limit = limit
        self.message = (
            f"The request body exceeds the limit of {limit:,} bytes (environment variable {Cap.REQUEST_BYTES.env})"
        )
        Exception.__init__(self, self.message)


class BadLength(Exception):
    """A ``Content-Length`` that is not a non-negative integer."""


def bound_body(environ: dict[str, Any]) -> None:
    """Check (and, for a chunked body, read) the request body of ``environ`` against the request limit.

    Raises ``BodyTooLarge`` or ``BadLength``; on return, the body is known to be within the limit.
    """
    limit = Cap.REQUEST_BYTES.get()
    raw_length = environ.get("CONTENT_LENGTH") or ""
    if raw_length.strip():
        if not raw_length.strip().isdigit():
            raise BadLength(f"Invalid Content-Length {raw_length!r}")
        if int(raw_length) > limit:
            raise BodyTooLarge(limit)
        return
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() or environ.get("wsgi.input_terminated")
    if not chunked:
        return  # no body
    stream = environ["wsgi.input"]
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - handed on to the request
    total = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            spool.close()
            raise BodyTooLarge(limit)
        spool.write(chunk)
    spool.seek(0)
    environ["wsgi.input"] = spool
    environ["CONTENT_LENGTH"] = str(total)
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ.pop("wsgi.input_terminated", None)
