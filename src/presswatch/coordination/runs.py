"""A detection run from start to end: traces -> candidate edges -> chance cut -> groups -> stored in one transaction."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, insert, select

from ..errors import UsageError
from ..store import Store
from ..store.schema import coordination_edges, coordination_groups, coordination_members, coordination_runs, posts
from .chance import chance_cut
from .detect import Candidates, OnProgress, Query, chunks, detect, use_rows
from .groups import Group, communities, describe, summary_json
from .outlets import load_article_traces
from .traces import CO_TEXT, METHODS
from .window import SENSITIVITY_SECONDS, estimate_window, half_times, spoken

log = logging.getLogger(__name__)
BATCH = 1000
EDGE_FIELDS = ("a", "b", "weight", "first_ms", "last_ms", "a_first", "b_first", "methods")


@dataclass(frozen=True)
class Options:
    """A run's parameters as the user gave them (window None: estimated from the data)."""

    methods: tuple[str, ...]
    window_seconds: float | None
    min_repeat: int
    q: float
    neighbours: int
    since_ms: int | None = None
    until_ms: int | None = None
    platform: str | None = None
    include_articles: bool = False


@dataclass
class Outcome:
    """What one detection found, before it is stored."""

    window_seconds: float
    candidates: Candidates
    p_value: np.ndarray
    kept: np.ndarray
    groups: list[Group]

    def edges(self) -> dict[str, np.ndarray]:
        return {name: getattr(self.candidates, name)[self.kept] for name in EDGE_FIELDS}

    def evidence(self) -> list[np.ndarray]:
        return [self.candidates.evidence[i] for i in np.flatnonzero(self.kept).tolist()]


def checked_methods(methods: list[str] | tuple[str, ...] | str | None) -> tuple[str, ...]:
    """The methods asked for (all when None); UsageError naming the choices for an unknown one."""
    if methods is None:
        return METHODS
    wanted = [m.strip() for m in (methods.split(",") if isinstance(methods, str) else methods) if m.strip()]
    unknown = [m for m in wanted if m not in METHODS]
    if unknown or not wanted:
        raise UsageError(f"--method: {', '.join(unknown) or 'none'} is not one of {', '.join(METHODS)}")
    return tuple(m for m in METHODS if m in wanted)


def _query(options: Options, window_seconds: float) -> Query:
    return Query(
        methods=options.methods,
        window_ms=max(1, round(window_seconds * 1000)),
        min_repeat=max(1, options.min_repeat),
        neighbours=options.neighbours,
        since_ms=options.since_ms,
        until_ms=options.until_ms,
        platform=options.platform,
        with_articles=options.include_articles,
    )


def auto_window(connection: Connection, options: Options) -> float:
    """CooRnet's estimate over the traces of the methods asked for."""
    query = _query(options, 1.0)
    halves = [
        half_times(chunk.group, chunk.at)
        for method in query.methods
        for chunk in chunks(use_rows(connection, method, query))
    ]
    return estimate_window(halves)


def find(
    connection: Connection, options: Options, window_seconds: float, on_progress: OnProgress | None = None
) -> Outcome:
    """Detect, test against chance, and group, for one window."""
    query = _query(options, window_seconds)
    found = detect(connection, query, on_progress)
    bands = found.bands_per_text_pair  # measured: how often the exposure counted one meeting of two texts
    methods = [(activity, bands if method == CO_TEXT else 1) for method, activity in found.activity.items()]
    p, kept = chance_cut(found, methods, query.window_ms, options.q)
    groups = communities(found.a[kept], found.b[kept], found.weight[kept])
    return Outcome(window_seconds, found, p, kept, groups)


def post_counts(connection: Connection, options: Options) -> tuple[int, int]:
    """Posts and their accounts in the period (and platform)."""
    conditions = []
    if options.since_ms is not None:
        conditions.append(posts.c.posted_ms >= options.since_ms)
    if options.until_ms is not None:
        conditions.append(posts.c.posted_ms < options.until_ms)
    if options.platform is not None:
        conditions.append(posts.c.platform == options.platform)
    row = connection.execute(
        select(func.count(), func.count(posts.c.account_id.distinct())).select_from(posts).where(*conditions)
    ).one()
    return int(row[0]), int(row[1])


def detect_and_store(store: Store, options: Options, on_progress: OnProgress | None = None) -> dict[str, Any]:
    """Run detection and store the run, its edges, groups and members in one transaction; nothing if it fails."""
    started = time.monotonic()
    with store.begin() as connection:
        prepared = _prepare(connection, options)
        if prepared is None:
            return {"run": None, "summary": None, "message": _nothing_message(options)}
        window, counts = prepared
        outcome = find(connection, options, window, on_progress)
        for group in outcome.groups:
            describe(connection, group, outcome.edges(), outcome.evidence(), outcome.candidates.trace_names, METHODS)
        summary = _summary(outcome, counts, time.monotonic() - started)
        run = _store(connection, options, outcome, summary)
    log.info("coordination run %s: %s", run, summary)
    return {"run": run, "summary": summary, "message": None}


