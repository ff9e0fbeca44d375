"""Near-duplicate detection speed and recall: presswatch's fingerprints against datasketch and rensa.

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
  shingles, and every candidate pair any side returns that is not planted
  is checked after the run by generating the stream again (same seed) and
  computing its exact Jaccard.
* The same parameters on every side: the folded words of presswatch (`fold`,
  the `\\w+` tokeniser), 5 at a time (one shingle per run of 5 words; the same
  sets on every side, checked per article), 128 permutations, 32 bands of 4
  rows, threshold 0.8. Every side gets the same batches of `--batch` articles
  (default 100, the reuse stage's batch) and finds, article by article in
  stream order, the earlier articles that share a band with it: its candidate
  pairs. Each side does its whole job from the text, shingles included.
* presswatch: `bands_of(minhashes(minhash_shingles(texts)))` for the batch
  (one-permutation MinHash with densification, band keys that mix in their
  band), then per article a lookup and insert of its 32 keys in an in-memory
  dict {key: article ids}, which is what the reuse stage does with its SQLite
  table `lsh_buckets(band, bucket, article_id)` (the SQL round trips are not
  measured here).
* datasketch, as its documentation gives it for many sets: the shingles as
  UTF-8 bytes, `MinHash.bulk(shingle lists, num_perm=128)` (which copies one
  initialised MinHash and calls `update_batch()`, its vectorised update, per
  set; default hash sha1_hash32 and permutation scheme), then per article
  `query()` and `insert()` in a `MinHashLSH(threshold=0.8, num_perm=128,
  params=(32, 4))` (with `params`, the threshold is not used). The insertion
  session the documentation advises for bulk insertion saves round trips to
  Redis or Cassandra; in memory it measured no faster, so it is not used.
* rensa (R-MinHash, its fastest variant by its README), two ways:
  "rensa": the shingles as str tokens (rensa hashes them itself),
  `RMinHash.from_token_sets(shingle lists, num_perm=128, seed=42)` (its batch
  constructor), then per article `query()` and `insert()` in an
  `RMinHashLSH(threshold=0.8, num_perm=128, num_bands=32)`;
  "rensa on presswatch shingles": the same, given presswatch's 64-bit
  shingle hashes (`minhash_shingles`, timed on its side) as 8-byte tokens,
  so that text to shingles costs it what it costs presswatch and the rest
  measures rensa's signatures and index against ours. rensa's digest-matrix
  functions take hashes without Python objects but give no way to get the
  candidates of an article (only duplicate flags), which the reuse stage
  needs, so they are not used.
* One run, one stream: each batch is generated once and given to every side
  in turn; each side's own work is timed with perf_counter (wall) and
  process_time (CPU: above wall when a side uses threads; rensa may). The
  generation, the gold and the checks are not timed. The garbage collector is
  off during the stream (nothing here makes cycles), so a collection of the
  growing indexes is not billed to whichever side happened to trigger it.
* Memory: the process RSS (VmRSS from /proc/self/status) every 10,000
  articles, with the entry count of presswatch's index and a sys.getsizeof
  estimate of its size (the peers' indexes are in the same process).

The goals from the issue: presswatch articles/s >= 20x datasketch's and >= rensa's
(both ways), and recall >= 0.95 of the planted pairs with J >= 0.8. Nothing is
asserted: the script prints and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from itertools import accumulate, islice, repeat
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH
from rensa import RMinHash, RMinHashLSH

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
SPEED_GOALS = {"datasketch": 20.0, "rensa": 1.0, "rensa on presswatch shingles": 1.0}
RECALL_GOAL = 0.95
ROWS = PERMUTATIONS // BANDS
RENSA_SEED = 42  # the seed of rensa's README
CHECKPOINT = 10_000
SAMPLE_SIZE = 1_500
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

STEPS = ("shingles", "signature", "index")


@dataclass
class Side:
    name: str
    documents: int = 0
    steps: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STEPS, 0.0))  # wall seconds
    cpu_s: float = 0.0  # process CPU seconds over the side's work, every thread
    pairs: set[tuple[int, int]] = field(default_factory=set)

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @contextmanager
    def timing(self, documents: int) -> Iterator[Callable[[str], None]]:
        """Time the work inside: `lap(step)` bills the wall time since the last lap to that step."""
        clock = time.perf_counter
        last = [clock()]
        started_cpu = time.process_time()

        def lap(step: str) -> None:
            now = clock()
            self.steps[step] += now - last[0]
            last[0] = now

        yield lap
        self.cpu_s += time.process_time() - started_cpu
        self.documents += documents

    def found(self, batch: list[Article], candidates: list[Any]) -> None:
        for article, others in zip(batch, candidates, strict=True):
            self.pairs.update((other, article.id) for other in others)


class Presswatch:
    """presswatch's fingerprints, a batch at a time; band keys in a dict laid out like the lsh_buckets table."""

    def __init__(self) -> None:
        self.side = Side("presswatch")
        self.buckets: dict[int, int | list[int]] = {}  # band key -> article id, or ids once shared

    def run(self, batch: list[Article]) -> list[np.ndarray]:
        with self.side.timing(len(batch)) as lap:
            shingle_sets = minhash_shingles([article.text for article in batch])
            lap("shingles")
            keys = bands_of(minhashes(shingle_sets)).tolist()
            lap("signature")
            candidates = [self._index(article.id, row) for article, row in zip(batch, keys, strict=True)]
            lap("index")
        self.side.found(batch, candidates)
        return shingle_sets

    def _index(self, article_id: int, keys: list[int]) -> set[int]:
        """SELECT article_id ... WHERE (band, bucket) IN (...), then INSERT: the ids already under its keys.

        Band keys mix in their band, so one dict holds every band."""
        buckets = self.buckets
        if buckets.keys().isdisjoint(keys):  # most articles share no bucket with an earlier one
            buckets.update(zip(keys, repeat(article_id)))
            return set()
        found: set[int] = set()
        for key in keys:
            ids = buckets.get(key)
            if ids is None:
                buckets[key] = article_id
            elif isinstance(ids, int):
                found.add(ids)
                buckets[key] = [ids, article_id]
            else:
                found.update(ids)
                ids.append(article_id)
        return found

    def index_entries(self) -> int:
        return sum(1 if isinstance(ids, int) else len(ids) for ids in self.buckets.values())

    def index_bytes(self) -> int:
        size = sys.getsizeof(self.buckets) + self.side.documents * sys.getsizeof(2**40)  # the ids, shared
        for key, ids in self.buckets.items():
            size += sys.getsizeof(key) + (0 if isinstance(ids, int) else sys.getsizeof(ids))
        return size


