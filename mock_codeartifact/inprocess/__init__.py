"""The in-process mock's machinery: what starting a mock turns on, and how requests reach the backend.

``activation`` (the process-wide switch and its backend), ``interception`` (botocore, aiobotocore and ``requests``
answered in-process), ``decorators``, ``send_hook`` (the one ``before-send.codeartifact`` handler) and
``repository_hosts`` (real repository host names answered in-process, by the server's application: so this package
sits above ``server/``). The test process's environment (``environment``, ``pristine``) is shared with
``ThreadedCodeArtifactServer`` and lives below both. Nothing here is imported on ``import mock_codeartifact``: this
package stays empty so that the pytest plugin and ``send_hook`` cost nothing to import.
"""
