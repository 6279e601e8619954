"""The CodeArtifact API as CloudFormation calls it: a botocore client per region (and endpoint), answered
in-process by the active mock (the same interception, decoding, authorization and backend as any client's call)
or by a mock-codeartifact server at an endpoint URL, the caller named by the principal header."""

from __future__ import annotations

import contextvars
import threading
from typing import Any

from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

from ..iam.caller import PRINCIPAL_HEADER
from . import switch
from .cfn_resources import ResourceFailed

NOT_ACTIVE = (
    "mock_codeartifact is not active: this stack's CodeArtifact resources live in its state. Keep "
    "mock_codeartifact() (or cloudformation_endpoint()) active while the stack is created, updated or deleted"
)

_principal: contextvars.ContextVar[str | None] = contextvars.ContextVar("mock_codeartifact_cfn_principal", default=None)
_lock = threading.Lock()
_session: Any = None
_clients: dict[tuple[str, str | None], Any] = {}


def _add_principal(request: Any = None, **kwargs: Any) -> None:
    principal = _principal.get()
    if principal and request is not None:
        request.headers[PRINCIPAL_HEADER] = principal


def _client(region: str, endpoint_url: str | None) -> Any:
    global _session
    with _lock:
        client = _clients.get((region, endpoint_url))
        if client is None:
            import botocore.session

            if _session is None:
                _session = botocore.session.Session()
            client = _session.create_client(
                "codeartifact",
                region_name=region,
                endpoint_url=endpoint_url,
                # Never used for AWS: the request is answered in-process, and the principal header says who calls.
                aws_access_key_id="mock-codeartifact-cloudformation",
                aws_secret_access_key="mock-codeartifact-cloudformation",
                config=Config(retries={"total_max_attempts": 1}),
            )
            client.meta.events.register("before-sign.codeartifact", _add_principal)
            if len(_clients) >= 32:  # servers on ever new ports in a long test session: keep a few
                _clients.clear()
            _clients[(region, endpoint_url)] = client
        return client


class ApiCaller:
    """Calls the CodeArtifact API in ``region`` as ``principal_arn`` (an IAM/STS principal ARN), in-process or
    at ``endpoint_url``."""

    def __init__(self, region: str, principal_arn: str, endpoint_url: str | None = None) -> None:
        self.region = region
        self.principal_arn = principal_arn
        self.endpoint_url = endpoint_url

    def __call__(self, operation: str, **params: Any) -> dict[str, Any]:
        if self.endpoint_url is None and not switch.is_active():
            # Nothing would answer in-process: the call must not go to AWS.
            raise ResourceFailed("ServiceUnavailable", NOT_ACTIVE)
        method = getattr(_client(self.region, self.endpoint_url), xform_name(operation))
        token = _principal.set(self.principal_arn)
        try:
            answer: dict[str, Any] = method(**params)
        except ClientError as error:
            detail = error.response.get("Error", {})
            raise ResourceFailed(str(detail.get("Code", "")), str(detail.get("Message", error))) from None
        except ParamValidationError as error:  # a property of the wrong type: the API would reject it too
            raise ResourceFailed("ValidationException", str(error)) from None
        finally:
            _principal.reset(token)
        answer.pop("ResponseMetadata", None)
        return answer
