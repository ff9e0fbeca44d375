"""Alias suggestions for a watched entity: names the stored articles give it that no alias spells.

Evidence, with what one article of it weighs:
* parenthetical (3): "People's Mujahedin Organisation of Iran (PMOI)", one side an alias;
* fuzzy (3): a spelling the matcher took for an alias by likeness ("Shohre Nikpur"), fuzzy or levelled;
* part (2): part of an alias standing alone in an article that names the entity: a person's
  surname ("Mrs Sahraei"), an acronym without the ending an alias gives it ("SPK" of "SPK-ja"),
  a name without its "of ..." ("Sunrise Vanguard");
* translation (2): where one article names the entity, its translation (linked by the reuse
  stage) names it at about the same place, with the same consonants (in the last word at least);
* transliteration (1.5): the consonants of an alias in the other script ("فرخنده صحرایی" for
  "Farkhondeh Sahraei"), in an article naming the entity or another of its topic;
* variant (1): a spelling or inflection close to an alias, after levelling transliterations,
  written with the same capitals, that no alias matched ("kampit Tolu" for "kampi Tolu").

A suggestion is whole words as an article writes them, never a piece of one;
its score adds up, over the articles it comes from (which it lists), the
weight of the best evidence in each.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, select

from ..extract.text import fold, skeleton
from ..store.schema import articles, links, mentions
from .matcher import name_key
from .names import FUNCTION_WORDS_FA, LINK_WORDS, arabic_phrases, is_arabic, name_runs, opens_a_name, phrases, words
from .watchlist import AliasEntry, EntityEntry, Watchlist

_NAME_WORD = r"[A-Z\u00C0-\u00DE][\w'’-]*"
_LINK_WORD = r"(?:of|the|and|for|de|du|des|al|el|e|i|të|së|y|la|le)"
_LONG_THEN_SHORT = re.compile(
    rf"(?<!\w)((?:{_NAME_WORD}\s+(?:{_LINK_WORD}\s+)*){{1,7}}{_NAME_WORD})\s*\(\s*([A-Z][A-Z0-9&.-]{{1,9}})\s*\)"
)
_SHORT_THEN_LONG = re.compile(
    rf"\b([A-Z][A-Z0-9&.-]{{1,9}})\s*\(\s*((?:{_NAME_WORD}\s+(?:{_LINK_WORD}\s+)*){{1,7}}{_NAME_WORD})\s*\)"
)
WEIGHTS = {"parenthetical": 3.0, "fuzzy": 3.0, "part": 2.0, "translation": 2.0, "transliteration": 1.5, "variant": 1.0}
# Spelling variants: levelled-name similarity (0-100) to an alias; the same bar as the matcher's
# default fuzzy_name_threshold, so a suggestion is what the matcher would nearly have found.
VARIANT_THRESHOLD = 80
# Aliases shorter than this are acronyms ("EU", "PMO"); their near-variants are other words.
VARIANT_MIN_CHARS = 4
SURNAME_MIN_CHARS = 4  # a shorter last name ("Li", "Wu") alone is too often another word
ARTICLES_KEPT = 20  # articles listed per suggestion
TOPIC_MAX_ARTICLES = 500  # the articles on the entity's topic read for transliterations, the last stored first
TRANSLATION_WINDOW = 0.08  # how far, as a share of the text, the name may have moved in translation
# Similarity (0-100) of consonant skeletons across scripts; vowels are guessed in translation
# (Mohammadi / محمدی), so the consonants must agree closely.
SKELETON_SIMILARITY = 80
# Skeletons shorter than this (three consonants) match by chance too often to suggest anything.
SHORTEST_SKELETON = 3
# ...and word by word, a little less: "glsd" and "klsd" (Gholizadeh, قلیزاده) differ by a letter.
WORD_SKELETON_SIMILARITY = 60
CONSONANTS_KEPT = 100_000  # skeletons remembered: names recur from article to article
# Without a translation to say where to look, a name must have this many consonants to be told
# from ordinary words by them alone: "Farkhondeh Sahraei" (frknd sr) has seven, "SPK" three.
TRANSLITERATION_MIN_CONSONANTS = 5


@dataclass
class Suggestion:
    text: str
    evidence: str  # the strongest kind of evidence for it
    count: int = 0  # times found
    close_to: str | None = None  # the alias it was found from
    score: float = 0.0
    articles: list[dict[str, object]] = field(default_factory=list)  # where it was found, the first ARTICLES_KEPT


@dataclass
class _Article:
    id: int
    url: str
    text: str
    language: str | None
    own: list[tuple[int, int]]  # the entity's mentions in its text
    others: list[tuple[int, int]]  # the other watched entities' mentions

    def free(self, start: int, end: int, holding: bool = False) -> bool:
        """Whether a suggestion may stand at [start, end): over no watched mention, or, when `holding`,
        over one of the entity's own as a longer name that holds it whole ("بهرام قلی‌زاده" ⊃ "قلی‌زاده")."""
        if _overlaps(self.others, start, end):
            return False
        if not holding:
            return not _overlaps(self.own, start, end)
        return all(
            not (s < end and start < e) or (start <= s and e <= end and e - s < end - start) for s, e in self.own
        )

    @cached_property
    def tokens(self) -> list[tuple[int, int]]:
        return words(self.text)

    @cached_property
    def runs(self) -> list[list[tuple[int, int]]]:
        """The words of each Latin name."""
        return list(name_runs(self.text, self.tokens))

    @cached_property
    def arabic(self) -> list[tuple[int, int]]:
        """The Arabic-script words."""
        return [(s, e) for s, e in self.tokens if is_arabic(self.text[s:e])]

    @cached_property
    def shapes(self) -> str:
        """`_shape` of each word."""
        return "".join(_shape(self.text[s:e]) for s, e in self.tokens)

    def shaped(self, shape: str) -> Iterator[tuple[int, int]]:
        """Runs of words one space apart written as `shape` says; Arabic-script ones without function words."""
        if "a" in shape:
            yield from arabic_phrases(self.text, len(shape), self.arabic)
            return
        for first in (m.start() for m in re.finditer(f"(?={shape})", self.shapes)):
            window = self.tokens[first : first + len(shape)]
            if opens_a_name(self.text[window[0][0] : window[0][1]]):
                continue  # "The Iranian ...", "Mrs Sahraei": not how a name starts
            if next(phrases(self.text, len(window), window), None) is not None:
                yield window[0][0], window[-1][1]

    def names(self, size: int, arabic: bool) -> Iterator[tuple[int, int]]:
        """The spans of `size` words that may be a name: Arabic-script phrases, or runs inside a Latin name."""
        if arabic:
            yield from arabic_phrases(self.text, size, self.arabic)
            return
        for run in self.runs:
            for first in range(len(run) - size + 1):
                (start, first_end), (last_start, end) = run[first], run[first + size - 1]
                if self.text[start:first_end] not in LINK_WORDS and self.text[last_start:end] not in LINK_WORDS:
                    yield start, end


