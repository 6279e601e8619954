"""The wire codec: HTTP and botocore's model, no CodeArtifact rules."""

from .codec import Codec, OperationSpec, load_service_model
from .http import Headers, HttpRequest, HttpResponse

__all__ = ["Codec", "Headers", "HttpRequest", "HttpResponse", "OperationSpec", "load_service_model"]
