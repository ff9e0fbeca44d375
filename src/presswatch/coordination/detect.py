"""Detection: every pair of uses of a trace by two accounts at most W apart, aggregated per account pair.

Traces are streamed from `post_traces` sorted by (trace, time), one method at a time, in chunks that never
split a trace. Within a chunk the pairs come from a true sliding window (two pointers, vectorised with
`searchsorted`): no time buckets, so two uses a second apart are paired wherever they fall. Each use is paired
with at most `neighbours` following uses in the window, which bounds a viral trace to `neighbours` pairs per
use instead of n^2. The (pair, trace) records are spilled to disk in partitions by account pair, and each
partition is then aggregated on its own, so memory holds one chunk or one partition, never all pairs.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from sqlalchemy import Connection, and_, select

from ..store.schema import articles, post_traces, posts
from .chance import Activity, window_ends
from .outlets import article_traces
from .traces import CO_TEXT, METHODS, TEXT_BANDS, comparable, text_grams

CHUNK_ROWS = 200_000
PARTITIONS = 16
EVIDENCE_CAP = 100  # evidence items stored per edge; the weight counts them all
# Two texts that share an LSH band are near-identical only if their character 5-grams agree this much: a band
# collision of different texts is not evidence. 0.6 keeps a 20-word post with a few words changed.
TEXT_JACCARD = 0.6

RECORD = np.dtype(
    [
        ("pair", np.int64),  # a << 32 | b, a < b
        ("trace", np.int64),  # the trace's number in this run
        ("method", np.int8),
        ("time_a", np.int64),
        ("time_b", np.int64),
        ("post_a", np.int64),  # a post id; an article id negated with --include-articles
        ("post_b", np.int64),
    ]
)

OnProgress = Callable[[str, int], None]


@dataclass(frozen=True)
class Query:
    """What to detect on."""

    methods: tuple[str, ...]
    window_ms: int
    min_repeat: int
    neighbours: int  # 0: no bound
    since_ms: int | None = None
    until_ms: int | None = None
    platform: str | None = None
    with_articles: bool = False


@dataclass
class Chunk:
    """Uses of whole traces, sorted by (trace, time); `group` numbers the traces from 0."""

    names: np.ndarray  # object: the trace of each group
    group: np.ndarray
    account: np.ndarray
    at: np.ndarray
    post: np.ndarray


@dataclass
class Candidates:
    """Account pairs with at least `min_repeat` distinct traces in the window, and their evidence."""

    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray
    first_ms: np.ndarray
    last_ms: np.ndarray
    a_first: np.ndarray
    b_first: np.ndarray
    methods: np.ndarray  # bit mask over METHODS
    evidence: list[np.ndarray]  # RECORD rows, by time, at most EVIDENCE_CAP per pair
    pairs: int = 0  # account pairs with any trace in the window: the number of tests for the FDR cut
    activity: dict[str, Activity] = field(default_factory=dict)
    trace_names: dict[int, str] = field(default_factory=dict)
    # LSH band meetings per pair of posts whose texts met (in any band): how many times the exposure counted
    # each meeting of two texts. Near-copies with a few words changed share only some of the 16 bands.
    bands_per_text_pair: float = float(TEXT_BANDS)
    # Per account, the distinct traces it met others on, summed over every pair that met (not only candidates),
    # and their total: the configuration model of the chance test works in the units of an edge's weight.
    exposure: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    met: float = 0.0


def use_rows(connection: Connection, method: str, query: Query) -> Iterator[list[Any]]:
    """Lists of (trace, account, time, post) rows of one method, sorted by (trace, time)."""
    conditions = [post_traces.c.method == method]
    if query.since_ms is not None:
        conditions.append(post_traces.c.at_ms >= query.since_ms)
    if query.until_ms is not None:
        conditions.append(post_traces.c.at_ms < query.until_ms)
    columns = (post_traces.c.trace, post_traces.c.account_id, post_traces.c.at_ms, post_traces.c.post_id)
    statement: Any = select(*columns).where(and_(*conditions))
    if query.platform is not None:
        statement = statement.join(posts, posts.c.id == post_traces.c.post_id).where(posts.c.platform == query.platform)
    if query.with_articles:
        statement = statement.union_all(_article_rows(method, query)).order_by("trace", "at_ms")
    else:
        statement = statement.order_by(post_traces.c.trace, post_traces.c.at_ms)
    # options of this statement only: set on the connection they would stream its later INSERTs too (PostgreSQL)
    result = connection.execute(statement, execution_options={"stream_results": True, "yield_per": CHUNK_ROWS})
    for part in result.partitions(CHUNK_ROWS):
        yield [tuple(row) for row in part]


def _article_rows(method: str, query: Query) -> Any:
    table = article_traces  # a temporary table: it exists only on this connection
    conditions = [table.c.method == method]
    if query.since_ms is not None:
        conditions.append(table.c.at_ms >= query.since_ms)
    if query.until_ms is not None:
        conditions.append(table.c.at_ms < query.until_ms)
    return select(table.c.trace, table.c.account_id, table.c.at_ms, table.c.post_id).where(and_(*conditions))


def chunks(parts: Iterator[list[Any]]) -> Iterator[Chunk]:
    """Whole traces: the last trace of a part waits for the rest of its uses in the next part."""
    carry: list[Any] = []
    for part in parts:
        rows = carry + part
        if not rows:
            continue
        last = rows[-1][0]
        cut = len(rows)
        while cut > 0 and rows[cut - 1][0] == last:
            cut -= 1
        carry = rows[cut:]
        if cut:
            yield _chunk(rows[:cut])
    if carry:
        yield _chunk(carry)


def _chunk(rows: list[Any]) -> Chunk:
    trace, account, at, post = zip(*rows, strict=True)
    names = np.array(trace, dtype=object)
    new = np.ones(len(names), dtype=bool)
    new[1:] = names[1:] != names[:-1]
    return Chunk(
        names=names[new],
        group=np.cumsum(new) - 1,
        account=np.array(account, dtype=np.int64),
        at=np.array(at, dtype=np.int64),
        post=np.array(post, dtype=np.int64),
    )


def window_pairs(group: np.ndarray, at: np.ndarray, window_ms: int, neighbours: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (i, j), i < j, of every two uses of one trace at most `window_ms` apart (rows sorted by group, time)."""
    n = len(at)
    if n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    ends = window_ends(group, at, window_ms)
    count = ends - np.arange(n) - 1
    if neighbours:
        count = np.minimum(count, neighbours)
    total = int(count.sum())
    first = np.repeat(np.arange(n, dtype=np.int64), count)
    step = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    return first, first + 1 + step


