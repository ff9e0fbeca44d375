"""Selection and ranking: the period's stories chosen by the first rule that finds any (on the topic, naming a
watched entity, or the biggest), ranked by breadth, relevance and novelty."""

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
from ..store.schema import (
    articles,
    digest_items,
    digests,
    links,
    mentions,
    relevance,
    sources,
    stories,
    topic_entities,
    topics,
)
from ..store.schema import entities as watched_entities
from ..store.schema import story_articles as story_members
from .coordination import coordinated_activity
from .model import (
    RULE_BIGGEST,
    RULE_ENTITIES,
    RULE_TOPIC,
    AlsoIn,
    AlsoRead,
    Digest,
    FirstPublisher,
    Item,
    Outlet,
    Period,
    period_of,
)
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


def _period_groups(conn: Connection, period: Period, topic: str | None) -> dict[int, list[_Article]]:
    """The stories with an article in the period, by id, each with its current articles published before the
    period's end; an article of the period in no story (stories not built yet, or since the last `process`)
    stands alone, under its negated id."""
    in_period = conn.execute(
        select(story_members.c.story_id)
        .join(articles, articles.c.id == story_members.c.article_id)
        .where(articles.c.is_current, WHEN >= period.since, WHEN < period.until)
        .group_by(story_members.c.story_id)
    ).scalars()
    groups = _story_articles(conn, sorted(set(in_period)), period.until, topic)
    rel = _relevance(topic)
    alone = (
        select(*_ARTICLE_COLUMNS, rel.c.score.label("relevance"))
        .select_from(articles)
        .outerjoin(story_members, story_members.c.article_id == articles.c.id)
        .join(sources, sources.c.id == articles.c.source_id)
        .outerjoin(rel, rel.c.article_id == articles.c.id)
        .where(articles.c.is_current, story_members.c.story_id.is_(None), WHEN >= period.since, WHEN < period.until)
        .order_by(WHEN, articles.c.id)
    )
    for row in conn.execute(alone):
        groups[-row.id] = [_article(row)]
    return groups


def _relevance(topic: str | None) -> Any:
    """Each article's relevance to the topic (None: its best over every topic), as a subquery."""
    best = select(relevance.c.article_id, func.max(relevance.c.score).label("score")).group_by(relevance.c.article_id)
    if topic is not None:
        best = best.where(relevance.c.topic_id == topic)
    return best.subquery("rel")


_ARTICLE_COLUMNS = (
    articles.c.id,
    articles.c.url,
    articles.c.title,
    articles.c.language,
    articles.c.text,
    WHEN.label("when"),
    sources.c.name.label("outlet"),
)


def _article(row: Any) -> _Article:
    return _Article(
        row.id,
        row.url,
        row.title or "",
        row.language or "und",
        row.text or "",
        row.when,
        row.outlet,
        float(row.relevance or 0.0),
    )


