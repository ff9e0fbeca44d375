"""The reuse stage of `process`: duplicates, partial copies and translations of each new article,
with the direction of every link.

For each article not seen before, candidates come from indexes kept in the
store (LSH buckets for near-duplicates, winnowed passage hashes for shared
passages, anchor keys for translations); every candidate is then checked with
a real measure (exact Jaccard, aligned passages, translation score) before it
becomes a link. Then the article's own fingerprints join the indexes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
from sqlalchemy import Connection, Select, Table, and_, delete, func, insert, or_, select

from ..config import Settings
from ..extract.dates import shifted
from ..store.queries import StageReport, now, published_time
from ..store.schema import anchors, articles, links, lsh_buckets, passage_hashes, sources
from .fingerprints import (
    FINGERPRINTS,
    MINHASH_SHINGLE,
    PASSAGE_SHINGLE,
    Words,
    bands_of,
    jaccard,
    minhash_shingles,
    minhashes,
    passage_fingerprints,
    shingles,
    word_ids,
    words_of,
)
from .passages import Passage, character_spans, shared_passages, words_in
from .provenance import ArticleFacts, cites, infer_direction
from .translation import TRANSLATION_THRESHOLD, TranslationProfile, anchor_keys, profile, translation_score

log = logging.getLogger(__name__)

STAGE = "reuse"
BATCH = 100  # articles per transaction: each is compared with the store, so batches stay small
MIN_SHARED_HASHES = 3  # a passage of 50 words leaves about 20 winnowed hashes; 3 is chance-proof
WHOLE_COPY = 0.9  # passages covering this share of both texts make them duplicates
MAX_DUPLICATE_LINKS = 3  # the most similar distinct texts a new article is linked to as a duplicate
MAX_HASH_ARTICLES = 100  # a passage hash in more articles than this is boilerplate or a stock phrase
MAX_PASSAGE_CANDIDATES = 60  # aligned per article: those sharing the most rare hashes; alignment is the cost
MIN_SHARED_ANCHORS = 3  # one or two shared names or numbers are chance; three start to be a translation
MAX_ANCHOR_ARTICLES = 200  # an anchor in more articles than this is too common to find candidates with
MAX_TRANSLATION_CANDIDATES = 40  # scored per article: the ones sharing the most rare anchors
# A translation appears within two months of its original: outlets translate the news while it
# is news; farther apart, shared names and numbers are another story about the same people.
TRANSLATION_WINDOW = timedelta(days=60)
COPY_KINDS = ("duplicate", "partial")
# A copy group relinked in publication order is compared pair by pair; past this size (a wire story on
# hundreds of sites) the cost outgrows the gain and its links stay as they were made.
MAX_REPLAY_GROUP = 200
BOILERPLATE_SAMPLE = 12  # other pages of the outlet looked at
BOILERPLATE_SHARE = 0.3  # a passage this share of them also carry is the outlet's, not reuse
BOILERPLATE_CARRIED = 0.5  # a page carries a passage when it holds at least this share of its hashes
# How passage offsets are placed in the text; 2: in the stored text, not its folded form (which drops ZWNJ).
PASSAGE_OFFSETS = "offsets2"


@dataclass(frozen=True)
class ReuseOptions:
    min_words: int = 50
    duplicate_jaccard: float = 0.8


@dataclass
class _Article:
    """An article as the stage needs it: facts for provenance; words and anchors when asked for."""

    row: Any
    known_shingles: np.ndarray | None = None  # made with the rest of its batch
    known_words: Words | None = None  # made by `ReuseStage.compute`, here or on a worker
    known_translation: TranslationProfile | None = None

    @cached_property
    def words(self) -> Words:
        """Words with their places in the stored text, for aligning passages and storing their offsets."""
        if self.known_words is not None:
            return self.known_words
        return words_in(self.row.text)

    @cached_property
    def shingle_set(self) -> np.ndarray:
        """Word 5-shingles for MinHash and Jaccard, by the fast path that skips places."""
        if self.known_shingles is not None:
            return self.known_shingles
        return shingles(word_ids(self.row.text), MINHASH_SHINGLE)

    @property
    def translation(self) -> TranslationProfile:
        """The article's translation anchors, remembered for the run: a text is read by many others."""
        key = (self.row.id, self.row.content_hash)  # ids repeat across stores; the text's hash does not
        found = _PROFILES.get(key)
        if found is None:
            if len(_PROFILES) >= _PROFILES_KEPT:
                _PROFILES.clear()
            found = self.known_translation or profile(self.row.text, self.language or "und", self.row.title)
            _PROFILES[key] = found
        return found

    @cached_property
    def language(self) -> str | None:
        """The language most of the text is in: a page that opens with a headline in another
        language (an English translation under the original's title) is stored under that one."""
        return main_language(self.row.language, self.row.paragraph_languages)

    @property
    def facts(self) -> ArticleFacts:
        r = self.row
        return ArticleFacts(
            r.id, r.url, r.published_at, r.published_how, r.text, r.word_count, r.declared_url, r.outlet
        )


