"""Packages and package versions (see the packages issue)."""
