"""The name ``mock_codeartifact.iam.identity`` had before who is calling moved to ``mock_codeartifact.iam.caller``:
the same objects, for code that imports them from here."""

from .caller import (
    PRINCIPAL_HEADER,
    Principal,
    access_key_of,
    account_of,
    acting_as,
    clear,
    principal_of,
    region_of,
    register,
    registered,
    unregister,
)

__all__ = [
    "PRINCIPAL_HEADER",
    "Principal",
    "access_key_of",
    "account_of",
    "acting_as",
    "clear",
    "principal_of",
    "region_of",
    "register",
    "registered",
    "unregister",
]
