"""The HTTP/1.1 server under the WSGI app: cheroot, chosen by measurement over waitress (docs/server.md).

cheroot keeps connections alive, decodes chunked request bodies as they are read (``wsgi.input_terminated``),
answers ``Expect: 100-continue`` and streams responses with chunked transfer coding. This module adds what a
CodeArtifact stand-in needs on top: the answers cheroot gives by itself (an over-long request line or header
block, a malformed request) are AWS-shaped JSON errors instead of plain text, its messages go through
:mod:`logging`, an optional access log, and a stop that finishes the requests in flight before it returns.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from cheroot import errors as cheroot_errors
from cheroot import makefile as cheroot_makefile
from cheroot import server as cheroot_server
from cheroot import wsgi as cheroot_wsgi

from ..settings import DEFAULT_HOST

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
"""Requests handled at once. Idle keep-alive connections hold no thread: cheroot parks them in a selector."""

KEEP_ALIVE_SECONDS = 30
"""How long an idle keep-alive connection (or a stalled read) is kept before the server closes it."""

STOP_TIMEOUT_SECONDS = 10
"""How long ``stop()`` waits for requests in flight before it closes their connections."""

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def error_document(status: int, message: str) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of an AWS-shaped JSON error (``x-amzn-ErrorType`` and ``{"message": ...}``).

    AWS documents no answer for requests its front end refuses before they reach the service; botocore reads
    the error code from ``x-amzn-ErrorType``, so a client sees a ``ValidationException`` (``InternalServerException``
    for 5xx) with the HTTP status that says what was wrong.
    """
    if status >= 500:
        code, body = "InternalServerException", {"message": message}
    else:
        code, body = "ValidationException", {"message": message, "reason": "CANNOT_PARSE"}
    data = json.dumps(body).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(data))),
        ("x-amzn-ErrorType", code),
        ("x-amzn-RequestId", str(uuid.uuid4())),
    ]
    return headers, data


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
            if not self.read_request_headers():  # type: ignore[no-untyped-call]
                return
        except cheroot_errors.MaxSizeExceeded:
            self._discard_head()
            self.simple_response("431 Request Header Fields Too Large")
            return
        finally:
            self.conn.wfile.flush()  # an "HTTP/1.1 100 Continue" the client waits for before it sends the body
        self.ready = True

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


class _Connection(cheroot_server.HTTPConnection):
    RequestHandlerClass = _Request

    def __init__(self, server: Any, sock: Any, makefile: Any = cheroot_makefile.MakeFile) -> None:
        super().__init__(server, sock, makefile)
        self.wfile = _CoalescingWriter(sock)

    def communicate(self) -> bool:
        # cheroot hands a kept-alive connection back to its selector thread after each request, and the next
        # request then waits for that thread to wake a worker: two thread switches per request. While other
        # workers are free, this one waits briefly for the client's next request itself.
        while super().communicate():  # type: ignore[no-untyped-call]
            if not self.server.ready:
                return True
            if not self.rfile.has_data():
                pool = self.server.requests
                if pool.qsize or not pool.idle:
                    return True
                if not self._next_request_arrives():
                    return True
        return False

    def _next_request_arrives(self) -> bool:
        # A peek under a short timeout rather than select(), which fails on descriptors above FD_SETSIZE.
        sock = self.socket
        sock.settimeout(LINGER_SECONDS)
        try:
            sock.recv(1, socket.MSG_PEEK)
        except TimeoutError:
            return False
        except OSError:
            pass  # communicate() meets the same error and closes the connection
        finally:
            sock.settimeout(self.server.timeout)
        return True


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


class _CherootServer(cheroot_wsgi.Server):
    ConnectionClass = _Connection

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
        self, app: WSGIApp, host: str = DEFAULT_HOST, port: int = 0, *, access_log: bool = False, threads: int = 0
    ) -> None:
        self.host = host
        self.port = port
        self._server = _CherootServer(
            (host, port),
            _AccessLog(app) if access_log else app,
            numthreads=threads or WORKER_THREADS,
            request_queue_size=128,  # listen backlog: package managers open many connections at once
            timeout=KEEP_ALIVE_SECONDS,
            shutdown_timeout=STOP_TIMEOUT_SECONDS,
        )
        self._thread: threading.Thread | None = None
        self._threads_before: set[threading.Thread] = set()
        self._stopped = threading.Event()

    def start(self) -> None:
        """Bind and listen, then serve from a daemon thread; raises what binding raises (``OSError``)."""
        if self._thread is not None:
            return
        ready = threading.Event()
        failure: list[BaseException] = []
        self._threads_before = set(threading.enumerate())

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
        # cheroot's stop() only signals its helper thread for refused connections; wait for it to end too.
        for thread in set(threading.enumerate()) - self._threads_before:
            if thread.name.endswith("(_serve_unservicable)"):
                thread.join()
        self._thread = None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server has stopped (or ``timeout``); whether it has."""
        return self._stopped.wait(timeout)
