"""mock-codeartifact: test code that talks to AWS CodeArtifact without AWS.

``mock_codeartifact`` answers every CodeArtifact request botocore makes, in-process, from an in-memory
backend; ``mock_codeartifact.server.ThreadedCodeArtifactServer`` serves the same backend over HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mock import MockCodeArtifact, mock_codeartifact, reset

__all__ = ["MockCodeArtifact", "mock_codeartifact", "reset"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The names are loaded on first use: importing the package (as pytest does for the plugin, in every project
    # where it is installed) must not load botocore, boto3 and the backend (docs/typing.md, "Costs nothing unused").
    if name in __all__:
        from . import mock

        value = getattr(mock, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
