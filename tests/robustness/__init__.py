"""Robustness suites: model-driven fuzzing, atomicity, concurrency, isolation and no-network checks."""
