"""Authorization: who may call what.

``policy`` holds the IAM policy-language engine (parse, validate, evaluate); it knows nothing of CodeArtifact,
HTTP or the backend. ``identity`` says who is calling. The enforcement that reads the backend (which policies
apply, the decision) is ``mock_codeartifact.authorization``.
"""
