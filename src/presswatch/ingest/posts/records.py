"""The one record every post reader yields, and what a reader says about a row it cannot use."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from ...errors import ItemError
from ...extract.article import canonical_url


@dataclass(slots=True)
class PostRecord:
    """One social post and what the input says about its account; times are UTC epoch milliseconds."""

    platform: str
    post_key: str
    account_key: str
    posted_ms: int
    account_name: str | None = None
    screen_name: str | None = None
    text: str | None = None
    language: str | None = None
    links: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    reply_to: str | None = None
    repost_of: str | None = None
    quote_of: str | None = None
    client: str | None = None
    account_created_ms: int | None = None
    followers: int | None = None
    following: int | None = None
    account_language: str | None = None
    origin: str = ""


# The fields `--map COLUMN=FIELD` may name: all but the ones the importer sets itself.
FIELDS = tuple(f.name for f in fields(PostRecord) if f.name not in ("platform", "origin"))
TIME_FIELDS = ("posted_ms", "account_created_ms")
COUNT_FIELDS = ("followers", "following")
LIST_FIELDS = ("links", "hashtags", "mentions")


class RowFailed(ItemError):
    """A row that cannot become a post; the message names the reason, the importer adds file and line."""


class FileFailed(ItemError):
    """A file that cannot be read as the format says: empty, columns missing, not the shape expected."""


@dataclass(frozen=True)
class RowWarning:
    """Something worth saying about a file once (times without a zone, a duplicate id): not a failure."""

    message: str


@dataclass(frozen=True)
class TimeWindow:
    """The times presswatch believes for a post, as epoch milliseconds (settings earliest_date, future_days)."""

    earliest_ms: int
    latest_ms: int

    def check(self, ms: int) -> int:
        if not self.earliest_ms <= ms <= self.latest_ms:
            raise RowFailed(f"time {iso_ms(ms)} is outside {iso_ms(self.earliest_ms)} .. {iso_ms(self.latest_ms)}")
        return ms


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as ISO 8601 UTC with milliseconds and a Z (the export's form)."""
    try:
        return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return f"{ms} ms"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
# Epoch seconds reach 1e11 only in the year 5138: a larger number is milliseconds.
_MS_FROM = 100_000_000_000


def parse_time(value: Any) -> tuple[int, bool]:
    """A time as UTC epoch milliseconds, and whether the input gave its zone (epoch numbers always do).

    ISO 8601 (a trailing Z allowed), "YYYY-MM-DD HH:MM[:SS]", epoch seconds or milliseconds.
    """
    if isinstance(value, bool):
        raise RowFailed(f"time {value!r} is not a date")
    if isinstance(value, int | float):
        return _epoch(float(value)), True
    text = str(value or "").strip()
    if not text:
        raise RowFailed("no time")
    if text.isdigit():  # the common case (CooRTweet's epoch seconds), before any regular expression
        return _epoch(int(text)), True
    if _NUMBER.fullmatch(text):
        return _epoch(float(text)), True
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "zZ" else text)
    except ValueError:
        raise RowFailed(f"time {text[:40]!r} is not ISO 8601 nor epoch seconds") from None
    zoned = moment.tzinfo is not None
    moment = moment if zoned else moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MILLI, zoned


_MILLI = datetime(1970, 1, 1, 0, 0, 0, 1000, tzinfo=UTC) - _EPOCH


def _epoch(number: float | int) -> int:
    if number != number or abs(number) > 1e16:  # NaN, or beyond any calendar
        raise RowFailed(f"time {number!r} is not a date")
    return int(number) if abs(number) >= _MS_FROM else int(number * 1000)


def parse_list(value: Any) -> list[str]:
    """A list cell: a list, JSON or Python-style "['a', 'b']" (read as a literal, never run), or words."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item not in (None, "")]
    text = str(value).strip()
    if not text or text in ("[]", "None", "nan"):
        return []
    if text.startswith("["):
        return _list_literal(text)
    return [word for word in re.split(r"[\s,;|]+", text) if word]


def _list_literal(text: str) -> list[str]:
    try:
        parsed = json.loads(text)
    except ValueError:
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise RowFailed(f"list {text[:40]!r} is neither JSON nor a Python list") from None
    if not isinstance(parsed, list | tuple):
        raise RowFailed(f"list {text[:40]!r} is not a list")
    return [str(item) for item in parsed if item not in (None, "")]


def handles(values: list[str]) -> list[str]:
    """Hashtags or mentions as stored: lower-cased, without '#' or '@', each once."""
    return list(dict.fromkeys(v.strip().lstrip("#＃@").lower() for v in values if v.strip().lstrip("#＃@")))


def links_of(values: list[str]) -> list[str]:
    """Links normalised as article URLs are, each once."""
    return list(dict.fromkeys(link for link in map(canonical_url, values) if link))


def count_of(value: Any) -> int | None:
    """A follower count: None when absent or not a number (a row is not failed for it)."""
    try:
        return None if value in (None, "") else int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


def text_of(value: Any) -> str | None:
    """A cell as text; None for an empty one."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


OnWarning = Callable[[str], None]
