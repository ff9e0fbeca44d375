"""Language of an article and of each of its paragraphs, offline, with lingua.

Lingua's cost grows with the number of candidate languages and the length of
the text it judges. The article's language is chosen among every language (or
the `languages` setting) from a sample of its text; each paragraph is then
judged only among the article's language and the `paragraph_languages` a page
may switch into, from its opening characters: first a short look, which
settles most paragraphs (those plainly in the article's language), then a
longer one for the rest.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from lingua import ConfidenceValue, IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from ..config import Settings
from ..errors import ConfigError
from .text import paragraphs

_LOCK = threading.Lock()

# Lingua narrows its candidates to the languages whose alphabets hold every
# letter it sees, so one Albanian name ("Këlliçi") in an English paragraph makes
# it answer Tagalog. Names, URLs and numbers say nothing about the language of
# the sentence around them, so they are removed before detection.
_NOT_LANGUAGE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\d[\d.,:/-]*"
    r"|\b[A-Z\u00C0-\u00DE][\w'’-]*[\u00C0-\u024F][\w'’-]*"  # capitalised words with accented letters
)
DEFAULT_PARAGRAPH_LANGUAGES = Settings.paragraph_languages
# An article's language is decided on its first 600 characters of language text (a few
# sentences: lingua is sure by then, and its cost grows with the text), after a shortlist of
# 5 languages from a 150-character look (see _article_values).
ARTICLE_SAMPLE_CHARS = 600
SHORTLIST_SAMPLE_CHARS = 150
SHORTLIST_SIZE = 5
# A paragraph is judged on its first 200 characters: one or two sentences settle it.
PARAGRAPH_SAMPLE_CHARS = 200
# Raw text read per character of sample, since names, URLs and numbers are removed first:
# an article's opening is dense with names and datelines, a paragraph's less so.
ARTICLE_RAW_FACTOR = 4
PARAGRAPH_RAW_FACTOR = 2
# Most paragraphs are in their article's language, and their opening words say
# so: a paragraph whose opening the article's language plainly fits keeps it
# without the longer look (lingua's cost grows with the text it judges).
OPENING_CHARS = 80
# The quick look pays only when the paragraph is clearly longer than its opening.
QUICK_LOOK_MIN_CHARS = OPENING_CHARS * 3 // 2
# Detectors kept, one per (accuracy, candidate languages): an ingest needs a few per article
# language; the bound only stops a long-lived process from growing without end.
DETECTORS_KEPT = 256
_OPENING_FITS = 0.99
# A paragraph must be this sure, and this long, before it may differ from its
# article: short lines ("Share this: Facebook Twitter") fool the n-gram models...
_SWITCH_CONFIDENCE = 0.8
_SWITCH_WORDS = 8
# ...and the article's own language must be all but ruled out for it: a real
# switch (an Albanian paragraph in an English page) scores it near 1e-20.
_ARTICLE_LANGUAGE_RULED_OUT = 1e-3


@dataclass(frozen=True)
class ParagraphLanguage:
    start: int
    end: int
    language: str | None

    def as_json(self) -> list[object]:
        return [self.start, self.end, self.language]


@dataclass(frozen=True)
class LanguageReport:
    language: str | None
    confidence: float
    paragraphs: tuple[ParagraphLanguage, ...]


@lru_cache(maxsize=DETECTORS_KEPT)
def detector(accuracy: str = "low", languages: tuple[str, ...] = ()) -> LanguageDetector:
    """A cached detector for these languages (all when empty); models load once per process."""
    with _LOCK:
        if languages:
            builder = LanguageDetectorBuilder.from_iso_codes_639_1(*[_iso(code) for code in languages])
        else:
            builder = LanguageDetectorBuilder.from_all_languages()
        if accuracy == "low":
            builder = builder.with_low_accuracy_mode()
        return builder.build()


def _iso(code: str) -> IsoCode639_1:
    try:
        return IsoCode639_1.from_str(code.lower())
    except (ValueError, AttributeError):
        raise ConfigError(
            f"unknown language code {code!r} in the language settings (use ISO 639-1, e.g. 'sq')"
        ) from None


def code_of(language: Language | None) -> str | None:
    return None if language is None else language.iso_code_639_1.name.lower()


def language_text(text: str) -> str:
    """The text lingua should judge: without URLs, numbers and accented proper names."""
    return " ".join(_NOT_LANGUAGE.sub(" ", text).split())


def detect(
    text: str,
    accuracy: str = Settings.language_accuracy,
    languages: tuple[str, ...] = Settings.languages,
    min_chars: int = Settings.paragraph_language_min_chars,
    paragraph_languages: tuple[str, ...] = DEFAULT_PARAGRAPH_LANGUAGES,
) -> LanguageReport:
    """The article's language with its confidence, then one language per paragraph."""
    spans = paragraphs(text)
    sample = language_text(text[: ARTICLE_SAMPLE_CHARS * ARTICLE_RAW_FACTOR])[:ARTICLE_SAMPLE_CHARS]
    values = _article_values(sample, accuracy, languages) if sample else []
    if not values:
        return LanguageReport(None, 0.0, tuple(ParagraphLanguage(s, e, None) for s, e in spans))
    article_language = code_of(values[0].language)
    per_paragraph = _paragraph_languages(text, spans, article_language, accuracy, min_chars, paragraph_languages)
    return LanguageReport(article_language, round(float(values[0].value), 4), per_paragraph)


