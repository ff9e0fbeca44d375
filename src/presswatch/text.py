"""Text normalisation shared by every stage: repair, whitespace, hashing, counting."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import ftfy

_WORD = re.compile(r"\w+")
# C0/C1 controls and other invisible junk, except tab and newline; ZWNJ (U+200C)
# is kept because Persian spelling depends on it.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def repair(text: str) -> str:
    """Fix mojibake, normalise to NFC, drop control characters, tidy white space."""
    text = ftfy.fix_text(text, normalization="NFC")
    text = _CONTROL.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def repair_line(text: str | None) -> str | None:
    """Repair a one-line field (title, author): no newlines, None when empty."""
    if text is None:
        return None
    cleaned = " ".join(repair(text).split())
    return cleaned or None


def words(text: str) -> list[str]:
    """Unicode word tokens, the same tokeniser in every stage."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def comparable(text: str) -> str:
    """The form two texts are compared in: NFKC, case-folded, one space between words."""
    return " ".join(words(unicodedata.normalize("NFKC", text).casefold()))


def content_hash(text: str) -> str:
    """A hash that ignores case, punctuation and white space, so trivial re-renders match."""
    return hashlib.sha256(comparable(text).encode("utf-8")).hexdigest()


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the non-empty lines of a text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            spans.append((start, end))
        start = end + 1
    return spans
