"""The HTTP/1.1 server under the WSGI app: cheroot, chosen by measurement over waitress (docs/server.md).

cheroot keeps connections alive, decodes chunked request bodies as they are read (``wsgi.input_terminated``),
answers ``Expect: 100-continue`` and streams responses with chunked transfer coding. This module adds what a
CodeArtifact stand-in needs on top: the answers cheroot gives by itself (an over-long request line or header
block, a malformed request) are AWS-shaped JSON errors instead of plain text, its messages go through
:mod:`logging`, an optional access log, and a stop that finishes the requests in flight before it returns.
"""

from __future__ import annotations

import errno
import io
import logging
import selectors
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from cheroot import connections as cheroot_connections
from cheroot import errors as cheroot_errors
from cheroot import makefile as cheroot_makefile
from cheroot import server as cheroot_server
from cheroot import wsgi as cheroot_wsgi

from ..limits import Cap
from ..settings import DEFAULT_HOST
from ..wire import aws_error
from .framing import Refusal, RequestScanner

LOG = logging.getLogger("mock_codeartifact.server")
ACCESS_LOG = logging.getLogger("mock_codeartifact.server.access")

MAX_REQUEST_LINE = 64 * 1024
"""Bytes in the request line (method, target, version); a longer one is answered 414."""

MAX_REQUEST_HEADERS = 64 * 1024
"""Bytes in all header lines of one request together; more is answered 431."""

DISCARD_LIMIT = 1024 * 1024
"""Bytes of an over-long request head read (and dropped) before the error answer, so the client gets it."""

WRITE_BUFFER = 64 * 1024
"""Response bytes collected before they are sent (a response smaller than this leaves in one system call)."""

LINGER_SECONDS = 0.005
"""How long a worker waits on its connection for the client's next request before handing it back."""

WORKER_THREADS = 8
"""Requests handled at once. A connection holds no thread until a whole request (head and body) has arrived."""

KEEP_ALIVE_SECONDS = 30
"""How long a connection that has sent nothing (new, or idle between requests) is kept before it is closed."""

HEAD_TIMEOUT_SECONDS = 10.0
"""How long a request head may take from its first byte to its blank line; then 408 and close."""

BODY_GRACE_SECONDS = 10.0
"""Time a request body gets on top of what ``MIN_BODY_RATE`` allows; then 408 and close."""

MIN_BODY_RATE = 16 * 1024
"""Bytes per second a request body must average (after ``BODY_GRACE_SECONDS``) to be read to its end."""

KEEP_ALIVE_CONNECTIONS = 256
"""Connections the server keeps open between requests; beyond this many, answers close their connection."""

SPOOL_IN_MEMORY = 1024 * 1024
"""Bytes of one request body held in memory while it arrives; the rest goes to a temporary file."""

READ_SIZE = 256 * 1024
"""Bytes taken from a readable socket in one ``recv``."""

