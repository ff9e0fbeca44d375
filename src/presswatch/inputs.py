"""Input files → items: finding the files, then reading HTML, WARC/ARC, feed and JSONL files.

Readers never touch the store; bad input becomes an `Outcome` naming the file
or record, and the reader goes on with the next one where it can.
"""

from __future__ import annotations

import glob
import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from .dates import parse_iso
from .errors import InputTooLarge, ItemError, UsageError
from .extract import Hints, LanguageOptions, html_text
from .feeds import parse_feed
from .text import word_count
from .warc import WarcPage, WarcSkip, feed_entry_hints, iter_warc

_HTML = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
_WARC = (".warc", ".warc.gz", ".arc", ".arc.gz", ".warc.lz4", ".warc.zst")
_FEED = (".xml", ".rss", ".atom", ".rdf", ".feed", ".json")
_JSONL = (".jsonl", ".ndjson", ".jsonl.gz")


@dataclass(frozen=True)
class IngestOptions:
    base_url: str | None = None
    source: str | None = None
    max_bytes: int = 10_000_000
    feed_min_words: int = 60
    workers: int = 0  # 0: one per CPU core
    language: LanguageOptions = field(default_factory=LanguageOptions)


@dataclass
class Item:
    """One input on its way to the store.

    `kind` says what the pipeline does with it: html, warc, feed and jsonl
    items are extracted into articles; a feed-document is kept raw only; a
    teaser (a feed entry without full text) is queued for fetching.
    """

    label: str
    kind: str
    origin: str
    record: str | None
    payload: bytes  # what is kept in `raw`
    hints: Hints
    default_url: str | None = None  # used when the page names no URL of its own
    charset: str | None = None
    status: int | None = None
    headers: dict[str, str] | None = None
    content_type: str | None = None
    warc_offset: int | None = None
    raw_id: int | None = None  # set when the item is rebuilt from a kept raw record
    sha256: str | None = None  # of the payload, once computed
    packed: bytes | None = None  # the input's own gzip of the payload, kept in `raw` as it is


@dataclass
class Outcome:
    """What happened to one item: new | version | unchanged | queued | skipped | failed."""

    label: str
    status: str
    message: str = ""
    article_id: int | None = None


# ---- finding the inputs ---------------------------------------------------------------


