"""One `presswatch run` per store: a file lock beside a SQLite store, an advisory lock on PostgreSQL.

Both are released by the operating system or the server when the process dies, kill -9 included, so a lock is
never left behind by a crash.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text

from ..errors import UsageError
from ..store import Store

ADVISORY_KEY = 0x70727773  # "prws": the advisory lock's key on PostgreSQL


class RunLock:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._file: IO[str] | None = None
        self._conn: Any = None

    @property
    def path(self) -> Path:
        return Path(self.store.url.removeprefix("sqlite:///") + ".run.lock")

    def acquire(self) -> None:
        """Take the lock, or UsageError saying another run holds it (and which process, on SQLite)."""
        if self.store.is_sqlite:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115  # held open as long as the lock
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise UsageError(
                    f"another `presswatch run` is running on this store ({holder}, lock {self.path}); "
                    "stop it first, or use `presswatch run --status` to see its jobs"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            self._file = handle
            return
        self._conn = self.store.engine.connect()
        if not self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
            self._conn.close()
            self._conn = None
            raise UsageError("another `presswatch run` is running on this store; stop it first")

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            self._conn.close()
            self._conn = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
