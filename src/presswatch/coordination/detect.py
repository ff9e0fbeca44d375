"""Detection: every pair of uses of a trace by two accounts at most W apart, aggregated per account pair.

Traces are streamed from `post_traces` sorted by (trace, time), one method at a time, in chunks that never
split a trace. Within a chunk the pairs come from a true sliding window (two pointers, vectorised with
`searchsorted`): no time buckets, so two uses a second apart are paired wherever they fall. Each use is paired
with at most `neighbours` following uses in the window, which bounds a viral trace to `neighbours` pairs per
use instead of n^2; a chunk's pairs are made `PAIRS_PER_BATCH` at a time, so one huge trace cannot hold them
all either. The (pair, trace) records stay in memory while they are few (`HELD_BYTES`); past that they are
spilled to disk in `PARTITIONS` partitions by account pair, and each partition is then aggregated on its own,
so memory holds one batch or one partition, never all pairs. The candidates come out in the same order
however the records were held (by `ORDER_PARTS` partition, then pair), so a run's edges, p-values and groups
do not depend on the size of the data.
"""

from __future__ import annotations

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
PAIRS_PER_BATCH = 4_000_000  # window pairs made at once: about 300 MB of indices and records
HELD_BYTES = 256 * 2**20  # records held in memory before they are spilled to disk
PARTITIONS = 256  # on disk: about 60 MB each for the 15 GB of records of 10 M viral co-shares
ORDER_PARTS = 16  # the candidates' order: by (a + b) % 16, then pair (PARTITIONS is a multiple of it)
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

USE = np.dtype([("trace", object), ("account", np.int64), ("at", np.int64), ("post", np.int64)])

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
    pairs: int = 0  # account pairs with any trace in the window (the FDR cut counts every pair of active accounts)
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
    return driver_rows(connection, statement, CHUNK_ROWS)


def driver_rows(connection: Connection, statement: Any, size: int) -> Iterator[list[Any]]:
    """The statement's rows in lists of `size` plain tuples, read through the driver's own cursor.

    SQLAlchemy's Row objects cost more than the database's own work here (the columns are plain strings and
    integers that need no result processing). On PostgreSQL the cursor is a named, server-side one, so a large
    result streams instead of being loaded whole; SQLite steps through its result as it is fetched anyway.
    """
    compiled = statement.compile(dialect=connection.dialect)
    params: Any = compiled.params
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    driver: Any = connection.connection.driver_connection
    server_side = connection.dialect.name == "postgresql"
    cursor = driver.cursor(name="presswatch_coordination_uses") if server_side else driver.cursor()
    try:
        cursor.execute(str(compiled), params)
        while part := cursor.fetchmany(size):
            yield part
    finally:
        cursor.close()


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
    # One structured array from the tuples: numpy unpacks them in C, several times faster than zip(*rows).
    table = np.array(rows, dtype=USE)
    names = table["trace"]
    new = np.ones(len(names), dtype=bool)
    new[1:] = names[1:] != names[:-1]
    return Chunk(
        names=names[new],
        group=np.cumsum(new) - 1,
        account=np.ascontiguousarray(table["account"]),
        at=np.ascontiguousarray(table["at"]),
        post=np.ascontiguousarray(table["post"]),
    )


