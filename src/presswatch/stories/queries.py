"""Reading stories back: lists, one story with its articles, export rows, a week's stories."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, select

from ..errors import UsageError
from ..store.queries import PUBLISHED
from ..store.schema import articles, relevance, sources, stories, story_articles, story_edits, topics

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


SORTS = ("recent", "size")  # latest activity first; most articles first


@dataclass
class StoryFilter:
    """Which stories a list shows, in what order, and which page of them."""

    since: datetime | None = None  # active on or after: last seen on or after this
    until: datetime | None = None  # active before: first seen before this
    language: str | None = None  # with an article in this language
    outlet: str | None = None  # with an article from this outlet (its name, in any case)
    topic: str | None = None  # with an article relevant to this watchlist topic (its id)
    min_articles: int = 1
    sort: str = "recent"
    limit: int = 50
    offset: int = 0


def _has_member(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Stories with at least one article that meets the condition."""
    member = (
        select(story_articles.c.article_id)
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(story_articles.c.story_id == stories.c.id, condition)
    )
    return exists(member)


def _outlet_ids(conn: Connection, outlet: str) -> list[int]:
    """The sources named `outlet` in any case; UsageError naming the closest names when there is none."""
    names = {row.id: row.name for row in conn.execute(select(sources.c.id, sources.c.name))}
    wanted = outlet.strip().casefold()
    found = [i for i, name in names.items() if (name or "").casefold() == wanted]
    if not found:
        close = difflib.get_close_matches(outlet, sorted({n for n in names.values() if n}), n=3, cutoff=0.5)
        listed = ", ".join(repr(c) for c in close)
        hint = f"; did you mean {listed}?" if close else "; `presswatch sources list` lists them"
        raise UsageError(f"no outlet named {outlet!r}{hint}")
    return found


def _check_topic(conn: Connection, topic: str) -> None:
    known = list(conn.execute(select(topics.c.id).order_by(topics.c.id)).scalars())
    if topic not in known:
        listed = ", ".join(known) if known else "none: load a watchlist with topics first"
        raise UsageError(f"no topic {topic!r}; the watchlist's topics are {listed}")


def _story_conditions(conn: Connection, where: StoryFilter) -> list[ColumnElement[bool]]:
    if where.sort not in SORTS:
        raise UsageError(f"sort must be one of {', '.join(SORTS)}, not {where.sort!r}")
    conditions: list[ColumnElement[bool]] = [stories.c.articles >= max(where.min_articles, 1)]
    if where.since is not None:
        conditions.append(stories.c.last_seen >= where.since)
    if where.until is not None:
        conditions.append(stories.c.first_seen < where.until)
    if where.language:
        conditions.append(_has_member(articles.c.language == where.language))
    if where.outlet:
        conditions.append(_has_member(articles.c.source_id.in_(_outlet_ids(conn, where.outlet))))
    if where.topic:
        _check_topic(conn, where.topic)
        relevant = select(relevance.c.article_id).where(relevance.c.topic_id == where.topic)
        conditions.append(_has_member(articles.c.id.in_(relevant)))
    return conditions


def list_stories(conn: Connection, where: StoryFilter | None = None) -> list[dict[str, Any]]:
    """One page of the stories a filter keeps: latest activity first, or the largest first."""
    where = where or StoryFilter()
    query = select(stories).where(and_(*_story_conditions(conn, where)))
    recent = (stories.c.last_seen.desc(), stories.c.articles.desc())
    order = recent if where.sort == "recent" else (stories.c.articles.desc(), stories.c.last_seen.desc())
    query = query.order_by(*order, stories.c.id).limit(max(where.limit, 0)).offset(max(where.offset, 0))
    return [_story_dict(r) for r in conn.execute(query)]


def count_stories(conn: Connection, where: StoryFilter | None = None) -> int:
    """How many stories the filter keeps, over every page."""
    query = select(func.count()).select_from(stories).where(and_(*_story_conditions(conn, where or StoryFilter())))
    return int(conn.execute(query).scalar() or 0)


def story_of_article(conn: Connection, article_id: int) -> int | None:
    """The story an article is in; None before `process` has clustered it."""
    query = select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def story_history(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    """The editors' edits that touched a story (as the one that gained or the one that lost), oldest first."""
    query = (
        select(story_edits)
        .where((story_edits.c.story_id == story_id) | (story_edits.c.from_story_id == story_id))
        .order_by(story_edits.c.id)
    )
    return [edit_dict(row) for row in conn.execute(query)]


def edit_dict(row: Any) -> dict[str, Any]:
    found = dict(row._mapping)
    found["articles"] = json.loads(found.get("articles") or "[]")
    return found


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
    """One story: its fields, its articles (oldest first), its first publisher and the editors' edits of it."""
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
    found["edits"] = story_history(conn, story_id)
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
