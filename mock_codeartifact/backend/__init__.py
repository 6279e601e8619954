"""The CodeArtifact rules over in-memory state. Knows nothing of HTTP, JSON or botocore."""

from .store import Backend, Call, RegionState

__all__ = ["Backend", "Call", "RegionState"]
