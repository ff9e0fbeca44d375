"""Ingest and reextract on a Dask distributed cluster: the same stage code, run by the cluster's workers.

The client splits the inputs into shards: a file, a few small files, or a byte
range of a big WARC file (the records that start in it). Each task runs on a
worker, reads its shards itself (local paths, or fsspec URLs: s3://, https://),
extracts, and stores the results in the shared PostgreSQL store in batches,
then hands back a small summary: counts by status and the problems by name.
The client adds those to one IngestReport, so a run's summary reads as a local
run's does; progress ticks as tasks finish.

A task whose worker dies (kill -9, out of memory) is run again by Dask
(`RETRIES`). The store's writes are upserts, so a task run twice stores each
record once: what the first run stored, the second finds "unchanged". The
counts of such a run may then differ from a clean run's; the store does not.
Two captures of one URL in inputs read by different tasks are stored in the
order the tasks finish, not in input order: their version numbers may differ
from a local run's (a local run stores them in input order).
The time budget per item (setting item_seconds) holds only in a process's main
thread; Dask runs tasks in threads, so on a cluster an item is guarded
(its errors fail it alone) but not stopped for time.
"""

from __future__ import annotations

import functools
import importlib
import logging
import multiprocessing
import pickle
import shutil
import sys
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import select

from ..cluster import require_shared_store
from ..errors import ItemError, UsageError
from ..store import Store
from ..store.schema import raw
from .files import expand_paths
from .pipeline import (
    ARTICLE_KINDS,
    IngestReport,
    OnFile,
    OnOutcome,
    ResultWriter,
    _dated,
    _item_of_raw,
    extract_item,
    precheck,
)
from .readers import items_of
from .readers.warc import Span, warc_items
from .records import IngestOptions, Item, Outcome
from .workers import ItemBudget, OrderedPool, timed

if TYPE_CHECKING:
    from distributed import Client, Future

log = logging.getLogger(__name__)

# A big WARC file is split into ranges of this many bytes: a task of a few hundred pages, long enough that
# scheduling costs little, short enough that a retried task repeats little.
RANGE_BYTES = 64 * 1024 * 1024
# Small files are read several to a task, up to this many (or RANGE_BYTES in all).
TASK_FILES = 32
# Raw records re-extracted per task.
REEXTRACT_BATCH = 500
# Times Dask runs a task again whose worker died.
RETRIES = 2
# A task waiting for its turn to store looks this often whether the run was stopped.
TURN_POLL_SECONDS = 1.0
_SPLITTABLE = (".warc", ".warc.gz")
_WHOLE: Span = (0, None)


def is_url(argument: str) -> bool:
    """An fsspec URL (s3://, https://, file://) rather than a local path."""
    return "://" in argument


@dataclass(frozen=True)
class Shard:
    """What a task reads of one input: all of it, or the WARC records that start in `span`."""

    name: str  # a local path or an fsspec URL
    root: str | None = None  # the folder argument it was found under (for --base-url)
    span: Span = _WHOLE
    size: int | None = None


@dataclass(frozen=True)
class Task:
    """The shards one task reads, in order."""

    shards: tuple[Shard, ...]

    @property
    def label(self) -> str:
        first = self.shards[0]
        where = f" @{first.span[0]}" if first.span != _WHOLE else ""
        more = f" and {len(self.shards) - 1} more" if len(self.shards) > 1 else ""
        return f"{first.name}{where}{more}"


@dataclass
class TaskSummary:
    """What a task hands back: counts by status, and the outcomes worth naming (failed, skipped with a reason)."""

    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Outcome] = field(default_factory=list)

    @classmethod
    def of(cls, report: IngestReport) -> TaskSummary:
        return cls(report.counts, report.problems)

    def add_to(self, report: IngestReport, label: str) -> None:
        """Every outcome into the report: the problems as they are, the rest one plain outcome each."""
        named = Counter(problem.status for problem in self.problems)
        for problem in self.problems:
            report.add(problem)
        for status, count in self.counts.items():
            for _ in range(count - named[status]):
                report.add(Outcome(label, status))


# ---- the inputs ------------------------------------------------------------------------


