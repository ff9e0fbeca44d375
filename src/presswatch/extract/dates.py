"""Dates as presswatch stores them: naive UTC; a date without a zone is taken as UTC."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..config import Settings
from ..errors import UsageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DateWindow:
    """The dates presswatch believes (settings `earliest_date` and `future_days`), "now" taken at each check.

    CMS output is full of 0001-01-01 and 9999-12-31; such a date would lead every
    "newest first" list and every weekly digest astray.
    """

    earliest: datetime = datetime.fromisoformat(Settings.earliest_date)
    future_days: int = Settings.future_days

    @property
    def latest(self) -> datetime:
        ahead = timedelta(days=min(self.future_days, timedelta.max.days))
        return shifted(datetime.now(UTC).replace(tzinfo=None), ahead)

    def admit(self, moment: datetime | None, what: str, of: str | None) -> datetime | None:
        """`moment` when it lies in the window; else None, with a warning naming `what` date `of` which item."""
        if moment is None or self.earliest <= moment <= self.latest:
            return moment
        log.warning(
            "%s: %s date %s is outside %s .. now + %d days; stored without it",
            of or "an item",
            what,
            moment.isoformat(),
            self.earliest.date().isoformat(),
            self.future_days,
        )
        return None


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, held at the ends of the calendar (years 1 and 9999) instead of overflowing."""
    try:
        return moment + delta
    except OverflowError:
        return datetime.max if delta > timedelta(0) else datetime.min


def to_utc(moment: datetime) -> datetime:
    """Naive UTC, the one form dates are stored and compared in."""
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # 0001-01-01T00:00+01:00 falls before year 1 in UTC, 9999-12-31T23:00-05:00 after 9999
        return datetime.min if moment.year == datetime.min.year else datetime.max
    except ValueError:  # an offset of a day or more, which no zone has: the time as written
        return moment.replace(tzinfo=None)


# An ISO 8601 date with a year the calendar cannot hold (0000, 99999, -0044): a date all the same.
_YEAR_FIRST = re.compile(r"([+-]?)(\d{4,})-\d\d")


def parse_iso(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time (a trailing Z allowed) as naive UTC; None when it is not one.

    A date beyond the calendar (year 0, 99999, or year 1 or 9999 pushed over
    the edge by its time zone) is held at the edge, datetime.min or
    datetime.max, for `DateWindow` to drop with a warning.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        return to_utc(datetime.fromisoformat(text))
    except ValueError:
        return _beyond_calendar(text)


def _beyond_calendar(text: str) -> datetime | None:
    dated = _YEAR_FIRST.match(text)
    if dated is None:
        return None
    sign, year = dated.group(1), int(dated.group(2))
    if sign == "-" or year == 0:
        return datetime.min
    return datetime.max if year > datetime.max.year else None


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
    return start, shifted(start, timedelta(days=7))


def week_of(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year:04d}-W{week:02d}"


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