def main_language(language: str | None, paragraph_languages: str | None) -> str | None:
    """The language of the most characters by the stored paragraph languages, else the article's."""
    try:
        spans = json.loads(paragraph_languages) if paragraph_languages else []
        chars: dict[str, int] = {}
        for start, end, lang in spans:
            if lang:
                chars[lang] = chars.get(lang, 0) + int(end) - int(start)
    except (ValueError, TypeError):
        return language
    if not chars:
        return language
    best = max(chars.items(), key=lambda item: (item[1], item[0] == language))
    return best[0] if best[1] > chars.get(language or "", 0) else language


_PROFILES: dict[tuple[int, str], TranslationProfile] = {}
_PROFILES_KEPT = 20_000  # more than a run's candidates re-read; past it the cache starts over, bounding memory

_COLUMNS = (
    articles.c.id,
    articles.c.url,
    articles.c.source_id,
    articles.c.language,
    articles.c.title,
    articles.c.published_at,
    articles.c.published_how,
    articles.c.created_at,
    articles.c.text,
    articles.c.word_count,
    articles.c.content_hash,
    articles.c.declared_url,
    articles.c.paragraph_languages,
    select(sources.c.name).where(sources.c.id == articles.c.source_id).scalar_subquery().label("outlet"),
)


@dataclass(frozen=True)
class ArticlePrints:
    """What the stage makes of a new article alone, before it looks at the store (`ReuseStage.compute`)."""

    shingles: np.ndarray  # word 5-shingles, for Jaccard
    keys: list[int]  # its LSH bucket in each band; none for an empty text (all empty texts would collide)
    words: Words
    passages: list[int]  # winnowed passage fingerprints
    translation: TranslationProfile  # its translation anchors


class ReuseStage:
    """Duplicates, partial copies and translations of each new article, with the direction of every link."""

    name: ClassVar[str] = STAGE
    needs: ClassVar[tuple[str, ...]] = ()
    outputs: ClassVar[tuple[Table, ...]] = (links, lsh_buckets, passage_hashes, anchors)
    batch_size: ClassVar[int] = BATCH
    restart_on_change: ClassVar[bool] = False

    def __init__(self, settings: Settings) -> None:
        self.options = ReuseOptions(settings.reuse_min_words, settings.duplicate_jaccard)

    def prepare(self, conn: Connection) -> str | None:
        return None  # needs nothing but articles

    def fingerprint(self) -> str:
        # FINGERPRINTS: the stored LSH buckets and passage hashes are only comparable when made the same way;
        # PASSAGE_OFFSETS: passages stored before it may be shifted in Persian text (`--redo reuse` remakes them)
        options = f"{self.options.min_words}:{self.options.duplicate_jaccard}:{TRANSLATION_THRESHOLD}"
        return f"{options}:{FINGERPRINTS}:{PASSAGE_OFFSETS}"

    def resume(self, conn: Connection, watermark: int) -> None:
        """Nothing to load: the indexes it searches are in the store."""

    def query(self) -> Select[Any]:
        return select(*_COLUMNS)

    def compute(self, rows: Sequence[Any]) -> list[ArticlePrints]:
        """Each article's shingles, bucket keys, words, passage fingerprints and translation anchors, in order."""
        # fingerprinting a whole batch at once costs a fraction of doing it article by article
        shingle_sets = minhash_shingles([row.text for row in rows])
        band_rows = bands_of(minhashes(shingle_sets)).tolist()
        found = []
        for row, shingle_set, keys in zip(rows, shingle_sets, band_rows, strict=True):
            article = _Article(row, shingle_set)
            fps = passage_fingerprints(article.words)
            found.append(
                ArticlePrints(shingle_set, keys if len(shingle_set) else [], article.words, fps, article.translation)
            )
        return found

    def write(
        self, conn: Connection, rows: Sequence[Any], computed: Sequence[ArticlePrints], report: StageReport
    ) -> None:
        """Link each article to what it copies or translates, then add its prints to the indexes."""
        # In publication order, so that within a batch an origin is met before its copies.
        batch = sorted(zip(rows, computed, strict=True), key=lambda pair: (published_time(pair[0]), pair[0].id))
        for row, prints in batch:
            article = _Article(row, prints.shingles, prints.words, prints.translation)
            found = _process_article(conn, article, prints.keys, prints.passages, self.options)
            report.found += found
            report.details[row.language or "unknown"] = report.details.get(row.language or "unknown", 0) + found

    def process_batch(self, conn: Connection, rows: Sequence[Any], report: StageReport) -> None:
        self.write(conn, rows, self.compute(rows), report)


