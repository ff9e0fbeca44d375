"""A spike in coverage: a day's count against its own trailing baseline.

The method (Huginn's peak detector, made robust): over the previous `days` days (14), the baseline is the
median m of the counts and their spread s = 1.4826 * the median absolute deviation (the sd, for normal noise,
that one earlier spike in the window does not inflate). A day with count x is a spike when

    x >= min_count   and   x > m + k * max(s, sqrt(m), 1)   and   x >= ratio * m

(k = 3, ratio = 2.8, min_count = 8)

and the day before was not one, or x is at least twice the day before (a spike alerts on its first day,
not again as the story goes on).
`sqrt(m)` is the spread a Poisson count of mean m would have: a flat baseline does not make every wobble a
spike; the floor of 1 does the same for a baseline of zeros; `min_count` keeps two articles on a quiet topic
from being news, and `ratio` keeps the ordinary ups of a busy topic (a news cycle at 1.5-2x) from being one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SpikeMethod:
    days: int = 14
    k: float = 3.0
    ratio: float = 2.8
    min_count: int = 8

    def describe(self) -> str:
        return (
            f"above the median + {self.k:g} x 1.4826 MAD of the previous {self.days} days (spread at least "
            f"sqrt(median) and 1), at least {self.ratio:g} x the median and {self.min_count} articles, "
            "and the day before not a spike (or this day twice it)"
        )


def threshold(baseline: Sequence[int], method: SpikeMethod) -> float:
    """The count a day must exceed to be a spike after `baseline` (oldest first)."""
    window = list(baseline)[-method.days :] or [0]
    median = statistics.median(window)
    spread = 1.4826 * statistics.median(abs(c - median) for c in window)
    return max(median + method.k * max(spread, math.sqrt(median), 1.0), method.ratio * median - 1e-9)


def _above(count: int, baseline: Sequence[int], method: SpikeMethod) -> bool:
    return count >= method.min_count and count > threshold(baseline, method)


def is_spike(count: int, history: Sequence[int], method: SpikeMethod | None = None) -> bool:
    """Whether `count` is a spike after `history` (the daily counts before it, oldest first; the last `days`
    are the baseline, and one more day before them tells whether yesterday was already a spike)."""
    method = method or SpikeMethod()
    days = list(history)
    if not _above(count, days[-method.days :], method):
        return False
    # a second day above the threshold is the same spike going on, unless it doubles again
    return len(days) < 2 or not _above(days[-1], days[-method.days - 1 : -1], method) or count >= 2 * days[-1]
