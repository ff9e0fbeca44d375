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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..extract.text import fold
from ..extract.tokens import Tokeniser, mix

WORD = re.compile(r"\w+")
MINHASH_SHINGLE = 5  # words per shingle for near-duplicates
PASSAGE_SHINGLE = 8  # words per shingle for shared passages: specific enough to mean reuse
WINNOW_WINDOW = 4  # any shared run of 8 + 4 - 1 = 11 words leaves a common fingerprint
PERMUTATIONS = 128  # MinHash signature: finds candidates only, their exact Jaccard is computed after
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


# ---- the MinHash path: many texts at once, vectorised over their UTF-8 bytes -------------------

# The crc32 ids of a token's folded words, the same as `words_of` gives, so both paths make the same shingles.
_FOLDED = Tokeniser(lambda token: [_word_id(w) for w in WORD.findall(fold(token))])


def texts_word_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The folded word ids of many texts in one array, and where each text's words begin and end."""
    return _FOLDED.word_ids(texts)


def word_ids(text: str) -> np.ndarray:
    """The ids of the folded words of a text, without their positions: the MinHash path, built for speed."""
    return texts_word_ids([text])[0]


def minhash_shingles(texts: Sequence[str]) -> list[np.ndarray]:
    """The 5-word shingle hashes of each text, as `shingles(word_ids(text), 5)` gives them, for many texts at once."""
    ids, bounds = texts_word_ids(texts)
    size = MINHASH_SHINGLE
    count = max(len(ids) - size + 1, 0)
    windows = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size if count else 0):  # every run of 5 words; runs across two texts go unused
            windows *= _ROLL
            windows += ids[offset : offset + count]
    windows = mix(windows)
    found = []
    for begin, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        found.append(windows[begin : end - size + 1] if end - begin >= size else shingles(ids[begin:end], size))
    return found


def words_of(text: str) -> Words:
    found = list(WORD.finditer(fold(text)))  # fold keeps offsets: one character for one character
    ids = np.fromiter((_word_id(m.group()) for m in found), dtype=np.uint64, count=len(found))
    spans = np.array([m.span() for m in found], dtype=np.int64).reshape(-1, 2)
    return Words(ids, spans)


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
    """A 128-value MinHash signature of one text's shingle hashes (see `minhashes`)."""
    signature: np.ndarray = minhashes([shingle_hashes])[0]
    return signature


def minhashes(shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
    """128-value MinHash signatures, one row per text, by one-permutation hashing with densification by rotation.

    One hash per shingle (already mixed) is split into 128 bins by its top
    bits; each bin keeps its least value (Li, Owen and Zhang 2012). Bins no
    shingle fell into borrow from the next filled bin to the right, shifted by
    the distance (Shrivastava and Li 2014), so two signatures still agree on a
    share of bins that estimates the Jaccard similarity. It costs one pass over
    the shingles instead of 128. A text without shingles keeps an empty row.
    """
    signatures = np.full((len(shingle_sets), PERMUTATIONS), _EMPTY, dtype=np.uint64)
    counts = np.fromiter(map(len, shingle_sets), dtype=np.int64, count=len(shingle_sets))
    if counts.sum() == 0:
        return signatures
    hashes = np.concatenate(shingle_sets)
    cells = np.repeat(np.arange(len(shingle_sets)) * PERMUTATIONS, counts) + (hashes >> _BIN_SHIFT).astype(np.int64)
    # the bin's top bits are the same for all its hashes, so the least value is the least hash
    np.minimum.at(signatures.reshape(-1), cells, hashes & _VALUE_MASK)
    return _densified(signatures)


def _densified(signatures: np.ndarray) -> np.ndarray:
    empty = signatures == _EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if len(rows) == 0:
        return signatures
    width = PERMUTATIONS
    filled = np.tile(~empty[rows], 2)  # twice over, so the search goes round the end
    places = np.where(filled, np.arange(2 * width), 2 * width)
    # the next filled bin at or after each position
    donors = np.minimum.accumulate(places[:, ::-1], axis=1)[:, ::-1][:, :width]
    distance = (donors - np.arange(width)).astype(np.uint64)
    with np.errstate(over="ignore"):
        signatures[rows] = np.take_along_axis(signatures[rows], donors % width, axis=1) + distance * _ROTATION
    return signatures


_ROW_WEIGHTS = mix(np.arange(1, PERMUTATIONS // BANDS + 1, dtype=np.uint64)) | np.uint64(1)


def band_keys(signature: np.ndarray) -> list[int]:
    """One key per LSH band: documents that agree on every row of some band become candidates."""
    keys: list[int] = bands_of(signature[None, :])[0].tolist()
    return keys


def bands_of(signatures: np.ndarray) -> np.ndarray:
    """The LSH band keys of many signatures: one row of signed 64-bit keys per signature."""
    with np.errstate(over="ignore"):
        rows = signatures.reshape(len(signatures), BANDS, -1) * _ROW_WEIGHTS
        return mix(rows.sum(axis=2, dtype=np.uint64)).view(np.int64)


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
