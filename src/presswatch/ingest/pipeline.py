"""Offline ingest: HTML files, WARC/ARC files, feed files and JSONL → kept raw records → articles."""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ItemError, NoArticle
from ..extract import Extracted, Hints, canonical_url, decode_html, extract_html, finish, html_text
from ..extract.dates import parse_iso
from ..extract.text import clean_text
from ..store import Store
from ..store import queries as q
from .files import expand_paths, kind_of
from .readers import items_of
from .readers.jsonl import JSONL_FIELDS
from .records import IngestOptions, Item, Outcome
from .workers import HEAVY_BYTES, ItemBudget, OrderedPool, guarded, worker_count

log = logging.getLogger(__name__)

ARTICLE_KINDS = ("html", "warc", "feed", "jsonl", "fetch")


@dataclass
class IngestReport:
    """Counts of outcomes by status, the problems by name, and a listener told of each outcome."""

    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Outcome] = field(default_factory=list)
    listener: Callable[[Outcome], None] | None = field(default=None, repr=False)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status in ("failed", "skipped") and outcome.message:
            self.problems.append(outcome)
        if self.listener:
            self.listener(outcome)

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
        return {
            "ok": self.ok,
            "new": self.counts["new"],
            "versions": self.counts["version"],
            "skipped": self.skipped,
            "failed": self.failed,
            "queued": self.counts["queued"],
        }


OnOutcome = Callable[[Outcome], None]
OnFile = Callable[[Path], None]


# ---- from item to article --------------------------------------------------------------


def domain_of(url: str | None) -> str | None:
    try:
        host = urlsplit(url or "").hostname
    except ValueError:  # "https://[::1": no host to be told
        return None
    return host.removeprefix("www.") if host else None


def extract_item(item: Item, options: IngestOptions) -> Extracted:
    """Decode and extract one item; raises ItemError subclasses on bad input."""
    if item.kind == "jsonl":
        record = json.loads(item.payload)
        if isinstance(record.get("html"), str):
            return extract_html(clean_text(record["html"]), item.hints, options.language, window=options.dates)
        return finish(record["text"], item.hints, options.language, window=options.dates)
    html = decode_html(item.payload, item.charset)
    if item.kind == "feed":
        return _extract_fragment(html, item.hints, options)
    return extract_html(html, item.hints, options.language, default_url=item.default_url, window=options.dates)


def _extract_fragment(html: str, hints: Hints, options: IngestOptions) -> Extracted:
    # A feed's content is a fragment; trafilatura wants a page, and a fragment
    # that is all article needs no boilerplate removal anyway.
    try:
        page = f"<html><body><article>{html}</article></body></html>"
        return extract_html(page, hints, options.language, window=options.dates)
    except NoArticle:
        return finish(html_text(html), hints, options.language, window=options.dates)


def precheck(store: Store, item: Item) -> Outcome | str:
    """Settle what needs no extraction (teasers, feed files, inputs seen before); else the payload's hash."""
    if item.kind == "teaser":
        return _queue(store, item)
    sha = item.sha256 = hashlib.sha256(item.payload).hexdigest()
    if item.kind == "feed-document":
        _keep_raw(store, item, sha, item.hints.url or item.origin)
        return Outcome(item.label, "kept")
    with store.connect() as conn:
        if q.raw_seen(conn, sha, item.origin, item.record):
            return Outcome(item.label, "unchanged")
    return sha


def store_result(
    store: Store, item: Item, sha: str, result: Extracted | ItemError, raw_id: int | None = None
) -> Outcome:
    """Store an extracted article with its raw record (kept once), or say why there is none."""
    item.sha256 = sha or item.sha256
    item.raw_id = raw_id if raw_id is not None else item.raw_id
    writer = ResultWriter(store)
    writer.add(item, result)
    return writer.flush()[0]


# Results stored per transaction: one commit per batch rather than per article,
# the biggest share of the writer's time once the queries themselves are cheap.
STORE_BATCH = 32
SourceKey = tuple[str | None, str | None, str | None]


