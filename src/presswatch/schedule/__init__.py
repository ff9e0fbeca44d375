"""`presswatch run`: jobs on cron schedules in a time zone, their state in the store's `jobs` table, one runner
per store (a lock), and a loop that stops between jobs.

Reads and writes: `jobs`. What each job does is given to it (api.py builds the jobs from its own methods), so
this package knows schedules and state, not fetching, processing, alerts or digests.
"""

from .cron import next_time
from .lock import RunLock
from .runner import Job, JobOutcome, Scheduler, run_loop

__all__ = ["Job", "JobOutcome", "RunLock", "Scheduler", "next_time", "run_loop"]