def chunk_records(chunk: Chunk, method: int, trace_base: int, query: Query) -> np.ndarray:
    """The (pair, trace) records of one chunk: different accounts only, one per pair and trace (co-text: all)."""
    i, j = window_pairs(chunk.group, chunk.at, query.window_ms, query.neighbours)
    acc_i, acc_j = chunk.account[i], chunk.account[j]
    other = acc_i != acc_j
    i, j, acc_i, acc_j = i[other], j[other], acc_i[other], acc_j[other]
    swap = acc_i > acc_j
    lo, hi = np.where(swap, j, i), np.where(swap, i, j)
    records = np.empty(len(i), dtype=RECORD)
    records["pair"] = (chunk.account[lo] << 32) | chunk.account[hi]
    records["trace"] = chunk.group[i] + trace_base
    records["method"] = method
    records["time_a"], records["time_b"] = chunk.at[lo], chunk.at[hi]
    records["post_a"], records["post_b"] = chunk.post[lo], chunk.post[hi]
    if METHODS[method] == CO_TEXT:
        return records
    # The first meeting of a pair on a trace stands for the trace: the weight counts distinct traces.
    order = np.lexsort((records["trace"], records["pair"]))
    records = records[order]
    first = np.ones(len(records), dtype=bool)
    first[1:] = (records["pair"][1:] != records["pair"][:-1]) | (records["trace"][1:] != records["trace"][:-1])
    return records[first]


