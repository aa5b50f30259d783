"""Fast weighted choice: cumulative weights computed once, one random() and a bisect per draw."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    def __init__(self, options: Sequence[tuple[T, int | float]]) -> None:
        self.items = [item for item, _ in options]
        self.cumulative = list(accumulate(w for _, w in options))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def choose(rng: random.Random, seq: Sequence[T]) -> T:
    """Uniform choice; about twice as fast as random.choice (one random() instead of getrandbits loops)."""
    return seq[int(rng.random() * len(seq))]
