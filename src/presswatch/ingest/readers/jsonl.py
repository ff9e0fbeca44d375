"""JSONL files: one article record a line, checked against the documented fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ...errors import ItemError
from ...extract import Hints, is_web_url
from ...extract.dates import parse_iso
from ..files import read_capped
from ..records import IngestOptions, Item, Outcome

# A JSONL file holds many articles and is read whole: its cap is this many pages' worth
# (max_page_bytes each, 200 MB at the default), so one file cannot exhaust memory.
PAGES_PER_FILE = 20


def jsonl_items(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    try:
        data = read_capped(path, options.max_bytes * PAGES_PER_FILE)
    except ItemError as exc:
        yield Outcome(str(path), "failed", str(exc))
        return
    origin = str(path.resolve())
    lines = [(number, line) for number, line in enumerate(data.splitlines(), 1) if line.strip()]
    if not lines:
        yield Outcome(str(path), "skipped", "an empty JSONL file: no records in it")
        return
    if not _looks_like_articles(lines[0][1]):
        yield Outcome(
            str(path), "skipped", "JSONL, but not article records: the first has no 'url' with 'text' or 'html'"
        )
        return
    for number, line in lines:
        label = f"{path} line {number}"
        if len(line) > options.max_bytes:  # its text or html is a page, capped like any other
            size, cap = len(line) / 1e6, options.max_bytes / 1e6
            yield Outcome(
                label, "failed", f"the record is {size:.1f} MB, over the {cap:.1f} MB cap (setting max_page_bytes)"
            )
            continue
        try:
            hints = jsonl_hints(line, options.source)
        except ItemError as exc:
            yield Outcome(label, "failed", str(exc))
            continue
        yield Item(f"{label} ({hints.url})", "jsonl", origin, str(number), line, hints)


def _looks_like_articles(first: bytes) -> bool:
    """Whether a JSONL file is ours to read: a manifest or a log shares the suffix, not the fields."""
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        return True  # a broken first line is reported as such, line by line
    return isinstance(record, dict) and "url" in record and ("text" in record or "html" in record)


JSONL_FIELDS = {
    "url": "the article's URL (required)",
    "title": "headline",
    "text": "plain article text; give this or html",
    "html": "the page's HTML, extracted like an HTML file; give this or text",
    "published": "ISO 8601 date or date-time of publication",
    "author": "byline",
    "source": "outlet name; derived from the URL's domain when absent",
    "language": "ISO 639-1 code; detected when absent",
    "fetched": "ISO 8601 date-time the page was captured",
}


def jsonl_hints(line: bytes, source: str | None) -> Hints:
    """Validate one JSONL record against the documented fields."""
    try:
        record = json.loads(line)
    except RecursionError:
        raise ItemError("JSON nested too deeply to read (thousands of levels)") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a number of more than 4,300 digits
        raise ItemError(f"not valid JSON ({exc})") from None
    if not isinstance(record, dict):
        raise ItemError("a record must be a JSON object")
    url = record.get("url")
    if not isinstance(url, str) or not is_web_url(url):
        raise ItemError("the record needs a 'url' field with an http(s) URL")
    if not isinstance(record.get("text"), str) and not isinstance(record.get("html"), str):
        raise ItemError("the record needs a 'text' or an 'html' field")
    published = _iso_date(record.get("published"), "published")
    return Hints(
        url=url,
        title=_str(record.get("title")),
        author=_str(record.get("author")),
        published=published,
        published_how="record" if published else None,
        language=_str(record.get("language")),
        source=source or _str(record.get("source")),
        fetched_at=_iso_date(record.get("fetched"), "fetched"),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _iso_date(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    moment = parse_iso(str(value))
    if moment is None:
        raise ItemError(f"field {name!r} is not an ISO 8601 date: {value!r}")
    return moment
