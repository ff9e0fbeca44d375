"""WARC and ARC files, read with warcio: HTML responses (and resources) become items, every failure is named."""

from __future__ import annotations

import json
import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

from ...errors import InputTooLarge, ItemError
from ...extract import Hints, is_web_url
from ...extract.dates import parse_compact, parse_iso
from ...extract.text import clean_text
from ..records import IngestOptions, Item, Outcome

log = logging.getLogger(__name__)

_LZ4_MAGIC = b'\x04"M\x18'
_GZIP_MAGIC = b"\x1f\x8b"
# After a broken record, the next one is looked for a megabyte at a time.
_RESYNC_CHUNK = 1 << 20
# A record's WARC headers come within its first 64 KB: enough to say which mandatory one is missing.
_HEADER_PEEK_BYTES = 65_536
# An HTML page without a stated type starts with its doctype or <html> within this many bytes.
_SNIFF_BYTES = 1024
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
    return parse_iso(value)  # naive UTC, whatever zone the record wrote


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
    offset: int = 0  # where the record read last starts

    @property
    def records(self) -> int:
        return sum(self.record_types.values())


# What warcio raises on a record it cannot parse (a missing WARC-Target-URI is an AttributeError
# inside it), and what our reading of one record may raise on hostile headers or payloads.
_UNREADABLE = (
    ArchiveLoadFailed,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    OverflowError,
    RecursionError,
    zlib.error,
)


# A byte range of a file: the records whose start offset lies in [start, end); end None for the file's end.
Span = tuple[int, int | None]
Opener = Callable[[Path], IO[bytes]]


def iter_warc(
    path: Path, max_bytes: int, scan: WarcScan | None = None, span: Span = (0, None), opener: Opener | None = None
) -> Iterator[WarcPage | WarcSkip | ItemError]:
    """Stream the records of a WARC/ARC file; a broken record is one ItemError, and reading goes on after it.

    After a record warcio cannot parse, reading starts again at the next
    record: the next gzip member, or the next line that starts "WARC/1.".
    With a `span`, only the records that start in it are read (a cluster
    splits big files so); `opener` opens the file (fsspec for a URL).
    """
    scan = scan if scan is not None else WarcScan()
    first, end = span
    try:
        with opener(path) if opener is not None else open(path, "rb") as stream:
            _refuse_unsupported(stream)
            compressed = stream.read(2) == _GZIP_MAGIC
            # A plain record starts after a newline: look from the byte before, to find one starting at `first`.
            start = _next_record_start(stream, first if compressed else first - 1, compressed) if first > 0 else 0
            while start is not None and (end is None or start < end):
                stream.seek(start)
                records = _archive(stream)
                read_before, scan.offset = scan.records, start
                try:
                    yield from _records(records, max_bytes, scan, end)
                    start = None
                except _UNREADABLE as exc:
                    # Inside a damaged gzip member warcio's offset can fall behind the record it read last.
                    broken = max(records.offset, scan.offset)
                    start = _next_record_start(stream, broken + 1, compressed) if _resumable(exc) else None
                    head = _record_head(stream, broken, compressed)
                    if head is None and scan.records == read_before and broken > 0:
                        continue  # a place the search took for a record start (gzip's magic bytes in a payload)
                    error = _broken_record(head, broken, start, exc)
                    scan.error = scan.error or str(error)
                    yield error
    except ItemError as exc:
        scan.error = str(exc)
        yield exc
    except OSError as exc:  # the file itself: unreadable, or gone
        scan.error = _explain(exc)
        yield ItemError(scan.error)


def _next_record_start(stream: IO[bytes], after: int, compressed: bool) -> int | None:
    """Where the next record may start, at `after` or later: a gzip member, or a line starting "WARC/1."."""
    marker = _GZIP_MAGIC + b"\x08" if compressed else b"\nWARC/1."
    stream.seek(after)
    position, tail = after, b""
    while chunk := stream.read(_RESYNC_CHUNK):
        window = tail + chunk
        found = window.find(marker)
        if found >= 0:
            start = position - len(tail) + found
            return start if compressed else start + 1
        tail = window[-(len(marker) - 1) :]
        position += len(chunk)
    return None


def _resumable(exc: BaseException) -> bool:
    # One gzip stream for the whole file: there is no next member to go on from.
    return "non-chunked gzip" not in str(exc)


