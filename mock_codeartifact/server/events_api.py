"""``GET /_mock/events``: the CodeArtifact EventBridge events a server produced, most recent last (docs/events.md).

Query parameters, all optional: ``limit`` (how many of the most recent, default 100, at most 1000), and filters
``account``, ``domain``, ``repository``, ``format``, ``namespace``, ``package``, ``operation`` (exact values).
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Request, Response

from ..backend import Backend
from ..events.log import events_of

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

_DETAIL_FILTERS = {
    "domain": "domainName",
    "repository": "repositoryName",
    "format": "packageFormat",
    "namespace": "packageNamespace",
    "package": "packageName",
    "operation": "operationType",
}


def events_api(request: Request, backend: Backend) -> Response:
    """Answer ``GET /_mock/events`` (routed, GET and HEAD only, by ``server/mock_api.py``)."""
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        return _json(400, {"message": f"limit must be a number from 1 to {MAX_LIMIT}"})
    limit = int(raw)
    account = request.args.get("account")
    wanted = {field: request.args[name] for name, field in _DETAIL_FILTERS.items() if name in request.args}
    selected = []
    # Newest first until ``limit`` match, so a long log is not rendered whole for a short answer.
    for change in reversed(list(backend.changes)):
        for ev in reversed(events_of([change])):
            if account is not None and ev["account"] != account:
                continue
            detail = ev["detail"]
            if all(detail.get(field) == value for field, value in wanted.items()):
                selected.append(ev)
        if len(selected) >= limit:
            break
    return _json(200, {"events": selected[:limit][::-1]})


def _json(status: int, body: dict[str, object]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