class _Found:
    """Suggestions gathered by folded text, and the best evidence each has in each article."""

    def __init__(self, known: set[str], excluded: list[str]) -> None:
        self.known, self.excluded = known, excluded
        self.by_key: dict[str, Suggestion] = {}
        self.support: dict[str, dict[int, float]] = defaultdict(dict)

    def add(self, text: str, evidence: str, close_to: str | None, article_id: int, url: str) -> None:
        key = fold(text)
        if not key.strip() or key in self.known or any(key in e or e in key for e in self.excluded):
            return
        found = self.by_key.setdefault(key, Suggestion(text, evidence, close_to=close_to))
        found.count += 1
        if WEIGHTS[evidence] > WEIGHTS[found.evidence]:
            found.evidence, found.close_to = evidence, close_to
        weights = self.support[key]
        if article_id not in weights and len(found.articles) < ARTICLES_KEPT:
            found.articles.append({"article_id": article_id, "url": url})
        weights[article_id] = max(weights.get(article_id, 0.0), WEIGHTS[evidence])

    def ranked(self, limit: int) -> list[Suggestion]:
        for key, found in self.by_key.items():
            found.score = round(sum(self.support[key].values()), 2)
        return sorted(self.by_key.values(), key=lambda s: (-s.score, -s.count, s.text))[:limit]


def suggest_aliases(conn: Connection, watchlist: Watchlist, entity_id: str, limit: int = 10) -> list[Suggestion]:
    """New names for an entity, best supported first, each with the articles it comes from."""
    entity = watchlist.entity(entity_id)
    known = {fold(a.text) for e in watchlist.entities for a in e.aliases}
    found = _Found(known, [fold(text) for text in entity.exclude if text.strip()])
    for article in _articles(conn, _naming(conn, {entity_id}), entity_id):
        for text, evidence, close in [
            *_parenthetical(article.text, entity.aliases),
            *_parts(article, entity),
            *_variants(article, entity.aliases),
        ]:
            found.add(text, evidence, close, article.id, article.url)
    for article_id, url, text, evidence, close in [*_fuzzy(conn, entity_id), *_from_translations(conn, entity_id)]:
        found.add(text, evidence, close, article_id, url)
    fellows = _topic_fellows(watchlist, entity_id)
    for article in _articles(conn, _naming(conn, fellows, TOPIC_MAX_ARTICLES), entity_id):
        for text, close in _transliterations(article, entity.aliases):
            found.add(text, "transliteration", close, article.id, article.url)
    return found.ranked(limit)


