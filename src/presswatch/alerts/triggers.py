"""What each trigger finds among what is new since a rule's last evaluation, and why: one function a trigger."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select
from sqlalchemy.orm import aliased

from ..store.alerts import Found, matched_since, newest_run
from ..store.queries import PUBLISHED, ArticleFilter, SearchLimits, stage_state_of
from ..store.schema import articles, entities, links, mentions, sources
from ..store.search import coverage, matching_ids, new_matching_ids
from .spikes import SpikeMethod, expected, is_spike, threshold

LINK_WORDS = {"duplicate": "a copy", "partial": "a partial copy", "translation": "a translation"}


@dataclass(frozen=True)
class Bounds:
    """What an evaluation may look at: articles up to `article` (those every stage it needs has seen), reuse
    links up to `link`, and the clock."""

    article: int
    entities_done: int
    link: int
    now: datetime
    run: int = 0  # coordination runs up to this id


def current_bounds(conn: Connection, now: datetime) -> Bounds:
    newest = int(conn.execute(select(func.max(articles.c.id))).scalar() or 0)
    link = int(conn.execute(select(func.max(links.c.id))).scalar() or 0)
    return Bounds(newest, stage_state_of(conn, "entities")[0], link, now, newest_run(conn))


def find(conn: Connection, rule: Row[Any], bounds: Bounds, limits: SearchLimits) -> tuple[list[Found], int, int]:
    """The rule's new matches, and its watermarks after them (articles, links)."""
    params: dict[str, Any] = json.loads(rule.params)
    seen_article, seen_link = rule.seen_article_id, rule.seen_link_id
    if rule.trigger == "search":
        upper = bounds.entities_done if params.get("entity") or params.get("topic") else bounds.article
        return _search(conn, params, seen_article, upper, limits), max(seen_article, upper), seen_link
    if rule.trigger == "entity":
        upper = bounds.entities_done
        return _entity(conn, params, seen_article, upper), max(seen_article, upper), seen_link
    if rule.trigger == "copies":
        return _copies(conn, params, seen_link, bounds.link), seen_article, max(seen_link, bounds.link)
    return _spike(conn, rule.id, params, bounds.now, limits), bounds.article, seen_link


def _search(conn: Connection, params: dict[str, Any], after: int, upper: int, limits: SearchLimits) -> list[Found]:
    where = ArticleFilter(
        source=params.get("source"),
        language=params.get("language"),
        entity=params.get("entity"),
        topic=params.get("topic"),
    )
    filters = ", ".join(f"{k} {params[k]}" for k in ("language", "source", "entity", "topic") if params.get(k))
    why = f"matches the search {params['query']!r}" + (f" ({filters})" if filters else "")
    ids = [i for i in new_matching_ids(conn, params["query"], where, limits, after) if i <= upper]
    return [Found(i, why) for i in ids]


