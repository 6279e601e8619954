"""Integrations with other libraries, each loaded only when that library is loaded.

* moto's CloudFormation (:mod:`.moto_cloudformation`): while mock_codeartifact is active, stacks deployed into
  moto's ``mock_aws`` create, update and delete ``AWS::CodeArtifact::*`` resources in the mock (docs/cloudformation.md).

Activation calls :func:`activation_changed`; it costs a flag and a dictionary lookup unless an integration is loaded.
Nothing here imports the library it integrates with until the user's code has imported it.
"""

from __future__ import annotations

from . import post_import, switch

_MOTO_CLOUDFORMATION = "moto.cloudformation.models"
_GLUE = "mock_codeartifact.integrations.moto_cloudformation"


def activation_changed(active: bool) -> None:
    """The in-process mock turned on (``active``) or off: integrations follow."""
    switch.set_active(active)
    if active:
        # moto's CloudFormation takes a second to import: extend it when (and only if) something imports it.
        post_import.when_imported(_MOTO_CLOUDFORMATION, _GLUE)