def input_shards(arguments: Sequence[str]) -> list[Shard]:
    """Local paths, folders and globs (as `expand_paths`), and fsspec URLs → one shard per input file."""
    shards: list[Shard] = []
    for argument in arguments:
        if is_url(argument) and not argument.startswith("file://"):
            shards.extend(_remote_shards(argument))
            continue
        local = argument.removeprefix("file://")
        # Absolute: a worker's working folder is not this process's.
        root = str(Path(local).absolute()) if Path(local).is_dir() else None
        shards.extend(Shard(str(path.absolute()), root, size=path.stat().st_size) for path in expand_paths([local]))
    return list({shard.name: shard for shard in shards}.values())


def _remote_shards(argument: str) -> list[Shard]:
    fsspec = _fsspec()
    try:
        fs, path = fsspec.core.url_to_fs(argument)
        if "file" in fs.protocol:  # local:// is a local path, read as one (and named as one in `raw`)
            return input_shards([fs._strip_protocol(argument)])
        if "http" in fs.protocol or "https" in fs.protocol:
            return [Shard(argument, size=_size(fs, path))]  # a web server lists nothing: one file
        if any(ch in path for ch in "*?["):
            found = sorted(fs.glob(path))
        elif fs.isdir(path):
            found = sorted(p for p in fs.find(path) if not any(part.startswith(".") for part in p.split("/")))
        else:
            found = [path] if fs.exists(path) else []
    except (OSError, ValueError, ImportError) as exc:
        raise UsageError(f"cannot list {argument} ({type(exc).__name__}: {exc})") from None
    if not found:
        raise UsageError(f"no file matches {argument!r}")
    return [Shard(fs.unstrip_protocol(p), size=_size(fs, p)) for p in found]


def _size(fs: Any, path: str) -> int | None:
    try:
        size = fs.size(path)
    except (OSError, ValueError):
        return None
    return int(size) if size is not None else None


def _dask() -> Any:
    """Dask distributed, untyped: most of its API has no type hints."""
    return importlib.import_module("distributed")


def _fsspec() -> Any:
    try:
        import fsspec
    except ImportError:
        raise UsageError("reading inputs by URL needs fsspec: pip install 'presswatch[cluster]'") from None
    return fsspec


def plan(shards: Sequence[Shard], range_bytes: int = RANGE_BYTES) -> list[Task]:
    """Big WARC files split into byte ranges, one task each; small files grouped, a few to a task."""
    tasks: list[Task] = []
    group: list[Shard] = []
    group_bytes = 0
    for shard in shards:
        size = shard.size or 0
        if shard.name.lower().endswith(_SPLITTABLE) and size > range_bytes:
            starts = range(0, size, range_bytes)
            tasks.extend(Task((_span_of(shard, start, range_bytes, size),)) for start in starts)
            continue
        if group and (len(group) >= TASK_FILES or group_bytes + size > range_bytes):
            tasks.append(Task(tuple(group)))
            group, group_bytes = [], 0
        group.append(shard)
        group_bytes += size
    if group:
        tasks.append(Task(tuple(group)))
    return tasks


def _span_of(shard: Shard, start: int, range_bytes: int, size: int) -> Shard:
    end = start + range_bytes
    return Shard(shard.name, shard.root, (start, end if end < size else None), shard.size)


# ---- on a worker -----------------------------------------------------------------------

# One Store per worker process and database: an Engine and its connections are not sent between processes.
_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def _store_for(db: str) -> Store:
    with _stores_lock:
        if db not in _stores:
            _stores[db] = Store(db)
        return _stores[db]


@dataclass(frozen=True)
class Turn:
    """A task's place in its run: it stores its results once the task before it has stored its own."""

    run: str
    index: int

    def done(self, index: int) -> str:
        return f"presswatch-{self.run}-{index}"

    @property
    def stopped(self) -> str:
        return f"presswatch-{self.run}-stop"


