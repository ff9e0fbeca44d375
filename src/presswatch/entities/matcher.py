"""Finding watched names in text: one Aho-Corasick automaton over every alias and its variants, then
boundary, inflection, case and exclusion checks, then transliterated spellings, then fuzzy matching of
person names.

All comparison happens on folded text (see `text.fold`): diacritics, Arabic
letter variants (hamza forms too), ZWNJ/ZWJ and case do not matter, except that case-sensitive
aliases (acronyms) must also agree in case.

A short watchlist is enough: each alias is also looked for as
* its inflected forms in its language (`ENDINGS`: Albanian case endings and definite forms, on a stem
  that drops a definite ending the alias was written with, "Kuvendi" -> kuvend + it/in/...; Persian
  plural and ezafe endings; English plural), only for aliases of `LATIN_ENDING_MIN_CHARS` or more;
* an acronym with dots or spaces ("S.H.B.A.", "S. H. B. A.") and in Cyrillic letters ("МЕК");
* a transliterated Persian name with its ezafe written any way ("Mojahedin-e Khalq", "Mojahedin e Khalq",
  "Mojahedin Khalq"), after an Arabic-script proclitic (و، ب، ل، ال ...);
* its other transliterations: every word of a name levelled (anyascii, then kh/h, xh/dzh/j, o/u,
  e/i/y, doubled letters ...) so that Latin and Cyrillic spellings of one name meet ("Mujahedin",
  "Muxhahedinët", "Моджахедин").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
from anyascii import anyascii
from rapidfuzz import fuzz, process

from ..config import Settings
from ..extract.text import FoldedText, fold, past_marks, skeleton

# What may follow a name inside the same token. Albanian inflects acronyms with
# a hyphen (MEK-u, MEK-ut, MEK-sat) and English adds a possessive ('s): both
# are a hyphen or apostrophe and a few letters.
_JOINED_SUFFIX = re.compile(r"[-'][^\W\d_]{1,4}(?![\w])")
# Case endings glued to a full word, per language, folded (ë -> e). Albanian (standard grammar:
# masculine definite -i/-u, -in/-un, -it/-ut; feminine definite -a/-ja, -n/-në/-ën, -s/-së/-ës;
# indefinite oblique -i/-u/-e/-je; plural -e/-a/-ë, definite -t/-të/-ët, oblique -ve/-ëve, ablative
# -sh/-ësh; Tolu -> Tolut, Këlliçi -> Këlliçit, Kuvend -> Kuvendit, Prokurori -> Prokurorisë).
ENDINGS: dict[str, tuple[str, ...]] = {
    "sq": (
        *("a", "e", "i", "u", "s", "t", "n", "it", "in", "ut", "un", "se", "ve", "es", "en", "ja", "je", "ne"),
        *("et", "te", "eve", "esh", "sh", "ri", "rit"),
    ),
    "en": ("s", "es"),
}
# A name (a person, a place) takes case endings, not plural ones ("Trumpet" is no mention of Trump):
# Albanian singular endings (Sharai -> Sharait, Sadam -> Sadamin, Rama -> Ramës), and no English one.
NAME_ENDINGS = ("a", "e", "i", "u", "s", "t", "n", "it", "in", "ut", "un", "se", "es", "en", "ja", "ne", "ri", "rit")
# The definite endings an Albanian alias may be written with: its stem drops them ("Kuvendi", "Prokuroria",
# "Muxhahedinët"), and takes every ending from there.
_SQ_DEFINITE = ("et", "ja", "i", "u", "a", "t")
# Persian plural and ezafe endings attached (or once attached with ZWNJ, which folding removed).
_ARABIC_ENDINGS = ("ی", "ها", "های", "هایی", "ای", "یی")
ENDINGS["fa"] = ENDINGS["ar"] = _ARABIC_ENDINGS
# Shorter keys are acronyms (EU, MEK), inflected only with a hyphen; an ending glued to them
# would turn words into mentions ("eus", "mekt"). The same floor holds for a stem.
LATIN_ENDING_MIN_CHARS = 4
# Arabic-script letters folding leaves apart: the hamza forms (one for one, so offsets hold).
_HAMZA = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ی"})
# What an Arabic-script word may carry glued before a name: and, with, to, the (و ب ل ال, and their pairs).
_PROCLITICS = frozenset(("و", "ب", "ل", "ال", "وال", "بال", "لل", "فال", "کال"))
# The ezafe and article a transliterated Persian or Arabic name links its words with.
_CONNECTORS = frozenset(("e", "i", "ye", "al", "el", "ul", "ol"))
_CYRILLIC = dict(zip("ABCDEFGHIJKLMNOPRSTUVZ", "АБЦДЕФГХИЙКЛМНОПРСТУВЗ", strict=True))
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
    lang: str | None = None  # whose endings its inflected forms take (any Latin language's when None)


@dataclass(frozen=True)
class Match:
    entity_id: str
    alias: str
    surface: str
    start: int
    end: int
    score: float
    method: str  # exact | spelling (another transliteration, levelled) | fuzzy


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
        keyed: dict[str, list[_Entry]] = {}
        self.levelled: dict[tuple[str, ...], Alias] = {}
        self.skeletons: dict[tuple[str, ...], Alias] = {}
        listed = list(aliases)
        for alias in [*listed, *_derived(listed)]:
            for words_key in _skeleton_keys(alias):
                self.skeletons.setdefault(words_key, alias)
            for key, cased, endings in _variants(alias):
                keyed.setdefault(key, []).append(_Entry(alias, cased, endings))
            for key, endings in _name_stems(alias):
                keyed.setdefault(key, []).append(_Entry(alias, None, endings, bare=False))
            for words_key in _levelled_keys(alias):
                self.levelled.setdefault(words_key, alias)
        for key, found in keyed.items():
            self.automaton.add_word(key, (key, tuple(found)))
        self.automaton.make_automaton() if keyed else None
        self.empty = not keyed
        self.longest_levelled = max(map(len, [*self.levelled, *self.skeletons]), default=0)
        self.prefixes = {k[:n] for k in [*self.levelled, *self.skeletons] for n in range(1, len(k) + 1)}
        self.firsts = {k[0] for k in self.prefixes}
        self.exclusions = ahocorasick.Automaton()
        excluded = [(fold(text).translate(_HAMZA), entity) for entity, text in exclusions if text.strip()]
        for key, entity in excluded:
            self.exclusions.add_word(key, (key, entity))
        if excluded:
            self.exclusions.make_automaton()
        self.has_exclusions = bool(excluded)
        # fuzzy: multi-word person aliases in Latin script, levelled
        self.person_names: dict[str, Alias] = {
            name_key(e.alias.text): e.alias
            for found in keyed.values()
            for e in found
            if e.alias.kind == "person" and " " in e.alias.text.strip() and not _is_arabic(e.alias.text)
        }
        self.person_keys = list(self.person_names)  # built once: extractOne is called per candidate

    def find(self, text: str) -> list[Match]:
        """The mentions in `text`, leftmost-longest, without overlaps."""
        if self.empty or not text:
            return []
        folded = FoldedText(text)
        candidates = self._exact(folded)
        chosen = _without_overlaps(candidates)
        if self.levelled or self.skeletons:
            chosen = sorted(chosen + self._transliterated(text, chosen), key=lambda m: m.start)
        if self.has_exclusions:
            chosen = self._outside_exclusions(folded, chosen)
        if self.person_names:
            chosen = sorted(chosen + self._fuzzy(text, chosen), key=lambda m: m.start)
        return chosen

    def _exact(self, folded: FoldedText) -> list[Match]:
        found: list[Match] = []
        lower = folded.lower.translate(_HAMZA)
        for last, (key, entries) in self.automaton.iter(lower):
            start = last - len(key) + 1
            if start > 0 and _is_word_char(lower[start - 1]) and not _glued(folded.cased, start):
                if not (_is_arabic(key) and _after_proclitic(lower, start)):
                    continue
            for entry in entries:
                end = _token_end(lower, last + 1, entry.endings)
                if end is None or (end == last + 1 and not entry.bare):
                    continue
                if entry.cased is not None and folded.cased[start : last + 1] != entry.cased:
                    continue
                begin, finish = folded.original_span(start, end)
                alias = entry.alias
                found.append(
                    Match(alias.entity_id, alias.text, folded.original[begin:finish], begin, finish, 1.0, "exact")
                )
                break
        return found

    def _transliterated(self, text: str, taken: list[Match]) -> list[Match]:
        """Names spelt another way: runs of words whose levelled forms are those of an alias's words."""
        spans = [m.span() for m in _LETTERS.finditer(text)]
        found: list[Match] = []
        for first in range(len(spans)):
            start = spans[first][0]
            _, connector, levelled, shapes = _word_forms(text[start : spans[first][1]])
            if connector or (found and start < found[-1].end) or self.firsts.isdisjoint((*levelled, *shapes)):
                continue
            best = self._levelled_at(text, spans, first)
            if best is not None and not any(m.start < best.end and best.start < m.end for m in taken):
                found.append(best)
        return found

    def _levelled_at(self, text: str, spans: list[tuple[int, int]], first: int) -> Match | None:
        """The longest alias whose levelled (or, in the other script, skeleton) words start at word `first`,
        connectors between them skipped; each word may carry a known ending."""
        words: list[tuple[int, int]] = []
        index = first
        best: Match | None = None
        arabic, _, firsts, first_shapes = _word_forms(text[spans[first][0] : spans[first][1]])
        if not (
            self.prefixes.intersection((f,) for f in firsts) or self.prefixes.intersection((f,) for f in first_shapes)
        ):
            return None
        levelled: set[tuple[str, ...]] = {()}
        shapes: set[tuple[str, ...]] = {()}
        if _SLUG.fullmatch(text[max(0, spans[first][0] - 1) : spans[first][0]]):
            return None  # inside a URL, a file name or a compound: no mention
        linked = False  # the last word was an ezafe or article, which a hyphen may join
        while index < len(spans) and len(words) < self.longest_levelled and (levelled or shapes):
            gap = text[spans[index - 1][1] : spans[index][0]]
            word = text[spans[index][0] : spans[index][1]]
            in_arabic, is_connector, level_forms, shape_forms = _word_forms(word)
            connector = bool(words) and is_connector
            if words and not (_LINK.fullmatch(gap) if linked or connector else gap in (" ", "\u00a0")):
                break
            index += 1
            if in_arabic != arabic:
                break
            linked = connector
            if connector:
                continue
            words.append(spans[index - 1])
            if not arabic:
                levelled = {(*p, f) for p in levelled for f in level_forms} & self.prefixes
            shapes = {(*p, f) for p in shapes for f in shape_forms} & self.prefixes
            alias = next((self.levelled[k] for k in levelled if k in self.levelled), None)
            if alias is None:
                other = [self.skeletons[k] for k in shapes if k in self.skeletons]
                alias = next((a for a in other if _is_arabic(a.text) != arabic), None)  # the other script's
            if alias is not None and not _SLUG_AFTER.fullmatch(text[words[-1][1] : words[-1][1] + 1]):
                start, end = words[0][0], words[-1][1]
                best = Match(alias.entity_id, alias.text, text[start:end], start, end, 0.9, "spelling")
        return best

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


