"""`presswatch process`: the analysis stages, each listed once, run in the order their needs give.

reuse (duplicates, partial copies, translations, who was first), entities
(mentions, relevance), then stories (clusters of articles about one event,
across outlets and languages). A stage that is not configured (no watchlist
yet, say) turns itself off and says why; the others run.

To add a stage: a package with a class that implements `Stage`
(process/stage.py), and one line in `STAGES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func, select

from ..config import Settings
from ..entities.stage import EntitiesStage
from ..errors import UsageError
from ..reuse.stage import ReuseStage
from ..store import Store
from ..store.queries import StageReport, stage_state_of
from ..store.schema import articles
from ..stories.stage import StoriesStage
from .stage import Stage, Tick, forget, run_stage

# Every stage of `process`, once. The order they run in comes from their `needs`.
STAGES: tuple[type[Stage], ...] = (ReuseStage, EntitiesStage, StoriesStage)

OnStage = Callable[[str, int], Tick]
# How one stage is run: `run_stage` here, `distributed.run_stage_on` with a client on a cluster.
StageRunner = Callable[[Store, type[Stage], Settings, Tick | None], StageReport]


def in_order(stages: Iterable[type[Stage]] = STAGES) -> list[type[Stage]]:
    """The stages with each one after those it needs (the registry's order where they do not say)."""
    listed = list(stages)
    by_name = {stage.name: stage for stage in listed}
    ordered: list[type[Stage]] = []
    visiting: set[str] = set()

    def visit(stage: type[Stage]) -> None:
        if stage in ordered:
            return
        if stage.name in visiting:
            raise UsageError(f"stage {stage.name!r} needs itself, through {', '.join(sorted(visiting))}")
        visiting.add(stage.name)
        for need in stage.needs:
            if need not in by_name:
                raise UsageError(f"stage {stage.name!r} needs {need!r}, which is not registered")
            visit(by_name[need])
        visiting.discard(stage.name)
        ordered.append(stage)

    for stage in listed:
        visit(stage)
    return ordered


def stage_names() -> tuple[str, ...]:
    return tuple(stage.name for stage in in_order())


def _named(names: Iterable[str], option: str) -> set[str]:
    known = stage_names()
    chosen = set(names)
    unknown = sorted(chosen - set(known))
    if unknown:
        raise UsageError(f"{option}: no stage {unknown[0]!r}; the stages are {', '.join(known)}")
    return chosen


def pending(store: Store, stage: str) -> int:
    """How many articles a stage has not seen yet (for a progress bar)."""
    with store.connect() as conn:
        watermark, _ = stage_state_of(conn, stage)
        query = select(func.count()).where(articles.c.id > watermark, articles.c.is_current)
        return int(conn.execute(query).scalar() or 0)


def run_stages(
    store: Store,
    settings: Settings,
    on_stage: OnStage | None = None,
    redo: tuple[str, ...] = (),
    only: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
    run: StageRunner = run_stage,
) -> list[StageReport]:
    """Run the stages (all, `only` these, or all but `skip`) over the articles each has not seen.

    `on_stage(name, todo)` gives a per-article tick. The stages in `redo` first
    forget what they did and run over every article. `run` runs each one.
    """
    chosen = _named(only, "--only") or set(stage_names())
    chosen -= _named(skip, "--skip")
    again = _named(redo, "--redo")
    reports = []
    for stage in in_order():
        if stage.name not in chosen:
            continue
        if stage.name in again:
            forget(store, stage)
        tick = on_stage(stage.name, pending(store, stage.name)) if on_stage else None
        reports.append(run(store, stage, settings, tick))
    return reports
