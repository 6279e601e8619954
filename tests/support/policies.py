"""Helpers for authorization tests: resource policies and the AccessDenied answer."""

from __future__ import annotations

import json
from typing import Any

from tests.support.control_plane import raises


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, actions: Any = "codeartifact:*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    """An Allow statement; ``principal`` is an account id/ARN (or a list), or ``"*"``."""
    who = principal if principal == "*" else {"AWS": principal}
    return {"Effect": "Allow", "Principal": who, "Action": actions, "Resource": resource, **extra}


def deny(principal: Any, actions: Any = "codeartifact:*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    who = principal if principal == "*" else {"AWS": principal}
    return {"Effect": "Deny", "Principal": who, "Action": actions, "Resource": resource, **extra}


def denied(action: str, resource: str | None = None, user: str | None = None, explicit: bool | None = None) -> Any:
    """``with denied("DescribeDomain", arn):`` expects AWS's AccessDeniedException (403) for that action; with
    ``explicit`` True/False also the reason (an explicit deny / no resource-based policy allows it)."""
    if resource is None:
        message = f"codeartifact:{action}"
    else:
        message = f"to perform: codeartifact:{action} on resource: {resource}"
        if user is not None:
            message = f"User: {user} is not authorized {message}"
        if explicit is True:
            message += " with an explicit deny in a resource-based policy"
        elif explicit is False:
            message += f" because no resource-based policy allows the codeartifact:{action} action"
    return raises("AccessDeniedException", 403, message=message)
