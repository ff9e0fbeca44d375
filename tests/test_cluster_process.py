"""`process --cluster`: the stages' per-article work on a real Dask LocalCluster, their writes here.

The sample corpus is ingested once; each test works on a copy of that SQLite
file. What a cluster run writes must be what a local run writes, table by
table (compared by article URL, not by id), also when a worker dies mid-run.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import distributed  # a test dependency (the `cluster` extra): the cluster tests run in CI
import numpy as np
import pytest
from scipy import sparse
from sqlalchemy import Table, select
from typer.testing import CliRunner

from presswatch import Presswatch, sample_dir
from presswatch.cli import app
from presswatch.demo.tour import sample_parts
from presswatch.process import STAGES, in_order
from presswatch.process.distributed import compute_batch, plain, run_stage_on
from presswatch.process.registry import run_stages
from presswatch.store.schema import (
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

# Smaller batches than the stages' own (100, 200, 1000), so that the sample's 51 articles make several
# batches each and the cluster run has batches computing ahead while it writes; both runs use them.
SMALL_BATCHES = {"reuse": 7, "entities": 9, "stories": 13}
OUTPUTS = (links, lsh_buckets, passage_hashes, anchors, mentions, relevance, stories, story_articles)
ARTICLE_COLUMNS = ("article_id", "origin_id", "copy_id", "title_article_id")
MADE_AT = ("id", "created_at", "updated_at")  # differ between any two runs


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    found = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    yield found
    found.close()


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    found = distributed.Client(cluster, set_as_default=False)
    yield found
    found.close()


@pytest.fixture(scope="module")
def small_batches() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for stage in STAGES:
            patch.setattr(stage, "batch_size", SMALL_BATCHES[stage.name])
        yield


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus and its watchlist in a store no stage has run on."""
    db = tmp_path_factory.mktemp("cluster") / "ingested.db"
    pw = Presswatch(db=str(db), cluster="")
    try:
        assert pw.ingest(sample_parts()).counts["new"] > 40
        pw.load_watchlist(sample_dir() / "watchlist.toml")
    finally:
        pw.close()
    return db


@pytest.fixture(scope="module")
def processed_here(ingested: Path, small_batches: None) -> dict[str, list[Any]]:
    """Every output table after a local `process`."""
    db = ingested.with_name("here.db")
    shutil.copy(ingested, db)
    pw = Presswatch(db=str(db), cluster="")
    try:
        reports = pw.process()
        assert [r.articles for r in reports] == [51, 51, 51]
        return outputs(pw)
    finally:
        pw.close()


def fresh_copy(ingested: Path, folder: Path) -> Presswatch:
    db = folder / "store.db"
    shutil.copy(ingested, db)
    return Presswatch(db=str(db), cluster="")


def outputs(pw: Presswatch) -> dict[str, list[Any]]:
    """Each output table's rows, articles named by URL and version and stories by their members, sorted."""
    with pw.store.connect() as conn:
        article = {row.id: (row.url, row.version) for row in conn.execute(select(articles))}
        members: dict[int, list[Any]] = {}
        for story_id, article_id in conn.execute(select(story_articles.c.story_id, story_articles.c.article_id)):
            members.setdefault(story_id, []).append(article[article_id])
        story = {story_id: tuple(sorted(found)) for story_id, found in members.items()}

        def named(table: Table, row: Any) -> tuple[Any, ...]:
            values = []
            for column, value in row._mapping.items():
                if column in ARTICLE_COLUMNS and value is not None:
                    value = article[value]
                elif column == "story_id" or (table is stories and column == "id"):
                    value = story[value]
                elif column in MADE_AT:
                    continue
                values.append((column, value))
            return tuple(values)

        found = {table.name: sorted(named(table, row) for row in conn.execute(select(table))) for table in OUTPUTS}
        found["stage_state"] = sorted(conn.execute(select(stage_state.c.stage, stage_state.c.watermark)).all())
    return found


def assert_same_outputs(found: dict[str, list[Any]], expected: dict[str, list[Any]]) -> None:
    assert found.keys() == expected.keys()
    for table, rows in expected.items():
        assert rows, f"{table}: the sample should give rows here"
        assert found[table] == rows, f"{table} differs"


