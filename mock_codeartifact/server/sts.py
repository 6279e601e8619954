"""``sts:GetCallerIdentity`` on the server, for tools that ask who they are before they talk to CodeArtifact.

Clients pointed at the server with ``AWS_ENDPOINT_URL_STS`` (or ``--endpoint-url``) send STS's query protocol:
``POST /`` with the form ``Action=GetCallerIdentity&Version=2011-06-15`` (a GET with the same query works too),
signed with SigV4 for the service ``sts``. The answer is AWS's XML, for the principal the request's access key
maps to — the same principal the CodeArtifact API and the authorization layer see (``iam/caller.py``). Every
other action is answered as AWS answers an action it does not know: ``InvalidAction``, HTTP 400.

In-process, STS is moto's business (``mock_aws``): the mock does not intercept STS.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import Any, cast
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from ..errors import CodeArtifactError
from ..iam.caller import Principal, principal_of
from ..wire import Headers, HttpRequest

VERSION = "2011-06-15"
NAMESPACE = f"https://sts.amazonaws.com/doc/{VERSION}/"
_FORM = "application/x-www-form-urlencoded"


def _scope_service(request: Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    start = auth.find("Credential=")
    if start < 0:
        return None
    scope = auth[start + 11 :].split(",", 1)[0].split("/")
    return scope[3] if len(scope) > 3 else None


def _params(request: Request) -> Mapping[str, str]:
    if request.method == "POST" and request.mimetype == _FORM:
        return request.form
    return request.args


def is_sts_request(request: Request) -> bool:
    """A request to the server's root that is meant for STS: signed for ``sts``, or carrying an STS ``Action``."""
    if request.path != "/" or request.method not in ("GET", "POST"):
        return False
    if _scope_service(request) == "sts":
        return True
    return "Action" in _params(request) and _params(request).get("Version") == VERSION


def answer(request: Request) -> Response:
    """AWS's answer to one STS query-protocol request."""
    request_id = str(uuid.uuid4())
    action = _params(request).get("Action", "")
    if action != "GetCallerIdentity":
        code, message = (
            ("MissingAction", "Missing Action")
            if not action
            else ("InvalidAction", f"Could not find operation {action} for version {VERSION}")
        )
        return _error(code, message, request_id)
    caller = HttpRequest(
        request.method,
        request.path,
        request.query_string.decode("latin-1"),
        Headers(cast("Mapping[str, Any]", request.headers)),
        b"",
        request.host,
    )
    try:
        principal = principal_of(caller)
    except CodeArtifactError as error:  # a malformed account id (header or environment): say which, as STS would
        return _error("ValidationError", str(error), request_id)
    body = (
        f'<GetCallerIdentityResponse xmlns="{NAMESPACE}">\n'
        "  <GetCallerIdentityResult>\n"
        f"    <Arn>{escape(principal.arn)}</Arn>\n"
        f"    <UserId>{escape(user_id(principal))}</UserId>\n"
        f"    <Account>{principal.account}</Account>\n"
        "  </GetCallerIdentityResult>\n"
        "  <ResponseMetadata>\n"
        f"    <RequestId>{request_id}</RequestId>\n"
        "  </ResponseMetadata>\n"
        "</GetCallerIdentityResponse>\n"
    )
    return _xml(200, body, request_id)


def user_id(principal: Principal) -> str:
    """``UserId`` as AWS forms it: the account id for the root, ``AIDA…`` for a user, ``AROA…`` for a role,
    ``AROA…:SESSION`` for an assumed-role session. The mock has no IAM, so the unique ids are derived from the
    ARN (stable across calls and restarts)."""
    kind = principal.arn.split(":", 5)[-1]
    if kind == "root":
        return principal.account
    if kind.startswith("user/"):
        return "AIDA" + _unique(principal.arn)
    if kind.startswith("assumed-role/"):
        _, role, session = kind.split("/", 2)
        partition = principal.arn.split(":", 2)[1]
        return f"AROA{_unique(f'arn:{partition}:iam::{principal.account}:role/{role}')}:{session}"
    if kind.startswith("federated-user/"):
        return f"{principal.account}:{kind.split('/', 1)[1]}"
    return "AROA" + _unique(principal.arn)


def _unique(arn: str) -> str:
    # 17 upper-case letters and digits, like the rest of an IAM unique id.
    digest = hashlib.sha256(arn.encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return "".join(alphabet[b % 32] for b in digest[:17])


def _error(code: str, message: str, request_id: str) -> Response:
    body = (
        f'<ErrorResponse xmlns="{NAMESPACE}">\n'
        "  <Error>\n"
        "    <Type>Sender</Type>\n"
        f"    <Code>{code}</Code>\n"
        f"    <Message>{escape(message)}</Message>\n"
        "  </Error>\n"
        f"  <RequestId>{request_id}</RequestId>\n"
        "</ErrorResponse>\n"
    )
    return _xml(400, body, request_id)


def _xml(status: int, body: str, request_id: str) -> Response:
    return Response(body, status=status, content_type="text/xml", headers={"x-amzn-RequestId": request_id})
