"""Fingerprints of a text, vectorised with numpy: word shingles, MinHash signatures, LSH band keys,
and winnowed passage hashes.

Words are compared folded (case, diacritics), so a copy that lost its accents
or changed case is still a copy. Every hash is a stable 64-bit value (no
Python `hash()`, which changes between processes), stored as signed int64
because that is what SQLite holds. The values are stored (LSH buckets, passage
hashes): a change to how any of them is made changes `FINGERPRINTS`, which
tells the reuse stage that what it stored was made another way.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..extract.text import fold
from ..extract.tokens import mix

WORD = re.compile(r"\w+")
MINHASH_SHINGLE = 5  # words per shingle for near-duplicates
PASSAGE_SHINGLE = 8  # words per shingle for shared passages: specific enough to mean reuse
WINNOW_WINDOW = 4  # any shared run of 8 + 4 - 1 = 11 words leaves a common fingerprint
PERMUTATIONS = 128  # MinHash signature: finds candidates only, their exact Jaccard is computed after
BANDS = 32  # 32 bands of 4 rows: pairs with Jaccard 0.8 collide with probability > 0.9999
# How word ids, shingles, signatures and band keys are made; part of the reuse stage's fingerprint.
# 2: word ids hash the folded characters (were crc32 of UTF-8), band keys mix in their band.
FINGERPRINTS = "fp2"

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_ROLL = np.uint64(0x100000001B3)


@dataclass(frozen=True)
class Words:
    """The folded words of a text, their 64-bit ids, and where each stands in the original."""

    ids: np.ndarray  # uint64
    spans: np.ndarray  # int64 (n, 2): start, end character offsets

    def __len__(self) -> int:
        return len(self.ids)


# ---- word ids ----------------------------------------------------------------------------------
#
# A word's id is mix(sum(c[j] * ROLL**j)) over the code points c[j] of its characters as `fold`
# leaves them (final sigma as sigma). The MinHash path makes the ids of a whole batch at once in
# numpy (`texts_word_ids`); `words_of`, which also keeps where each word stands, makes them in
# Python, once per distinct word (`_word_id`). Both give the same ids.

_KNOWN = 1 << 31  # in the table: a character met before (0: not yet)
_WORD_CHAR = 1 << 30  # folds to a word character (\w)
_REMOVED = 1  # `fold` removes it (vowel marks, ZWNJ): the characters either side join
_IS_WORD = np.uint32(_KNOWN | _WORD_CHAR)
_CODE = np.uint32((1 << 21) - 1)
_SIGMAS = {"ς": "σ"}  # `fold` lowers Σ by context, to ς at a word's end; an id must not depend on context
_ROW_BITS = 16  # characters are weighed by ROLL**(place mod 2**16), so the power tables stay small
_ROW = 1 << _ROW_BITS
_UINT64 = (1 << 64) - 1
# Folded character and flags by code point, filled in as characters are first met; np.zeros leaves
# the pages of unmet scripts unallocated, so the table costs what the texts' scripts use.
_CHARS = np.zeros(0x110000, dtype=np.uint32)


def _learn(codes: np.ndarray) -> None:
    """Fold characters met for the first time, one by one, as `fold` folds each in a text."""
    for code in codes.tolist():
        folded = fold(chr(code))
        if not folded:
            _CHARS[code] = _REMOVED
            continue
        folded = _SIGMAS.get(folded, folded)
        _CHARS[code] = _KNOWN | (_WORD_CHAR if WORD.fullmatch(folded) else 0) | ord(folded)


def _latin_tables() -> tuple[bytes, bytes]:
    """Latin-1 byte → its folded byte if that is a word character, else 0; and the bytes that fold otherwise."""
    folded, otherwise = bytearray(256), bytearray()
    for code in range(256):
        found = fold(chr(code))
        if len(found) != 1 or ord(found) > 255:
            otherwise.append(code)
        elif WORD.fullmatch(found):
            folded[code] = ord(found)
    return bytes(folded), bytes(otherwise)


# Texts in Latin-1 (English, Albanian, most of Europe) are folded by a byte translation instead.
_LATIN_WORDS, _LATIN_OTHERWISE = _latin_tables()


def _powers(base: int, count: int) -> np.ndarray:
    """base**0 .. base**(count - 1), wrapping at 2**64."""
    steps = np.full(count, base, dtype=np.uint64)
    steps[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(steps, dtype=np.uint64)


_UP = _powers(int(_ROLL), _ROW)
_DOWN = _powers(pow(int(_ROLL), -1, 1 << 64), _ROW)  # ROLL is odd, so it has an inverse modulo 2**64


def _weighed(values: Sequence[int]) -> int:
    """sum(values[j] * ROLL**j) modulo 2**64: one word, in Python."""
    total, power, roll = 0, 1, int(_ROLL)
    for value in values:
        total = (total + value * power) & _UINT64
        power = (power * roll) & _UINT64
    return total


# Word → id, remembered: news vocabularies repeat. Cleared when it grows past a
# bound so memory stays flat however many articles stream through.
_WORD_IDS: dict[str, int] = {}
_WORD_IDS_LIMIT = 500_000


def _word_id(word: str) -> int:
    found = _WORD_IDS.get(word)
    if found is None:
        if len(_WORD_IDS) >= _WORD_IDS_LIMIT:
            _WORD_IDS.clear()
        weighed = _weighed([ord(_SIGMAS.get(c, c)) for c in word])
        found = _WORD_IDS[word] = int(mix(np.array(weighed, dtype=np.uint64)))
    return found


# ---- the MinHash path: many texts at once, vectorised over their characters --------------------
#
# A batch is fingerprinted a chunk of texts at a time, in working arrays kept from call to call: the
# work stays in cache, and off fresh memory (large arrays made anew for every batch cost more in page
# faults than the hashing itself). A chunk fits one row of the power tables, so no word crosses rows.
_CHUNK = _ROW - 2  # characters of texts and their line breaks


class _Scratch(threading.local):
    """One thread's working arrays, each of a chunk's size."""

    def __init__(self) -> None:
        self.values = np.empty(_ROW, dtype=np.uint32)
        self.words = np.empty(_ROW, dtype=np.bool_)
        self.changes = np.empty(_ROW, dtype=np.bool_)
        self.sums = np.empty(_ROW, dtype=np.uint64)


_SCRATCH = _Scratch()


def _working(name: str, count: int) -> np.ndarray:
    """The thread's working array `name`, cut to `count`; a new one for a text longer than a chunk."""
    kept: np.ndarray = getattr(_SCRATCH, name)
    return kept[:count] if count <= len(kept) else np.empty(count, dtype=kept.dtype)