def _story_articles(
    conn: Connection, story_ids: list[int], until: datetime, topic: str | None
) -> dict[int, list[_Article]]:
    """The current articles of each story published before ``until``, oldest first, with their relevance."""
    if not story_ids:
        return {}
    rel = _relevance(topic)
    query = (
        select(story_members.c.story_id, *_ARTICLE_COLUMNS, rel.c.score.label("relevance"))
        .join(articles, articles.c.id == story_members.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .outerjoin(rel, rel.c.article_id == articles.c.id)
        .where(story_members.c.story_id.in_(story_ids), articles.c.is_current, WHEN < until)
        .order_by(story_members.c.story_id, WHEN, articles.c.id)
    )
    found: dict[int, list[_Article]] = {}
    for row in conn.execute(query):
        found.setdefault(row.story_id, []).append(_article(row))
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
    """The issue's title; the newsletter's name goes before it where it is shown (`Digest.headline`)."""
    when = f"{period.label} ({period.describe()})"
    return f"{topic_name} — {when}" if topic_name else when


@dataclass
class _Rule:
    """One way to choose a digest's stories: its name (model.RULES), its sentence, and its test of a story,
    which gives the story's relevance, or None to leave it out."""

    name: str
    text: str
    keep: Any  # Callable[[list[_Article]], float | None]


def _rules(conn: Connection, topic: str | None, topic_name: str | None, min_relevance: float) -> list[_Rule]:
    """The rules to try, in order: on the topic (when the watchlist has topics), naming a watched entity (when
    it has entities), the biggest stories (always, so that a period with articles never gives an empty digest)."""
    has_topics = conn.execute(select(func.count()).select_from(topics)).scalar() or 0
    watched = set(conn.execute(select(watched_entities.c.id)).scalars())
    if topic is not None:
        watched = set(
            conn.execute(select(topic_entities.c.entity_id).where(topic_entities.c.topic_id == topic)).scalars()
        )

    def mean_relevance(arts: list[_Article]) -> float | None:
        rel = sum(a.relevance for a in arts) / len(arts)
        return rel if rel >= min_relevance else None

    def naming(arts: list[_Article]) -> float | None:
        share = sum(1 for a in arts if a.id in named) / len(arts)
        return share or None

    named: set[int] = set()
    if watched:
        named = set(
            conn.execute(select(mentions.c.article_id).where(mentions.c.entity_id.in_(watched)).distinct()).scalars()
        )
    on = f"the topic “{topic_name}”" if topic_name else "a watchlist topic"
    rules: list[_Rule] = []
    if has_topics:
        rules.append(
            _Rule(
                RULE_TOPIC,
                f"Stories on {on} whose articles' mean relevance to it is at least {min_relevance:g}.",
                mean_relevance,
            )
        )
    why = "no story of the period reached the topic's threshold" if has_topics else "the watchlist defines no topic"
    whose = f"one of the entities of “{topic_name}”" if topic_name else "a watched entity"
    if watched:
        rules.append(_Rule(RULE_ENTITIES, f"Every story that names {whose}, single articles included ({why}).", naming))
    why = f"no story of the period names {whose}" if watched else "no watchlist is loaded"
    rules.append(
        _Rule(
            RULE_BIGGEST,
            f"The period's biggest stories, by outlets, languages and articles ({why}).",
            lambda arts: 0.0,
        )
    )
    return rules


def _ranked(
    groups: dict[int, list[_Article]], previous: dict[int, int], period: Period, rule: _Rule
) -> list[tuple[float, int, float, list[_Article]]]:
    """(score, key, relevance, articles) of the stories the rule keeps, best first."""
    ranked = []
    for key, arts in groups.items():
        if not arts or (key in previous and len(arts) <= previous[key]):
            continue
        rel = rule.keep(arts)
        if rel is None:
            continue
        outlets = len({a.outlet for a in arts})
        languages = len({a.language for a in arts})
        fresh = sum(1 for a in arts if a.when is not None and a.when >= period.since)
        novelty = 1.0 if key not in previous else SEEN_STORY_NOVELTY + (1 - SEEN_STORY_NOVELTY) * fresh / len(arts)
        breadth = (1 + math.log(outlets)) * (1 + LANGUAGE_BREADTH * (languages - 1))
        weight = 1 + math.log(len(arts)) if rule.name == RULE_BIGGEST else rel
        if rule.name == RULE_BIGGEST:
            rel = sum(a.relevance for a in arts) / len(arts)
        ranked.append((breadth * weight * novelty, key, rel, arts))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


def build_digest(
    conn: Connection,
    since: datetime | Period,
    until: datetime | None = None,
    topic: str | None = None,
    limit: int = DIGEST_ITEMS,
    min_relevance: float = MIN_RELEVANCE,
) -> Digest:
    """Select, rank and summarise the stories of a period (``since`` may be a Period, or two naive-UTC
    datetimes) on ``topic`` (None: any watchlist topic). Returns an unsaved Digest, best item first.

    The first rule of `_rules` that keeps any story chooses the items, and the digest says which."""
    if isinstance(since, Period):
        period = since
    else:
        if until is None:
            raise ValueError("give until, or a Period")
        period = Period(f"{since.date().isoformat()}..{(until.date()).isoformat()}", since, until)
        if (until - since).days == 7 and since.weekday() == 0 and since.time() == datetime.min.time():
            period = period_of(f"{since.isocalendar().year}-W{since.isocalendar().week:02d}")
    name = _topic_name(conn, topic)
    if topic is not None and name is None:
        known = ", ".join(conn.execute(select(topics.c.id).order_by(topics.c.id)).scalars()) or "none: load a watchlist"
        raise UsageError(f"there is no topic {topic!r}; the watchlist's topics are: {known}")
    groups = _period_groups(conn, period, topic)
    previous = _previous_sizes(conn, period, topic)
    ranked: list[tuple[float, int, float, list[_Article]]] = []
    rule = _Rule(RULE_BIGGEST, "", None)  # no article in the period: no rule had anything to choose from
    if groups:
        for rule in _rules(conn, topic, name, min_relevance):
            ranked = _ranked(groups, previous, period, rule)[:limit]
            if ranked:
                break
    titles = _title_articles(conn, [r[1] for r in ranked if r[1] > 0])
    also_read = _also_read(conn, [(key if key > 0 else None, arts) for _, key, _, arts in ranked], period)
    items = [
        _item(conn, key if key > 0 else None, arts, score, rel, titles.get(key), previous.get(key), related)
        for (score, key, rel, arts), related in zip(ranked, also_read, strict=True)
    ]
    return Digest(
        period=period,
        title=digest_title(period, name),
        topic=topic,
        items=items,
        topic_name=name,
        rule=rule.name,
        rule_text=rule.text,
        coordination=coordinated_activity(conn, period.since, period.until),
    )


def _title_articles(conn: Connection, story_ids: list[int]) -> dict[int, int | None]:
    rows = conn.execute(select(stories.c.id, stories.c.title_article_id).where(stories.c.id.in_(story_ids)))
    return {row.id: row.title_article_id for row in rows}


def _item(
    conn: Connection,
    story_id: int | None,
    arts: list[_Article],
    score: float,
    rel: float,
    title_article: int | None,
    previous: int | None,
    also_read: list[AlsoRead],
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
        also_read=also_read,
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
    conn: Connection, groups: list[tuple[int | None, list[_Article]]], period: Period
) -> list[list[AlsoRead]]:
    """ "Also read" for each item: the related earlier stories (`_related`), each under the one item it is most
    related to (the earlier item on a tie), so that no story is suggested twice; at most ALSO_READ an item."""
    chosen = {story_id for story_id, _ in groups if story_id is not None}
    related = [_related(conn, story_id, arts, period, chosen) for story_id, arts in groups]
    best: dict[int, tuple[float, int]] = {}  # story -> (score, -item): where it is suggested
    for n, scored in enumerate(related):
        for score, sid, _ in scored:
            best[sid] = max(best.get(sid, (score, -n)), (score, -n))
    lists = []
    for n, scored in enumerate(related):
        mine = [(score, sid, rows) for score, sid, rows in scored if best[sid][1] == -n][:ALSO_READ]
        titles = _story_titles(conn, [sid for _, sid, _ in mine])
        shown = []
        for _, sid, rows in mine:
            head = next((r for r in rows if r.id == titles.get(sid, (None, None))[0]), rows[0])
            title = titles.get(sid, (None, None))[1] or head.title or ""
            shown.append(AlsoRead(sid, title, head.url, rows[0].when, head.outlet))
        lists.append(shown)
    return lists


def _related(
    conn: Connection, story_id: int | None, arts: list[_Article], period: Period, chosen: set[int]
) -> list[tuple[float, int, list[Any]]]:
    """Earlier stories (first article before the period; none of the digest's own) that share entities or words
    with this one, best first, with their articles: score = 0.7 × IDF-weighted Jaccard of their entities +
    0.3 × TF-IDF cosine of their titles, or the cosine alone when neither names a watched entity."""
    ids = [a.id for a in arts]
    entities = set(conn.execute(select(mentions.c.entity_id).where(mentions.c.article_id.in_(ids))).scalars())
    first_seen = func.min(WHEN)
    query = (
        select(story_members.c.story_id, first_seen.label("first"))
        .join(articles, articles.c.id == story_members.c.article_id)
        .where(articles.c.is_current, story_members.c.story_id != (story_id or 0))
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
        score = ALSO_READ_ENTITY_SHARE * jaccard + ALSO_READ_TITLE_SHARE * text if union else text
        rows = rows_of.get(sid, [])
        if score >= ALSO_READ_MIN and rows:
            scored.append((score, sid, rows))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return scored


def _story_titles(conn: Connection, story_ids: list[int]) -> dict[int, tuple[int | None, str | None]]:
    rows = conn.execute(
        select(stories.c.id, stories.c.title_article_id, stories.c.title).where(stories.c.id.in_(story_ids))
    )
    return {row.id: (row.title_article_id, row.title) for row in rows}
