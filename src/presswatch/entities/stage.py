"""The entities stage of `process`: mentions of watched entities and relevance per topic.

Incremental: it tags the articles added since its last run. When the watchlist
changes (its fingerprint differs), it starts over, since every old mention may
be wrong or missing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import Connection, Select, Table, insert, select

from ..config import Settings
from ..store.queries import StageReport
from ..store.schema import articles, mentions, relevance
from .matcher import Alias, Match, Matcher
from .watchlist import Watchlist, load_stored

log = logging.getLogger(__name__)

STAGE = "entities"
# Bumped when the matcher finds other mentions for the same watchlist (2: inflected, script and
# transliterated variants), so that a store tagged by the old one is tagged again.
MATCHER_VERSION = 2
BATCH = 200  # articles matched per transaction: progress moves often, and a crash loses little work
# Relevance weights: a name in the title says more than one in the lead, which says more than one further down.
TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
# The lead is the first fifth of the text, and at least its first 300 characters (a short
# piece's first paragraph or two), where news writing names who the story is about.
LEAD_SHARE = 0.2
LEAD_MIN_CHARS = 300
# Relevance is 1 - exp(-weight / RELEVANCE_SCALE): a title mention plus a lead mention (5)
# gives about 0.7, a single mention far down about 0.2; more mentions approach 1 slowly.
RELEVANCE_SCALE = 4


# An article's mentions, as (field, match), and its relevance per topic: what `EntitiesStage.compute` makes of it.
Tagged = tuple[list[tuple[str, Match]], dict[str, tuple[float, int]]]


def matcher_for(watchlist: Watchlist, fuzzy_threshold: float) -> Matcher:
    kinds = {e.id: e.kind for e in watchlist.entities}
    every = [Alias(e.id, a.text, kinds[e.id], a.case_sensitive, a.lang) for e in watchlist.entities for a in e.aliases]
    excluded = [(e.id, text) for e in watchlist.entities for text in e.exclude]
    return Matcher(every, excluded, fuzzy_threshold)


def relevance_of(
    found: list[tuple[str, Match]], text_length: int, members: dict[str, set[str]]
) -> dict[str, tuple[float, int]]:
    """Per topic: a score in [0, 1) from how often, and where, its entities are named; and the count."""
    scores: dict[str, tuple[float, int]] = {}
    for topic, entity_ids in members.items():
        weight, count = 0.0, 0
        for field_name, match in found:
            if match.entity_id in entity_ids:
                count += 1
                if field_name == "title":
                    weight += TITLE_WEIGHT
                elif match.start < max(LEAD_MIN_CHARS, text_length * LEAD_SHARE):
                    weight += LEAD_WEIGHT
                else:
                    weight += BODY_WEIGHT
        if count:
            scores[topic] = (round(1 - math.exp(-weight / RELEVANCE_SCALE), 3), count)
    return scores


class EntitiesStage:
    """Mentions of the watched entities in each new article, and its relevance to each topic."""

    name: ClassVar[str] = STAGE
    needs: ClassVar[tuple[str, ...]] = ()
    outputs: ClassVar[tuple[Table, ...]] = (mentions, relevance)
    batch_size: ClassVar[int] = BATCH
    restart_on_change: ClassVar[bool] = True  # a changed watchlist makes every old mention suspect

    def __init__(self, settings: Settings) -> None:
        self.fuzzy_threshold = settings.fuzzy_name_threshold
        self.watchlist = Watchlist([], [])

    def prepare(self, conn: Connection) -> str | None:
        self.watchlist = load_stored(conn)
        if not self.watchlist.entities:
            return "no watchlist loaded (presswatch watchlist load FILE)"
        self.matcher = matcher_for(self.watchlist, self.fuzzy_threshold)
        self.members = {t.id: set(t.entities) for t in self.watchlist.topics}
        return None

    def fingerprint(self) -> str:
        return f"{self.watchlist.fingerprint()}:{self.fuzzy_threshold}:{MATCHER_VERSION}"

    def resume(self, conn: Connection, watermark: int) -> None:
        """Nothing to load: each article is tagged on its own."""

    def query(self) -> Select[Any]:
        return select(articles.c.id, articles.c.title, articles.c.text)

    def compute(self, rows: Sequence[Any]) -> list[Tagged]:
        """Each article's mentions (field, match) and its relevance per topic, in order."""
        tagged = []
        for row in rows:
            found = [("title", m) for m in self.matcher.find(row.title or "")]
            found += [("text", m) for m in self.matcher.find(row.text)]
            tagged.append((found, relevance_of(found, len(row.text), self.members)))
        return tagged

    def write(self, conn: Connection, rows: Sequence[Any], computed: Sequence[Tagged], report: StageReport) -> None:
        for row, (found, scores) in zip(rows, computed, strict=True):
            report.found += _store(conn, row.id, found, scores)

    def process_batch(self, conn: Connection, rows: Sequence[Any], report: StageReport) -> None:
        self.write(conn, rows, self.compute(rows), report)


def _store(
    conn: Connection, article_id: int, found: list[tuple[str, Match]], scores: dict[str, tuple[float, int]]
) -> int:
    """An article's mentions and relevance rows; how many mentions."""
    if found:
        conn.execute(
            insert(mentions),
            [
                {
                    "article_id": article_id,
                    "entity_id": m.entity_id,
                    "alias": m.alias,
                    "surface": m.surface,
                    "field": field_name,
                    "start": m.start,
                    "end": m.end,
                    "score": m.score,
                    "method": m.method,
                }
                for field_name, m in found
            ],
        )
    if scores:
        conn.execute(
            insert(relevance),
            [
                {"article_id": article_id, "topic_id": topic, "score": score, "mentions": count}
                for topic, (score, count) in scores.items()
            ],
        )
    return len(found)