@dataclass(frozen=True)
class _Entry:
    """An alias under one of its keys: the case it must have (acronyms), the endings it may take."""

    alias: Alias
    cased: str | None
    endings: tuple[str, ...]
    bare: bool = True  # False: a stem, found only with one of its endings


def _token_end(lower: str, end: int, endings: tuple[str, ...]) -> int | None:
    """Where the matched token ends: right after the alias, or after an allowed suffix; None if mid-word."""
    if end >= len(lower) or not _is_word_char(lower[end]):
        joined = _JOINED_SUFFIX.match(lower, end)
        if joined and lower[end] == "-":
            return joined.end()  # MEK-ut: the suffix is part of the surface
        return end  # MEK's: the possessive is not
    for ending in sorted(endings, key=len, reverse=True):
        stop = end + len(ending)
        if lower.startswith(ending, end) and (stop >= len(lower) or not _is_word_char(lower[stop])):
            return stop
    return None


def _after_proclitic(lower: str, start: int) -> bool:
    """An Arabic-script name glued to "and", "with", "to" or "the" (والمجاهدین): the rest is the name."""
    begin = start
    while begin > 0 and _is_word_char(lower[begin - 1]):
        begin -= 1
    return lower[begin:start] in _PROCLITICS


def _endings_of(alias: Alias) -> tuple[str, ...]:
    """The endings an alias's words take: a name's (person, place) case endings, whatever language the
    alias is listed in, as any text may inflect a name; else its language's, or with no stated language
    those of every Latin-script language we know."""
    if _is_arabic(alias.text):
        return _ARABIC_ENDINGS
    if alias.kind in ("person", "place"):
        return NAME_ENDINGS
    if alias.lang not in ENDINGS:
        return tuple(dict.fromkeys(e for lang in ("sq", "en") for e in ENDINGS[lang]))
    return ENDINGS[alias.lang]


