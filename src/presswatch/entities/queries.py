"""Reading mentions back: entities with counts per language, mentions of one entity, the export rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from ..store.queries import PUBLISHED
from ..store.schema import aliases, articles, entities, mentions, relevance, sources

_WHEN = PUBLISHED


def entity_counts(conn: Connection) -> list[dict[str, Any]]:
    """Each watched entity with its aliases, its mentions and articles, per language."""
    per_language = conn.execute(
        select(mentions.c.entity_id, articles.c.language, func.count(), func.count(func.distinct(articles.c.id)))
        .join(articles, articles.c.id == mentions.c.article_id)
        .where(articles.c.is_current)
        .group_by(mentions.c.entity_id, articles.c.language)
    ).all()
    alias_counts: dict[str, int] = dict(
        conn.execute(select(aliases.c.entity_id, func.count()).group_by(aliases.c.entity_id)).all()
    )
    listed = []
    for row in conn.execute(select(entities).order_by(entities.c.kind, entities.c.id)):
        languages = {lang or "unknown": n for entity, lang, n, _ in per_language if entity == row.id}
        listed.append(
            {
                "id": row.id,
                "name": row.name,
                "kind": row.kind,
                "aliases": alias_counts.get(row.id, 0),
                "mentions": sum(languages.values()),
                "articles": sum(docs for entity, _, _, docs in per_language if entity == row.id),
                "by_language": languages,
            }
        )
    return listed


def mentions_of(conn: Connection, entity_id: str, since: datetime | None, limit: int) -> list[dict[str, Any]]:
    """The mentions of one entity, newest articles first."""
    query = (
        select(
            mentions.c.article_id,
            articles.c.url,
            articles.c.title,
            articles.c.language,
            sources.c.name.label("source"),
            _WHEN.label("published"),
            mentions.c.surface,
            mentions.c.alias,
            mentions.c.field,
            mentions.c.start,
            mentions.c.end,
            mentions.c.score,
            mentions.c.method,
        )
        .join(articles, articles.c.id == mentions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(mentions.c.entity_id == entity_id, articles.c.is_current)
        .order_by(_WHEN.desc(), mentions.c.article_id, mentions.c.field, mentions.c.start)
    )
    if since is not None:
        query = query.where(_WHEN >= since)
    return [dict(r._mapping) for r in conn.execute(query.limit(limit))]


MENTION_FIELDS = {
    "article_id": "article id in this store",
    "url": "the article's canonical URL",
    "entity_id": "the watched entity's id",
    "surface": "the name as written in the article",
    "alias": "the watchlist alias it matched",
    "field": "where it stands: title or text",
    "start": "character offset of the first character in that field",
    "end": "character offset just past the last character",
    "score": "1.0 for an exact match, the similarity for a fuzzy one",
    "method": "exact, spelling (another transliteration of an alias) or fuzzy",
}


def mention_rows(conn: Connection, since: datetime | None) -> Iterator[dict[str, Any]]:
    query = select(mentions, articles.c.url).order_by(mentions.c.article_id, mentions.c.field, mentions.c.start)
    return _current_rows(conn, query, mentions.c.article_id, MENTION_FIELDS, since)


def _current_rows(
    conn: Connection, query: Any, article_id: Any, fields: dict[str, str], since: datetime | None
) -> Iterator[dict[str, Any]]:
    """The export rows of a per-article table, current versions only, published since a date."""
    query = query.join(articles, articles.c.id == article_id).where(articles.c.is_current)
    if since is not None:
        query = query.where(_WHEN >= since)
    for row in conn.execute(query):
        yield {name: getattr(row, name) for name in fields}


RELEVANCE_FIELDS = {
    "article_id": "article id in this store",
    "url": "the article's canonical URL",
    "topic_id": "the watchlist topic",
    "score": "relevance in [0, 1): 1 - e^(-w/4), w = 3 per title mention, 2 per lead mention, 1 per other",
    "mentions": "how many mentions of the topic's entities the article has",
}


def relevance_rows(conn: Connection, since: datetime | None) -> Iterator[dict[str, Any]]:
    query = select(relevance, articles.c.url).order_by(
        relevance.c.topic_id, relevance.c.score.desc(), relevance.c.article_id
    )
    return _current_rows(conn, query, relevance.c.article_id, RELEVANCE_FIELDS, since)


def article_mentions(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    """The mentions in one article, with the entity's name, in field and text order."""
    query = (
        select(mentions, entities.c.name.label("entity_name"), entities.c.kind.label("entity_kind"))
        .join(entities, entities.c.id == mentions.c.entity_id)
        .where(mentions.c.article_id == article_id)
        .order_by(mentions.c.field, mentions.c.start)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def entity_attention(conn: Connection, entity_id: str, top: int = 10) -> dict[str, Any]:
    """How much attention one entity gets: articles per day and language, the top outlets, the spellings seen."""
    named = (
        select(articles.c.id, articles.c.language, articles.c.source_id, _WHEN.label("published"))
        .where(
            articles.c.is_current,
            articles.c.id.in_(select(mentions.c.article_id).where(mentions.c.entity_id == entity_id)),
        )
        .subquery()
    )
    per_day = conn.execute(
        select(func.date(named.c.published).label("day"), named.c.language, func.count().label("articles"))
        .group_by(func.date(named.c.published), named.c.language)
        .order_by(func.date(named.c.published), named.c.language)
    ).all()
    outlets = conn.execute(
        select(sources.c.id, sources.c.name, func.count().label("articles"))
        .join(named, named.c.source_id == sources.c.id)
        .group_by(sources.c.id, sources.c.name)
        .order_by(func.count().desc(), sources.c.name)
        .limit(top)
    ).all()
    spellings = conn.execute(
        select(mentions.c.surface, mentions.c.alias, articles.c.language, func.count().label("mentions"))
        .join(articles, articles.c.id == mentions.c.article_id)
        .where(mentions.c.entity_id == entity_id, articles.c.is_current)
        .group_by(mentions.c.surface, mentions.c.alias, articles.c.language)
        .order_by(func.count().desc(), mentions.c.surface)
    ).all()
    return {
        "per_day": [{"day": str(r.day), "language": r.language or "unknown", "articles": r.articles} for r in per_day],
        "outlets": [dict(r._mapping) for r in outlets],
        "spellings": [dict(r._mapping) for r in spellings],
    }


def source_entities(conn: Connection, source_id: int, top: int = 10) -> list[dict[str, Any]]:
    """The watched entities one outlet names in the most articles, with its articles and mentions of each."""
    query = (
        select(
            entities.c.id,
            entities.c.name,
            entities.c.kind,
            func.count(func.distinct(articles.c.id)).label("articles"),
            func.count().label("mentions"),
        )
        .join(mentions, mentions.c.entity_id == entities.c.id)
        .join(articles, articles.c.id == mentions.c.article_id)
        .where(articles.c.is_current, articles.c.source_id == source_id)
        .group_by(entities.c.id, entities.c.name, entities.c.kind)
        .order_by(func.count(func.distinct(articles.c.id)).desc(), func.count().desc(), entities.c.name)
        .limit(top)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
