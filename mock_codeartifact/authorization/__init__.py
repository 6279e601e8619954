"""Enforcement of resource policies between decoding and the backend (docs/authorization.md).

``table`` says which IAM actions each operation needs on which resources (derived from the model); ``enforce``
finds the applicable policies in the backend and decides, with the policy engine of ``mock_codeartifact.iam``;
``switch`` is the one way enforcement is turned off.
"""
