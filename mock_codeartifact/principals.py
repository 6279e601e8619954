"""Acting as principals other than the account root, in-process and on an in-process server.

```python
from mock_codeartifact import principals

principals.register("AKIAIOSFODNN7EXAMPLE", "arn:aws:iam::222222222222:role/ci")   # a key is a principal
ci = boto3.client("codeartifact", aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")

with principals.acting_as("arn:aws:iam::333333333333:user/alice"):                 # a block is a principal
    ...
```

See docs/authorization.md for the order in which a request's principal is found; the resolution itself is
``mock_codeartifact.iam.caller``, which the API, the server and the repository endpoints use too.
"""

from .iam.caller import PRINCIPAL_HEADER, Principal, acting_as, clear, register, registered, unregister

__all__ = ["PRINCIPAL_HEADER", "Principal", "acting_as", "clear", "register", "registered", "unregister"]
