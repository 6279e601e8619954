"""Server mode: ``GET``/``PUT /_mock/state`` and the hook that makes every answered change durable.

* ``GET /_mock/state`` answers the whole state as a tar archive (``application/x-tar``) with the layout of an
  export directory: ``state.json`` and ``assets/sha256/<sha256>``. ``curl URL/_mock/state | tar x -C DIR``
  gives a directory that ``MockCodeArtifact.import_state(DIR)`` reads, and the archive itself imports too.
* ``PUT /_mock/state`` with such an archive (plain or gzip) replaces the whole state. The archive is checked
  completely first: a bad one, or one of a newer format version, answers 400 ``{"message": ...}`` and changes
  nothing.
* ``after_request``: with ``--state-dir``, every successful request that may have changed state is made durable
  (``PersistentState.sync``) before its answer is sent; if that fails, the answer is a 500, never a 2xx.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from werkzeug.wrappers import Request, Response

from ..backend import Backend
from . import export_archive, import_archive
from .document import StateFormatError
from .persist import PersistentState

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


def _may_change(request: Request) -> bool:
    path, method = request.path, request.method
    if path.startswith("/_mock/"):
        return path != "/_mock/health" and method not in ("GET", "HEAD")
    if path.startswith("/v1/"):
        return method not in ("GET", "HEAD")  # every API GET is a read (Describe*, Get*, List* by GET)
    return True  # a package manager's read may retain a version from an upstream


def after_request(store: PersistentState, request: Request, response: Response) -> Response:
    """Make the request's changes durable before ``response`` goes out (server ``--state-dir``)."""
    if response.status_code >= 400 or not _may_change(request):
        return response
    try:
        store.sync()
    except Exception as error:  # disk full, permissions: never acknowledge a change that is not durable
        log.exception("mock-codeartifact could not persist the state")
        return _json(500, {"message": f"The change could not be made durable: {error}"})
    return response


def enable_persistence(app: Any, directory: str) -> PersistentState:
    """Load ``directory`` into ``app``'s backend (creating the store if needed) and persist from now on."""
    store = PersistentState(directory, app.backend)
    store.open()
    app.after_request = lambda request, response: after_request(store, request, response)
    return store
