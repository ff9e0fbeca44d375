"""Extractive summaries: sentences split for English, Albanian and Persian, chosen by lead position and centrality."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

# A digest item's summary: about two or three news sentences, what a reader scans before clicking.
SUMMARY_WORDS = 60
SUMMARY_SENTENCES = 3
# Share of a sentence's score from its position (the rest from centrality): news puts the gist
# first, but a lead that is only a dateline or a teaser must lose to a central sentence.
LEAD_WEIGHT = 0.4
# A sentence with a "word" longer than this is debris (a URL, a hash, glued words), not prose.
LONGEST_WORD_CHARS = 40
# Sentences shorter than this are datelines, bylines and fragments, not summary material.
SHORTEST_SENTENCE_WORDS = 5

# Words that end with a full stop without ending a sentence, per language (case-folded, without the stop).
ABBREVIATIONS = {
    "en": {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "sen",
        "rep",
        "gov",
        "pres",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "nos",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "dept",
        "fig",
    },
    "sq": {
        "z",
        "znj",
        "zj",
        "prof",
        "dr",
        "etj",
        "p.sh",
        "nr",
        "rr",
        "fq",
        "shek",
        "sh.a",
        "sh.p.k",
        "mr",
        "mrs",
        "jan",
        "shk",
        "pr",
        "qer",
        "kor",
        "gush",
        "shta",
        "tet",
        "nën",
        "dhj",
    },
    "fa": set(),
}
_END = re.compile(r"[.!?؟…]+[\"'»”’)\]]*(?=\s+)")
_WORD = re.compile(r"\w+", re.UNICODE)
_PERSIAN_FOLD = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "ۀ": "ه", "ة": "ه", "\u200c": "", "\u0640": ""})
_OPENERS = "\"'«“‘([-–—"


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Sentences in reading order. Paragraphs (lines) always end a sentence; within a paragraph a sentence
    ends at . ! ? ؟ … (and closing quotes) before a space, unless the word before the stop is a known
    abbreviation or an initial, or (in cased scripts) the next word starts with a lower-case letter."""
    known = ABBREVIATIONS.get(language or "", set()) | ABBREVIATIONS["en"]
    sentences: list[str] = []
    for paragraph in text.splitlines():
        paragraph = paragraph.strip()
        pieces: list[str] = []
        start = 0
        for match in _END.finditer(paragraph):
            stop = match.end()
            rest = paragraph[stop:].lstrip()
            if not rest:
                continue
            if match.group().startswith(".") and _abbreviation(paragraph[start : match.start()], known):
                continue
            first = rest[0]
            if first.isalpha() and first.islower():  # "e.g. this", "…said mr. smith" — cased scripts only
                continue
            pieces.append(paragraph[start:stop].strip())
            start = stop
        pieces.append(paragraph[start:].strip())
        sentences.extend(_balance([p for p in pieces if p]))
    return sentences


def _open_quote(sentence: str) -> bool:
    return (
        sentence.count("«") > sentence.count("»")
        or sentence.count("“") > sentence.count("”")
        or sentence.count('"') % 2 == 1
    )


def _balance(pieces: list[str]) -> list[str]:
    """Sentences inside a quotation stay with the sentence that opens it: a piece that leaves a quotation
    open takes the pieces after it until the quotation closes (within the paragraph)."""
    merged: list[str] = []
    for piece in pieces:
        if merged and _open_quote(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def _abbreviation(before: str, known: set[str]) -> bool:
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.lstrip(_OPENERS).casefold()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    return word in known


def tokens(text: str) -> list[str]:
    """Words for comparing sentences: case-folded, Persian letter variants and ZWNJ folded, digits kept."""
    return [w for w in _WORD.findall(text.casefold().translate(_PERSIAN_FOLD)) if len(w) > 1 or w.isdigit()]


def _vector(words: Sequence[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(words)
    return {w: (1 + math.log(n)) * idf.get(w, 0.0) for w, n in counts.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def summarise(
    text: str,
    language: str | None,
    others: Sequence[str] = (),
    title: str = "",
    max_words: int = SUMMARY_WORDS,
    max_sentences: int = SUMMARY_SENTENCES,
    lead_weight: float = LEAD_WEIGHT,
) -> str:
    """An extractive summary of ``text``: each sentence scores by its lead position (1/(1+i)) and its
    centrality (TF-IDF cosine to the centroid of every sentence of ``text`` and of ``others``, the story's
    other articles in the same language), both on [0, 1]; the best fill ``max_words``, shown in text order.
    The title (when the text repeats it) and sentences with a URL are left out."""
    heading = tokens(title)
    sentences = [
        s
        for s in split_sentences(text, language)
        if "://" not in s
        and max(map(len, s.split()), default=0) <= LONGEST_WORD_CHARS
        and (not heading or tokens(s) != heading)
    ]
    if not sentences:
        return ""
    pool = list(sentences)
    for other in others:
        pool.extend(split_sentences(other, language))
    bags = [tokens(s) for s in pool]
    df = Counter(w for bag in bags for w in set(bag))
    idf = {w: math.log((1 + len(bags)) / (1 + n)) + 1 for w, n in df.items()}
    centroid: dict[str, float] = {}
    for bag in bags:
        for w, v in _vector(bag, idf).items():
            centroid[w] = centroid.get(w, 0.0) + v
    central = [cosine(_vector(bag, idf), centroid) for bag in bags[: len(sentences)]]
    top = max(central) or 1.0
    scored = []
    for index, sentence in enumerate(sentences):
        words = len(sentence.split())
        if words < SHORTEST_SENTENCE_WORDS and len(sentences) > 1:
            continue  # datelines, bylines, fragments
        lead = 1 / (1 + index)
        score = lead_weight * lead + (1 - lead_weight) * central[index] / top
        scored.append((score, index, words))
    if not scored:
        return sentences[0]
    scored.sort(key=lambda s: (-s[0], s[1]))
    chosen: list[int] = []
    budget = 0
    for _score, index, words in scored:
        if len(chosen) >= max_sentences:
            break
        if chosen and budget + words > max_words:
            continue
        chosen.append(index)
        budget += words
    return " ".join(sentences[i] for i in sorted(chosen))