def _process_article(
    conn: Connection, article: _Article, keys: list[int], passage_fps: list[int], options: ReuseOptions
) -> int:
    made = _link_article(conn, article, keys, passage_fps, options)
    _index(conn, article, keys, passage_fps, article.translation)
    if made:
        made += _relink_if_earlier(conn, article, options)
    return made


def _link_article(
    conn: Connection,
    article: _Article,
    keys: list[int],
    passage_fps: list[int],
    options: ReuseOptions,
    among: set[int] | None = None,
) -> int:
    """Link an article to what it duplicates, shares passages with and translates (only `among` these, if given)."""
    shingle_set = article.shingle_set
    made = 0
    duplicates = _duplicates(conn, article, shingle_set, keys, options, among)
    done = {other.row.id for other, _, _ in duplicates}
    partials = _partials(conn, article, passage_fps, options, done, among)
    echoes = _echoes(conn, article, [other for other, _, _ in duplicates], [other for other, _ in partials])
    done.update(echoes)
    for other, score, method in duplicates:
        if other.row.id not in echoes:
            made += _link(conn, article, other, "duplicate", score, method, [])
    for other, passages in partials:
        if other.row.id in echoes:
            continue
        covered_other, covered_article = _covered(passages, len(other.words), len(article.words))
        done.add(other.row.id)
        if min(covered_other, covered_article) >= WHOLE_COPY:
            # A copy with typos keeps every passage but breaks many shingles: it is a duplicate.
            made += _link(conn, article, other, "duplicate", min(covered_other, covered_article), "passages", passages)
        else:
            made += _link(conn, article, other, "partial", max(covered_other, covered_article), "passages", passages)
    if among is None:  # a replay relinks copies only: translations keep their own links
        for other, score in _translations(conn, article, article.translation, done):
            made += _link(conn, article, other, "translation", score, "anchors", [])
    return made


# ---- publication order ----------------------------------------------------------------------


def _copy_group(conn: Connection, article_id: int) -> set[int]:
    """The articles joined to this one by duplicate and partial links, directly or through others."""
    members, frontier = {article_id}, {article_id}
    while frontier and len(members) <= MAX_REPLAY_GROUP:
        linked = conn.execute(
            select(links.c.origin_id, links.c.copy_id).where(
                links.c.kind.in_(COPY_KINDS), or_(links.c.origin_id.in_(frontier), links.c.copy_id.in_(frontier))
            )
        ).all()
        reached = {x for pair in linked for x in pair}
        frontier = reached - members
        members |= reached
    return members


def _relink_if_earlier(conn: Connection, article: _Article, options: ReuseOptions) -> int:
    """When an article arrives that was published before copies already linked, relink its group in order.

    Copies that came first were linked to each other, the earliest of them as
    origin, and a copy that matches two of them was kept to the first (the
    other is its echo). Processed in publication order, they would all point
    to the newcomer instead: so the group's copy links are made again, each
    member against the members published before it, as one run would.
    """
    ids = _copy_group(conn, article.row.id)
    if len(ids) > MAX_REPLAY_GROUP:
        log.info("article %s: a copy group of over %s articles is not relinked", article.row.id, MAX_REPLAY_GROUP)
        return 0
    members = [article, *_others(conn, article, ids - {article.row.id})]
    order = sorted(members, key=lambda m: (published_time(m.row), m.row.id))
    if order[-1] is article:
        return 0  # it came last: the links were made in publication order
    member_ids = [m.row.id for m in members]
    unmade = conn.execute(
        delete(links).where(
            links.c.kind.in_(COPY_KINDS), links.c.origin_id.in_(member_ids), links.c.copy_id.in_(member_ids)
        )
    ).rowcount
    shingle_sets = minhash_shingles([m.row.text for m in order])
    band_rows = bands_of(minhashes(shingle_sets)).tolist()
    made = 0
    for place, (member, keys) in enumerate(zip(order, band_rows, strict=True)):
        earlier = {m.row.id for m in order[:place]}
        if earlier:
            fps = passage_fingerprints(member.words)
            made += _link_article(conn, member, keys if len(shingle_sets[place]) else [], fps, options, earlier)
    return max(0, made - unmade)  # links made again are not new finds


