"""Offline ingest: HTML files, WARC/ARC files, feed files and JSONL → kept raw records → articles."""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from .errors import InputTooLarge, ItemError, NoArticle, NotText, UsageError
from .extract import Extracted, Hints, LanguageOptions, decode_html, extract_html, finish, html_text, to_utc
from .feeds import parse_feed
from .store import Store
from .store import queries as q
from .text import word_count
from .warc import WarcPage, WarcSkip, iter_warc

log = logging.getLogger(__name__)

_HTML = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
_WARC = (".warc", ".warc.gz", ".arc", ".arc.gz", ".warc.lz4", ".warc.zst")
_FEED = (".xml", ".rss", ".atom", ".rdf", ".feed", ".json")
_JSONL = (".jsonl", ".ndjson", ".jsonl.gz")
ARTICLE_KINDS = ("html", "warc", "feed", "jsonl", "fetch")


@dataclass(frozen=True)
class IngestOptions:
    base_url: str | None = None
    source: str | None = None
    max_bytes: int = 10_000_000
    feed_min_words: int = 60
    language: LanguageOptions = field(default_factory=LanguageOptions)


@dataclass
class Item:
    """One page-like input on its way to becoming an article."""

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


@dataclass
class Outcome:
    """What happened to one item: new | version | unchanged | queued | skipped | failed."""

    label: str
    status: str
    message: str = ""
    article_id: int | None = None


@dataclass
class IngestReport:
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status in ("failed", "skipped") and outcome.message:
            self.problems.append(outcome)

    @property
    def ok(self) -> int:
        return self.counts["new"] + self.counts["version"]

    @property
    def skipped(self) -> int:
        return self.counts["skipped"] + self.counts["unchanged"]

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self) -> dict[str, int]:
        return {"ok": self.ok, "new": self.counts["new"], "versions": self.counts["version"], "skipped": self.skipped,
                "failed": self.failed, "queued": self.counts["queued"]}


