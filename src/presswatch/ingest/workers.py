"""Extraction in worker processes, with results handed back in input order.

Extraction (trafilatura, ftfy, lingua) is CPU-bound and pages are independent,
so it runs on every core; the store has one writer, the calling process. Items
run inline while the workers start (the server process imports trafilatura and
loads lingua's models, a second or two), so a small ingest never waits for
them and a large one hands its items to them as soon as they are up.
Results come back in the order items went in: when one run holds two captures
of one URL, the earlier must be stored first to become version 1.

Each item has a budget (`ItemBudget`, settings `item_seconds` and
`item_memory_bytes`). A worker takes one item at a time from a thread of this
process that owns it; the thread kills the worker when the item runs past its
time, and starts another. The worker caps its own memory (RLIMIT_DATA) at what
it holds plus the budget while it works on an item, so an item that needs more
fails with MemoryError there. Either way the item fails as ItemTooSlow or
ItemTooBig and the run goes on with the next. An item run inline has the time
budget only (a timer signal).

Workers ignore Ctrl-C (this process handles it and stops them) and die with
this process, even on kill -9: each watches a pipe only this process holds open.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import queue
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import FrameType, TracebackType
from typing import Any, Generic, TypeVar

from ..config import Settings
from ..errors import ItemError, ItemTooBig, ItemTooSlow

if sys.platform != "win32":
    import resource

log = logging.getLogger(__name__)

Job = TypeVar("Job")
Result = TypeVar("Result")

# The most items run inline while the workers start; past that, the run waits for them.
INLINE_ITEMS = 64
# An item this large never runs inline, whatever the worker count: only a worker process can be held to the
# memory budget (a page of 300,000 <p> is 3.3 MB and costs about 0.6 GB to parse). News pages are rarely
# past 1.5 MB (the largest of the 181 AEB pages), and a worker costs a start-up, so the line is above that.
HEAVY_BYTES = 2_000_000
# Items in flight per worker (each takes one at a time; the rest wait here): enough to keep each busy, few
# enough to bound memory.
IN_FLIGHT_PER_WORKER = 16
# Seconds a worker is given to stop when asked before it is killed: it has no work left by then.
STOP_SECONDS = 5.0
# After the first, the inline timer fires again at this interval, should a library swallow it once.
REFIRE_SECONDS = 1.0
# A new worker says it is ready within this many seconds, or is given up (the server is already up by then).
START_SECONDS = 60.0
READY = "ready"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

TOO_BIG = "extracting it needed more memory than the budget per item (setting item_memory_bytes)"


@dataclass(frozen=True)
class ItemBudget:
    """What extracting one item may cost: wall time, and memory on top of what its worker holds; 0 for no limit."""

    seconds: float = Settings.item_seconds
    memory_bytes: int = Settings.item_memory_bytes

    def too_slow(self) -> ItemTooSlow:
        return ItemTooSlow(
            f"extracting it took longer than {self.seconds:g} s, the budget per item (setting item_seconds)"
        )


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
    except MemoryError:
        return ItemTooBig(TOO_BIG)
    except Exception as exc:  # noqa: BLE001 - a library tripping on hostile input must not stop the run
        log.debug("unexpected error", exc_info=True)
        return ItemError(f"unexpected error ({type(exc).__name__}: {exc}); please report it")


class _OverTime(BaseException):
    """The inline timer's signal: not an Exception, so that no library's `except Exception` swallows it."""


def _over_time(signum: int, frame: FrameType | None) -> None:
    raise _OverTime


def timed(task: Callable[[Job], Result], job: Job, budget: ItemBudget) -> Result | ItemError:
    """`guarded` in this process, stopped by a timer signal past the budget's seconds (in the main thread)."""
    if budget.seconds <= 0 or sys.platform == "win32" or threading.current_thread() is not threading.main_thread():
        return guarded(task, job)
    previous = signal.signal(signal.SIGALRM, _over_time)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, budget.seconds, REFIRE_SECONDS)
            return guarded(task, job)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _OverTime:
        return budget.too_slow()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)  # again: the timer may have fired as the first stop began
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