class Spill:
    """Records on disk, in partitions by account pair, and the names of the traces they point to."""

    def __init__(self, folder: Path) -> None:
        self.paths = [folder / f"part-{n}.bin" for n in range(PARTITIONS)]
        self.files: list[IO[bytes]] = [path.open("wb") for path in self.paths]
        self.names_path = folder / "traces.jsonl"
        self.names = self.names_path.open("w", encoding="utf-8")

    def write(self, records: np.ndarray, chunk: Chunk, trace_base: int) -> None:
        if not len(records):
            return
        part = (records["pair"] >> 32) + (records["pair"] & 0xFFFFFFFF)
        part %= PARTITIONS
        for n, handle in enumerate(self.files):
            records[part == n].tofile(handle)
        for number in np.unique(records["trace"]).tolist():
            self.names.write(json.dumps([number, chunk.names[number - trace_base]]) + "\n")

    def close(self) -> None:
        for handle in self.files:
            handle.close()
        self.names.close()

    def partitions(self) -> Iterator[np.ndarray]:
        for path in self.paths:
            yield np.fromfile(path, dtype=RECORD)

    def trace_names(self, wanted: set[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        with self.names_path.open(encoding="utf-8") as lines:
            for line in lines:
                number, name = json.loads(line)
                if number in wanted:
                    found[number] = name
        return found


def detect(connection: Connection, query: Query, on_progress: OnProgress | None = None) -> Candidates:
    """Candidate edges of the period: pairs with `min_repeat` distinct traces in the window, with evidence."""
    with tempfile.TemporaryDirectory(prefix="presswatch-coordination-") as folder:
        spill = Spill(Path(folder))
        activity: dict[str, Activity] = {}
        trace_base = 0
        try:
            for number, method in enumerate(METHODS):
                if method not in query.methods:
                    continue
                activity[method] = Activity()
                for chunk in chunks(use_rows(connection, method, query)):
                    activity[method].add(chunk.account, chunk.group, chunk.at)
                    spill.write(chunk_records(chunk, number, trace_base, query), chunk, trace_base)
                    trace_base += len(chunk.names)
                    if on_progress:
                        on_progress(method, len(chunk.at))
        finally:
            spill.close()
        found = _aggregate(connection, spill, query)
        found.activity = activity
        wanted = {int(t) for rows in found.evidence for t in rows["trace"].tolist()}
        found.trace_names = spill.trace_names(wanted)
    return found


def _aggregate(connection: Connection, spill: Spill, query: Query) -> Candidates:
    pieces: list[dict[str, Any]] = []
    evidence: list[np.ndarray] = []
    pairs = 0
    band_meetings = post_pairs = 0
    exposure, met = np.zeros(0, dtype=np.float64), 0.0
    for records in spill.partitions():
        bands, text_pairs = _text_meetings(records)
        band_meetings += bands
        post_pairs += text_pairs
        records = _verified_texts(connection, records)
        piece, shown, seen = _edges_of(records, query.min_repeat)
        exposure, met = _met(records, exposure, met)
        pieces.append(piece)
        evidence += shown
        pairs += seen
    names = ("a", "b", "weight", "first_ms", "last_ms", "a_first", "b_first", "methods")
    joined = {name: np.concatenate([p[name] for p in pieces] or [np.empty(0, np.int64)]) for name in names}
    return Candidates(
        a=joined["a"],
        b=joined["b"],
        weight=joined["weight"],
        first_ms=joined["first_ms"],
        last_ms=joined["last_ms"],
        a_first=joined["a_first"],
        b_first=joined["b_first"],
        methods=joined["methods"],
        evidence=evidence,
        pairs=pairs,
        bands_per_text_pair=band_meetings / post_pairs if post_pairs else float(TEXT_BANDS),
        exposure=exposure,
        met=met,
    )


def _met(records: np.ndarray, exposure: np.ndarray, met: float) -> tuple[np.ndarray, float]:
    """Add one partition's pairs to each account's exposure: the distinct traces it met each other account on."""
    if not len(records):
        return exposure, met
    pair, weight = np.unique(records["pair"], return_counts=True)
    a, b = pair >> 32, pair & 0xFFFFFFFF
    size = max(len(exposure), int(a.max()) + 1, int(b.max()) + 1)
    grown = np.zeros(size, dtype=np.float64)
    grown[: len(exposure)] = exposure
    grown += np.bincount(a, weights=weight, minlength=size) + np.bincount(b, weights=weight, minlength=size)
    return grown, met + float(weight.sum())


def _text_meetings(records: np.ndarray) -> tuple[int, int]:
    """Co-text records (one per band) and the distinct pairs of posts they join."""
    texts = records[records["method"] == METHODS.index(CO_TEXT)]
    if not len(texts):
        return 0, 0
    return len(texts), len(np.unique(texts[["post_a", "post_b"]]))


def _edges_of(records: np.ndarray, min_repeat: int) -> tuple[dict[str, Any], list[np.ndarray], int]:
    """Aggregate one partition: per pair the weight, first/last time, who was first, methods, evidence."""
    order = np.lexsort((np.minimum(records["time_a"], records["time_b"]), records["pair"]))
    records = records[order]
    if not len(records):
        empty = np.empty(0, np.int64)
        return (
            {name: empty for name in ("a", "b", "weight", "first_ms", "last_ms", "a_first", "b_first", "methods")},
            [],
            0,
        )
    starts = np.flatnonzero(np.r_[True, records["pair"][1:] != records["pair"][:-1]])
    weight = np.diff(np.r_[starts, len(records)])
    early = np.minimum(records["time_a"], records["time_b"])
    late = np.maximum(records["time_a"], records["time_b"])
    a_led = (records["time_a"] < records["time_b"]).astype(np.int64)
    b_led = (records["time_b"] < records["time_a"]).astype(np.int64)
    mask = np.left_shift(1, records["method"].astype(np.int64))
    keep = weight >= min_repeat
    kept = starts[keep]
    piece = {
        "a": records["pair"][kept] >> 32,
        "b": records["pair"][kept] & 0xFFFFFFFF,
        "weight": weight[keep],
        "first_ms": np.minimum.reduceat(early, starts)[keep],
        "last_ms": np.maximum.reduceat(late, starts)[keep],
        "a_first": np.add.reduceat(a_led, starts)[keep],
        "b_first": np.add.reduceat(b_led, starts)[keep],
        "methods": np.bitwise_or.reduceat(mask, starts)[keep],
    }
    shown = [records[start : start + min(size, EVIDENCE_CAP)] for start, size in zip(kept, weight[keep], strict=True)]
    return piece, shown, len(starts)


def _verified_texts(connection: Connection, records: np.ndarray) -> np.ndarray:
    """Co-text records once per pair of posts (not once per LSH band), and only when the texts are near-identical."""
    is_text = records["method"] == METHODS.index(CO_TEXT)
    if not is_text.any():
        return records
    texts = records[is_text]
    order = np.lexsort((texts["post_b"], texts["post_a"], texts["pair"]))
    texts = texts[order]
    new = np.ones(len(texts), dtype=bool)
    new[1:] = (
        (texts["pair"][1:] != texts["pair"][:-1])
        | (texts["post_a"][1:] != texts["post_a"][:-1])
        | (texts["post_b"][1:] != texts["post_b"][:-1])
    )
    texts = texts[new]
    grams = _grams_of(connection, np.unique(np.r_[texts["post_a"], texts["post_b"]]).tolist())
    similar = np.array(
        [
            _jaccard(grams.get(a), grams.get(b)) >= TEXT_JACCARD
            for a, b in zip(texts["post_a"].tolist(), texts["post_b"].tolist(), strict=True)
        ],
        dtype=bool,
    )
    return np.concatenate([records[~is_text], _once_per_post(texts[similar])])


def _once_per_post(texts: np.ndarray) -> np.ndarray:
    """At most one co-text record per post of either account: an account that posts one message five times in a
    burst shares one message, not five, with each other account there."""
    for side in ("post_a", "post_b"):
        texts = texts[np.lexsort((texts["post_b" if side == "post_a" else "post_a"], texts[side], texts["pair"]))]
        first = np.ones(len(texts), dtype=bool)
        first[1:] = (texts["pair"][1:] != texts["pair"][:-1]) | (texts[side][1:] != texts[side][:-1])
        texts = texts[first]
    return texts


def _grams_of(connection: Connection, ids: list[int]) -> dict[int, np.ndarray]:
    """Character 5-grams of the texts of posts (positive ids) and articles (negative ids)."""
    found: dict[int, np.ndarray] = {}
    for table, wanted, sign in ((posts, [i for i in ids if i > 0], 1), (articles, [-i for i in ids if i < 0], -1)):
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            for key, text in connection.execute(select(table.c.id, table.c.text).where(table.c.id.in_(batch))):
                found[sign * key] = text_grams(comparable(text or ""))
    return found


def _jaccard(first: np.ndarray | None, second: np.ndarray | None) -> float:
    if first is None or second is None or not len(first) or not len(second):
        return 0.0
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared / (len(first) + len(second) - shared)


__all__ = ["TEXT_BANDS", "Candidates", "Query", "detect", "window_pairs"]
