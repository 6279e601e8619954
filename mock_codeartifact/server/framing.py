"""Where one HTTP/1.1 request ends, decided strictly (RFC 9112) from the bytes received so far.

The server's front (``serving.py``) reads request bytes without a worker thread and asks a ``RequestScanner``
after each read whether a whole request (head and body) has arrived. The scanner is incremental (each byte is
looked at about once) and strict where a lenient reading would let two parties disagree on where a request ends
(request smuggling) or let a declared size cost memory before any limit applies:

* ``Content-Length`` is digits only; repeated values must agree (else 400, §6.3);
* ``Content-Length`` together with ``Transfer-Encoding`` is refused (400, §6.1 allows it);
* the only transfer coding is ``chunked`` (any spelling of case and surrounding blanks); others answer 501;
* a chunk size is 1 to 16 hex digits, optionally followed by blanks and extensions (else 400), and a chunk
  that would take the body past the limit is seen before its data is read (``over_limit``);
* the body is decoded as it arrives (chunk data without its framing) into a sink the caller gives (the server's
  spools to disk past 1 MiB), so the bytes a client declares never decide what is held in memory;
* header values with control characters (other than a tab) and obsolete line folding answer 400.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_HEX = frozenset(b"0123456789abcdefABCDEF")
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CONTROL = bytes(i for i in range(32) if i != 9) + b"\x7f"
MAX_CHUNK_LINE = 4096
"""Bytes in one chunk-size line with its extensions; a longer one is answered 400."""
MAX_CHUNK_DIGITS = 16
"""Hex digits in a chunk size (16 say up to 2^64 - 1, far above any limit); more are answered 400."""
MAX_TRAILERS = 64 * 1024
"""Bytes of trailer fields after the last chunk; more are answered 431."""


class Refusal(Exception):
    """The request cannot be read: answer ``status`` with ``message`` and close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Head:
    """What the request head says about the body."""

    end: int
    """Offset just after the blank line that ends the head."""
    content_length: int | None
    chunked: bool
    expect_continue: bool

    @property
    def has_body(self) -> bool:
        return self.chunked or bool(self.content_length)


# Scanner states while a chunked body is read.
_SIZE, _DATA, _CRLF, _TRAILER = range(4)


