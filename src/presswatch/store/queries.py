"""Queries on sources, raw records, articles and the fetch queue."""

from __future__ import annotations

import difflib
import functools
import json
import re
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import zstandard
from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    bindparam,
    column,
    func,
    insert,
    select,
    table,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from ..config import Settings
from ..errors import ItemError, QueryTimeout, UsageError
from .schema import articles, fetch_queue, mentions, raw, relevance, sources, stage_state


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# ---- sources -------------------------------------------------------------------------


def source_for(conn: Connection, name: str | None, domain: str | None, sitename: str | None) -> int:
    """The source an article belongs to: by given name, else by domain; created when new."""
    if name:
        found: int | None = conn.execute(select(sources.c.id).where(sources.c.name == name)).scalar()
        return found if found is not None else _add_source(conn, name, domain)
    if domain:
        found = conn.execute(select(sources.c.id).where(sources.c.domain == domain).order_by(sources.c.id)).scalar()
        if found is not None:
            return int(found)
    label = sitename or domain or "local files"
    found = conn.execute(select(sources.c.id).where(sources.c.name == label)).scalar()
    return found if found is not None else _add_source(conn, label, domain)


def _inserted_id(conn: Connection, statement: Any, values: dict[str, Any] | None = None) -> int:
    key = conn.execute(statement, values).inserted_primary_key
    assert key is not None  # every table has an integer primary key
    return int(key[0])


def _add_source(conn: Connection, name: str, domain: str | None) -> int:
    homepage = f"https://{domain}/" if domain else None
    row = {"name": name, "domain": domain, "homepage": homepage, "created_at": now(), "error_streak": 0, "status": "ok"}
    if conn.dialect.name == "postgresql":  # another writer may add the same source at once: theirs is ours
        added = _upsert_id(conn, sources, row, ("name",))
        return int(added or conn.execute(select(sources.c.id).where(sources.c.name == name)).scalar_one())
    return _inserted_id(conn, insert(sources).values(row))


def _upsert_id(conn: Connection, table_: Any, values: dict[str, Any], keys: tuple[str, ...]) -> int | None:
    """PostgreSQL's INSERT .. ON CONFLICT DO NOTHING on a unique key, so that concurrent writers store a row
    once: the new row's id, None when a row with that key was there."""
    # PostgreSQL's text holds no NUL (SQLite's does): a hostile header or title keeps the rest of its characters
    values = {k: v.replace("\x00", "\ufffd") if isinstance(v, str) else v for k, v in values.items()}
    added = conn.execute(_upsert_statement(table_, keys), values).scalar()
    return None if added is None else int(added)


@functools.cache
def _upsert_statement(table_: Any, keys: tuple[str, ...]) -> Any:
    # Built once per table: building the statement with its values cost more than running it (ingest writes
    # two a page).
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    return pg_insert(table_).on_conflict_do_nothing(index_elements=list(keys)).returning(table_.c.id)


