"""Same answers embedded and distributed: the sample corpus through `ingest` and `process` on SQLite with the
local pool, and on PostgreSQL with a two-worker Dask LocalCluster, gives the same rows in every exported table.

Ids differ between the two stores (the cluster stores articles in the order its tasks finish), so the rows are
compared without them: every export names articles by URL as well.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed  # a test dependency (the `cluster` extra): the cluster tests run in CI
import pytest

from presswatch import Presswatch, sample_dir
from presswatch.demo.tour import sample_parts

TABLES = ("articles", "links", "mentions", "relevance", "stories")
STORE_IDS = ("id", "article_id", "origin_id", "copy_id")  # ids of this store: the URL beside each says the same


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def _run(pw: Presswatch, cluster: str | None) -> None:
    pw.load_watchlist(sample_dir() / "watchlist.toml")
    report = pw.ingest(sample_parts(), cluster=cluster)
    assert report.failed == 0, report.problems
    pw.process(cluster=cluster)


def _exported(pw: Presswatch) -> dict[str, list[str]]:
    tables = {}
    for table in TABLES:
        out = io.StringIO()
        pw.export(table, "jsonl", None, out)
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        tables[table] = sorted(json.dumps(_without_ids(row), sort_keys=True, ensure_ascii=False) for row in rows)
    return tables


def _without_ids(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in STORE_IDS}


def test_embedded_and_distributed_give_the_same_tables(
    tmp_path: Path, postgres_server: Any, cluster_address: str
) -> None:
    embedded = Presswatch(db=str(tmp_path / "embedded.db"), workers=2)
    distributed_store = Presswatch(db=postgres_server.new_schema("same_answers"), workers=2)
    try:
        _run(embedded, None)
        _run(distributed_store, cluster_address)
        alone, spread = _exported(embedded), _exported(distributed_store)
    finally:
        embedded.close()
        distributed_store.close()
    assert len(alone["articles"]) == 51 and alone["links"] and alone["mentions"] and alone["stories"]
    for table in TABLES:
        assert spread[table] == alone[table], f"{table} differs between the embedded and the distributed run"
