"""Server mode: ``GET``/``PUT /_mock/state`` and the hook that makes every answered change durable.

* ``GET /_mock/state`` answers the whole state as a tar archive (``application/x-tar``) with the layout of an
  export directory: ``state.json`` and ``assets/sha256/<sha256>``. ``curl URL/_mock/state | tar x -C DIR``
  gives a directory that ``MockCodeArtifact.import_state(DIR)`` reads, and the archive itself imports too.
* ``PUT /_mock/state`` with such an archive (plain or gzip) replaces the whole state. The archive is checked
  completely first: a bad one, or one of a newer format version, answers 400 ``{"message": ...}`` and changes
  nothing.
* ``transaction``: with ``--state-dir``, every successful request that may have changed state is made durable
  (``PersistentState.sync``) before its answer is sent; if that fails, the change is undone in memory
  (``PersistentState.restore``: the backend is reloaded from what is stored) and the answer is a 500, never a
  2xx. Requests that may change state run one at a time, so undoing one never undoes another's answered change.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, cast

from werkzeug.wrappers import Request, Response

from ..backend import Backend
from ..backend.arns import parse_arn
from ..backend.coordinates import api_coordinates
from ..dispatch import codec
from ..errors import CodeArtifactError
from ..wire import Headers, HttpRequest
from ..wire.identity import account_of, region_of
from . import export_archive, import_archive
from .document import StateFormatError
from .persist import FULL, PersistentState, Scope

log = logging.getLogger(__name__)

PATH = "/_mock/state"


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def state_api(request: Request, backend: Backend) -> Response:
    if request.method in ("GET", "HEAD"):
        data = export_archive(backend)
        return Response(
            data,
            status=200,
            content_type="application/x-tar",
            headers={"Content-Disposition": 'attachment; filename="mock-codeartifact-state.tar"'},
        )
    if request.method == "PUT":
        try:
            import_archive(backend, request.get_data())
        except StateFormatError as error:
            return _json(400, {"message": f"The state was not imported: {error}"})
        return _json(200, {"status": "imported"})
    return _json(405, {"message": f"{request.method} is not allowed on {PATH}: use GET or PUT"})


_READS = ("Describe", "Get", "List")


def _scope(request: Request) -> Scope | None | bool:
    """Where the request can have changed state: a ``Scope``, None for anywhere, False for nowhere.

    Every mutating CodeArtifact operation names its domain (tags: the resource ARN names it), and those that
    touch package versions name the repository and the package; a package manager's request names its
    repository, and may also store into repositories with an external connection of the same domain."""
    path, method = request.path, request.method
    if path.startswith("/_mock/"):
        return False if path == "/_mock/health" or method in ("GET", "HEAD") else None
    if path.startswith("/v1/"):
        if method in ("GET", "HEAD"):
            return False  # every API GET is a read (Describe*, Get*, List* by GET)
        http_request = HttpRequest(
            method,
            path,
            request.query_string.decode("latin-1"),
            Headers(cast(Mapping[str, Any], request.headers)),
            b"",
            request.host,
        )
        try:
            operation = codec().route(http_request).name
        except CodeArtifactError:
            return None
        if operation.startswith(_READS) and operation != "GetAuthorizationToken":
            return False
        args = request.args
        try:
            account, region = args.get("domain-owner") or account_of(http_request), region_of(http_request)
        except CodeArtifactError:  # the account changed to a malformed one meanwhile: sync everything
            return None
        domain = args.get("domain")
        if domain is None:
            parsed = parse_arn(args.get("resourceArn") or "")
            if parsed is None:
                return None
            account, region, domain = parsed.account, parsed.region, parsed.rest.split("/", 1)[0]
            return Scope(account, region, domain, frozenset())
        names = {args[k] for k in ("repository", "destination-repository") if args.get(k)}
        package = None
        fmt, name = args.get("format"), args.get("package")
        if names and fmt and name:
            coord, _ = api_coordinates(fmt, args.get("namespace"), name)
            package = coord.key
        return Scope(account, region, domain, frozenset(names), package)
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 5:  # /{region}/{domain}/{owner}/{format}/{repository}/...
        return Scope(parts[2], parts[0], parts[1], frozenset({parts[4]}), with_external_connections=True)
    return None


def transaction(
    store: PersistentState, lock: threading.Lock, request: Request, handle: Callable[[Request], Response]
) -> Response:
    """Run ``handle(request)``; make its changes durable before the answer goes out, or undo them (server
    ``--state-dir``)."""
    scope = _scope(request)
    if scope is False:
        return handle(request)
    with lock:
        response = handle(request)
        if response.status_code >= 400:
            return response  # a refused request changed nothing
        try:
            store.sync(scope if isinstance(scope, Scope) else None)
        except Exception as error:  # disk full, permissions: never acknowledge (or serve) what is not durable
            log.exception("mock-codeartifact could not persist the state; the change is undone")
            try:
                store.restore()
            except Exception:
                log.exception("mock-codeartifact could not reload the stored state")
            return _json(500, {"message": f"The change could not be made durable: {error}"})
    return response


def enable_persistence(app: Any, directory: str, durability: str = FULL) -> PersistentState:
    """Load ``directory`` into ``app``'s backend (creating the store if needed) and persist from now on.
    ``durability``: ``"full"`` (survives power loss; the default) or ``"crash"`` (survives the process being
    killed, without fsyncs)."""
    store = PersistentState(directory, app.backend, durability)
    store.open()
    lock = threading.Lock()
    app.transaction = lambda request, handle: transaction(store, lock, request, handle)
    return store