def _broken_record(head: bytes | None, offset: int, resume: int | None, exc: BaseException) -> ItemError:
    """The error of an unreadable record: the header it lacks when that is why, else what the parser said."""
    missing = _missing_header(head) if head is not None else None
    reason = f"it has no {missing}" if missing else _explain(exc, resume is not None, offset)
    if offset == 0 and resume is None and not missing:
        return ItemError(reason)  # nothing readable in the whole file
    after = "; reading went on after it" if resume is not None and missing else ""
    return ItemError(f"record at offset {offset} is unreadable: {reason}{after}")


def _record_head(stream: IO[bytes], offset: int, compressed: bool) -> bytes | None:
    """The WARC header block (lower case) of the record at `offset`; None when no WARC record starts there."""
    stream.seek(offset)
    head = stream.read(_HEADER_PEEK_BYTES)
    if compressed:
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, _HEADER_PEEK_BYTES)
        except zlib.error:
            return None
    block = head.lstrip(b"\r\n").split(b"\r\n\r\n", 1)[0].lower()
    return block if block.startswith(b"warc/1.") else None


def _missing_header(block: bytes) -> str | None:
    """The mandatory WARC header a record lacks: WARC-Type, and WARC-Target-URI for a page."""
    headers = {
        name.strip(): value.strip() for name, _, value in (line.partition(b":") for line in block.split(b"\r\n"))
    }
    if b"warc-type" not in headers:
        return "WARC-Type header"
    if (
        headers[b"warc-type"] in (b"response", b"resource", b"request", b"revisit")
        and b"warc-target-uri" not in headers
    ):
        return "WARC-Target-URI header"
    return None


# warcio reads a header line to its newline: a gigabyte without one (a sparse file of NULs) would be read as
# one line, in quadratic time. No header line is this long, nor are this many blank lines found in a row.
_LINE_MAX_BYTES = 1 << 20
_BLANK_LINES_MAX = 10_000
_BLOCK_BYTES = 16_384


class _CappedLines(DecompressingBufferedReader):  # type: ignore[misc]  # warcio has no type hints
    """warcio's reader with its lines capped: past the caps, the data is no WARC or ARC headers."""

    blank_lines = 0

    def readline(self, length: int | None = None) -> bytes:
        limit = _LINE_MAX_BYTES if length is None else min(length, _LINE_MAX_BYTES)
        parts: list[bytes] = []
        size = 0
        while size < limit:
            piece: bytes = super().readline(min(limit - size, _BLOCK_BYTES))
            if not piece:
                break
            parts.append(piece)
            size += len(piece)
            if piece.endswith(b"\n"):
                break
        line = b"".join(parts)
        if size >= _LINE_MAX_BYTES and not line.endswith(b"\n"):
            raise ArchiveLoadFailed(f"a line of over {_LINE_MAX_BYTES:,} bytes where WARC or ARC headers should be")
        self.blank_lines = self.blank_lines + 1 if line and not line.strip() else 0
        if self.blank_lines > _BLANK_LINES_MAX:
            raise ArchiveLoadFailed(f"over {_BLANK_LINES_MAX:,} blank lines in a row where a record should start")
        return line


def _archive(stream: IO[bytes]) -> ArchiveIterator:
    records = ArchiveIterator(stream, arc2warc=True)
    records.reader = _CappedLines(records.fh, block_size=_BLOCK_BYTES)
    return records


def _refuse_unsupported(stream: IO[bytes]) -> None:
    magic = stream.read(4)
    stream.seek(0)
    if magic == _LZ4_MAGIC:
        raise ItemError("lz4-compressed WARC files are not supported; decompress it first (lz4 -d FILE)")
    if magic == _ZSTD_MAGIC:
        raise ItemError("zstd-compressed WARC files are not supported; decompress it first (zstd -d FILE)")
    if not magic:
        raise ItemError("the file is empty")


