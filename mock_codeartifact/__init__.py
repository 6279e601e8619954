"""mock-codeartifact: test code that talks to AWS CodeArtifact without AWS.

``mock_codeartifact`` answers every CodeArtifact request botocore makes, in-process, from an in-memory
backend; ``mock_codeartifact.server.ThreadedCodeArtifactServer`` serves the same backend over HTTP.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mock import MockCodeArtifact, mock_codeartifact, reset

__all__ = ["MockCodeArtifact", "mock_codeartifact", "reset"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Loaded on first use: pytest imports this package (for the plugin) in every project where it is installed,
    # and that must not load botocore, boto3 and the backend (docs/pytest-plugin.md, "Cost").
    if name in __all__:
        from . import mock

        value = getattr(mock, name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        # ``import mock_codeartifact`` then ``mock_codeartifact.server...``: submodules load on first use too.
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
