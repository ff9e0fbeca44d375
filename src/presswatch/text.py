"""Text normalisation shared by every stage: repair, whitespace, hashing, counting."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import ftfy
from ftfy.badness import is_bad

_WORD = re.compile(r"\w+")
# C0 controls go before mojibake repair; C1 controls (U+0080-U+009F) only after,
# since ftfy reads them as the bytes of a wrongly decoded text. ZWNJ (U+200C) is
# kept because Persian spelling depends on it.
_C0_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_C1_CONTROL = re.compile(r"[\x80-\x9f\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def repair(text: str) -> str:
    """Fix mojibake, normalise to NFC, drop control characters, tidy white space."""
    # Mojibake can be layered (a page decoded wrongly twice): repair until nothing changes.
    for _ in range(3):
        fixed, suspicious = _repair_once(text)
        if fixed == text or not suspicious:
            return fixed
        text = fixed
    return text


def _repair_once(text: str) -> tuple[str, bool]:
    # ftfy's full pass is the slow part; clean text (most of it) needs only NFC.
    text = _C0_CONTROL.sub("", text)
    suspicious = "&" in text or is_bad(text)
    text = ftfy.fix_text(text, normalization="NFC") if suspicious else unicodedata.normalize("NFC", text)
    text = _C1_CONTROL.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip(), suspicious


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
