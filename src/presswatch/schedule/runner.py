"""Jobs, when each is due, and the runner that runs what is due and keeps each job's state in the store.

A job is due when its stored next run has come (or, for `sooner`, when enough work waits). After a run its
next run is the first scheduled time after *now*: a job missed during downtime runs once, not once per slot.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..store import Store
from ..store import alerts as stored
from .cron import check, next_time, zone

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]  # naive UTC now


@dataclass(frozen=True)
class Job:
    """A named piece of work: on a cron schedule, or every `every_minutes`; `sooner()` makes it due early."""

    name: str
    action: Callable[[], str]  # does the work, returns one line of what it did
    cron: str = ""
    every_minutes: int = 0
    sooner: Callable[[], bool] | None = None

    def next_after(self, when: datetime, tz: str) -> datetime:
        if self.cron:
            return next_time(self.cron, tz, when)
        return when + timedelta(minutes=max(self.every_minutes, 1))


@dataclass(frozen=True)
class JobOutcome:
    name: str
    outcome: str  # ok | failed | interrupted
    summary: str
    seconds: float


class Scheduler:
    """The jobs of one store and their state (table `jobs`)."""

    def __init__(self, store: Store, jobs: list[Job], tz: str = "UTC") -> None:
        zone(tz)
        for job in jobs:
            if job.cron:
                check(job.cron, job.name)
        self.store, self.jobs, self.tz = store, jobs, tz

    def next_runs(self, now: datetime) -> dict[str, datetime]:
        """Each job's next run; a job never seen before is due now (interval) or at its first slot (cron)."""
        with self.store.begin() as conn:
            rows = stored.job_rows(conn)
            found = {}
            for job in self.jobs:
                row = rows.get(job.name)
                if row is None or row.next_run_at is None:
                    first = job.next_after(now, self.tz) if job.cron else now
                    stored.save_job(conn, job.name, {"next_run_at": first, "runs": 0})
                    found[job.name] = first
                else:
                    found[job.name] = row.next_run_at
        return found

    def due(self, now: datetime) -> list[Job]:
        nexts = self.next_runs(now)
        return [j for j in self.jobs if nexts[j.name] <= now or (j.sooner is not None and j.sooner())]

    def run_due(self, now: datetime, stop: Callable[[], bool] = lambda: False) -> list[JobOutcome]:
        """Run every due job once, in order, stopping between jobs when `stop()` says so."""
        outcomes = []
        for job in self.due(now):
            if stop():
                break
            outcomes.append(self.run_job(job, now))
        return outcomes

    def run_job(self, job: Job, now: datetime) -> JobOutcome:
        started = time.monotonic()
        values: dict[str, Any] = {"last_run_at": now, "next_run_at": job.next_after(now, self.tz)}
        try:
            summary = job.action()
        except KeyboardInterrupt:
            self._save(job, values, "interrupted", "stopped by Ctrl-C or SIGTERM", started)
            raise
        except Exception as exc:  # a failing job is recorded and shown, and the others go on
            log.error("job %s failed: %s", job.name, exc)
            outcome = self._save(job, values, "failed", f"{type(exc).__name__}: {exc}", started)
            return outcome
        return self._save(job, values, "ok", summary, started)

    def _save(self, job: Job, values: dict[str, Any], outcome: str, summary: str, started: float) -> JobOutcome:
        seconds = time.monotonic() - started
        error = summary if outcome != "ok" else None
        with self.store.begin() as conn:
            stored.save_job(
                conn, job.name, {**values, "last_outcome": outcome, "last_error": error, "last_seconds": seconds}
            )
            stored.count_job_run(conn, job.name)
        log.info("job %s: %s (%s) in %.1f s", job.name, outcome, summary, seconds)
        return JobOutcome(job.name, outcome, summary, seconds)

    def status(self) -> list[dict[str, Any]]:
        """Every job: its schedule, last run, outcome, error, and next run."""
        with self.store.connect() as conn:
            rows = stored.job_rows(conn)
        shown = []
        for job in self.jobs:
            row = rows.get(job.name)
            schedule = job.cron or f"every {job.every_minutes} minutes"
            shown.append(
                {
                    "job": job.name,
                    "schedule": schedule,
                    "timezone": self.tz,
                    "last_run": row.last_run_at if row else None,
                    "outcome": row.last_outcome if row else None,
                    "error": row.last_error if row else None,
                    "seconds": row.last_seconds if row else None,
                    "runs": row.runs if row else 0,
                    "next_run": row.next_run_at if row else None,
                }
            )
        return shown


def run_loop(
    scheduler: Scheduler,
    clock: Clock,
    wait: Callable[[float], bool],
    stop: Callable[[], bool],
    on_outcome: Callable[[JobOutcome], None] | None = None,
) -> None:
    """Run due jobs until `stop()`; between rounds `wait(seconds)` (an Event's wait: True ends the loop)."""
    while not stop():
        for outcome in scheduler.run_due(clock(), stop):
            if on_outcome:
                on_outcome(outcome)
        nexts = scheduler.next_runs(clock())
        pause = min([(n - clock()).total_seconds() for n in nexts.values()] + [60.0])
        if wait(max(pause, 1.0)):
            return