STOP_TIMEOUT_SECONDS = 10
"""How long ``stop()`` waits for requests in flight before it closes their connections."""

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def error_document(status: int, message: str) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of an AWS-shaped JSON error (``mock_codeartifact.wire.aws_error``) for a refusal by the
    front, with its ``Content-Length``.

    AWS documents no answer for requests its front end refuses before they reach the service; botocore reads
    the error code from ``x-amzn-ErrorType``, so a client sees a ``ValidationException`` (``InternalServerException``
    for 5xx) with the HTTP status that says what was wrong.
    """
    if status >= 500:
        headers, data = aws_error.render("InternalServerException", message)
    else:
        headers, data = aws_error.render("ValidationException", message, {"reason": "CANNOT_PARSE"})
    headers["Content-Length"] = str(len(data))
    return list(headers.items()), data


_MESSAGES = {
    400: "The request could not be parsed",
    408: "The request was not received in time",
    413: "The request is too large",
    414: f"The request line exceeds {MAX_REQUEST_LINE} bytes",
    431: f"The request headers exceed {MAX_REQUEST_HEADERS} bytes",
    500: "The server could not handle the request",
    501: "The request uses a transfer coding the server does not support",
    505: "The request uses an HTTP version the server does not support",
}


class _Request(cheroot_server.HTTPRequest):
    """cheroot's request with separate limits for the request line and the headers, and JSON error answers."""

    def parse_request(self) -> None:
        self.rfile = cheroot_server.SizeCheckWrapper(self.conn.rfile, MAX_REQUEST_LINE)
        try:
            if not self.read_request_line():  # type: ignore[no-untyped-call]
                return
        except cheroot_errors.MaxSizeExceeded:
            self._discard_head()
            self.simple_response("414 URI Too Long")
            return
        self.rfile = cheroot_server.SizeCheckWrapper(self.conn.rfile, MAX_REQUEST_HEADERS)
        try:
            if not self.read_request_headers():
                return
        except cheroot_errors.MaxSizeExceeded:
            self._discard_head()
            self.simple_response("431 Request Header Fields Too Large")
            return
        finally:
            self.conn.wfile.flush()  # an "HTTP/1.1 100 Continue" the client waits for before it sends the body
        self.ready = True

    def read_request_headers(self) -> bool:
        ok: bool = super().read_request_headers()  # type: ignore[no-untyped-call]
        # The front answered "100 Continue" already, when it decided to read the body; cheroot's own is dropped.
        self.conn.wfile.drop(_CONTINUE)
        return ok

    def respond(self) -> None:
        super().respond()
        self.conn.wfile.flush()

    def _discard_head(self) -> None:
        # Closing a socket with unread input makes the kernel send a reset, which can destroy the error answer
        # before the client reads it: read the rest of the request head first (bounded, then give up).
        budget = DISCARD_LIMIT
        try:
            while budget > 0:
                line = self.conn.rfile.readline(MAX_REQUEST_LINE)
                if not line or line == b"\r\n":
                    return
                budget -= len(line)
        except OSError:
            return

    def simple_response(self, status: str | int, msg: str | bytes = "") -> None:
        # cheroot's own answers (over-long line or headers, malformed request, timeout, unsupported coding).
        status = str(status)
        code = int(status[:3])
        text = msg.decode("latin-1") if isinstance(msg, bytes) else msg
        headers, body = error_document(code, text or _MESSAGES.get(code, status[4:] or "Bad request"))
        # The rest of a refused request cannot be told apart from the next one: close the connection.
        self.close_connection = True
        lines = [f"{self.server.protocol} {status}\r\n".encode("latin-1")]
        lines += [f"{name}: {value}\r\n".encode("latin-1") for name, value in headers]
        lines.append(b"Connection: close\r\n\r\n")
        try:
            self.conn.wfile.write(b"".join(lines) + body)
            self.conn.wfile.flush()
        except OSError as exc:
            if exc.args and exc.args[0] not in cheroot_errors.socket_errors_to_ignore:
                raise

    def send_headers(self) -> None:
        # A chunked body the app left unread would be parsed as the next request: close instead of draining it.
        if self.chunked_read and not getattr(self.rfile, "closed", True):
            self.close_connection = True
        super().send_headers()


_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def refusal_bytes(status: int, message: str) -> bytes:
    """A whole ``status`` answer (AWS-shaped JSON error, ``Connection: close``) for the front to send."""
    headers, body = error_document(status, message)
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    lines = [f"HTTP/1.1 {status} {reason}\r\n"] + [f"{name}: {value}\r\n" for name, value in headers]
    lines.append("Connection: close\r\n\r\n")
    return "".join(lines).encode("latin-1") + body


