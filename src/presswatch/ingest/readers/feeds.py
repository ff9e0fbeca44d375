"""Feed documents (RSS, Atom, JSON Feed) → entries, with feedparser; shared by ingest and fetch."""

from __future__ import annotations

import calendar
import codecs
import html
import json
import logging
import re
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
from .listing import FeedEntry, ParsedFeed, listing_items, xml_bytes
from .sitemaps import parse_sitemap

log = logging.getLogger(__name__)

# A JSON feed's "{" or a sitemap's root element comes within a document's first 1 KB (after a
# BOM, an XML declaration, a comment); feeds are told from the rest by feedparser itself.
SNIFF_BYTES = 1024
# "<?xml" one byte a character, declaring UTF-16 or UTF-32: the declaration is wrong (those would
# write "<" in two or four bytes), and feedparser, believing it, would read nothing.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_ENCODING = re.compile(rb"^((?:\xef\xbb\xbf)?\s*<\?xml[^>]{0,200}?)\s+encoding\s*=\s*([\"'])[^\"'>]*\2")
_DECLARES_WIDE = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]{0,200}encoding\s*=\s*[\"']\s*(?:utf|ucs)[-_]?(?:16|32|2|4)", re.I
)


def parse_feed(data: bytes, url: str | None = None) -> ParsedFeed:
    """Parse a feed document (RSS, Atom, JSON Feed, or a sitemap); raise ItemError when nothing feed-like is in it."""
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return parse_json_feed(data)
    if b"<urlset" in head or b"<sitemapindex" in head:
        return parse_sitemap(data)
    parsed = _feedparser(xml_bytes(data), url)
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


def _feedparser(data: bytes, url: str | None) -> Any:
    # With headers but no content type, feedparser flags even a valid empty feed as malformed.
    headers = {"content-location": url, "content-type": "application/xml"} if url else None
    # A byte order mark outranks the declaration (XML 1.0, appendix F); feedparser believes the declaration.
    charset = next((name for mark, name in _BYTE_ORDER_MARKS if data.startswith(mark)), None)
    if charset is not None:
        headers = {**(headers or {}), "content-type": f"application/xml; charset={charset}"}
    elif _DECLARES_WIDE.match(data):
        data = _DECLARED_ENCODING.sub(rb"\1", data, count=1)
    try:
        return feedparser.parse(data, response_headers=headers)
    except (ValueError, LookupError) as exc:
        # A declared encoding Python knows but cannot decode with ("undefined", a name with a NUL in
        # it) escapes feedparser; as for pages, the declaration then gives way to UTF-8 and guessing.
        log.info("feed %s: its declared encoding cannot be used (%s); read without it", url or "file", exc)
    try:
        return feedparser.parse(_DECLARED_ENCODING.sub(rb"\1", data, count=1), response_headers=headers)
    except (ValueError, LookupError) as exc:
        raise ItemError(f"the feed's declared encoding cannot be read ({exc})") from None


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
    try:
        absolute = urljoin(base, link) if base else link
        return absolute if urlsplit(absolute).scheme in ("http", "https") else None
    except ValueError:  # "https://[::1": the entry's own link, for the listing to name as not a URL
        return link


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
        document = json.loads(text, strict=False)  # strict=False: raw control characters in strings (cleaned later)
    except RecursionError:
        raise ItemError("JSON nested too deeply to read (thousands of levels)") from None
    except ValueError as exc:  # JSONDecodeError, and a number of more than 4,300 digits
        raise ItemError(f"not valid JSON ({exc})") from None
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise ItemError("JSON, but not a JSON Feed (no 'version': 'https://jsonfeed.org/version/1.1')")
    items: list[Any] = document["items"] if isinstance(document.get("items"), list) else []
    return ParsedFeed(
        title=_json_text(document, "title"),
        link=_json_text(document, "home_page_url"),
        language=_json_text(document, "language"),
        entries=[_json_entry(item) for item in items],
    )


def _json_entry(item: Any) -> FeedEntry:
    """One JSON Feed item; fields of the wrong type are left out, and an item without a usable link is an error."""
    if not isinstance(item, dict):
        return _failed_entry(f"the item is a JSON {_json_kind(item)}, not an object")
    authors = item.get("authors") if isinstance(item.get("authors"), list) else []
    authors = authors or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    names = [a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)]
    content = _json_text(item, "content_html") or _paragraphs_html(item.get("content_text"))
    guid = item.get("id") if isinstance(item.get("id"), str | int) else None
    link = next((item[key] for key in ("url", "external_url") if isinstance(item.get(key), str) and item[key]), None)
    if not link and str(guid or "").startswith(("http://", "https://")):
        link = str(guid)
    return FeedEntry(
        title=_json_text(item, "title"),
        link=link,
        guid=str(guid) if guid is not None else None,
        published=parse_iso(item.get("date_published") or item.get("date_modified")),
        author=", ".join(names) or None,
        content_html=content,
        summary_html=_json_text(item, "summary"),
        error=_wrong_link(item) if not link else None,
    )


def _json_text(record: dict[str, Any], key: str) -> str | None:
    """A string field, or None when it is absent or of another type (a title that is a list)."""
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    log.warning("JSON Feed: field %r is a JSON %s, not a string; left out", key, _json_kind(value))
    return None


def _json_kind(value: Any) -> str:
    kinds = {bool: "boolean", int: "number", float: "number", list: "array", dict: "object", type(None): "null"}
    return kinds.get(type(value), type(value).__name__)


def _wrong_link(item: dict[str, Any]) -> str | None:
    for key in ("url", "external_url"):
        if item.get(key) is not None and not isinstance(item[key], str):
            return f"the item's {key!r} is a JSON {_json_kind(item[key])}, not a URL string; it cannot be stored"
    return None


def _failed_entry(reason: str) -> FeedEntry:
    return FeedEntry(None, None, None, None, None, None, None, error=reason)


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
