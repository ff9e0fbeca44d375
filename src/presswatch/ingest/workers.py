"""Extraction in worker processes, with results handed back in input order.

Extraction (trafilatura, ftfy, lingua) is CPU-bound and pages are independent,
so it runs on every core; the store has one writer, the calling process. Items
run inline while the workers start (the server process imports trafilatura and
loads lingua's models, a second or two), so a small ingest never waits for
them and a large one hands its items to them as soon as they are up.
Results come back in the order items went in: when one run holds two captures
of one URL, the earlier must be stored first to become version 1.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Generic, TypeVar

from ..errors import ItemError

log = logging.getLogger(__name__)

Job = TypeVar("Job")
Result = TypeVar("Result")

# The most items run inline while the workers start; past that, the run waits for them.
INLINE_ITEMS = 64
# Items in flight per worker: enough to keep each busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 16


def worker_count(setting: int) -> int:
    """The `workers` setting: 0 means one per CPU core this process may use."""
    if setting > 0:
        return setting
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def guarded(task: Callable[[Job], Result], job: Job) -> Result | ItemError:
    """Run a task; bad input and library crashes become an ItemError, never an escaped exception."""
    try:
        return task(job)
    except ItemError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - a library tripping on hostile input must not stop the run
        log.debug("unexpected error", exc_info=True)
        return ItemError(f"unexpected error ({type(exc).__name__}: {exc}); please report it")


def _clean_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a fresh, single-threaded server process.

    Not fork: lingua's native locks and thread pool do not survive a fork of a
    process that has used them (the child hangs). The forkserver preloads our
    modules once, so workers start at once.
    """
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["presswatch.ingest.worker_preload"])
    return context


def _start_forkserver() -> None:
    if sys.platform != "win32":
        _clean_context()
        with _main_script_hidden():
            multiprocessing.forkserver.ensure_running()


@contextmanager
def _main_script_hidden() -> Iterator[None]:
    """Keep new workers from re-running the caller's script.

    multiprocessing re-imports `__main__` in each new worker so that functions
    defined there can be unpickled; ours live in presswatch, and a script
    without an `if __name__ == "__main__":` guard would ingest all over again
    in every worker. Workers are only started inside `submit`, so the script is
    hidden for just that call.
    """
    main = sys.modules.get("__main__")
    saved: dict[str, object] = {
        name: main.__dict__[name] for name in ("__file__", "__spec__") if main and name in main.__dict__
    }
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)
            if "__spec__" not in saved:
                main.__dict__.pop("__spec__", None)


def _ready() -> None:
    """The probe's task: a process forked from the server has run, so the server is up."""


class OrderedPool(Generic[Job, Result]):
    """Runs `task` over jobs, inline until the workers can start, then in them; yields (job, result) in input order."""

    def __init__(self, task: Callable[[Job], Result], workers: int) -> None:
        self.task = task
        self.workers = workers
        self.seen = 0
        self.pool: ProcessPoolExecutor | None = None
        self.pending: deque[tuple[Job, Future[Result | ItemError]]] = deque()
        self._up = threading.Event()  # set once the server has forked a process, or could not
        self._start_error: BaseException | None = None

    def __enter__(self) -> OrderedPool[Job, Result]:
        if self.workers > 1:
            # The server starts in the background; items run inline meanwhile.
            threading.Thread(target=self._probe_server, name="presswatch-workers", daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.pool is not None:
            # On an interrupt, queued work is dropped; what was stored stays stored.
            self.pool.shutdown(wait=kind is None, cancel_futures=kind is not None)

    def _probe_server(self) -> None:
        """Start the server and wait until it has forked one short-lived process.

        A bare process, not the pool's first worker: if this run ends first,
        the probe holds nothing of it (no queue, no lock) to trip over.
        """
        try:
            with _main_script_hidden():
                _start_forkserver()
                context: Any = _clean_context()  # a concrete context: BaseContext does not declare Process
                probe = context.Process(target=_ready, name="presswatch-probe", daemon=True)
                probe.start()
            probe.join()
            if probe.exitcode != 0:
                raise OSError(f"a process forked from the server exited with code {probe.exitcode}")
        except Exception as exc:  # noqa: BLE001 - no workers is not fatal: the work goes on in this process
            self._start_error = exc
        self._up.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the workers can start at once (or cannot start at all); True when they can."""
        return self.workers > 1 and self._up.wait(timeout) and self._start_error is None

    def submit(self, job: Job) -> Iterator[tuple[Job, Result | ItemError]]:
        """Add a job; yield the results that are due, oldest first."""
        self.seen += 1
        if self.workers > 1 and (self._up.is_set() or self.seen > INLINE_ITEMS) and self.wait_ready():
            yield from self._submit_to_workers(job)
            return
        if self._start_error is not None and self.workers > 1:
            # A script without `if __name__ == "__main__":` cannot start spawned
            # workers; the work still gets done, in this process.
            log.warning("extraction workers unavailable (%s); going on in one process", self._start_error)
            self.workers = 1
        yield from self.drain()
        yield job, guarded(self.task, job)

    def _submit_to_workers(self, job: Job) -> Iterator[tuple[Job, Result | ItemError]]:
        try:
            with _main_script_hidden():
                future = self._start().submit(guarded, self.task, job)
        except (BrokenProcessPool, RuntimeError, OSError) as exc:
            log.warning("extraction workers unavailable (%s); going on in one process", exc)
            self.workers = 1
            yield from self.drain()
            yield job, guarded(self.task, job)
            return
        self.pending.append((job, future))
        while len(self.pending) > self.workers * IN_FLIGHT_PER_WORKER:
            yield self._oldest()

    def _start(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=_clean_context())
        return self.pool

    def drain(self) -> Iterator[tuple[Job, Result | ItemError]]:
        while self.pending:
            yield self._oldest()

    def _oldest(self) -> tuple[Job, Result | ItemError]:
        job, future = self.pending.popleft()
        try:
            return job, future.result()
        except Exception as exc:  # noqa: BLE001 - a worker that died (out of memory, killed) fails its item only
            return job, ItemError(f"the extraction worker failed ({type(exc).__name__}: {exc})")