# ---- the articles read ------------------------------------------------------------------------


def _topic_fellows(watchlist: Watchlist, entity_id: str) -> set[str]:
    """The entity and those that share a topic with it; every entity when it is in no topic."""
    fellows = {e for t in watchlist.topics if entity_id in t.entities for e in t.entities}
    return fellows | {entity_id} if fellows else {e.id for e in watchlist.entities}


def _naming(conn: Connection, entity_ids: set[str], most: int | None = None) -> list[int]:
    """The articles whose text names one of these entities, the last stored first."""
    query = (
        select(mentions.c.article_id)
        .where(mentions.c.entity_id.in_(entity_ids), mentions.c.field == "text")
        .distinct()
        .order_by(mentions.c.article_id.desc())
    )
    return list(conn.execute(query.limit(most) if most else query).scalars())


def _articles(conn: Connection, ids: list[int], entity_id: str) -> Iterator[_Article]:
    """These articles, with the mentions in their text: the entity's and the others'."""
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        own: dict[int, list[tuple[int, int]]] = defaultdict(list)
        others: dict[int, list[tuple[int, int]]] = defaultdict(list)
        query = select(mentions.c.article_id, mentions.c.entity_id, mentions.c.start, mentions.c.end).where(
            mentions.c.field == "text", mentions.c.article_id.in_(part)
        )
        for article_id, mentioned, start, end in conn.execute(query):
            (own if mentioned == entity_id else others)[article_id].append((start, end))
        columns = (articles.c.id, articles.c.url, articles.c.text, articles.c.language)
        for row in conn.execute(select(*columns).where(articles.c.id.in_(part), articles.c.is_current)):
            yield _Article(row.id, row.url, row.text, row.language, own[row.id], others[row.id])


