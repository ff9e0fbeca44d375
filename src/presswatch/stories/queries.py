"""Reading stories back: lists, one story with its articles, export rows, a week's stories."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from ..store.queries import PUBLISHED
from ..store.schema import articles, sources, stories, story_articles

WHEN = PUBLISHED
# Ids bound per IN (...) query: SQLite before 3.32 allows 999 variables a statement, and the
# query needs a few of its own.
IDS_PER_QUERY = 900
# Stories exported per round trip: their member URLs are read per batch, in one query each.
EXPORT_BATCH = 500


def chunks(ids: list[int], size: int = IDS_PER_QUERY) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _story_dict(row: Any) -> dict[str, Any]:
    found = dict(row._mapping)
    found["languages"] = json.loads(found.get("languages") or "{}")
    found["outlets"] = json.loads(found.get("outlets") or "{}")
    return found


def list_stories(
    conn: Connection, since: datetime | None = None, until: datetime | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Stories seen in a period (last seen on or after `since`, first seen before `until`), latest first."""
    query = select(stories).where(stories.c.articles > 0)
    if since is not None:
        query = query.where(stories.c.last_seen >= since)
    if until is not None:
        query = query.where(stories.c.first_seen < until)
    query = query.order_by(stories.c.last_seen.desc(), stories.c.articles.desc(), stories.c.id).limit(limit)
    return [_story_dict(r) for r in conn.execute(query)]


def _member_query() -> Any:
    return (
        select(
            story_articles.c.story_id,
            articles.c.id,
            articles.c.url,
            articles.c.title,
            sources.c.name.label("source"),
            articles.c.language,
            WHEN.label("published_at"),
            story_articles.c.joined_by,
            story_articles.c.score,
        )
        .join(articles, articles.c.id == story_articles.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .order_by(story_articles.c.story_id, WHEN, articles.c.id)
    )


def story_detail(conn: Connection, story_id: int) -> dict[str, Any] | None:
    """One story: its fields, its articles (oldest first) and its first publisher."""
    row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
    if row is None:
        return None
    found = _story_dict(row)
    members = conn.execute(_member_query().where(story_articles.c.story_id == story_id)).all()
    found["articles_list"] = [{k: v for k, v in m._mapping.items() if k != "story_id"} for m in members]
    first = found["articles_list"][0] if members else None
    found["first_publisher"] = (
        {
            "article_id": first["id"],
            "source": first["source"],
            "url": first["url"],
            "published_at": first["published_at"],
        }
        if first
        else None
    )
    return found


STORY_FIELDS = {
    "id": "story id in this store",
    "title": "the title of its most central article",
    "first_seen": "publication date-time of its first article, UTC, ISO 8601",
    "last_seen": "publication date-time of its latest article, UTC, ISO 8601",
    "articles": "how many articles it has",
    "languages": "JSON {language: articles}",
    "outlets": "JSON {outlet name: articles}",
    "first_publisher": "the outlet of its first article",
    "urls": "its articles' URLs, oldest first",
}


def story_rows(conn: Connection, since: datetime | None) -> Iterator[dict[str, Any]]:
    """One export row per story (last seen on or after `since`), oldest first, with its articles' URLs."""
    query = select(stories).where(stories.c.articles > 0).order_by(stories.c.first_seen, stories.c.id)
    if since is not None:
        query = query.where(stories.c.last_seen >= since)
    for batch in _batches(conn.execute(query)):
        urls: dict[int, list[tuple[str, str]]] = {}
        for m in conn.execute(_member_query().where(story_articles.c.story_id.in_([r.id for r in batch]))):
            urls.setdefault(m.story_id, []).append((m.url, m.source))
        for row in batch:
            found = _story_dict(row)
            listed = urls.get(row.id, [])
            yield {
                "id": row.id,
                "title": row.title,
                "first_seen": row.first_seen,
                "last_seen": row.last_seen,
                "articles": row.articles,
                "languages": found["languages"],
                "outlets": found["outlets"],
                "first_publisher": listed[0][1] if listed else None,
                "urls": [u for u, _ in listed],
            }


def _batches(result: Any, size: int = EXPORT_BATCH) -> Iterator[list[Any]]:
    while True:
        rows = result.fetchmany(size)
        if not rows:
            return
        yield rows


def week_stories(conn: Connection, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """A week's stories (any article published in [since, until)) with their articles, outlets and languages."""
    in_week = (
        select(story_articles.c.story_id)
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(WHEN >= since, WHEN < until, articles.c.is_current)
        .distinct()
        .subquery()
    )
    found: dict[int, dict[str, Any]] = {}
    for row in conn.execute(select(stories).where(stories.c.id.in_(select(in_week.c.story_id)))):
        found[row.id] = dict(_story_dict(row), articles_list=[])
    ids = list(found)
    for part in chunks(ids):
        for m in conn.execute(_member_query().where(story_articles.c.story_id.in_(part))):
            found[m.story_id]["articles_list"].append({k: v for k, v in m._mapping.items() if k != "story_id"})
    return sorted(found.values(), key=lambda s: (-s["articles"], s["id"]))
