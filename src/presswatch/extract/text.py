"""Text normalisation shared by every stage: repair, whitespace, hashing, counting."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import ftfy
from anyascii import anyascii
from ftfy.badness import is_bad

_WORD = re.compile(r"\w+")
# C0 controls go before mojibake repair; C1 controls (U+0080-U+009F) only after,
# since ftfy reads them as the bytes of a wrongly decoded text. ZWNJ (U+200C) is
# kept because Persian spelling depends on it.
_C0_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same controls as UTF-8 bytes: each is one byte there, and no other character has such a byte.
_C0_BYTES = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(14, 32)) + b"\x7f"
_C1_CONTROL = re.compile(r"[\x80-\x9f\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Mojibake takes characters beyond these (none of ftfy's patterns matches text
# made of them alone), and most English text has no others: ftfy's check, a
# large pattern over the whole text, is then skipped.
_PLAIN = frozenset(map(chr, range(128))) | frozenset("\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026")
# Repair passes at most: a page decoded wrongly twice takes two, a third confirms; the bound
# keeps a text that ftfy keeps changing from looping.
REPAIR_PASSES = 3


def clean_text(text: str) -> str:
    """Text fit to store, whatever its source: valid UTF-8, line breaks as "\\n", no control characters but tab.

    NUL and the other C0 controls are removed; a lone surrogate (from a JSON
    escape like "\\ud800", or a UTF-7 page) becomes U+FFFD, while a pair left
    split joins into its character. Every text presswatch stores passes through
    here, by `repair`, `Hints` or `canonical_url`.
    """
    # Both checks on the UTF-8 bytes: encoding and a bytes scan cost a tenth of two regex scans of a page.
    try:
        encoded: bytes | None = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, the only code point UTF-8 cannot hold
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        encoded = None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if encoded is not None and len(encoded.translate(None, _C0_BYTES)) == len(encoded):
        return text
    return _C0_CONTROL.sub("", text)


def clean_fields(record: object, names: tuple[str, ...]) -> None:
    """`clean_text` over the named text fields of a record read from outside; a field of another type becomes None."""
    for name in names:
        value = getattr(record, name)
        if value is not None:
            setattr(record, name, clean_text(value) if isinstance(value, str) else None)


def repair(text: str) -> str:
    """Fix mojibake, normalise to NFC, drop control characters, tidy white space."""
    # Mojibake can be layered (a page decoded wrongly twice): repair until nothing changes.
    for _ in range(REPAIR_PASSES):
        fixed, suspicious = _repair_once(text)
        if fixed == text or not suspicious:
            return fixed
        text = fixed
    return text


def _repair_once(text: str) -> tuple[str, bool]:
    # ftfy's full pass is the slow part; clean text (most of it) needs only NFC.
    text = clean_text(text)
    suspicious = "&" in text or (not _PLAIN.issuperset(text) and is_bad(text))
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


# ---- folding for matching names across spellings and scripts ---------------------------------
#
# Folding maps every character to at most one character, so a position in the
# folded text maps back to the original by counting the characters removed
# before it. Latin letters lose their diacritics (ë → e, ç → c); Arabic-script
# letter variants are unified (ي → ی, ك → ک), and vowel marks, tatweel and the
# zero-width joiners are removed (extracted text keeps ZWNJ or loses it at
# random, so matching must not depend on it).

# Arabic vowel marks (U+064B-U+065F), superscript alef, tatweel, ZWNJ, ZWJ, soft hyphen.
_REMOVED = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670\u0640\u200c\u200d\u00ad"
_ARABIC_VARIANTS = {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u06c0": "\u0647", "\u0629": "\u0647"}
_DIGITS = {chr(0x06F0 + d): str(d) for d in range(10)} | {chr(0x0660 + d): str(d) for d in range(10)}
_REMOVED_PATTERN = re.compile(f"[{_REMOVED}]")


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(ch): None for ch in _REMOVED}
    for code in range(0x00C0, 0x0250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    table.update({ord(k): v for k, v in (_ARABIC_VARIANTS | _DIGITS).items()})
    table.update({ord("’"): "'", ord("‘"): "'", ord("‐"): "-", ord("‑"): "-"})
    return table


FOLD_TABLE = _build_fold_table()


def fold(text: str, keep_case: bool = False) -> str:
    """The form names are compared in: no diacritics, one spelling per Arabic letter, lower case."""
    folded = text.translate(FOLD_TABLE)
    if keep_case:
        return folded
    lowered = folded.lower()
    # lower() keeps the length for all but a few letters (İ); offsets rely on it
    return lowered if len(lowered) == len(folded) else "".join(ch.lower()[0] for ch in folded)


class FoldedText:
    """A text folded for matching, able to map folded positions back to the original."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.cased = original.translate(FOLD_TABLE)
        lowered = self.cased.lower()
        self.lower = lowered if len(lowered) == len(self.cased) else "".join(c.lower()[0] for c in self.cased)
        # original positions of removed characters, in order
        self._removed = [m.start() for m in _REMOVED_PATTERN.finditer(original)]

    def original_index(self, folded_index: int) -> int:
        """The position in the original text of the character at `folded_index`."""
        if not self._removed:
            return folded_index
        index = folded_index
        for removed in self._removed:
            if removed <= index:
                index += 1
            else:
                break
        return index

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text of folded [start, end), with the marks on its last letter."""
        if start >= end:
            return self.original_index(start), self.original_index(start)
        return self.original_index(start), past_marks(self.original, self.original_index(end - 1) + 1)


def past_marks(text: str, end: int) -> int:
    """`end` moved past the marks hanging on the letter before it (vowel marks, accents, ZWNJ, tatweel).

    A span of the text that stopped short of them would cut a letter from its marks.
    """
    while end < len(text) and (unicodedata.category(text[end]).startswith("M") or text[end] in _REMOVED):
        end += 1
    return end


# ---- names across scripts ------------------------------------------------------------

_DIGRAPHS = (
    ("tsch", "c"),
    ("sch", "s"),
    ("xh", "g"),
    ("gj", "g"),
    ("dzh", "g"),
    ("zh", "s"),
    ("sh", "s"),
    ("ch", "c"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("ck", "k"),
)
_SINGLE = str.maketrans({"c": "k", "q": "k", "x": "ks", "j": "g", "z": "s", "p": "b", "ç": "c"})
_DROPPED = re.compile(r"[^bcdfgklmnrst]")
_REPEATS = re.compile(r"(.)\1+")
# Languages whose Latin j sounds like English y (Albanian Kanje = Kanye, German Jugoslawien).
J_IS_Y = frozenset(
    {"sq", "de", "nl", "sv", "no", "nb", "da", "fi", "et", "pl", "cs", "sk", "sl", "hr", "bs", "sr", "hu"}
)


@lru_cache(maxsize=100_000)  # called for every word of every article; words repeat (Zipf)
def skeleton(word: str, language: str | None = None) -> str:
    """The consonant skeleton of a word in any script, e.g. "Kanye", "Kanje" (sq) and "کانیه" → "kn"."""
    folded = anyascii(word).lower()
    for pair, letter in _DIGRAPHS:
        folded = folded.replace(pair, letter)
    if language in J_IS_Y:
        folded = folded.replace("j", "y")
    folded = folded.translate(_SINGLE)
    return _REPEATS.sub(r"\1", _DROPPED.sub("", folded))
