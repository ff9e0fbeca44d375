"""Near-duplicate detection speed and recall: presswatch's fingerprints against datasketch's MinHashLSH.

Method
* Articles: `--docs` (default 50,000), generated from a fixed seed and streamed
  (a generator: one article at a time; only a window of recent originals is
  held, see below). Each has a title, a header line (outlet, date, byline),
  400-900 body words drawn with Zipf weights from a generated vocabulary of
  30,000 words (function words first), cut into sentences and paragraphs, and
  an outlet footer (shared by every article of that outlet, as boilerplate is).
* Planted near-duplicates: about 6% of the stream (about 3,000 of 50,000) are
  derived articles. Each copies one original still in a window of the last
  1,000 originals (each original is copied at most once, and copies are never
  copied, so the only planted pairs are original -> copy), under another
  outlet's header, byline and footer, with a title edited half the time, an
  editor's paragraph added in front 10% of the time, and body edits at a drawn
  rate: none (25%), light (word edit rate up to 2%, 40%) or heavy (2-15%, 35%),
  split at random between substitutions, insertions and deletions; 25% of the
  copies are also truncated to 50-95% of their body. That spreads the exact
  5-shingle Jaccard from about 0.2 to 1.0. Each pair's exact Jaccard is
  computed when the copy is generated, with presswatch's `jaccard` on the
  5-shingle hash arrays of both texts (the exact Jaccard of the shingle sets,
  up to 64-bit hash collisions). That is the gold: planted pairs with
  J >= 0.8.
* Unplanted pairs: random text has none near 0.8. This is checked two ways:
  all pairs of a deterministic sample of about 1,500 articles (planted pairs
  left out) get their exact Jaccard through an inverted index of their
  shingles, and every candidate pair either side returns that is not planted
  is checked after the run by generating the stream again (same seed) and
  computing its exact Jaccard.
* presswatch, per batch of `--batch` articles (default 100, the reuse
  stage's batch): `bands_of(minhashes(minhash_shingles(texts)))` (5-word
  shingles of the folded words, the same as `shingles(word_ids(text), 5)`;
  128-value one-permutation MinHash; 32 bands of 4 rows), then each article in
  stream order has its band keys looked up and inserted in an in-memory dict
  {(band, key): [article ids]}, which is what the reuse stage does with its
  SQLite table `lsh_buckets(band, bucket, article_id)` (the SQL round trips
  are not measured here). The ids already in the buckets are the candidates,
  so an article still finds the earlier ones of its own batch.
* datasketch, per article: the same folded words (presswatch's `fold`, the same
  `\\w+` tokeniser) joined five at a time by spaces and encoded as UTF-8 (the
  same 5-word shingles), then either `MinHash(num_perm=128)` and one
  `update()` per shingle, per article, as datasketch's documentation shows
  ("update loop"), or, for the same batches as presswatch's,
  `MinHash.bulk(shingle lists, num_perm=128)`, which its documentation gives
  for many sets at once (one `update_batch()`, its vectorised update, per set,
  without building the permutations again for each), then per article
  `query()` and `insert()` in a `MinHashLSH(threshold=0.8, num_perm=128,
  params=(32, 4))` (the same 32 bands of 4 rows; with `params` the threshold
  is not used). Each variant has its own index.
* One run, one stream: each article is generated once and given to every side
  in turn; each side's own work (text to shingles included:
  `minhash_shingles` on our side, fold + split + shingle bytes on theirs) is
  timed with perf_counter. The
  generation and the gold are not timed. The garbage collector is off during
  the stream (nothing here makes cycles), so a collection of the growing
  indexes is not billed to whichever side happened to trigger it.
* The update loop costs about 7.5 ms per article (over six minutes for all
  50,000, on top of the rest), so by default it runs on every 5th article
  only (`--loop-every`, deterministic), and its rate is per article. Its
  signatures are checked to be identical to bulk's on those articles, so its
  recall is bulk's; recall is measured on the full stream for presswatch and
  bulk.
* Memory: the process RSS (VmRSS from /proc/self/status) every 10,000 articles,
  with the entry count of each index and a sys.getsizeof estimate of the
  indexes' size, so that RSS minus the indexes shows what streaming costs.
  getsizeof does not see the allocator's rounding of the millions of small
  index objects (about 15-20% more: 50,000 x 32 entries of our dict alone take
  376 MB of RSS against a 319 MB estimate), so RSS minus the indexes still
  creeps up by that share of the index growth.

The goals from the issue: presswatch articles/s >= 20x datasketch's (update
loop; the bulk/update_batch ratio is printed too) and recall >= 0.95 on the planted
pairs with J >= 0.8. Nothing is asserted: the script prints and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from presswatch.extract.text import fold
from presswatch.reuse.fingerprints import (
    BANDS,
    MINHASH_SHINGLE,
    PERMUTATIONS,
    bands_of,
    jaccard,
    minhash_shingles,
    minhashes,
    shingles,
)
from presswatch.reuse.fingerprints import word_ids as presswatch_word_ids
from presswatch.reuse.stage import BATCH

SEED = 20250611
VOCABULARY = 30_000
BODY_WORDS = (400, 900)
DERIVED_SHARE = 0.06
WINDOW = 1_000  # recent originals a copy can come from
OUTLETS, JOURNALISTS = 40, 2_000
GOLD_JACCARD = 0.8
SPEED_GOAL, RECALL_GOAL = 20.0, 0.95
ROWS = PERMUTATIONS // BANDS
CHECKPOINT = 10_000
SAMPLE_SIZE = 1_500
LOOP_EVERY = 5
WORD = re.compile(r"\w+")  # presswatch's tokeniser (fingerprints.WORD)

# ---- text --------------------------------------------------------------------------------------

ONSETS = ("b", "d", "dr", "f", "g", "gj", "h", "k", "l", "ll", "m", "n", "nj", "p", "r", "rr", "s", "sh", "t",
          "th", "v", "x", "xh", "z", "zh", "ç", "q", "j", "dh", "k", "t", "m", "st", "pr", "kr", "")  # fmt: skip
VOWELS = ("a", "e", "ë", "i", "o", "u", "y", "a", "e", "i", "o")
CODAS = ("", "", "", "n", "r", "t", "s", "m", "l", "k")
FUNCTION_WORDS = ("the", "of", "and", "to", "in", "a", "that", "is", "for", "on", "e", "të", "në", "dhe", "për",
                  "që", "me", "nga", "se", "i", "një", "was", "with", "by", "as")  # fmt: skip
OUTLET_KINDS = ("Times", "Post", "News", "Daily", "Herald", "Press", "Online", "Gazette", "Voice", "Observer")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
SENTENCE_ENDS = (".", ".", ".", ".", "?", ":")


def syllables(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(count))


def capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


@dataclass
class World:
    """What every article draws from: vocabulary with Zipf weights, outlets, journalists."""

    words: list[str]
    weights: list[float]
    outlets: list[str]
    journalists: list[str]

    @classmethod
    def make(cls, rng: random.Random) -> World:
        found: set[str] = set(FUNCTION_WORDS)
        while len(found) < VOCABULARY:
            found.add(syllables(rng, rng.choice((1, 2, 2, 3, 3, 3, 4))))
        rest = sorted(found - set(FUNCTION_WORDS))  # sets iterate in an order that changes between runs
        rng.shuffle(rest)
        words = list(FUNCTION_WORDS) + rest
        weights = list(accumulate(1.0 / (rank + 1) for rank in range(len(words))))
        outlets = [f"{capitalised(syllables(rng, 2))} {rng.choice(OUTLET_KINDS)}" for _ in range(OUTLETS)]
        journalists = [f"{capitalised(syllables(rng, 2))} {capitalised(syllables(rng, 3))}" for _ in range(JOURNALISTS)]
        return cls(words, weights, outlets, journalists)

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.weights, k=count)


def punctuate(rng: random.Random, tokens: list[str]) -> str:
    """Cut tokens into sentences (capitalised, commas, end marks) and paragraphs of 3-6 sentences."""
    paragraphs: list[str] = []
    sentences: list[str] = []
    position, paragraph_size = 0, rng.randint(3, 6)
    while position < len(tokens):
        sentence = tokens[position : position + rng.randint(8, 28)]
        position += len(sentence)
        sentence[0] = capitalised(sentence[0])
        if len(sentence) > 6 and rng.random() < 0.5:
            sentence[rng.randrange(2, len(sentence) - 2)] += ","
        sentences.append(" ".join(sentence) + rng.choice(SENTENCE_ENDS))
        if len(sentences) == paragraph_size:
            paragraphs.append(" ".join(sentences))
            sentences, paragraph_size = [], rng.randint(3, 6)
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


@dataclass
class Parts:
    title: list[str]
    body: list[str]
    outlet: str
    day: int  # days since 1 January 2024


def render(rng: random.Random, world: World, parts: Parts) -> str:
    month, day = divmod(parts.day, 28)
    title = capitalised(" ".join(parts.title))
    date = f"{day + 1} {MONTHS[month % 12]} {2024 + month // 12}"
    header = f"{parts.outlet} | {date} | By {rng.choice(world.journalists)}"
    footer = (
        f"© {2024 + month // 12} {parts.outlet}. All rights reserved. "
        "Republishing this article without written permission is prohibited."
    )
    return "\n\n".join((title, header, punctuate(rng, list(parts.body)), footer))


def edited(rng: random.Random, world: World, parts: Parts) -> Parts:
    """A copy of an article under another outlet, with its body edited at a drawn rate."""
    tier = rng.random()
    rate = 0.0 if tier < 0.25 else rng.uniform(0.0, 0.02) if tier < 0.65 else rng.uniform(0.02, 0.15)
    shares = [rng.random() + 0.05 for _ in range(3)]
    substitute, insert, delete = (rate * s / sum(shares) for s in shares)
    body: list[str] = []
    for token in parts.body:
        draw = rng.random()
        if draw >= delete:
            body.append(world.draw(rng, 1)[0] if draw < delete + substitute else token)
        if rng.random() < insert:
            body.append(world.draw(rng, 1)[0])
    if rng.random() < 0.25:
        body = body[: int(len(body) * rng.uniform(0.5, 0.95))]
    if rng.random() < 0.10:
        body = world.draw(rng, rng.randint(30, 80)) + body
    title = list(parts.title)
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            title[rng.randrange(len(title))] = world.draw(rng, 1)[0]
    outlet = rng.choice([o for o in world.outlets if o != parts.outlet])
    return Parts(title, body, outlet, parts.day + rng.choice((0, 0, 1, 2)))


@dataclass
class Article:
    id: int
    text: str
    source: int | None = None  # the original this one copies
    gold: float | None = None  # exact 5-shingle Jaccard with the original


def exact_shingles(text: str) -> np.ndarray:
    return shingles(presswatch_word_ids(text), MINHASH_SHINGLE)


def articles(count: int) -> Iterator[Article]:
    """`count` articles, always the same ones, one at a time."""
    rng = random.Random(SEED)
    world = World.make(rng)
    recent: deque[tuple[int, Parts, str]] = deque(maxlen=WINDOW)  # originals not copied yet
    for number in range(count):
        if len(recent) > 50 and rng.random() < DERIVED_SHARE:
            place = rng.randrange(len(recent))
            source, parts, source_text = recent[place]
            del recent[place]
            text = render(rng, world, edited(rng, world, parts))
            yield Article(number, text, source, jaccard(exact_shingles(source_text), exact_shingles(text)))
            continue
        parts = Parts(
            world.draw(rng, rng.randint(6, 12)),
            world.draw(rng, rng.randint(*BODY_WORDS)),
            rng.choice(world.outlets),
            number * 365 // max(count, 1),
        )
        text = render(rng, world, parts)
        recent.append((number, parts, text))
        yield Article(number, text)


# ---- the sides ---------------------------------------------------------------------------------


@dataclass
class Side:
    name: str
    documents: int = 0
    shingles_s: float = 0.0  # text to shingles: tokenising, folding, hashing
    signature_s: float = 0.0
    index_s: float = 0.0
    pairs: set[tuple[int, int]] = field(default_factory=set)

    @property
    def seconds(self) -> float:
        return self.shingles_s + self.signature_s + self.index_s

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


class Presswatch:
    """presswatch's fingerprints, a batch at a time; band keys in a dict laid out like the lsh_buckets table."""

    def __init__(self) -> None:
        self.side = Side("presswatch")
        self.buckets: dict[tuple[int, int], list[int]] = {}

    def run(self, batch: list[Article]) -> list[np.ndarray]:
        side, clock = self.side, time.perf_counter
        start = clock()
        shingle_sets = minhash_shingles([article.text for article in batch])
        shingled = clock()
        keys = bands_of(minhashes(shingle_sets)).tolist()
        signed = clock()
        found: list[set[int]] = []
        for article, article_keys in zip(batch, keys, strict=True):
            candidates: set[int] = set()  # SELECT article_id ... WHERE (band, bucket) IN (...), then INSERT
            for band, key in enumerate(article_keys):
                bucket = self.buckets.get((band, key))
                if bucket is None:
                    self.buckets[(band, key)] = [article.id]
                else:
                    candidates.update(bucket)
                    bucket.append(article.id)
            found.append(candidates)
        done = clock()
        side.shingles_s += shingled - start
        side.signature_s += signed - shingled
        side.index_s += done - signed
        side.documents += len(batch)
        for article, candidates in zip(batch, found, strict=True):
            side.pairs.update((other, article.id) for other in candidates)
        return shingle_sets

    def index_entries(self) -> int:
        return sum(len(v) for v in self.buckets.values())

    def index_bytes(self) -> int:
        size = sys.getsizeof(self.buckets) + self.side.documents * sys.getsizeof(2**40)  # the ids, shared
        for key, ids in self.buckets.items():
            size += sys.getsizeof(key) + sys.getsizeof(key[1]) + sys.getsizeof(ids)
        return size


