"""Alias suggestions for a watched entity, and emerging names around the watched ones.

Suggestions come from two kinds of evidence in the stored articles that
mention the entity:
* parenthetical definitions: "People's Mujahedin Organisation of Iran (PMOI)",
  where one side is already an alias;
* spelling variants: names written close to an alias (after levelling
  transliterations) that no alias matched.
* translation pairs (found by the reuse stage): where one article names the
  entity, its translation names it too, at about the same place in the text,
  in a spelling that transliterates to the same consonants.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, select

from ..extract.text import fold, skeleton
from ..store.queries import PUBLISHED
from ..store.schema import articles, links, mentions
from .matcher import name_key
from .watchlist import AliasEntry, Watchlist

_NAME_WORD = r"[A-Z\u00C0-\u00DE][\w'’-]*"
_LINK_WORD = r"(?:of|the|and|for|de|du|des|al|el|e|i|të|së|y|la|le)"
_LONG_THEN_SHORT = re.compile(
    rf"((?:{_NAME_WORD}\s+(?:{_LINK_WORD}\s+)*){{1,7}}{_NAME_WORD})\s*\(\s*([A-Z][A-Z0-9&.-]{{1,9}})\s*\)"
)
_SHORT_THEN_LONG = re.compile(
    rf"\b([A-Z][A-Z0-9&.-]{{1,9}})\s*\(\s*((?:{_NAME_WORD}\s+(?:{_LINK_WORD}\s+)*){{1,7}}{_NAME_WORD})\s*\)"
)
_LATIN_NAME = re.compile(rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}")
# Spelling variants: levelled-name similarity (0-100) to an alias; the same bar as the matcher's
# default fuzzy_name_threshold, so a suggestion is what the matcher would nearly have found.
VARIANT_THRESHOLD = 80
# Aliases shorter than this are acronyms ("EU", "PMO"); their near-variants are other words.
VARIANT_MIN_CHARS = 4
EXAMPLES = 3  # articles kept per suggestion or emerging name: enough to judge it, few enough to read
# An emerging name: in at least this many articles with watched entities, and this many times
# more common there than overall; one article, or a name as common everywhere, is no signal.
EMERGING_MIN_ARTICLES = 2
EMERGING_MIN_LIFT = 1.2


@dataclass
class Suggestion:
    text: str
    evidence: str  # parenthetical | variant
    count: int = 0
    close_to: str | None = None
    examples: list[dict[str, object]] = field(default_factory=list)


def suggest_aliases(conn: Connection, watchlist: Watchlist, entity_id: str, limit: int = 10) -> list[Suggestion]:
    """New names for an entity, best supported first."""
    entity = watchlist.entity(entity_id)
    known = {fold(a.text) for a in entity.aliases}
    found: dict[str, Suggestion] = {}
    for row in _articles_mentioning(conn, entity_id):
        taken = row.spans
        for text, evidence, close in _parenthetical(row.text, entity.aliases) + _variants(
            row.text, entity.aliases, taken
        ):
            if fold(text) in known:
                continue
            suggestion = found.setdefault(fold(text), Suggestion(text, evidence, close_to=close))
            suggestion.count += 1
            if len(suggestion.examples) < EXAMPLES:
                suggestion.examples.append({"article_id": row.id, "url": row.url})
    for article_id, url, text, close in _from_translations(conn, entity_id):
        if fold(text) in known:
            continue
        suggestion = found.setdefault(fold(text), Suggestion(text, "translation", close_to=close))
        suggestion.count += 1
        if len(suggestion.examples) < EXAMPLES:
            suggestion.examples.append({"article_id": article_id, "url": url})
    strength = {"parenthetical": 0, "translation": 1, "variant": 2}
    ranked = sorted(found.values(), key=lambda s: (strength[s.evidence], -s.count, s.text))
    return ranked[:limit]


TRANSLATION_WINDOW = 0.08  # how far, as a share of the text, the name may have moved in translation
# Similarity (0-100) of consonant skeletons across scripts; vowels are guessed in translation
# (Mohammadi / محمدی), so the consonants must agree closely.
SKELETON_SIMILARITY = 80
# Skeletons shorter than this (three consonants) match by chance too often to suggest anything.
SHORTEST_SKELETON = 3


def _from_translations(conn: Connection, entity_id: str) -> list[tuple[int, str, str, str]]:
    """Names at the place, in a translation, where the other article names the entity."""
    spans: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for m in conn.execute(select(mentions).where(mentions.c.entity_id == entity_id, mentions.c.field == "text")):
        spans[m.article_id].append((m.start, m.end, m.surface))
    if not spans:
        return []
    pairs: list[tuple[int, int]] = [
        (r.origin_id, r.copy_id)
        for r in conn.execute(select(links.c.origin_id, links.c.copy_id).where(links.c.kind == "translation"))
    ]
    wanted = {x for pair in pairs for x in pair if (pair[0] in spans) != (pair[1] in spans) or x in spans}
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
            found.extend(_counterparts(rows[first], spans[first], rows[second], spans.get(second, [])))
    return found


def _counterparts(
    named: Any, named_spans: list[tuple[int, int, str]], other: Any, taken: list[tuple[int, int, str]]
) -> list[tuple[int, str, str, str]]:
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(other.text)]
    found = []
    for start, _, surface in named_spans:
        centre = start / max(1, len(named.text)) * len(other.text)
        reach = TRANSLATION_WINDOW * len(other.text)
        size = len(surface.split())
        best: tuple[float, str] | None = None
        for first in range(len(tokens) - size + 1):
            begin, end = tokens[first][0], tokens[first + size - 1][1]
            if abs(begin - centre) > reach or any(s < end and begin < e for s, e, _ in taken):
                continue
            candidate = other.text[begin:end]
            if not _could_be_name(candidate) or re.search(r"[\n.,;:!?()«»\"]", candidate):
                continue
            theirs, ours = _consonants(candidate, other.language), _consonants(surface, named.language)
            if min(len(theirs.replace(" ", "")), len(ours.replace(" ", ""))) < SHORTEST_SKELETON:
                continue  # "است" and "SVI" are too short to tell apart from chance
            similarity = fuzz.ratio(theirs, ours)
            if similarity >= SKELETON_SIMILARITY and (best is None or similarity > best[0]):
                best = (similarity, candidate)
        if best is not None:
            found.append((other.id, other.url, best[1], surface))
    return found


def _consonants(name: str, language: str | None) -> str:
    return " ".join(skeleton(word, language) for word in name.split())


@dataclass
class _Article:
    id: int
    url: str
    text: str
    spans: list[tuple[int, int]]


def _articles_mentioning(conn: Connection, entity_id: str) -> list[_Article]:
    ids = select(mentions.c.article_id).where(mentions.c.entity_id == entity_id, mentions.c.field == "text").distinct()
    rows = conn.execute(select(articles.c.id, articles.c.url, articles.c.text).where(articles.c.id.in_(ids))).all()
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for m in conn.execute(select(mentions).where(mentions.c.field == "text", mentions.c.article_id.in_(ids))):
        spans[m.article_id].append((m.start, m.end))
    return [_Article(r.id, r.url, r.text, spans[r.id]) for r in rows]


def _parenthetical(text: str, aliases: list[AliasEntry]) -> list[tuple[str, str, str | None]]:
    known = {fold(a.text) for a in aliases}
    found: list[tuple[str, str, str | None]] = []
    for long, short in [m.groups() for m in _LONG_THEN_SHORT.finditer(text)] + [
        (m.group(2), m.group(1)) for m in _SHORT_THEN_LONG.finditer(text)
    ]:
        long = _trim_to_acronym(long, short)
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


def _variants(text: str, aliases: list[AliasEntry], taken: list[tuple[int, int]]) -> list[tuple[str, str, str | None]]:
    """Names no alias matched but close to one (other transliterations, spellings), as long as the alias."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    by_size: dict[int, dict[str, str]] = defaultdict(dict)
    for alias in aliases:
        written = alias.text
        if len(written) >= VARIANT_MIN_CHARS:
            by_size[len(written.split())][name_key(written)] = written
    found: list[tuple[str, str, str | None]] = []
    for size, keys in by_size.items():
        for first in range(len(tokens) - size + 1):
            start, end = tokens[first][0], tokens[first + size - 1][1]
            candidate = text[start:end]
            if not _could_be_name(candidate) or any(s < end and start < e for s, e in taken):
                continue
            key = name_key(candidate)
            best = max(keys, key=lambda k: fuzz.ratio(key, k))
            if key != best and fuzz.ratio(key, best) >= VARIANT_THRESHOLD:
                found.append((candidate, "variant", keys[best]))
    return found


