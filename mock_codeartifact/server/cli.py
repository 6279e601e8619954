"""``mock-codeartifact-server`` / ``python -m mock_codeartifact``: run the server in the foreground.

The first line on stdout is ``mock-codeartifact-server listening on URL`` (with the real port when ``--port 0``);
then, unless ``--quiet``, the shell environment a client needs. Logs go to stderr. SIGINT and SIGTERM stop the
server cleanly: requests in flight are answered first.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from ..limits import Cap
from ..settings import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REGION, REGION_ENVS, InvalidAccountIdError, account_id
from .app import CodeArtifactApp
from .guard import ADMIN_HEADER, Guard, is_loopback_address, unprotected_warning
from .serving import ACCESS_LOG, HEAD_TIMEOUT_SECONDS, WSGIServer

# The fake credentials the in-process mock provides too; the server accepts any.
SHELL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def shell_environment(endpoint_url: str) -> str:
    """What a shell needs to reach the server with the AWS CLI (printed on start)."""
    region = dict.fromkeys(REGION_ENVS, DEFAULT_REGION)  # AWS_DEFAULT_REGION and AWS_REGION
    exports = " ".join(f"{k}={v}" for k, v in {**SHELL_CREDENTIALS, **region}.items())
    return (
        "# To use it from a shell:\n"
        f"export {exports}\n"
        f"aws codeartifact list-domains --endpoint-url {endpoint_url}\n"
        f"# or, for every AWS CLI command and SDK client started from this shell:\n"
        f"# export AWS_ENDPOINT_URL_CODEARTIFACT={endpoint_url} AWS_ENDPOINT_URL_STS={endpoint_url}\n"
    )


def write_port_file(path: Path, port: int) -> None:
    """Write ``port`` to ``path`` so that a reader never sees a partial file: a temporary file, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(f"{port}\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mock-codeartifact-server", description="A local AWS CodeArtifact.")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on; 0 picks a free one (default {DEFAULT_PORT})"
    )
    parser.add_argument("--port-file", metavar="PATH", help="once listening, write the port to PATH (atomically)")
    parser.add_argument("--access-log", action="store_true", help="log one line per request to stderr")
    parser.add_argument("--log-level", default="INFO", type=str.upper, choices=LOG_LEVELS, help="default INFO")
    parser.add_argument("--quiet", action="store_true", help="print only the 'listening on' line; log only errors")
    parser.add_argument(
        "--state-dir", help="keep the state in this directory (SQLite + asset files) across restarts (docs/state.md)"
    )
    parser.add_argument(
        "--state-durability",
        choices=("full", "crash"),
        default="full",
        help="with --state-dir: 'full' (default) fsyncs every change, surviving power loss; 'crash' survives the "
        "process being killed, without fsyncs",
    )
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="CAP=N",
        help="set a cap of docs/limits.md, e.g. --limit unpacked_bytes=1073741824 (repeatable; same as its "
        "environment variable)",
    )
    parser.add_argument(
        "--no-authorization",
        action="store_true",
        help="do not enforce resource policies and cross-account rules (docs/authorization.md)",
    )
    parser.add_argument(
        "--events-endpoint",
        metavar="URL",
        help="deliver CodeArtifact's EventBridge events to this EventBridge endpoint with PutEvents, e.g. a moto "
        "server (docs/events.md)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for Host NAME (repeatable; '*' for any). Loopback names, IP addresses and the "
        "--host address are always served (docs/security.md)",
    )
    parser.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help=f"require TOKEN (header {ADMIN_HEADER}) on every /_mock/ route but /_mock/health; 'auto' generates one "
        "and prints it",
    )
    parser.add_argument(
        "--head-timeout",
        type=float,
        default=HEAD_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"a request head must arrive within SECONDS of its first byte, else 408 (default {HEAD_TIMEOUT_SECONDS:g})",
    )
    args = parser.parse_args(argv)
    if args.head_timeout <= 0:
        parser.error("--head-timeout must be positive")
    admin_token = args.admin_token
    if admin_token == "auto":
        admin_token = secrets.token_urlsafe(24)
    try:  # checked again on every request (a header may name another account); a bad default fails at once
        account_id()
    except InvalidAccountIdError as error:
        print(f"mock-codeartifact-server: {error}", file=sys.stderr)
        return 2
    for item in args.limit:
        name, _, value = item.partition("=")
        cap = Cap.__members__.get(name.strip().upper())
        if cap is None or not value.strip().isdigit():
            parser.error(f"--limit {item!r}: expected CAP=N with CAP one of {', '.join(c.name.lower() for c in Cap)}")
        os.environ[cap.env] = value.strip()  # read per request, like every cap
    # Installed first: a SIGTERM during start-up (imports take a while) still ends in a clean stop.
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    level = logging.ERROR if args.quiet else getattr(logging, args.log_level)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.access_log:  # access lines are INFO, bare, and shown even with --quiet
        access_handler = logging.StreamHandler(sys.stderr)
        access_handler.setFormatter(logging.Formatter("%(message)s"))
        ACCESS_LOG.setLevel(logging.INFO)
        ACCESS_LOG.addHandler(access_handler)
        ACCESS_LOG.propagate = False

    guard = Guard(args.host, tuple(args.allowed_host), admin_token)
    app = CodeArtifactApp(authorization=not args.no_authorization, events_endpoint=args.events_endpoint, guard=guard)
    if args.state_dir:
        from ..state import StateFormatError
        from ..state.http import enable_persistence

        try:
            enable_persistence(app, args.state_dir, args.state_durability)
        except (StateFormatError, OSError) as error:
            print(f"mock-codeartifact-server: cannot use --state-dir {args.state_dir}: {error}", file=sys.stderr)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            return 2
    server = WSGIServer(app, args.host, args.port, access_log=args.access_log, head_timeout=args.head_timeout)
    try:
        server.start()
    except OSError as exc:
        print(f"mock-codeartifact-server: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        return 1
    host = args.host if ":" not in args.host else f"[{args.host}]"
    url = f"http://{host}:{server.port}"
    port_file = Path(args.port_file) if args.port_file else None
    if port_file is not None:
        write_port_file(port_file, server.port)
    print(f"mock-codeartifact-server listening on {url}", flush=True)
    if args.admin_token == "auto":
        print(f"admin token for /_mock/ routes ({ADMIN_HEADER} header): {admin_token}", flush=True)
    if admin_token is None and not is_loopback_address(args.host):
        print(unprotected_warning(args.host), file=sys.stderr, flush=True)
    if not args.quiet:
        print(shell_environment(url), end="", flush=True)

    try:
        while not stopping.wait(0.5):  # a bounded wait lets the main thread run signal handlers
            if server.wait(0):
                break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
        app.close()
        if port_file is not None:
            try:
                if port_file.read_text(encoding="ascii").strip() == str(server.port):
                    port_file.unlink()
            except OSError:
                pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
