"""Dates as presswatch stores them: naive UTC; a date without a zone is taken as UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def to_utc(moment: datetime) -> datetime:
    """Naive UTC, the one form dates are stored and compared in."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def parse_iso(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time (a trailing Z allowed) as naive UTC; None when it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return to_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def parse_compact(value: str | None) -> datetime | None:
    """ISO 8601 first, then the 14-digit form of ARC files and old WARC dates."""
    moment = parse_iso(value)
    if moment is not None or not value:
        return moment
    try:
        return datetime.strptime(value.strip(), "%Y%m%d%H%M%S")
    except ValueError:
        return None
