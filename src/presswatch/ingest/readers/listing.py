"""What feeds and sitemaps have in common: a listing of entries, and how its entries become items."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ...extract import Hints, html_text
from ...extract.text import word_count
from ..records import IngestOptions, Item, Outcome


@dataclass
class FeedEntry:
    title: str | None
    link: str | None
    guid: str | None
    published: datetime | None  # naive UTC
    author: str | None
    content_html: str | None  # the fullest content the entry carries
    summary_html: str | None


@dataclass
class ParsedFeed:
    title: str | None
    link: str | None
    language: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    warning: str | None = None  # the parser's complaint when it read a malformed feed anyway


def listing_items(path: Path, data: bytes, feed: ParsedFeed, options: IngestOptions) -> Iterator[Item | Outcome]:
    """The listing file itself (kept: teasers and feed metadata live only there), then one item per entry."""
    origin = str(path.resolve())
    yield Item(str(path), "feed-document", origin, None, data, Hints(url=feed.link or path.resolve().as_uri()))
    for number, entry in enumerate(feed.entries, 1):
        label = f"{path} entry {number} ({entry.link or entry.title or 'no link'})"
        hints = Hints(
            url=entry.link,
            title=entry.title,
            author=entry.author,
            published=entry.published,
            published_how="feed" if entry.published else None,
            source=options.source,
            sitename=feed.title,
        )
        if not entry.link:
            yield Outcome(label, "failed", "the entry has no link, so it cannot be stored or fetched")
        elif entry.content_html and word_count(html_text(entry.content_html)) >= options.feed_min_words:
            yield Item(
                label,
                "feed",
                origin,
                entry.guid or entry.link,
                entry.content_html.encode("utf-8"),
                hints,
                charset="utf-8",
                content_type="text/html",
            )
        else:
            yield Item(label, "teaser", origin, entry.guid or entry.link, b"", hints)