def assert_same(a: Any, b: Any, where: str = "") -> None:
    """Equal, field by field, through lists, tuples, dicts, dataclasses, numpy arrays and sparse matrices."""
    assert type(a) is type(b), where
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b), where
    elif sparse.issparse(a):
        assert a.shape == b.shape and (a != b).nnz == 0, where
    elif dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            assert_same(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    else:
        assert a == b, where


def test_compute_on_a_worker_equals_compute_here(ingested: Path, tmp_path: Path, client: Any) -> None:
    pw = fresh_copy(ingested, tmp_path)
    try:
        settings = pw.settings
        for stage_type in in_order():
            stage = stage_type(settings)
            with pw.store.connect() as conn:
                assert stage.prepare(conn) is None
                rows = conn.execute(stage.query().order_by(articles.c.id)).all()
            here = stage.compute(rows)
            there = client.submit(compute_batch, pickle.dumps(stage), plain(rows), pure=False).result()
            assert (here.shape[0] if sparse.issparse(here) else len(here)) == len(rows)
            assert_same(there, here, stage.name)
    finally:
        pw.close()


def test_process_on_the_cluster_writes_what_a_local_run_writes(
    ingested: Path, tmp_path: Path, cluster: Any, client: Any, processed_here: dict[str, list[Any]]
) -> None:
    pw = fresh_copy(ingested, tmp_path)
    ticks: dict[str, int] = {}

    def on_stage(name: str, todo: int) -> Callable[[], None]:
        ticks[name] = 0
        return lambda: ticks.__setitem__(name, ticks[name] + 1)

    try:
        with distributed.get_task_stream(client=client) as stream:
            reports = pw.process(on_stage, cluster=cluster.scheduler_address)  # through client_for, as the CLI
        assert [(r.stage, r.articles) for r in reports] == [("reuse", 51), ("entities", 51), ("stories", 51)]
        batches = [task for task in stream.data if task["key"].startswith("process-")]
        assert len(batches) == sum(-(-51 // size) for size in SMALL_BATCHES.values())  # each batch computed once
        assert len({task["worker"] for task in batches}) == 2  # and the batches shared between the workers
        assert ticks == {"reuse": 51, "entities": 51, "stories": 51}
        assert_same_outputs(outputs(pw), processed_here)
        assert [r.articles for r in pw.process(cluster=cluster.scheduler_address)] == [0, 0, 0]  # incremental
    finally:
        pw.close()


def batch_in_flight(dask_scheduler: Any, prefix: str) -> tuple[str, str] | None:
    """The latest batch of a stage computing or computed on a worker, and that worker (run on the scheduler)."""
    found = []
    for key, task in dask_scheduler.tasks.items():
        if isinstance(key, str) and key.startswith(prefix):
            worker = task.processing_on or next(iter(task.who_has), None)
            if worker is not None:
                found.append((int(key.split("-")[2]), key, worker.address))
    return max(found)[1:] if found else None


def times_started(dask_scheduler: Any, key: str) -> int:
    """How many times a task went to a worker to be computed (run on the scheduler)."""
    return sum(1 for step in dask_scheduler.transition_log if step.key == key and step.finish == "processing")


def test_a_batch_whose_worker_died_is_computed_again(
    ingested: Path, tmp_path: Path, client: Any, processed_here: dict[str, list[Any]]
) -> None:
    pw = fresh_copy(ingested, tmp_path)
    pids = client.run(os.getpid)
    killed: list[tuple[str, int]] = []

    def on_stage(name: str, todo: int) -> Callable[[], None]:
        def tick() -> None:
            # After the first batch is written: kill the worker computing, or holding, a later one.
            if not killed:
                found = client.run_on_scheduler(batch_in_flight, prefix="process-reuse-")
                assert found is not None, "batches should be in flight while the first is written"
                key, worker = found
                os.kill(pids[worker], signal.SIGKILL)
                killed.append((key, pids[worker]))

        return tick

    def on_cluster(store: Any, stage: Any, settings: Any, tick: Any) -> Any:
        return run_stage_on(client, store, stage, settings, tick)

    try:
        reports = run_stages(pw.store, pw.settings, on_stage, run=on_cluster)
        assert killed and [r.articles for r in reports] == [51, 51, 51]
        assert_same_outputs(outputs(pw), processed_here)
    finally:
        pw.close()
    key, pid = killed[0]
    assert client.run_on_scheduler(times_started, key=key) >= 2  # its batch was computed again
    client.wait_for_workers(2, timeout=60)  # the nanny starts another worker in the dead one's place
    assert pid not in client.run(os.getpid).values()


def test_the_cli_takes_the_cluster_from_the_option_or_the_environment(
    ingested: Path, tmp_path: Path, cluster: Any, processed_here: dict[str, list[Any]]
) -> None:
    db = tmp_path / "cli.db"
    shutil.copy(ingested, db)
    runner = CliRunner()
    address = cluster.scheduler_address
    done = runner.invoke(app, ["--db", str(db), "process", "--only", "reuse", "--cluster", address, "--json"])
    assert done.exit_code == 0, done.output
    assert [(r["stage"], r["articles"]) for r in json.loads(done.stdout)] == [("reuse", 51)]
    done = runner.invoke(app, ["--db", str(db), "process", "--json"], env={"PRESSWATCH_CLUSTER": address})
    assert done.exit_code == 0, done.output
    assert [(r["stage"], r["articles"]) for r in json.loads(done.stdout)] == [
        ("reuse", 0),
        ("entities", 51),
        ("stories", 51),
    ]
    pw = Presswatch(db=str(db), cluster="")
    try:
        assert_same_outputs(outputs(pw), processed_here)
    finally:
        pw.close()
