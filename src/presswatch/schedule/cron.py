"""Cron expressions read in a time zone.

croniter: it parses the five-field syntax (names of days too: `0 9 * * FRI`) and gives the next time after a
given one in an aware time zone, daylight-saving changes included; that is all `run` needs. APScheduler 3's
CronTrigger would do the same but brings a scheduler, executors and job stores that `run` does not use.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from ..errors import UsageError


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r} (setting timezone); an IANA name such as Europe/Tirane") from None


def check(expression: str, setting: str) -> None:
    if not croniter.is_valid(expression):
        raise UsageError(f"setting {setting}: {expression!r} is not a cron expression (such as '0 9 * * FRI')")


def next_time(expression: str, tz: str, after: datetime) -> datetime:
    """The first time strictly after `after` (naive UTC) that the expression names in `tz`, as naive UTC."""
    local = after.replace(tzinfo=UTC).astimezone(zone(tz))
    found: datetime = croniter(expression, local).get_next(datetime)
    return found.astimezone(UTC).replace(tzinfo=None)