def expand_paths(arguments: Iterable[str]) -> list[Path]:
    """Files, directories (recursive) and globs → the input files, in a stable order."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)))
        elif path.exists():
            found.append(path)
        elif any(ch in argument for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(argument, recursive=True) if Path(m).is_file())
            if not matches:
                raise UsageError(f"no file matches {argument!r}")
            found.extend(matches)
        else:
            raise UsageError(f"no such file or directory: {argument}")
    return list(dict.fromkeys(found))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def kind_of(path: Path) -> str | None:
    """The reader a file needs, by its name, else by its first bytes."""
    name = path.name.lower()
    for kind, suffixes in (("html", _HTML), ("warc", _WARC), ("jsonl", _JSONL), ("feed", _FEED)):
        if name.endswith(suffixes):
            return kind
    return _sniff(path)


def _sniff(path: Path) -> str | None:
    try:
        with open(path, "rb") as stream:
            head = stream.read(2048)
    except OSError:
        return None
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as unpacked:
                head = unpacked.read(2048)
        except (OSError, EOFError, zlib.error):
            return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"warc/", b"filedesc://")):
        return "warc"
    if b"<rss" in text or b"<feed" in text or b"<rdf:rdf" in text:
        return "feed"
    if text.startswith((b"<!doctype html", b"<html")) or b"<body" in text:
        return "html"
    if text.startswith(b"{") and b'"url"' in text:
        return "jsonl"
    return None


# ---- reading each kind of file --------------------------------------------------------


def read_capped(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, gunzipped when it is gzip, refused past the cap (decompression bombs too)."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        magic = stream.read(2)
        stream.seek(0)
        if magic != b"\x1f\x8b":
            if size > max_bytes:
                raise InputTooLarge(
                    f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB cap (setting max_page_bytes)"
                )
            return stream.read()
        try:
            data = gzip.GzipFile(fileobj=stream).read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise ItemError(f"broken gzip data ({exc or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise InputTooLarge(f"the file unpacks to more than the {max_bytes / 1e6:.1f} MB cap (setting max_page_bytes)")
    return data


def read_kept(path: Path, max_bytes: int) -> tuple[bytes, bytes | None]:
    """A file's bytes as `read_capped` gives them, and the file's own bytes when they are one whole gzip member.

    Such a file can be kept in `raw` as it is, instead of compressed again:
    compressing a page costs about as much as storing it.
    """
    if path.stat().st_size <= max_bytes:
        packed = path.read_bytes()
        if packed[:2] == b"\x1f\x8b":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip, one member
            try:
                data = inflater.decompress(packed, max_bytes + 1)
            except zlib.error:
                data = b""  # broken: read_capped says how
            if inflater.eof and not inflater.unused_data and len(data) <= max_bytes:
                return data, packed
    return read_capped(path, max_bytes), None


def html_items(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    try:
        payload, packed = read_kept(path, options.max_bytes)
    except ItemError as exc:
        yield Outcome(str(path), "failed", str(exc))
        return
    default_url = path.resolve().as_uri()
    if options.base_url:
        relative = path.relative_to(root).as_posix() if root else path.name
        default_url = urljoin(options.base_url.rstrip("/") + "/", relative)
    yield Item(
        str(path),
        "html",
        str(path.resolve()),
        None,
        payload,
        Hints(source=options.source),
        default_url=default_url,
        packed=packed,
    )


def warc_items(path: Path, options: IngestOptions) -> Iterator[Item | Outcome]:
    origin = str(path.resolve())
    for found in iter_warc(path, options.max_bytes):
        if isinstance(found, ItemError):
            yield Outcome(str(path), "failed", str(found))
        elif isinstance(found, WarcSkip):
            continue  # requests, images, scripts: not articles, and not worth a line each
        elif isinstance(found, WarcPage):
            yield _warc_item(path, origin, found, options)


def _warc_item(path: Path, origin: str, page: WarcPage, options: IngestOptions) -> Item | Outcome:
    label = f"{path} @{page.offset} ({page.url})"
    if page.status is not None and not 200 <= page.status < 300:
        return Outcome(label, "skipped", f"HTTP status {page.status}")
    entry = feed_entry_hints(page.feed_entry)
    entry["source"] = options.source or entry["source"]
    return Item(
        label,
        "warc",
        origin,
        page.record_id or str(page.offset),
        page.body,
        Hints(url=page.url, fetched_at=page.fetched_at, **entry),
        charset=page.charset,
        status=page.status,
        headers=page.headers,
        content_type=page.content_type,
        warc_offset=page.offset,
    )


def feed_items(path: Path, options: IngestOptions) -> Iterator[Item | Outcome]:
    data = b""
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
    origin = str(path.resolve())
    # The feed file itself is kept: teaser entries and feed metadata live only there.
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


def jsonl_items(path: Path, options: IngestOptions) -> Iterator[Item | Outcome]:
    try:
        data = read_capped(path, options.max_bytes * 20)
    except ItemError as exc:
        yield Outcome(str(path), "failed", str(exc))
        return
    origin = str(path.resolve())
    lines = [(number, line) for number, line in enumerate(data.splitlines(), 1) if line.strip()]
    if lines and not _looks_like_articles(lines[0][1]):
        yield Outcome(
            str(path), "skipped", "JSONL, but not article records: the first has no 'url' with 'text' or 'html'"
        )
        return
    for number, line in lines:
        label = f"{path} line {number}"
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
    except (json.JSONDecodeError, UnicodeDecodeError):
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
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ItemError(f"not valid JSON ({exc})") from None
    if not isinstance(record, dict):
        raise ItemError("a record must be a JSON object")
    url = record.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
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


def items_of(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    kind = kind_of(path)
    if kind == "html":
        yield from html_items(path, root, options)
    elif kind == "warc":
        yield from warc_items(path, options)
    elif kind == "feed":
        yield from feed_items(path, options)
    elif kind == "jsonl":
        yield from jsonl_items(path, options)
    else:
        yield Outcome(str(path), "skipped", "not a known input (HTML, WARC/ARC, RSS/Atom/JSON feed or JSONL)")