def list_sources(conn: Connection) -> list[dict[str, Any]]:
    counts = (
        select(articles.c.source_id, func.count().label("articles"))
        .where(articles.c.is_current)
        .group_by(articles.c.source_id)
        .subquery()
    )
    query = (
        select(sources, func.coalesce(counts.c.articles, 0).label("articles"))
        .outerjoin(counts, counts.c.source_id == sources.c.id)
        .order_by(sources.c.name)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


# ---- raw -----------------------------------------------------------------------------


@dataclass
class RawRecord:
    """One kept input: the payload and where it came from."""

    url: str
    kind: str
    sha256: str
    body: bytes | None
    origin: str | None = None
    record: str | None = None
    fetched_at: datetime | None = None
    status: int | None = None
    headers: dict[str, str] | None = None
    content_type: str | None = None
    warc_path: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    hints: dict[str, Any] | None = None
    packed: bytes | None = None  # the body already compressed (gzip, zlib or zstd), kept as it is


# The ingest path's statements, built once: building a statement costs more than running it.
_RAW_SEEN = (
    select(raw.c.id)
    .where(
        raw.c.sha256 == bindparam("sha256"),
        raw.c.origin.is_not_distinct_from(bindparam("origin")),
        raw.c.record.is_not_distinct_from(bindparam("record")),
    )
    .limit(1)
)
_FIND_RAW = select(raw.c.id).where(raw.c.url == bindparam("url"), raw.c.sha256 == bindparam("sha256"))
_INSERT_RAW = insert(raw)


def raw_seen(conn: Connection, sha256: str, origin: str | None, record: str | None) -> bool:
    """Whether this exact payload from this exact place was ingested before."""
    found = conn.execute(_RAW_SEEN, {"sha256": sha256, "origin": origin, "record": record}).scalar()
    return found is not None


def find_raw(conn: Connection, url: str, sha256: str) -> int | None:
    return conn.execute(_FIND_RAW, {"url": url, "sha256": sha256}).scalar()


def insert_raw(conn: Connection, record: RawRecord) -> int:
    values = {
        "url": record.url,
        "kind": record.kind,
        "origin": record.origin,
        "record": record.record,
        "fetched_at": record.fetched_at,
        "status": record.status,
        "headers": json.dumps(record.headers, ensure_ascii=False) if record.headers else None,
        "content_type": record.content_type,
        "sha256": record.sha256,
        "body": _packed_body(record),
        "warc_path": record.warc_path,
        "warc_offset": record.warc_offset,
        "warc_length": record.warc_length,
        "hints": json.dumps(record.hints, ensure_ascii=False, default=str) if record.hints else None,
        "created_at": now(),
    }
    if conn.dialect.name == "postgresql":  # the same record stored by a concurrent writer: keep theirs
        added = _upsert_id(conn, raw, values, ("url", "sha256"))
        return int(added or find_raw(conn, record.url, record.sha256) or 0)
    return _inserted_id(conn, _INSERT_RAW, values)


# New bodies are zstd frames: half zlib's time at its fastest level, and smaller. Rows written before
# hold zlib or gzip, and an input's own gzip is kept as it is: `raw_body` tells them by their first bytes.
RAW_ZSTD_LEVEL = 3
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _packed_body(record: RawRecord) -> bytes | None:
    if record.packed is not None:
        return record.packed
    return zstandard.compress(record.body, RAW_ZSTD_LEVEL) if record.body is not None else None


def get_raw(conn: Connection, raw_id: int) -> Row[Any]:
    row = conn.execute(select(raw).where(raw.c.id == raw_id)).first()
    if row is None:
        raise ItemError(f"no raw record {raw_id}")
    return row


def iter_raw(conn: Connection, kinds: tuple[str, ...]) -> Iterator[Row[Any]]:
    yield from conn.execute(select(raw).where(raw.c.kind.in_(kinds)).order_by(raw.c.id))


def count_raw(conn: Connection, kinds: tuple[str, ...]) -> int:
    return int(conn.execute(select(func.count()).select_from(raw).where(raw.c.kind.in_(kinds))).scalar() or 0)


def raw_body(row: Row[Any]) -> bytes:
    """The payload of a raw record, from the store or from the WARC file it points into."""
    if row.body is not None:
        if row.body[:4] == _ZSTD_MAGIC:
            try:
                return zstandard.decompress(row.body)
            except zstandard.ZstdError as exc:
                raise ValueError(f"the kept body is not a whole zstd frame ({exc})") from None
        return zlib.decompress(row.body, 32 + zlib.MAX_WBITS)  # zlib or gzip, told by the header
    from .warc_records import read_record_payload  # only records kept by pointer need the WARC reader

    return read_record_payload(row.warc_path, row.warc_offset)


# ---- articles ------------------------------------------------------------------------


# When an article was published: the date it states, else when it reached the store. Every
# period filter, ordering and chart of publication time uses this one expression.
PUBLISHED = func.coalesce(articles.c.published_at, articles.c.created_at)


def published_time(row: Any) -> datetime:
    """`PUBLISHED` for a row already read (with `published_at` and `created_at`)."""
    moment: datetime = row.published_at or row.created_at
    return moment


_CURRENT_VERSION = select(articles.c.id, articles.c.version, articles.c.content_hash).where(
    articles.c.url == bindparam("url"), articles.c.is_current
)
_SUPERSEDE = update(articles).where(articles.c.id == bindparam("article_id")).values(is_current=False)
_INSERT_ARTICLE = insert(articles)


class ArticleContent(Protocol):
    """What the store keeps of an extracted article (extract's `Extracted` is one)."""

    url: str | None
    title: str | None
    author: str | None
    sitename: str | None
    published_at: datetime | None
    published_how: str
    text: str
    word_count: int
    content_hash: str
    language: str | None
    language_confidence: float
    paragraph_languages: list[list[object]]
    extractor: str
    declared_url: str | None


def save_article(
    conn: Connection, extracted: ArticleContent, source_id: int, raw_id: int | None, fetched_at: datetime | None
) -> tuple[str, int]:
    """Store an article: 'new', a 'version' of a changed page, or 'unchanged'."""
    current = conn.execute(_CURRENT_VERSION, {"url": extracted.url}).first()
    if current is not None and current.content_hash == extracted.content_hash:
        return "unchanged", current.id
    version = 1 if current is None else current.version + 1
    if current is not None:
        conn.execute(_SUPERSEDE, {"article_id": current.id})
    values = {
        "url": extracted.url,
        "version": version,
        "is_current": True,
        "source_id": source_id,
        "raw_id": raw_id,
        "title": extracted.title,
        "author": extracted.author,
        "sitename": extracted.sitename,
        "published_at": extracted.published_at,
        "published_how": extracted.published_how,
        "fetched_at": fetched_at,
        "language": extracted.language,
        "language_confidence": extracted.language_confidence,
        "paragraph_languages": json.dumps(extracted.paragraph_languages),
        "text": extracted.text,
        "word_count": extracted.word_count,
        "content_hash": extracted.content_hash,
        "extractor": extracted.extractor,
        "declared_url": extracted.declared_url,
        "created_at": now(),
    }
    if conn.dialect.name == "postgresql":  # a concurrent writer stored this version first: read it again
        added = _upsert_id(conn, articles, values, ("url", "version"))
        if added is None:
            return save_article(conn, extracted, source_id, raw_id, fetched_at)
        return ("new" if version == 1 else "version"), int(added)
    article_id = _inserted_id(conn, _INSERT_ARTICLE, values)
    return ("new" if version == 1 else "version"), article_id


_LISTED = (
    articles.c.id,
    articles.c.url,
    sources.c.name.label("source"),
    articles.c.title,
    articles.c.author,
    articles.c.published_at,
    articles.c.language,
    articles.c.word_count,
    articles.c.version,
)


@dataclass
class ArticleFilter:
    source: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0
    entity: str | None = None  # articles that mention this watched entity
    topic: str | None = None  # articles relevant to this watchlist topic
    sort: str = "relevance"  # search order: relevance | date (newest first)


def _filtered(query: Any, where: ArticleFilter) -> Any:
    conditions: list[ColumnElement[bool]] = [articles.c.is_current]
    if where.source:
        conditions.append(sources.c.name == where.source)
    if where.language:
        conditions.append(articles.c.language == where.language)
    if where.entity:
        conditions.append(articles.c.id.in_(select(mentions.c.article_id).where(mentions.c.entity_id == where.entity)))
    if where.topic:
        conditions.append(articles.c.id.in_(select(relevance.c.article_id).where(relevance.c.topic_id == where.topic)))
    if where.since:
        conditions.append(PUBLISHED >= where.since)
    if where.until:
        conditions.append(PUBLISHED < where.until)
    return query.where(and_(*conditions))


def list_articles(conn: Connection, where: ArticleFilter) -> list[dict[str, Any]]:
    query = select(*_LISTED).join(sources, sources.c.id == articles.c.source_id)
    query = _filtered(query, where).order_by(articles.c.published_at.desc().nulls_last(), articles.c.id.desc())
    return [dict(row._mapping) for row in conn.execute(_paged(query, where))]


def count_articles(conn: Connection, where: ArticleFilter) -> int:
    """How many current articles the filters keep, over every page."""
    query = _filtered(
        select(func.count()).select_from(articles.join(sources, sources.c.id == articles.c.source_id)), where
    )
    return int(conn.execute(query).scalar() or 0)


def outlet_name(conn: Connection, name: str) -> str:
    """The stored name of the outlet called `name` in any case ("balkan wire" is Balkan Wire); UsageError
    naming the closest names when there is none."""
    names: list[str] = list(conn.execute(select(sources.c.name).order_by(sources.c.name)).scalars())
    if name in names:
        return name
    wanted = name.strip().casefold()
    same = [n for n in names if n.casefold() == wanted]
    if same:
        return same[0]
    folded = {n.casefold(): n for n in names}
    close = [folded[c] for c in difflib.get_close_matches(wanted, list(folded), n=3, cutoff=0.5)]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; `presswatch stats` lists them"
    raise UsageError(f"no outlet named {name!r}{hint}")


def _paged(query: Any, where: ArticleFilter) -> Any:
    """One page of a query: a LIMIT and OFFSET the store can hold (past MAX_ID there is nothing more anyway)."""
    return query.limit(min(max(where.limit, 0), MAX_ID)).offset(min(max(where.offset, 0), MAX_ID))


def get_article(conn: Connection, key: str) -> dict[str, Any] | None:
    """An article by id or URL (the current version), with its other versions listed."""
    query = select(articles, sources.c.name.label("source")).join(sources, sources.c.id == articles.c.source_id)
    if key.isdigit():
        if not 0 < int(key) <= MAX_ID:
            return None
        row = conn.execute(query.where(articles.c.id == int(key))).first()
    else:
        row = conn.execute(query.where(articles.c.url == key, articles.c.is_current)).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found["paragraph_languages"] = json.loads(found["paragraph_languages"] or "[]")
    found["versions"] = [
        dict(v._mapping)
        for v in conn.execute(
            select(articles.c.id, articles.c.version, articles.c.created_at, articles.c.content_hash)
            .where(articles.c.url == found["url"])
            .order_by(articles.c.version)
        )
    ]
    return found


# The largest integer the store holds (SQLite's INTEGER, PostgreSQL's BIGINT): no row has a larger id, and a
# larger LIMIT or OFFSET means no more than this one.
MAX_ID = 2**63 - 1
OPERATORS = ("AND", "OR", "NOT")
# SQLite calls the deadline check every this many steps of its virtual machine: microseconds apart.
DEADLINE_CHECK_STEPS = 1000


@dataclass(frozen=True)
class SearchLimits:
    """What one search may cost (settings max_query_chars, max_query_terms, search_seconds; 0 s: no limit)."""

    max_chars: int = Settings.max_query_chars
    max_terms: int = Settings.max_query_terms
    seconds: float = Settings.search_seconds


def check_query(user_query: str, limits: SearchLimits) -> str:
    """The FTS5 query for what a user typed; UsageError when it is longer or has more words than allowed."""
    if len(user_query) > limits.max_chars:
        raise UsageError(
            f"the search query has {len(user_query):,} characters, more than the {limits.max_chars:,} allowed "
            "(setting max_query_chars); search for fewer words"
        )
    return fts_query(user_query, limits.max_terms)


def fts_query(user_query: str, max_terms: int = Settings.max_query_terms) -> str:
    """Turn what a user types into a safe FTS5 query: terms quoted, AND/OR/NOT and prefix* kept.

    One pass over the text, ended by a UsageError at the first word past `max_terms` (AND, OR, NOT not
    counted; each word of a phrase counted): FTS5's ranking and snippets cost, for every row that matches,
    time that grows with the square of the number of words, so the count is what must be bounded.
    """
    parts: list[str] = []
    words = 0
    user_query = _CONTROL.sub(" ", user_query)  # FTS5 reads a NUL as the end of the query string
    for found in _QUERY_TOKEN.finditer(user_query):
        phrase, word = found.groups()
        if phrase is None and word in OPERATORS:
            if parts and parts[-1] in OPERATORS:
                parts[-1] = word  # "a AND NOT b" is a syntax error to FTS5: the last operator of a run counts
            elif parts:
                parts.append(word)  # an operator before any term has nothing on its left: dropped
            continue
        words += max(1, len((word if phrase is None else phrase).split()))
        if words > max_terms:
            raise UsageError(
                f"the search query has more than {max_terms} words (setting max_query_terms); search for fewer"
            )
        if phrase is not None:
            parts.append('"' + phrase + '"')
        elif word.endswith("*") and len(word) > 1:
            parts.append('"' + word.rstrip("*").replace('"', "") + '"*')
        else:
            parts.append('"' + word.replace('"', "") + '"')
    if parts and parts[-1] in OPERATORS:
        parts.pop()
    return " ".join(parts)


# A phrase (which holds no quote) or a run of non-space characters: a regular expression without
# nested repetition, so one scan of the text, and a failed phrase can only be the last quote of all.
_QUERY_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FTS = table("articles_fts", column("rowid"))


@contextmanager
def statement_deadline(conn: Connection, seconds: float) -> Iterator[None]:
    """The statements run on `conn` inside the block are stopped past `seconds`, with QueryTimeout (0: no limit).

    SQLite checks the clock every thousand steps of its virtual machine (a progress handler);
    PostgreSQL has `statement_timeout`, set for the transaction the block runs in.
    """
    if seconds <= 0:
        yield
        return
    driver: Any = conn.connection.driver_connection
    deadline = time.monotonic() + seconds
    if conn.dialect.name == "sqlite":
        driver.set_progress_handler(lambda: time.monotonic() > deadline, DEADLINE_CHECK_STEPS)
    elif conn.dialect.name == "postgresql":
        conn.execute(text(f"SET LOCAL statement_timeout = {max(1, round(seconds * 1000))}"))
    try:
        yield
    except DBAPIError as exc:
        if not _interrupted(exc):
            raise
        raise QueryTimeout(
            f"the search took longer than {seconds:g} s and was stopped (setting search_seconds); "
            "narrow it with fewer or rarer words, a source, a language or a period"
        ) from None
    finally:
        if conn.dialect.name == "sqlite":
            driver.set_progress_handler(None, 0)


def _interrupted(exc: DBAPIError) -> bool:
    """Whether a statement was stopped by `statement_deadline`: SQLite's 'interrupted', PostgreSQL's 57014."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "57014" or "interrupted" in str(exc.orig)


# ---- fetch queue ---------------------------------------------------------------------


def queue_url(
    conn: Connection,
    url: str,
    source_id: int | None,
    found_in: int | None,
    title: str | None,
    published: datetime | None,
) -> bool:
    """Queue a URL to fetch later; False when it is already queued."""
    if conn.execute(select(fetch_queue.c.id).where(fetch_queue.c.url == url)).first() is not None:
        return False
    values = {
        "url": url,
        "source_id": source_id,
        "found_in": found_in,
        "title": title,
        "published_at": published,
        "status": "pending",
        "queued_at": now(),
    }
    if conn.dialect.name == "postgresql":  # another ingest run may queue the same URL at once: queued once
        return _upsert_id(conn, fetch_queue, values, ("url",)) is not None
    conn.execute(insert(fetch_queue).values(values))
    return True


def filter_values(conn: Connection) -> dict[str, list[str]]:
    """The languages and outlet names a search can be narrowed to; read from indexes, without counting rows."""
    languages = conn.execute(
        select(articles.c.language).where(articles.c.language.is_not(None)).distinct().order_by(articles.c.language)
    )
    names = conn.execute(select(sources.c.name).order_by(sources.c.name))
    return {"languages": list(languages.scalars()), "sources": list(names.scalars())}


def source_activity(conn: Connection, source_id: int) -> dict[str, Any]:
    """One outlet's current articles per language, and per day and language."""
    mine = (
        select(articles.c.language, PUBLISHED.label("published"))
        .where(articles.c.is_current, articles.c.source_id == source_id)
        .subquery()
    )
    day = func.date(mine.c.published)
    per_day = conn.execute(
        select(day.label("day"), mine.c.language, func.count().label("articles"))
        .group_by(day, mine.c.language)
        .order_by(day, mine.c.language)
    ).all()
    languages: dict[str, int] = {}
    for row in per_day:
        languages[row.language or "unknown"] = languages.get(row.language or "unknown", 0) + row.articles
    return {
        "languages": dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        "per_day": [{"day": str(r.day), "language": r.language or "unknown", "articles": r.articles} for r in per_day],
    }


def newest_published(conn: Connection) -> datetime | None:
    """The latest stated publication time: one step down the published_at index, no counting."""
    found: datetime | None = conn.execute(select(func.max(articles.c.published_at))).scalar()
    return found


# ---- stats ---------------------------------------------------------------------------


def stats(conn: Connection) -> dict[str, Any]:
    """Counts for `presswatch stats`: articles by language and source, raw records, queue."""
    current = articles.c.is_current
    by_language = conn.execute(
        select(articles.c.language, func.count())
        .where(current)
        .group_by(articles.c.language)
        .order_by(func.count().desc())
    ).all()
    by_source = conn.execute(
        select(sources.c.name, func.count())
        .join(articles, articles.c.source_id == sources.c.id)
        .where(current)
        .group_by(sources.c.name)
        .order_by(func.count().desc(), sources.c.name)
    ).all()
    span = conn.execute(
        select(func.min(articles.c.published_at), func.max(articles.c.published_at)).where(current)
    ).first()
    return {
        "articles": conn.execute(select(func.count()).where(current)).scalar() or 0,
        "versions": conn.execute(select(func.count()).select_from(articles)).scalar() or 0,
        "sources": conn.execute(select(func.count()).select_from(sources)).scalar() or 0,
        "raw": conn.execute(select(func.count()).select_from(raw)).scalar() or 0,
        "queued": conn.execute(
            select(func.count()).select_from(fetch_queue).where(fetch_queue.c.status == "pending")
        ).scalar()
        or 0,
        "first_published": span[0] if span else None,
        "last_published": span[1] if span else None,
        "by_language": {lang or "unknown": n for lang, n in by_language},
        "by_source": {name: n for name, n in by_source},
    }


# ---- stages --------------------------------------------------------------------------------


@dataclass
class StageReport:
    """What one run of one `process` stage did, or why it was off."""

    stage: str
    articles: int = 0
    found: int = 0
    restarted: bool = False
    off_reason: str | None = None
    details: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0  # wall time of the run


def stage_state_of(conn: Connection, stage: str) -> tuple[int, str | None]:
    """A stage's watermark (the last article id it has seen) and the fingerprint of its inputs."""
    row = conn.execute(select(stage_state).where(stage_state.c.stage == stage)).first()
    return (row.watermark, row.fingerprint) if row else (0, None)


def save_stage_state(conn: Connection, stage: str, watermark: int, fingerprint: str) -> None:
    values = {"watermark": watermark, "fingerprint": fingerprint, "updated_at": now()}
    if conn.dialect.name == "postgresql":  # two runs may save the same stage at once: the later one wins
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement = pg_insert(stage_state).values(stage=stage, **values)
        conn.execute(statement.on_conflict_do_update(index_elements=["stage"], set_=values))
        return
    if conn.execute(update(stage_state).where(stage_state.c.stage == stage).values(**values)).rowcount == 0:
        conn.execute(insert(stage_state).values(stage=stage, **values))


def unseen_batches(
    store: Any, stage: str, query: Any, watermark: int, fingerprint: str, size: int
) -> Iterator[tuple[Connection, list[Row[Any]]]]:
    """Batches of the current articles a stage has not seen, oldest first, each in its own transaction.

    The stage's watermark moves past a batch in the same transaction as the
    stage's own writes for it, so an interrupted run loses no work and redoes none.
    """
    while True:
        with store.begin() as conn:
            rows = list(
                conn.execute(
                    query.where(articles.c.id > watermark, articles.c.is_current).order_by(articles.c.id).limit(size)
                )
            )
            if not rows:
                return
            yield conn, rows
            watermark = rows[-1].id
            save_stage_state(conn, stage, watermark, fingerprint)
