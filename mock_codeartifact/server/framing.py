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
* header values with control characters (other than a tab) and obsolete line folding answer 400.
"""

from __future__ import annotations

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
_SIZE, _DATA, _TRAILER, _DONE = range(4)


class RequestScanner:
    """Find the end of the request that starts at ``start`` in a growing buffer.

    ``scan(buffer)`` returns the offset just after the request once it is complete, or None while more bytes
    are needed; it raises ``Refusal`` for a request that must not be read. After the head is complete,
    ``head`` says how the body is framed; ``over_limit`` is set (and the request treated as complete at the end
    of its head) when the body declares more than ``max_body`` bytes, so no byte of it is kept.
    """

    def __init__(self, start: int, max_body: int, max_line: int, max_headers: int) -> None:
        self.start = start
        self.max_body = max_body
        self.max_line = max_line
        self.max_headers = max_headers
        self.head: Head | None = None
        self.over_limit = False
        self.body_bytes = 0
        """Bytes of body received so far (chunk data and framing), for the minimum body rate."""
        self._searched = start
        self._state = _SIZE
        self._pos = 0
        self._chunk_left = 0
        self._trailer_bytes = 0
        self._decoded = 0
        self._end: int | None = None

    def scan(self, buf: bytearray) -> int | None:
        if self._end is not None:
            return self._end
        head = self.head
        if head is None:
            head = self._scan_head(buf)
            if head is None:
                return None
            self.head = head
            if head.content_length is not None and head.content_length > self.max_body:
                self.over_limit = True
                self._end = head.end
                return self._end
            self._pos = head.end
        self.body_bytes = len(buf) - head.end
        if not head.chunked:
            end = head.end + (head.content_length or 0)
            if len(buf) < end:
                return None
            self._end = end
            return end
        try:
            return self._scan_chunks(buf)
        except _OverLimit:
            return self._end

    # ------------------------------------------------------------------ head

    def _scan_head(self, buf: bytearray) -> Head | None:
        start = self.start
        # RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request line.
        while buf.startswith(b"\r\n", start) and start - self.start < 8:
            start += 2
        end = buf.find(b"\r\n\r\n", max(start, self._searched - 3))
        if end < 0:
            self._searched = len(buf)
            line_end = buf.find(b"\r\n", start)
            if line_end < 0:
                if len(buf) - start > self.max_line:
                    raise Refusal(414, f"The request line exceeds {self.max_line} bytes")
            elif len(buf) - line_end > self.max_headers:
                raise Refusal(431, f"The request headers exceed {self.max_headers} bytes")
            return None
        self.start = start
        lines = bytes(buf[start:end]).split(b"\r\n")
        if len(lines[0]) > self.max_line:
            raise Refusal(414, f"The request line exceeds {self.max_line} bytes")
        if end - start - len(lines[0]) > self.max_headers:
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

    def _scan_chunks(self, buf: bytearray) -> int | None:
        pos = self._pos
        while True:
            if self._state == _SIZE:
                nl = buf.find(b"\r\n", pos, pos + MAX_CHUNK_LINE)
                if nl < 0:
                    if len(buf) - pos >= MAX_CHUNK_LINE:
                        raise Refusal(400, "A chunk-size line is too long")
                    break
                size = self._chunk_size(bytes(buf[pos:nl]))
                pos = nl + 2
                if size == 0:
                    self._state = _TRAILER
                    continue
                self._chunk_left = size
                self._state = _DATA
            elif self._state == _DATA:
                need = pos + self._chunk_left + 2
                if len(buf) < need:
                    break
                if buf[need - 2 : need] != b"\r\n":
                    raise Refusal(400, "A chunk is not followed by CRLF")
                pos = need
                self._state = _SIZE
            else:  # trailer fields, up to an empty line
                nl = buf.find(b"\r\n", pos)
                if nl < 0:
                    if self._trailer_bytes + len(buf) - pos > MAX_TRAILERS:
                        raise Refusal(431, "The request's trailer fields are too large")
                    break
                line = bytes(buf[pos:nl])
                self._trailer_bytes += len(line) + 2
                if self._trailer_bytes > MAX_TRAILERS:
                    raise Refusal(431, "The request's trailer fields are too large")
                if any(c in line for c in _CONTROL):
                    raise Refusal(400, "A trailer field holds a control character")
                pos = nl + 2
                if not line:
                    self._state = _DONE
                    self._end = pos
                    break
        self._pos = pos
        return self._end

    def _chunk_size(self, line: bytes) -> int:
        digits, _, _extensions = line.partition(b";")
        digits = digits.rstrip(b" \t")  # RFC 9112 §7.1.1: BWS may precede a chunk extension
        if not digits or len(digits) > MAX_CHUNK_DIGITS or any(c not in _HEX for c in digits):
            raise Refusal(400, "Invalid chunk size")
        size = int(digits, 16)
        if self._decoded + size > self.max_body:
            self.over_limit = True
            self._end = self.head.end if self.head is not None else self.start
            raise _OverLimit
        self._decoded += size
        return size


class _OverLimit(Exception):
    pass
