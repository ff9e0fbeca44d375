"""Language of an article and of each of its paragraphs, offline, with lingua."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from .errors import ConfigError
from .text import paragraphs

_LOCK = threading.Lock()


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


@lru_cache(maxsize=4)
def detector(accuracy: str = "low", languages: tuple[str, ...] = ()) -> LanguageDetector:
    """A cached detector; building the high-accuracy one costs seconds, so do it once."""
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
        raise ConfigError(f"unknown language code {code!r} in setting 'languages' (use ISO 639-1, e.g. 'sq')") from None


def code_of(language: Language | None) -> str | None:
    return None if language is None else language.iso_code_639_1.name.lower()


# Lingua narrows its candidates to the languages whose alphabets hold every
# letter it sees, so one Albanian name ("Këlliçi") in an English paragraph makes
# it answer Tagalog. Names, URLs and numbers say nothing about the language of
# the sentence around them, so they are removed before detection.
_NOT_LANGUAGE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\d[\d.,:/-]*"
    r"|\b[A-Z\u00C0-\u00DE][\w'’-]*[\u00C0-\u024F][\w'’-]*"  # capitalised words with accented letters
)
# A paragraph must be this sure, and this long, before it may differ from its
# article: short lines ("Share this: Facebook Twitter") fool the n-gram models.
_SWITCH_CONFIDENCE = 0.8
_SWITCH_WORDS = 8
# ...and the article's own language must be all but ruled out for it: a real
# switch (an Albanian paragraph in an English page) scores it near 1e-20.
_ARTICLE_LANGUAGE_RULED_OUT = 1e-3


def language_text(text: str) -> str:
    """The text lingua should judge: without URLs, numbers and accented proper names."""
    return " ".join(_NOT_LANGUAGE.sub(" ", text).split())


def detect(text: str, accuracy: str = "low", languages: tuple[str, ...] = (), min_chars: int = 40) -> LanguageReport:
    """The article's language with its confidence, then one language per paragraph."""
    found = detector(accuracy, languages)
    sample = language_text(text[:20000])  # the opening is enough to decide, and keeps huge pages cheap
    values = found.compute_language_confidence_values(sample) if sample.strip() else []
    if not values:
        return LanguageReport(None, 0.0, tuple(ParagraphLanguage(s, e, None) for s, e in paragraphs(text)))
    top = values[0]
    article_language = code_of(top.language)
    per_paragraph = tuple(
        ParagraphLanguage(start, end, _paragraph_language(found, text[start:end], article_language, min_chars))
        for start, end in paragraphs(text)
    )
    return LanguageReport(article_language, round(float(top.value), 4), per_paragraph)


def _paragraph_language(found: LanguageDetector, paragraph: str, fallback: str | None, min_chars: int) -> str | None:
    """A paragraph keeps its article's language unless lingua is sure it is another."""
    judged = language_text(paragraph)
    if len(judged) < min_chars:
        return fallback
    values = found.compute_language_confidence_values(judged)
    if not values:
        return fallback
    top = values[0]
    if code_of(top.language) == fallback or top.value < _SWITCH_CONFIDENCE or len(judged.split()) < _SWITCH_WORDS:
        return fallback
    article_share = next((v.value for v in values if code_of(v.language) == fallback), 0.0)
    return code_of(top.language) if article_share < _ARTICLE_LANGUAGE_RULED_OUT else fallback