class _Input:
    """A connection's received bytes. The front (``_Front``) appends what arrives, without a thread, and a
    ``RequestScanner`` takes each request off the front: its head, and its body decoded into a spool (memory up
    to ``SPOOL_IN_MEMORY``, a temporary file beyond). Once a request is complete, a worker's cheroot reads it
    from here as a request with a ``Content-Length`` body (a chunked one rewritten so), never from the socket."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.buf = bytearray()  # received and not yet taken by a request (the next request's start)
        self.bytes_read = 0
        self.closed = False
        self.scanner: RequestScanner | None = None
        self.started = 0.0  # when the current request's first byte arrived; 0.0: none has
        self.head_done = 0.0
        self.continue_sent = False
        self._ready = False
        self._head: io.BytesIO | None = None
        self._body: Any = None  # a SpooledTemporaryFile once the body has a byte

    # ------------------------------------------------------------------ the front's side

    def advance(self, max_body: int, now: float) -> bool:
        """Take what has arrived; whether the request is complete (raises ``Refusal``)."""
        if self._ready:
            return True
        scanner = self.scanner
        if scanner is None:
            if not self.buf:
                return False
            scanner = self.scanner = RequestScanner(max_body, MAX_REQUEST_LINE, MAX_REQUEST_HEADERS, self._spool)
            self.started = now
        had_head = scanner.head is not None
        complete = scanner.feed(self.buf)
        if scanner.head is not None and not had_head:
            self.head_done = now
        if complete:
            self._present(scanner, max_body)
            self._ready = True
        return complete

    def _spool(self, data: bytes) -> None:
        if self._body is None:
            self._body = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - read later
        self._body.write(data)

    def _present(self, scanner: RequestScanner, max_body: int) -> None:
        head, head_bytes = scanner.head, scanner.head_bytes
        assert head is not None
        if head.chunked or scanner.over_limit:
            # The body is whole (or refused): cheroot reads it by Content-Length. A body past the limit is
            # answered by the app from a head that declares a length above the limit (in the shape each kind of
            # client expects), and the connection closes; none of its bytes is kept.
            lines = head_bytes[:-4].split(b"\r\n")
            dropped = {b"transfer-encoding", b"content-length"}
            extra = [b"Content-Length: %d" % scanner.decoded]
            if scanner.over_limit:
                dropped |= {b"connection", b"expect"}
                extra = [b"Content-Length: %d" % (max_body + 1), b"Connection: close"]
                if self._body is not None:
                    self._body.close()
                    self._body = None
            kept = [line for line in lines[1:] if line.split(b":", 1)[0].strip().lower() not in dropped]
            head_bytes = b"\r\n".join([lines[0], *kept, *extra]) + b"\r\n\r\n"
        self._head = io.BytesIO(head_bytes)
        if self._body is not None:
            self._body.seek(0)

    def overdue(self, now: float, head_timeout: float, body_grace: float, body_rate: float) -> bool:
        """Whether the request being received has missed its deadline (head) or its minimum rate (body)."""
        scanner = self.scanner
        if scanner is None or self._ready:
            return False
        if scanner.head is None:
            return now - self.started > head_timeout
        return now - self.head_done > body_grace + scanner.body_bytes / body_rate

    def finish(self) -> None:
        """The request has been answered: what follows it is the next one."""
        if self._body is not None:
            self._body.close()
        self._head = self._body = self.scanner = None
        self._ready = self.continue_sent = False
        self.started = self.head_done = 0.0

    # ------------------------------------------------------------------ cheroot's side (a file object)

    def read(self, size: int | None = -1) -> bytes:
        want = -1 if size is None or size < 0 else size
        parts = []
        for source in (self._head, self._body):
            if source is None or want == 0:
                continue
            data = source.read(want)
            parts.append(data)
            if want > 0:
                want -= len(data)
        data = b"".join(parts)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        # The head ends with an empty line, so no line runs from the head into the body.
        for source in (self._head, self._body):
            if source is None:
                continue
            line: bytes = source.readline(-1 if size is None else size)
            if line:
                self.bytes_read += len(line)
                return line
        return b""

    def has_data(self) -> bool:
        return bool(self.buf)

    def close(self) -> None:
        self.finish()
        self.closed = True
        self.buf = bytearray()


class _Connection(cheroot_server.HTTPConnection):
    RequestHandlerClass = _Request

    def __init__(self, server: Any, sock: Any, makefile: Any = cheroot_makefile.MakeFile) -> None:
        super().__init__(server, sock, makefile)
        self.rfile = _Input(sock)
        self.wfile = _CoalescingWriter(sock)
        self.last_used = time.time()

    def request_ready(self) -> bool:
        """Whether a whole request has arrived; raises ``Refusal`` for one that must not be read. Once a head
        asking ``Expect: 100-continue`` is in and its body is to be read, ``100 Continue`` is sent."""
        inp: _Input = self.rfile
        if inp.advance(self.server.max_body(), time.time()):
            return True
        scanner = inp.scanner
        if scanner is not None and scanner.head is not None and scanner.head.expect_continue:
            if not inp.continue_sent:
                inp.continue_sent = True
                try:
                    self.socket.send(_CONTINUE)  # 25 bytes: fits an empty send buffer, blocking or not
                except OSError:
                    pass
        return False

    def communicate(self) -> bool:
        # A worker gets the connection once a whole request has arrived. After answering it, the worker
        # takes the next request itself if it has arrived too (pipelined), or arrives within LINGER_SECONDS
        # while other workers are free: that saves the hand-off to the front's thread and back for clients
        # that send request after request. Otherwise the connection goes back to the front.
        while super().communicate():  # type: ignore[no-untyped-call]
            self.rfile.finish()
            if not self.server.ready:
                return True
            try:
                if self.request_ready():
                    continue
            except Refusal:
                return True  # the front answers it
            pool = self.server.requests
            if pool.qsize or not pool.idle:
                return True
            if not self._next_request_arrives():
                return True
        return False

    def _next_request_arrives(self) -> bool:
        sock = self.socket
        deadline = time.monotonic() + LINGER_SECONDS
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                sock.settimeout(left)
                try:
                    data = sock.recv(READ_SIZE)
                except OSError:  # a timeout, or an error the front meets again and closes on
                    return False
                if not data:
                    return False
                self.rfile.buf += data
                try:
                    if self.request_ready():
                        return True
                except Refusal:
                    return False
        finally:
            sock.settimeout(self.server.timeout)


class _Front(cheroot_connections.ConnectionManager):
    """cheroot's connection manager, changed so that a connection costs no worker until it has sent a whole
    request: its selector thread accepts connections, reads what each sends (non-blocking) and hands a
    connection to the worker pool only once a ``RequestScanner`` finds a complete request in what it read.
    Requests that miss the head deadline or the minimum body rate are answered 408 from here; framing errors
    400/413/414/431/501; then the connection is closed."""

    # cheroot's own (untyped) members this class builds on.
    server: Any
    _selector: Any
    _stop_requested: bool
    _remove_invalid_sockets: Callable[[], None]
    _from_server_socket: Callable[[Any], Any]

    def put(self, conn: _Connection) -> None:
        # From a worker: the connection is between requests (the next may have partly arrived already).
        conn.last_used = time.time()
        self._wait_for_request(conn)

    def _wait_for_request(self, conn: _Connection, registered: bool = False) -> None:
        try:
            ready = conn.request_ready()
        except Refusal as refusal:
            self._refuse(conn, refusal.status, refusal.message, registered)
            return
        if ready:
            if registered:
                self._selector.unregister(conn.socket.fileno())
            conn.socket.settimeout(self.server.timeout)
            self.server.process_conn(conn)
        elif not registered:
            conn.socket.setblocking(False)
            self._selector.register(conn.socket.fileno(), selectors.EVENT_READ, data=conn)

    def _refuse(self, conn: _Connection, status: int, message: str, registered: bool) -> None:
        LOG.info("refused a request from %s with %d: %s", getattr(conn, "remote_addr", "-"), status, message)
        if registered:
            self._selector.unregister(conn.socket.fileno())
        sock = conn.socket
        try:
            sock.setblocking(False)
            sock.send(refusal_bytes(status, message))
            sock.shutdown(socket.SHUT_WR)
            # What the client already sent is read and dropped, so that closing does not reset the connection
            # (a reset can destroy the answer before the client reads it).
            for _ in range(16):
                if not sock.recv(READ_SIZE):
                    break
        except OSError:
            pass
        conn.close()

    def _readable(self, conn: _Connection) -> None:
        inp: _Input = conn.rfile
        for _ in range(16):  # up to 4 MiB per wake-up, so one fast upload does not starve the others
            try:
                data = conn.socket.recv(READ_SIZE)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                data = b""
            if not data:
                self._selector.unregister(conn.socket.fileno())
                conn.close()
                return
            inp.buf += data
            if len(data) < READ_SIZE:
                break
        conn.last_used = time.time()
        self._wait_for_request(conn, registered=True)

    def _expire(self, threshold: float) -> None:
        now = time.time()
        server = self.server
        for sock_fd, conn in list(self._selector.connections):
            if conn is server:
                continue
            if conn.rfile.overdue(now, server.head_timeout, server.body_grace, server.min_body_rate):
                self._refuse(conn, 408, _MESSAGES[408], registered=True)
            elif conn.rfile.scanner is None and conn.last_used < threshold:
                self._selector.unregister(sock_fd)
                conn.close()

    def _shed(self) -> None:
        # Out of file descriptors (a client opening connection after connection): close the tenth of the
        # connections that have waited longest without a request in progress (else the longest waiting), so
        # that new clients, a health check among them, get in. cheroot would let the error end the server.
        waiting = sorted(
            (conn.rfile.scanner is not None, conn.last_used, fd, conn)
            for fd, conn in self._selector.connections
            if conn is not self.server
        )
        LOG.warning("out of file descriptors with %d connections open: closing the longest idle", len(waiting))
        for _busy, _used, fd, conn in waiting[: max(1, len(waiting) // 10)]:
            self._selector.unregister(fd)
            conn.close()

    def _run(self, expiration_interval: float) -> None:
        last_expiration_check = time.time()
        while not self._stop_requested:
            try:
                active_list = self._selector.select(timeout=expiration_interval)
            except OSError:
                self._remove_invalid_sockets()
                continue
            for _sock_fd, conn in active_list:
                if conn is self.server:
                    try:
                        new_conn = self._from_server_socket(self.server.socket)
                    except OSError as error:
                        if error.errno not in (errno.EMFILE, errno.ENFILE):
                            raise
                        self._shed()
                        continue
                    if new_conn is not None:
                        self._wait_for_request(new_conn)
                else:
                    self._readable(conn)
            now = time.time()
            if (now - last_expiration_check) > expiration_interval:
                self._expire(threshold=now - self.server.timeout)
                last_expiration_check = now


class _CoalescingWriter:
    """What cheroot writes a response through: the status line, headers and body leave in one ``sendall``.

    cheroot writes headers and body separately, each write a system call that releases and retakes the GIL,
    where one does for the small answers this server mostly gives. Writes are collected until the response is
    complete (``flush()``) or ``WRITE_BUFFER`` bytes are waiting.
    """

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._parts: list[bytes] = []
        self._size = 0
        self.bytes_written = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._size += len(data)
        self.bytes_written += len(data)
        if self._size >= WRITE_BUFFER:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._parts:
            data = b"".join(self._parts)
            self._parts.clear()
            self._size = 0
            self._sock.sendall(data)

    def close(self) -> None:
        self._parts.clear()

    def drop(self, data: bytes) -> None:
        """Take back ``data`` if it is the last thing written and not yet sent."""
        if self._parts and self._parts[-1] == data:
            self._parts.pop()
            self._size -= len(data)
            self.bytes_written -= len(data)


class _CherootServer(cheroot_wsgi.Server):
    ConnectionClass = _Connection
    keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS
    head_timeout = HEAD_TIMEOUT_SECONDS
    body_grace = BODY_GRACE_SECONDS
    min_body_rate: float = MIN_BODY_RATE
    max_body: Callable[[], int] = staticmethod(Cap.REQUEST_BYTES.get)

    unservicable_thread: threading.Thread | None = None

    def _serve_unservicable(self) -> None:
        self.unservicable_thread = threading.current_thread()
        super()._serve_unservicable()  # type: ignore[misc]

    def prepare(self) -> None:
        super().prepare()
        cheroot_manager: Any = self.__dict__["_connections"]
        self.__dict__["_connections"] = _Front(self)
        cheroot_manager._selector.close()

    def error_log(self, msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
        LOG.log(level, "%s", msg, exc_info=traceback)


class _AccessLog:
    """One line per request on ``mock_codeartifact.server.access`` (INFO), in the common log format."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def logging_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            target = environ.get("PATH_INFO", "")
            if environ.get("QUERY_STRING"):
                target += "?" + environ["QUERY_STRING"]
            size = next((v for k, v in headers if k.lower() == "content-length"), "-")
            ACCESS_LOG.info(
                '%s - - [%s] "%s %s %s" %s %s',
                environ.get("REMOTE_ADDR", "-"),
                time.strftime("%d/%b/%Y %H:%M:%S"),
                environ.get("REQUEST_METHOD", "-"),
                target,
                environ.get("SERVER_PROTOCOL", "-"),
                status.split(" ", 1)[0],
                size,
            )
            return start_response(status, headers, exc_info)

        return self.app(environ, logging_start_response)


