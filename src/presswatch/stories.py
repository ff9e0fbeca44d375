"""The stories stage of `process`: online clustering of articles into stories, and the queries that read them.

Each new current article, in id order, joins the best-matching story or opens
a new one:

1. hard evidence: a copy (`duplicate`), a translation, or a `partial` that is
   mostly copied text, of an article already in a story joins that story
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

Centroids of the active stories live in memory for the run and are rebuilt
from the store on start. A batch of articles is scored with two sparse
products (batch x active centroids, batch x batch), which keeps every score
exact while the batch's own articles join stories one by one.
"""

from __future__ import annotations

import json
import logging
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, update

from .store import Store
from .store.queries import StageReport, now, stage_state_of, unseen_batches
from .store.schema import anchors, articles, links, mentions, sources, stories, story_articles
from .tokens import Tokeniser

log = logging.getLogger(__name__)

STAGE = "stories"
BATCH = 1000
FEATURES = 2**20
TITLE_WEIGHT = 2.0
ANCHOR_WEIGHT = 1.0
TEXT_CHARS = 6000  # the lead says what the story is; the rest adds time, not signal
WINDOW_DAYS = 14.0
TAU_DAYS = 7.0
ENTITY_WEIGHT = 0.1
THRESHOLD = 0.22
CROSS_LANGUAGE_THRESHOLD = 0.12
PARTIAL_SHARE = 0.5  # a partial copy is hard evidence when copied text is at least this share of the article
PRIME = 5000
TOP_CANDIDATES = 10
COMMON_SHARE = 0.02  # word features in more than this share of articles are multiplied as dense columns,
MOST_COMMON = 512  # at most this many, the most frequent
FINGERPRINT = f"v1:{THRESHOLD}:{CROSS_LANGUAGE_THRESHOLD}:{WINDOW_DAYS}:{TAU_DAYS}:{TITLE_WEIGHT}"
_KIND_RANK = {"duplicate": 0, "translation": 1, "partial": 2}
_DAY = 86400.0

_WHEN = func.coalesce(articles.c.published_at, articles.c.created_at)
_KEYS = HashingVectorizer(
    n_features=FEATURES, alternate_sign=False, norm=None, dtype=np.float32, analyzer=lambda keys: keys
)

Vector = tuple[np.ndarray, np.ndarray]  # sorted feature indices, values


class _Sum:
    """The sum of a story's member vectors in one space (words, or anchors), and its squared norm.

    Members are added as they come and merged into the sum when it is next
    read: a batch reads each story's sum once, however many articles join it.
    """

    __slots__ = ("_idx", "_val", "_pending", "norm2")

    def __init__(self) -> None:
        self._idx = np.zeros(0, np.int32)
        self._val = np.zeros(0, np.float32)
        self._pending: list[Vector] = []
        self.norm2 = 0.0

    @property
    def idx(self) -> np.ndarray:
        self._merge()
        return self._idx

    @property
    def val(self) -> np.ndarray:
        self._merge()
        return self._val

    def _merge(self) -> None:
        if not self._pending:
            return
        parts = [self._idx, *(vec[0] for vec in self._pending)]
        self._idx, inverse = np.unique(np.concatenate(parts), return_inverse=True)
        values = np.concatenate([self._val, *(vec[1] for vec in self._pending)])
        self._val = np.bincount(inverse, weights=values).astype(np.float32)
        self._pending = []

    def dot(self, vec: Vector) -> float:
        idx = self.idx
        if not len(idx) or not len(vec[0]):
            return 0.0
        pos = np.searchsorted(idx, vec[0])
        pos[pos >= len(idx)] = 0
        hit = idx[pos] == vec[0]
        return float(vec[1][hit] @ self._val[pos[hit]])

    def add(self, vec: Vector, dot: float) -> None:
        """Add a member vector whose dot product with the sum so far is `dot`."""
        self.norm2 += 2.0 * dot + float(vec[1] @ vec[1])
        self._pending.append(vec)

    def row(self) -> sparse.csr_matrix:
        idx = self.idx
        return sparse.csr_matrix((self._val, idx, [0, len(idx)]), shape=(1, FEATURES))


