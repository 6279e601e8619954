"""Repository endpoints for real package managers (server mode only).

``GetRepositoryEndpoint`` answered by a server returns ``{server}/{region}/{domain}/{owner}/{format}/{repository}/``;
``router.DataPlaneRouter`` (the ``data_plane`` of ``server.app.CodeArtifactApp``) serves that prefix:

1. parses the path (each segment percent-decoded on its own, so ``@scope%2Fname`` stays one segment);
2. resolves the request in one step under the owner's state lock (``storage.open_request``): the CodeArtifact
   token (``auth.py``: Basic ``aws:<token>``, ``Bearer <token>`` or a bare token; otherwise 401 with
   ``WWW-Authenticate: Basic realm=...``), the caller as a ``Call`` (principal, account, region, time: what the
   control plane's operations get), and the repository (404 when it or its domain does not exist);
3. calls the module registered for the format with a ``base.RepoRequest``, still holding that lock: the module
   works on the one resolved repository, and the request sees one consistent state.

Format-module interface: one small module per format, ``protocols/<name>.py`` after the name of its record in
``backend/formats.py``; every record with ``repository_endpoint`` has one, loaded from its name into
``ENDPOINTS`` (``tests/test_format_registry.py`` checks both ways)::

    FORMAT = CARGO                                     # its record (backend.formats); the format segment of the URL

    def metadata_from_assets(assets: dict[str, bytes]) -> dict[str, Any] | None:   # optional
        ...  # summary, readme and dependencies read from a stand-in version's real assets (external.py)

    def handle(req: RepoRequest) -> werkzeug.Response:  # req.segments: the path after the repository
        ...

    def render_error(status: int, message: str, headers: dict[str, str]) -> Response:   # optional
        ...  # the protocol's own error body (default: JSON {"error", "message"})

Inside ``handle``:

- raise ``base.ProtocolError(status, message)`` for the protocol's own refusals (rendered by ``render_error``);
  errors from the backend (``mock_codeartifact.errors``, e.g. ConflictException from origin controls) become
  the AWS-style error response; any other exception is logged and answered as InternalServerException;
- read bodies only through ``req.body()`` / ``req.form()`` / ``req.json_body()`` (size limit
  ``MOCK_CODEARTIFACT_MAX_UPLOAD_BYTES``, default 256 MiB, then 413); nothing is ever written to disk;
- open uploaded archives, compressed members and XML/YAML/JSON documents only through ``mock_codeartifact.bounded``
  (its ``LimitExceeded`` becomes a 413 in the format's error shape; docs/limits.md lists the caps);
- store and read only through ``storage/``, the one package here that imports backend state (checked by
  ``tests/test_import_graph.py``): ``storage.publish`` (the ingestion path of the seeding API, origin INTERNAL),
  ``storage.listable_versions`` (own + upstream + external-registry versions, Published only),
  ``storage.fetch_asset`` (upstream resolution with retention and external ingestion; Archived/Disposed: 404),
  ``storage.has_version``; the per-format parts ``storage.npm`` (``dist_tags``, ``set_dist_tag``,
  ``set_deprecations``) and ``storage.maven`` (``stage``, ``own_asset``, ``finish``, ``publish_snapshot``);
  ``req.call`` and ``req.target`` are opaque handles for those functions;
- wait on nothing while handling a request (the owner's state lock is held; the body has already arrived);
- validate every name with ``base.safe_name`` or stricter format rules before using it.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from ..backend.formats import ENDPOINT_FORMATS


def _endpoint(name: str) -> ModuleType:
    module = import_module(f"{__name__}.{name}")
    if module.FORMAT.name != name:
        raise ImportError(f"{module.__name__}.FORMAT is the record of '{module.FORMAT.name}', not of '{name}'")
    return module


#: Format name -> its endpoint module, one for each record with ``repository_endpoint``.
ENDPOINTS: dict[str, ModuleType] = {f.name: _endpoint(f.name) for f in ENDPOINT_FORMATS}
PROTOCOL_MODULES: tuple[ModuleType, ...] = tuple(ENDPOINTS.values())

__all__ = ["ENDPOINTS", "PROTOCOL_MODULES"]