def sensitivity(
    store: Store,
    options: Options,
    windows: tuple[float, ...] = SENSITIVITY_SECONDS,
    on_window: Callable[[float], None] | None = None,
) -> list[dict[str, Any]]:
    """Groups and edges for each window; nothing is stored (a sensitivity table is a view, not a run)."""
    found: list[dict[str, Any]] = []
    with store.connect() as connection:
        if _prepare(connection, replace(options, window_seconds=1.0)) is None:
            return found
        for seconds in windows:
            if on_window:
                on_window(seconds)
            outcome = find(connection, options, seconds)
            found.append(
                {
                    "window": spoken(seconds),
                    "window_seconds": seconds,
                    "candidate_edges": len(outcome.kept),
                    "removed_as_chance": int((~outcome.kept).sum()),
                    "edges": int(outcome.kept.sum()),
                    "groups": len(outcome.groups),
                    "largest_group": len(outcome.groups[0].members) if outcome.groups else 0,
                }
            )
        connection.rollback()  # the temporary table of articles, if any
    return found


def _prepare(connection: Connection, options: Options) -> tuple[float, tuple[int, int]] | None:
    """The window and the counts of posts and accounts; None when there is nothing to detect on."""
    counts = post_counts(connection, options)
    articles = load_article_traces(connection) if options.include_articles else 0
    if not counts[0] and not articles:
        return None
    window = options.window_seconds if options.window_seconds is not None else auto_window(connection, options)
    return window, counts


def _nothing_message(options: Options) -> str:
    where = f" on platform {options.platform}" if options.platform else ""
    period = " in that period" if options.since_ms is not None or options.until_ms is not None else ""
    return f"no posts{where}{period}: nothing to detect, no run stored (import posts with `presswatch posts import`)"


def _summary(outcome: Outcome, counts: tuple[int, int], seconds: float) -> dict[str, Any]:
    return {
        "posts": counts[0],
        "accounts": counts[1],
        "window_seconds": outcome.window_seconds,
        "account_pairs_tested": outcome.candidates.pairs,
        "candidate_edges": len(outcome.kept),
        "removed_as_chance": int((~outcome.kept).sum()),
        "edges": int(outcome.kept.sum()),
        "groups": len(outcome.groups),
        "grouped_accounts": sum(len(g.members) for g in outcome.groups),
        "seconds": round(seconds, 3),
    }


def _parameters(options: Options, window: float) -> dict[str, Any]:
    return {
        "methods": list(options.methods),
        "window": spoken(window),
        "window_seconds": window,
        "window_auto": options.window_seconds is None,
        "min_repeat": options.min_repeat,
        "q": options.q,
        "max_neighbours": options.neighbours,
        "since_ms": options.since_ms,
        "until_ms": options.until_ms,
        "platform": options.platform,
        "include_articles": options.include_articles,
    }


def _store(connection: Connection, options: Options, outcome: Outcome, summary: dict[str, Any]) -> int:
    run = connection.execute(
        insert(coordination_runs)
        .values(
            created_at=datetime.now(UTC).replace(tzinfo=None),
            parameters=json.dumps(_parameters(options, outcome.window_seconds)),
            summary=json.dumps(summary),
        )
        .returning(coordination_runs.c.id)
    ).scalar_one()
    edges, evidence = outcome.edges(), outcome.evidence()
    quoted = _QuotedNames(outcome.candidates.trace_names)
    p = outcome.p_value[outcome.kept].tolist()
    columns = {name: values.tolist() for name, values in edges.items()}
    rows = [_edge_row(run, columns, i, p[i], evidence[i], quoted) for i in range(len(p))]
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(coordination_edges), rows[start : start + BATCH])
    for number, group in enumerate(outcome.groups, start=1):
        group_id = connection.execute(
            insert(coordination_groups)
            .values(
                run_id=run,
                number=number,
                size=len(group.members),
                score=group.score,
                methods=group.methods,
                summary=summary_json(group),
            )
            .returning(coordination_groups.c.id)
        ).scalar_one()
        members = [{"group_id": group_id, "account_id": account} for account in group.members]
        for start in range(0, len(members), BATCH):
            connection.execute(insert(coordination_members), members[start : start + BATCH])
    return int(run)


class _QuotedNames(dict[int, str]):
    """Trace numbers to their names as JSON strings, each quoted once however many edges show it."""

    def __init__(self, names: dict[int, str]) -> None:
        super().__init__()
        self.names = names

    def __missing__(self, number: int) -> str:
        self[number] = quoted = json.dumps(self.names.get(number, ""), ensure_ascii=False)
        return quoted


_METHOD_JSON = [json.dumps(method) for method in METHODS]


def _evidence_json(evidence: np.ndarray, quoted: _QuotedNames) -> str:
    """The evidence as json.dumps(..., ensure_ascii=False) writes the list of its dicts, byte for byte, without
    building the dicts: the numbers are plain integers, only the trace names need quoting."""
    items = [
        f'{{"trace": {quoted[trace]}, "method": {_METHOD_JSON[method]}, "post_a": {post_a}, "post_b": {post_b},'
        f' "time_a": {time_a}, "time_b": {time_b}}}'
        for _, trace, method, time_a, time_b, post_a, post_b in evidence.tolist()
    ]
    return "[" + ", ".join(items) + "]"


def _edge_row(
    run: int, edges: dict[str, list[Any]], i: int, p: float, evidence: np.ndarray, quoted: _QuotedNames
) -> dict[str, Any]:
    mask = edges["methods"][i]
    return {
        "run_id": run,
        "account_a": edges["a"][i],
        "account_b": edges["b"][i],
        "methods": ",".join(sorted(m for n, m in enumerate(METHODS) if mask >> n & 1)),
        "weight": edges["weight"][i],
        "p_value": p,
        "first_ms": edges["first_ms"][i],
        "last_ms": edges["last_ms"][i],
        "a_first": edges["a_first"][i],
        "b_first": edges["b_first"][i],
        "evidence": _evidence_json(evidence, quoted),
    }
