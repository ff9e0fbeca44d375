"""Fingerprints of a text, vectorised with numpy: word shingles, MinHash signatures, LSH band keys,
and winnowed passage hashes.

Words are compared folded (case, diacritics), so a copy that lost its accents
or changed case is still a copy. Every hash is a stable 64-bit value (no
Python `hash()`, which changes between processes), stored as signed int64
because that is what SQLite holds.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..text import fold

WORD = re.compile(r"\w+")
MINHASH_SHINGLE = 5  # words per shingle for near-duplicates
PASSAGE_SHINGLE = 8  # words per shingle for shared passages: specific enough to mean reuse
WINNOW_WINDOW = 4  # any shared run of 8 + 4 - 1 = 11 words leaves a common fingerprint
PERMUTATIONS = 128
BANDS = 32  # 32 bands of 4 rows: pairs with Jaccard 0.8 collide with probability > 0.9999

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_ROLL = np.uint64(0x100000001B3)


@dataclass(frozen=True)
class Words:
    """The folded words of a text, their 32-bit ids, and where each stands in the original."""

    ids: np.ndarray  # uint64
    spans: np.ndarray  # int64 (n, 2): start, end character offsets

    def __len__(self) -> int:
        return len(self.ids)


# Word → id, remembered: crc32 of every word of every article is most of the
# cost of fingerprinting, and news vocabularies repeat. Cleared when it grows
# past a bound so memory stays flat however many articles stream through.
_WORD_IDS: dict[str, int] = {}
_WORD_IDS_LIMIT = 500_000


def _word_id(word: str) -> int:
    found = _WORD_IDS.get(word)
    if found is None:
        if len(_WORD_IDS) >= _WORD_IDS_LIMIT:
            _WORD_IDS.clear()
        found = _WORD_IDS[word] = zlib.crc32(word.encode("utf-8"))
    return found


class _TokenIds(dict[bytes, tuple[int, ...]]):
    """Raw byte token → ids of the folded words in it; filled on first sight of a token."""

    def __missing__(self, token: bytes) -> tuple[int, ...]:
        if len(self) >= _WORD_IDS_LIMIT:
            self.clear()
        found = self[token] = tuple(_word_id(w) for w in WORD.findall(fold(token.decode("utf-8", "replace"))))
        return found


_TOKEN_IDS = _TokenIds()
# ASCII punctuation becomes a space and capitals lower case, in one pass over the bytes;
# everything else (accents, other scripts, curly quotes) is folded once per distinct token.
_ASCII_NOT_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_ASCII_TABLE = bytes.maketrans(
    _ASCII_NOT_WORD + bytes(range(65, 91)), b" " * len(_ASCII_NOT_WORD) + bytes(range(97, 123))
)


def word_ids(text: str) -> np.ndarray:
    """The ids of the folded words of a text, without their positions: the MinHash path, built for speed."""
    tokens = text.encode("utf-8", "replace").translate(_ASCII_TABLE).split()
    return np.fromiter(chain.from_iterable(map(_TOKEN_IDS.__getitem__, tokens)), dtype=np.uint64)


def words_of(text: str) -> Words:
    found = list(WORD.finditer(fold(text)))  # fold keeps offsets: one character for one character
    ids = np.fromiter((_word_id(m.group()) for m in found), dtype=np.uint64, count=len(found))
    spans = np.array([m.span() for m in found], dtype=np.int64).reshape(-1, 2)
    return Words(ids, spans)


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole output."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def shingles(words: Words | np.ndarray, size: int) -> np.ndarray:
    """One 64-bit hash per run of `size` consecutive words (a text shorter than that gives one)."""
    ids = words.ids if isinstance(words, Words) else words
    if len(ids) == 0:
        return np.zeros(0, dtype=np.uint64)
    if len(ids) < size:
        size = len(ids)
    count = len(ids) - size + 1
    hashed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            hashed = hashed * _ROLL + ids[offset : offset + count]
    return mix(hashed)


_BIN_SHIFT = np.uint64(64 - 7)  # 2**7 = 128 bins: the top bits choose the bin
_VALUE_MASK = np.uint64((1 << 57) - 1)
_ROTATION = np.uint64(0x9E3779B97F4A7C15 & ((1 << 57) - 1))
_EMPTY = np.iinfo(np.uint64).max


def minhash(shingle_hashes: np.ndarray) -> np.ndarray:
    """A 128-value MinHash signature by one-permutation hashing with densification by rotation.

    One hash per shingle (already mixed) is split into 128 bins by its top
    bits; each bin keeps its least value (Li, Owen and Zhang 2012). Bins no
    shingle fell into borrow from the next filled bin to the right, shifted by
    the distance (Shrivastava and Li 2014), so two signatures still agree on a
    share of bins that estimates the Jaccard similarity. It costs one pass over
    the shingles instead of 128.
    """
    signature = np.full(PERMUTATIONS, _EMPTY, dtype=np.uint64)
    if len(shingle_hashes) == 0:
        return signature
    ordered = np.sort(shingle_hashes)  # sorted: each bin's first entry is its least value (repeats do no harm)
    bins = (ordered >> _BIN_SHIFT).astype(np.int64)
    firsts = np.flatnonzero(np.diff(bins, prepend=-1))
    signature[bins[firsts]] = ordered[firsts] & _VALUE_MASK
    return _densified(signature)


def _densified(signature: np.ndarray) -> np.ndarray:
    filled = np.flatnonzero(signature != _EMPTY)
    if len(filled) == len(signature):
        return signature
    positions = np.arange(len(signature))
    # the next filled bin at or after each position, going round the end
    nxt = np.searchsorted(filled, positions)
    wrapped = nxt == len(filled)
    donor = filled[np.where(wrapped, 0, nxt)]
    distance = (donor - positions) % len(signature)
    with np.errstate(over="ignore"):
        return signature[donor] + distance.astype(np.uint64) * _ROTATION


_ROW_WEIGHTS = mix(np.arange(1, PERMUTATIONS // BANDS + 1, dtype=np.uint64)) | np.uint64(1)


def band_keys(signature: np.ndarray) -> list[int]:
    """One key per LSH band: documents that agree on every row of some band become candidates."""
    with np.errstate(over="ignore"):
        combined = mix((signature.reshape(BANDS, -1) * _ROW_WEIGHTS).sum(axis=1, dtype=np.uint64))
    keys: list[int] = combined.view(np.int64).tolist()
    return keys


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two shingle sets: the check every candidate pair must pass."""
    first, second = np.unique(a), np.unique(b)
    if len(first) == 0 and len(second) == 0:
        return 1.0
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared / (len(first) + len(second) - shared)


def winnow(hashes: np.ndarray, window: int = WINNOW_WINDOW) -> np.ndarray:
    """The positions chosen by winnowing: the least hash of every window of `window` shingles."""
    if len(hashes) <= window:
        return np.array([int(np.argmin(hashes))] if len(hashes) else [], dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(hashes, window)
    chosen = np.argmin(windows, axis=1) + np.arange(len(windows))
    return np.unique(chosen)


def passage_fingerprints(words: Words) -> list[int]:
    """The winnowed passage hashes of a text, as signed 64-bit integers for the store."""
    hashes = shingles(words, PASSAGE_SHINGLE)
    return sorted({int(v) for v in hashes[winnow(hashes)].view(np.int64)})
