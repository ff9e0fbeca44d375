"""Dates as presswatch stores them: naive UTC; a date without a zone is taken as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import UsageError


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


def week_bounds(spec: str) -> tuple[datetime, datetime]:
    """The Monday 00:00 UTC that starts an ISO week ("2026-W42") and the Monday after it."""
    try:
        year, week = spec.strip().upper().split("-W")
        start = datetime.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise UsageError(f"{spec!r} is not an ISO week; write it like 2026-W42") from None
    return start, start + timedelta(days=7)


def week_of(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


_DAY_LENGTH = len("2026-01-31")


def date_range(
    since: str | None, until: str | None, names: tuple[str, str] = ("since", "until")
) -> tuple[datetime | None, datetime | None]:
    """A period as users write it (CLI and web alike): `since` included, `until` included.

    Both take YYYY-MM-DD or an ISO 8601 date-time. A bare date as `until`
    means the whole of that day, so the end returned is the next midnight
    (exclusive); a date-time is taken as it is. `names` are what the user
    called the two bounds (`--since`, a query parameter), for the error message.
    """
    start = _moment(since, names[0])
    end = _moment(until, names[1])
    if end is not None and until is not None and len(until.strip()) == _DAY_LENGTH:
        end = end + timedelta(days=1) if end < datetime.max - timedelta(days=1) else end
    if start is not None and end is not None and end <= start:
        raise UsageError(f"{names[1]} ({until}) must not come before {names[0]} ({since})")
    return start, end


def _moment(value: str | None, name: str) -> datetime | None:
    if value is None or not value.strip():
        return None
    moment = parse_iso(value)
    if moment is None:
        raise UsageError(f"{name}: {value!r} is not a date; use YYYY-MM-DD or an ISO 8601 date-time")
    return moment
