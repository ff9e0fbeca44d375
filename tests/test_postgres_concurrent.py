"""Concurrent writers on PostgreSQL: two `ingest` runs of the same files at once store each record once.

Both start on an empty schema (the migrations take a lock: one migrates, the other waits and finds the schema
at head), then race over the same inputs: a record the other run stored first is found (upserts on the unique
constraints: raw (url, sha256), articles (url, version), sources (name)), never stored twice and never a
failure. The store ends as one run alone leaves it. Runs under `make test-postgres`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from presswatch import Presswatch
from presswatch.demo.tour import sample_parts
from presswatch.store.schema import articles, raw, sources

from .postgres import PostgresServer

RUNS = 2


def _contents(app: Presswatch) -> dict[str, list[tuple[object, ...]]]:
    with app.store.connect() as conn:
        return {
            "articles": sorted(conn.execute(select(articles.c.url, articles.c.version, articles.c.content_hash)).all()),
            "raw": sorted(conn.execute(select(raw.c.url, raw.c.sha256, raw.c.origin, raw.c.record)).all()),
            "sources": sorted(conn.execute(select(sources.c.name)).all()),
            "current": [(conn.execute(select(func.count()).where(articles.c.is_current)).scalar(),)],
        }


def test_two_ingest_runs_at_once_store_the_same_files_once(postgres_server: PostgresServer, tmp_path: Path) -> None:
    alone = Presswatch(db=postgres_server.new_schema("ingest_alone"), workers=1)
    assert alone.ingest(sample_parts()).failed == 0
    expected = _contents(alone)
    alone.close()

    url = postgres_server.new_schema("ingest_race")  # empty: both runs migrate it at once too
    command = [sys.executable, "-m", "presswatch", "--db", url, "ingest", *sample_parts(), "--json", "--quiet"]
    env = {**os.environ, "PRESSWATCH_WORKERS": "1"}
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
        for _ in range(RUNS)
    ]
    reports = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-3000:]
        reports.append(json.loads(out))
    for report in reports:
        assert report["failed"] == 0, report
    raced = Presswatch(db=url)
    try:
        got = _contents(raced)
    finally:
        raced.close()
    assert got == expected
    assert len(got["raw"]) == len(set(got["raw"])) and len(got["articles"]) == len(set(got["articles"]))
