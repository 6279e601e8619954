"""``import mock_codeartifact.for_moto``: outside pytest, turn the moto integration on (docs/moto.md).

The same as calling :func:`mock_codeartifact.moto_integration.enable` once: CodeArtifact requests made while
moto's ``mock_aws`` is active are answered by this library. Under pytest the plugin does this already.
"""

from __future__ import annotations

from . import moto_integration

moto_integration.enable()