def _chunks(texts: Sequence[str]) -> list[Sequence[str]]:
    """The texts in runs of at most `_CHUNK` characters with their line breaks (a longer text alone)."""
    found, first, size = [], 0, 0
    for place, text in enumerate(texts):
        if size and size + len(text) + 1 > _CHUNK:
            found.append(texts[first:place])
            first, size = place, 0
        size += len(text) + 1
    found.append(texts[first:])
    return found


def texts_word_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The folded word ids of many texts in one array, and where each text's words begin and end."""
    ids, bounds, done = [], [np.zeros(1, dtype=np.int64)], 0
    for chunk in _chunks(texts):
        chunk_ids, chunk_bounds = _chunk_word_ids(chunk)
        ids.append(chunk_ids)
        bounds.append(chunk_bounds[1:] + done)
        done += len(chunk_ids)
    return np.concatenate(ids), np.concatenate(bounds)


def _chunk_word_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """`texts_word_ids` of one chunk."""
    joined = "\n" + "\n".join(texts) + "\n"
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    text_starts = np.concatenate(([1], 1 + np.cumsum(lengths)))
    codes, words, text_starts = _latin_characters(joined, text_starts) or _folded_characters(joined, text_starts)
    changes = np.not_equal(words[1:], words[:-1], out=_working("changes", len(words) - 1))
    edges = np.flatnonzero(changes)
    edges += 1  # both ends are line breaks, so the edges pair up
    starts, ends = edges[0::2], edges[1::2]
    return _mixed(_weighed_runs(codes, starts, ends)), np.searchsorted(starts, text_starts)


_Characters = tuple[np.ndarray, np.ndarray, np.ndarray]  # folded code points (any outside words), is-word, text starts


def _latin_characters(joined: str, text_starts: np.ndarray) -> _Characters | None:
    """The folded characters of a text in Latin-1, by a byte translation; None for any other text."""
    try:
        raw = joined.encode("latin-1")  # a copy of the string's own bytes when it is Latin-1
    except UnicodeEncodeError:
        return None
    if any(code in raw for code in _LATIN_OTHERWISE):  # the soft hyphen, which fold removes
        return None
    codes = np.frombuffer(raw.translate(_LATIN_WORDS), dtype=np.uint8)  # 0 outside words (no word character is)
    return codes, np.not_equal(codes, 0, out=_working("words", len(codes))), text_starts


