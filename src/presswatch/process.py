"""`presswatch process`: the analysis stages, in order, each incremental and idempotent.

reuse (duplicates, partial copies, translations, who was first), then
entities (mentions, relevance), then stories (clusters of articles about one
event, across outlets and languages). A stage that is not configured (no
watchlist yet, say) turns itself off and says why; the others run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import func, select

from .config import Settings
from .entities.stage import run_entities_stage
from .reuse.stage import ReuseOptions, run_reuse_stage
from .store import Store
from .store.queries import StageReport, stage_state_of
from .store.schema import articles
from .stories import run_stories_stage

log = logging.getLogger(__name__)

OnStage = Callable[[str, int], Callable[[], None]]
STAGES = ("reuse", "entities", "stories")


def pending(store: Store, stage: str) -> int:
    """How many articles a stage has not seen yet (for a progress bar)."""
    with store.connect() as conn:
        watermark, _ = stage_state_of(conn, stage)
        query = select(func.count()).where(articles.c.id > watermark, articles.c.is_current)
        return int(conn.execute(query).scalar() or 0)


def run_stages(store: Store, settings: Settings, on_stage: OnStage | None = None) -> list[StageReport]:
    """Run every stage over the articles it has not seen; `on_stage(name, todo)` gives a per-article tick."""
    reports = []
    for stage in STAGES:
        tick = on_stage(stage, pending(store, stage)) if on_stage else None
        if stage == "reuse":
            options = ReuseOptions(settings.reuse_min_words, settings.duplicate_jaccard)
            report = run_reuse_stage(store, options, tick)
        elif stage == "entities":
            report = run_entities_stage(store, settings.fuzzy_name_threshold, tick)
        else:
            report = run_stories_stage(store, tick)
        if report.off_reason:
            log.info("stage %s is off: %s", stage, report.off_reason)
        reports.append(report)
    return reports
