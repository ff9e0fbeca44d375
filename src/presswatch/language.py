"""Language of an article and of each of its paragraphs, offline, with lingua."""

from __future__ import annotations

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


def detect(text: str, accuracy: str = "low", languages: tuple[str, ...] = (), min_chars: int = 40) -> LanguageReport:
    """The article's language with its confidence, then one language per paragraph."""
    found = detector(accuracy, languages)
    sample = text[:20000]  # the opening is enough to decide, and keeps huge pages cheap
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
    if len(paragraph.strip()) < min_chars:
        return fallback
    return code_of(found.detect_language_of(paragraph)) or fallback