# ---- candidates ------------------------------------------------------------------------------


def _copied_from(article: _Article, other: _Article) -> bool:
    found = infer_direction(article.facts, other.facts, "duplicate")
    return found.directed and found.origin == other.row.id


def _echoes(conn: Connection, article: _Article, duplicates: list[_Article], partials: list[_Article]) -> set[int]:
    """Candidates whose text the article shares only because they took it from another candidate.

    When a wire story runs on many sites, a new copy matches all of them, and
    every page that quoted it; linking it to each would draw copy-network edges
    between outlets that never copied each other. Dropped: the known copies of
    another candidate, and the pages that quoted what this article duplicates.
    Kept: a copy the article names as its source.
    """
    by_id = {other.row.id: other for other in duplicates + partials}
    if len(by_id) < 2:
        return set()
    # Only what this article copied (it came later): were it the origin, their quotes may well be of it.
    copied = [other.row.id for other in duplicates if _copied_from(article, other)]
    query = select(links.c.copy_id).where(
        links.c.directed,
        links.c.copy_id.in_(list(by_id)),
        links.c.origin_id.in_(list(by_id)),
        or_(links.c.kind == "duplicate", and_(links.c.kind == "partial", links.c.origin_id.in_(copied))),
    )
    named = {article.row.declared_url}
    return {
        copy
        for copy in conn.execute(query).scalars()
        if by_id[copy].row.url not in named and not cites(article.row.text, by_id[copy].row.url)
    }


def _others(conn: Connection, article: _Article, ids: set[int], among: set[int] | None = None) -> list[_Article]:
    """Current articles with these ids (and `among` these, if given), other than this one and its earlier versions."""
    if among is not None:
        ids &= among
    ids.discard(article.row.id)
    if not ids:
        return []
    query = select(*_COLUMNS).where(articles.c.id.in_(ids), articles.c.is_current, articles.c.url != article.row.url)
    return [_Article(r) for r in conn.execute(query)]


def _duplicates(
    conn: Connection,
    article: _Article,
    shingle_set: np.ndarray,
    keys: list[int],
    options: ReuseOptions,
    among: set[int] | None = None,
) -> list[tuple[_Article, float, str]]:
    exact = set(
        conn.execute(
            select(articles.c.id).where(articles.c.content_hash == article.row.content_hash, articles.c.is_current)
        ).scalars()
    )
    # One (band = ? AND bucket = ?) per band: SQLite reads each through ix_lsh_band_bucket_article, where a
    # (band, bucket) IN (VALUES ...) scans the whole table, a cost that grows with the store (issue 16, item 4).
    same_bucket = [and_(lsh_buckets.c.band == band, lsh_buckets.c.bucket == bucket) for band, bucket in enumerate(keys)]
    bucketed = set(conn.execute(select(lsh_buckets.c.article_id).where(or_(*same_bucket))).scalars()) if keys else set()
    found: list[tuple[_Article, float, str]] = []
    for other in _others(conn, article, exact | bucketed, among=among):
        if other.row.content_hash == article.row.content_hash:
            found.append((other, 1.0, "exact-hash"))
            continue
        similarity = jaccard(shingle_set, other.shingle_set)
        if similarity >= options.duplicate_jaccard:
            found.append((other, round(similarity, 4), "minhash+jaccard"))
    return _one_per_text(found)


def _one_per_text(found: list[tuple[_Article, float, str]]) -> list[tuple[_Article, float, str]]:
    """Link a copy to the first of each set of identical texts, not to all of them.

    Thirty identical pages would otherwise make 435 links; linking each new one
    to the earliest is the same information, and provenance follows the chain.
    """
    earliest: dict[str, tuple[_Article, float, str]] = {}
    for other, score, method in sorted(found, key=lambda f: (published_time(f[0].row), f[0].row.id)):
        earliest.setdefault(other.row.content_hash, (other, score, method))
    best = sorted(earliest.values(), key=lambda f: -f[1])
    return best[:MAX_DUPLICATE_LINKS]


