"""How many co-occurrences two accounts would have by chance, a p-value per edge, and the false-discovery cut.

The null model keeps each account's activity (its number of uses of each method in the period) and the
popularity of every trace, and draws times uniformly over the period: two uses of the same trace then fall
within the window W with probability 2W/T. Accounts a and b with n_a and n_b uses of a method whose traces
have popularity shares pi_t meet by chance, on average,

    lambda = n_a * n_b * sum_t(pi_t^2) * 2W / T

times (summed over methods). The observed weight is tested against Poisson(lambda): the p-value is
P(X >= weight). A hyperactive account has a large n_a, so its many accidental meetings are expected, not
evidence; a group that shares rare traces at the same moments has a tiny lambda.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import poisson


@dataclass
class Activity:
    """One method's uses in the period: per account, the sum of squared trace sizes, the time span."""

    uses: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # indexed by account id
    total: int = 0
    squares: int = 0  # sum over traces of (uses of the trace)^2
    first_ms: int | None = None
    last_ms: int | None = None

    def add(self, account: np.ndarray, group: np.ndarray, at: np.ndarray) -> None:
        """Count one chunk of uses (rows sorted by trace, then time; `group` numbers the traces)."""
        if not len(account):
            return
        counts = np.bincount(account, minlength=len(self.uses))
        if len(counts) > len(self.uses):
            counts[: len(self.uses)] += self.uses
            self.uses = counts
        else:
            self.uses += counts
        sizes = np.bincount(group)
        self.total += len(account)
        self.squares += int(np.dot(sizes, sizes))
        low, high = int(at.min()), int(at.max())
        self.first_ms = low if self.first_ms is None else min(self.first_ms, low)
        self.last_ms = high if self.last_ms is None else max(self.last_ms, high)

    def meeting_rate(self, window_ms: int, per_use: int = 1) -> float:
        """sum(pi_t^2) * 2W / T: the chance meetings per pair of uses; `per_use` keys per use (LSH bands)."""
        if not self.total or self.first_ms is None or self.last_ms is None:
            return 0.0
        span = max(self.last_ms - self.first_ms, 2 * window_ms, 1)
        concentration = self.squares / float(self.total) ** 2
        # A text has `per_use` band keys: its uses are total/per_use, and a pair of texts meets in any band.
        return min(1.0, 2.0 * window_ms / span) * concentration * per_use

    def of(self, accounts: np.ndarray, per_use: int = 1) -> np.ndarray:
        """The uses of each account (0 for one never seen), in posts (band keys divided out)."""
        found = np.zeros(len(accounts), dtype=np.float64)
        inside = accounts < len(self.uses)
        found[inside] = self.uses[accounts[inside]] / per_use
        return found


def expected_meetings(a: np.ndarray, b: np.ndarray, rates: list[tuple[Activity, float, int]]) -> np.ndarray:
    """lambda per pair: sum over methods of n_a * n_b * rate."""
    expected = np.zeros(len(a), dtype=np.float64)
    for activity, rate, per_use in rates:
        expected += activity.of(a, per_use) * activity.of(b, per_use) * rate
    return expected


def p_values(weight: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """P(X >= weight) for X ~ Poisson(expected)."""
    return np.asarray(poisson.sf(weight - 1, np.maximum(expected, 1e-300)), dtype=np.float64)


def benjamini_hochberg(p: np.ndarray, tests: int, q: float) -> np.ndarray:
    """Which p-values pass the false-discovery cut at q among `tests` tests (the untested count as p = 1)."""
    tests = max(tests, len(p))
    if not len(p):
        return np.zeros(0, dtype=bool)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    passing = np.flatnonzero(ranked <= q * np.arange(1, len(p) + 1) / tests)
    keep = np.zeros(len(p), dtype=bool)
    if len(passing):
        keep[order[: passing[-1] + 1]] = True
    return keep