@dataclass
class _Story:
    id: int
    first: float  # days since the epoch
    last: float
    count: int = 0
    sums: tuple[_Sum, _Sum] = field(default_factory=lambda: (_Sum(), _Sum()))  # words, anchors
    members: dict[int, Vector] = field(default_factory=dict)  # article id -> word vector, for centrality
    member_info: dict[int, tuple[str | None, float]] = field(default_factory=dict)  # title, when
    languages: Counter[str] = field(default_factory=Counter)
    outlets: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    title: str | None = None
    title_article_id: int | None = None

    def add(
        self,
        article_id: int,
        vecs: tuple[Vector, Vector],
        title: str | None,
        when: float,
        dots: Sequence[float] | None = None,
    ) -> None:
        """Add a member; `dots` are its vectors' dot products with the sums, when the caller has them."""
        for space, (total, vec) in enumerate(zip(self.sums, vecs, strict=True)):
            total.add(vec, total.dot(vec) if dots is None else float(dots[space]))
        self.members[article_id] = vecs[0]
        self.member_info[article_id] = (title, when)
        self.first, self.last = min(self.first, when), max(self.last, when)

    def central(self) -> None:
        """The title of the member closest to the centroid (ties: the earliest)."""
        titled = [a for a in self.members if self.member_info[a][0]]
        if not titled:
            return
        idx, val = self.sums[0].idx, self.sums[0].val
        vecs = [self.members[a] for a in titled]
        features = np.concatenate([v[0] for v in vecs])
        values = np.concatenate([v[1] for v in vecs])
        pos = np.minimum(np.searchsorted(idx, features), max(len(idx) - 1, 0))
        hit = idx[pos] == features if len(idx) else np.zeros(len(features), bool)
        products = np.where(hit, values * val[pos] if len(idx) else 0.0, 0.0)
        owner = np.repeat(np.arange(len(vecs)), [len(v[0]) for v in vecs])
        dots = np.bincount(owner, weights=products, minlength=len(vecs))
        best = min(
            zip(titled, dots.tolist(), strict=True),
            key=lambda t: (-round(t[1], 6), self.member_info[t[0]][1], t[0]),
        )
        self.title, self.title_article_id = self.member_info[best[0]][0], best[0]


Matrices = tuple[sparse.csr_matrix, sparse.csr_matrix]  # words, anchors


class _Model:
    """Document frequencies (of words and anchors, hashed apart) and the vectoriser with IDF."""

    def __init__(self) -> None:
        self.df = np.zeros(FEATURES, np.float32)
        self.docs = 0

    def count(self, xs: Matrices) -> None:
        for x in xs:
            self.df += np.bincount(x.indices, minlength=FEATURES).astype(np.float32)
        self.docs += xs[0].shape[0]

    def common(self, space: int) -> np.ndarray:
        """The most frequent word features, over COMMON_SHARE of the articles counted (none for anchors), sorted."""
        if space != 0 or not self.docs:
            return np.zeros(0, np.int64)
        found = np.flatnonzero(self.df > COMMON_SHARE * self.docs)
        if len(found) > MOST_COMMON:
            found = np.sort(found[np.argpartition(-self.df[found], MOST_COMMON)[:MOST_COMMON]])
        return found

    @staticmethod
    def raw(rows: Sequence[Any], keys: dict[int, list[str]]) -> Matrices:
        body = _word_counts([(r.text or "")[:TEXT_CHARS] for r in rows])
        body.data = 1.0 + np.log(body.data)
        title = _word_counts([r.title or "" for r in rows])
        title.data[:] = TITLE_WEIGHT
        words = sparse.csr_matrix(body + title)
        anchor = sparse.csr_matrix(_KEYS.transform([["@" + k for k in keys.get(r.id, [])] for r in rows]))
        anchor.data[:] = 1.0
        for x in (words, anchor):
            x.sum_duplicates()
            x.sort_indices()
        return words, anchor

    def weigh(self, xs: Matrices) -> Matrices:
        idf = np.log((self.docs + 1.0) / (self.df + 1.0)) + 1.0
        weighed = []
        for x in xs:
            x = x.copy()
            x.data = (x.data * idf[x.indices]).astype(np.float32)
            norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            y = sparse.csr_matrix(sparse.diags(1.0 / norms) @ x, dtype=np.float32)
            y.sort_indices()
            weighed.append(y)
        return weighed[0], weighed[1]

    @staticmethod
    def select(xs: Matrices, rows: np.ndarray) -> Matrices:
        return xs[0][rows], xs[1][rows]


_WORD = re.compile(r"\w+")
# Words of two letters or more, lower case: one-letter words (Persian "و", Albanian "e") are noise here.
_TERMS = Tokeniser(lambda token: [zlib.crc32(w.encode("utf-8")) for w in _WORD.findall(token.lower()) if len(w) > 1])