_ACRONYM = re.compile(r"[A-Z]{2,6}")


def _variants(alias: Alias) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """The folded keys an alias is looked for under, each with the case it must have and its endings."""
    text = alias.text.strip()
    key = fold(text).strip()
    if not key:
        return []
    if _is_arabic(key):
        # Persian joins the words of a name with a space or with a ZWNJ, which folding removes: both are keys.
        key = key.translate(_HAMZA)
        return [(k, None, _ARABIC_ENDINGS) for k in dict.fromkeys((key, key.replace(" ", "")))]
    cased = fold(text, keep_case=True) if alias.case_sensitive else None
    long_enough = len(key) >= LATIN_ENDING_MIN_CHARS
    endings = _endings_of(alias) if long_enough else ()
    found = [(key, cased, endings)]
    if _ACRONYM.fullmatch(text):
        forms = [".".join(text) + ".", ".".join(text), ". ".join(text) + "."] + (
            [" ".join(text)] if len(text) >= 3 else []
        )
        if all(ch in _CYRILLIC for ch in text):
            forms.append("".join(_CYRILLIC[ch] for ch in text))
        found += [(fold(form), form if alias.case_sensitive else None, ()) for form in forms]
        return found
    if alias.lang != "sq":
        found += [(form, cased, endings) for form in _ezafe_forms(key)]
    elif long_enough and not alias.case_sensitive:
        found += [(form, None, ENDINGS["sq"]) for form in _albanian_stems(key)]
    return found


