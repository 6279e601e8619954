"""Server mode: the CodeArtifact API and repository endpoints over HTTP."""

from .app import CodeArtifactApp
from .threaded import ThreadedCodeArtifactServer

__all__ = ["CodeArtifactApp", "ThreadedCodeArtifactServer"]
