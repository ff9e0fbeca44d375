"""The stories stage of `process`: online clustering of articles into stories.

Each new current article, in id order, joins the best-matching story or opens
a new one:

1. hard evidence: a copy (`duplicate`), a translation, or a `partial` whose
   shared text is most of both articles, of an article already in a story joins that story
   (``joined_by="provenance"``); so does a new version of a URL already in one;
2. else it is scored against the stories active around its date (first/last
   seen within ``WINDOW_DAYS``): the cosine of its TF-IDF vector with the
   story's centroid, plus ``ENTITY_WEIGHT`` times the Jaccard of their watched
   entities, times a time decay ``exp(-days outside the story's span / TAU)``.
   Vectors are hashed (no vocabulary to fit): body words (sublinear tf), title
   words counted ``TITLE_WEIGHT`` times, and the article's translation anchors
   (names as consonant skeletons, numbers, dates; from the reuse stage's
   ``anchors`` table), which are what articles in different languages share.
   IDF comes from document frequencies kept for the run (primed from recent
   articles). A story none of whose articles is in the article's language is
   joined at the lower ``CROSS_LANGUAGE_THRESHOLD``; else ``THRESHOLD``.
   Below both, the article opens a story (``joined_by="new"``).

An article an editor placed (`story_pins`, see `curation`) goes to its story
before any of this (``joined_by="editor"``): after `--redo stories` a curated
story comes back with its id, its articles and the name an editor gave it.

Centroids of the active stories live in memory for the run and are rebuilt
from the store on start. A batch of articles is scored with two products
(batch x active centroids, batch x batch; the most common words as dense
columns, the rest sparse), which keeps every score exact while the batch's
own articles join stories one by one.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import numpy as np
from scipy import sparse
from sqlalchemy import Connection, Select, Table, bindparam, delete, func, insert, or_, select, update

from ..config import Settings
from ..extract.dates import shifted
from ..store.queries import StageReport, now
from ..store.schema import anchors, articles, links, mentions, sources, stories, story_articles
from .curation import EDITOR_JOIN, carry_pins, curated_names, next_story_id, pins_after
from .queries import WHEN, chunks
from .vectors import FEATURES, TEXT_CHARS, TITLE_WEIGHT, Model, Split, Story, products, row_dots, row_vectors

log = logging.getLogger(__name__)

STAGE = "stories"
BATCH = 1000  # articles scored together: two matrix products per batch, the batch x batch one still small
# Stories active within two weeks of an article's date are its candidates: coverage of one event
# runs for days, and a longer window compares each article with more stories for little gain.
WINDOW_DAYS = 14.0
TAU_DAYS = 7.0  # an article a week outside a story's span keeps 1/e of its similarity
ENTITY_WEIGHT = 0.1  # shared watched names nudge the score; many stories share them, so the text decides
# Join thresholds; eval/stories.py gates them (B-cubed F1 on NTREX). Across languages only the
# anchors (names, numbers, dates) are shared, so the cosine runs lower and so does its bar.
THRESHOLD = 0.22
CROSS_LANGUAGE_THRESHOLD = 0.12
PARTIAL_SHARE = 0.5  # a partial copy is hard evidence when copied text is at least this share of both articles
PRIME = 5000  # recent articles whose words prime the document frequencies: enough for a stable IDF
# Stories given the entity bonus per article: the bonus is small, so the best story is among
# the ten best by decayed cosine alone.
TOP_CANDIDATES = 10
# Stories whose last article is this many windows behind the stream leave memory (they stay stored).
EXPIRE_WINDOWS = 2
FINGERPRINT = f"v1:{THRESHOLD}:{CROSS_LANGUAGE_THRESHOLD}:{WINDOW_DAYS}:{TAU_DAYS}:{TITLE_WEIGHT}"
_KIND_RANK = {"duplicate": 0, "translation": 1, "partial": 2}
_DAY = 86400.0
_FIRST_DAY, _LAST_DAY = -719_162.0, 2_932_897.0  # 0001-01-01 and 10000-01-01, in days after 1970-01-01


def _days(when: datetime) -> float:
    return (when - datetime(1970, 1, 1)).total_seconds() / _DAY


def _date(days: float) -> datetime:
    # Any stored date makes a day count back into a date: 0001-01-01 and 9999-12-31 are held at the calendar's ends.
    return shifted(datetime(1970, 1, 1), timedelta(days=min(max(days, _FIRST_DAY), _LAST_DAY)))


# ---- reading articles --------------------------------------------------------------------------


def _article_query() -> Select[Any]:
    return select(
        articles.c.id,
        articles.c.url,
        articles.c.title,
        func.substr(articles.c.text, 1, TEXT_CHARS).label("text"),
        articles.c.language,
        articles.c.word_count,
        WHEN.label("when"),
        sources.c.name.label("source"),
    ).join(sources, sources.c.id == articles.c.source_id)


def _anchor_keys(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for article_id, key in conn.execute(
        select(anchors.c.article_id, anchors.c.key).where(anchors.c.article_id.in_(ids))
    ):
        found.setdefault(article_id, []).append(key)
    return found


def _mostly_shared(passages: str | None, *word_counts: int | None) -> bool:
    shared = sum(p[4] for p in json.loads(passages or "[]"))
    return all(shared >= PARTIAL_SHARE * max(1, words or 1) for words in word_counts)


def _entity_sets(conn: Connection, ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    query = select(mentions.c.article_id, mentions.c.entity_id).where(mentions.c.article_id.in_(ids)).distinct()
    for article_id, entity_id in conn.execute(query):
        found.setdefault(article_id, set()).add(entity_id)
    return found


# ---- the stage ---------------------------------------------------------------------------------


class _Clusterer:
    def __init__(self, conn: Connection, watermark: int) -> None:
        self.model = Model()
        self.stories: dict[int, Story] = {}
        self.story_of: dict[int, int] = {}  # article id -> story id, for articles seen in this run or loaded
        self.primed: set[int] = set()
        self.next_id = next_story_id(conn)
        self.names = curated_names(conn)  # story id -> the name an editor gave it
        self.pins = pins_after(conn, watermark)  # article id -> the story an editor put it in
        self._prime(conn, watermark)
        self._load(conn, watermark)

    def _prime(self, conn: Connection, watermark: int) -> None:
        """Document frequencies from the latest articles already seen, topped up with the first pending ones."""
        seen = conn.execute(
            _article_query().where(articles.c.id <= watermark, articles.c.is_current).order_by(articles.c.id.desc())
        ).fetchmany(PRIME)
        pending = (
            conn.execute(
                _article_query().where(articles.c.id > watermark, articles.c.is_current).order_by(articles.c.id)
            ).fetchmany(PRIME - len(seen))
            if len(seen) < PRIME
            else []
        )
        rows = list(seen) + list(pending)
        for chunk in range(0, len(rows), BATCH):
            part = rows[chunk : chunk + BATCH]
            self.model.count(self.model.raw(part, _anchor_keys(conn, [r.id for r in part])))
        self.primed = {r.id for r in pending}

    def _load(self, conn: Connection, watermark: int) -> None:
        """The stories active around the pending articles' dates, with their members' vectors."""
        earliest = conn.execute(select(func.min(WHEN)).where(articles.c.id > watermark, articles.c.is_current)).scalar()
        if earliest is None:
            return
        since = shifted(earliest, timedelta(days=-WINDOW_DAYS))
        self._load_stories(conn, list(conn.execute(select(stories.c.id).where(stories.c.last_seen >= since)).scalars()))

    def _load_stories(self, conn: Connection, ids: list[int]) -> None:
        """Stories from the store into memory, their centroids rebuilt from their members' texts."""
        ids = [i for i in ids if i not in self.stories]
        for part in chunks(ids):
            for row in conn.execute(select(stories).where(stories.c.id.in_(part))):
                story = Story(row.id, math.inf, -math.inf, row.articles)
                story.languages.update(json.loads(row.languages or "{}"))
                story.outlets.update(json.loads(row.outlets or "{}"))
                story.title, story.title_article_id = row.title, row.title_article_id
                self.stories[row.id] = story
            members = conn.execute(
                _article_query()
                .add_columns(story_articles.c.story_id)
                .join(story_articles, story_articles.c.article_id == articles.c.id)
                .where(story_articles.c.story_id.in_(part))
                .order_by(articles.c.id)
            ).all()
            for chunk in range(0, len(members), BATCH):
                rows = members[chunk : chunk + BATCH]
                article_ids = [r.id for r in rows]
                x = self.model.weigh(self.model.raw(rows, _anchor_keys(conn, article_ids)))
                ents = _entity_sets(conn, article_ids)
                for i, r in enumerate(rows):
                    story = self.stories[r.story_id]
                    story.add(r.id, row_vectors(x, i), r.title, _days(r.when))
                    story.entities.update(ents.get(r.id, ()))
                    self.story_of[r.id] = r.story_id

    def _story_ids(self, conn: Connection, ids: set[int]) -> dict[int, int]:
        missing = [i for i in ids if i not in self.story_of]
        for part in chunks(missing):
            query = select(story_articles.c.article_id, story_articles.c.story_id).where(
                story_articles.c.article_id.in_(part)
            )
            self.story_of.update({a: s for a, s in conn.execute(query)})
        return {i: self.story_of[i] for i in ids if i in self.story_of}

    def _evidence(self, conn: Connection, rows: Sequence[Any]) -> dict[int, list[tuple[int, int, float]]]:
        """Per article: (rank, other article, score) of its copy and translation links, strongest first."""
        ids = [r.id for r in rows]
        words = {r.id: max(1, r.word_count or 1) for r in rows}
        found: dict[int, list[tuple[int, int, float]]] = {}
        origins, copies = articles.alias("origins"), articles.alias("copies")
        query = (
            select(
                links.c.origin_id,
                links.c.copy_id,
                links.c.kind,
                links.c.score,
                links.c.passages,
                origins.c.word_count,
                copies.c.word_count,
            )
            .join(origins, origins.c.id == links.c.origin_id)
            .join(copies, copies.c.id == links.c.copy_id)
            .where(or_(links.c.origin_id.in_(ids), links.c.copy_id.in_(ids)))
        )
        for origin, copy, kind, score, passages, origin_words, copy_words in conn.execute(query):
            # A digest page that republishes several articles holds all of each, but none is most of it:
            # a partial copy is evidence only when the shared text is most of both articles.
            if kind == "partial" and not _mostly_shared(passages, origin_words, copy_words):
                continue
            for me, other in ((origin, copy), (copy, origin)):
                if me not in words or other == me:
                    continue
                found.setdefault(me, []).append((_KIND_RANK.get(kind, 3), other, -float(score)))
        # A new version of a page already in a story stays in that story.
        urls = {r.url: r.id for r in rows}
        earlier = select(articles.c.id, articles.c.url).where(
            articles.c.url.in_(list(urls)), articles.c.is_current.is_(False)
        )
        for other, url in conn.execute(earlier):
            found.setdefault(urls[url], []).append((-1, other, -1.0))
        for values in found.values():
            values.sort()
        return found

    def run_batch(self, conn: Connection, rows: Sequence[Any], words: sparse.csr_matrix) -> tuple[int, int]:
        """Place a batch of articles (`words`: their word counts, `Model.words`) in stories; (joined, opened)."""
        ids = [r.id for r in rows]
        keys = _anchor_keys(conn, ids)
        ents = _entity_sets(conn, ids)
        raw = (words, self.model.anchors(rows, keys))
        fresh = np.flatnonzero([r.id not in self.primed for r in rows])
        if len(fresh):
            self.model.count(self.model.select(raw, fresh))
        xs = self.model.weigh(raw)
        evidence = self._evidence(conn, rows)
        known = self._story_ids(conn, {o for values in evidence.values() for _, o, _ in values})
        self._load_stories(conn, sorted(set(known.values()) | {self.pins[i] for i in ids if i in self.pins}))
        when = np.array([_days(r.when) for r in rows])

        lo, hi = when.min() - WINDOW_DAYS, when.max() + WINDOW_DAYS
        cols = [s for s in self.stories.values() if s.last >= lo and s.first <= hi]
        n, m = len(rows), len(cols)
        # has[language][j]: story j has an article in that language
        has: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(m + n, bool))
        for j, listed in enumerate(cols):
            for language in listed.languages:
                has[language][j] = True
        languages = np.array([r.language or "und" for r in rows])
        rows_in = {language: np.flatnonzero(languages == language) for language in set(languages.tolist())}
        # p[space][i, j]: article i . story j's sum at the batch start; g[space][i, k]: article i . article k.
        # Words are only compared within a language (across languages the anchors are), so p[0] holds the
        # pairs whose story has the article's language; scored[language][j] says which columns those are.
        p = [np.zeros((n, m + n), np.float32) for _ in xs]
        scored = {language: has[language].copy() for language in rows_in}
        common = [self.model.common(space) for space in (0, 1)]
        split = [Split.of(x, common[space]) for space, x in enumerate(xs)]
        g = [products(part, part) for part in split]
        norm2 = np.zeros((2, m + n))
        first, last = np.zeros(m + n), np.zeros(m + n)
        sums_at_start: list[sparse.csr_matrix] = []  # the stories' sums at the batch start, one matrix per space
        if m:
            for space in (0, 1):
                sums = [s.sums[space] for s in cols]
                indptr = np.concatenate([[0], np.cumsum([len(t.idx) for t in sums])])
                c = sparse.csr_matrix(
                    (np.concatenate([t.val for t in sums]), np.concatenate([t.idx for t in sums]), indptr),
                    shape=(m, FEATURES),
                )
                sums_at_start.append(c)
                norm2[space, :m] = [t.norm2 for t in sums]
            starting = [Split.of(c, common[space]) for space, c in enumerate(sums_at_start)]
            p[1][:, :m] = products(split[1], starting[1])
            for language, members_of in rows_in.items():
                with_it = np.flatnonzero(has[language][:m])
                if len(with_it):
                    found = products(split[0].rows(members_of), starting[0].rows(with_it))
                    p[0][np.ix_(members_of, with_it)] = found
            first[:m], last[:m] = [s.first for s in cols], [s.last for s in cols]
        buffer = np.zeros(FEATURES, np.float32)
        col_index = {s.id: j for j, s in enumerate(cols)}
        col_of = np.full(n, -1)
        joined = opened = 0
        members: list[dict[str, Any]] = []
        touched: set[int] = set()
        for i, r in enumerate(rows):
            width = len(cols)
            dots = np.array([p[0][i, :width], p[1][i, :width]], dtype=np.float64)
            if i:
                for space in (0, 1):
                    dots[space] += np.bincount(col_of[:i], weights=g[space][i, :i], minlength=width)[:width]
            language = r.language or "und"
            story, how, score = self._hard(evidence.get(r.id, []), known)
            if r.id in self.pins:  # an editor put it there: that story, whatever the evidence
                story, reopened = self._pinned(self.pins[r.id], when[i])
                how, score = EDITOR_JOIN, 1.0
                opened += reopened
                joined += not reopened
            elif story is None:
                same = has[language][:width]
                story, score = self._best(cols, dots, norm2, first, last, when[i], ents.get(r.id, set()), same)
                how = "similarity" if story is not None else "new"
                joined += story is not None
            else:
                joined += 1
            if story is None:
                story = Story(self.next_id, when[i], when[i])
                self.next_id += 1
                self.stories[story.id] = story
                score = 1.0
                opened += 1
            if story.id not in col_index:
                j = col_index[story.id] = len(cols)
                cols.append(story)
                for space, x in enumerate(xs):  # an older story joined by provenance: its dots with the batch
                    total = story.sums[space]
                    if len(total.idx):
                        p[space][:, j] = row_dots(x, (total.idx, total.val), buffer)
                for found in scored.values():
                    found[j] = True
            j = col_index[story.id]
            col_of[i] = j
            # the story's sums . this article: scored already, or (a column opened just now) its batch-start dots;
            # the words of a story without the article's language were not multiplied: the story works it out
            known_dots: list[float | None] = (
                [float(dots[0, j]) if scored[language][j] else None, float(dots[1, j])]
                if j < width
                else [float(p[0][i, j]), float(p[1][i, j])]
            )
            story.add(r.id, row_vectors(xs, i), r.title, when[i], known_dots)
            if not scored[language][j]:  # the story gains a language: its words now count for the rest of it
                later = rows_in[language][rows_in[language] > i]
                if len(later):
                    at_start = row_vectors((sums_at_start[0], sums_at_start[1]), j)[0]
                    p[0][later, j] = row_dots(xs[0], at_start, buffer, later)
                scored[language][j] = True
            norm2[:, j] = [t.norm2 for t in story.sums]
            first[j], last[j] = story.first, story.last
            story.count += 1
            story.languages[language] += 1
            has[language][j] = True
            story.outlets[r.source] += 1
            story.entities.update(ents.get(r.id, ()))
            self.story_of[r.id] = known[r.id] = story.id
            members.append({"story_id": story.id, "article_id": r.id, "score": round(score, 4), "joined_by": how})
            touched.add(story.id)
        self._save(conn, members, touched, evidence)
        self._expire(when.min())
        return joined, opened

    def _pinned(self, story_id: int, when: float) -> tuple[Story, bool]:
        """A curated story, in memory (loaded with the batch) or opened again under its id after a rebuild;
        whether it was opened just now."""
        story = self.stories.get(story_id)
        if story is not None:
            return story, False
        story = self.stories[story_id] = Story(story_id, when, when)
        return story, True

    def _hard(self, found: list[tuple[int, int, float]], known: dict[int, int]) -> tuple[Story | None, str, float]:
        for _, other, score in found:
            story = self.stories.get(known.get(other, -1))
            if story is not None:
                return story, "provenance", abs(score)
        return None, "", 0.0

    def _best(
        self,
        cols: list[Story],
        dots: np.ndarray,
        norm2: np.ndarray,
        first: np.ndarray,
        last: np.ndarray,
        when: float,
        entity_set: set[str],
        same: np.ndarray,
    ) -> tuple[Story | None, float]:
        k = dots.shape[1]
        if not k:
            return None, 0.0
        outside = np.maximum(0.0, np.maximum(first[:k] - when, when - last[:k]))
        # The same language: the words; another: the anchors (names, numbers, dates) are what crosses.
        norms = np.sqrt(np.maximum(np.where(same, norm2[0, :k], norm2[1, :k]), 1e-12))
        cosine = np.where(same, dots[0], dots[1]) / norms
        decay = np.exp(-outside / TAU_DAYS)
        decay[outside > WINDOW_DAYS] = 0.0
        base = np.where(same, cosine / THRESHOLD, cosine / CROSS_LANGUAGE_THRESHOLD) * decay
        best: tuple[float, int, float] | None = None
        top = np.argpartition(-base, TOP_CANDIDATES)[:TOP_CANDIDATES] if k > TOP_CANDIDATES else np.arange(k)
        for j in top[np.argsort(-base[top])]:
            if base[j] <= 0:
                break
            story = cols[j]
            bonus = 0.0
            if entity_set and story.entities:
                keys = set(story.entities)
                bonus = len(entity_set & keys) / len(entity_set | keys)
            threshold = THRESHOLD if same[j] else CROSS_LANGUAGE_THRESHOLD
            score = (cosine[j] + ENTITY_WEIGHT * bonus) * decay[j]
            if score >= threshold and (best is None or score / threshold > best[0]):
                best = (score / threshold, int(j), float(score))
        if best is None:
            return None, 0.0
        return cols[best[1]], best[2]

    def _save(
        self, conn: Connection, members: list[dict[str, Any]], touched: set[int], evidence: dict[int, Any]
    ) -> None:
        new_versions = {other: me for me, values in evidence.items() for rank, other, _ in values if rank == -1}
        versions = list(new_versions)
        if versions:  # an earlier version leaves its story: the new one stands for the page
            carry_pins(conn, new_versions)
            for part in chunks(versions):
                gone = conn.execute(
                    select(story_articles.c.story_id, story_articles.c.article_id).where(
                        story_articles.c.article_id.in_(part)
                    )
                ).all()
                conn.execute(delete(story_articles).where(story_articles.c.article_id.in_(part)))
                for story_id, article_id in gone:
                    story = self.stories.get(story_id)
                    if story is not None and article_id in story.members:
                        story.count -= 1
                        del story.members[article_id]
                        touched.add(story_id)
        existing = set(conn.execute(select(stories.c.id).where(stories.c.id.in_(list(touched)))).scalars())
        rows = []
        for story_id in touched:
            story = self.stories[story_id]
            story.central()
            rows.append(
                {
                    "sid": story.id,
                    "title": self.names.get(story.id, story.title),
                    "title_article_id": story.title_article_id,
                    "first_seen": _date(story.first),
                    "last_seen": _date(story.last),
                    "articles": story.count,
                    "languages": json.dumps(dict(story.languages.most_common()), ensure_ascii=False),
                    "outlets": json.dumps(dict(story.outlets.most_common()), ensure_ascii=False),
                    "updated_at": now(),
                }
            )
        new = [dict(r, id=r["sid"]) for r in rows if r["sid"] not in existing]
        if new:
            conn.execute(insert(stories), [{k: v for k, v in r.items() if k != "sid"} for r in new])
        old = [r for r in rows if r["sid"] in existing]
        if old:
            conn.execute(
                update(stories)
                .where(stories.c.id == bindparam("sid"))
                .values({k: bindparam(k) for k in old[0] if k != "sid"}),
                old,
            )
        if members:
            conn.execute(insert(story_articles), members)

    def _expire(self, earliest: float) -> None:
        """Forget stories far behind the stream: they are in the store, and no longer in the window."""
        limit = earliest - EXPIRE_WINDOWS * WINDOW_DAYS
        for story_id in [s.id for s in self.stories.values() if s.last < limit]:
            story = self.stories.pop(story_id)
            for article_id in story.members:
                self.story_of.pop(article_id, None)


