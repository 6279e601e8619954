"""Offline stand-ins for the public registries behind external connections (``public:pypi``, ``public:npmjs``, ...).

A repository with an external connection cannot reach the real public registry from the mock. Instead, seed a
stand-in; a package manager reading through the repository (or through a downstream repository) then sees those
versions, and fetching one ingests it exactly as CodeArtifact would: stored in the repository that has the
external connection and retained in the requesting repository, with origin ``EXTERNAL`` and
``domainEntryPoint.externalConnectionName``, subject to the package's ``upstream`` origin control and to package
groups (``EXTERNAL_UPSTREAM``, ``INTERNAL_UPSTREAM``). A package the stand-in does not have is a clean 404.

```python
from mock_codeartifact.external import external_registry

registry = external_registry(server)          # a ThreadedCodeArtifactServer, a MockCodeArtifact, a Backend, ...
registry.add_package_version(
    "public:pypi", package="left-pad", version="1.0.0",
    assets={"left_pad-1.0.0-py3-none-any.whl": wheel_bytes},
)
registry.add_package_version(
    "public:npmjs", package="left-pad", version="1.3.0", assets={"package.tgz": tarball}, dist_tags=["latest"],
)
```

Asset names follow each format's repository layout: the distribution's file name for pypi, ``package.tgz`` for
npm. Metadata (readme, dependencies, summary, ...) is taken from the arguments; pypi and npm packages whose
asset is a real wheel/sdist/tarball also get it from their own metadata when the arguments leave it out. The
stand-ins belong to one backend (every account and region share them, as they share the internet) and are
cleared by its reset.

Their state lives in ``backend/external.py`` (below the repository endpoints, which read it through
``protocols/storage/``), the metadata readers in ``protocols/external.py``, their HTTP API in
``server/external_api.py``.
"""

from __future__ import annotations

from typing import Any

from .backend import Backend
from .backend.external import ExternalRegistry, ExternalVersion
from .protocols.external import registry

__all__ = ["ExternalRegistry", "ExternalVersion", "external_registry"]


def external_registry(target: Any = None) -> ExternalRegistry:
    """The stand-in registries of ``target``: a ``ThreadedCodeArtifactServer``, ``CodeArtifactApp``,
    ``MockCodeArtifact`` or ``Backend``; None means the in-process mock's backend."""
    if target is None:
        from .mock import backend as process_backend

        backend = process_backend()
    elif isinstance(target, Backend):
        backend = target
    else:
        found = getattr(target, "backend", None)
        if callable(found) and not isinstance(found, Backend):
            found = found()
        if not isinstance(found, Backend):
            raise TypeError(f"cannot find the backend of {target!r}")
        backend = found
    return registry(backend)