def ingest_task(shards: tuple[Shard, ...], db: str, options: IngestOptions, turn: Turn) -> TaskSummary:
    """Read and extract some shards on a worker, then store them in turn; the summary of their items."""
    store = _store_for(db)
    report = IngestReport()
    todo: list[Item] = []
    for shard in shards:
        for found in _shard_items(shard, options):
            if isinstance(found, Outcome):
                report.add(found)
                continue
            checked = precheck(store, found)
            if isinstance(checked, Outcome):
                report.add(checked)
                continue
            found.sha256 = checked
            todo.append(found)
    _store_in_turn(store, list(_extracted(todo, options)), report, turn)
    return TaskSummary.of(report)


def reextract_task(raw_ids: tuple[int, ...], db: str, options: IngestOptions, turn: Turn) -> TaskSummary:
    """Extract some kept raw records again on a worker, then store them in turn; changes become new versions."""
    store = _store_for(db)
    report = IngestReport()
    todo: list[Item] = []
    for raw_id in raw_ids:
        item = _item_of_raw(store, raw_id)
        if isinstance(item, Outcome):
            report.add(item)
        else:
            todo.append(_dated(item, options))
    _store_in_turn(store, list(_extracted(todo, options)), report, turn)
    return TaskSummary.of(report)


def _store_in_turn(store: Store, results: list[tuple[Item, Any]], report: IngestReport, turn: Turn) -> None:
    """Store extracted results after the tasks before this one: captures of one URL become versions in input
    order, as in a local run. Extraction, the costly part, is not held up, only the writes (a few ms a page)."""
    if not _wait_for_turn(turn):
        return  # the run was stopped (Ctrl-C): nothing more is stored
    if _dask().Event(turn.done(turn.index)).is_set():
        # Run again after its worker died between storing and reporting: storing once more could put an
        # older capture over the newer one a later task has stored since.
        for item, _result in results:
            report.add(Outcome(item.label, "unchanged"))
        return
    writer = ResultWriter(store)
    for item, result in results:
        for outcome in writer.add(item, result):
            report.add(outcome)
    for outcome in writer.flush():
        report.add(outcome)
    _dask().Event(turn.done(turn.index)).set()


def _wait_for_turn(turn: Turn) -> bool:
    """Wait until the task before has stored its results; False when the run is stopped meanwhile."""
    if turn.index == 0:
        return True
    dask = _dask()
    before, stopped = dask.Event(turn.done(turn.index - 1)), dask.Event(turn.stopped)
    # A waiting task gives its thread to another: the one it waits for may not have started yet. It does not
    # take a thread back for its writes (a few ms a page): waiting for one would hold them, and every task
    # after them, until the worker's next extraction ends, and two workers would go no faster than one.
    dask.secede()
    while not before.wait(timeout=TURN_POLL_SECONDS):
        if stopped.is_set():
            return False
    return True


def _extracted(items: list[Item], options: IngestOptions) -> Iterator[tuple[Item, Any]]:
    """Each item with its extraction, in order, held to the time and memory budget of a local run.

    The budget holds only in a process of our own: Dask runs a task in a thread of its worker, where no timer
    signal reaches and no memory limit can be set for one item. So the items go to an extraction process, as a
    local run's pool does, when the worker may start processes (`cluster local` lets it; `dask worker` needs
    DASK_DISTRIBUTED__WORKER__DAEMON=False); else they run in the thread, unbudgeted.
    """
    if multiprocessing.current_process().daemon:
        _warn_unbudgeted()
        task = partial(extract_item, options=options)
        budget = ItemBudget(options.item_seconds, options.item_memory_bytes)
        for item in items:
            yield item, timed(task, item, budget)
        return
    with _extraction_pool(options) as pool:
        for item in items:
            yield from pool.submit(item)
        yield from pool.drain()


# A worker keeps its extraction processes from task to task (one pool per task that extracts at once, and per
# options): a process started for each task would start cold, its caches empty, and the starts and cold pages
# cost a cluster of two workers about a sixth of its CPU (500 pages: 39 -> 33 CPU s, bench/scale.py's WARC).
_pools: dict[bytes, list[OrderedPool[Item, Any]]] = {}
_pools_lock = threading.Lock()
KEPT_OPTIONS = 2  # the options of this many runs keep their pools; older ones are closed


