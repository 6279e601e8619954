"""Repository endpoints for real package managers (server mode only).

``GetRepositoryEndpoint`` answered by a server returns ``{server}/{region}/{domain}/{owner}/{format}/{repository}/``;
``router.DataPlaneRouter`` (the ``data_plane`` of ``server.app.CodeArtifactApp``) serves that prefix:

1. parses the path (each segment percent-decoded on its own, so ``@scope%2Fname`` stays one segment);
2. authenticates the CodeArtifact token (``auth.py``: Basic ``aws:<token>``, ``Bearer <token>`` or a bare token;
   otherwise 401 with ``WWW-Authenticate: Basic realm=...``);
3. checks that domain and repository exist (404);
4. calls the module registered for the format with a ``base.RepoRequest``.

Format-module interface (one small module per format; register it in ``PROTOCOL_MODULES``)::

    FORMAT = "cargo"                                   # the format segment of the URL

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
- store and read only through ``storage.py``, the one module here that imports backend state (checked by
  ``tests/test_import_graph.py``): ``publish`` (the ingestion path of the seeding API, origin INTERNAL),
  ``listable_versions`` (own + upstream + external stand-in versions, Published only), ``fetch_asset``
  (upstream resolution with retention and external ingestion; Archived/Disposed: 404), ``dist_tags``/
  ``set_dist_tag``, ``has_version``, Maven's ``stage``/``finish``/``publish_snapshot``; ``req.backend`` is
  an opaque handle for those functions;
- validate every name with ``base.safe_name`` or stricter format rules before using it.
"""

from __future__ import annotations

from types import ModuleType

from . import cargo, maven, npm, nuget, pypi, ruby, swift

PROTOCOL_MODULES: tuple[ModuleType, ...] = (pypi, npm, maven, cargo, ruby, nuget, swift)

__all__ = ["PROTOCOL_MODULES"]
