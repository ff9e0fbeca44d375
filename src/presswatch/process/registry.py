"""`presswatch process`: the analysis stages, in order, each incremental and idempotent.

reuse (duplicates, partial copies, translations, who was first), then
entities (mentions, relevance), then stories (clusters of articles about one
event, across outlets and languages). A stage that is not configured (no
watchlist yet, say) turns itself off and says why; the others run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import delete, func, select

from ..config import Settings
from ..entities.stage import run_entities_stage
from ..errors import UsageError
from ..reuse.stage import ReuseOptions, run_reuse_stage
from ..store import Store
from ..store.queries import StageReport, stage_state_of
from ..store.schema import (
    anchors,
    articles,
    links,
    lsh_buckets,
    mentions,
    passage_hashes,
    relevance,
    stage_state,
    stories,
    story_articles,
)
from ..stories import run_stories_stage

log = logging.getLogger(__name__)

OnStage = Callable[[str, int], Callable[[], None]]
STAGES = ("reuse", "entities", "stories")
# What each stage writes, children first: `--redo` clears it all so the stage runs over every article again.
STAGE_OUTPUTS = {
    "reuse": (links, lsh_buckets, passage_hashes, anchors),
    "entities": (mentions, relevance),
    "stories": (story_articles, stories),
}


def pending(store: Store, stage: str) -> int:
    """How many articles a stage has not seen yet (for a progress bar)."""
    with store.connect() as conn:
        watermark, _ = stage_state_of(conn, stage)
        query = select(func.count()).where(articles.c.id > watermark, articles.c.is_current)
        return int(conn.execute(query).scalar() or 0)


def forget(store: Store, stage: str) -> None:
    """Clear a stage's output and watermark, so its next run starts from the first article (after a settings change)."""
    with store.begin() as conn:
        for table in STAGE_OUTPUTS[stage]:
            conn.execute(delete(table))
        conn.execute(delete(stage_state).where(stage_state.c.stage == stage))


def run_stages(
    store: Store, settings: Settings, on_stage: OnStage | None = None, redo: tuple[str, ...] = ()
) -> list[StageReport]:
    """Run every stage over the articles it has not seen; `on_stage(name, todo)` gives a per-article tick.

    The stages in `redo` first forget what they did and run over every article.
    """
    unknown = [stage for stage in redo if stage not in STAGES]
    if unknown:
        raise UsageError(f"no stage {unknown[0]!r}; the stages are {', '.join(STAGES)}")
    for stage in redo:
        forget(store, stage)
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
