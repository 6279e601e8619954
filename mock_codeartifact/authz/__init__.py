"""Authorization: who may call what.

``policy`` holds the IAM policy-language engine (parse, validate, evaluate); it knows nothing of CodeArtifact,
HTTP or the backend. ``identity`` says who is calling, ``table`` which actions each operation needs on which
resources, and ``enforce`` decides each request between decoding and the backend.
"""
