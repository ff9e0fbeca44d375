"""Exports: rows of a table as JSONL or CSV, with documented fields.

Each exported table is an `ExportTable`: its fields (name → meaning) and a
function that yields rows. Later stages register their own tables here.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any

from sqlalchemy import Connection, select

from ..entities.queries import MENTION_FIELDS, RELEVANCE_FIELDS, mention_rows, relevance_rows
from ..errors import UsageError
from ..reuse.queries import LINK_FIELDS, link_rows
from ..store.posts import POST_EXPORT_FIELDS, post_export_rows
from ..store.queries import PUBLISHED
from ..store.schema import articles, sources
from ..store.search import iter_articles
from ..stories import STORY_FIELDS, story_rows
from .coordination_tables import (
    COORDINATION_EDGE_FIELDS,
    COORDINATION_GROUP_FIELDS,
    coordination_edge_rows,
    coordination_group_rows,
    write_parquet,
)


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
    "paragraph_languages": "each paragraph's language as [start, end, language], character offsets into text",
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
        yield article_row(row)


def article_row(row: Any) -> dict[str, Any]:
    """An article (with its outlet's name as `source`) as the `articles` export writes it."""
    return {
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
        "paragraph_languages": json.loads(row.paragraph_languages or "[]"),
        "text": row.text,
    }


TABLES: dict[str, ExportTable] = {
    "articles": ExportTable("articles", ARTICLE_FIELDS, _article_rows),
    "mentions": ExportTable("mentions", MENTION_FIELDS, mention_rows),
    "relevance": ExportTable("relevance", RELEVANCE_FIELDS, relevance_rows),
    "links": ExportTable("links", LINK_FIELDS, link_rows),
    "stories": ExportTable("stories", STORY_FIELDS, story_rows),
    "posts": ExportTable("posts", POST_EXPORT_FIELDS, post_export_rows),
    "coordination_edges": ExportTable("coordination_edges", COORDINATION_EDGE_FIELDS, coordination_edge_rows),
    "coordination_groups": ExportTable("coordination_groups", COORDINATION_GROUP_FIELDS, coordination_group_rows),
}
FORMATS = ("jsonl", "csv")
TABLE_FORMATS = (*FORMATS, "parquet")  # `presswatch export TABLE`: parquet needs pyarrow (the `parquet` extra)


def plain(value: Any) -> Any:
    """A value as JSON and CSV want it: a date-time as ISO 8601 in UTC with a Z, a date as ISO 8601."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def plain_tree(value: Any) -> Any:
    """`plain` applied through dicts, lists and tuples (for a JSON encoder that would write dates its own way)."""
    if isinstance(value, dict):
        return {key: plain_tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_tree(item) for item in value]
    return plain(value)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: nested values as JSON, true/false as in JSON, date-times as ISO 8601 with a Z."""
    value = plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=plain)
    return value


def export_table(
    conn: Connection, name: str, fmt: str, since: datetime | None, out: IO[str], excel: bool = False
) -> int:
    """Write the rows of one table to `out`; return how many were written."""
    table = TABLES.get(name)
    if table is None:
        raise UsageError(f"cannot export {name!r}: choose one of {', '.join(TABLES)}")
    return write_rows(table.rows(conn, since), table.fields, fmt, out, excel)


def export_articles(conn: Connection, ids: list[int], fmt: str, out: IO[str], excel: bool = False) -> int:
    """Write these articles, in this order, with the fields of the `articles` table; return how many."""
    return write_rows((article_row(row) for row in iter_articles(conn, ids)), ARTICLE_FIELDS, fmt, out, excel)


def write_rows(rows: Iterable[dict[str, Any]], fields: dict[str, str], fmt: str, out: IO[str], excel: bool) -> int:
    """Rows as JSONL (nested values as JSON arrays and objects) or CSV (nested values as JSON text in the cell).

    `excel`: the CSV starts with a byte order mark, so that spreadsheets read it as UTF-8.
    """
    if fmt == "parquet":
        if excel:
            raise UsageError("the Excel form (UTF-8 with a byte order mark) is for CSV only: choose the csv format")
        return write_parquet(iter(rows), fields, out)
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose jsonl or csv")
    if excel and fmt != "csv":
        raise UsageError("the Excel form (UTF-8 with a byte order mark) is for CSV only: choose the csv format")
    writer = csv.DictWriter(out, fieldnames=list(fields)) if fmt == "csv" else None
    if writer:
        if excel:
            out.write("\ufeff")
        writer.writeheader()
    count = 0
    for row in rows:
        if writer:
            writer.writerow({key: csv_cell(value) for key, value in row.items()})
        else:
            out.write(json.dumps(row, ensure_ascii=False, default=plain) + "\n")
        count += 1
    return count