def _records(
    records: ArchiveIterator, max_bytes: int, scan: WarcScan, end: int | None = None
) -> Iterator[WarcPage | WarcSkip | ItemError]:
    # A page waits until the next page: a feed-entry record that refers to it may come first.
    pending: WarcPage | None = None
    try:
        for found in _each_record(records, max_bytes, scan, end):
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
    records: ArchiveIterator, max_bytes: int, scan: WarcScan, end: int | None = None
) -> Iterator[WarcPage | WarcSkip | ItemError | tuple[str, dict[str, Any]]]:
    for record in records:
        # Past the span, only the feed-entry notes about its last page are still read.
        if end is not None and records.offset >= end and record.rec_type != "metadata":
            return
        scan.offset = records.offset
        scan.record_types[record.rec_type] += 1
        if record.rec_type == "metadata":
            found = _feed_entry(record)
            if found is not None:
                yield found
            continue
        if record.rec_type is None:
            if record.rec_headers.headers:  # else blank lines at the start of a gzip member, not a record
                yield ItemError(f"record at offset {records.offset} has no WARC-Type header; passed over")
            continue
        if record.rec_type not in _PAGE_RECORDS:
            continue
        content_type = _content_type(record)
        url = record.rec_headers.get_header("WARC-Target-URI")
        body: bytes | None = None
        if not content_type.split(";")[0].strip():
            # No type stated: a browser sniffs the body, and so do we, to keep a page it would show.
            body = record.content_stream().read(max_bytes + 1)
            content_type = "text/html" if _sniffs_as_html(body) else ""
        if "html" not in content_type.split(";")[0].lower():
            yield WarcSkip(
                url, records.get_record_offset(), f"not HTML ({content_type.split(';')[0] or 'no content type'})"
            )
            continue
        if record.rec_type == "response":
            scan.html_responses += 1
        # The body must be read before asking for the offset: warcio's
        # get_record_offset() skips to the end of the record.
        body = body if body is not None else record.content_stream().read(max_bytes + 1)
        try:
            offset = records.get_record_offset()
        except _UNREADABLE:
            # What follows the record is broken (a run of NULs, a cut file), not the record: keep it, then say so.
            yield _page(record, url, scan.offset, content_type, body, max_bytes)
            raise
        yield _page(record, url, offset, content_type, body, max_bytes)


def _sniffs_as_html(body: bytes) -> bool:
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _feed_entry(record: Any) -> tuple[str, dict[str, Any]] | None:
    if (record.rec_headers.get_header("Content-Type") or "").split(";")[0].strip() != FEED_ENTRY_TYPE:
        return None
    refers_to = record.rec_headers.get_header("WARC-Refers-To")
    try:
        entry = json.loads(record.content_stream().read(_METADATA_MAX_BYTES))
    except (ValueError, RecursionError):
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
        url=clean_text(url).strip("<> "),
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


def _explain(exc: BaseException, resumed: bool = False, offset: int = 0) -> str:
    message = " ".join(str(exc).split())
    if "non-chunked gzip" in message:
        return (
            "the file is one gzip stream rather than one gzip member per record; "
            "recompress it per record (warcio recompress IN OUT)"
        )
    if "Unknown archive format" in message:
        first = message.split("first line:", 1)[-1].strip()[:60]
        if resumed or offset > 0:
            return f"no record starts here (first line {first}); the one before may state a wrong Content-Length"
        return f"not a WARC or ARC file (first line {first}); if it is an HTML page, name it .html"
    kept = "reading went on after it" if resumed else "records before it were kept"
    return f"unreadable WARC data ({type(exc).__name__}: {message[:200]}); {kept}"


def warc_items(
    path: Path,
    root: Path | None,
    options: IngestOptions,
    span: Span = (0, None),
    origin: str | None = None,
    opener: Opener | None = None,
) -> Iterator[Item | Outcome]:
    """The pages of a WARC/ARC file (or of a span of it); `origin` names a file given by URL."""
    name = origin or str(path)
    origin = origin or str(path.resolve())
    for found in iter_warc(path, options.max_bytes, span=span, opener=opener):
        if isinstance(found, ItemError):
            yield Outcome(name, "failed", str(found))
        elif isinstance(found, WarcSkip):
            continue  # requests, images, scripts: not articles, and not worth a line each
        elif isinstance(found, WarcPage):
            yield _warc_item(name, origin, found, options)


def _warc_item(name: str, origin: str, page: WarcPage, options: IngestOptions) -> Item | Outcome:
    label = f"{name} @{page.offset} ({page.url})"
    if page.status is not None and not 200 <= page.status < 300:
        return Outcome(label, "skipped", f"HTTP status {page.status}")
    if not is_web_url(page.url):
        return Outcome(label, "failed", f"its WARC-Target-URI {page.url!r:.200} is not an http(s) URL")
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
