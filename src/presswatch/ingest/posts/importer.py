"""The post importer: readers → batches → store, one transaction per batch, a report of every outcome.

A batch is a few thousand posts: their accounts upserted, the posts upserted, the traces of the new and
changed ones computed together (texts are fingerprinted in one numpy pass) and written. A bad row is a
problem in the report and the run goes on; a bad file is one too, and what earlier batches stored stays.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ...coordination.traces import PostFacts, traces_of
from ...errors import ItemError, UsageError
from ...store import Store
from ...store.posts import KnownAccounts, TraceRow, import_cache, replace_traces, upsert_accounts, upsert_posts
from .formats import format_of
from .inputs import Input, inputs_of
from .readers import READERS, FileContext
from .records import FIELDS, PostRecord, RowFailed, TimeWindow

log = logging.getLogger(__name__)

BATCH = 20_000  # posts per transaction: fewer commits rewrite fewer index pages; memory stays bounded
MAX_PROBLEMS = 200  # kept in the report; the counts go on
BARE_CACHE = 200_000  # (reply-to, repost-of) pairs whose traces a run keeps; then it starts again
BareTraces = dict[tuple[str | None, str | None], list[tuple[str, str]]]


@dataclass(frozen=True)
class PostProblem:
    """A row or file that failed, or a warning; `origin` is "file:line" or the file."""

    origin: str
    status: str  # failed | warning
    message: str


@dataclass(frozen=True)
class PostProgress:
    file: str
    rows: int  # rows read so far in the whole run


@dataclass
class PostImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    warnings: int = 0
    files: int = 0
    failed_files: int = 0
    problems: list[PostProblem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.failed_files else 0

    def summary(self) -> dict[str, Any]:
        names = ("new", "updated", "unchanged", "failed", "warnings", "files", "failed_files")
        return {name: getattr(self, name) for name in names}


OnProblem = Callable[[PostProblem], None]
OnProgress = Callable[[PostProgress], None]


@dataclass(frozen=True)
class ImportOptions:
    fmt: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)
    platform: str | None = None
    window: TimeWindow = TimeWindow(0, 2**62)
    max_field_bytes: int = 10_000_000


def check_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """--map COLUMN=FIELD pairs as {column: field}; UsageError naming the fields for a wrong one."""
    mapping = {}
    for pair in pairs:
        column, sep, name = pair.partition("=")
        if not sep or not column.strip() or name.strip() not in FIELDS:
            raise UsageError(f"--map {pair!r}: write COLUMN=FIELD, FIELD one of {', '.join(FIELDS)}")
        mapping[column.strip()] = name.strip()
    return mapping


class _Run:
    """One import: the report, the batch being filled, and the callbacks."""

    def __init__(self, store: Store, on_problem: OnProblem | None, on_progress: OnProgress | None) -> None:
        self.store = store
        self.report = PostImportReport()
        self.batch: dict[tuple[str, str], PostRecord] = {}
        self.accounts: KnownAccounts = {}  # the accounts seen this run (few), so a batch rarely reads them
        self.bare: BareTraces = {}
        self.conn: Connection | None = None  # the run's connection, one transaction per batch
        self.rows = 0
        self.stamp = datetime.now(UTC).replace(tzinfo=None)
        self.on_problem = on_problem
        self.on_progress = on_progress

    def problem(self, origin: str, status: str, message: str) -> None:
        problem = PostProblem(origin, status, message)
        if status == "warning":
            self.report.warnings += 1
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(problem)
        if self.on_problem is not None:
            self.on_problem(problem)

    def add(self, record: PostRecord, origin: str) -> None:
        key = (record.platform, record.post_key)
        if key in self.batch:
            # The last copy wins; it is stored once and counted as an update of the first.
            self.problem(
                origin, "warning", f"post id {record.post_key} again (first at {self.batch[key].origin}); the last wins"
            )
            self.report.updated += 1
            del self.batch[key]
        self.batch[key] = record
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        records = list(self.batch.values())
        self.batch.clear()
        if self.conn is None:
            with self.store.begin() as conn:
                statuses = write_batch(conn, records, self.stamp, self.accounts, self.bare)
        else:
            with self.conn.begin():
                statuses = write_batch(self.conn, records, self.stamp, self.accounts, self.bare)
        for status in ("new", "updated", "unchanged"):
            setattr(self.report, status, getattr(self.report, status) + statuses.count(status))


def import_posts(
    store: Store,
    paths: list[Path],
    options: ImportOptions,
    on_problem: OnProblem | None = None,
    on_progress: OnProgress | None = None,
) -> PostImportReport:
    """Import every post of these files; formats are told (or checked) before anything is written."""
    run = _Run(store, on_problem, on_progress)
    planned: list[tuple[Input, str]] = []
    for path in paths:
        try:
            for source in inputs_of(path):
                planned.append((source, format_of(source, options.fmt, bool(options.mapping))))
        except ItemError as exc:
            run.report.failed_files += 1
            run.problem(str(path), "failed", str(exc))
    with store.connect() as conn, import_cache(conn):
        run.conn = conn
        for source, fmt in planned:
            _import_file(run, source, fmt, options)
        run.flush()
    return run.report


def _import_file(run: _Run, source: Input, fmt: str, options: ImportOptions) -> None:
    ctx = FileContext(options.platform, options.mapping, options.window, options.max_field_bytes)
    run.report.files += 1
    try:
        name, on_progress = source.name, run.on_progress
        for line, read in READERS[fmt](source, ctx):
            run.rows += 1
            if isinstance(read, RowFailed):
                run.report.failed += 1
                run.problem(f"{name}:{line}", "failed", str(read))
            else:
                read.origin = f"{name}:{line}"
                run.add(read, read.origin)
            while ctx.warnings:
                run.problem(name, "warning", ctx.warnings.pop(0))
            if on_progress is not None and run.rows % 1000 == 0:
                on_progress(PostProgress(name, run.rows))
    except ItemError as exc:
        run.report.failed_files += 1
        run.problem(source.name, "failed", str(exc))
    run.flush()
    if run.on_progress is not None:
        run.on_progress(PostProgress(source.name, run.rows))


def write_batch(
    conn: Any,
    records: list[PostRecord],
    stamp: datetime,
    known: KnownAccounts | None = None,
    bare: BareTraces | None = None,
) -> list[str]:
    """Store one batch of distinct posts with their accounts and traces; each post's status.

    `known` is the run's cache of accounts (see `upsert_accounts`), `bare` its cache of traces of posts
    without text (see `_trace_rows`). Traces are made once per distinct (text, links, hashtags, reply-to,
    repost-of): a CooRTweet file's thousands of shares of one object cost one `traces_of` entry.
    """
    account_ids = upsert_accounts(
        conn,
        [
            (
                r.platform,
                r.account_key,
                r.account_name,
                r.screen_name,
                r.account_created_ms,
                r.followers,
                r.following,
                r.account_language,
            )
            for r in records
        ],
        known,
    )
    rows = [
        (
            r.platform,
            r.post_key,
            r.origin,
            account_ids[(r.platform, r.account_key)],
            r.posted_ms,
            r.text,
            r.language,
            _json_list(r.links) if r.links else None,
            _json_list(r.hashtags) if r.hashtags else None,
            _json_list(r.mentions) if r.mentions else None,
            r.reply_to,
            r.repost_of,
            r.quote_of,
            r.client,
        )
        for r in records
    ]
    outcomes = upsert_posts(conn, rows, stamp)
    written = [
        (record, row[3], post_id)
        for record, row, (status, post_id) in zip(records, rows, outcomes, strict=True)
        if status != "unchanged"
    ]
    updated = [post_id for (status, post_id) in outcomes if status == "updated"]
    replace_traces(conn, updated, _trace_rows(written, {} if bare is None else bare))
    return [status for status, _ in outcomes]


def _trace_rows(written: list[tuple[PostRecord, int, int]], bare: BareTraces) -> list[TraceRow]:
    """The trace rows of these (record, account id, post id), `traces_of` called once per distinct facts.

    `bare` holds, for the run, the traces of posts with no text, links nor hashtags (a CooRTweet share):
    they depend only on (reply-to, repost-of), so each object shared costs one `traces_of` entry.
    """
    if len(bare) > BARE_CACHE:
        bare.clear()
    index: dict[tuple[Any, ...], int] = {}
    distinct: list[PostFacts] = []
    which: list[int | list[tuple[str, str]]] = []
    for r, _, _ in written:
        if not (r.text or r.links or r.hashtags):
            cached = bare.get((r.reply_to, r.repost_of))
            if cached is not None:
                which.append(cached)
                continue
        key = (r.text, tuple(r.links), tuple(r.hashtags), r.reply_to, r.repost_of)
        i = index.get(key)
        if i is None:
            i = index[key] = len(distinct)
            distinct.append(PostFacts(r.text, r.links, r.hashtags, r.reply_to, r.repost_of))
        which.append(i)
    found = traces_of(distinct) if distinct else []
    for facts, traces in zip(distinct, found, strict=True):
        if not (facts.text or facts.links or facts.hashtags):
            bare[(facts.reply_to, facts.repost_of)] = traces
    return [
        (post_id, method, trace, account_id, r.posted_ms)
        for (r, account_id, post_id), i in zip(written, which, strict=True)
        for method, trace in (found[i] if isinstance(i, int) else i)
    ]


def _json_list(values: list[str]) -> str | None:
    return json.dumps(values, ensure_ascii=False) if values else None