@contextmanager
def _extraction_pool(options: IngestOptions) -> Iterator[OrderedPool[Item, Any]]:
    """An idle pool of this worker for these options, or a new one; back to the idle ones after a clean use."""
    key = pickle.dumps(options)
    with _pools_lock:
        idle = _pools.pop(key, [])
        pool = idle.pop() if idle else None
        _pools[key] = idle  # the most recent options last
        retired = [p for k in list(_pools)[:-KEPT_OPTIONS] for p in _pools.pop(k)]
    for old in retired:
        old.__exit__(None, None, None)
    if pool is None:
        budget = ItemBudget(options.item_seconds, options.item_memory_bytes)
        pool = OrderedPool(partial(extract_item, options=options), 1, budget, heavy=_every).__enter__()
    try:
        yield pool
    except BaseException:
        # stopped half-way (Ctrl-C, the task cancelled): its items may still be on their way, so it is not reused
        pool.__exit__(*sys.exc_info())
        raise
    with _pools_lock:
        _pools.setdefault(key, []).append(pool)


def _every(_item: Item) -> bool:
    return True


@functools.cache
def _warn_unbudgeted() -> None:
    log.warning(
        "this Dask worker may not start processes, so item_seconds and item_memory_bytes do not hold on it: "
        "start workers with DASK_DISTRIBUTED__WORKER__DAEMON=False (presswatch cluster local does)"
    )


def _shard_items(shard: Shard, options: IngestOptions) -> Iterator[Item | Outcome]:
    """The items of a shard, dated as a local run dates them; a reader tripping on the file fails it alone."""
    try:
        for found in _read_shard(shard, options):
            yield _dated(found, options) if isinstance(found, Item) else found
    except Exception as exc:  # noqa: BLE001 - a reader tripping on a hostile file must not stop the task
        log.debug("unexpected error reading %s", shard.name, exc_info=True)
        yield Outcome(shard.name, "failed", f"unexpected error reading the file ({type(exc).__name__}: {exc})")


def _read_shard(shard: Shard, options: IngestOptions) -> Iterator[Item | Outcome]:
    if not is_url(shard.name):
        path = Path(shard.name)
        if shard.span != _WHOLE:
            yield from warc_items(path, None, options, shard.span)
        else:
            yield from items_of(path, Path(shard.root) if shard.root else None, options)
        return
    if shard.name.lower().endswith(_SPLITTABLE):
        # Read in place: only the span's records cross the network.
        opener = partial(_open_url, shard.name)
        yield from warc_items(Path(shard.name), None, options, shard.span, origin=shard.name, opener=opener)
        return
    with _downloaded(shard.name) as path:
        for found in items_of(path, None, options):
            yield _renamed(found, path, shard.name)


def _open_url(url: str, _path: Path) -> IO[bytes]:
    opened: IO[bytes] = _fsspec().open(url, "rb").open()
    return opened


@contextmanager
def _downloaded(url: str) -> Iterator[Path]:
    """A URL's file copied to a temporary folder under its own name (readers tell a file's kind by its name)."""
    folder = Path(tempfile.mkdtemp(prefix="presswatch-"))
    try:
        path = folder / (url.rstrip("/").rsplit("/", 1)[-1] or "input")
        try:
            with _fsspec().open(url, "rb") as source, open(path, "wb") as target:
                shutil.copyfileobj(source, target)
        except (OSError, ValueError) as exc:
            raise ItemError(f"cannot read {url} ({type(exc).__name__}: {exc})") from None
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _renamed(found: Item | Outcome, path: Path, url: str) -> Item | Outcome:
    """An item read from a downloaded copy, named by its URL as a local file is named by its path."""
    local = str(path)
    found.label = found.label.replace(local, url)
    if isinstance(found, Item):
        found.origin = url
        if found.default_url == path.resolve().as_uri():
            found.default_url = url
    return found


# ---- on the client ---------------------------------------------------------------------