def _overlaps(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


# ---- evidence in an article that names the entity ---------------------------------------------


def _parenthetical(text: str, aliases: list[AliasEntry]) -> list[tuple[str, str, str | None]]:
    known = {fold(a.text) for a in aliases}
    found: list[tuple[str, str, str | None]] = []
    for long, short in [m.groups() for m in _LONG_THEN_SHORT.finditer(text)] + [
        (m.group(2), m.group(1)) for m in _SHORT_THEN_LONG.finditer(text)
    ]:
        long = _trim_to_acronym(long, short)
        while len(long.split()) > 1 and opens_a_name(long.split()[0]):
            long = long.split(maxsplit=1)[1]  # "The Iranian Mojahedin-e Khalq (MEK)"
        if fold(short) in known and fold(long) not in known:
            found.append((long, "parenthetical", short))
        elif fold(long) in known and fold(short) not in known:
            found.append((short, "parenthetical", long))
    return found


def _trim_to_acronym(long: str, short: str) -> str:
    """Keep the last words of the phrase whose initials spell the acronym ("The report of People's ... (PMOI)")."""
    words = long.split()
    letters = [c for c in short if c.isalpha()]
    for first in range(len(words)):
        initials = [w[0] for w in words[first:] if w[0].isupper()]
        if len(initials) <= len(letters) and initials == letters[: len(initials)] and initials[0] == letters[0]:
            return " ".join(words[first:])
    return long


def _parts(article: _Article, entity: EntityEntry) -> list[tuple[str, str, str | None]]:
    """Part of an alias standing alone as a name: a person's surname ("Mrs Sahraei"), an acronym
    without the ending an alias adds ("SPK" of "SPK-ja"), a name without its "of ..." ("Sunrise
    Vanguard" of "Sunrise Vanguard of Iran")."""
    surnames: dict[str, str] = {}
    stems: dict[str, str] = {}
    heads: dict[str, str] = {}
    for alias in entity.aliases:
        written = alias.text.split()
        if entity.kind == "person" and len(written) > 1 and len(written[-1]) >= SURNAME_MIN_CHARS:
            surnames.setdefault(fold(written[-1]), alias.text)
        stem, dash, _ = alias.text.partition("-")
        if dash and alias.case_sensitive and stem.isupper() and " " not in stem:
            stems.setdefault(stem, alias.text)
        link = next((i for i, word in enumerate(written) if word.lower() in LINK_WORDS), 0)
        if link >= 2:
            heads.setdefault(fold(" ".join(written[:link])), alias.text)
    found: list[tuple[str, str, str | None]] = []
    for start, end in article.tokens:
        word = article.text[start:end]
        if word in stems:
            whole = stems[word]
        elif (word[:1].isupper() or is_arabic(word)) and fold(word) in surnames:
            whole = surnames[fold(word)]
        else:
            continue
        if article.free(start, end):
            found.append((word, "part", whole))
    for run in article.runs if heads else ():
        start, end = run[0][0], run[-1][1]
        name = article.text[start:end]
        if fold(name) in heads and article.free(start, end):
            found.append((name, "part", heads[fold(name)]))
    return found


def _variants(article: _Article, aliases: list[AliasEntry]) -> list[tuple[str, str, str | None]]:
    """Names no alias matched but close to one (other transliterations, spellings, inflections),
    as many words as the alias and capitalised where it is ("kampit Tolu" for "kampi Tolu")."""
    text = article.text
    by_shape: dict[str, dict[str, str]] = defaultdict(dict)
    for alias in aliases:
        if len(alias.text) >= VARIANT_MIN_CHARS:
            by_shape[_shape(alias.text)][name_key(alias.text)] = alias.text
    found: list[tuple[str, str, str | None]] = []
    for shape, keys in by_shape.items():
        for start, end in article.shaped(shape):
            if not article.free(start, end) or _cut_short(text, end, aliases):
                continue
            candidate = text[start:end]
            key = name_key(candidate)
            hit = process.extractOne(key, keys.keys(), scorer=fuzz.ratio, score_cutoff=VARIANT_THRESHOLD)
            if hit is not None and hit[0] != key:
                found.append((candidate, "variant", keys[hit[0]]))
    return found


def _shape(name: str) -> str:
    """How a name is written: "C" for a capitalised word, "l" for another; "a" for each Arabic-script word."""
    return "".join("a" if is_arabic(w) else "C" if w[:1].isupper() else "l" for w in name.split())


def _cut_short(text: str, end: int, aliases: list[AliasEntry]) -> bool:
    """A name cut off where a teaser's line ends ("Camp Tol" of "Camp Toloo"): the text's cut, not a spelling."""
    if end < len(text) and text[end] != "\n":
        return False
    last = fold(text[:end].split()[-1])
    return any(len(last) < len(word) and word.startswith(last) for a in aliases for word in fold(a.text).split())


def _could_be_name(candidate: str) -> bool:
    """Latin names are capitalised; Arabic script has no case, so any words but function words may be one."""
    words = candidate.split()
    if is_arabic(candidate):
        return all(is_arabic(w) and w.replace("\u200c", "") not in FUNCTION_WORDS_FA for w in words)
    return words[0][:1].isupper() and words[-1][:1].isupper()


def _fuzzy(conn: Connection, entity_id: str) -> list[tuple[int, str, str, str, str]]:
    """Spellings the matcher took for an alias by their likeness to it (in the other script: transliterations)."""
    query = (
        select(mentions.c.article_id, articles.c.url, mentions.c.surface, mentions.c.alias)
        .join(articles, articles.c.id == mentions.c.article_id)
        .where(mentions.c.entity_id == entity_id, mentions.c.method.in_(("fuzzy", "spelling")), articles.c.is_current)
    )
    return [
        (article_id, url, surface, "transliteration" if is_arabic(surface) != is_arabic(alias) else "fuzzy", alias)
        for article_id, url, surface, alias in conn.execute(query)
    ]


# ---- evidence across scripts ----------------------------------------------------------------


def _from_translations(conn: Connection, entity_id: str) -> list[tuple[int, str, str, str, str]]:
    """Names at the place, in a translation, where the other article names the entity."""
    spans: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    exact: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # a name of the list: nothing to suggest
    for m in conn.execute(select(mentions).where(mentions.c.entity_id == entity_id, mentions.c.field == "text")):
        spans[m.article_id].append((m.start, m.end, m.surface))
        if m.method == "exact":
            exact[m.article_id].append((m.start, m.end, m.surface))
    if not spans:
        return []
    pairs: list[tuple[int, int]] = [
        (r.origin_id, r.copy_id)
        for r in conn.execute(select(links.c.origin_id, links.c.copy_id).where(links.c.kind == "translation"))
    ]
    wanted = {x for pair in pairs for x in pair if pair[0] in spans or pair[1] in spans}
    rows = {
        r.id: r
        for r in conn.execute(
            select(articles.c.id, articles.c.url, articles.c.text, articles.c.language).where(
                articles.c.id.in_(wanted), articles.c.is_current
            )
        )
    }
    found = []
    for first, second in pairs + [(b, a) for a, b in pairs]:
        if first in spans and first in rows and second in rows:
            found.extend(_counterparts(rows[first], spans[first], rows[second], exact.get(second, [])))
    return found


def _counterparts(
    named: Any, named_spans: list[tuple[int, int, str]], other: Any, taken: list[tuple[int, int, str]]
) -> list[tuple[int, str, str, str, str]]:
    tokens = words(other.text)
    found = []
    for start, _, surface in named_spans:
        centre = start / max(1, len(named.text)) * len(other.text)
        reach = TRANSLATION_WINDOW * len(other.text)
        ours = _consonants(surface, named.language)
        best: tuple[float, str] | None = None
        for window in phrases(other.text, len(surface.split()), tokens):
            begin, end = window[0][0], window[-1][1]
            if abs(begin - centre) > reach or any(s < end and begin < e for s, e, _ in taken):
                continue
            candidate = other.text[begin:end]
            if not _could_be_name(candidate):
                continue
            theirs = _consonants(candidate, other.language)
            if min(len(theirs.replace(" ", "")), len(ours.replace(" ", ""))) < SHORTEST_SKELETON:
                continue  # "است" and "SVI" are too short to tell apart from chance
            similarity = _translated_likeness(theirs, ours)
            if similarity >= SKELETON_SIMILARITY and (best is None or similarity > best[0]):
                best = (similarity, candidate)
        if best is not None:
            found.append((other.id, other.url, best[1], "translation", surface))
    return found


def _translated_likeness(theirs: str, ours: str) -> float:
    """How alike two names' consonants are (0-100).

    A two-word name may be half translated, half transliterated ("Camp Tolou",
    "قرارگاه طلوع", "kampi Tolu"): at the mention's place in a translation, the
    same consonants in the last word, the name itself, are enough to pass.
    """
    whole = fuzz.ratio(theirs, ours)
    first, second = theirs.split(), ours.split()
    if len(first) == len(second) == 2 and first[1] == second[1] and len(first[1]) >= 2:
        return max(whole, float(SKELETON_SIMILARITY))
    return whole


def _transliterations(article: _Article, aliases: list[AliasEntry]) -> list[tuple[str, str]]:
    """Names in one script with the consonants of an alias in the other (Arabic ↔ Latin)."""
    by_size: dict[tuple[bool, int], dict[str, str]] = defaultdict(dict)
    for alias in aliases:
        ours = _consonants(alias.text, alias.lang)
        if len(ours.replace(" ", "")) >= TRANSLITERATION_MIN_CONSONANTS and not alias.case_sensitive:
            by_size[(is_arabic(alias.text), len(alias.text.split()))][ours] = alias.text
    if not by_size:
        return []
    text = article.text
    found = []
    for (arabic_alias, size), skeletons in by_size.items():
        for start, end in article.names(size, not arabic_alias):
            if not article.free(start, end, holding=True) or _cut_short(text, end, aliases):
                continue
            candidate = text[start:end]
            theirs = _consonants(candidate, article.language)
            if len(theirs.replace(" ", "")) < TRANSLITERATION_MIN_CONSONANTS:
                continue
            hit = process.extractOne(theirs, skeletons.keys(), scorer=fuzz.ratio, score_cutoff=SKELETON_SIMILARITY)
            if hit is not None and _word_by_word(theirs, hit[0]):
                found.append((candidate, skeletons[hit[0]]))
    return found


def _word_by_word(theirs: str, ours: str) -> bool:
    """Whether each word's consonants are like its counterpart's: a shared tail does not make one name of
    "Iranian Mojahedin Khalq" and "سازمان مجاهدین خلق"."""
    pairs = zip(theirs.split(), ours.split(), strict=False)
    return all(fuzz.ratio(a, b) >= WORD_SKELETON_SIMILARITY for a, b in pairs)


@lru_cache(maxsize=CONSONANTS_KEPT)
def _consonants(name: str, language: str | None) -> str:
    return " ".join(skeleton(word, language) for word in name.split())