def datasketch_shingles(text: str) -> list[bytes]:
    """The same folded words as presswatch's, five at a time, as UTF-8 bytes."""
    words = WORD.findall(fold(text))
    if len(words) <= MINHASH_SHINGLE:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i : i + MINHASH_SHINGLE]).encode("utf-8") for i in range(len(words) - MINHASH_SHINGLE + 1)]


class Datasketch:
    def __init__(self, name: str) -> None:
        self.side = Side(name)
        self.lsh = MinHashLSH(threshold=GOLD_JACCARD, num_perm=PERMUTATIONS, params=(BANDS, ROWS))

    def run_loop(self, article: Article) -> MinHash:
        """One article: a fresh MinHash and one update() per shingle, as datasketch's documentation shows."""
        side, clock = self.side, time.perf_counter
        start = clock()
        shingle_bytes = datasketch_shingles(article.text)
        shingled = clock()
        signature = MinHash(num_perm=PERMUTATIONS)
        for shingle in shingle_bytes:
            signature.update(shingle)
        side.shingles_s += shingled - start
        side.signature_s += clock() - shingled
        self._index(article, signature)
        return signature

    def run_bulk(self, batch: list[Article]) -> list[tuple[MinHash, list[bytes]]]:
        """A batch: MinHash.bulk, datasketch's way to make many signatures (update_batch on each set)."""
        side, clock = self.side, time.perf_counter
        start = clock()
        shingle_lists = [datasketch_shingles(article.text) for article in batch]
        shingled = clock()
        signatures = MinHash.bulk(shingle_lists, num_perm=PERMUTATIONS)
        side.shingles_s += shingled - start
        side.signature_s += clock() - shingled
        for article, signature in zip(batch, signatures, strict=True):
            self._index(article, signature)
        return list(zip(signatures, shingle_lists, strict=True))

    def _index(self, article: Article, signature: MinHash) -> None:
        start = time.perf_counter()
        candidates = self.lsh.query(signature)
        self.lsh.insert(article.id, signature)
        self.side.index_s += time.perf_counter() - start
        self.side.documents += 1
        self.side.pairs.update((other, article.id) for other in candidates)

    def index_entries(self) -> int:
        return sum(len(ids) for table in self.lsh.hashtables for ids in table._dict.values())

    def index_bytes(self) -> int:
        size = sys.getsizeof(self.lsh.keys._dict) + self.side.documents * sys.getsizeof(2**40)
        for bands in self.lsh.keys._dict.values():
            size += sys.getsizeof(bands) + sum(sys.getsizeof(b) for b in bands)
        for table in self.lsh.hashtables:
            size += sys.getsizeof(table._dict) + sum(sys.getsizeof(ids) for ids in table._dict.values())
        return size  # band bytes held by both the keys and the tables are counted once (in the keys)