def _rare(conn: Connection, key: Any, keys: list[Any], most: int) -> list[Any]:
    """The keys found in at most `most` stored articles: the ones that can tell candidates apart."""
    common = conn.execute(select(key).where(key.in_(keys)).group_by(key).having(func.count() > most)).scalars()
    return sorted(set(keys) - set(common))


def _partials(
    conn: Connection,
    article: _Article,
    fps: list[int],
    options: ReuseOptions,
    done: set[int],
    among: set[int] | None = None,
) -> list[tuple[_Article, list[Passage]]]:
    if not fps:
        return []
    # A fingerprint in very many pages is an outlet's boilerplate or a stock phrase: it finds
    # candidates by the thousand and proves nothing, so candidates come from the rarer ones.
    rare = _rare(conn, passage_hashes.c.hash, fps, MAX_HASH_ARTICLES)
    shared = (
        conn.execute(
            select(passage_hashes.c.article_id)
            .where(passage_hashes.c.hash.in_(rare))
            .group_by(passage_hashes.c.article_id)
            .having(func.count() >= MIN_SHARED_HASHES)
            .order_by(func.count().desc())
            .limit(MAX_PASSAGE_CANDIDATES)
        )
        .scalars()
        .all()
    )
    found = []
    for other in _others(conn, article, set(shared) - done, among=among):
        passages = shared_passages(other.words, article.words, options.min_words)
        if other.row.source_id == article.row.source_id:
            passages = _without_boilerplate(conn, other, article, passages)
        if passages:
            found.append((other, passages))
    return found


def _without_boilerplate(conn: Connection, a: _Article, b: _Article, passages: list[Passage]) -> list[Passage]:
    """Drop passages that other pages of the same outlet carry too: footers, standard notes, subscribe boxes.

    Looked up in the outlet's stored pages rather than in the fingerprint
    index, so it works whatever order the pages arrive in.
    """
    others = (
        conn.execute(
            select(articles.c.text)
            .where(
                articles.c.source_id == b.row.source_id,
                articles.c.is_current,
                articles.c.id.not_in([a.row.id, b.row.id]),
            )
            .order_by(articles.c.id.desc())
            .limit(BOILERPLATE_SAMPLE)
        )
        .scalars()
        .all()
    )
    if not others:
        return passages  # two pages of an outlet and nothing else: no way to tell
    sampled = [set(shingles(words_of(text), PASSAGE_SHINGLE).tolist()) for text in others]
    b_hashes = shingles(b.words, PASSAGE_SHINGLE)
    kept = []
    for passage in passages:
        inside = set(b_hashes[passage.b_start : max(passage.b_start + 1, passage.b_end - PASSAGE_SHINGLE + 1)].tolist())
        carrying = sum(1 for hashes in sampled if len(inside & hashes) >= len(inside) * BOILERPLATE_CARRIED)
        if carrying < max(1, len(sampled) * BOILERPLATE_SHARE):
            kept.append(passage)
    return kept


def _translations(
    conn: Connection, article: _Article, translation: TranslationProfile, done: set[int]
) -> list[tuple[_Article, float]]:
    """Articles in other languages whose anchors agree; not those already linked as copies (they share words)."""
    keys = sorted(anchor_keys(translation))
    language = article.language
    if not keys or not language:
        return []
    # Anchors every article shares (the topic's main names, the year) find everything and
    # tell nothing: candidates come from the rarer ones, the best-supported first.
    rare = _rare(conn, anchors.c.key, keys, MAX_ANCHOR_ARTICLES)
    shared = (
        conn.execute(
            select(anchors.c.article_id)
            .join(articles, articles.c.id == anchors.c.article_id)
            .where(anchors.c.key.in_(rare), articles.c.is_current, _may_be_in_another_language(language))
            .where(*_dated_near(article))
            .group_by(anchors.c.article_id)
            .having(func.count() >= MIN_SHARED_ANCHORS)
            .order_by(func.count().desc(), anchors.c.article_id.desc())
            .limit(MAX_TRANSLATION_CANDIDATES)
        )
        .scalars()
        .all()
    )
    found = []
    for other in _others(conn, article, set(shared) - done):
        if not other.language or other.language == language or not _within_window(article, other):
            continue
        score = translation_score(translation, other.translation)
        if score >= TRANSLATION_THRESHOLD:
            found.append((other, round(score, 4)))
    return found


