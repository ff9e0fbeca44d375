"""WARC and ARC files, read with warcio: HTML responses (and resources) become items, every failure is named."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ...errors import InputTooLarge, ItemError
from ...extract import Hints
from ...extract.dates import parse_compact
from ..records import IngestOptions, Item, Outcome

log = logging.getLogger(__name__)

_LZ4_MAGIC = b'\x04"M\x18'
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_PAGE_RECORDS = ("response", "resource")
# What a feed said about a page we fetched from it (title, stated date), kept
# in a metadata record after the response, so that ingesting our own WARC
# files later gives the page the same hints that fetching it did.
FEED_ENTRY_TYPE = "application/x-presswatch-feed-entry+json"
# Such a record holds a title, a date and a summary: 64 KB is far more than ours write, and a
# record claiming more is not one of ours, so no more of it is read.
_METADATA_MAX_BYTES = 64_000


@dataclass
class WarcPage:
    """An HTML response (or resource) record's payload and the headers around it."""

    url: str
    record_id: str | None
    offset: int
    fetched_at: datetime | None
    status: int | None
    headers: dict[str, str]
    content_type: str
    charset: str | None
    body: bytes
    feed_entry: dict[str, Any] = field(default_factory=dict)  # from a metadata record that refers to this one


def feed_entry_json(title: str | None, published: datetime | None, feed: str | None, source: str | None) -> bytes:
    """The payload of a feed-entry metadata record (naive datetimes are UTC)."""
    when = published.isoformat() if published else None
    entry = {"title": title, "published": when, "feed": feed, "source": source}
    return json.dumps({k: v for k, v in entry.items() if v}, ensure_ascii=False).encode()


def feed_entry_hints(entry: dict[str, Any]) -> dict[str, Any]:
    """Hints fields from a feed-entry record: the same ones a feed file's entry gives."""
    published = _iso(entry.get("published"))
    return {
        "title": _text(entry.get("title")),
        "published": published,
        "published_how": "feed" if published else None,
        "source": _text(entry.get("source")),  # the outlet the feed belongs to
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _iso(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass
class WarcSkip:
    """A record that is not an article page: why it was passed over."""

    url: str | None
    offset: int
    reason: str


@dataclass
class WarcScan:
    """What one pass over a file found: record counts by type, pages, the error that stopped it."""

    record_types: Counter[str] = field(default_factory=Counter)
    html_responses: int = 0
    error: str | None = None


def iter_warc(path: Path, max_bytes: int, scan: WarcScan | None = None) -> Iterator[WarcPage | WarcSkip | ItemError]:
    """Stream the records of a WARC/ARC file; a broken file ends with one ItemError, never a crash."""
    scan = scan if scan is not None else WarcScan()
    try:
        with open(path, "rb") as stream:
            _refuse_unsupported(stream)
            yield from _records(stream, max_bytes, scan)
    except ItemError as exc:
        scan.error = str(exc)
        yield exc
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AssertionError) as exc:
        scan.error = _explain(exc)
        yield ItemError(scan.error)


def _refuse_unsupported(stream: IO[bytes]) -> None:
    magic = stream.read(4)
    stream.seek(0)
    if magic == _LZ4_MAGIC:
        raise ItemError("lz4-compressed WARC files are not supported; decompress it first (lz4 -d FILE)")
    if magic == _ZSTD_MAGIC:
        raise ItemError("zstd-compressed WARC files are not supported; decompress it first (zstd -d FILE)")
    if not magic:
        raise ItemError("the file is empty")


def _records(stream: IO[bytes], max_bytes: int, scan: WarcScan) -> Iterator[WarcPage | WarcSkip | ItemError]:
    # A page waits until the next page: a feed-entry record that refers to it may come first.
    pending: WarcPage | None = None
    try:
        for found in _each_record(stream, max_bytes, scan):
            if isinstance(found, tuple):
                refers_to, entry = found
                if pending is not None and pending.record_id == refers_to:
                    pending.feed_entry = entry
                continue
            if pending is not None:
                yield pending
            pending = found if isinstance(found, WarcPage) else None
            if pending is None:
                yield found
    except Exception:
        if pending is not None:
            yield pending  # what came before a broken record is still good
        raise
    if pending is not None:
        yield pending


def _each_record(
    stream: IO[bytes], max_bytes: int, scan: WarcScan
) -> Iterator[WarcPage | WarcSkip | ItemError | tuple[str, dict[str, Any]]]:
    records = ArchiveIterator(stream, arc2warc=True)
    for record in records:
        scan.record_types[record.rec_type] += 1
        if record.rec_type == "metadata":
            found = _feed_entry(record)
            if found is not None:
                yield found
            continue
        if record.rec_type not in _PAGE_RECORDS:
            continue
        content_type = _content_type(record)
        url = record.rec_headers.get_header("WARC-Target-URI")
        if "html" not in content_type.split(";")[0].lower():
            yield WarcSkip(
                url, records.get_record_offset(), f"not HTML ({content_type.split(';')[0] or 'no content type'})"
            )
            continue
        if record.rec_type == "response":
            scan.html_responses += 1
        # The body must be read before asking for the offset: warcio's
        # get_record_offset() skips to the end of the record.
        body = record.content_stream().read(max_bytes + 1)
        yield _page(record, url, records.get_record_offset(), content_type, body, max_bytes)


def _feed_entry(record: Any) -> tuple[str, dict[str, Any]] | None:
    if (record.rec_headers.get_header("Content-Type") or "").split(";")[0].strip() != FEED_ENTRY_TYPE:
        return None
    refers_to = record.rec_headers.get_header("WARC-Refers-To")
    try:
        entry = json.loads(record.content_stream().read(_METADATA_MAX_BYTES))
    except (ValueError, UnicodeDecodeError):
        return None  # a damaged note about a page: the page still stands on its own
    return (refers_to, entry) if refers_to and isinstance(entry, dict) else None


def _content_type(record: Any) -> str:
    if record.http_headers is not None:
        return record.http_headers.get_header("Content-Type") or ""
    return record.rec_headers.get_header("Content-Type") or ""


def _page(
    record: Any, url: str | None, offset: int, content_type: str, body: bytes, max_bytes: int
) -> WarcPage | ItemError:
    if len(body) > max_bytes:
        return InputTooLarge(f"record at offset {offset} ({url}) is over {max_bytes:,} bytes")
    if not url:
        return ItemError(f"record at offset {offset} has no WARC-Target-URI")
    status = None
    headers: dict[str, str] = {}
    if record.http_headers is not None:
        headers = {k: v for k, v in record.http_headers.headers}
        status = _status(record.http_headers.get_statuscode())
    return WarcPage(
        url=url.strip("<> "),
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
        offset=offset,
        fetched_at=parse_compact(record.rec_headers.get_header("WARC-Date")),
        status=status,
        headers=headers,
        content_type=content_type,
        charset=_charset(content_type),
        body=body,
    )


def _status(code: str | None) -> int | None:
    try:
        return int(code) if code else None
    except ValueError:
        return None


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _explain(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    if "non-chunked gzip" in message:
        return (
            "the file is one gzip stream rather than one gzip member per record; "
            "recompress it per record (warcio recompress IN OUT)"
        )
    if "Unknown archive format" in message:
        first = message.split("first line:", 1)[-1].strip()[:60]
        return f"not a WARC or ARC file (first line {first}); if it is an HTML page, name it .html"
    return f"unreadable WARC data ({type(exc).__name__}: {message[:200]}); records before it were kept"


def warc_items(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
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