# ---- checks ------------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sample_pairs(sample: dict[int, np.ndarray], planted: set[tuple[int, int]]) -> dict[str, Any]:
    """Exact Jaccard of every pair of sampled articles sharing a shingle (the others have J = 0)."""
    ids = sorted(sample)
    uniques = [np.unique(sample[i]) for i in ids]
    owners = np.concatenate([np.full(len(u), n, dtype=np.int64) for n, u in enumerate(uniques)])
    hashes = np.concatenate(uniques)
    order = np.argsort(hashes, kind="stable")
    hashes, owners = hashes[order], owners[order]
    starts = np.flatnonzero(np.diff(hashes, prepend=hashes[:1] - 1) != 0)
    ends = np.append(starts[1:], len(hashes))
    shared: dict[tuple[int, int], int] = {}
    for start, end in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
        group = owners[start:end].tolist()
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                pair = (group[x], group[y])
                shared[pair] = shared.get(pair, 0) + 1
    best, at_gold, sharing = 0.0, 0, 0
    for (x, y), common in shared.items():
        if (ids[x], ids[y]) in planted:
            continue
        sharing += 1
        similarity = common / (len(uniques[x]) + len(uniques[y]) - common)
        best = max(best, similarity)
        at_gold += similarity >= GOLD_JACCARD
    pairs = len(ids) * (len(ids) - 1) // 2 - sum((ids[x], ids[y]) in planted for x, y in shared)
    return {"articles": len(ids), "pairs": pairs, "sharing_a_shingle": sharing, "max": best, "at_gold": at_gold}


