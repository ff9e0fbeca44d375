"""Shared passages between two texts: runs of words both contain, aligned with character offsets.

Two texts share a passage where they have a run of identical 8-word
shingles. Runs on (nearly) the same diagonal with short gaps between them are
merged, so a copy with a few typos or a changed word still gives one passage.
Passages shorter than `min_words` are dropped: shorter overlaps are quotes of
a sentence, common phrases, or chance.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..extract.text import FOLD_TABLE, past_marks
from .fingerprints import PASSAGE_SHINGLE, Words, shingles, words_of

MAX_GAP_WORDS = 12  # a typo breaks 8 shingles; a changed sentence a few more
MAX_DRIFT = 4  # words inserted or dropped inside a passage shift its diagonal this much
# A run is joined to one of the last five passages: runs come sorted, so the one it continues is
# among the latest; looking further back only costs time.
MERGE_LOOKBACK = 5


@dataclass(frozen=True)
class Passage:
    """Words [a_start, a_end) of one text stand again as words [b_start, b_end) of the other."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int

    @property
    def words(self) -> int:
        return min(self.a_end - self.a_start, self.b_end - self.b_start)


def shared_passages(a: Words, b: Words, min_words: int) -> list[Passage]:
    """The passages of at least `min_words` words that `a` and `b` share, in the order of `a`."""
    runs = _runs(shingles(a, PASSAGE_SHINGLE), shingles(b, PASSAGE_SHINGLE))
    merged = _merge(runs)
    return [p for p in merged if p.words >= min_words]


def _runs(a_hashes: np.ndarray, b_hashes: np.ndarray) -> list[Passage]:
    """Maximal runs of consecutive equal shingles, as word ranges in both texts."""
    where: dict[int, list[int]] = defaultdict(list)
    for position, value in enumerate(b_hashes.tolist()):
        where[value].append(position)
    matches: dict[int, list[int]] = defaultdict(list)  # diagonal (j - i) → positions i in a
    for i, value in enumerate(a_hashes.tolist()):
        for j in where.get(value, ()):
            matches[j - i].append(i)
    runs = []
    for diagonal, positions in matches.items():
        start = previous = positions[0]
        for i in positions[1:]:
            if i != previous + 1:
                runs.append(_run(start, previous, diagonal))
                start = i
            previous = i
        runs.append(_run(start, previous, diagonal))
    return sorted(runs, key=lambda p: (p.a_start, p.b_start))


def _run(first: int, last: int, diagonal: int) -> Passage:
    """Shingles first..last of `a` equal those `diagonal` further on in `b`: the words they cover."""
    return Passage(first, last + PASSAGE_SHINGLE, first + diagonal, last + diagonal + PASSAGE_SHINGLE)


def _merge(runs: list[Passage]) -> list[Passage]:
    """Join runs that continue each other across a short gap and a small drift."""
    merged: list[Passage] = []
    for run in runs:
        for index in range(len(merged) - 1, max(-1, len(merged) - 1 - MERGE_LOOKBACK), -1):
            last = merged[index]
            gap_a, gap_b = run.a_start - last.a_end, run.b_start - last.b_end
            drift = abs((run.b_start - run.a_start) - (last.b_start - last.a_start))
            if (
                -PASSAGE_SHINGLE <= gap_a <= MAX_GAP_WORDS
                and -PASSAGE_SHINGLE <= gap_b <= MAX_GAP_WORDS
                and drift <= MAX_DRIFT
            ):
                merged[index] = Passage(
                    last.a_start, max(last.a_end, run.a_end), last.b_start, max(last.b_end, run.b_end)
                )
                break
        else:
            merged.append(run)
    return merged


# What `fold` removes (ZWNJ, Arabic vowel marks, tatweel, soft hyphen): `words_of` finds words in the
# folded text, so its spans count places there, short of one for every such character before them.
_FOLDED_AWAY = re.compile("[" + "".join(re.escape(chr(code)) for code, to in FOLD_TABLE.items() if to is None) + "]")


def words_in(text: str) -> Words:
    """The words of a text (`words_of`), their spans placed in `text` itself rather than in its folded form."""
    found = words_of(text)
    removed = [m.start() for m in _FOLDED_AWAY.finditer(text)]
    if not removed or not len(found):
        return found
    kept = np.delete(np.arange(len(text), dtype=np.int64), removed)  # kept[i]: where folded character i stands
    spans = np.stack((kept[found.spans[:, 0]], kept[found.spans[:, 1] - 1] + 1), axis=1)
    return Words(found.ids, spans)


def character_spans(text: str, words: Words, start: int, end: int) -> tuple[int, int]:
    """Character offsets in `text` of its words [start, end) (`words` from `words_in(text)`).

    The end takes in the marks and joiners that hang on the last letter (a vowel
    mark, a ZWNJ before a space, a combining accent): a passage never cuts a
    letter from its marks.
    """
    return int(words.spans[start][0]), past_marks(text, int(words.spans[min(end, len(words)) - 1][1]))