# ---- in a worker process ------------------------------------------------------------------


def _serve(jobs: Connection, task: Callable[[Any], Any], memory_bytes: int, lifeline: Connection) -> None:
    """A worker's life: a job from `jobs`, its result sent back, and the next, until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(lifeline)
    jobs.send(READY)
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            with _memory_capped(memory_bytes):
                result = guarded(task, job)
        except MemoryError:  # in guarded's own handling, with the heap at its cap
            result = ItemTooBig(TOO_BIG)
        try:
            jobs.send(result)
        except (EOFError, OSError):
            return
        except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled fails its item only
            jobs.send(ItemError(f"unexpected error (the result cannot be handed back: {exc}); please report it"))


def _die_with_parent(lifeline: Connection) -> None:
    """End this worker as soon as the process that runs the pool ends, however it ends."""
    if sys.platform.startswith("linux"):
        # The kernel kills this worker when the fork server that forked it ends...
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            log.debug("prctl(PR_SET_PDEATHSIG) is not available", exc_info=True)
    # ...but the fork server outlives the pool's process while workers hold its pipe: watch that process itself.
    threading.Thread(target=_exit_when_closed, args=(lifeline,), name="presswatch-lifeline", daemon=True).start()


def _exit_when_closed(lifeline: Connection) -> None:
    """The pool's process never writes to the lifeline: it turns readable when that process's end closes."""
    try:
        lifeline.poll(None)
    except (EOFError, OSError):
        pass
    os._exit(0)


@contextmanager
def _memory_capped(budget: int) -> Iterator[None]:
    """Cap this process's data (heap and private maps) at what it holds now plus `budget` bytes, for one item."""
    held = _data_bytes() if budget > 0 else None
    if held is None or sys.platform == "win32":
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = held + budget if hard == resource.RLIM_INFINITY else min(held + budget, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_bytes() -> int | None:
    """The data size the kernel holds against RLIMIT_DATA (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


# ---- in the pool's process ------------------------------------------------------------------


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
    in every worker. The script is hidden for just the moment a process
    starts; one thread at a time, as the pool's threads start workers.
    """
    with _MAIN_SCRIPT_LOCK:
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


_MAIN_SCRIPT_LOCK = threading.RLock()  # reentrant: the probe hides the script around a call that hides it too


def _ready() -> None:
    """The probe's task: a process forked from the server has run, so the server is up."""


class _Unstarted:
    """A job's result when no worker could be started for it: the pool runs it in this process instead."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


STOPPED = "not extracted: the run was stopped"


class _Closing(Exception):
    """The pool is stopping: no worker is started any more."""


Handed = Future[Any]  # a job's result: Result | ItemError | _Unstarted


class OrderedPool(Generic[Job, Result]):
    """Runs `task` over jobs, inline until the workers can start, then in them; yields (job, result) in input order."""

    def __init__(
        self,
        task: Callable[[Job], Result],
        workers: int,
        budget: ItemBudget | None = None,
        heavy: Callable[[Job], bool] | None = None,
    ) -> None:
        self.task = task
        self.workers = workers
        self.heavy = heavy  # says which jobs must run in a worker (held to the memory budget), even with one
        self._probing = False
        self.budget = budget or ItemBudget()
        self.seen = 0
        self.jobs: queue.SimpleQueue[tuple[Job, Handed] | None] = queue.SimpleQueue()
        self.crew: list[_Worker] = []
        self.closing = False
        self.pending: deque[tuple[Job, Handed]] = deque()
        self._up = threading.Event()  # set once the server has forked a process, or could not
        self._start_error: BaseException | None = None
        self.lifeline: tuple[Connection, Connection] | None = None  # (the workers' end, ours)

    def __enter__(self) -> OrderedPool[Job, Result]:
        if self.workers > 1:
            # The server starts in the background; items run inline meanwhile.
            self._start_probe()
        return self

    def _start_probe(self) -> None:
        if not self._probing:
            self._probing = True
            threading.Thread(target=self._probe_server, name="presswatch-workers", daemon=True).start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            # An interrupt: queued work is dropped and the workers are killed; what was stored stays stored.
            self._cancel_queued()
        for _ in self.crew:
            self.jobs.put(None)
        for worker in self.crew:
            worker.stop(kill=kind is not None)
        if self.lifeline is not None:
            for end in self.lifeline:
                end.close()

    def _cancel_queued(self) -> None:
        self.closing = True
        while True:
            try:
                taken = self.jobs.get_nowait()
            except queue.Empty:
                return
            if taken is not None:
                taken[1].cancel()

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
        return self._probing and self._up.wait(timeout) and self._start_error is None

    def submit(self, job: Job) -> Iterator[tuple[Job, Result | ItemError]]:
        """Add a job; yield the results that are due, oldest first."""
        self.seen += 1
        if self._to_workers(job) and self.wait_ready():
            yield from self._submit_to_workers(job)
            return
        if self._start_error is not None and self.workers > 1:
            # A script without `if __name__ == "__main__":` cannot start spawned
            # workers; the work still gets done, in this process.
            log.warning("extraction workers unavailable (%s); going on in one process", self._start_error)
            self.workers = 1
        yield from self.drain()
        yield job, timed(self.task, job, self.budget)

    def _to_workers(self, job: Job) -> bool:
        if self.heavy is not None and self.heavy(job) and self._start_error is None:
            self._start_probe()  # with one worker too: inline, nothing holds the item to the memory budget
            return True
        if self.workers > 1:
            return self._up.is_set() or self.seen > INLINE_ITEMS
        return False

    def _submit_to_workers(self, job: Job) -> Iterator[tuple[Job, Result | ItemError]]:
        if not self.crew:
            self.lifeline = _clean_context().Pipe(duplex=False)
            self.crew = [_Worker(self, number) for number in range(self.workers)]
        future: Handed = Future()
        self.pending.append((job, future))
        self.jobs.put((job, future))
        while len(self.pending) > self.workers * IN_FLIGHT_PER_WORKER:
            yield self._oldest()

    def drain(self) -> Iterator[tuple[Job, Result | ItemError]]:
        while self.pending:
            yield self._oldest()

    def _oldest(self) -> tuple[Job, Result | ItemError]:
        job, future = self.pending.popleft()
        result = future.result()
        if isinstance(result, _Unstarted):
            if self.workers > 1:
                log.warning("extraction workers unavailable (%s); going on in one process", result.error)
                self.workers = 1
            return job, timed(self.task, job, self.budget)
        done: Result | ItemError = result
        return job, done


def _ending(code: int | None) -> str:
    """How a process ended, from its exit code (negative: the signal that ended it)."""
    if code is None or code >= 0:
        return f"exit code {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"


class _Worker:
    """A worker process and the thread of this process that owns it: hands it one job at a time, on the budget."""

    def __init__(self, pool: OrderedPool[Any, Any], number: int) -> None:
        self.pool = pool
        self.name = f"presswatch-worker-{number}"
        self.process: Any = None  # a multiprocessing Process of the pool's context
        self.conn: Connection | None = None
        self.lock = threading.Lock()  # the process is replaced here and killed from the pool's thread on Ctrl-C
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (taken := self.pool.jobs.get()) is not None:
            job, future = taken
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = self._do(job)
            except Exception as exc:  # noqa: BLE001 - the pool's thread waits for every result: never leave one unset
                log.debug("the worker thread failed", exc_info=True)
                result = ItemError(f"the extraction worker failed ({type(exc).__name__}: {exc})")
            future.set_result(result)
        self._retire(kill=self.pool.closing)

    def _do(self, job: Any) -> Any:
        """The job's result, ItemTooSlow when it runs past the budget, or why the worker could not do it."""
        try:
            conn = self._connection()
        except _Closing:
            return ItemError(STOPPED)
        except Exception as exc:  # noqa: BLE001 - no worker is not fatal: the pool's thread does the job
            return _Unstarted(exc)
        try:
            conn.send(job)
        except (OSError, EOFError):  # it died just before
            return self._died()
        except Exception as exc:  # noqa: BLE001 - a job that cannot be pickled fails alone
            return ItemError(f"unexpected error (cannot hand it to a worker: {exc}); please report it")
        seconds = self.pool.budget.seconds
        if not conn.poll(seconds if seconds > 0 else None):
            self._retire(kill=True)
            return self.pool.budget.too_slow()
        try:
            result = conn.recv()
        except (EOFError, OSError):
            return self._died()
        if isinstance(result, ItemTooBig):
            self._retire(kill=True)  # its heap may stay as large as the cap: the next item gets a fresh worker
        return result

    def _connection(self) -> Connection:
        """The connection to a live worker, started now if there is none (or it died while idle)."""
        with self.lock:
            if self.pool.closing:
                raise _Closing
            if self.process is None or not self.process.is_alive():
                self._start()
            assert self.conn is not None
            return self.conn

    def _start(self) -> None:
        if self.process is not None:
            self._close(self.process, self.conn, kill=True)
        context: Any = _clean_context()
        ours, theirs = context.Pipe()
        assert self.pool.lifeline is not None
        args = (theirs, self.pool.task, self.pool.budget.memory_bytes, self.pool.lifeline[0])
        process = context.Process(target=_serve, args=args, name=self.name, daemon=True)
        with _main_script_hidden():
            process.start()
        theirs.close()
        self.process, self.conn = process, ours
        try:
            if not ours.poll(START_SECONDS) or ours.recv() != READY:
                raise OSError(f"a worker did not start within {START_SECONDS:g} s")
        except (EOFError, OSError) as exc:  # it could not unpickle its task, say
            self._close(process, ours, kill=True)
            self.process = self.conn = None
            raise OSError(f"a worker ended as it started (exit code {process.exitcode})") from exc

    def _died(self) -> ItemError:
        """The worker ended while on a job: killed from outside (out of memory) or crashed."""
        with self.lock:
            process, conn, self.process, self.conn = self.process, self.conn, None, None
        if conn is not None:
            conn.close()
        if process is not None:
            process.join(STOP_SECONDS)
        if process is None or self.pool.closing:  # killed by the pool's thread on Ctrl-C
            return ItemError(STOPPED)
        code = process.exitcode
        if sys.platform != "win32" and code == -signal.SIGKILL:
            return ItemTooBig("the extraction worker was killed (SIGKILL) while on it, most likely out of memory")
        return ItemError(f"the extraction worker failed (it ended with {_ending(code)} while on it)")

    def _retire(self, kill: bool) -> None:
        """Stop the worker process: asked to (it has no job), or killed."""
        with self.lock:
            process, conn, self.process, self.conn = self.process, self.conn, None, None
        if process is not None:
            self._close(process, conn, kill)

    @staticmethod
    def _close(process: Any, conn: Connection | None, kill: bool) -> None:
        if kill:
            process.kill()
        elif conn is not None:
            try:
                conn.send(None)
            except OSError:
                pass
        process.join(STOP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join(STOP_SECONDS)
        if conn is not None:
            conn.close()

    def stop(self, kill: bool) -> None:
        """After the pool put its stop mark: kill the process now (Ctrl-C) or let the thread finish; wait for it."""
        if kill:
            with self.lock:
                if self.process is not None:
                    self.process.kill()
        self.thread.join(STOP_SECONDS if kill else None)
