"""Word ids of many texts at once, vectorised with numpy over their UTF-8 bytes.

The texts' bytes go through one ASCII table (punctuation becomes a space,
capitals lower case), so their tokens are the runs of non-space bytes. Each
token is hashed in numpy from running sums of byte * ROLL**position, and the
token hash finds the ids of the token's words in a table: only a token never
seen before is split into words in Python, by the stage's own rule (folded
words for fingerprints, words of two letters or more for story vectors).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

_ASCII_NOT_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_ASCII_TABLE = bytes.maketrans(
    _ASCII_NOT_WORD + bytes(range(65, 91)), b" " * len(_ASCII_NOT_WORD) + bytes(range(97, 123))
)
_SPACE = 32
_TOKEN_ROLL = np.uint64(0x100000001B3)
_ROW = 1 << 16  # running sums are taken in rows of this many bytes, so the power tables stay small
_LONGEST_CACHED = 1024  # bytes; a longer token is split every time: rare, and crafted collisions need long runs
_SEVERAL = 1 << 63  # a table value with this bit points into the list of tokens of zero or several words
# A table of 2**20 slots (16 MB): half of it holds half a million distinct tokens, more than a
# news vocabulary in several languages, so it is seldom emptied.
TABLE_BITS = 20


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


class Tokeniser:
    """Texts to word ids, with a table of token hash → the ids of the token's words (open addressing).

    `ids_of` splits a token never seen before (its text, ASCII already lower
    case) into word ids below 2**32. The table is emptied when half full, so
    memory stays flat however many articles stream through; news vocabularies
    repeat, so nearly every token is found.
    """

    def __init__(self, ids_of: Callable[[str], list[int]], bits: int = TABLE_BITS) -> None:
        self.ids_of = ids_of
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.values = np.zeros(1 << bits, dtype=np.uint64)
        self.shift = 64 - bits
        self.limit = (1 << bits) // 2
        self.count = 0
        self.several: list[tuple[int, ...]] = []

    def word_ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The word ids of many texts in one array, and where each text's words begin and end."""
        encoded = [text.encode("utf-8", "replace") for text in texts]
        raw = (b" " + b" ".join(encoded) + b" ").translate(_ASCII_TABLE)  # the spaces keep texts apart
        buffer = np.frombuffer(raw, dtype=np.uint8)
        inside = buffer != _SPACE
        edges = np.flatnonzero(inside[1:] != inside[:-1]) + 1
        starts, ends = edges[0::2], edges[1::2]
        values = self._values(raw, _token_hashes(buffer, starts, ends), starts, ends)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)) + 1
        text_starts = np.concatenate(([1], 1 + np.cumsum(lengths)))
        token_bounds = np.searchsorted(starts, text_starts)
        marked = np.flatnonzero(values >> np.uint64(63))
        if len(marked) == 0:
            return values, token_bounds
        # tokens of zero or several words (a curly apostrophe, a dash, a lone ©) are spread out here
        runs = [self.several[v & 0xFFFFFFFF] for v in values[marked].tolist()]
        counts = np.ones(len(values), dtype=np.int64)
        counts[marked] = [len(run) for run in runs]
        ids = np.repeat(values, counts)
        ends_of_tokens = np.cumsum(counts)
        for at, run in zip((ends_of_tokens - counts)[marked].tolist(), runs, strict=True):
            ids[at : at + len(run)] = run
        return ids, np.concatenate(([0], ends_of_tokens))[token_bounds]

    def _values(self, raw: bytes, hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """The value of every token: a word id, or _SEVERAL | an index into `self.several`."""
        long = (ends - starts) > _LONGEST_CACHED
        values, found = self._lookup(hashes)
        missing = np.flatnonzero(~found & ~long)
        if self.count + len(missing) > self.limit or len(self.several) > self.limit:
            self.keys[:] = 0  # emptied before a call only: the values handed out within one stay valid
            self.count = 0
            self.several.clear()
            missing = np.flatnonzero(~long)
        if len(missing):  # each new token is split once, however often it occurs
            new, first, inverse = np.unique(hashes[missing], return_index=True, return_inverse=True)
            learned = [
                self._learn(token_hash, raw[starts[place] : ends[place]])
                for token_hash, place in zip(new.tolist(), missing[first].tolist(), strict=True)
            ]
            values[missing] = np.array(learned, dtype=np.uint64)[inverse]
        for place in np.flatnonzero(long).tolist():  # never by hash: crafted collisions need long tokens
            values[place] = self._value(raw[starts[place] : ends[place]])
        return values

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
        value = self._value(token)
        if self.count < self.limit:
            slot = token_hash >> self.shift
            while self.keys[slot] != 0:
                slot = (slot + 1) & (len(self.keys) - 1)
            self.keys[slot], self.values[slot] = token_hash, value
            self.count += 1
        return value

    def _value(self, token: bytes) -> int:
        ids = tuple(self.ids_of(token.decode("utf-8", "replace")))
        if len(ids) == 1:
            return ids[0]
        self.several.append(ids)
        return _SEVERAL | (len(self.several) - 1)


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole output."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))