def _folded_characters(joined: str, text_starts: np.ndarray) -> _Characters:
    """The folded characters of any text, through the table of every code point met."""
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    values = _CHARS.take(codes, out=_working("values", len(codes)))
    if values.min() < _KNOWN:  # characters met for the first time, or that fold removes
        unknown = values == 0
        if unknown.any():
            _learn(np.unique(codes[unknown]))
            _CHARS.take(codes, out=values)
        kept = values >= _KNOWN
        if not kept.all():
            text_starts = text_starts - np.concatenate(([0], np.cumsum(~kept)))[text_starts]
            values = values[kept]
    words = np.greater_equal(values, _IS_WORD, out=_working("words", len(values)))
    return np.bitwise_and(values, _CODE, out=values), words, text_starts


def _weighed_runs(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`_weighed` of every run values[start:end] (code points), all at once.

    Each value is weighed by ROLL**(place mod 2**16) and summed up; a run within
    one row of 2**16 is then the difference of two running sums, brought down
    by ROLL**-start. Runs across two rows (only in a text longer than a chunk)
    are weighed in Python.
    """
    count = len(values)
    full = (count >> _ROW_BITS) << _ROW_BITS
    sums = _working("sums", count)
    with np.errstate(over="ignore"):
        np.multiply(values[:full].reshape(-1, _ROW), _UP, out=sums[:full].reshape(-1, _ROW))
        np.multiply(values[full:], _UP[: count - full], out=sums[full:])
        np.cumsum(sums, out=sums)
        found: np.ndarray = sums[ends - 1]
        found -= sums[starts - 1]
        found *= _DOWN[starts & (_ROW - 1)]
    for place in np.flatnonzero((starts >> _ROW_BITS) != ((ends - 1) >> _ROW_BITS)).tolist() if full else ():
        found[place] = _weighed(values[starts[place] : ends[place]].tolist())
    return found


_SPLITMIX = tuple(np.uint64(c) for c in (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 30, 27, 31))


def _mixed(values: np.ndarray) -> np.ndarray:
    """`mix`, in place, on an array of our own: one working array instead of eight."""
    add, first, second, *shifts = _SPLITMIX
    with np.errstate(over="ignore"):
        values += add
        shifted = values >> shifts[0]
        for multiplier, shift in ((first, shifts[1]), (second, shifts[2])):
            values ^= shifted
            values *= multiplier
            np.right_shift(values, shift, out=shifted)
        values ^= shifted
    return values


# ---- shingles ----------------------------------------------------------------------------------


def word_ids(text: str) -> np.ndarray:
    """The ids of the folded words of a text, without their positions: the MinHash path, built for speed."""
    return texts_word_ids([text])[0]


def minhash_shingles(texts: Sequence[str]) -> list[np.ndarray]:
    """The 5-word shingle hashes of each text, as `shingles(word_ids(text), 5)` gives them, for many texts at once."""
    found: list[np.ndarray] = []
    for chunk in _chunks(texts):
        found += _shingles_of_texts(*_chunk_word_ids(chunk))
    return found


def _shingles_of_texts(ids: np.ndarray, bounds: np.ndarray) -> list[np.ndarray]:
    """The 5-word shingles of each text, from the word ids of several texts and where each text's words begin."""
    size = MINHASH_SHINGLE
    count = max(len(ids) - size + 1, 0)
    windows = ids[:count].copy()
    with np.errstate(over="ignore"):
        for offset in range(1, size):  # every run of 5 words, as `shingles` rolls them; runs across two texts go unused
            windows *= _ROLL
            windows += ids[offset : offset + count]
    windows = _mixed(windows)
    found = []
    for begin, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        found.append(windows[begin : end - size + 1] if end - begin >= size else shingles(ids[begin:end], size))
    return found


def words_of(text: str) -> Words:
    found = list(WORD.finditer(fold(text)))  # offsets in the folded text (passages.words_in maps back)
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
# Added before the mix, so that equal rows in two bands make two keys: a key is then unique across bands too.
_BAND_SALTS = mix(np.arange(BANDS, dtype=np.uint64) + np.uint64(PERMUTATIONS))


def band_keys(signature: np.ndarray) -> list[int]:
    """One key per LSH band: documents that agree on every row of some band become candidates."""
    keys: list[int] = bands_of(signature[None, :])[0].tolist()
    return keys


def bands_of(signatures: np.ndarray) -> np.ndarray:
    """The LSH band keys of many signatures: one row of signed 64-bit keys per signature."""
    with np.errstate(over="ignore"):
        rows = signatures.reshape(len(signatures), BANDS, PERMUTATIONS // BANDS) * _ROW_WEIGHTS
        return mix(rows.sum(axis=2, dtype=np.uint64) + _BAND_SALTS).view(np.int64)


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