def _word_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """How often each word occurs in each text, the words hashed into FEATURES columns (low bits of crc32)."""
    ids, bounds = _TERMS.word_ids(texts)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(bounds))
    cells, counts = np.unique((owner << 20) | (ids.astype(np.int64) & (FEATURES - 1)), return_counts=True)
    indptr = np.searchsorted(cells >> 20, np.arange(len(texts) + 1))
    columns = (cells & (FEATURES - 1)).astype(np.int32)
    return sparse.csr_matrix((counts.astype(np.float32), columns, indptr), shape=(len(texts), FEATURES))


def _products(x: sparse.csr_matrix, y: sparse.csr_matrix, common: np.ndarray) -> np.ndarray:
    """x @ y.T as a dense array; the `common` columns (in most rows of both) as a dense product.

    Sparse products cost the sum over features of (rows of x with it) x (rows
    of y with it): a few hundred function words that nearly every article and
    story holds are most of that, and BLAS does them far faster as dense columns.
    """
    if not len(common):
        return np.asarray((x @ y.T).toarray(), dtype=np.float32)
    found = np.asarray(x[:, common].toarray() @ y[:, common].toarray().T, dtype=np.float32)
    dropped = np.zeros(FEATURES, bool)
    dropped[common] = True
    rest = [_without(m, dropped) for m in (x, y)]
    found += (rest[1] @ rest[0].T).T.toarray()  # this way round scipy converts the smaller matrix
    return found


def _without(x: sparse.csr_matrix, dropped: np.ndarray) -> sparse.csr_matrix:
    kept = x.copy()
    kept.data[dropped[kept.indices]] = 0.0
    kept.eliminate_zeros()
    return kept


def _days(when: datetime) -> float:
    return (when - datetime(1970, 1, 1)).total_seconds() / _DAY


def _date(days: float) -> datetime:
    return datetime(1970, 1, 1) + timedelta(days=days)


def _row_vector(x: sparse.csr_matrix, i: int) -> Vector:
    start, end = x.indptr[i], x.indptr[i + 1]
    return x.indices[start:end].astype(np.int32), x.data[start:end].astype(np.float32)


def _row_vectors(xs: Matrices, i: int) -> tuple[Vector, Vector]:
    return _row_vector(xs[0], i), _row_vector(xs[1], i)


# ---- reading articles --------------------------------------------------------------------------


def _article_query() -> Any:
    return select(
        articles.c.id,
        articles.c.url,
        articles.c.title,
        func.substr(articles.c.text, 1, TEXT_CHARS).label("text"),
        articles.c.language,
        articles.c.word_count,
        _WHEN.label("when"),
        sources.c.name.label("source"),
    ).join(sources, sources.c.id == articles.c.source_id)


