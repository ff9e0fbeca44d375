"""Feed documents (RSS, Atom, JSON Feed) → entries, with feedparser; shared by ingest and fetch."""

from __future__ import annotations

import calendar
import html
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from ...errors import ItemError
from ...extract.dates import parse_iso
from ..files import read_capped
from ..records import IngestOptions, Item, Outcome
from .listing import FeedEntry, ParsedFeed, listing_items
from .sitemaps import parse_sitemap

log = logging.getLogger(__name__)

# A JSON feed's "{" or a sitemap's root element comes within a document's first 1 KB (after a
# BOM, an XML declaration, a comment); feeds are told from the rest by feedparser itself.
SNIFF_BYTES = 1024


def parse_feed(data: bytes, url: str | None = None) -> ParsedFeed:
    """Parse a feed document (RSS, Atom, JSON Feed, or a sitemap); raise ItemError when nothing feed-like is in it."""
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return parse_json_feed(data)
    if b"<urlset" in head or b"<sitemapindex" in head:
        return parse_sitemap(data)
    # With headers but no content type, feedparser flags even a valid empty feed as malformed.
    headers = {"content-location": url, "content-type": "application/xml"} if url else None
    parsed = feedparser.parse(data, response_headers=headers)
    problem = parsed.get("bozo_exception")
    if not parsed.entries and (problem is not None or not parsed.get("version")):
        reason = f": {problem}" if problem is not None else ""
        raise ItemError(f"not a readable RSS, Atom or JSON feed{reason}")
    meta: Any = parsed.feed
    base = url or meta.get("link")
    return ParsedFeed(
        title=meta.get("title"),
        link=meta.get("link"),
        language=meta.get("language"),
        entries=[_entry(e, base) for e in parsed.entries],
        warning=str(problem) if problem is not None else None,
    )


def _entry(entry: Any, base: str | None) -> FeedEntry:
    return FeedEntry(
        title=entry.get("title"),
        link=_web_link(entry.get("link"), base) or _guid_link(entry),
        guid=entry.get("id"),
        published=_when(entry),
        author=entry.get("author"),
        content_html=_fullest_content(entry),
        summary_html=entry.get("summary"),
    )


def _web_link(link: str | None, base: str | None) -> str | None:
    """An http(s) link, relative ones resolved against the feed's own address; ids like tag: are not links."""
    if not link:
        return None
    absolute = urljoin(base, link) if base else link
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _guid_link(entry: Any) -> str | None:
    guid = entry.get("id") or ""
    return guid if guid.startswith(("http://", "https://")) else None


def _fullest_content(entry: Any) -> str | None:
    values = [c.get("value") or "" for c in entry.get("content") or []]
    best = max(values, key=len, default="")
    return best or None


def _when(entry: Any) -> datetime | None:
    # Plain dict lookups: feedparser's own .get() maps published to updated with a warning.
    stamps = (dict.get(entry, key) for key in ("published_parsed", "updated_parsed", "created_parsed"))
    parsed = next((stamp for stamp in stamps if stamp), None)
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).replace(tzinfo=None)
    except (OverflowError, ValueError, OSError):
        return None


def parse_json_feed(data: bytes) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (feedparser reads only XML feeds)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # JSON must be UTF-8; some publishers send Windows-1252
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ItemError(f"not valid JSON ({exc})") from None
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise ItemError("JSON, but not a JSON Feed (no 'version': 'https://jsonfeed.org/version/1.1')")
    items: list[Any] = document["items"] if isinstance(document.get("items"), list) else []
    return ParsedFeed(
        title=document.get("title"),
        link=document.get("home_page_url"),
        language=document.get("language"),
        entries=[_json_entry(item) for item in items if isinstance(item, dict)],
    )


def _json_entry(item: dict[str, Any]) -> FeedEntry:
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    names = [str(a["name"]) for a in authors if isinstance(a, dict) and a.get("name")]
    content = item.get("content_html") or _paragraphs_html(item.get("content_text"))
    link = item.get("url") or item.get("external_url")
    if not link and str(item.get("id", "")).startswith(("http://", "https://")):
        link = item["id"]
    return FeedEntry(
        title=item.get("title"),
        link=link,
        guid=str(item["id"]) if item.get("id") is not None else None,
        published=parse_iso(item.get("date_published") or item.get("date_modified")),
        author=", ".join(names) or None,
        content_html=content,
        summary_html=item.get("summary"),
    )


def _paragraphs_html(text: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    return "".join(f"<p>{html.escape(part)}</p>" for part in text.split("\n") if part.strip())


def feed_items(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    """A feed file: entries with full content become articles, teasers are queued, the file itself is kept."""
    try:
        data = read_capped(path, options.max_bytes)
        feed = parse_feed(data, None)
    except ItemError as exc:
        # .json names many things besides JSON Feeds: those are not ours to read.
        if path.suffix.lower() == ".json":
            yield Outcome(str(path), "skipped", "a .json file that is not a JSON Feed")
        else:
            yield Outcome(str(path), "failed", str(exc))
        return
    yield from listing_items(path, data, feed, options)
