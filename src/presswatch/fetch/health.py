"""Source health and the adaptive poll interval: what one poll's outcome does to a source's row.

status: ok; failing (any error streak); blocked (a streak of 403s or 429s,
or robots.txt shuts us out); gone (404 or 410). A listing says more than the
stored status: never_fetched (a feed not polled yet) and not_watched (no feed or
sitemap: its articles came from files). The interval halves while a
feed yields new items and grows by half while it does not, within the
configured bounds; errors double it, and a Retry-After is honoured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..config import Settings

HEALTH_STATUSES = ("ok", "failing", "blocked", "gone")
NEVER_FETCHED = "never_fetched"
NOT_WATCHED = "not_watched"
_BLOCKING = (403, 429)
# A new source is first polled again after half an hour (within the bounds): often enough to
# learn its pace within a day, rarely enough not to hammer a site we know nothing of.
FIRST_INTERVAL = 1800
# The interval doubles after an error (back off from a failing site), halves while polls find new
# items (keep up with a busy source) and grows by half while they do not (drift toward the maximum).
ERROR_SLOWDOWN = 2.0
NEW_ITEMS_SPEEDUP = 2.0
QUIET_SLOWDOWN = 1.5


@dataclass(frozen=True)
class PollBounds:
    minimum: int = Settings.poll_interval_min  # seconds
    maximum: int = Settings.poll_interval_max
    blocked_after: int = Settings.blocked_after  # consecutive 403/429 answers before a source counts as blocked
    # A first poll of a site's full sitemap must not queue fifty thousand pages:
    new_per_poll: int = Settings.max_new_per_poll  # new URLs queued from one poll of one source, newest first
    child_sitemaps: int = Settings.max_child_sitemaps  # sitemaps of an index fetched per poll (news ones first)

    def first(self) -> int:
        return min(self.maximum, max(self.minimum, FIRST_INTERVAL))


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of a source came to."""

    status: int | None  # HTTP status of the final answer, None when there was none
    error: str | None = None
    reason: str | None = None  # the fetch's reason code for the error
    new_items: int = 0
    retry_after: float | None = None
    etag: str | None = None
    last_modified: str | None = None


def health_after(source: Any, outcome: PollOutcome, bounds: PollBounds, now: datetime) -> dict[str, Any]:
    """The columns of `sources` to update after a poll."""
    interval = _next_interval(source.poll_interval or bounds.first(), outcome, bounds)
    values: dict[str, Any] = {
        "last_polled_at": now,
        "last_status": outcome.status,
        "poll_interval": interval,
        "next_poll_at": now + timedelta(seconds=interval),
        "items_found": (source.items_found or 0) + outcome.new_items,
    }
    if outcome.error is None:
        values.update(last_success_at=now, error_streak=0, status="ok")
        # A 304 may repeat only one validator: keep the other one we have.
        values.update({k: v for k, v in (("etag", outcome.etag), ("last_modified", outcome.last_modified)) if v})
        return values
    streak = (source.error_streak or 0) + 1
    values.update(last_error=outcome.error, last_error_at=now, error_streak=streak)
    values["status"] = _error_status(source, outcome, streak, bounds)
    return values


def _error_status(source: Any, outcome: PollOutcome, streak: int, bounds: PollBounds) -> str:
    if outcome.status in (404, 410):
        return "gone"
    if outcome.reason == "robots":
        return "blocked"
    if outcome.status in _BLOCKING:
        # A streak of refusals: count back only over answers that were refusals too.
        refusals = streak if source.last_status in _BLOCKING or streak == 1 else 1
        return "blocked" if refusals >= bounds.blocked_after else "failing"
    return "failing"


def listed_status(source: Mapping[str, Any]) -> str:
    """The health a listing shows: "ok" only once a poll has answered, never for a source not yet polled."""
    if not source.get("feed_url"):
        return NOT_WATCHED
    if source.get("last_polled_at") is None:
        return NEVER_FETCHED
    return str(source["status"])


def _next_interval(current: int, outcome: PollOutcome, bounds: PollBounds) -> int:
    if outcome.error is not None:
        seconds = current * ERROR_SLOWDOWN
    elif outcome.new_items:
        seconds = current / NEW_ITEMS_SPEEDUP
    else:
        seconds = current * QUIET_SLOWDOWN
    if outcome.retry_after:
        seconds = max(seconds, outcome.retry_after)
    return int(min(bounds.maximum, max(bounds.minimum, seconds)))
