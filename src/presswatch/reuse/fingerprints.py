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


# ---- the MinHash path: many texts at once, vectorised over their UTF-8 bytes -------------------
#
# The texts' bytes go through one ASCII table (punctuation becomes a space,
# capitals lower case), so their tokens are the runs of non-space bytes. Each
# token is hashed in numpy from running sums of byte * ROLL**position, and the
# token hash finds the crc32 ids of the token's folded words in a table: only
# a token never seen before is folded and split in Python. The ids are the
# ones `words_of` gives, so both paths make the same shingles.

_ASCII_NOT_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_ASCII_TABLE = bytes.maketrans(
    _ASCII_NOT_WORD + bytes(range(65, 91)), b" " * len(_ASCII_NOT_WORD) + bytes(range(97, 123))
)
_SPACE = 32
_TOKEN_ROLL = np.uint64(0x100000001B3)
_ROW = 1 << 16  # running sums are taken in rows of this many bytes, so the power tables stay small
_LONGEST_CACHED = 1024  # bytes; a longer token is folded every time: rare, and crafted collisions need longer runs
_SEVERAL = 1 << 63  # a table value with this bit points into the list of tokens of zero or several words


def _powers(base: np.uint64, count: int) -> np.ndarray:
    """base**0 .. base**(count - 1), wrapping at 2**64."""
    steps = np.full(count, base, dtype=np.uint64)
    steps[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(steps, dtype=np.uint64)


def _inverse(odd: np.uint64) -> np.uint64:
    """The inverse of an odd number modulo 2**64 (each Newton step doubles the correct bits)."""
    found = odd
    with np.errstate(over="ignore"):
        for _ in range(6):
            found = found * (np.uint64(2) - odd * found)
    return found


_UP = _powers(_TOKEN_ROLL, _ROW)
_DOWN = _powers(_inverse(_TOKEN_ROLL), _ROW)
with np.errstate(over="ignore"):
    _UP_ROW = _UP[-1] * _TOKEN_ROLL
_DOWN_ROW = _inverse(_UP_ROW)


def _token_hashes(buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each token's bytes, the same wherever the token stands; never 0 (an empty slot)."""
    rows = -(-len(buffer) // _ROW)
    width = min(len(buffer), _ROW)
    sums = np.zeros(rows * width, dtype=np.uint64)
    sums[: len(buffer)] = buffer
    grid = sums.reshape(rows, width)
    with np.errstate(over="ignore"):
        # running sums of byte * ROLL**position, row by row, then each row lifted by its offset
        grid *= _UP[:width]
        np.cumsum(grid, axis=1, out=grid)
        if rows > 1:
            grid *= _powers(_UP_ROW, rows)[:, None]
            grid[1:] += np.cumsum(grid[:-1, -1])[:, None]
        down = _DOWN[starts & (_ROW - 1)] * _powers(_DOWN_ROW, rows)[starts >> 16]
        hashes = mix((sums[ends - 1] - sums[starts - 1]) * down)
    hashes[hashes == 0] = 1
    return hashes


class _TokenTable:
    """Token hash → the crc32 ids of the folded words in the token, by open addressing in numpy arrays.

    Emptied when half full, so memory stays flat however many articles stream
    through; news vocabularies repeat, so nearly every token is found.
    """

    def __init__(self, bits: int = 20) -> None:
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.values = np.zeros(1 << bits, dtype=np.uint64)
        self.shift = 64 - bits
        self.limit = (1 << bits) // 2
        self.count = 0
        self.several: list[tuple[int, ...]] = []

    def words(self, raw: bytes, hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, list]:
        """The value of every token: a word id, or _SEVERAL | an index into `self.several`."""
        values, found = self._lookup(hashes)
        found &= (ends - starts) <= _LONGEST_CACHED
        missing = np.flatnonzero(~found)
        if self.count + len(missing) > self.limit or len(self.several) > self.limit:
            self.keys[:] = 0  # emptied before a call only: the values handed out within one stay valid
            self.count = 0
            self.several.clear()
            missing = np.arange(len(hashes))
        for place in missing.tolist():
            values[place] = self._learn(int(hashes[place]), raw[starts[place] : ends[place]])
        return values, self.several

    def _lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values = np.zeros(len(hashes), dtype=np.uint64)
        found = np.zeros(len(hashes), dtype=bool)
        slots = (hashes >> np.uint64(self.shift)).astype(np.int64)
        pending = np.arange(len(hashes))
        while len(pending):  # linear probing; the table is at most half full, so a probe or two
            keys = self.keys[slots[pending]]
            hit = keys == hashes[pending]
            values[pending[hit]] = self.values[slots[pending[hit]]]
            found[pending[hit]] = True
            pending = pending[~hit & (keys != 0)]
            slots[pending] = (slots[pending] + 1) & (len(self.keys) - 1)
        return values, found

    def _learn(self, token_hash: int, token: bytes) -> int:
        slot = token_hash >> self.shift
        while self.keys[slot] != 0:  # a token seen earlier in the same call
            if self.keys[slot] == token_hash:
                return int(self.values[slot])
            slot = (slot + 1) & (len(self.keys) - 1)
        ids = tuple(_word_id(w) for w in WORD.findall(fold(token.decode("utf-8", "replace"))))
        if len(ids) == 1:
            value = ids[0]
        else:
            value = _SEVERAL | len(self.several)
            self.several.append(ids)
        if len(token) <= _LONGEST_CACHED and self.count < self.limit:
            self.keys[slot], self.values[slot] = token_hash, value
            self.count += 1
        return value


_TOKENS = _TokenTable()


def _texts_word_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The folded word ids of many texts in one array, and where each text's words begin and end."""
    encoded = [text.encode("utf-8", "replace") for text in texts]
    raw = (b" " + b" ".join(encoded) + b" ").translate(_ASCII_TABLE)  # the spaces keep texts apart
    buffer = np.frombuffer(raw, dtype=np.uint8)
    inside = buffer != _SPACE
    edges = np.flatnonzero(inside[1:] != inside[:-1]) + 1
    starts, ends = edges[0::2], edges[1::2]
    values, several = _TOKENS.words(raw, _token_hashes(buffer, starts, ends), starts, ends)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)) + 1
    text_starts = np.concatenate(([1], 1 + np.cumsum(lengths)))
    token_bounds = np.searchsorted(starts, text_starts)
    marked = np.flatnonzero(values >> np.uint64(63))
    if len(marked) == 0:
        return values, token_bounds
    # tokens of zero or several words (a curly apostrophe, a dash, a lone ©) are spread out here
    runs = [several[v & 0xFFFFFFFF] for v in values[marked].tolist()]
    counts = np.ones(len(values), dtype=np.int64)
    counts[marked] = [len(run) for run in runs]
    ids = np.repeat(values, counts)
    ends_of_tokens = np.cumsum(counts)
    for at, run in zip((ends_of_tokens - counts)[marked].tolist(), runs, strict=True):
        ids[at : at + len(run)] = run
    return ids, np.concatenate(([0], ends_of_tokens))[token_bounds]


def word_ids(text: str) -> np.ndarray:
    """The ids of the folded words of a text, without their positions: the MinHash path, built for speed."""
    return _texts_word_ids([text])[0]


def minhash_shingles(texts: Sequence[str]) -> list[np.ndarray]:
    """The 5-word shingle hashes of each text, as `shingles(word_ids(text), 5)` gives them, for many texts at once."""
    ids, bounds = _texts_word_ids(texts)
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
