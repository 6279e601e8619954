"""Authorization: who may call what.

``policy`` holds the IAM policy-language engine (parse, validate, evaluate); it knows nothing of CodeArtifact,
HTTP or the backend.
"""
