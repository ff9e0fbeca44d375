"""The one interface every `process` stage implements, and the loop that runs any of them.

A stage is a class: it is made afresh for each run with the settings in
force, says whether it is off (and why), names the inputs that decide its
output (its fingerprint), and processes batches of the current articles it
has not seen, oldest first. The loop here keeps its watermark, restarts it
or warns when its fingerprint changed, ticks the progress bar and times it.

A batch's work comes in two parts: `compute`, what each article needs alone
(no store, no state of the run: a worker may do it, or do it again), and
`write`, the rest (candidates looked up in the store, links, clustering) in
the transaction that moves the watermark. `process_batch` is the two in a row;
`process.distributed` runs `compute` on a Dask cluster and `write` here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from sqlalchemy import Connection, Select, Table, delete

from ..config import Settings
from ..store import Store
from ..store.queries import StageReport, save_stage_state, stage_state_of, unseen_batches
from ..store.schema import stage_state

log = logging.getLogger(__name__)

Tick = Callable[[], None]


class Stage(Protocol):
    """One analysis stage of `process`."""

    name: ClassVar[str]
    needs: ClassVar[tuple[str, ...]]  # stages whose output this one reads: they run before it
    outputs: ClassVar[tuple[Table, ...]]  # the tables it writes, children first (`--redo` clears them)
    batch_size: ClassVar[int]  # articles per transaction
    # True when what it made is wrong once its inputs change (so it starts over); False when new settings
    # only apply to new articles (it warns, and `--redo` remakes the rest).
    restart_on_change: ClassVar[bool]

    def __init__(self, settings: Settings) -> None: ...

    def prepare(self, conn: Connection) -> str | None:
        """Load what the run needs; the reason the stage is off (nothing to do its work with), else None."""
        ...

    def fingerprint(self) -> str:
        """The inputs that decide the stage's output (settings, watchlist), after `prepare`."""
        ...

    def resume(self, conn: Connection, watermark: int) -> None:
        """Pick up the state the run starts from: the stage has seen every article up to `watermark`."""
        ...

    def query(self) -> Select[Any]:
        """The columns of an article the stage reads; the loop adds which articles and their order."""
        ...

    def compute(self, rows: Sequence[Any]) -> Any:
        """The batch's work each article needs alone: pure (no store), picklable in and out, as `prepare` left it."""
        ...

    def write(self, conn: Connection, rows: Sequence[Any], computed: Any, report: StageReport) -> None:
        """The rest of a batch, given what `compute` made of it, writing in `conn` (which also moves the watermark)."""
        ...

    def process_batch(self, conn: Connection, rows: Sequence[Any], report: StageReport) -> None:
        """Process a batch of new articles here: `write(conn, rows, compute(rows), report)`."""
        ...


def forget(store: Store, stage: type[Stage]) -> None:
    """Clear a stage's output and watermark, so that its next run starts from the first article."""
    with store.begin() as conn:
        _clear(conn, stage)


def _clear(conn: Connection, stage: type[Stage]) -> None:
    for table in stage.outputs:
        conn.execute(delete(table))
    conn.execute(delete(stage_state).where(stage_state.c.stage == stage.name))


@dataclass
class StageRun:
    """A stage made and prepared for one run, and where the run starts from."""

    stage: Stage
    report: StageReport
    watermark: int
    fingerprint: str
    started: float


def start_stage(store: Store, stage_type: type[Stage], settings: Settings) -> StageRun:
    """Make and prepare a stage, its watermark set back if its inputs changed; not yet resumed.

    The run's report says why when the stage is off.
    """
    started = time.perf_counter()
    stage = stage_type(settings)
    report = StageReport(stage.name)
    with store.connect() as conn:
        report.off_reason = stage.prepare(conn)
        watermark, seen = stage_state_of(conn, stage.name)
    if report.off_reason:
        log.info("stage %s is off: %s", stage.name, report.off_reason)
        return StageRun(stage, report, watermark, "", started)
    fingerprint = stage.fingerprint()
    if seen is not None and seen != fingerprint:
        watermark = _on_change(store, stage_type, fingerprint, watermark, report)
    return StageRun(stage, report, watermark, fingerprint, started)


def run_stage(store: Store, stage_type: type[Stage], settings: Settings, tick: Tick | None = None) -> StageReport:
    """Run one stage over the current articles it has not seen; idempotent and incremental."""
    run = start_stage(store, stage_type, settings)
    stage, report = run.stage, run.report
    if report.off_reason:
        return report
    with store.connect() as conn:
        stage.resume(conn, run.watermark)
    batches = unseen_batches(store, stage.name, stage.query(), run.watermark, run.fingerprint, stage.batch_size)
    for conn, rows in batches:
        stage.process_batch(conn, rows, report)
        report.articles += len(rows)
        if tick:
            for _ in rows:
                tick()
    report.seconds = time.perf_counter() - run.started
    return report


def _on_change(store: Store, stage: type[Stage], fingerprint: str, watermark: int, report: StageReport) -> int:
    """The watermark to go on from after the stage's inputs changed."""
    if not stage.restart_on_change:
        log.warning(
            "%s settings changed: what it made stays; `presswatch process --redo %s` remakes it", stage.name, stage.name
        )
        return watermark
    with store.begin() as conn:
        _clear(conn, stage)
        save_stage_state(conn, stage.name, 0, fingerprint)
    report.restarted = True
    return 0
