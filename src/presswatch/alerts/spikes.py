"""A spike in coverage: a day's count against its own trailing baseline.

The method (Huginn's peak detector, with a floor against flat baselines): with the counts of the previous
`days` days (14) having mean m and standard deviation s, a day with count x is a spike when

    x >= min_count   and   x > m + k * max(s, sqrt(m), 1)        (k = 3)

`sqrt(m)` is the sd a Poisson count of mean m would have: a baseline that happened to be flat (s = 0) does not
make every small wobble a spike; the floor of 1 does the same for a baseline of zeros, and `min_count` keeps
two articles on a quiet topic from being news.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SpikeMethod:
    days: int = 14
    k: float = 3.0
    min_count: int = 5

    def describe(self) -> str:
        return (
            f"more than the mean + {self.k:g} sd of the previous {self.days} days (sd at least sqrt(mean) and 1), "
            f"and at least {self.min_count}"
        )


def threshold(baseline: Sequence[int], method: SpikeMethod) -> float:
    """The count a day must exceed to be a spike after `baseline` (oldest first)."""
    window = list(baseline)[-method.days :] or [0]
    mean = sum(window) / len(window)
    sd = math.sqrt(sum((c - mean) ** 2 for c in window) / len(window))
    return mean + method.k * max(sd, math.sqrt(mean), 1.0)


def is_spike(count: int, baseline: Sequence[int], method: SpikeMethod | None = None) -> bool:
    method = method or SpikeMethod()
    return count >= method.min_count and count > threshold(baseline, method)
