"""Integrations with other libraries, each loaded only when that library is loaded.

* moto's CloudFormation (:mod:`.moto_cloudformation`): stacks deployed into moto create, update and delete
  ``AWS::CodeArtifact::*`` resources -- in the in-process mock while mock_codeartifact is active, or in a
  mock-codeartifact server inside :func:`cloudformation_endpoint` (docs/cloudformation.md).

Activation calls :func:`activation_changed`: a flag, and a few dictionary lookups.
Nothing here imports the library it integrates with until the user's code has imported it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from . import post_import, switch

__all__ = ["activation_changed", "cloudformation_endpoint"]

_MOTO_CLOUDFORMATION = "moto.cloudformation.models"
_GLUE = "mock_codeartifact.integrations.moto_cloudformation"


def activation_changed(active: bool) -> None:
    """The in-process mock turned on (``active``) or off: integrations follow."""
    switch.set_active(active)
    if active:
        _follow_moto()


def _follow_moto() -> None:
    # moto's CloudFormation takes a second to import: extend it when (and only if) something imports it while
    # an integration is on. Once the glue is loaded this is one dictionary lookup.
    if _GLUE not in sys.modules:
        post_import.when_imported(_MOTO_CLOUDFORMATION, _GLUE, switch.is_active)


@contextmanager
def cloudformation_endpoint(endpoint_url: str) -> Iterator[None]:
    """Within the block, moto's CloudFormation *in this process* -- ``mock_aws``, or a moto server started from
    Python (``moto.server.ThreadedMotoServer``) -- creates, updates and deletes ``AWS::CodeArtifact::*``
    resources through the CodeArtifact API at ``endpoint_url`` (a mock-codeartifact server), whether or not the
    in-process mock is active."""
    if not endpoint_url.startswith(("http://", "https://")):
        raise ValueError(f"endpoint_url must be an http(s) URL, not {endpoint_url!r}")
    previous = switch.endpoint()
    switch.set_endpoint(endpoint_url.rstrip("/"))
    _follow_moto()
    try:
        yield
    finally:
        switch.set_endpoint(previous)
