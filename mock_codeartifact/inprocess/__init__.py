"""The in-process mock's machinery: what starting a mock turns on, and how requests reach the backend.

``activation`` (the process-wide switch and its backend), ``interception`` (botocore, aiobotocore and ``requests``
answered in-process), ``environment`` (fake credentials and region), ``decorators``, ``pristine`` (botocore objects
put back between tests), ``send_hook`` (the one ``before-send.codeartifact`` handler) and ``repository_hosts``
(real repository host names answered in-process). Nothing here is imported on ``import mock_codeartifact``: this
package stays empty so that the pytest plugin and ``send_hook`` cost nothing to import.
"""