def check_unplanted(count: int, pairs: set[tuple[int, int]]) -> list[float]:
    """Exact Jaccard of candidate pairs that were not planted, by generating the stream again."""
    if not pairs:
        return []
    needed = {i for pair in pairs for i in pair}
    last_use: dict[int, int] = {}
    for a, b in pairs:
        last_use[a] = max(last_use.get(a, 0), b)
    kept: dict[int, np.ndarray] = {}
    found: list[float] = []
    for article in articles(min(count, max(needed) + 1)):
        if article.id not in needed:
            continue
        hashes = exact_shingles(article.text)
        found += [jaccard(kept[a], hashes) for a, b in pairs if b == article.id]
        if article.id in last_use:
            kept[article.id] = hashes
    return found


# ---- the run -----------------------------------------------------------------------------------

BINS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))


def banding_probability(j: float) -> float:
    return 1.0 - (1.0 - j**ROWS) ** BANDS


def measure(count: int, loop_every: int, batch_size: int) -> dict[str, Any]:
    ours = Presswatch()
    bulk = Datasketch("datasketch bulk")
    loop = Datasketch("datasketch update loop")
    planted: dict[tuple[int, int], float] = {}
    stride = max(1, count // SAMPLE_SIZE)
    sample: dict[int, np.ndarray] = {}
    words = generation_s = 0.0
    mismatched_signatures = mismatched_shingles = loop_checked = 0
    memory: list[dict[str, Any]] = []
    stream = articles(count)
    gc.collect()
    gc.disable()
    began = time.perf_counter()
    try:
        while True:
            start = time.perf_counter()
            batch = list(islice(stream, batch_size))
            generation_s += time.perf_counter() - start
            if not batch:
                break
            planted.update({(a.source, a.id): a.gold for a in batch if a.source is not None and a.gold is not None})
            shingle_sets = ours.run(batch)
            signed = bulk.run_bulk(batch)
            for article, hashes, (bulk_signature, shingle_bytes) in zip(batch, shingle_sets, signed, strict=True):
                words += len(hashes) + MINHASH_SHINGLE - 1
                if article.id % stride == 0:
                    sample[article.id] = hashes.copy()  # a view would keep its whole batch alive
                if article.id % loop_every == 0:
                    loop_signature = loop.run_loop(article)
                    loop_checked += 1
                    mismatched_signatures += not np.array_equal(loop_signature.hashvalues, bulk_signature.hashvalues)
                    mismatched_shingles += len(set(shingle_bytes)) != len(np.unique(hashes))
            done = batch[-1].id + 1
            if done // CHECKPOINT > (done - len(batch)) // CHECKPOINT or done == count:
                memory.append(checkpoint(done, ours, bulk, loop))
    finally:
        gc.enable()
    wall = time.perf_counter() - began
    gold = {pair for pair, j in planted.items() if j >= GOLD_JACCARD}
    unplanted = (ours.side.pairs | bulk.side.pairs | loop.side.pairs) - planted.keys()
    unplanted_jaccard = check_unplanted(count, unplanted)
    return {
        "documents": ours.side.documents,
        "words_per_document": words / max(ours.side.documents, 1),
        "generation_s": generation_s,
        "wall_s": wall,
        "loop_every": loop_every,
        "planted_pairs": len(planted),
        "gold_pairs": len(gold),
        "planted_jaccard_bins": {f"{lo:.1f}-{min(hi, 1.0):.1f}": n for (lo, hi), n in bin_counts(planted).items()},
        "sides": {
            ours.side.name: side_figures(ours.side, planted, gold),
            loop.side.name: side_figures(loop.side, subset(planted, loop_every), subset(gold, loop_every)),
            bulk.side.name: side_figures(bulk.side, planted, gold),
        },
        "batch": batch_size,
        "ratio_update_loop": ours.side.rate / loop.side.rate if loop.side.rate else None,
        "ratio_bulk": ours.side.rate / bulk.side.rate if bulk.side.rate else None,
        "speed_goal": SPEED_GOAL,
        "recall_goal": RECALL_GOAL,
        "loop_signatures_checked": loop_checked,
        "loop_signatures_differing_from_bulk": mismatched_signatures,
        "shingle_counts_differing": mismatched_shingles,
        "unplanted_candidate_pairs": len(unplanted),
        "unplanted_candidates_max_jaccard": max(unplanted_jaccard, default=None),
        "unplanted_candidates_at_gold": sum(j >= GOLD_JACCARD for j in unplanted_jaccard),
        "sample": sample_pairs(sample, set(planted)),
        "memory": memory,
    }


def subset(pairs, every: int):
    """The pairs both of whose articles the update loop saw."""
    kept = [p for p in pairs if p[0] % every == 0 and p[1] % every == 0]
    return {p: pairs[p] for p in kept} if isinstance(pairs, dict) else set(kept)


def bin_counts(planted: dict[tuple[int, int], float], among: set[tuple[int, int]] | None = None) -> dict:
    counts = {edges: 0 for edges in BINS}
    for pair, j in planted.items():
        if among is None or pair in among:
            counts[next(e for e in BINS if e[0] <= j < e[1])] += 1
    return counts


def side_figures(side: Side, planted: dict[tuple[int, int], float], gold: set[tuple[int, int]]) -> dict[str, Any]:
    found = bin_counts(planted, side.pairs)
    total = bin_counts(planted)
    return {
        "documents": side.documents,
        "seconds": side.seconds,
        "shingles_s": side.shingles_s,
        "signature_s": side.signature_s,
        "index_s": side.index_s,
        "documents_per_s": side.rate,
        "candidate_pairs": len(side.pairs),
        "planted_candidates": len(side.pairs & planted.keys()),
        "gold_pairs": len(gold),
        "gold_found": len(side.pairs & gold),
        "recall": len(side.pairs & gold) / len(gold) if gold else None,
        "recall_by_jaccard": {
            f"{lo:.1f}-{min(hi, 1.0):.1f}": found[(lo, hi)] / total[(lo, hi)] if total[(lo, hi)] else None
            for lo, hi in BINS
        },  # fmt: skip
    }


def checkpoint(documents: int, ours: Presswatch, bulk: Datasketch, loop: Datasketch) -> dict[str, Any]:
    indexes = ours.index_bytes() + bulk.index_bytes() + loop.index_bytes()
    rss = rss_mb()
    return {
        "documents": documents,
        "rss_mb": rss,
        "index_entries": {
            "presswatch": ours.index_entries(),
            "bulk": bulk.index_entries(),
            "update_loop": loop.index_entries(),
        },  # fmt: skip
        "indexes_mb": indexes / 2**20,
        "rss_minus_indexes_mb": rss - indexes / 2**20,
    }


# ---- report ------------------------------------------------------------------------------------


def lines_of(f: dict[str, Any]) -> list[str]:
    pw, lp, bt = (f["sides"][n] for n in ("presswatch", "datasketch update loop", "datasketch bulk"))
    ratio_loop, ratio_batch = f["ratio_update_loop"], f["ratio_bulk"]
    bins = ", ".join(f"{k}: {v:,}" for k, v in f["planted_jaccard_bins"].items())
    out = [
        f"documents:               {f['documents']:,} ({f['words_per_document']:.0f} words per document, mean;"
        f" generation and gold {f['generation_s']:.1f} s, not timed; wall {f['wall_s']:.0f} s)",
        f"planted pairs:           {f['planted_pairs']:,} by exact 5-shingle Jaccard ({bins});"
        f" gold (J >= {GOLD_JACCARD}): {f['gold_pairs']:,}",
        f"banding:                 {PERMUTATIONS} permutations, {BANDS} bands x {ROWS} rows on every side;"
        f" P(candidate) = {banding_probability(0.5):.3f} at J 0.5, {banding_probability(0.8):.7f} at J 0.8",
    ]
    for side in (pw, lp, bt):
        name = next(n for n, s in f["sides"].items() if s is side)
        scope = (
            f" (batches of {f['batch']})" if side is not lp else f" (every {f['loop_every']}th document, one at a time)"
        )
        out.append(
            f"{name + ':':<24} {side['documents_per_s']:,.1f} docs/s over {side['documents']:,} docs{scope}"
            f" ({side['seconds']:.1f} s: shingles {side['shingles_s']:.1f}, signature {side['signature_s']:.1f},"
            f" index {side['index_s']:.1f})"
        )
    out += [
        f"ratio vs update loop:    {ratio_loop:.1f}x; goal >= {SPEED_GOAL:.0f}x:"
        f" {'met' if ratio_loop >= SPEED_GOAL else 'NOT met'}"
        if ratio_loop
        else "ratio vs update loop:    n/a",
        f"ratio vs bulk:           {ratio_batch:.1f}x" if ratio_batch else "ratio vs bulk:           n/a",
        f"update loop = bulk:      {f['loop_signatures_checked'] - f['loop_signatures_differing_from_bulk']:,}"
        f" of {f['loop_signatures_checked']:,} signatures identical; shingle set sizes differing from presswatch's:"
        f" {f['shingle_counts_differing']:,}",
    ]
    for side in (pw, bt, lp):
        name = next(n for n, s in f["sides"].items() if s is side)
        recall = side["recall"]
        goal = "" if recall is None else f"; goal >= {RECALL_GOAL}: {'met' if recall >= RECALL_GOAL else 'NOT met'}"
        by = ", ".join(f"{k}: {'-' if v is None else f'{v:.3f}'}" for k, v in side["recall_by_jaccard"].items())
        scope = " (its own subset: both articles must be in it)" if side is lp else ""
        out.append(
            f"{name + ':':<24} recall at J >= {GOLD_JACCARD}: "
            + ("n/a" if recall is None else f"{recall:.4f} ({side['gold_found']:,} of {side['gold_pairs']:,})")
            + f"{goal}{scope}; {side['candidate_pairs']:,} candidate pairs ({side['planted_candidates']:,} planted);"
            f" share of planted pairs found by J: {by}"
        )
    s = f["sample"]
    checked = f["unplanted_candidates_max_jaccard"]
    out += [
        f"unplanted pairs:         {f['unplanted_candidate_pairs']:,} candidate pairs on any side were not planted"
        + (
            f" (exact Jaccard after regenerating: max {checked:.3f}, {f['unplanted_candidates_at_gold']} >= 0.8)"
            if checked is not None
            else ""
        ),
        f"                         sample of {s['articles']:,} articles, {s['pairs']:,} unplanted pairs:"
        f" {s['sharing_a_shingle']:,} share a shingle, max exact Jaccard {s['max']:.4f}, {s['at_gold']} >= 0.8",
        "memory (VmRSS):          documents, RSS MB, index entries (presswatch / bulk / update loop),"
        " indexes MB (getsizeof estimate, without allocator rounding of ~15-20%), RSS - indexes MB",
    ]
    for m in f["memory"]:
        e = m["index_entries"]
        out.append(
            f"                         {m['documents']:>7,}  {m['rss_mb']:7.0f}  {e['presswatch']:>9,} /"
            f" {e['bulk']:>9,} / {e['update_loop']:>9,}  {m['indexes_mb']:6.0f}"
            f"  {m['rss_minus_indexes_mb']:6.0f}"
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000, help="articles to stream (default 50000)")
    parser.add_argument("--loop-every", type=int, default=LOOP_EVERY, help="update loop on every Nth article (5)")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"articles per batch ({BATCH}, the reuse stage's)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    figures = measure(max(1, options.docs), max(1, options.loop_every), max(1, options.batch))
    print(json.dumps(figures, indent=2) if options.json else "\n".join(lines_of(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
