"""How many co-occurrences two accounts would have by chance, a p-value per edge, and the false-discovery cut.

Two accounts meet on a trace when both used it at most W apart; an edge's weight is the distinct traces they
met on. The null model keeps how much each account meets others (its exposure e_a, the sum of its weights with
every account it met at all: an account that joins viral bursts, or posts all day, meets many others) and hands
out the partners at random, as the configuration model of a network does. Accounts a and b then meet by
chance, on average,

    lambda = e_a * e_b / (2 * M)

times (M: the sum of the weights of every pair that met; methods pooled). The observed weight,
the distinct traces a and b met on, is tested against Poisson(lambda): the p-value is P(X >= weight). Times stay
as they were (bursts stay bursts), so ordinary accounts that meet in the same viral bursts are expected to meet
now and then: two such bursts are not evidence.

A group that meets mostly among itself would explain itself under that model when it makes most of the
meetings of the period: its members' exposure is their meetings with each other. So the exposures are fitted to
the background: the meetings of the edges kept as coordinated (and an edge's own) are taken out of e_a, e_b and
M, and the test is run again until the kept edges stop changing (at most `FITS` rounds). The first round
starts from the edges that beat the uniform-time null below; ordinary accounts that met in two viral bursts
may be among them, but their meetings with everyone else in those bursts stay in the background, so the next
round tests them against their full exposure and lets them go.

Where few others are active, two very active accounts can make most of each other's meetings too. A second
null guards that case: times drawn evenly over the period, each account's number of uses kept, each trace as
popular as it was; a and b then meet n_a * n_b * sum_t(pi_t^2) * 2W / T times on average (pi_t: a trace's
share of the uses). An edge is kept only when it beats both: lambda is the larger of the two.

The false-discovery cut counts every pair of the period's active accounts as a test (`hypotheses`): the pairs
that never met have p = 1, but they were tested all the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Activity:
    """One method's uses and meetings in the period: per account and in total, and how popular its traces are."""

    uses: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    total: int = 0  # uses
    squares: int = 0  # sum over traces of (uses of the trace)^2
    first_ms: int | None = None
    last_ms: int | None = None

    def add(self, account: np.ndarray, group: np.ndarray, at: np.ndarray) -> None:
        """Count one chunk of uses (rows sorted by trace, then time; `group` numbers the traces)."""
        if not len(account):
            return
        self.uses = _added(self.uses, np.bincount(account).astype(np.float64))
        self.total += len(account)
        sizes = np.bincount(group)
        self.squares += int(np.dot(sizes, sizes))
        low, high = int(at.min()), int(at.max())
        self.first_ms = low if self.first_ms is None else min(self.first_ms, low)
        self.last_ms = high if self.last_ms is None else max(self.last_ms, high)

    def uniform_rate(self, window_ms: int) -> float:
        """sum(pi_t^2) * 2W / T: chance meetings per pair of uses when times are drawn evenly over the period."""
        if not self.total or self.first_ms is None or self.last_ms is None:
            return 0.0
        span = max(self.last_ms - self.first_ms, 2 * window_ms, 1)
        return min(1.0, 2.0 * window_ms / span) * self.squares / float(self.total) ** 2


def _added(into: np.ndarray, more: np.ndarray) -> np.ndarray:
    if len(more) > len(into):
        more[: len(into)] += into
        return more
    into[: len(more)] += more
    return into


def _line(group: np.ndarray, at: np.ndarray, window_ms: int) -> np.ndarray:
    """One line of time for a chunk: each trace gets its own stretch, farther from the next than W."""
    base = int(at.min())
    stride = int(at.max()) - base + window_ms + 1
    if stride * (int(group.max()) + 1) >= 2**62:
        raise ValueError("a chunk of traces spans too long a time to be keyed at once")
    key: np.ndarray = group.astype(np.int64) * stride + (at - base)
    return key