def _entity(conn: Connection, params: dict[str, Any], after: int, upper: int) -> list[Found]:
    entity = params["entity"]
    name = conn.execute(select(entities.c.name).where(entities.c.id == entity)).scalar() or entity
    query = (
        select(
            articles.c.id,
            func.min(mentions.c.surface).label("surface"),
            articles.c.language,
            articles.c.source_id,
            sources.c.name.label("outlet"),
            PUBLISHED.label("published"),
        )
        .join(articles, articles.c.id == mentions.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(mentions.c.entity_id == entity, mentions.c.article_id > after, mentions.c.article_id <= upper)
        .where(articles.c.is_current)
        .group_by(articles.c.id, articles.c.language, articles.c.source_id, sources.c.name, PUBLISHED)
        .order_by(articles.c.id)
    )
    novel_in, days = params.get("novel_in"), int(params.get("novel_days") or 0)
    found = []
    for row in conn.execute(query):
        why = f"mentions {name} (as {row.surface!r})"
        if novel_in and days:
            if _mentioned_before(conn, entity, row, novel_in, days):
                continue
            where = f"in {row.language}" if novel_in == "language" else f"in {row.outlet}"
            why += f", the first time {where} in {days} days"
        found.append(Found(row.id, why))
    return found


def _mentioned_before(conn: Connection, entity: str, row: Any, novel_in: str, days: int) -> bool:
    """Whether the entity was mentioned in the article's language (or outlet) in the `days` before it."""
    same = articles.c.language == row.language if novel_in == "language" else articles.c.source_id == row.source_id
    query = (
        select(articles.c.id)
        .join(mentions, mentions.c.article_id == articles.c.id)
        .where(mentions.c.entity_id == entity, articles.c.is_current, articles.c.id != row.id, same)
        .where(PUBLISHED >= row.published - timedelta(days=days), PUBLISHED <= row.published)
        .limit(1)
    )
    return conn.execute(query).first() is not None


def _copies(conn: Connection, params: dict[str, Any], after: int, upper: int) -> list[Found]:
    origin, copy = aliased(articles), aliased(articles)
    origin_source = aliased(sources)
    query = (
        select(
            links.c.origin_id,
            links.c.copy_id,
            links.c.kind,
            origin.c.title,
            origin_source.c.name.label("outlet"),
            copy.c.source_id.label("copy_source"),
            origin.c.source_id.label("origin_source"),
        )
        .join(origin, origin.c.id == links.c.origin_id)
        .join(copy, copy.c.id == links.c.copy_id)
        .join(origin_source, origin_source.c.id == origin.c.source_id)
        .where(links.c.id > after, links.c.id <= upper)
        .order_by(links.c.id)
    )
    found = []
    if params.get("article"):
        watched = int(params["article"])
        for row in conn.execute(query.where(or_(links.c.origin_id == watched, links.c.copy_id == watched))):
            other = row.copy_id if row.origin_id == watched else row.origin_id
            found.append(Found(other, f"{LINK_WORDS.get(row.kind, row.kind)} of the watched article #{watched}"))
        return found
    outlet = str(params["outlet"]).lower()
    condition = and_(func.lower(origin_source.c.name) == outlet, copy.c.source_id != origin.c.source_id)
    for row in conn.execute(query.where(condition)):
        title = f" «{row.title}»" if row.title else ""
        found.append(
            Found(
                row.copy_id, f"{LINK_WORDS.get(row.kind, row.kind)} of {row.outlet}'s article #{row.origin_id}{title}"
            )
        )
    return found


def daily_counts(conn: Connection, params: dict[str, Any], first: datetime, limits: SearchLimits) -> Counter[str]:
    """Articles per UTC day (YYYY-MM-DD) from `first` on, matching the rule's query or mentioning its entity."""
    if params.get("query"):
        days: Counter[str] = Counter()
        for point in coverage(conn, params["query"], ArticleFilter(since=first), limits):
            days[point["day"]] += int(point["articles"])
        return days
    query = (
        select(articles.c.id, PUBLISHED.label("published"))
        .join(mentions, mentions.c.article_id == articles.c.id)
        .where(mentions.c.entity_id == params["entity"], articles.c.is_current, PUBLISHED >= first)
        .distinct()
    )
    return Counter(row.published.date().isoformat() for row in conn.execute(query))


def _spike(conn: Connection, rule_id: int, params: dict[str, Any], now: datetime, limits: SearchLimits) -> list[Found]:
    method = SpikeMethod(min_count=int(params.get("min_count") or SpikeMethod.min_count))
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if matched_since(conn, rule_id, today):
        return []  # one alert a day
    counts = daily_counts(conn, params, today - timedelta(days=method.days + 1), limits)
    history = [counts[(today - timedelta(days=d)).date().isoformat()] for d in range(method.days + 1, 0, -1)]
    baseline = history[1:]
    count = counts[today.date().isoformat()]
    if not is_spike(count, history, method):
        return []
    newest = _newest_today(conn, params, today, limits)
    if newest is None:
        return []
    usual = expected(baseline, method)
    what = f"the search {params['query']!r}" if params.get("query") else f"mentions of {params['entity']}"
    why = (
        f"coverage spike: {count} articles today for {what}, against a median of {usual:g} on this weekday over "
        f"the previous {method.days} days (threshold {threshold(baseline, method):.1f}: {method.describe()})"
    )
    return [Found(newest, why)]


def _newest_today(conn: Connection, params: dict[str, Any], today: datetime, limits: SearchLimits) -> int | None:
    if params.get("query"):
        ids = matching_ids(conn, params["query"], ArticleFilter(since=today, sort="date"), limits)
        return ids[0] if ids else None
    query = (
        select(func.max(articles.c.id))
        .join(mentions, mentions.c.article_id == articles.c.id)
        .where(mentions.c.entity_id == params["entity"], articles.c.is_current, PUBLISHED >= today)
    )
    found = conn.execute(query).scalar()
    return int(found) if found else None
