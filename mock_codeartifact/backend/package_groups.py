"""Package groups (see the package-groups issue)."""