def _name_stems(alias: Alias) -> list[tuple[str, tuple[str, ...]]]:
    """An Albanian name in -a drops it before -ës and -ën: "Rama" -> "Ramës", "Ramën" (the stem alone is
    no mention)."""
    key = fold(alias.text).strip()
    words = key.split(" ")
    if alias.kind not in ("person", "place") or _is_arabic(key) or len(words[-1]) < LATIN_ENDING_MIN_CHARS:
        return []
    return [(key[:-1], ("es", "en"))] if key.endswith("a") else []


def _ezafe_forms(key: str) -> list[str]:
    """A transliterated name with its ezafe or article written the other ways: "mojahedin-e khalq" ->
    "mojahedin e khalq", "mojahedin e-khalq", "mojahedin khalq"."""
    found = re.fullmatch(r"(.+?)(?:-| )(e|i|ye|al|el|ul)(?:-| )(.+)", key)
    if not found:
        return []
    head, link, rest = found.groups()
    return [f"{head}-{link} {rest}", f"{head} {link}-{rest}", f"{head} {link} {rest}", f"{head} {rest}"]


def _albanian_stems(key: str) -> list[str]:
    """An Albanian alias without the definite ending it was written with, to take every other ending
    ("kuvendi" -> "kuvend", "prokuroria" -> "prokurori"); in a name of several words the first word is
    the one that inflects, with its linking article ("pishtaret e diellit" -> "pishtareve te diellit")."""
    words = key.split(" ")
    head = words[0]
    stems = [head[: -len(e)] for e in _SQ_DEFINITE if head.endswith(e) and len(head) - len(e) >= LATIN_ENDING_MIN_CHARS]
    if len(words) == 1:
        return stems
    rest = words[1:]
    if rest[0] not in ("e", "i", "te", "se"):
        return []
    tail = " ".join(rest[1:])
    return [
        f"{stem}{ending} {link} {tail}"
        for stem in [head, *stems]
        for ending in ("", *ENDINGS["sq"])
        for link in ("e", "i", "te", "se")
    ]


# ---- other transliterations -----------------------------------------------------------------

