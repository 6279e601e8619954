"""The errors CodeArtifact can answer with, one class per error shape of the service model.

The backend raises these; the wire codec turns them into the modeled error response (status code,
``x-amzn-ErrorType`` and members) by looking the class name up in botocore's model. Keyword fields use the
Python spelling of the model's members (``resource_id`` for ``resourceId``), so the backend never needs to
know wire names.
"""

from __future__ import annotations

from typing import Any


class CodeArtifactError(Exception):
    """Base of every modeled CodeArtifact error. ``code`` is the model's error shape name."""

    code = "InternalServerException"

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = {k: v for k, v in fields.items() if v is not None}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, {self.fields!r})"


class AccessDeniedException(CodeArtifactError):
    code = "AccessDeniedException"


class ConflictException(CodeArtifactError):
    code = "ConflictException"


class InternalServerException(CodeArtifactError):
    code = "InternalServerException"


class ResourceNotFoundException(CodeArtifactError):
    code = "ResourceNotFoundException"


class ServiceQuotaExceededException(CodeArtifactError):
    code = "ServiceQuotaExceededException"


class ThrottlingException(CodeArtifactError):
    code = "ThrottlingException"


class ValidationException(CodeArtifactError):
    code = "ValidationException"

    def __init__(self, message: str, reason: str | None = "FIELD_VALIDATION_FAILED", **fields: Any) -> None:
        super().__init__(message, reason=reason, **fields)


def not_found(message: str, resource_type: str, resource_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(message, resource_id=resource_id, resource_type=resource_type)


def conflict(message: str, resource_type: str | None = None, resource_id: str | None = None) -> ConflictException:
    return ConflictException(message, resource_id=resource_id, resource_type=resource_type)


def invalid(message: str, reason: str = "FIELD_VALIDATION_FAILED") -> ValidationException:
    return ValidationException(message, reason=reason)