def _dated_near(article: _Article) -> list[Any]:
    """For a dated article, candidates dated within TRANSLATION_WINDOW of it, or undated (`_within_window`
    decides those): an article of months ago that shares the recurring names of a topic must not take the
    place of the translation among the MAX_TRANSLATION_CANDIDATES, as it would more often the larger the store."""
    published = article.row.published_at
    if published is None:
        return []
    near = articles.c.published_at.between(
        shifted(published, -TRANSLATION_WINDOW), shifted(published, TRANSLATION_WINDOW)
    )
    return [or_(articles.c.published_at.is_(None), near)]


def _may_be_in_another_language(language: str) -> Any:
    """Stored in another language, or with paragraphs in one: most of its text may be (see _Article.language)."""
    others = func.replace(articles.c.paragraph_languages, json.dumps(language) + "]", "")
    return or_(articles.c.language != language, others.contains('"'))


def _within_window(a: _Article, b: _Article) -> bool:
    """Published within TRANSLATION_WINDOW of each other, as far as their dates tell.

    An undated article's capture time is no publication date: it only says the
    article existed by then, so it rules a pair out only when captured too early.
    """
    first, second = a.row.published_at, b.row.published_at
    if first is not None and second is not None:
        return bool(abs(first - second) <= TRANSLATION_WINDOW)
    if first is None and second is None:
        return True
    undated, dated = (a, b) if first is None else (b, a)
    return bool(undated.row.created_at >= shifted(dated.row.published_at, -TRANSLATION_WINDOW))


# ---- links and indexes -----------------------------------------------------------------------


def _covered(passages: list[Passage], a_words: int, b_words: int) -> tuple[float, float]:
    """The share of each text's words inside shared passages, each word counted once.

    A digest that prints an article's opening twice (a teaser, then the whole
    piece) holds two passages over the same words: the union counts them once.
    """
    a_positions = {i for p in passages for i in range(p.a_start, p.a_end)}
    b_positions = {i for p in passages for i in range(p.b_start, p.b_end)}
    return round(len(a_positions) / max(1, a_words), 4), round(len(b_positions) / max(1, b_words), 4)


def _link(
    conn: Connection, article: _Article, other: _Article, kind: str, score: float, method: str, passages: list[Passage]
) -> int:
    """Store one link with its direction; 0 when the pair is linked that way already."""
    a, b = other, article  # passages were aligned with `other` as a and `article` as b
    pair = or_(
        and_(links.c.origin_id == a.row.id, links.c.copy_id == b.row.id),
        and_(links.c.origin_id == b.row.id, links.c.copy_id == a.row.id),
    )
    if conn.execute(select(links.c.id).where(pair, links.c.kind == kind)).first() is not None:
        return 0
    covered_a = sum(p.a_end - p.a_start for p in passages) / max(1, len(a.words))
    covered_b = sum(p.b_end - p.b_start for p in passages) / max(1, len(b.words))
    direction = infer_direction(a.facts, b.facts, kind, covered_a, covered_b)
    origin_is_a = direction.origin == a.row.id
    spans = []
    for p in passages:
        a_span = character_spans(a.row.text, a.words, p.a_start, p.a_end)
        b_span = character_spans(b.row.text, b.words, p.b_start, p.b_end)
        origin_span, copy_span = (a_span, b_span) if origin_is_a else (b_span, a_span)
        spans.append([*origin_span, *copy_span, p.words])
    conn.execute(
        insert(links).values(
            origin_id=direction.origin,
            copy_id=direction.copy,
            kind=kind,
            score=score,
            method=method,
            passages=json.dumps(spans) if spans else None,
            directed=direction.directed,
            confidence=direction.confidence,
            reason=direction.reason,
            created_at=now(),
        )
    )
    return 1


def _index(
    conn: Connection, article: _Article, keys: list[int], fps: list[int], translation: TranslationProfile
) -> None:
    article_id, source_id = article.row.id, article.row.source_id
    if keys:
        buckets = [{"band": band, "bucket": key, "article_id": article_id} for band, key in enumerate(keys)]
        conn.execute(insert(lsh_buckets), buckets)
    if fps:
        conn.execute(
            insert(passage_hashes), [{"hash": h, "article_id": article_id, "source_id": source_id} for h in fps]
        )
    anchor_rows = [{"key": key, "article_id": article_id} for key in sorted(anchor_keys(translation))]
    if anchor_rows:
        conn.execute(insert(anchors), anchor_rows)
