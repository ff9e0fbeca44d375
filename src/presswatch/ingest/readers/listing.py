"""What feeds and sitemaps have in common: a listing of entries, and how its entries become items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from ...extract import Hints, html_text, is_web_url
from ...extract.text import clean_fields, word_count
from ..records import IngestOptions, Item, Outcome

# Bytes XML 1.0 forbids (NUL and the C0 controls but tab, LF, CR; ESC stays, ISO-2022-JP needs it):
# one of them makes a whole feed or sitemap "not well-formed", so they go before parsing.
_NOT_XML_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
# Documents in UTF-16 or UTF-32 hold NUL bytes in every character: those are left as they are.
_WIDE_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00")


def xml_bytes(data: bytes) -> bytes:
    """A feed or sitemap without the control bytes XML forbids, so that one stray NUL does not cost the document."""
    if data.startswith(_WIDE_STARTS) or not _NOT_XML_BYTES.search(data):
        return data
    return _NOT_XML_BYTES.sub(b"", data)


@dataclass
class FeedEntry:
    title: str | None
    link: str | None
    guid: str | None
    published: datetime | None  # naive UTC
    author: str | None
    content_html: str | None  # the fullest content the entry carries
    summary_html: str | None
    error: str | None = None  # why the entry cannot be read, when it cannot (it keeps its place in the count)

    def __post_init__(self) -> None:
        clean_fields(self, _ENTRY_TEXTS)  # feeds carry NUL, control characters, (JSON Feed) lone surrogates


_ENTRY_TEXTS = tuple(f.name for f in fields(FeedEntry) if f.name not in ("published", "error"))


@dataclass
class ParsedFeed:
    title: str | None
    link: str | None
    language: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    warning: str | None = None  # the parser's complaint when it read a malformed feed anyway

    def __post_init__(self) -> None:
        clean_fields(self, ("title", "link", "language"))


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
        if entry.error:
            yield Outcome(label, "failed", entry.error)
        elif not entry.link:
            yield Outcome(label, "failed", "the entry has no link, so it cannot be stored or fetched")
        elif not is_web_url(entry.link):
            yield Outcome(label, "failed", f"the entry's link {entry.link!r:.200} is not an http(s) URL")
        elif entry.content_html and len(entry.content_html) > options.max_bytes:  # a JSON Feed's text, escaped, grows
            cap = options.max_bytes / 1e6
            yield Outcome(label, "failed", f"its content is over the {cap:.1f} MB cap (setting max_page_bytes)")
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
