"""mock-codeartifact: test code that talks to AWS CodeArtifact without AWS.

``mock_codeartifact`` answers every CodeArtifact request botocore makes, in-process, from an in-memory
backend; ``mock_codeartifact.server.ThreadedCodeArtifactServer`` serves the same backend over HTTP.
"""

from .mock import MockCodeArtifact, mock_codeartifact, reset

__all__ = ["MockCodeArtifact", "mock_codeartifact", "reset"]
__version__ = "0.1.0"
