"""A spike in coverage: a day's count against its own trailing baseline.

The method (Huginn's peak detector, made robust for news counts): over the previous `days` days (56, eight
weeks), the day's expected count e is the median of the eight counts on its weekday (coverage is thinner at
weekends), and the spread s is 1.4826 * the median absolute deviation of every day from its weekday's median
(the sd, for normal noise, that one earlier spike in the window does not inflate). A day with count x is a
spike when

    x >= min_count   and   x > e + k * max(s, sqrt(e + e² / size), 1)   and   x >= ratio * e

(k = 3.5, size = 10, ratio = 2.5, min_count = 9), the day before was not above that bar against its own
baseline, and x is higher than each of the previous `cool_down` days (3): a spike alerts once, on its first
day, not again as the story goes on, or dies down and flares.

`sqrt(e + e² / size)` is the spread of a negative-binomial count of mean e: coverage varies from day to day
more than a Poisson count would, so a calm stretch in the window does not make every busy day a spike; the
floor of 1 does the same for a baseline of zeros; `min_count` keeps a few articles on a quiet topic from being
news, and `ratio` keeps the ordinary ups of a busy topic (a news cycle at 1.5-2x) from being one. The numbers
were chosen on eval/spikes.py's development seeds and are measured on its held-out ones.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

WEEK = 7


@dataclass(frozen=True)
class SpikeMethod:
    days: int = 56
    k: float = 3.5
    size: float = 10.0
    ratio: float = 2.5
    min_count: int = 9
    cool_down: int = 3

    def describe(self) -> str:
        return (
            f"above the median of the same weekday + {self.k:g} x 1.4826 MAD of the previous {self.days} days "
            f"(spread at least sqrt(median + median²/{self.size:g}) and 1), at least {self.ratio:g} x that "
            f"median and {self.min_count} articles, the day before not above, and higher than each of the "
            f"previous {self.cool_down} days"
        )


def expected(baseline: Sequence[int], method: SpikeMethod) -> float:
    """The count expected the day after `baseline` (oldest first): the median of its weekday in the window."""
    window = list(baseline)[-method.days :] or [0]
    return statistics.median(window[-WEEK::-WEEK] or window)


def threshold(baseline: Sequence[int], method: SpikeMethod) -> float:
    """The count a day must exceed to be a spike after `baseline` (oldest first)."""
    window = list(baseline)[-method.days :] or [0]
    usual = expected(window, method)
    # each day against its own weekday's median, so the weekly rhythm is not counted as noise
    weekday_medians = [statistics.median(window[-1 - i :: -WEEK]) for i in range(min(WEEK, len(window)))]
    residuals = [count - weekday_medians[age % WEEK] for age, count in enumerate(reversed(window))]
    centre = statistics.median(residuals)
    spread = 1.4826 * statistics.median(abs(r - centre) for r in residuals)
    # the spread of a negative-binomial count: coverage is overdispersed, a Poisson spread would be too tight
    counting = math.sqrt(usual + usual * usual / method.size)
    return max(usual + method.k * max(spread, counting, 1.0), method.ratio * usual - 1e-9)


def _above(count: int, baseline: Sequence[int], method: SpikeMethod) -> bool:
    return count >= method.min_count and count > threshold(baseline, method)


def is_spike(count: int, history: Sequence[int], method: SpikeMethod | None = None) -> bool:
    """Whether `count` is a spike after `history` (the daily counts before it, oldest first; the last `days`
    are the baseline, and one more day before them tells whether yesterday was already above the bar)."""
    method = method or SpikeMethod()
    days = list(history)
    if not _above(count, days[-method.days :], method):
        return False
    # the same spike going on, or dying down and flaring again, alerts once
    if method.cool_down and count <= max(days[-method.cool_down :], default=0):
        return False
    return len(days) < 2 or not _above(days[-1], days[-method.days - 1 : -1], method)