def window_pairs(group: np.ndarray, at: np.ndarray, window_ms: int, neighbours: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (i, j), i < j, of every two uses of one trace at most `window_ms` apart (rows sorted by group, time)."""
    count = _partners(group, at, window_ms, neighbours)
    return _pairs(count, 0, len(count))


def _partners(group: np.ndarray, at: np.ndarray, window_ms: int, neighbours: int) -> np.ndarray:
    """For each use, how many next uses of its trace it pairs with."""
    n = len(at)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    count = window_ends(group, at, window_ms) - np.arange(n) - 1
    if neighbours:
        count = np.minimum(count, neighbours)
    return count


def _pairs(count: np.ndarray, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i, i + 1 + k), k < count[i], of the uses start <= i < stop."""
    count = count[start:stop]
    total = int(count.sum())
    first = np.repeat(np.arange(start, stop, dtype=np.int64), count)
    step = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    return first, first + 1 + step


def _batches(count: np.ndarray) -> Iterator[tuple[int, int]]:
    """Runs of uses whose pairs number about PAIRS_PER_BATCH (a single use is never split)."""
    ends = np.cumsum(count)
    start = 0
    while start < len(count):
        done = int(ends[start - 1]) if start else 0
        stop = max(int(np.searchsorted(ends, done + PAIRS_PER_BATCH, side="right")), start + 1)
        yield start, stop
        start = stop


def chunk_records(chunk: Chunk, method: int, trace_base: int, query: Query) -> Iterator[tuple[np.ndarray, bool]]:
    """The (pair, trace) records of one chunk, a batch at a time: different accounts only, one per pair and trace
    in a batch (co-text: all), and whether the batch starts inside a trace the previous batch had begun."""
    count = _partners(chunk.group, chunk.at, query.window_ms, query.neighbours)
    for start, stop in _batches(count):
        i, j = _pairs(count, start, stop)
        split = start > 0 and chunk.group[start] == chunk.group[start - 1]
        yield _records(chunk, i, j, method, trace_base), split


def _records(chunk: Chunk, i: np.ndarray, j: np.ndarray, method: int, trace_base: int) -> np.ndarray:
    acc_i, acc_j = chunk.account[i], chunk.account[j]
    other = acc_i != acc_j
    i, j, acc_i, acc_j = i[other], j[other], acc_i[other], acc_j[other]
    swap = acc_i > acc_j
    lo, hi = np.where(swap, j, i), np.where(swap, i, j)
    pair = (np.minimum(acc_i, acc_j) << 32) | np.maximum(acc_i, acc_j)
    if METHODS[method] != CO_TEXT:
        # only the kept meetings become records: they are 49 bytes each, most meetings repeat a pair's trace
        kept = _first_per_trace(pair, chunk.group[i])
        i, lo, hi, pair = i[kept], lo[kept], hi[kept], pair[kept]
    records = np.empty(len(i), dtype=RECORD)
    records["pair"] = pair
    records["trace"] = chunk.group[i] + trace_base
    records["method"] = method
    records["time_a"], records["time_b"] = chunk.at[lo], chunk.at[hi]
    records["post_a"], records["post_b"] = chunk.post[lo], chunk.post[hi]
    return records


def _first_per_trace(pair: np.ndarray, trace: np.ndarray) -> np.ndarray:
    """Where each pair first meets on each trace, in (pair, trace) order: the weight counts distinct traces."""
    # Meetings come by trace (their rows are sorted by trace): a stable sort by pair alone orders them by (pair,
    # trace) and keeps each trace's meetings in the order made, as a sort on both keys would, in half the time.
    order = np.argsort(pair, kind="stable")
    pair, trace = pair[order], trace[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (pair[1:] != pair[:-1]) | (trace[1:] != trace[:-1])
    kept: np.ndarray = order[first]
    return kept


def _part(pair: np.ndarray, parts: int) -> np.ndarray:
    part: np.ndarray = ((pair >> 32) + (pair & 0xFFFFFFFF)) % parts
    return part


class Spill:
    """Records, in memory while they are few, else on disk in partitions by account pair, and the names of the
    traces they point to. The folder on disk is made only when records are spilled: most runs fit in memory, and
    making and removing a folder costs more than detecting on a few hundred posts."""

    def __init__(self) -> None:
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.held: list[np.ndarray] = []
        self.held_bytes = 0
        self.paths: list[Path] = []
        self.files: list[IO[bytes]] = []
        self.numbers: list[np.ndarray] = []
        self.names: list[np.ndarray] = []
        # A trace whose pairs came in two batches may have a pair's first meeting in each: the partitions are then
        # kept to the first one, as one batch would have kept it.
        self.split = False

    def write(self, records: np.ndarray, chunk: Chunk, trace_base: int) -> None:
        if not len(records):
            return
        numbers = np.unique(records["trace"])
        self.numbers.append(numbers)
        self.names.append(chunk.names[numbers - trace_base])
        if not self.files and self.held_bytes + records.nbytes <= HELD_BYTES:
            self.held.append(records)
            self.held_bytes += records.nbytes
            return
        if not self.files:
            self.folder = tempfile.TemporaryDirectory(prefix="presswatch-coordination-")
            self.paths = [Path(self.folder.name) / f"part-{n}.bin" for n in range(PARTITIONS)]
            self.files = [path.open("wb") for path in self.paths]
            for held in self.held:
                self._to_disk(held)
            self.held = []
        self._to_disk(records)

    def _to_disk(self, records: np.ndarray) -> None:
        part = _part(records["pair"], PARTITIONS).astype(np.uint16)  # small integers: a stable sort is a radix sort
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(PARTITIONS + 1))
        ordered = records[order]
        for n, handle in enumerate(self.files):
            if bounds[n + 1] > bounds[n]:
                ordered[bounds[n] : bounds[n + 1]].tofile(handle)

    def close(self) -> None:
        for handle in self.files:
            handle.close()

    def remove(self) -> None:
        """The spilled partitions, once read."""
        self.close()
        if self.folder is not None:
            self.folder.cleanup()

    def partitions(self) -> Iterator[np.ndarray]:
        """All records at once when they were held, else one partition at a time, each in the order written."""
        if not self.paths:
            yield np.concatenate(self.held) if self.held else np.empty(0, dtype=RECORD)
            return
        for path in self.paths:
            yield np.fromfile(path, dtype=RECORD)

    def trace_names(self, wanted: set[int]) -> dict[int, str]:
        if not self.numbers or not wanted:
            return {}
        numbers, names = np.concatenate(self.numbers), np.concatenate(self.names)
        keep = np.isin(numbers, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
        return dict(zip(numbers[keep].tolist(), names[keep].tolist(), strict=True))


def detect(connection: Connection, query: Query, on_progress: OnProgress | None = None) -> Candidates:
    """Candidate edges of the period: pairs with `min_repeat` distinct traces in the window, with evidence."""
    spill = Spill()
    try:
        activity: dict[str, Activity] = {}
        trace_base = 0
        try:
            for number, method in enumerate(METHODS):
                if method not in query.methods:
                    continue
                activity[method] = Activity()
                for chunk in chunks(use_rows(connection, method, query)):
                    activity[method].add(chunk.account, chunk.group, chunk.at)
                    for records, split in chunk_records(chunk, number, trace_base, query):
                        spill.split |= split
                        spill.write(records, chunk, trace_base)
                    trace_base += len(chunk.names)
                    if on_progress:
                        on_progress(method, len(chunk.at))
        finally:
            spill.close()
        found = _aggregate(connection, spill, query)
        found.activity = activity
        wanted = {int(t) for rows in found.evidence for t in rows["trace"].tolist()}
        found.trace_names = spill.trace_names(wanted)
    finally:
        spill.remove()
    return found


def _aggregate(connection: Connection, spill: Spill, query: Query) -> Candidates:
    pieces: list[dict[str, Any]] = []
    evidence: list[np.ndarray] = []
    pairs = 0
    band_meetings = post_pairs = 0
    exposure, met = np.zeros(0, dtype=np.float64), 0.0
    for records in spill.partitions():
        records, once = _met_once(records, query.min_repeat)
        exposure, met = _met(once, exposure, met)
        pairs += len(once)
        if spill.split:
            records = _once_per_trace(records)
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
    order = np.lexsort((joined["a"] << 32 | joined["b"], _part(joined["a"] << 32 | joined["b"], ORDER_PARTS)))
    return Candidates(
        a=joined["a"][order],
        b=joined["b"][order],
        weight=joined["weight"][order],
        first_ms=joined["first_ms"][order],
        last_ms=joined["last_ms"][order],
        a_first=joined["a_first"][order],
        b_first=joined["b_first"][order],
        methods=joined["methods"][order],
        evidence=[evidence[i] for i in order.tolist()],
        pairs=pairs,
        bands_per_text_pair=band_meetings / post_pairs if post_pairs else float(TEXT_BANDS),
        exposure=exposure,
        met=met,
    )


def _met_once(records: np.ndarray, min_repeat: int) -> tuple[np.ndarray, np.ndarray]:
    """(the rest, the pairs that met once): the records of pairs with a single record, not co-text, set aside.

    Most pairs meet once, by chance in a busy trace; they count in the exposures and the tests but can never be
    an edge, so the sorts that make edges (by pair and trace, by pair and time) need not carry them. A co-text
    record stays: its texts are compared first, and it may not count at all.
    """
    if min_repeat <= 1 or len(records) < 2:
        return records, records[:0]
    pair = records["pair"]
    order = np.argsort(pair, kind="stable")
    ordered = pair[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(ordered)])
    alone = np.zeros(len(records), dtype=bool)
    alone[order[starts[counts == 1]]] = True
    alone &= records["method"] != METHODS.index(CO_TEXT)
    return records[~alone], records[alone]


def _once_per_trace(records: np.ndarray) -> np.ndarray:
    """One record per pair and trace (co-text: all), the first written: as if no trace had been split in batches.
    Stable, so each pair's records keep the order they were written in."""
    is_text = records["method"] == METHODS.index(CO_TEXT)
    rest = records[~is_text]
    order = np.lexsort((rest["trace"], rest["pair"]))
    rest = rest[order]
    first = np.ones(len(rest), dtype=bool)
    first[1:] = (rest["pair"][1:] != rest["pair"][:-1]) | (rest["trace"][1:] != rest["trace"][:-1])
    return np.concatenate([rest[first], records[is_text]])


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
    return piece, _evidence(records, kept, weight[keep]), len(starts)


def _evidence(records: np.ndarray, kept: np.ndarray, weight: np.ndarray) -> list[np.ndarray]:
    """Each kept pair's first EVIDENCE_CAP records, copied out together: views into the partition would keep
    all of it (every record of every pair) in memory until the run is stored."""
    if not len(kept):
        return []
    sizes = np.minimum(weight, EVIDENCE_CAP)
    offsets = np.cumsum(sizes) - sizes
    rows = np.repeat(kept, sizes) + np.arange(int(sizes.sum())) - np.repeat(offsets, sizes)
    return np.split(records[rows], offsets[1:])


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
