"""The time window two uses of a trace must fall within: parsed from the user's words, or estimated from the data."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from ..errors import UsageError

AUTO = "auto"
# `coordination sensitivity` runs detection once per window, from near-simultaneous to an hour apart.
SENSITIVITY_SECONDS = (10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
# An estimate outside these is a sign of odd data (a bot firing in the same millisecond, a sparse archive):
# below a second is clock noise, above an hour is no longer "at the same moment".
AUTO_BOUNDS_SECONDS = (1.0, 3600.0)
AUTO_QUICKEST = 0.10  # CooRnet: the quickest 10 % of traces

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
_SPOKEN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)?\s*$", re.IGNORECASE)


def parse_window(text: str | float | None) -> float | None:
    """Seconds from '30s', '5m', '1h', '90' (seconds); None for 'auto'; UsageError for 0, negative or nonsense."""
    if text is None or (isinstance(text, str) and text.strip().lower() == AUTO):
        return None
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        found = _SPOKEN.match(text)
        if found is None:
            raise UsageError(f"--window: {text!r} is not a duration like 10s, 30s, 5m, 1h or auto")
        seconds = float(found.group(1)) * _UNITS[(found.group(2) or "s").lower()]
    if seconds <= 0:
        raise UsageError(f"--window: {text!r} must be longer than 0 (e.g. 10s, 30s, 5m, 1h or auto)")
    return seconds


def spoken(seconds: float) -> str:
    """A window as people write it: 10s, 5m, 1h."""
    for unit, size in (("h", 3600.0), ("m", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def half_times(group: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For each trace with 2+ uses in one sorted chunk: ms from its first use to the one reaching half its uses."""
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(group)])
    shared = sizes >= 2
    halfway = starts + (sizes + 1) // 2 - 1
    return np.asarray((at[halfway] - at[starts])[shared], dtype=np.int64)


def estimate_window(halves: Iterable[np.ndarray]) -> float:
    """CooRnet's estimate: the median time for the quickest 10 % of traces to reach half their uses, clamped."""
    every = np.concatenate([np.asarray(h, dtype=np.int64) for h in halves] or [np.empty(0, dtype=np.int64)])
    low, high = AUTO_BOUNDS_SECONDS
    if not len(every):
        return low
    quickest = every[every <= np.quantile(every, AUTO_QUICKEST)]
    return float(min(max(float(np.median(quickest)) / 1000.0, low), high))
