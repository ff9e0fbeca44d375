"""Finding watched names in text: one Aho-Corasick automaton over every alias, then boundary,
inflection, case and exclusion checks, then fuzzy matching of person names.

All comparison happens on folded text (see `text.fold`): diacritics, Arabic
letter variants, ZWNJ and case do not matter, except that case-sensitive
aliases (acronyms) must also agree in case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
from rapidfuzz import fuzz, process

from ..config import Settings
from ..extract.text import FoldedText, fold, past_marks

# What may follow a name inside the same token. Albanian inflects acronyms with
# a hyphen (MEK-u, MEK-ut, MEK-sat) and English adds a possessive ('s): both
# are a hyphen or apostrophe and a few letters.
_JOINED_SUFFIX = re.compile(r"[-'][^\W\d_]{1,4}(?![\w])")
# Albanian case endings attached to a full word (Tolu → Tolut, Këlliçi → Këlliçit).
_LATIN_ENDINGS = ("a", "e", "i", "u", "s", "t", "it", "in", "ut", "se", "ve", "es", "en", "ja", "ne", "ri", "rit")
# Shorter keys are acronyms (EU, MEK), inflected only with a hyphen; an ending glued to them
# would turn words into mentions ("eus", "mekt").
LATIN_ENDING_MIN_CHARS = 4
# Persian plural and ezafe endings attached (or once attached with ZWNJ, which folding removed).
_ARABIC_ENDINGS = ("ی", "ها", "های", "هایی", "ای", "یی")
_CAPITALISED_RUN = re.compile(r"\b[A-Z\u00C0-\u00DE][\w'’-]+(?:[ \t]+[A-Z\u00C0-\u00DE][\w'’-]+)+")
_CAPITALISED_WORD = re.compile(r"[A-Z\u00C0-\u00DE][\w'’-]+")
# Words in a fuzzily matched person name: first and last name, perhaps one more; a single
# capitalised word is too weak to call a mention.
FUZZY_NAME_WORDS = (2, 3)
# Transliterations of one name differ in predictable places (kh/h, q/g, ou/u,
# y/j/i, doubled letters, a final h): these are levelled before comparing.
_LEVELLING = (
    ("kh", "h"),
    ("gh", "g"),
    ("xh", "j"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("sh", "s"),
    ("ch", "c"),
    ("q", "g"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("y", "i"),
    ("j", "i"),
    ("w", "v"),
)
_DOUBLED = re.compile(r"(\w)\1+")
_FINAL_H = re.compile(r"(?<=[aeiou])h\b")


def name_key(name: str) -> str:
    """A name levelled across transliterations: "Somayeh Mohammadi" and "Samaja Mohamedy" come close."""
    key = fold(name)
    for written, levelled in _LEVELLING:
        key = key.replace(written, levelled)
    return _DOUBLED.sub(r"\1", _FINAL_H.sub("", key))


@dataclass(frozen=True)
class Alias:
    entity_id: str
    text: str
    kind: str  # the entity's kind: person names also match fuzzily
    case_sensitive: bool = False


@dataclass(frozen=True)
class Match:
    entity_id: str
    alias: str
    surface: str
    start: int
    end: int
    score: float
    method: str  # exact | fuzzy


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _glued(cased: str, start: int) -> bool:
    """A lower-case letter right before a capital: a scraper glued two texts ("policyMassoud")."""
    return cased[start - 1].islower() and cased[start].isupper()


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


class Matcher:
    """Every alias of a watchlist, compiled once; `find(text)` returns the mentions in a text."""

    def __init__(
        self,
        aliases: Iterable[Alias],
        exclusions: Iterable[tuple[str, str]] = (),
        fuzzy_threshold: float = Settings.fuzzy_name_threshold,
    ):
        self.fuzzy_threshold = fuzzy_threshold
        self.automaton = ahocorasick.Automaton()
        keyed: dict[str, list[Alias]] = {}
        for alias in aliases:
            for key in _keys(alias.text):
                keyed.setdefault(key, []).append(alias)
        for key, found in keyed.items():
            self.automaton.add_word(key, (key, tuple(found)))
        self.automaton.make_automaton() if keyed else None
        self.empty = not keyed
        self.exclusions = ahocorasick.Automaton()
        excluded = [(fold(text), entity) for entity, text in exclusions if text.strip()]
        for key, entity in excluded:
            self.exclusions.add_word(key, (key, entity))
        if excluded:
            self.exclusions.make_automaton()
        self.has_exclusions = bool(excluded)
        # fuzzy: multi-word person aliases in Latin script, levelled
        self.person_names: dict[str, Alias] = {
            name_key(a.text): a
            for found in keyed.values()
            for a in found
            if a.kind == "person" and " " in a.text.strip() and not _is_arabic(a.text)
        }
        self.person_keys = list(self.person_names)  # built once: extractOne is called per candidate

    def find(self, text: str) -> list[Match]:
        """The mentions in `text`, leftmost-longest, without overlaps."""
        if self.empty or not text:
            return []
        folded = FoldedText(text)
        candidates = self._exact(folded)
        chosen = _without_overlaps(candidates)
        if self.has_exclusions:
            chosen = self._outside_exclusions(folded, chosen)
        if self.person_names:
            chosen = sorted(chosen + self._fuzzy(text, chosen), key=lambda m: m.start)
        return chosen

    def _exact(self, folded: FoldedText) -> list[Match]:
        found: list[Match] = []
        for last, (key, aliases) in self.automaton.iter(folded.lower):
            start = last - len(key) + 1
            if start > 0 and _is_word_char(folded.lower[start - 1]) and not _glued(folded.cased, start):
                continue
            end = self._token_end(folded.lower, last + 1, key)
            if end is None:
                continue
            for alias in aliases:
                if alias.case_sensitive and folded.cased[start : last + 1] != fold(alias.text, keep_case=True):
                    continue
                begin, finish = folded.original_span(start, end)
                found.append(
                    Match(alias.entity_id, alias.text, folded.original[begin:finish], begin, finish, 1.0, "exact")
                )
                break
        return found

    def _token_end(self, lower: str, end: int, key: str) -> int | None:
        """Where the matched token ends: right after the alias, or after an allowed suffix; None if mid-word."""
        if end >= len(lower) or not _is_word_char(lower[end]):
            joined = _JOINED_SUFFIX.match(lower, end)
            if joined and lower[end] == "-":
                return joined.end()  # MEK-ut: the suffix is part of the surface
            return end  # MEK's: the possessive is not
        endings = _ARABIC_ENDINGS if _is_arabic(key) else (_LATIN_ENDINGS if len(key) >= LATIN_ENDING_MIN_CHARS else ())
        for ending in sorted(endings, key=len, reverse=True):
            stop = end + len(ending)
            if lower.startswith(ending, end) and (stop >= len(lower) or not _is_word_char(lower[stop])):
                return stop
        return None

    def _outside_exclusions(self, folded: FoldedText, matches: list[Match]) -> list[Match]:
        spans = []
        for last, (key, entity) in self.exclusions.iter(folded.lower):
            spans.append((entity, *folded.original_span(last - len(key) + 1, last + 1)))
        return [m for m in matches if not any(e == m.entity_id and s < m.end and m.start < f for e, s, f in spans)]

    def _fuzzy(self, text: str, taken: list[Match]) -> list[Match]:
        """Capitalised two- and three-word names close to a person's alias: other transliterations."""
        found = []
        for run in _CAPITALISED_RUN.finditer(text):
            if any(m.start < run.end() and run.start() < m.end for m in taken):
                continue
            best = self._best_window(run)
            if best is not None:
                found.append(best)
        return found

    def _best_window(self, run: re.Match[str]) -> Match | None:
        """The two- or three-word stretch of a capitalised run that is closest to a watched person."""
        words = [(w.start() + run.start(), w.end() + run.start()) for w in _CAPITALISED_WORD.finditer(run.group())]
        if words and fold(run.string[words[0][0] : words[0][1]]).rstrip(".") in _HONORIFICS:
            words = words[1:]  # "Madam Rajavi": the title is not part of the name
        best: Match | None = None
        for size in FUZZY_NAME_WORDS:
            for first in range(len(words) - size + 1):
                start, end = words[first][0], past_marks(run.string, words[first + size - 1][1])
                surface = run.string[start:end]
                hit = process.extractOne(
                    name_key(surface), self.person_keys, scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold
                )
                if hit is not None and not _same_first_name(name_key(surface), hit[0]):
                    hit = None
                if hit is not None and (best is None or hit[1] / 100 > best.score):
                    alias = self.person_names[hit[0]]
                    best = Match(alias.entity_id, alias.text, surface, start, end, round(hit[1] / 100, 3), "fuzzy")
        return best


_HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "madam",
    "madame",
    "dr",
    "prof",
    "sir",
    "lady",
    "zoti",
    "zonja",
    "z",
    "znj",
    "mme",
    "m",
    "herr",
    "frau",
    "sheikh",
    "ayatollah",
}
# Two names may share a surname and little else ("Shah Mohammad" / "Somayeh Mohammadi"):
# the first names must be alike too.
_FIRST_NAME_SIMILARITY = 65


def _same_first_name(candidate: str, alias: str) -> bool:
    return fuzz.ratio(candidate.split()[0], alias.split()[0]) >= _FIRST_NAME_SIMILARITY


def _keys(alias: str) -> set[str]:
    """The folded forms an alias is looked for in. Persian joins the words of a
    name with a space or with a ZWNJ, which folding removes: both are keys."""
    key = fold(alias).strip()
    if not key:
        return set()
    return {key, key.replace(" ", "")} if _is_arabic(key) else {key}


def _without_overlaps(matches: list[Match]) -> list[Match]:
    """Leftmost-longest: at each place keep the longest mention, drop those it covers."""
    chosen: list[Match] = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if chosen and match.start < chosen[-1].end:
            continue
        chosen.append(match)
    return chosen
