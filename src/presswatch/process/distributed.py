"""`process --cluster`: each stage's per-article work on Dask workers, its writes here, batch by batch in order.

A stage's batch work comes in two parts (`Stage.compute`, `Stage.write`). This
process reads the batches a stage has not seen, oldest first, each in a short
read of its own; the workers compute a few batches ahead (MinHash signatures,
passage fingerprints and translation anchors; mention matching; word vectors);
and here each batch is written, in order, in the transaction that moves the
stage's watermark past it: what must see the whole store (candidate lookups,
links, clustering) stays with the store. An interrupted run resumes after the
last batch written, as a local run does, and only this process writes, so the
store may be a SQLite file.

`compute` is pure, so a batch whose worker died is simply computed again
(the scheduler does it for a lost result; `RETRIES` for a task that raised).
"""

from __future__ import annotations

import functools
import logging
import pickle
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, Select

from ..config import Settings
from ..store import Store
from ..store.queries import StageReport, save_stage_state
from ..store.schema import articles
from .stage import Stage, Tick, start_stage

if TYPE_CHECKING:
    from distributed import Client, Future

log = logging.getLogger(__name__)

AHEAD_PER_THREAD = 2  # batches computed ahead per worker thread: one running, one waiting while a write goes on
RETRIES = 2  # a compute task that raised is tried twice more before the run stops


def compute_batch(stage: bytes, rows: Sequence[Any]) -> Any:
    """What a worker runs: the stage's pure part for one batch (`stage` pickled, as `run_stage_on` sends it)."""
    return _unpickled(stage).compute(rows)


@functools.lru_cache(maxsize=4)
def _unpickled(stage: bytes) -> Stage:
    """The stage a worker was sent, made once for all the batches of a run that land on the worker."""
    found: Stage = pickle.loads(stage)
    return found


def plain(rows: Sequence[Row[Any]]) -> list[SimpleNamespace]:
    """Rows as plain objects with the same attributes, to send to workers without SQLAlchemy's row machinery."""
    return [SimpleNamespace(**row._asdict()) for row in rows]


def run_stage_on(
    client: Client, store: Store, stage_type: type[Stage], settings: Settings, tick: Tick | None = None
) -> StageReport:
    """Run one stage over the current articles it has not seen, its `compute` on the cluster; as `run_stage`."""
    run = start_stage(store, stage_type, settings)
    stage, report = run.stage, run.report
    if report.off_reason:
        return report
    # Each task carries the stage as `prepare` left it (settings; the entity matcher, some 300 kB), pickled
    # before `resume` loads the run's state (the stories' clusters) that only `write` reads. Sent once as
    # data all tasks depend on, it would draw every task to the worker holding it, and die with it.
    shipped = pickle.dumps(stage, protocol=pickle.HIGHEST_PROTOCOL)
    run_id = uuid.uuid4().hex[:8]
    with store.connect() as conn:
        stage.resume(conn, run.watermark)
    # (distributed leaves some of its methods unannotated: hence the ignores)
    depth = AHEAD_PER_THREAD * max(1, sum(client.nthreads().values()))  # type: ignore[no-untyped-call]
    ahead: deque[tuple[list[Row[Any]], Future[Any]]] = deque()
    try:
        for rows in _unseen(store, stage.query(), run.watermark, stage.batch_size):
            key = f"process-{stage.name}-{rows[0].id}-{run_id}"
            ahead.append((rows, client.submit(compute_batch, shipped, plain(rows), key=key, retries=RETRIES)))
            if len(ahead) >= depth:
                _write(store, stage, *ahead.popleft(), run.fingerprint, report, tick)
        while ahead:
            _write(store, stage, *ahead.popleft(), run.fingerprint, report, tick)
    finally:
        client.cancel([future for _, future in ahead])  # type: ignore[no-untyped-call]
    report.seconds = time.perf_counter() - run.started
    log.info("stage %s: %s articles on the cluster in %.1f s", stage.name, report.articles, report.seconds)
    return report


def _unseen(store: Store, query: Select[Any], watermark: int, size: int) -> Iterator[list[Row[Any]]]:
    """The batches `unseen_batches` gives, each read in a connection of its own that holds no transaction open
    while the batches before it are computed and written (the stages write no articles, so the reads agree)."""
    while True:
        with store.connect() as conn:
            rows = list(
                conn.execute(
                    query.where(articles.c.id > watermark, articles.c.is_current).order_by(articles.c.id).limit(size)
                )
            )
        if not rows:
            return
        yield rows
        watermark = rows[-1].id


def _write(
    store: Store,
    stage: Stage,
    rows: list[Row[Any]],
    future: Future[Any],
    fingerprint: str,
    report: StageReport,
    tick: Tick | None,
) -> None:
    """A batch's writes and the watermark past it, in one transaction, once its compute is back."""
    computed = future.result()
    with store.begin() as conn:
        stage.write(conn, rows, computed, report)
        save_stage_state(conn, stage.name, rows[-1].id, fingerprint)
    report.articles += len(rows)
    if tick:
        for _ in rows:
            tick()