class RequestScanner:
    """Read one request off the front of a growing buffer: the head, then the body decoded into ``sink``.

    ``feed(buffer)`` takes what it can use from the front of ``buffer`` (bytes after the request stay there,
    the next request's) and returns True once the request is complete; it raises ``Refusal`` for a request that
    must not be read. Then ``head_bytes`` is the head (the request line and header lines, as received, with its
    blank line) and ``sink`` has received the decoded body (chunk data without framing). ``over_limit`` is set,
    and the request complete at once, when the body declares more than ``max_body`` bytes: no more of it is read.
    """

    def __init__(self, max_body: int, max_line: int, max_headers: int, sink: Callable[[bytes], object]) -> None:
        self.max_body = max_body
        self.max_line = max_line
        self.max_headers = max_headers
        self.sink = sink
        self.head: Head | None = None
        self.head_bytes = b""
        self.over_limit = False
        self.complete = False
        self.body_bytes = 0
        """Bytes of body received so far (chunk data and framing), for the minimum body rate."""
        self.decoded = 0
        """Bytes of body data given to ``sink``."""
        self._searched = 0
        self._state = _SIZE
        self._left = 0  # body bytes still to come (Content-Length), or of the current chunk
        self._trailer_bytes = 0

    def feed(self, buf: bytearray) -> bool:
        if self.complete:
            return True
        head = self.head
        if head is None:
            head = self._scan_head(buf)
            if head is None:
                return False
            self.head = head
            self.head_bytes = bytes(buf[: head.end])
            del buf[: head.end]
            if head.content_length is not None and head.content_length > self.max_body:
                self.over_limit = self.complete = True
                return True
            self._left = head.content_length or 0
        if not head.chunked:
            take = min(self._left, len(buf))
            if take:
                self._emit(buf, take)
                self.body_bytes += take
            self.complete = self._left == 0
            return self.complete
        before = len(buf)
        try:
            self._feed_chunks(buf)
        finally:
            self.body_bytes += before - len(buf)
        return self.complete

    def _emit(self, buf: bytearray, n: int) -> None:
        self.sink(bytes(buf[:n]))
        del buf[:n]
        self.decoded += n
        self._left -= n

    # ------------------------------------------------------------------ head

    def _scan_head(self, buf: bytearray) -> Head | None:
        # RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request line.
        skipped = 0
        while buf.startswith(b"\r\n") and skipped < 4:
            del buf[:2]
            skipped += 1
            self._searched = max(0, self._searched - 2)
        end = buf.find(b"\r\n\r\n", max(0, self._searched - 3))
        if end < 0:
            self._searched = len(buf)
            line_end = buf.find(b"\r\n")
            if line_end < 0:
                if len(buf) > self.max_line:
                    raise Refusal(414, f"The request line exceeds {self.max_line} bytes")
            elif len(buf) - line_end > self.max_headers:
                raise Refusal(431, f"The request headers exceed {self.max_headers} bytes")
            return None
        lines = bytes(buf[:end]).split(b"\r\n")
        if len(lines[0]) > self.max_line:
            raise Refusal(414, f"The request line exceeds {self.max_line} bytes")
        if end - len(lines[0]) > self.max_headers:
            raise Refusal(431, f"The request headers exceed {self.max_headers} bytes")
        lengths: set[int] = set()
        codings: list[bytes] = []
        has_coding = False
        expect = False
        for line in lines[1:]:
            if line[:1] in (b" ", b"\t"):
                raise Refusal(400, "Obsolete line folding in a request header is not accepted")
            name, colon, value = line.partition(b":")
            if not colon or not name or any(c not in _TOKEN for c in name):
                raise Refusal(400, "A request header is malformed")
            value = value.strip(b" \t")
            if any(c in value for c in _CONTROL):
                raise Refusal(400, f"The {name.decode('latin-1')} header holds a control character")
            key = name.lower()
            if key == b"content-length":
                for item in value.split(b","):
                    item = item.strip(b" \t")
                    if not item.isdigit() or len(item) > 19:  # isdigit on bytes: ASCII digits only
                        raise Refusal(400, f"Invalid Content-Length {item.decode('latin-1')!r}")
                    lengths.add(int(item))
            elif key == b"transfer-encoding":
                has_coding = True
                codings += [c.strip(b" \t").lower() for c in value.split(b",") if c.strip(b" \t")]
            elif key == b"expect":
                expect = value.lower() == b"100-continue"
        if len(lengths) > 1:
            raise Refusal(400, "The request has Content-Length headers that differ")
        if has_coding:
            if lengths:
                raise Refusal(400, "The request has both Content-Length and Transfer-Encoding")
            if not codings or codings[-1] != b"chunked":
                raise Refusal(400, "The request's Transfer-Encoding does not end with chunked")
            if codings != [b"chunked"]:
                raise Refusal(501, "The request uses a transfer coding the server does not support")
        content_length = lengths.pop() if lengths else None
        return Head(end + 4, content_length, has_coding, expect)

    # ------------------------------------------------------------------ chunked body

    def _feed_chunks(self, buf: bytearray) -> None:
        while True:
            if self._state == _SIZE:
                nl = buf.find(b"\r\n", 0, MAX_CHUNK_LINE)
                if nl < 0:
                    if len(buf) >= MAX_CHUNK_LINE:
                        raise Refusal(400, "A chunk-size line is too long")
                    return
                size = self._chunk_size(bytes(buf[:nl]))
                del buf[: nl + 2]
                if self.over_limit:
                    self.complete = True
                    return
                self._left = size
                self._state = _DATA if size else _TRAILER
            elif self._state == _DATA:
                take = min(self._left, len(buf))
                if take:
                    self._emit(buf, take)
                if self._left:
                    return
                self._state = _CRLF
            elif self._state == _CRLF:
                if len(buf) < 2:
                    return
                if buf[:2] != b"\r\n":
                    raise Refusal(400, "A chunk is not followed by CRLF")
                del buf[:2]
                self._state = _SIZE
            else:  # trailer fields, up to an empty line
                nl = buf.find(b"\r\n")
                if nl < 0:
                    if self._trailer_bytes + len(buf) > MAX_TRAILERS:
                        raise Refusal(431, "The request's trailer fields are too large")
                    return
                line = bytes(buf[:nl])
                del buf[: nl + 2]
                self._trailer_bytes += nl + 2
                if self._trailer_bytes > MAX_TRAILERS:
                    raise Refusal(431, "The request's trailer fields are too large")
                if any(c in line for c in _CONTROL):
                    raise Refusal(400, "A trailer field holds a control character")
                if not line:
                    self.complete = True
                    return

    def _chunk_size(self, line: bytes) -> int:
        digits, _, _extensions = line.partition(b";")
        digits = digits.rstrip(b" \t")  # RFC 9112 §7.1.1: BWS may precede a chunk extension
        if not digits or len(digits) > MAX_CHUNK_DIGITS or any(c not in _HEX for c in digits):
            raise Refusal(400, "Invalid chunk size")
        size = int(digits, 16)
        if self.decoded + size > self.max_body:
            self.over_limit = True
        return size
