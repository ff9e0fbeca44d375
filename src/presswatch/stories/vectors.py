"""Story vectors: hashed TF-IDF of articles' words and translation anchors, story sums, and their products."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from ..extract.tokens import Tokeniser

FEATURES = 2**20  # hashed feature space: words of a multilingual corpus rarely collide, and vectors are sparse
TITLE_WEIGHT = 2.0  # a title word counts twice: the title names what the story is about
TEXT_CHARS = 6000  # the lead says what the story is; the rest adds time, not signal
COMMON_SHARE = 0.005  # word features in more than this share of articles are multiplied as dense columns,
MOST_COMMON = 1024  # at most this many, the most frequent

_KEYS = HashingVectorizer(
    n_features=FEATURES, alternate_sign=False, norm=None, dtype=np.float32, analyzer=lambda keys: keys
)

Vector = tuple[np.ndarray, np.ndarray]  # sorted feature indices, values


class StorySum:
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
class Story:
    id: int
    first: float  # days since the epoch
    last: float
    count: int = 0
    sums: tuple[StorySum, StorySum] = field(default_factory=lambda: (StorySum(), StorySum()))  # words, anchors
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
        dots: Sequence[float | None] = (None, None),
    ) -> None:
        """Add a member; `dots` are its vectors' dot products with the sums, where the caller has them."""
        for total, vec, dot in zip(self.sums, vecs, dots, strict=True):
            total.add(vec, total.dot(vec) if dot is None else dot)
        self.members[article_id] = vecs[0]
        self.member_info[article_id] = (title, when)
        self.first, self.last = min(self.first, when), max(self.last, when)

    def central(self) -> None:
        """The title of the member closest to the centroid (ties: the earliest)."""
        titled = [a for a in self.members if self.member_info[a][0]]
        if len(titled) < 2:  # none or one: nothing to compare (most stories have a single article)
            if titled:
                self.title, self.title_article_id = self.member_info[titled[0]][0], titled[0]
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


class Model:
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
        return Model.words(rows), Model.anchors(rows, keys)

    @staticmethod
    def words(rows: Sequence[Any]) -> sparse.csr_matrix:
        """The articles' word counts, before IDF: what needs nothing but their title and text."""
        body = _word_counts([(r.text or "")[:TEXT_CHARS] for r in rows])
        body.data = 1.0 + np.log(body.data)
        title = _word_counts([r.title or "" for r in rows])
        title.data[:] = TITLE_WEIGHT
        return _tidy(sparse.csr_matrix(body + title))

    @staticmethod
    def anchors(rows: Sequence[Any], keys: dict[int, list[str]]) -> sparse.csr_matrix:
        """The articles' translation anchors (`keys`, by article id), before IDF."""
        anchor = sparse.csr_matrix(_KEYS.transform([["@" + k for k in keys.get(r.id, [])] for r in rows]))
        anchor.data[:] = 1.0
        return _tidy(anchor)

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


def _tidy(x: sparse.csr_matrix) -> sparse.csr_matrix:
    x.sum_duplicates()
    x.sort_indices()
    return x


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


@dataclass(frozen=True)
class Split:
    """A matrix as its most common columns (dense) and the rest (sparse), the way `products` multiplies it.

    Sparse products cost the sum over features of (rows of x with it) x (rows
    of y with it): the few hundred words that nearly every article and story
    holds are most of that, and BLAS does them far faster as dense columns.
    """

    common: np.ndarray  # float32 (rows, len(common features))
    rest: sparse.csr_matrix

    @classmethod
    def of(cls, x: sparse.csr_matrix, common: np.ndarray) -> Split:
        if not len(common):
            return cls(np.zeros((x.shape[0], 0), np.float32), x)
        dropped = np.zeros(FEATURES, bool)
        dropped[common] = True
        rest = x.copy()
        rest.data[dropped[rest.indices]] = 0.0
        rest.eliminate_zeros()
        return cls(np.asarray(x[:, common].toarray(), np.float32), rest)

    def rows(self, chosen: np.ndarray) -> Split:
        return Split(self.common[chosen], self.rest[chosen])


def products(x: Split, y: Split) -> np.ndarray:
    """x @ y.T as a dense float32 array."""
    found = np.asarray(x.common @ y.common.T, dtype=np.float32)
    found += (y.rest @ x.rest.T).T.toarray()  # this way round scipy converts the smaller matrix
    return found


def row_dots(x: sparse.csr_matrix, vec: Vector, buffer: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Rows of x (all, or the given ones, ascending) . one sparse vector, through `buffer` (FEATURES zeros)."""
    buffer[vec[0]] = vec[1]
    if rows is None:
        found = np.asarray(x @ buffer, dtype=np.float32)
    else:  # straight from the CSR arrays: slicing the matrix costs more than the products
        begin, end = x.indptr[rows[0]], x.indptr[rows[-1] + 1]
        products = np.append(x.data[begin:end] * buffer[x.indices[begin:end]], np.float32(0.0))
        starts = x.indptr[rows[0] : rows[-1] + 1] - begin
        sums = np.add.reduceat(products, starts)
        sums[np.diff(x.indptr[rows[0] : rows[-1] + 2]) == 0] = 0.0  # reduceat gives an empty row its neighbour's
        found = sums[rows - rows[0]].astype(np.float32)
    buffer[vec[0]] = 0.0
    return found


def _row_vector(x: sparse.csr_matrix, i: int) -> Vector:
    start, end = x.indptr[i], x.indptr[i + 1]
    return x.indices[start:end].astype(np.int32), x.data[start:end].astype(np.float32)


def row_vectors(xs: Matrices, i: int) -> tuple[Vector, Vector]:
    return _row_vector(xs[0], i), _row_vector(xs[1], i)