def _article_values(sample: str, accuracy: str, languages: tuple[str, ...]) -> list[ConfidenceValue]:
    """Shortlist among all languages on the opening words, then decide among the shortlist on more text.

    Judging 600 characters against 75 languages costs several times more than
    the rest of the language work; the right language is in the shortlist of
    a 150-character look in practice every time.
    """
    shortlist = detector(accuracy, languages).compute_language_confidence_values(sample[:SHORTLIST_SAMPLE_CHARS])
    candidates = tuple(sorted(code for v in shortlist[:SHORTLIST_SIZE] if (code := code_of(v.language))))
    if len(candidates) < 2:
        return shortlist
    return detector(accuracy, candidates).compute_language_confidence_values(sample)


def _paragraph_languages(
    text: str,
    spans: list[tuple[int, int]],
    article_language: str | None,
    accuracy: str,
    min_chars: int,
    candidates: tuple[str, ...],
) -> tuple[ParagraphLanguage, ...]:
    languages = tuple(sorted(set(candidates) | {article_language})) if article_language else ()
    judged = [
        language_text(text[start:end][: PARAGRAPH_SAMPLE_CHARS * PARAGRAPH_RAW_FACTOR])[:PARAGRAPH_SAMPLE_CHARS]
        for start, end in spans
    ]
    worth_judging = [
        i for i, sample in enumerate(judged) if len(sample) >= min_chars and len(sample.split()) >= _SWITCH_WORDS
    ]
    found = [article_language] * len(spans)
    if len(languages) > 1 and worth_judging:
        # One call per paragraph, not lingua's *_in_parallel: extraction
        # already runs one worker per core.
        judge = detector(accuracy, languages).compute_language_confidence_values
        switched = False
        for index in worth_judging:
            # After a switch, the next paragraph is likely switched too: no quick look first.
            found[index] = _paragraph_language(judge, judged[index], article_language, quick=not switched)
            switched = found[index] != article_language
    return tuple(ParagraphLanguage(start, end, lang) for (start, end), lang in zip(spans, found, strict=True))


def _paragraph_language(
    judge: Callable[[str], list[ConfidenceValue]], sample: str, article_language: str | None, quick: bool
) -> str | None:
    if quick and len(sample) > QUICK_LOOK_MIN_CHARS:
        opening = sample[: sample.rfind(" ", 0, OPENING_CHARS + 1)]
        if _share(judge(opening), article_language) >= _OPENING_FITS:
            return article_language
    return _switch(judge(sample), article_language)


def _share(values: list[ConfidenceValue], language: str | None) -> float:
    return next((v.value for v in values if code_of(v.language) == language), 0.0)


def _switch(values: list[ConfidenceValue], article_language: str | None) -> str | None:
    """A paragraph keeps its article's language unless lingua is sure it is another."""
    if not values:
        return article_language
    top = values[0]
    if code_of(top.language) == article_language or top.value < _SWITCH_CONFIDENCE:
        return article_language
    return code_of(top.language) if _share(values, article_language) < _ARTICLE_LANGUAGE_RULED_OUT else article_language
