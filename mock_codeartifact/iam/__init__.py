"""IAM, as the mock needs it: who is calling, and the policy language.

``policy`` holds the IAM policy-language engine (parse, validate, evaluate); it knows nothing of CodeArtifact,
HTTP or the backend. ``caller`` says who is calling: a request's principal, account and region. The
CodeArtifact side (which action each operation needs on which resource, which policies apply,
the decision) is ``mock_codeartifact.authorization``.
"""