def folded_words(text: str) -> list[str]:
    """presswatch's words: folded, then split by its tokeniser."""
    return WORD.findall(fold(text))


def shingle_strings(text: str) -> list[str]:
    """The same folded words as presswatch's, five at a time, joined by a space (a text of fewer words: one)."""
    words = folded_words(text)
    if len(words) <= MINHASH_SHINGLE:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + MINHASH_SHINGLE]) for i in range(len(words) - MINHASH_SHINGLE + 1)]


def shingle_bytes(text: str) -> list[bytes]:
    """The shingles as UTF-8 bytes, what datasketch's update takes."""
    words = folded_words(text)
    if len(words) <= MINHASH_SHINGLE:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i : i + MINHASH_SHINGLE]).encode("utf-8") for i in range(len(words) - MINHASH_SHINGLE + 1)]


class Datasketch:
    """datasketch: MinHash.bulk (update_batch per set) over the batch, then per article query and insert."""

    def __init__(self) -> None:
        self.side = Side("datasketch")
        self.lsh = MinHashLSH(threshold=GOLD_JACCARD, num_perm=PERMUTATIONS, params=(BANDS, ROWS))

    def run(self, batch: list[Article]) -> list[list[bytes]]:
        with self.side.timing(len(batch)) as lap:
            shingle_lists = [shingle_bytes(article.text) for article in batch]
            lap("shingles")
            signatures = MinHash.bulk(shingle_lists, num_perm=PERMUTATIONS)
            lap("signature")
            candidates = []
            for article, signature in zip(batch, signatures, strict=True):
                candidates.append(self.lsh.query(signature))
                self.lsh.insert(article.id, signature)
            lap("index")
        self.side.found(batch, candidates)
        return shingle_lists

    def index_entries(self) -> int:
        return sum(len(ids) for table in self.lsh.hashtables for ids in table._dict.values())


class Rensa:
    """rensa's R-MinHash: RMinHash.from_token_sets over the batch, then per article query and insert."""

    def __init__(self, name: str, tokens: Callable[[list[Article]], list[list[Any]]]) -> None:
        self.side = Side(name)
        self.tokens = tokens
        self.lsh = RMinHashLSH(threshold=GOLD_JACCARD, num_perm=PERMUTATIONS, num_bands=BANDS)

    def run(self, batch: list[Article]) -> list[list[Any]]:
        with self.side.timing(len(batch)) as lap:
            token_lists = self.tokens(batch)
            lap("shingles")
            sketches = RMinHash.from_token_sets(token_lists, num_perm=PERMUTATIONS, seed=RENSA_SEED)
            lap("signature")
            candidates = []
            for article, sketch in zip(batch, sketches, strict=True):
                candidates.append(self.lsh.query(sketch))
                self.lsh.insert(article.id, sketch)
            lap("index")
        self.side.found(batch, candidates)
        return token_lists


