"""Connecting to a Dask scheduler, and starting a local one, with errors that say what to do."""

from __future__ import annotations

import logging
import os
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'presswatch[cluster]'"
# A scheduler answers within a second on a LAN; ten allow for a busy one, and a wrong address still fails soon.
CONNECT_SECONDS = 10.0


def _distributed() -> ModuleType:
    """The `distributed` package, or a UsageError saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise UsageError(f"running on a cluster needs Dask distributed: {INSTALL_HINT}") from None
    return distributed


def client_for(address: str, timeout: float = CONNECT_SECONDS) -> Client:
    """A client of the scheduler at `address` (tcp://HOST:8786); UsageError when it cannot be reached."""
    distributed = _distributed()
    if not address.strip():
        raise UsageError("no cluster given: --cluster tcp://HOST:8786 or PRESSWATCH_CLUSTER")
    try:
        client: Client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise UsageError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({reason}); "
            "start one (`presswatch cluster local --workers N`, or `dask scheduler`) "
            "or fix --cluster / PRESSWATCH_CLUSTER"
        ) from None
    try:
        # Tasks sent to a scheduler without workers wait for ever: say so instead.
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()  # type: ignore[no-untyped-call]  # distributed leaves it without hints
        raise UsageError(
            f"the Dask scheduler at {address} has no workers (none joined within {timeout:g} s); "
            f"start some: dask worker {address}"
        ) from None
    log.info("connected to the Dask scheduler at %s", address)
    return client


def local_cluster(
    workers: int, threads: int = 1, port: int = 8786, host: str = "127.0.0.1", dashboard: str | None = ":8787"
) -> LocalCluster:
    """A LocalCluster of `workers` processes with `threads` threads each (extraction is CPU-bound: one)."""
    distributed = _distributed()
    if workers < 1:
        raise UsageError(f"--workers: {workers} is not a worker count (1 or more)")
    # Workers that may start processes: ingest extracts in a process of its own (kept from task to task), where
    # the per-item time and memory budget holds (a Dask worker is a daemon process by default, which may not).
    # Dask's statistical profiler (a thread walking the task threads' stacks every 10 ms, for the dashboard's
    # profile page) is off: it cost a two-worker cluster about 1 CPU s of 34 in bench/scale.py (500 pages). A
    # user who wants it sets DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=True.
    import dask

    settings: dict[str, object] = {"distributed.worker.daemon": False}
    if "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED" not in os.environ:
        settings["distributed.worker.profile.enabled"] = False
    dask.config.set(settings)
    try:
        cluster: LocalCluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=threads,
            processes=True,
            host=host,
            scheduler_port=port,
            dashboard_address=dashboard,
        )
    except OSError as exc:
        raise UsageError(f"cannot start a scheduler on {host}:{port} ({exc}); choose another --port") from None
    return cluster


def require_shared_store(db_url: str) -> None:
    """Refuse a store the workers cannot share: each would write its own SQLite file, or fight over one."""
    if "://" not in db_url or db_url.startswith("sqlite"):
        raise UsageError(f"--cluster needs a store every worker reaches: --db postgresql://... (not {db_url})")