_LETTERS = re.compile(r"[^\W\d_]+")
# Before or after a name spelt another way, these say it is part of a URL, a file name or a compound.
_SLUG = re.compile(r"[-_/.@#=\w]")
_SLUG_AFTER = re.compile(r"[-_/@#=\w]")
_LINK = re.compile(r"[ \u00a0-]{1,3}")
_TRANSLIT = (
    ("dzh", "j"),
    ("xh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "k"),
    ("q", "k"),
    ("g", "k"),
    ("sh", "s"),
    ("ch", "c"),
    ("c", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("w", "v"),
    ("ou", "u"),
    ("o", "u"),
    ("e", "i"),
    ("y", "i"),
    ("j", "i"),
)
_NON_LETTER = re.compile(r"[^a-z]")
# A levelled word of fewer letters is too common to call a mention on its own.
LEVELLED_MIN_CHARS = 7


@functools.lru_cache(maxsize=65536)
def _level(word: str) -> str:
    """One word in any Latin or Cyrillic spelling, levelled: "Mujahideen", "Muxhahedin", "Моджахедин" -> "muiahidin"."""
    key = _NON_LETTER.sub("", anyascii(word).lower())
    for written, levelled in _TRANSLIT:
        key = key.replace(written, levelled)
    return _DOUBLED.sub(r"\1", _FINAL_H.sub("", key))


def _levelled_keys(alias: Alias) -> list[tuple[str, ...]]:
    """The levelled words of an alias, its ezafe and articles left out; none for acronyms, Arabic script
    and names too short to be told apart once levelled."""
    if alias.case_sensitive or _is_arabic(alias.text):
        return []
    words = [w for w in _LETTERS.findall(alias.text) if w.lower() not in _CONNECTORS]
    levelled = tuple(_level(w) for w in words)
    if not levelled or sum(map(len, levelled)) < LEVELLED_MIN_CHARS or min(map(len, levelled)) < 3:
        return []
    return [levelled]


# Fewer consonants than this in a name's skeleton (across its words) is too little to call a mention.
SKELETON_MIN_CHARS = 6
# The word an organisation's Persian name may open with and the press often leaves out ("organisation").
_ORGANISATION_FA = "سازمان"


_skeleton = functools.lru_cache(maxsize=65536)(skeleton)


@functools.lru_cache(maxsize=65536)
def _word_forms(word: str) -> tuple[bool, bool, tuple[str, ...], tuple[str, ...]]:
    """A text's word: whether it is Arabic script, an ezafe or article, and its levelled forms and skeletons
    with and without each ending it may carry."""
    stems = [stem for stem, _ in _stems(fold(word))]
    arabic = _is_arabic(word)
    levelled = () if arabic else tuple(dict.fromkeys(map(_level, stems)))
    return arabic, anyascii(word).lower() in _CONNECTORS, levelled, tuple(dict.fromkeys(map(_skeleton, stems)))


def _skeleton_keys(alias: Alias) -> list[tuple[str, ...]]:
    """The consonant skeletons of a name of two words or more (see `text.skeleton`): how it is found written
    in another script, "Mojahedin-e Khalq" in Persian or "پیشگامان خورشید" in Latin letters."""
    if alias.case_sensitive:
        return []
    words = [w for w in _LETTERS.findall(fold(alias.text)) if w not in _CONNECTORS]
    shape = tuple(skeleton(w) for w in words)
    if len(shape) < 2 or sum(map(len, shape)) < SKELETON_MIN_CHARS or min(map(len, shape)) < 2:
        return []
    return [shape]


def _derived(aliases: list[Alias]) -> list[Alias]:
    """Aliases a watchlist implies in another script: a person's surname alone in Persian when the Latin
    surname is an alias and the Persian full name has as many words as the Latin one; a Persian
    organisation name without its opening "سازمان"."""
    found = []
    for alias in aliases:
        words = alias.text.split()
        if _is_arabic(alias.text) and words[0] == _ORGANISATION_FA and len(words) >= 3:
            found.append(Alias(alias.entity_id, " ".join(words[1:]), alias.kind, False, alias.lang))
        if alias.kind != "person" or not _is_arabic(alias.text):
            continue
        for full in aliases:
            latin = full.text.split()
            if full.entity_id != alias.entity_id or _is_arabic(full.text) or len(latin) != len(words) or len(words) < 2:
                continue
            folded = [fold(w) for w in latin]
            for part in aliases:
                if part.entity_id == alias.entity_id and fold(part.text.strip()) in folded:
                    word = words[folded.index(fold(part.text.strip()))]
                    if len(fold(word)) >= LATIN_ENDING_MIN_CHARS:
                        found.append(Alias(alias.entity_id, word, alias.kind, False, alias.lang))
    return found


# What a name spelt another way may carry: a name's case endings, and a group's plural ones
# (Muxhahedinët, muxhahedinëve, Mujahedeens).
_SPELLING_ENDINGS = tuple(dict.fromkeys((*NAME_ENDINGS, "et", "eve", "ve", "te", *ENDINGS["en"])))


def _stems(word: str) -> list[tuple[str, str]]:
    """A folded word as it is, and without each ending it may carry (the stem keeping 4 letters)."""
    found = [(word, "")]
    for ending in _SPELLING_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= LATIN_ENDING_MIN_CHARS:
            found.append((word[: -len(ending)], ending))
    return found


def _without_overlaps(matches: list[Match]) -> list[Match]:
    """Leftmost-longest: at each place keep the longest mention, drop those it covers."""
    chosen: list[Match] = []
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if chosen and match.start < chosen[-1].end:
            continue
        chosen.append(match)
    return chosen
