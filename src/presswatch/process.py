"""`presswatch process`: the analysis stages, in order, each incremental and idempotent.

A stage that is not configured (no watchlist yet, say) turns itself off and
says why; the others run. Later stages (reuse, stories) join this list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from .config import Settings
from .entities.stage import StageReport, pending, run_entities_stage
from .store import Store

log = logging.getLogger(__name__)

OnStage = Callable[[str, int], Callable[[], None]]


def run_stages(store: Store, settings: Settings, on_stage: OnStage | None = None) -> list[StageReport]:
    """Run every stage over the articles it has not seen; `on_stage(name, todo)` gives a per-article tick."""
    reports = []
    tick = on_stage("entities", pending(store)) if on_stage else None
    report = run_entities_stage(store, settings.fuzzy_name_threshold, tick)
    if report.off_reason:
        log.info("stage entities is off: %s", report.off_reason)
    reports.append(report)
    return reports