def rensa_text_tokens(batch: list[Article]) -> list[list[str]]:
    return [shingle_strings(article.text) for article in batch]


def rensa_hash_tokens(batch: list[Article]) -> list[list[bytes]]:
    """presswatch's shingle hashes as 8-byte tokens (numpy's S8 view; 8-byte values stay distinct)."""
    return [hashes.view("S8").tolist() for hashes in minhash_shingles([article.text for article in batch])]


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


def measure(count: int, batch_size: int) -> dict[str, Any]:
    ours, datasketch = Presswatch(), Datasketch()
    rensa = Rensa("rensa", rensa_text_tokens)
    rensa_ours = Rensa("rensa on presswatch shingles", rensa_hash_tokens)
    peers: list[Datasketch | Rensa] = [datasketch, rensa, rensa_ours]
    planted: dict[tuple[int, int], float] = {}
    stride = max(1, count // SAMPLE_SIZE)
    sample: dict[int, np.ndarray] = {}
    words = generation_s = 0.0
    differing = {peer.side.name: 0 for peer in peers}  # articles whose shingle set size is not presswatch's
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
            set_sizes = [len(np.unique(hashes)) for hashes in shingle_sets]
            for peer in peers:
                tokens = peer.run(batch)
                differing[peer.side.name] += sum(
                    len(set(theirs)) != size for theirs, size in zip(tokens, set_sizes, strict=True)
                )
            for article, hashes in zip(batch, shingle_sets, strict=True):
                words += len(hashes) + MINHASH_SHINGLE - 1
                if article.id % stride == 0:
                    sample[article.id] = hashes.copy()  # a view would keep its chunk alive
            done = batch[-1].id + 1
            if done // CHECKPOINT > (done - len(batch)) // CHECKPOINT or done == count:
                memory.append(checkpoint(done, ours, datasketch))
    finally:
        gc.enable()
    wall = time.perf_counter() - began
    gold = {pair for pair, j in planted.items() if j >= GOLD_JACCARD}
    unplanted = set().union(*(side.pairs for side in [ours.side] + [p.side for p in peers])) - planted.keys()
    unplanted_jaccard = check_unplanted(count, unplanted)
    sides = [ours.side] + [peer.side for peer in peers]
    return {
        "documents": ours.side.documents,
        "words_per_document": words / max(ours.side.documents, 1),
        "generation_s": generation_s,
        "wall_s": wall,
        "batch": batch_size,
        "parameters": parameters(),
        "planted_pairs": len(planted),
        "gold_pairs": len(gold),
        "planted_jaccard_bins": {f"{lo:.1f}-{min(hi, 1.0):.1f}": n for (lo, hi), n in bin_counts(planted).items()},
        "sides": {side.name: side_figures(side, planted, gold) for side in sides},
        "ratios": {
            peer.side.name: {
                "wall": ours.side.rate / peer.side.rate if peer.side.rate else None,
                "cpu": peer.side.cpu_s / ours.side.cpu_s if ours.side.cpu_s else None,
                "goal": SPEED_GOALS[peer.side.name],
            }
            for peer in peers
        },
        "recall_goal": RECALL_GOAL,
        "shingle_sets_differing": differing,
        "unplanted_candidate_pairs": len(unplanted),
        "unplanted_candidates_max_jaccard": max(unplanted_jaccard, default=None),
        "unplanted_candidates_at_gold": sum(j >= GOLD_JACCARD for j in unplanted_jaccard),
        "sample": sample_pairs(sample, set(planted)),
        "memory": memory,
    }


def parameters() -> dict[str, Any]:
    probe = MinHash(num_perm=PERMUTATIONS)
    return {
        "permutations": PERMUTATIONS,
        "shingle_words": MINHASH_SHINGLE,
        "bands": BANDS,
        "rows": ROWS,
        "threshold": GOLD_JACCARD,
        "datasketch_hash": f"{probe.hashfunc.__name__}, scheme {probe.scheme}, seed {probe.seed}",
        "rensa_seed": RENSA_SEED,
        "versions": {name: version(name) for name in ("presswatch", "numpy", "datasketch", "rensa")}
        | {"python": platform.python_version()},  # fmt: skip
    }


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
        **{f"{step}_s": side.steps[step] for step in STEPS},
        "cpu_s": side.cpu_s,
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


def checkpoint(documents: int, ours: Presswatch, datasketch: Datasketch) -> dict[str, Any]:
    index = ours.index_bytes()
    rss = rss_mb()
    return {
        "documents": documents,
        "rss_mb": rss,
        "index_entries": {"presswatch": ours.index_entries(), "datasketch": datasketch.index_entries()},
        "presswatch_index_mb": index / 2**20,
    }


# ---- report ------------------------------------------------------------------------------------


def lines_of(f: dict[str, Any]) -> list[str]:
    p = f["parameters"]
    bins = ", ".join(f"{k}: {v:,}" for k, v in f["planted_jaccard_bins"].items())
    versions = ", ".join(f"{name} {v}" for name, v in p["versions"].items())
    out = [
        f"documents:    {f['documents']:,} ({f['words_per_document']:.0f} words per document, mean), in batches of"
        f" {f['batch']}; generation and gold {f['generation_s']:.1f} s, not timed; wall {f['wall_s']:.0f} s",
        f"parameters:   {p['shingle_words']}-word shingles of folded words, {p['permutations']} permutations,"
        f" {p['bands']} bands x {p['rows']} rows, threshold {p['threshold']} on every side;"
        f" P(candidate) = {banding_probability(0.5):.3f} at J 0.5, {banding_probability(0.8):.7f} at J 0.8",
        f"              datasketch {p['datasketch_hash']}; rensa RMinHash seed {p['rensa_seed']}",
        f"versions:     {versions}",
        f"planted:      {f['planted_pairs']:,} pairs by exact 5-shingle Jaccard ({bins});"
        f" gold (J >= {GOLD_JACCARD}): {f['gold_pairs']:,}",
        "speed:        docs/s (wall seconds: shingles + signature + index; CPU seconds)",
    ]
    for name, side in f["sides"].items():
        out.append(
            f"  {name + ':':<31} {side['documents_per_s']:9,.1f} docs/s  ({side['seconds']:6.1f} s: shingles"
            f" {side['shingles_s']:.1f} + signature {side['signature_s']:.1f} + index {side['index_s']:.1f};"
            f" CPU {side['cpu_s']:.1f} s)"
        )
    out.append("ratio:        presswatch docs/s / peer docs/s (wall; CPU-seconds ratio beside it)")
    for name, ratio in f["ratios"].items():
        if ratio["wall"] is None:
            out.append(f"  vs {name + ':':<28} n/a")
            continue
        met = "met" if ratio["wall"] >= ratio["goal"] else "NOT met"
        out.append(
            f"  vs {name + ':':<28} {ratio['wall']:6.1f}x (CPU {ratio['cpu']:.1f}x); goal >= {ratio['goal']:g}x: {met}"
        )
    differing = ", ".join(f"{name} {n:,}" for name, n in f["shingle_sets_differing"].items())
    out.append(f"same shingles: articles whose shingle set size differs from presswatch's: {differing}")
    out.append(f"recall:       share of the {f['gold_pairs']:,} gold pairs (J >= {GOLD_JACCARD}) found as candidates")
    for name, side in f["sides"].items():
        recall = side["recall"]
        goal = "" if recall is None else f"; goal >= {RECALL_GOAL}: {'met' if recall >= RECALL_GOAL else 'NOT met'}"
        by = ", ".join(f"{k}: {'-' if v is None else f'{v:.3f}'}" for k, v in side["recall_by_jaccard"].items())
        out.append(
            f"  {name + ':':<31} "
            + ("n/a" if recall is None else f"{recall:.4f} ({side['gold_found']:,} of {side['gold_pairs']:,})")
            + f"{goal}; {side['candidate_pairs']:,} candidate pairs ({side['planted_candidates']:,} planted);"
            f" planted pairs found by J: {by}"
        )
    s = f["sample"]
    checked = f["unplanted_candidates_max_jaccard"]
    out += [
        f"unplanted:    {f['unplanted_candidate_pairs']:,} candidate pairs on any side were not planted"
        + (
            f" (exact Jaccard after regenerating: max {checked:.3f}, {f['unplanted_candidates_at_gold']} >= 0.8)"
            if checked is not None
            else ""
        ),
        f"              sample of {s['articles']:,} articles, {s['pairs']:,} unplanted pairs:"
        f" {s['sharing_a_shingle']:,} share a shingle, max exact Jaccard {s['max']:.4f}, {s['at_gold']} >= 0.8",
        "memory:       documents, VmRSS MB (all sides in one process), index entries (presswatch / datasketch),"
        " presswatch index MB (getsizeof estimate)",
    ]
    for m in f["memory"]:
        e = m["index_entries"]
        out.append(
            f"              {m['documents']:>7,}  {m['rss_mb']:7.0f}  {e['presswatch']:>9,} / {e['datasketch']:>9,}"
            f"  {m['presswatch_index_mb']:6.0f}"
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000, help="articles to stream (default 50000)")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"articles per batch ({BATCH}, the reuse stage's)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    figures = measure(max(1, options.docs), max(1, options.batch))
    print(json.dumps(figures, indent=2) if options.json else "\n".join(lines_of(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