class ResultWriter:
    """Stores extraction results in input order, a batch per transaction; a store error fails its item only."""

    def __init__(
        self, store: Store, batch: int = STORE_BATCH, on_flush: Callable[[Connection], None] | None = None
    ) -> None:
        self.store = store
        self.batch = batch
        # Writes of the caller's own that belong with the batch (fetch marks its pages done), in its transaction.
        self.on_flush = on_flush
        self.waiting: list[tuple[Item, Extracted | ItemError]] = []
        # Looked up once per run: nearly every article of a run names a source seen before.
        self.sources: dict[SourceKey, int] = {}

    def add(self, item: Item, result: Extracted | ItemError) -> list[Outcome]:
        """Queue a result; the outcomes of the batch when this one fills it."""
        self.waiting.append((item, result))
        return self.flush() if len(self.waiting) >= self.batch else []

    def flush(self) -> list[Outcome]:
        """Store what is waiting; one Outcome per result, in order."""
        waiting, self.waiting = self.waiting, []
        if not waiting and self.on_flush is None:
            return []
        try:
            with self.store.begin() as conn:
                outcomes = [self._store(conn, item, result) for item, result in waiting]
                if self.on_flush is not None:
                    self.on_flush(conn)
                return outcomes
        except (SQLAlchemyError, ValueError):
            # Rolled back whole: store item by item, so that only the item at fault fails.
            self.sources.clear()
            log.debug("a batch failed to store; storing its items one by one", exc_info=True)
            outcomes = [self._store_alone(item, result) for item, result in waiting]
            if self.on_flush is not None:
                with self.store.begin() as conn:
                    self.on_flush(conn)
            return outcomes

    def _store_alone(self, item: Item, result: Extracted | ItemError) -> Outcome:
        try:
            with self.store.begin() as conn:
                return self._store(conn, item, result)
        except (SQLAlchemyError, ValueError) as exc:
            self.sources.clear()
            cause = getattr(exc, "orig", None) or exc
            return Outcome(item.label, "failed", f"the store refused it ({type(cause).__name__}: {cause})")

    def _store(self, conn: Connection, item: Item, result: Extracted | ItemError) -> Outcome:
        sha, raw_id = item.sha256 or "", item.raw_id
        if isinstance(result, NoArticle):
            if raw_id is None:
                _keep_raw_in(conn, item, sha, item.hints.url or item.default_url or item.label)
            return Outcome(item.label, "skipped", str(result))
        if isinstance(result, ItemError):
            return Outcome(item.label, "failed", str(result))
        result.url = result.url or item.default_url
        if raw_id is None:
            raw_id = q.find_raw(conn, result.url or "", sha) or q.insert_raw(conn, _raw_record(item, sha, result.url))
        source_id = self._source(conn, item.hints.source, domain_of(result.url), result.sitename)
        status, article_id = q.save_article(conn, result, source_id, raw_id, item.hints.fetched_at)
        return Outcome(item.label, status, "", article_id)

    def _source(self, conn: Connection, name: str | None, domain: str | None, sitename: str | None) -> int:
        key = (name, domain, sitename)
        if key not in self.sources:
            self.sources[key] = q.source_for(conn, name, domain, sitename)
        return self.sources[key]


def store_item(store: Store, item: Item, options: IngestOptions) -> Outcome:
    """Extract one item and store it, in this process; failures become an Outcome."""
    checked = precheck(store, item)
    if isinstance(checked, Outcome):
        return checked
    return store_result(store, item, checked, guarded(partial(extract_item, options=options), item))


def _keep_raw(store: Store, item: Item, sha: str, url: str) -> None:
    with store.begin() as conn:
        _keep_raw_in(conn, item, sha, url)


def _keep_raw_in(conn: Connection, item: Item, sha: str, url: str) -> None:
    if q.find_raw(conn, url, sha) is None:
        q.insert_raw(conn, _raw_record(item, sha, url))


