"""Emerging names: the names a week's articles bring up that the weeks before it did not.

Each name written in the week's articles (`names`: runs of two capitalised
words or more and acronyms in Latin script, two-word phrases without function
words in Arabic script), less the watched entities' mentions, their aliases
and the store's outlet names, is counted in articles: k of the week's n. The
same count over the BASELINE_WEEKS weeks before (and over a background store,
when one is given) gives b of m. Had nothing changed, the week would name it
in about λ = n·(b + ½)/(m + 1) articles: the baseline's rate, with half an
article added so that a name never seen before keeps a small rate rather than
none. The name emerges when k ≥ MIN_ARTICLES and the one-sided Poisson
probability P(X ≥ k | λ) is at most MAX_P; names are ranked by it, then by
the smoothed log-ratio log2(((k + ½)/(n + 1)) / ((b + ½)/(m + 1))).

With a watchlist in force, the week and the baseline are the articles that
name a watched entity (unless every article is asked for): a name emerges in
the topic watched, not in all the news. A copy counts once: a duplicate is not counted, and the names inside a
partial copy's shared passages count for the original only.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from ..extract.dates import shifted
from ..extract.text import fold
from ..store.queries import PUBLISHED
from ..store.schema import articles, links, mentions, sources
from .names import arabic_phrases, latin_names, words
from .watchlist import load_stored

BASELINE_WEEKS = 8  # the weeks before the week compared with it: two months of the same topic
MIN_ARTICLES = 2  # a name in one article is that article's, however rare
MAX_P = 0.05  # the Poisson tail probability a name must reach to emerge
BASELINE_MAX_ARTICLES = 20_000  # the most recent articles of the baseline (and of a background) read at most
EXAMPLES = 5  # articles listed per name
STATISTIC = (
    "one-sided Poisson test: P(X >= k) for X ~ Poisson(n * (b + 0.5) / (m + 1)), where k of the week's n "
    f"articles name it and b of the baseline's m; emerging when k >= {MIN_ARTICLES} and P <= {MAX_P}; "
    "ranked by P, then by log2(((k + 0.5) / (n + 1)) / ((b + 0.5) / (m + 1)))"
)


@dataclass
class EmergingName:
    name: str
    articles: int  # k: the week's articles that name it
    baseline_articles: int  # b: the baseline's
    expected: float  # λ: the articles the week would name it in at the baseline's rate
    p_value: float
    log_ratio: float
    examples: list[dict[str, object]] = field(default_factory=list)


@dataclass
class EmergingReport:
    since: datetime
    until: datetime
    scope: str  # which articles are counted
    week_articles: int  # n
    baseline_since: datetime
    baseline_articles: int  # m, the background's included
    background_articles: int
    statistic: str = STATISTIC
    names: list[EmergingName] = field(default_factory=list)


@dataclass
class _Counts:
    """Per folded name, the articles naming it; the articles counted; one spelling of each name."""

    named: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    total: int = 0
    written: dict[str, str] = field(default_factory=dict)

    def add(self, article_id: int, url: str, found: dict[str, str]) -> None:
        self.total += 1
        for key, name in found.items():
            self.named[key].append((article_id, url))
            self.written.setdefault(key, name)


def emerging_names(
    conn: Connection,
    since: datetime,
    until: datetime,
    limit: int = 20,
    background: Connection | None = None,
    every_article: bool = False,
) -> EmergingReport:
    """The names of [since, until) that the BASELINE_WEEKS before it (and `background`) did not bring up.

    `every_article` counts all articles even with a watchlist in force.
    """
    watched = None if every_article else _watched_articles(conn)
    known = _known_names(conn)
    start = shifted(since, -timedelta(weeks=BASELINE_WEEKS))
    week = _count(conn, since, until, watched, known)
    baseline = _count(conn, start, since, watched, known)
    extra = _count(background, None, since, None, known) if background is not None else _Counts()
    n, m = week.total, baseline.total + extra.total
    found = []
    for key, naming in week.named.items():
        k, b = len(naming), len(baseline.named.get(key, ())) + len(extra.named.get(key, ()))
        expected = n * (b + 0.5) / (m + 1)
        p_value = poisson_tail(k, expected)
        if k >= MIN_ARTICLES and p_value <= MAX_P:
            ratio = math.log2(((k + 0.5) / (n + 1)) / ((b + 0.5) / (m + 1)))
            examples: list[dict[str, object]] = [{"article_id": a, "url": u} for a, u in naming[:EXAMPLES]]
            found.append(EmergingName(week.written[key], k, b, round(expected, 3), p_value, round(ratio, 2), examples))
    found.sort(key=lambda e: (e.p_value, -e.log_ratio, e.name))
    scope = "articles naming a watched entity" if watched is not None else "all articles"
    return EmergingReport(since, until, scope, n, start, m, extra.total, names=found[:limit])


def poisson_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean), summed in logs so that neither a large mean nor a large k underflows."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0

    def term(i: int) -> float:
        return math.exp(-mean + i * math.log(mean) - math.lgamma(i + 1))

    if k <= mean:  # most of the mass is in the tail: one less the head
        return max(0.0, 1.0 - sum(term(i) for i in range(k)))
    total, i = 0.0, k
    while True:  # past the mean the terms fall off quickly
        value = term(i)
        total += value
        if value <= total * 1e-12:
            return min(1.0, total)
        i += 1


def _watched_articles(conn: Connection) -> set[int] | None:
    """The articles that name a watched entity; None when nothing is watched (every article counts)."""
    found = set(conn.execute(select(mentions.c.article_id).distinct()).scalars())
    return found or None


def _known_names(conn: Connection) -> set[str]:
    """Folded names that are not news: the outlets' own and the watched entities' aliases."""
    outlets = {fold(name) for name in conn.execute(select(sources.c.name)).scalars() if name}
    aliases = {fold(alias.text) for entity in load_stored(conn).entities for alias in entity.aliases}
    return outlets | aliases


def _count(
    conn: Connection, since: datetime | None, until: datetime, among: set[int] | None, known: set[str]
) -> _Counts:
    query = select(articles.c.id, articles.c.url, articles.c.text).where(articles.c.is_current, PUBLISHED < until)
    if since is not None:
        query = query.where(PUBLISHED >= since)
    rows = [
        row
        for row in conn.execute(query.order_by(PUBLISHED.desc()).limit(BASELINE_MAX_ARTICLES))
        if among is None or row.id in among
    ]
    ids = [row.id for row in rows]
    skipped = _taken_spans(conn, ids)
    duplicates = set(
        conn.execute(select(links.c.copy_id).where(links.c.kind == "duplicate", links.c.copy_id.in_(ids))).scalars()
    )
    counts = _Counts()
    for row in rows:
        if row.id not in duplicates:
            counts.add(row.id, row.url, names_in(row.text, skipped.get(row.id, []), known))
    return counts


def _taken_spans(conn: Connection, ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    """Per article, the spans a name may not overlap: its watched mentions and the passages it copied."""
    ids = list(ids)
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        query = select(mentions.c.article_id, mentions.c.start, mentions.c.end).where(
            mentions.c.field == "text", mentions.c.article_id.in_(part)
        )
        for article_id, start, end in conn.execute(query):
            spans[article_id].append((start, end))
        copies = select(links.c.copy_id, links.c.passages).where(links.c.kind == "partial", links.c.copy_id.in_(part))
        for copy_id, passages in conn.execute(copies):
            spans[copy_id].extend((p[2], p[3]) for p in json.loads(passages or "[]"))
    return spans


def names_in(text: str, taken: list[tuple[int, int]], known: set[str]) -> dict[str, str]:
    """The names an article writes, folded → as written: not inside `taken`, not `known`."""
    spans = words(text)
    found: dict[str, str] = {}
    for start, end in [*latin_names(text, spans), *arabic_phrases(text, 2, spans)]:
        written = text[start:end]
        if " " not in written and sum(ch.isupper() for ch in written) < 2:
            continue  # one capitalised word opens a sentence or names a month as often as anything
        if any(s < end and start < e for s, e in taken):
            continue
        key = fold(written)
        if key not in known:
            found.setdefault(key, written)
    return found
