"""Selection and ranking: the period's stories on the topic, ranked by breadth, relevance and novelty."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from ..errors import UsageError
from ..store.queries import PUBLISHED
from ..store.schema import articles, digest_items, digests, links, mentions, relevance, sources, stories, topics
from ..store.schema import story_articles as story_members
from .model import AlsoIn, AlsoRead, Digest, FirstPublisher, Item, Outlet, Period, period_of
from .summary import cosine, summarise, tokens

WHEN = PUBLISHED
MIN_RELEVANCE = 0.2  # a story's mean article relevance to the topic must reach this
# Items in one digest: a week's digest a reader gets through in one sitting (also a new draft's size).
DIGEST_ITEMS = 12
ALSO_READ = 3  # related stories listed under an item: a pointer onward, not a second digest
ALSO_READ_MIN = 0.2  # below this relatedness the suggestions read as unrelated
ALSO_READ_CANDIDATES = 300  # recent stories compared per item: bounds the cost of a digest build
# A story already in the previous digest keeps this share of its novelty; the share of its
# articles that are new this period earns back the rest, so a story that only grew slowly sinks.
SEEN_STORY_NOVELTY = 0.5
# Each language beyond the first adds this much to a story's breadth: news crossing a language
# border is what presswatch watches, but one more language should not outweigh many more outlets.
LANGUAGE_BREADTH = 0.5
# Added to each entity's idf weight: an entity named in every story still counts a little, so
# two stories about the same watched names are not scored as unrelated.
ENTITY_WEIGHT_FLOOR = 0.05
# Related stories: shares of the score from shared watched entities and from title words;
# entities are the stronger evidence, titles break ties between stories about the same names.
ALSO_READ_ENTITY_SHARE = 0.7
ALSO_READ_TITLE_SHARE = 0.3


@dataclass
class _Article:
    id: int
    url: str
    title: str
    language: str
    text: str
    when: datetime | None
    outlet: str
    relevance: float


def _story_articles(
    conn: Connection, story_ids: list[int], until: datetime, topic: str | None
) -> dict[int, list[_Article]]:
    """The current articles of each story published before ``until``, oldest first, with their relevance."""
    if not story_ids:
        return {}
    best = select(relevance.c.article_id, func.max(relevance.c.score).label("score")).group_by(relevance.c.article_id)
    if topic is not None:
        best = best.where(relevance.c.topic_id == topic)
    rel = best.subquery("rel")
    query = (
        select(
            story_members.c.story_id,
            articles.c.id,
            articles.c.url,
            articles.c.title,
            articles.c.language,
            articles.c.text,
            WHEN.label("when"),
            sources.c.name.label("outlet"),
            rel.c.score.label("relevance"),
        )
        .join(articles, articles.c.id == story_members.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .outerjoin(rel, rel.c.article_id == articles.c.id)
        .where(story_members.c.story_id.in_(story_ids), articles.c.is_current, WHEN < until)
        .order_by(story_members.c.story_id, WHEN, articles.c.id)
    )
    found: dict[int, list[_Article]] = {}
    for row in conn.execute(query):
        found.setdefault(row.story_id, []).append(
            _Article(
                row.id,
                row.url,
                row.title or "",
                row.language or "und",
                row.text or "",
                row.when,
                row.outlet,
                float(row.relevance or 0.0),
            )
        )
    return found


def _previous_sizes(conn: Connection, period: Period, topic: str | None) -> dict[int, int]:
    """story id → its size in the latest earlier published digest on the same topic that carried it."""
    topic_match = digests.c.topic_id.is_(None) if topic is None else digests.c.topic_id == topic
    rows = conn.execute(
        select(digests.c.id, digests.c.period, digests.c.version)
        .where(digests.c.status == "published", topic_match)
        .order_by(digests.c.id)
    ).all()
    latest: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.period not in latest or row.version > latest[row.period][1]:
            latest[row.period] = (row.id, row.version)
    earlier = []
    for label, (digest_id, _) in latest.items():
        try:
            other = period_of(label)
        except UsageError:  # a label written by hand that names no period
            continue
        if other.until <= period.since:
            earlier.append((other.until, digest_id))
    sizes: dict[int, int] = {}
    for _, digest_id in sorted(earlier):  # later digests overwrite earlier ones
        for story_id, size in conn.execute(
            select(digest_items.c.story_id, digest_items.c.story_articles).where(
                digest_items.c.digest_id == digest_id, digest_items.c.included, digest_items.c.story_id.is_not(None)
            )
        ):
            sizes[story_id] = size or 0
    return sizes


def _topic_name(conn: Connection, topic: str | None) -> str | None:
    if topic is None:
        return None
    return conn.execute(select(topics.c.name).where(topics.c.id == topic)).scalar()


def digest_title(period: Period, topic_name: str | None) -> str:
    return f"{topic_name or 'presswatch'} — digest {period.label} ({period.describe()})"


def build_digest(
    conn: Connection,
    since: datetime | Period,
    until: datetime | None = None,
    topic: str | None = None,
    limit: int = DIGEST_ITEMS,
    min_relevance: float = MIN_RELEVANCE,
) -> Digest:
    """Select, rank and summarise the stories of a period (``since`` may be a Period, or two naive-UTC
    datetimes) on ``topic`` (None: any watchlist topic). Returns an unsaved Digest, best item first."""
    if isinstance(since, Period):
        period = since
    else:
        if until is None:
            raise ValueError("give until, or a Period")
        period = Period(f"{since.date().isoformat()}..{(until.date()).isoformat()}", since, until)
        if (until - since).days == 7 and since.weekday() == 0 and since.time() == datetime.min.time():
            period = period_of(f"{since.isocalendar().year}-W{since.isocalendar().week:02d}")
    in_period = conn.execute(
        select(story_members.c.story_id)
        .join(articles, articles.c.id == story_members.c.article_id)
        .where(articles.c.is_current, WHEN >= period.since, WHEN < period.until)
        .group_by(story_members.c.story_id)
    ).scalars()
    story_ids = sorted(set(in_period))
    members = _story_articles(conn, story_ids, period.until, topic)
    previous = _previous_sizes(conn, period, topic)
    ranked: list[tuple[float, int, float, list[_Article]]] = []
    for story_id in story_ids:
        arts = members.get(story_id, [])
        if not arts:
            continue
        rel = sum(a.relevance for a in arts) / len(arts)
        if rel < min_relevance or (story_id in previous and len(arts) <= previous[story_id]):
            continue
        outlets = len({a.outlet for a in arts})
        languages = len({a.language for a in arts})
        fresh = sum(1 for a in arts if a.when is not None and a.when >= period.since)
        novelty = 1.0 if story_id not in previous else SEEN_STORY_NOVELTY + (1 - SEEN_STORY_NOVELTY) * fresh / len(arts)
        breadth = (1 + math.log(outlets)) * (1 + LANGUAGE_BREADTH * (languages - 1))
        ranked.append((breadth * rel * novelty, story_id, rel, arts))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    ranked = ranked[:limit]
    titles = _title_articles(conn, [r[1] for r in ranked])
    chosen = {r[1] for r in ranked}
    items = [
        _item(conn, story_id, arts, score, rel, titles.get(story_id), previous.get(story_id), period, chosen)
        for score, story_id, rel, arts in ranked
    ]
    name = _topic_name(conn, topic)
    return Digest(period=period, title=digest_title(period, name), topic=topic, items=items, topic_name=name)


def _title_articles(conn: Connection, story_ids: list[int]) -> dict[int, int | None]:
    rows = conn.execute(select(stories.c.id, stories.c.title_article_id).where(stories.c.id.in_(story_ids)))
    return {row.id: row.title_article_id for row in rows}


def _item(
    conn: Connection,
    story_id: int,
    arts: list[_Article],
    score: float,
    rel: float,
    title_article: int | None,
    previous: int | None,
    period: Period,
    chosen: set[int],
) -> Item:
    by_language = Counter(a.language for a in arts)
    title_lang = next((a.language for a in arts if a.id == title_article), None)
    language = min(by_language, key=lambda lang: (-by_language[lang], lang != title_lang, lang))
    own = [a for a in arts if a.language == language]
    base = next((a for a in own if a.id == title_article), None) or max(own, key=lambda a: (a.relevance, -a.id))
    summary = summarise(base.text, language, [a.text for a in own if a.id != base.id], title=base.title)
    ids = {a.id for a in arts}
    story_links = conn.execute(select(links).where(links.c.origin_id.in_(ids), links.c.copy_id.in_(ids))).all()
    translated = {x for link in story_links if link.kind == "translation" for x in (link.origin_id, link.copy_id)}
    return Item(
        story_id=story_id,
        title=base.title,
        summary=summary,
        language=language,
        url=base.url,
        outlets=[Outlet(a.outlet, a.url, a.title, a.language, a.when) for a in arts],
        first_publisher=_first(arts, story_links),
        also_in=[
            AlsoIn(a.language, a.url, a.title, a.outlet, a.id in translated)
            for a in sorted(arts, key=lambda a: (a.language, a.when or datetime.max, a.id))
            if a.language != language
        ],
        also_read=_also_read(conn, story_id, arts, period, chosen),
        articles=len(arts),
        languages=dict(sorted(by_language.items(), key=lambda kv: (-kv[1], kv[0]))),
        relevance=rel,
        score=score,
        previous_articles=previous,
    )


def _first(arts: list[_Article], story_links: Sequence[Any]) -> FirstPublisher:
    """No directed link inside the story makes it a copy, and it has the earliest date among those."""
    copied = {link.copy_id for link in story_links if link.directed}
    candidates = [a for a in arts if a.id not in copied] or arts
    first = min(candidates, key=lambda a: (a.when or datetime.max, a.id))
    how = "provenance" if copied else "date"
    return FirstPublisher(first.outlet, first.url, first.when, how)


def _also_read(
    conn: Connection, story_id: int, arts: list[_Article], period: Period, chosen: set[int]
) -> list[AlsoRead]:
    """Earlier stories (first article before the period) that share entities or words with this one:
    score = 0.7 × IDF-weighted Jaccard of their entities + 0.3 × TF-IDF cosine of their titles."""
    ids = [a.id for a in arts]
    entities = set(conn.execute(select(mentions.c.entity_id).where(mentions.c.article_id.in_(ids))).scalars())
    first_seen = func.min(WHEN)
    query = (
        select(story_members.c.story_id, first_seen.label("first"))
        .join(articles, articles.c.id == story_members.c.article_id)
        .where(articles.c.is_current, story_members.c.story_id != story_id)
        .group_by(story_members.c.story_id)
        .having(first_seen < period.since)
        .order_by(first_seen.desc(), story_members.c.story_id)
        .limit(ALSO_READ_CANDIDATES)
    )
    candidates = [row.story_id for row in conn.execute(query) if row.story_id not in chosen]
    if not candidates:
        return []
    member_rows = conn.execute(
        select(
            story_members.c.story_id,
            articles.c.id,
            articles.c.url,
            articles.c.title,
            WHEN.label("when"),
            sources.c.name.label("outlet"),
        )
        .join(articles, articles.c.id == story_members.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .where(story_members.c.story_id.in_(candidates), articles.c.is_current, WHEN < period.since)
        .order_by(WHEN, articles.c.id)
    ).all()
    entity_rows = conn.execute(
        select(story_members.c.story_id, mentions.c.entity_id)
        .join(mentions, mentions.c.article_id == story_members.c.article_id)
        .where(story_members.c.story_id.in_(candidates))
        .distinct()
    ).all()
    story_entities: dict[int, set[str]] = {}
    for sid, entity in entity_rows:
        story_entities.setdefault(sid, set()).add(entity)
    df = Counter(e for es in [*story_entities.values(), entities] for e in es)
    n = len(story_entities) + 1
    weight = {e: math.log((1 + n) / (1 + c)) + ENTITY_WEIGHT_FLOOR for e, c in df.items()}
    rows_of: dict[int, list[Any]] = {}  # grouped once: scanning all rows per candidate was most of a digest's build
    for row in member_rows:
        rows_of.setdefault(row.story_id, []).append(row)
    bags = {sid: tokens(" ".join(r.title or "" for r in rows_of.get(sid, []))) for sid in candidates}
    own_bag = tokens(" ".join(a.title for a in arts))
    tdf = Counter(w for bag in [*bags.values(), own_bag] for w in set(bag))
    idf = {w: math.log((2 + len(bags)) / (1 + c)) for w, c in tdf.items()}
    own_vec = {w: c * idf[w] for w, c in Counter(own_bag).items()}
    scored = []
    for sid in candidates:
        theirs = story_entities.get(sid, set())
        union = sum(weight[e] for e in entities | theirs)
        jaccard = sum(weight[e] for e in entities & theirs) / union if union else 0.0
        text = cosine(own_vec, {w: c * idf[w] for w, c in Counter(bags[sid]).items()})
        score = ALSO_READ_ENTITY_SHARE * jaccard + ALSO_READ_TITLE_SHARE * text
        rows = rows_of.get(sid, [])
        if score >= ALSO_READ_MIN and rows:
            scored.append((score, sid, rows))
    scored.sort(key=lambda s: (-s[0], s[1]))
    titles = _story_titles(conn, [sid for _, sid, _ in scored[:ALSO_READ]])
    shown = []
    for _, sid, rows in scored[:ALSO_READ]:
        head = next((r for r in rows if r.id == titles.get(sid, (None, None))[0]), rows[0])
        shown.append(
            AlsoRead(sid, titles.get(sid, (None, None))[1] or head.title or "", head.url, rows[0].when, head.outlet)
        )
    return shown


def _story_titles(conn: Connection, story_ids: list[int]) -> dict[int, tuple[int | None, str | None]]:
    rows = conn.execute(
        select(stories.c.id, stories.c.title_article_id, stories.c.title).where(stories.c.id.in_(story_ids))
    )
    return {row.id: (row.title_article_id, row.title) for row in rows}
