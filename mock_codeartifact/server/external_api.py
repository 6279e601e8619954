"""``/_mock/external``: the stand-ins for public registries (``mock_codeartifact.external``) over HTTP, for a
server running in another process (routed by ``server/mock_api.py``)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from werkzeug.wrappers import Request, Response

from .. import bounded
from ..backend import Backend
from ..errors import CodeArtifactError
from ..protocols.external import registry as external_registry


def clear(backend: Backend) -> Response:
    """``DELETE /_mock/external``: clear every stand-in."""
    external_registry(backend).clear()
    return _answer(200, {"status": "cleared"})


def remove(request: Request, backend: Backend, connection: str, package: str) -> Response:
    """``DELETE /_mock/external/{connection}/{package}`` (``?namespace=``): remove a package."""
    external_registry(backend).remove_package(
        connection, package=package, namespace=request.args.get("namespace") or None
    )
    return _answer(200, {"status": "removed"})


def add(request: Request, backend: Backend, connection: str) -> Response:
    """``POST /_mock/external/{connection}`` with a JSON object: the keyword arguments of ``add_package_version``
    (``package``, ``version``, ``namespace``, ``readme``, ``dependencies``, ``summary``, ``home_page``,
    ``source_code_repository``, ``licenses``, ``display_name``, ``dist_tags``) and ``assets``: asset name ->
    base64 content. Answers 200 ``{"status": "added", ...}``; 400 with ``{"message"}`` for bad input (413 for a
    body over a cap: ``bounded.LimitExceeded``, answered by the route map)."""
    try:
        body = bounded.loads_json(request.get_data(), "the body")
    except ValueError:
        return _answer(400, {"message": "The body must be a JSON object"})
    allowed = {
        "package", "version", "namespace", "readme", "dependencies", "summary", "home_page",
        "source_code_repository", "licenses", "display_name", "dist_tags", "assets",
    }  # fmt: skip
    if not isinstance(body, dict) or not {"package", "version", "assets"} <= body.keys() or body.keys() - allowed:
        return _answer(
            400, {"message": f"Expected a JSON object with package, version, assets and only {sorted(allowed)}"}
        )
    raw_assets = body.pop("assets")
    if not isinstance(raw_assets, dict) or not all(isinstance(v, str) for v in raw_assets.values()):
        return _answer(400, {"message": "assets must map asset names to base64 strings"})
    try:
        assets = {name: base64.b64decode(data, validate=True) for name, data in raw_assets.items()}
    except (binascii.Error, ValueError):
        return _answer(400, {"message": "assets must be base64"})
    if not all(isinstance(body[k], str) for k in ("package", "version")):
        return _answer(400, {"message": "package and version must be strings"})
    try:
        entry = external_registry(backend).add_package_version(connection, assets=assets, **body)
    except CodeArtifactError as error:
        return _answer(400, {"message": error.message})
    except (TypeError, ValueError, AttributeError) as error:
        return _answer(400, {"message": f"Invalid stand-in version: {error}"})
    return _answer(200, {"status": "added", "version": entry.version, "assets": sorted(entry.assets)})


def _answer(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
