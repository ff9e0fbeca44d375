"""Exports: rows of a table as JSONL or CSV, with documented fields.

Each exported table is an `ExportTable`: its fields (name → meaning) and a
function that yields rows. Later stages register their own tables here.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Connection, select

from ..entities.queries import MENTION_FIELDS, RELEVANCE_FIELDS, mention_rows, relevance_rows
from ..errors import UsageError
from ..reuse.queries import LINK_FIELDS, link_rows
from ..store.queries import PUBLISHED
from ..store.schema import articles, sources
from ..stories import STORY_FIELDS, story_rows


@dataclass(frozen=True)
class ExportTable:
    name: str
    fields: dict[str, str]
    rows: Callable[[Connection, datetime | None], Iterator[dict[str, Any]]]


ARTICLE_FIELDS = {
    "id": "article id in this store",
    "url": "canonical URL",
    "declared_url": "the page's rel=canonical when it names another page (a syndicated copy names its origin)",
    "source": "outlet name",
    "title": "headline",
    "author": "byline",
    "published": "publication date-time, UTC, ISO 8601",
    "published_how": "where the date came from: metadata, feed, record or none",
    "fetched": "capture date-time, UTC, when known",
    "language": "ISO 639-1 code of the whole article",
    "word_count": "words in the text",
    "content_hash": "SHA-256 of the normalised text",
    "version": "1 for the first capture of a URL, 2+ for changed pages",
    "text": "the extracted, repaired article text",
}


def _article_rows(conn: Connection, since: datetime | None) -> Iterator[dict[str, Any]]:
    when = PUBLISHED
    query = (
        select(articles, sources.c.name.label("source"))
        .join(sources, sources.c.id == articles.c.source_id)
        .where(articles.c.is_current)
        .order_by(when, articles.c.id)
    )
    if since is not None:
        query = query.where(when >= since)
    for row in conn.execute(query):
        yield {
            "id": row.id,
            "url": row.url,
            "declared_url": row.declared_url,
            "source": row.source,
            "title": row.title,
            "author": row.author,
            "published": row.published_at,
            "published_how": row.published_how,
            "fetched": row.fetched_at,
            "language": row.language,
            "word_count": row.word_count,
            "content_hash": row.content_hash,
            "version": row.version,
            "text": row.text,
        }


TABLES: dict[str, ExportTable] = {
    "articles": ExportTable("articles", ARTICLE_FIELDS, _article_rows),
    "mentions": ExportTable("mentions", MENTION_FIELDS, mention_rows),
    "relevance": ExportTable("relevance", RELEVANCE_FIELDS, relevance_rows),
    "links": ExportTable("links", LINK_FIELDS, link_rows),
    "stories": ExportTable("stories", STORY_FIELDS, story_rows),
}
FORMATS = ("jsonl", "csv")


def plain(value: Any) -> Any:
    """A value as JSON and CSV want it: dates as ISO 8601 with a Z."""
    if isinstance(value, datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    return value


def export_table(conn: Connection, name: str, fmt: str, since: datetime | None, out: IO[str]) -> int:
    """Write the rows of one table to `out`; return how many were written."""
    table = TABLES.get(name)
    if table is None:
        raise UsageError(f"cannot export {name!r}: choose one of {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose jsonl or csv")
    writer = csv.DictWriter(out, fieldnames=list(table.fields)) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    count = 0
    for row in table.rows(conn, since):
        clean = {key: plain(value) for key, value in row.items()}
        if writer:
            writer.writerow(clean)
        else:
            out.write(json.dumps(clean, ensure_ascii=False) + "\n")
        count += 1
    return count
