"""Interception: how CodeArtifact requests reach the in-process answer instead of the network.

One answer is installed (:mod:`.answers`) and each HTTP client is hooked in its own module: botocore
(:mod:`.botocore_client`: the ``before-send.codeartifact`` handler, fake credentials, fallbacks for sessions made
before import), aiobotocore (:mod:`.aiobotocore_client`: the same handler's answer awaited, fallbacks for its
sessions) and ``requests`` (:mod:`.requests_client`: one private ``responses`` mock, for the API hosts and the
repository hosts). Requests to a loopback endpoint (a ``ThreadedCodeArtifactServer``) are never intercepted.
"""

from __future__ import annotations

from . import aiobotocore_client, answers, botocore_client, requests_client
from .answers import Answer, EndpointAnswer


def install(answer: Answer, endpoints: EndpointAnswer | None = None) -> None:
    """Answer every CodeArtifact request with ``answer`` (``requests`` to repository-endpoint hosts with
    ``endpoints``) until :func:`uninstall`."""
    answers.install(answer, endpoints)
    botocore_client.install()
    aiobotocore_client.install()
    requests_client.install()


def uninstall() -> None:
    botocore_client.uninstall()
    aiobotocore_client.uninstall()
    requests_client.uninstall()
    answers.uninstall()
