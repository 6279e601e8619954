"""Values that passed a check, remembered so that the same value checked again costs one set lookup.

The checks that use it (the wire codec's string constraints, the backend's asset-name rules) depend on the value
alone, and the same few names come back on every call (benchmarks/README.md, "The hot path").
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)

#: How many values one check remembers before it starts over.
BOUND = 4096


class Passed(set[T], Generic[T]):
    """A set of values that passed one check, emptied when it reaches ``bound`` so that it stays small.

    ``value in passed`` is a plain set lookup; a race between threads costs at most a check run twice.
    """

    def __init__(self, bound: int = BOUND) -> None:
        super().__init__()
        self.bound = bound

    def add(self, value: T) -> None:
        if len(self) >= self.bound:
            self.clear()
        super().add(value)