def _raw_record(item: Item, sha: str, url: str | None) -> q.RawRecord:
    return q.RawRecord(
        url=url or item.label,
        kind=item.kind,
        sha256=sha,
        body=item.payload,
        origin=item.origin,
        record=item.record,
        fetched_at=item.hints.fetched_at,
        status=item.status,
        headers=item.headers,
        content_type=item.content_type,
        # WARC records, read from a file or fetched and archived by us, are kept by pointer too
        warc_path=item.origin if item.kind in ("warc", "fetch") else None,
        warc_offset=item.warc_offset,
        hints=_hints_json(item),
        packed=item.packed,
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
            kept[name] = parse_iso(kept[name])
    return Item(
        f"raw {row.id} ({row.url})",
        row.kind,
        row.origin or "",
        row.record,
        q.raw_body(row),
        Hints(**kept),
        default_url=default_url,
        charset=charset,
        status=row.status,
        content_type=row.content_type,
        warc_offset=row.warc_offset,
        raw_id=row.id,
    )


def _queue(store: Store, item: Item) -> Outcome:
    url = canonical_url(item.hints.url) or ""
    with store.begin() as conn:
        source_id = q.source_for(conn, item.hints.source, domain_of(url), item.hints.sitename)
        added = q.queue_url(conn, url, source_id, None, item.hints.title, item.hints.published)
    return Outcome(item.label, "queued" if added else "skipped", "" if added else "already queued")


# ---- the runs ----------------------------------------------------------------------------


def ingest_paths(
    store: Store,
    arguments: Iterable[str],
    options: IngestOptions,
    on_outcome: OnOutcome | None = None,
    on_file: OnFile | None = None,
) -> IngestReport:
    """Ingest files, directories and globs; every item ends as one Outcome in the report."""
    report = IngestReport(listener=on_outcome)
    writer = ResultWriter(store)
    with _kept_on_interrupt(writer, report), extraction_pool(options) as pool:
        for argument in arguments:
            root = Path(argument) if Path(argument).is_dir() else None
            for path in expand_paths([argument]):
                if on_file:
                    on_file(path)
                for item_or_outcome in _read(path, root, options):
                    for outcome in _settle(store, pool, writer, item_or_outcome):
                        report.add(outcome)
        _finish(pool, writer, report)
    return report


@contextmanager
def _kept_on_interrupt(writer: ResultWriter, report: IngestReport) -> Iterator[None]:
    """On Ctrl-C, store the results already extracted (the writer's batch), then let the interrupt go on."""
    try:
        yield
    except KeyboardInterrupt:
        for outcome in writer.flush():
            report.add(outcome)
        raise


def _finish(pool: OrderedPool[Item, Extracted], writer: ResultWriter, report: IngestReport) -> None:
    """Store what the workers still hold, then what the writer still waits with."""
    for item, result in pool.drain():
        for outcome in writer.add(item, result):
            report.add(outcome)
    for outcome in writer.flush():
        report.add(outcome)


def extraction_pool(options: IngestOptions) -> OrderedPool[Item, Extracted]:
    budget = ItemBudget(options.item_seconds, options.item_memory_bytes)
    return OrderedPool(partial(extract_item, options=options), worker_count(options.workers), budget, heavy=_heavy)


def _heavy(item: Item) -> bool:
    return len(item.payload) > HEAVY_BYTES


def _settle(
    store: Store, pool: OrderedPool[Item, Extracted], writer: ResultWriter, found: Item | Outcome
) -> Iterator[Outcome]:
    """An outcome now, or the item handed to the pool and the outcomes of those stored meanwhile."""
    if isinstance(found, Outcome):
        yield found
        return
    checked = precheck(store, found)
    if isinstance(checked, Outcome):
        yield checked
        return
    for item, result in pool.submit(found):
        yield from writer.add(item, result)


def _read(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    try:
        for found in items_of(path, root, options):
            yield _dated(found, options) if isinstance(found, Item) else found
    except Exception as exc:  # noqa: BLE001 - a reader tripping on a hostile file must not stop the run
        log.debug("unexpected error reading %s", path, exc_info=True)
        yield Outcome(str(path), "failed", f"unexpected error reading the file ({type(exc).__name__}: {exc})")


def _dated(item: Item, options: IngestOptions) -> Item:
    """The item without the dates its container gave outside the plausible window (articles are checked again)."""
    hints = item.hints
    hints.published = options.dates.admit(hints.published, f"the {hints.published_how} publication", item.label)
    hints.published_how = hints.published_how if hints.published else None
    hints.fetched_at = options.dates.admit(hints.fetched_at, "the capture", item.label)
    return item


def reextract(store: Store, options: IngestOptions, on_outcome: OnOutcome | None = None) -> IngestReport:
    """Run extraction again over every kept raw record; changed results become new versions."""
    report = IngestReport(listener=on_outcome)
    with store.connect() as conn:
        raw_ids = [row.id for row in q.iter_raw(conn, ARTICLE_KINDS)]
    writer = ResultWriter(store)
    with _kept_on_interrupt(writer, report), extraction_pool(options) as pool:
        for raw_id in raw_ids:
            item = _item_of_raw(store, raw_id)
            if isinstance(item, Outcome):
                report.add(item)
                continue
            for done, result in pool.submit(_dated(item, options)):
                for outcome in writer.add(done, result):
                    report.add(outcome)
        _finish(pool, writer, report)
    return report


def _item_of_raw(store: Store, raw_id: int) -> Item | Outcome:
    """The item a raw record holds, or why it cannot be read back (a WARC file moved away)."""
    try:
        with store.connect() as conn:
            return item_from_raw(q.get_raw(conn, raw_id))
    except (ItemError, OSError, ValueError, zlib.error) as exc:
        return Outcome(f"raw {raw_id}", "failed", f"cannot read the kept record back ({exc})")


def count_raw(store: Store) -> int:
    with store.connect() as conn:
        return q.count_raw(conn, ARTICLE_KINDS)


__all__ = [
    "Item",
    "items_of",
    "IngestOptions",
    "IngestReport",
    "Outcome",
    "ingest_paths",
    "reextract",
    "expand_paths",
    "kind_of",
    "JSONL_FIELDS",
]