_TOKEN = re.compile(r"[\w\u200c][\w\u200c'’-]*")


def _could_be_name(candidate: str) -> bool:
    """Latin names are capitalised; Arabic script has no case, so any words may be one."""
    words = candidate.split()
    if any("\u0600" <= ch <= "\u06ff" for ch in candidate):
        return all(any("\u0600" <= ch <= "\u06ff" for ch in w) for w in words)
    return words[0][:1].isupper() and words[-1][:1].isupper()


# ---- emerging names -------------------------------------------------------------------------


@dataclass
class EmergingName:
    name: str
    articles_with_watched: int
    articles_overall: int
    lift: float
    examples: list[str] = field(default_factory=list)


def emerging_names(conn: Connection, since: datetime, until: datetime, limit: int = 20) -> list[EmergingName]:
    """Names in articles that mention watched entities in a period, more often than their share overall."""
    when = PUBLISHED
    period = conn.execute(
        select(articles.c.id, articles.c.url, articles.c.text).where(articles.c.is_current, when >= since, when < until)
    ).all()
    watched = set(conn.execute(select(mentions.c.article_id).distinct()).scalars())
    inside: Counter[str] = Counter()
    overall: Counter[str] = Counter()
    surface: dict[str, str] = {}
    examples: dict[str, list[str]] = defaultdict(list)
    for row in period:
        names = _names_in(row.text, conn, row.id)
        for key, written in names.items():
            overall[key] += 1
            surface.setdefault(key, written)
            if row.id in watched:
                inside[key] += 1
                if len(examples[key]) < EXAMPLES:
                    examples[key].append(row.url)
    total, with_watched = len(period), len([r for r in period if r.id in watched])
    found = []
    for key, count in inside.items():
        lift = (count / max(with_watched, 1)) / ((overall[key] + 1) / (total + 1))
        if count >= EMERGING_MIN_ARTICLES and lift > EMERGING_MIN_LIFT:
            found.append(EmergingName(surface[key], count, overall[key], round(lift, 2), examples[key]))
    found.sort(key=lambda n: (-n.articles_with_watched * math.log(n.lift), n.name))
    return found[:limit]


def _names_in(text: str, conn: Connection, article_id: int) -> dict[str, str]:
    """Capitalised names (not at a sentence start) and Arabic-script word pairs, minus the watched spans."""
    taken = conn.execute(
        select(mentions.c.start, mentions.c.end).where(mentions.c.article_id == article_id, mentions.c.field == "text")
    ).all()
    names: dict[str, str] = {}
    for candidate in _LATIN_NAME.finditer(text):
        start, end = candidate.span()
        written = candidate.group()
        if any(s < end and start < e for s, e in taken):
            continue
        if " " not in written and sum(ch.isupper() for ch in written) < 2:
            continue  # one capitalised word is a sentence start, a month, an adjective; acronyms stay
        names.setdefault(fold(written), written)
    words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[\u0600-\u06ff\u200c]{3,}", text)]
    for (first, start, _), (second, _, end) in zip(words, words[1:], strict=False):
        if not any(s < end and start < e for s, e in taken):
            names.setdefault(fold(f"{first} {second}"), f"{first} {second}")
    return names