class WSGIServer:
    """Serve a WSGI app on ``host:port`` (``port=0``: a free one) with keep-alive, from daemon threads.

    ``start()`` returns once the socket listens (``port`` is then the real one); ``stop()`` stops accepting,
    lets the requests in flight finish (up to ``STOP_TIMEOUT_SECONDS``), closes idle connections and joins every
    thread the server started. ``access_log=True`` logs each request on ``mock_codeartifact.server.access``.
    """

    def __init__(
        self,
        app: WSGIApp,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        access_log: bool = False,
        threads: int = 0,
        idle_timeout: float = KEEP_ALIVE_SECONDS,
        head_timeout: float = HEAD_TIMEOUT_SECONDS,
        body_grace: float = BODY_GRACE_SECONDS,
        min_body_rate: float = MIN_BODY_RATE,
    ) -> None:
        self.host = host
        self.port = port
        self._server = _CherootServer(
            (host, port),
            _AccessLog(app) if access_log else app,
            numthreads=threads or WORKER_THREADS,
            request_queue_size=1024,  # listen backlog: package managers open many connections at once
            timeout=idle_timeout,  # type: ignore[arg-type]  # cheroot's stub says int; it takes seconds
            shutdown_timeout=STOP_TIMEOUT_SECONDS,
        )
        self._server.head_timeout = head_timeout
        self._server.body_grace = body_grace
        self._server.min_body_rate = min_body_rate
        # Deadlines are checked this often (cheroot's default: every half second).
        self._server.expiration_interval = min(0.5, idle_timeout / 4, head_timeout / 4, body_grace / 4)
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def start(self) -> None:
        """Bind and listen, then serve from a daemon thread; raises what binding raises (``OSError``)."""
        if self._thread is not None:
            return
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            # Threads inherit daemon-ness from the thread that starts them: cheroot's workers start here, so a
            # server nobody stops never holds up interpreter exit.
            try:
                self._server.prepare()
            except BaseException as exc:
                failure.append(exc)
                return
            finally:
                ready.set()
            try:
                self._server.serve()
            finally:
                self._stopped.set()

        self._thread = threading.Thread(target=run, name="mock-codeartifact-server", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        self.port = self._server.bind_addr[1]

    def stop(self) -> None:
        """Stop accepting, finish the requests in flight, close every connection and join every thread."""
        if self._thread is None:
            return
        self._server.stop()  # joins the worker threads once their requests are answered
        self._thread.join()
        # cheroot's stop() only signals its helper thread for refused connections; wait for it to end too
        # (this server's own: another server's may be running).
        helper = self._server.unservicable_thread
        if helper is not None:
            helper.join()
        self._thread = None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server has stopped (or ``timeout``); whether it has."""
        return self._stopped.wait(timeout)