class StoriesStage:
    """Clusters the current articles added since the last run into stories (incremental, idempotent)."""

    name: ClassVar[str] = STAGE
    needs: ClassVar[tuple[str, ...]] = ("reuse", "entities")  # copies and shared names are its evidence
    outputs: ClassVar[tuple[Table, ...]] = (story_articles, stories)
    batch_size: ClassVar[int] = BATCH
    restart_on_change: ClassVar[bool] = False

    def __init__(self, settings: Settings) -> None:
        """Its settings are the named constants above: they enter its fingerprint."""

    def prepare(self, conn: Connection) -> str | None:
        return None

    def fingerprint(self) -> str:
        return FINGERPRINT

    def resume(self, conn: Connection, watermark: int) -> None:
        self.clusterer = _Clusterer(conn, watermark)

    def query(self) -> Select[Any]:
        return _article_query()

    def compute(self, rows: Sequence[Any]) -> sparse.csr_matrix:
        """The articles' word counts (body and title, hashed), one row each: the anchors come from the store."""
        return Model.words(rows)

    def write(self, conn: Connection, rows: Sequence[Any], computed: sparse.csr_matrix, report: StageReport) -> None:
        joined, opened = self.clusterer.run_batch(conn, list(rows), computed)
        report.found += opened
        report.details["joined"] = report.details.get("joined", 0) + joined
        report.details["opened"] = report.details.get("opened", 0) + opened

    def process_batch(self, conn: Connection, rows: Sequence[Any], report: StageReport) -> None:
        self.write(conn, rows, self.compute(rows), report)