OnOutcome = Callable[[Outcome], None]
OnFile = Callable[[Path], None]


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
                raise InputTooLarge(f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB cap (setting max_page_bytes)")
            return stream.read()
        try:
            data = gzip.GzipFile(fileobj=stream).read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise ItemError(f"broken gzip data ({exc or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise InputTooLarge(f"the file unpacks to more than the {max_bytes / 1e6:.1f} MB cap (setting max_page_bytes)")
    return data


def html_items(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    try:
        payload = read_capped(path, options.max_bytes)
    except ItemError as exc:
        yield Outcome(str(path), "failed", str(exc))
        return
    default_url = path.resolve().as_uri()
    if options.base_url:
        relative = path.relative_to(root).as_posix() if root else path.name
        default_url = urljoin(options.base_url.rstrip("/") + "/", relative)
    yield Item(str(path), "html", str(path.resolve()), None, payload, Hints(source=options.source), default_url=default_url)


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
    return Item(
        label, "warc", origin, page.record_id or str(page.offset), page.body,
        Hints(url=page.url, source=options.source, fetched_at=page.fetched_at),
        charset=page.charset, status=page.status, headers=page.headers,
        content_type=page.content_type, warc_offset=page.offset,
    )


def feed_items(store: Store, path: Path, options: IngestOptions) -> Iterator[Item | Outcome]:
    data = b""
    try:
        data = read_capped(path, options.max_bytes)
        feed = parse_feed(data, None)
    except ItemError as exc:
        # A .json file that is not a JSON Feed is most likely not ours to read.
        status = "skipped" if path.suffix.lower() == ".json" and data[:1].strip() in (b"{", b"[") else "failed"
        yield Outcome(str(path), status, str(exc))
        return
    origin = str(path.resolve())
    _keep_feed_document(store, path, origin, data, feed.link)
    for number, entry in enumerate(feed.entries, 1):
        label = f"{path} entry {number} ({entry.link or entry.title or 'no link'})"
        hints = Hints(url=entry.link, title=entry.title, author=entry.author, published=entry.published,
                      published_how="feed" if entry.published else None, source=options.source)
        if not entry.link:
            yield Outcome(label, "failed", "the entry has no link, so it cannot be stored or fetched")
        elif entry.content_html and word_count(html_text(entry.content_html)) >= options.feed_min_words:
            yield Item(label, "feed", origin, entry.guid or entry.link, entry.content_html.encode("utf-8"), hints,
                       charset="utf-8", content_type="text/html")
        else:
            yield _queue(store, label, hints, options)


def _keep_feed_document(store: Store, path: Path, origin: str, data: bytes, link: str | None) -> None:
    """Keep the feed file itself: teaser entries and feed metadata live only there."""
    sha = hashlib.sha256(data).hexdigest()
    with store.begin() as conn:
        if not q.raw_seen(conn, sha, origin, None):
            url = link or path.resolve().as_uri()
            if q.find_raw(conn, url, sha) is None:
                q.insert_raw(conn, q.RawRecord(url=url, kind="feed-document", sha256=sha, body=data, origin=origin))


def _queue(store: Store, label: str, hints: Hints, options: IngestOptions) -> Outcome:
    from .extract import canonical_url

    url = canonical_url(hints.url) or ""
    with store.begin() as conn:
        source_id = q.source_for(conn, options.source, domain_of(url), None)
        added = q.queue_url(conn, url, source_id, None, hints.title, hints.published)
    return Outcome(label, "queued" if added else "skipped", "" if added else "already queued")


def jsonl_items(path: Path, options: IngestOptions) -> Iterator[Item | Outcome]:
    try:
        data = read_capped(path, options.max_bytes * 20)
    except ItemError as exc:
        yield Outcome(str(path), "failed", str(exc))
        return
    origin = str(path.resolve())
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        label = f"{path} line {number}"
        try:
            hints = jsonl_hints(line, options.source)
        except ItemError as exc:
            yield Outcome(label, "failed", str(exc))
            continue
        yield Item(f"{label} ({hints.url})", "jsonl", origin, str(number), line, hints)


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
    return Hints(url=url, title=_str(record.get("title")), author=_str(record.get("author")), published=published,
                 published_how="record" if published else None, language=_str(record.get("language")),
                 source=source or _str(record.get("source")), fetched_at=_iso_date(record.get("fetched"), "fetched"))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _iso_date(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return to_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        raise ItemError(f"field {name!r} is not an ISO 8601 date: {value!r}") from None


# ---- from item to article --------------------------------------------------------------


def domain_of(url: str | None) -> str | None:
    host = urlsplit(url or "").hostname
    return host.removeprefix("www.") if host else None


def extract_item(item: Item, options: IngestOptions) -> Extracted:
    """Decode and extract one item; raises ItemError subclasses on bad input."""
    if item.kind == "jsonl":
        record = json.loads(item.payload)
        if isinstance(record.get("html"), str):
            return extract_html(record["html"], item.hints, options.language)
        return finish(record["text"], item.hints, options.language)
    html = decode_html(item.payload, item.charset)
    if item.kind == "feed":
        return _extract_fragment(html, item.hints, options)
    return extract_html(html, item.hints, options.language, default_url=item.default_url)


def _extract_fragment(html: str, hints: Hints, options: IngestOptions) -> Extracted:
    # A feed's content is a fragment; trafilatura wants a page, and a fragment
    # that is all article needs no boilerplate removal anyway.
    try:
        return extract_html(f"<html><body><article>{html}</article></body></html>", hints, options.language)
    except NoArticle:
        return finish(html_text(html), hints, options.language)


def store_item(store: Store, item: Item, options: IngestOptions) -> Outcome:
    """Extract one item and store it, with its raw record; failures become an Outcome."""
    sha = hashlib.sha256(item.payload).hexdigest()
    with store.connect() as conn:
        if q.raw_seen(conn, sha, item.origin, item.record):
            return Outcome(item.label, "unchanged")
    try:
        extracted = extract_item(item, options)
    except NoArticle as exc:
        _keep_raw(store, item, sha, item.hints.url or item.default_url or item.label)
        return Outcome(item.label, "skipped", str(exc))
    except ItemError as exc:
        return Outcome(item.label, "failed", str(exc))
    extracted.url = extracted.url or item.default_url
    with store.begin() as conn:
        raw_id = q.find_raw(conn, extracted.url or "", sha) or q.insert_raw(conn, _raw_record(item, sha, extracted.url))
        source_id = q.source_for(conn, item.hints.source, domain_of(extracted.url), extracted.sitename)
        status, article_id = q.save_article(conn, extracted, source_id, raw_id, item.hints.fetched_at)
    return Outcome(item.label, status, "", article_id)


def _keep_raw(store: Store, item: Item, sha: str, url: str) -> None:
    with store.begin() as conn:
        if q.find_raw(conn, url, sha) is None:
            q.insert_raw(conn, _raw_record(item, sha, url))


def _raw_record(item: Item, sha: str, url: str | None) -> q.RawRecord:
    return q.RawRecord(
        url=url or item.label, kind=item.kind, sha256=sha, body=item.payload, origin=item.origin, record=item.record,
        fetched_at=item.hints.fetched_at, status=item.status, headers=item.headers, content_type=item.content_type,
        warc_path=item.origin if item.kind == "warc" else None, warc_offset=item.warc_offset,
        hints=_hints_json(item),
    )


def _hints_json(item: Item) -> dict[str, Any]:
    kept = {k: v for k, v in asdict(item.hints).items() if v is not None}
    if item.default_url:
        kept["default_url"] = item.default_url
    if item.charset:
        kept["charset"] = item.charset
    return kept


def item_from_raw(row: Any) -> Item:
    """Rebuild an item from a kept raw record, for re-extraction."""
    kept = json.loads(row.hints or "{}")
    default_url = kept.pop("default_url", None)
    charset = kept.pop("charset", None)
    for name in ("published", "fetched_at"):
        if kept.get(name):
            kept[name] = datetime.fromisoformat(kept[name])
    return Item(f"raw {row.id} ({row.url})", row.kind, row.origin or "", row.record, q.raw_body(row),
                Hints(**kept), default_url=default_url, charset=charset, status=row.status,
                content_type=row.content_type, warc_offset=row.warc_offset)


# ---- the runs ----------------------------------------------------------------------------


def items_of(store: Store, path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    kind = kind_of(path)
    if kind == "html":
        yield from html_items(path, root, options)
    elif kind == "warc":
        yield from warc_items(path, options)
    elif kind == "feed":
        yield from feed_items(store, path, options)
    elif kind == "jsonl":
        yield from jsonl_items(path, options)
    else:
        yield Outcome(str(path), "skipped", "not a known input (HTML, WARC/ARC, RSS/Atom/JSON feed or JSONL)")


def ingest_paths(
    store: Store, arguments: Iterable[str], options: IngestOptions,
    on_outcome: OnOutcome | None = None, on_file: OnFile | None = None,
) -> IngestReport:
    """Ingest files, directories and globs; every item ends as one Outcome in the report."""
    report = IngestReport()
    for argument in arguments:
        root = Path(argument) if Path(argument).is_dir() else None
        for path in expand_paths([argument]):
            if on_file:
                on_file(path)
            for outcome in _outcomes_of(store, path, root, options):
                report.add(outcome)
                if on_outcome:
                    on_outcome(outcome)
    return report


def _outcomes_of(store: Store, path: Path, root: Path | None, options: IngestOptions) -> Iterator[Outcome]:
    try:
        for found in items_of(store, path, root, options):
            yield found if isinstance(found, Outcome) else _guarded(store, found, options)
    except Exception as exc:  # noqa: BLE001 - a reader tripping on a hostile file must not stop the run
        log.debug("unexpected error reading %s", path, exc_info=True)
        yield Outcome(str(path), "failed", f"unexpected error reading the file ({type(exc).__name__}: {exc})")


def _guarded(store: Store, item: Item, options: IngestOptions) -> Outcome:
    try:
        return store_item(store, item, options)
    except Exception as exc:  # noqa: BLE001 - a library tripping on hostile input must not stop the run
        log.debug("unexpected error on %s", item.label, exc_info=True)
        return Outcome(item.label, "failed", f"unexpected error ({type(exc).__name__}: {exc}); please report it")


def reextract(store: Store, options: IngestOptions, on_outcome: OnOutcome | None = None) -> IngestReport:
    """Run extraction again over every kept raw record; changed results become new versions."""
    report = IngestReport()
    with store.connect() as conn:
        rows = list(q.iter_raw(conn, ARTICLE_KINDS))
    for row in rows:
        try:
            item = item_from_raw(row)
            outcome = _reextract_one(store, item, row.id, options)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the run
            outcome = Outcome(f"raw {row.id} ({row.url})", "failed", f"{type(exc).__name__}: {exc}")
        report.add(outcome)
        if on_outcome:
            on_outcome(outcome)
    return report


def _reextract_one(store: Store, item: Item, raw_id: int, options: IngestOptions) -> Outcome:
    try:
        extracted = extract_item(item, options)
    except NoArticle as exc:
        return Outcome(item.label, "skipped", str(exc))
    except ItemError as exc:
        return Outcome(item.label, "failed", str(exc))
    extracted.url = extracted.url or item.default_url
    with store.begin() as conn:
        source_id = q.source_for(conn, item.hints.source, domain_of(extracted.url), extracted.sitename)
        status, article_id = q.save_article(conn, extracted, source_id, raw_id, item.hints.fetched_at)
    return Outcome(item.label, status, "", article_id)


def count_raw(store: Store) -> int:
    with store.connect() as conn:
        return q.count_raw(conn, ARTICLE_KINDS)


__all__ = ["IngestOptions", "IngestReport", "Outcome", "ingest_paths", "reextract", "expand_paths", "kind_of",
           "JSONL_FIELDS", "NotText"]