def window_ends(group: np.ndarray, at: np.ndarray, window_ms: int) -> np.ndarray:
    """For each use, the index past the last use of its trace at most `window_ms` later (rows sorted by group, time).

    Two pointers in one vectorised step: `searchsorted` on a key that puts each trace's times in a range of its
    own, so no pair crosses traces and no bucket edge exists.
    """
    key = _line(group, at, window_ms)
    ends: np.ndarray = np.searchsorted(key, key + window_ms, side="right")
    return ends


FITS = 4


def chance_cut(
    found: Any, methods: list[tuple[Activity, float]], window_ms: int, q: float
) -> tuple[np.ndarray, np.ndarray]:
    """The p-value of every candidate edge and which pass the false-discovery cut at q (see the module's note).

    `found` holds the candidates (a, b, weight), the number of pairs that met, and each account's exposure and
    their total in the units of a weight (distinct traces met, over every pair that met).
    """
    a, b, weight = found.a, found.b, found.weight
    size = max(len(found.exposure), int(a.max()) + 1 if len(a) else 0, int(b.max()) + 1 if len(b) else 0)
    exposure = np.zeros(size, dtype=np.float64)
    exposure[: len(found.exposure)] = found.exposure
    meetings = float(found.met)
    tests = hypotheses(found.pairs, [activity for activity, _ in methods])
    uniform = np.zeros(len(a), dtype=np.float64)
    for activity, per_use in methods:  # in posts: a text's band keys divided out
        uses = np.zeros(size, dtype=np.float64)
        uses[: len(activity.uses)] = activity.uses[:size] / per_use
        uniform += uses[a] * uses[b] * activity.uniform_rate(window_ms) * per_use
    # The first guess at what is coordinated: what beats the uniform-time null alone. Starting from nothing
    # kept, a group whose meetings are most of the period's would explain itself and never be fitted out.
    p = p_values(weight, uniform)
    kept = benjamini_hochberg(p, tests, q)
    for _ in range(FITS):
        background = exposure.copy()
        np.subtract.at(background, a[kept], weight[kept])
        np.subtract.at(background, b[kept], weight[kept])
        rest = max(meetings - float(weight[kept].sum()), 1.0)
        # An edge's own meetings are not its background: take them out of both ends.
        own_a = np.maximum(background[a] - weight * ~kept, 0.0)
        own_b = np.maximum(background[b] - weight * ~kept, 0.0)
        p = p_values(weight, np.maximum(own_a * own_b / (2.0 * rest), uniform))
        fitted = benjamini_hochberg(p, tests, q)
        if np.array_equal(fitted, kept):
            break
        kept = fitted
    return p, kept


def hypotheses(met: int, activities: list[Activity]) -> int:
    """How many edges were tested: every pair of the accounts active in the period, not only the pairs that met.

    A pair that never met is a test too, one whose p-value is 1: counting only the pairs that met would let
    the cut grow looser as the data grows sparser (at 10 M shares of 500,000 accounts, 366 M pairs met out of
    125 billion), and thousands of ordinary pairs that met a few times by chance would pass it.
    """
    active = np.zeros(0, dtype=np.float64)
    for activity in activities:
        active = _added(active, activity.uses.copy())
    accounts = int(np.count_nonzero(active))
    return max(met, accounts * (accounts - 1) // 2)


def p_values(weight: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """P(X >= weight) for X ~ Poisson(expected).

    The regularised incomplete gamma function that scipy.stats.poisson.sf evaluates, called directly: the same
    numbers without the distribution machinery (scipy.stats alone takes about a second to import).
    """
    from scipy.special import pdtrc  # here: every CLI command loads this module, only detection needs scipy

    below = np.asarray(weight, dtype=np.float64) - 1.0
    sf = pdtrc(np.maximum(below, 0.0), np.maximum(expected, 1e-300))
    return np.asarray(np.where(below < 0, 1.0, sf), dtype=np.float64)


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