def _anchor_keys(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for article_id, key in conn.execute(
        select(anchors.c.article_id, anchors.c.key).where(anchors.c.article_id.in_(ids))
    ):
        found.setdefault(article_id, []).append(key)
    return found


def _entity_sets(conn: Connection, ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    query = select(mentions.c.article_id, mentions.c.entity_id).where(mentions.c.article_id.in_(ids)).distinct()
    for article_id, entity_id in conn.execute(query):
        found.setdefault(article_id, set()).add(entity_id)
    return found


def _chunks(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# ---- the stage ---------------------------------------------------------------------------------


class _Clusterer:
    def __init__(self, conn: Connection, watermark: int) -> None:
        self.model = _Model()
        self.stories: dict[int, _Story] = {}
        self.story_of: dict[int, int] = {}  # article id -> story id, for articles seen in this run or loaded
        self.primed: set[int] = set()
        self.next_id = int(conn.execute(select(func.max(stories.c.id))).scalar() or 0) + 1
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
        earliest = conn.execute(
            select(func.min(_WHEN)).where(articles.c.id > watermark, articles.c.is_current)
        ).scalar()
        if earliest is None:
            return
        since = earliest - timedelta(days=WINDOW_DAYS)
        self._load_stories(conn, list(conn.execute(select(stories.c.id).where(stories.c.last_seen >= since)).scalars()))

    def _load_stories(self, conn: Connection, ids: list[int]) -> None:
        """Stories from the store into memory, their centroids rebuilt from their members' texts."""
        ids = [i for i in ids if i not in self.stories]
        for part in _chunks(ids):
            for row in conn.execute(select(stories).where(stories.c.id.in_(part))):
                story = _Story(row.id, math.inf, -math.inf, row.articles)
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
                    story.add(r.id, _row_vectors(x, i), r.title, _days(r.when))
                    story.entities.update(ents.get(r.id, ()))
                    self.story_of[r.id] = r.story_id

    def _story_ids(self, conn: Connection, ids: set[int]) -> dict[int, int]:
        missing = [i for i in ids if i not in self.story_of]
        for part in _chunks(missing):
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
        query = select(links.c.origin_id, links.c.copy_id, links.c.kind, links.c.score, links.c.passages).where(
            or_(links.c.origin_id.in_(ids), links.c.copy_id.in_(ids))
        )
        for origin, copy, kind, score, passages in conn.execute(query):
            for me, other in ((origin, copy), (copy, origin)):
                if me not in words or other == me:
                    continue
                if kind == "partial":
                    shared = sum(p[4] for p in json.loads(passages or "[]"))
                    if shared < PARTIAL_SHARE * words[me]:
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

    def run_batch(self, conn: Connection, rows: Sequence[Any]) -> tuple[int, int]:
        ids = [r.id for r in rows]
        keys = _anchor_keys(conn, ids)
        ents = _entity_sets(conn, ids)
        raw = self.model.raw(rows, keys)
        fresh = np.flatnonzero([r.id not in self.primed for r in rows])
        if len(fresh):
            self.model.count(self.model.select(raw, fresh))
        xs = self.model.weigh(raw)
        evidence = self._evidence(conn, rows)
        known = self._story_ids(conn, {o for values in evidence.values() for _, o, _ in values})
        self._load_stories(conn, sorted(set(known.values())))
        when = np.array([_days(r.when) for r in rows])

        lo, hi = when.min() - WINDOW_DAYS, when.max() + WINDOW_DAYS
        cols = [s for s in self.stories.values() if s.last >= lo and s.first <= hi]
        n, m = len(rows), len(cols)
        # p[space][i, j]: article i . story j's sum at the batch start; g[space][i, k]: article i . article k.
        p = [np.zeros((n, m + n), np.float32) for _ in xs]
        common = [self.model.common(space) for space in (0, 1)]
        g = [_products(x, x, common[space]) for space, x in enumerate(xs)]
        norm2 = np.zeros((2, m + n))
        first, last = np.zeros(m + n), np.zeros(m + n)
        if m:
            for space, x in enumerate(xs):
                sums = [s.sums[space] for s in cols]
                indptr = np.concatenate([[0], np.cumsum([len(t.idx) for t in sums])])
                c = sparse.csr_matrix(
                    (np.concatenate([t.val for t in sums]), np.concatenate([t.idx for t in sums]), indptr),
                    shape=(m, FEATURES),
                )
                p[space][:, :m] = _products(x, c, common[space])
                norm2[space, :m] = [t.norm2 for t in sums]
            first[:m], last[:m] = [s.first for s in cols], [s.last for s in cols]
        col_index = {s.id: j for j, s in enumerate(cols)}
        col_of = np.full(n, -1)
        # has[language][j]: story j has an article in that language
        has: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(m + n, bool))
        for j, listed in enumerate(cols):
            for language in listed.languages:
                has[language][j] = True
        joined = opened = 0
        members: list[dict[str, Any]] = []
        touched: set[int] = set()
        for i, r in enumerate(rows):
            width = len(cols)
            dots = np.stack([p[space][i, :width].astype(np.float64) for space in (0, 1)])
            if i:
                for space in (0, 1):
                    dots[space] += np.bincount(col_of[:i], weights=g[space][i, :i], minlength=width)[:width]
            language = r.language or "und"
            story, how, score = self._hard(evidence.get(r.id, []), known)
            if story is None:
                same = has[language][:width]
                story, score = self._best(cols, dots, norm2, first, last, when[i], ents.get(r.id, set()), same)
                how = "similarity" if story is not None else "new"
                joined += story is not None
            else:
                joined += 1
            if story is None:
                story = _Story(self.next_id, when[i], when[i])
                self.next_id += 1
                self.stories[story.id] = story
                score = 1.0
                opened += 1
            if story.id not in col_index:
                j = col_index[story.id] = len(cols)
                cols.append(story)
                for space, x in enumerate(xs):  # an older story joined by provenance: its dots with the batch
                    if len(story.sums[space].idx):
                        p[space][:, j] = (x @ story.sums[space].row().T).toarray().ravel()
            j = col_index[story.id]
            col_of[i] = j
            # the story's sums . this article: scored already, or (a column opened just now) its batch-start dots
            known_dots = dots[:, j].tolist() if j < width else [float(p[0][i, j]), float(p[1][i, j])]
            story.add(r.id, _row_vectors(xs, i), r.title, when[i], known_dots)
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

    def _hard(self, found: list[tuple[int, int, float]], known: dict[int, int]) -> tuple[_Story | None, str, float]:
        for _, other, score in found:
            story = self.stories.get(known.get(other, -1))
            if story is not None:
                return story, "provenance", abs(score)
        return None, "", 0.0

    def _best(
        self,
        cols: list[_Story],
        dots: np.ndarray,
        norm2: np.ndarray,
        first: np.ndarray,
        last: np.ndarray,
        when: float,
        entity_set: set[str],
        same: np.ndarray,
    ) -> tuple[_Story | None, float]:
        k = dots.shape[1]
        if not k:
            return None, 0.0
        outside = np.maximum(0.0, np.maximum(first[:k] - when, when - last[:k]))
        cosine = dots / np.sqrt(np.maximum(norm2[:, :k], 1e-12))
        decay = np.exp(-outside / TAU_DAYS)
        decay[outside > WINDOW_DAYS] = 0.0
        # The same language: the words; another: the anchors (names, numbers, dates) are what crosses.
        base = np.where(same, cosine[0] / THRESHOLD, cosine[1] / CROSS_LANGUAGE_THRESHOLD) * decay
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
            score = ((cosine[0 if same[j] else 1, j]) + ENTITY_WEIGHT * bonus) * decay[j]
            if score >= threshold and (best is None or score / threshold > best[0]):
                best = (score / threshold, int(j), float(score))
        if best is None:
            return None, 0.0
        return cols[best[1]], best[2]

    def _save(
        self, conn: Connection, members: list[dict[str, Any]], touched: set[int], evidence: dict[int, Any]
    ) -> None:
        versions = [other for values in evidence.values() for rank, other, _ in values if rank == -1]
        if versions:  # an earlier version leaves its story: the new one stands for the page
            for part in _chunks(versions):
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
                    "title": story.title,
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
        limit = earliest - 2 * WINDOW_DAYS
        for story_id in [s.id for s in self.stories.values() if s.last < limit]:
            story = self.stories.pop(story_id)
            for article_id in story.members:
                self.story_of.pop(article_id, None)


def run_stories_stage(store: Store, on_article: Callable[[], None] | None = None) -> StageReport:
    """Cluster the current articles added since the last run into stories (incremental, idempotent)."""
    report = StageReport(STAGE)
    with store.connect() as conn:
        watermark, seen = stage_state_of(conn, STAGE)
        if seen is not None and seen != FINGERPRINT:
            log.warning("stories settings changed; stories already made stay, new articles use the new settings")
        clusterer = _Clusterer(conn, watermark)
    for conn, rows in unseen_batches(store, STAGE, _article_query(), watermark, FINGERPRINT, BATCH):
        joined, opened = clusterer.run_batch(conn, rows)
        report.articles += len(rows)
        report.found += opened
        report.details["joined"] = report.details.get("joined", 0) + joined
        report.details["opened"] = report.details.get("opened", 0) + opened
        if on_article:
            for _ in rows:
                on_article()
    return report


# ---- queries -----------------------------------------------------------------------------------


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
            _WHEN.label("published_at"),
            story_articles.c.joined_by,
            story_articles.c.score,
        )
        .join(articles, articles.c.id == story_articles.c.article_id)
        .join(sources, sources.c.id == articles.c.source_id)
        .order_by(story_articles.c.story_id, _WHEN, articles.c.id)
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


def _batches(result: Any, size: int = 500) -> Iterator[list[Any]]:
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
        .where(_WHEN >= since, _WHEN < until, articles.c.is_current)
        .distinct()
        .subquery()
    )
    found: dict[int, dict[str, Any]] = {}
    for row in conn.execute(select(stories).where(stories.c.id.in_(select(in_week.c.story_id)))):
        found[row.id] = dict(_story_dict(row), articles_list=[])
    ids = list(found)
    for part in _chunks(ids):
        for m in conn.execute(_member_query().where(story_articles.c.story_id.in_(part))):
            found[m.story_id]["articles_list"].append({k: v for k, v in m._mapping.items() if k != "story_id"})
    return sorted(found.values(), key=lambda s: (-s["articles"], s["id"]))