def ingest_on_cluster(
    client: Client,
    store: Store,
    arguments: Sequence[str],
    options: IngestOptions,
    on_outcome: OnOutcome | None = None,
    on_file: OnFile | None = None,
    range_bytes: int = RANGE_BYTES,
) -> IngestReport:
    """Ingest files, folders, globs and URLs on the cluster; every item ends as one Outcome in the report."""
    require_shared_store(store.url)
    tasks = plan(input_shards(arguments), range_bytes)
    unread = Counter(shard.name for task in tasks for shard in task.shards)
    report = IngestReport(listener=on_outcome)
    run = uuid.uuid4().hex
    futures = {
        client.submit(ingest_task, task.shards, store.url, options, Turn(run, index), pure=False, retries=RETRIES): task
        for index, task in enumerate(tasks)
    }
    for task, summary in _finished(client, futures, run):
        summary.add_to(report, task.label)
        for shard in task.shards:
            unread[shard.name] -= 1
            if on_file and not unread[shard.name]:
                on_file(Path(shard.name))
    return report


def reextract_on_cluster(
    client: Client,
    store: Store,
    options: IngestOptions,
    on_outcome: OnOutcome | None = None,
    batch: int = REEXTRACT_BATCH,
) -> IngestReport:
    """Run extraction again over every kept raw record, on the cluster, a batch of records per task."""
    require_shared_store(store.url)
    with store.connect() as conn:
        raw_ids = list(conn.execute(select(raw.c.id).where(raw.c.kind.in_(ARTICLE_KINDS)).order_by(raw.c.id)).scalars())
    report = IngestReport(listener=on_outcome)
    batches = [tuple(raw_ids[at : at + batch]) for at in range(0, len(raw_ids), batch)]
    run = uuid.uuid4().hex
    futures = {
        client.submit(reextract_task, ids, store.url, options, Turn(run, index), pure=False, retries=RETRIES): Task(
            (Shard(f"raw {ids[0]}-{ids[-1]}"),)
        )
        for index, ids in enumerate(batches)
    }
    for task, summary in _finished(client, futures, run):
        summary.add_to(report, task.label)
    return report


def _finished(client: Client, futures: dict[Future[Any], Task], run: str) -> Iterator[tuple[Task, TaskSummary]]:
    """Each task's summary as it finishes; a task that failed for good fails its shards. Ctrl-C cancels the rest."""
    dask = _dask()
    order = {future: index for index, future in enumerate(futures)}
    try:
        # The client is not the default one (set_as_default=False): as_completed is told its loop.
        for future in dask.as_completed(list(futures), loop=client.loop):
            task = futures[future]
            try:
                summary: TaskSummary = future.result()
            except Exception as exc:  # noqa: BLE001 - a task lost for good (its worker died too often) fails alone
                summary = _lost(task, exc)
                # The tasks after it wait for its turn to pass: pass it for them.
                dask.Event(Turn(run, 0).done(order[future]), client=client).set()
            yield task, summary
        _forget_turns(client, run, len(futures))
    except KeyboardInterrupt:
        # What the running tasks stored stays stored: ingesting again finds it "unchanged".
        dask.Event(Turn(run, 0).stopped, client=client).set()
        dask.Client.cancel(client, list(futures))
        raise


def _forget_turns(client: Client, run: str, tasks: int) -> None:
    """Remove a finished run's events from the scheduler (an event cleared with no one waiting is deleted).

    Only once every task has ended: a task still waiting for its turn would wait for ever on a removed one.
    """
    dask = _dask()
    for name in [Turn(run, 0).done(index) for index in range(tasks)] + [Turn(run, 0).stopped]:
        dask.Event(name, client=client).clear()


def _lost(task: Task, exc: BaseException) -> TaskSummary:
    reason = " ".join(str(exc).split())[:300]
    message = f"its task failed on the cluster ({type(exc).__name__}: {reason}); run the command again to retry it"
    problems = [Outcome(shard.name, "failed", message) for shard in task.shards]
    return TaskSummary(Counter(failed=len(problems)), problems)


__all__ = [
    "RANGE_BYTES",
    "REEXTRACT_BATCH",
    "RETRIES",
    "Shard",
    "Task",
    "TaskSummary",
    "Turn",
    "ingest_on_cluster",
    "ingest_task",
    "input_shards",
    "is_url",
    "plan",
    "reextract_on_cluster",
    "reextract_task",
]
