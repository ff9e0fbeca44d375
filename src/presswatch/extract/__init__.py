"""Extract: page bytes → an article (text, metadata, dates, language), and the text tools every stage shares.

Reads: the bytes of one page and the hints its input gave (URL, feed title, date).
Writes: nothing; returns an `Extracted` article that ingest hands to the store.
`text` (repair, folding, hashes), `tokens` (word ids), `dates` and `language`
are used by the analysis stages too.
"""

from __future__ import annotations

from .article import (
    EXTRACTOR,
    Extracted,
    Hints,
    LanguageOptions,
    canonical_url,
    decode_html,
    extract_html,
    finish,
    html_text,
    is_web_url,
    stated_publication_time,
)

__all__ = [
    "EXTRACTOR",
    "Extracted",
    "Hints",
    "LanguageOptions",
    "canonical_url",
    "decode_html",
    "extract_html",
    "finish",
    "html_text",
    "is_web_url",
    "stated_publication_time",
]
