"""Ingest and reextract on a Dask cluster: a real LocalCluster on 127.0.0.1 writing to a real PostgreSQL server.

What a cluster run stores must equal what a local run stores (the same articles, versions, raw records and
sources), whether files are read whole or big WARC files in byte ranges, and whether or not a worker is
killed mid-run (Dask runs its task again; the store's upserts keep each record once).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed  # a test dependency (the `cluster` extra): the cluster tests run in CI
import pytest
from sqlalchemy import func, select  # noqa: E402
from typer.testing import CliRunner  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from presswatch import Presswatch  # noqa: E402
from presswatch.api import sample_dir  # noqa: E402
from presswatch.cli import app  # noqa: E402
from presswatch.cluster import client_for  # noqa: E402
from presswatch.demo.tour import sample_parts  # noqa: E402
from presswatch.errors import UsageError  # noqa: E402
from presswatch.ingest.distributed import ingest_on_cluster, input_shards, plan  # noqa: E402
from presswatch.store.schema import articles, raw, sources  # noqa: E402

from .postgres import PostgresServer  # noqa: E402

# Small enough that the test's WARC file (about 170 KB) is read in several ranges.
RANGE_BYTES = 16_000


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    import dask

    # as `presswatch cluster local` starts them: workers that may start processes, where the item budget holds
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as local,
    ):
        yield local


@pytest.fixture
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster.scheduler_address) as connected:
        yield connected


def _contents(app: Presswatch) -> dict[str, list[tuple[object, ...]]]:
    with app.store.connect() as conn:
        return {
            "articles": sorted(
                conn.execute(
                    select(
                        articles.c.url,
                        articles.c.version,
                        articles.c.content_hash,
                        articles.c.title,
                        articles.c.language,
                        articles.c.is_current,
                    )
                ).all()
            ),
            "raw": sorted(
                conn.execute(
                    select(raw.c.url, raw.c.kind, raw.c.sha256, raw.c.origin, raw.c.record, raw.c.warc_offset)
                ).all()
            ),
            "sources": sorted(conn.execute(select(sources.c.name, sources.c.domain)).all()),
        }


def _counted(app: Presswatch, table: Any) -> int:
    with app.store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


@pytest.fixture(scope="module")
def sample_warc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gzipped WARC file (one member per record) of the sample pages, a response record each."""
    pages = sorted(sample_dir().rglob("*.html"))
    assert len(pages) > 10
    path = tmp_path_factory.mktemp("warc") / "sample.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for number, page in enumerate(pages):
            body = page.read_bytes()
            http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
            record = writer.create_warc_record(
                f"https://archive.example.org/{number}/{page.name}",
                "response",
                payload=io.BytesIO(http.encode() + body),
                warc_headers_dict={"WARC-Date": "2026-03-02T10:00:00Z"},
            )
            writer.write_record(record)
    return path


def _events_left(cluster: Any) -> list[str]:
    """The presswatch events the scheduler still holds."""
    with distributed.Client(cluster.scheduler_address) as connected:
        names = connected.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.extensions["events"]._events))
    return [name for name in names if str(name).startswith("presswatch-")]


def _local_run(
    postgres_server: PostgresServer, schema: str, paths: list[str], reextract: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a local run stores, and its counts by status (with `reextract`, those of a reextract after it too)."""
    alone = Presswatch(db=postgres_server.new_schema(schema), workers=1)
    try:
        report = alone.ingest(paths)
        assert report.failed == 0, report.problems
        counts = {"ingest": dict(report.counts)}
        stored = {"ingest": _contents(alone)}
        if reextract:
            counts["reextract"] = dict(alone.reextract().counts)
            stored["reextract"] = _contents(alone)
        return stored, counts
    finally:
        alone.close()


def test_the_sample_corpus_on_a_cluster_stores_what_a_local_run_stores(
    postgres_server: PostgresServer, cluster: Any
) -> None:
    expected, counts = _local_run(postgres_server, "cluster_local", sample_parts(), reextract=True)
    app = Presswatch(db=postgres_server.new_schema("cluster_run"), cluster=cluster.scheduler_address)
    try:
        seen: list[str] = []
        files: list[Path] = []
        report = app.ingest(sample_parts(), on_outcome=lambda o: seen.append(o.status), on_file=files.append)
        assert report.failed == 0, report.problems
        assert report.counts["new"] > 0
        assert sum(report.counts.values()) == len(seen)  # every outcome reached the progress listener
        assert len(files) == app.count_inputs(sample_parts())
        assert dict(report.counts) == counts["ingest"]
        assert _contents(app) == expected["ingest"]
        assert _events_left(cluster) == [], "a finished run leaves nothing on the scheduler"

        # reextract on the cluster: the same new versions as a local reextract, in the same order
        again = app.reextract()
        assert again.failed == 0, again.problems
        assert sum(again.counts.values()) == app.raw_count()
        assert dict(again.counts) == counts["reextract"]
        assert _contents(app) == expected["reextract"]
    finally:
        app.close()


@pytest.mark.parametrize("packed", [True, False], ids=["warc.gz", "warc"])
def test_a_big_warc_file_is_read_in_ranges_every_record_once(
    postgres_server: PostgresServer, client: Any, sample_warc: Path, tmp_path: Path, packed: bool
) -> None:
    path = sample_warc
    if not packed:
        import gzip

        path = tmp_path / "sample.warc"
        path.write_bytes(gzip.decompress(sample_warc.read_bytes()))  # every member, one after the other
    records = len(sorted(sample_dir().rglob("*.html")))
    tasks = plan(input_shards([str(path)]), RANGE_BYTES)
    assert len(tasks) >= 5, "the file should be split into several ranges"

    expected, counts = _local_run(postgres_server, f"warc_local_{str(packed).lower()}", [str(path)])
    app = Presswatch(db=postgres_server.new_schema(f"warc_cluster_{str(packed).lower()}"))
    try:
        report = ingest_on_cluster(client, app.store, [str(path)], app.ingest_options(), range_bytes=RANGE_BYTES)
        assert report.failed == 0, report.problems
        # every record read once: none missed, none read twice (a second read would be "unchanged")
        assert sum(report.counts.values()) == records
        assert dict(report.counts) == counts["ingest"]
        assert _counted(app, raw) == records
        assert _contents(app) == expected["ingest"]
    finally:
        app.close()


def _kept_extraction_processes() -> list[int]:
    """On a worker: the process ids of the extraction processes its idle pools keep."""
    from presswatch.ingest import distributed as on_worker

    return sorted(
        crew.process.pid
        for pools in on_worker._pools.values()
        for pool in pools
        for crew in pool.crew
        if crew.process is not None and crew.process.is_alive()
    )


def test_a_worker_keeps_its_extraction_process_from_task_to_task(
    postgres_server: PostgresServer, client: Any, sample_warc: Path
) -> None:
    # A process started per task starts cold: it cost a two-worker cluster about a sixth of its CPU.
    kept = []
    for run in range(2):
        app = Presswatch(db=postgres_server.new_schema(f"kept_{run}"))
        try:
            report = ingest_on_cluster(
                client, app.store, [str(sample_warc)], app.ingest_options(), range_bytes=RANGE_BYTES
            )
            assert report.failed == 0, report.problems
        finally:
            app.close()
        kept.append(client.run(_kept_extraction_processes))
    assert len(plan(input_shards([str(sample_warc)]), RANGE_BYTES)) >= 5, "several tasks per worker"
    for worker, processes in kept[1].items():
        assert len(processes) <= 1, f"{worker} keeps one extraction process per thread, not one per task"
        if kept[0].get(worker):
            assert processes == kept[0][worker], f"{worker} started a new extraction process for the second run"
    assert any(kept[1].values())


def test_a_worker_killed_mid_run_loses_nothing_and_doubles_nothing(
    postgres_server: PostgresServer, client: Any, sample_warc: Path
) -> None:
    expected = _local_run(postgres_server, "killed_local", [str(sample_warc)])[0]["ingest"]
    app = Presswatch(db=postgres_server.new_schema("killed_cluster"))
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["report"] = ingest_on_cluster(
                client, app.store, [str(sample_warc)], app.ingest_options(), range_bytes=RANGE_BYTES // 2
            )
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            result["error"] = exc

    runner = threading.Thread(target=run)
    runner.start()
    try:
        busy = _first_busy_worker(client, seconds=60)
        pid = client.run(os.getpid, workers=[busy])[busy]
        os.kill(pid, signal.SIGKILL)
        runner.join(timeout=120)
        assert not runner.is_alive()
        assert "error" not in result, result.get("error")
        report = result["report"]
        assert report.failed == 0, report.problems
        assert _counted(app, raw) == len(expected["raw"])
        assert _contents(app) == expected
        assert pid not in client.run(os.getpid).values()  # it died for sure: its task ran again elsewhere
    finally:
        runner.join(timeout=120)
        app.close()
    client.wait_for_workers(2, timeout=60)  # the nanny started another: the next test has two again


def _first_busy_worker(client: Any, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for worker, keys in client.processing().items():
            if any("ingest_task" in str(key) for key in keys):
                return str(worker)
        time.sleep(0.01)
    raise AssertionError("no worker took an ingest task")


def _cli(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "presswatch", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_scheduler_is_a_clear_error(postgres_server: PostgresServer) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    db = postgres_server.new_schema("unreachable")
    done = _cli("--db", db, "ingest", str(sample_dir() / "feeds"), "--cluster", address, "--quiet")
    assert done.returncode == 2, done.stderr
    assert f"cannot reach the Dask scheduler at {address}" in " ".join(done.stderr.split())


def test_a_scheduler_without_workers_is_a_clear_error() -> None:
    with distributed.LocalCluster(n_workers=0, dashboard_address=None, host="127.0.0.1") as empty:
        with pytest.raises(UsageError, match=f"the Dask scheduler at {empty.scheduler_address} has no workers"):
            client_for(empty.scheduler_address, timeout=1)


def test_a_sqlite_store_is_refused_on_a_cluster(tmp_path: Path, cluster: Any) -> None:
    db = str(tmp_path / "alone.db")
    for command in (["ingest", str(sample_dir() / "feeds")], ["reextract"]):
        done = CliRunner().invoke(app, ["--db", db, *command, "--cluster", cluster.scheduler_address, "--quiet"])
        assert done.exit_code == 2, done.output
        assert "--cluster needs a store every worker reaches: --db postgresql://" in " ".join(done.output.split())
    with pytest.raises(UsageError, match="--cluster needs a store every worker reaches"):
        Presswatch(db=db, cluster=cluster.scheduler_address).ingest([str(sample_dir() / "feeds")])


def test_cluster_local_serves_clients_until_ctrl_c() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "presswatch", "cluster", "local", "--workers", "1", "--port", str(port)]
    started = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert started.stdout is not None
        line = started.stdout.readline()
        found = re.search(r"scheduler: (tcp://\S+)", line)
        assert found, line + (started.stderr.read() if started.poll() is not None and started.stderr else "")
        address = found.group(1)
        assert address.endswith(f":{port}")
        assert f"PRESSWATCH_CLUSTER={address} presswatch" in started.stdout.readline() + started.stdout.readline()
        with distributed.Client(address, timeout=30) as connected:
            connected.wait_for_workers(1, timeout=30)
            assert connected.submit(sum, [1, 2, 3]).result(timeout=30) == 6
        started.send_signal(signal.SIGINT)
        assert started.wait(timeout=30) == 0
    finally:
        if started.poll() is None:
            started.kill()
            started.wait()


def test_input_urls_are_listed_with_fsspec(sample_warc: Path) -> None:
    local = input_shards([str(sample_warc)])
    by_url = input_shards([sample_warc.as_uri()])
    # a file:// URL is a local file: the same origin as its path, so both runs find the same records
    assert (
        [(s.name, s.size) for s in by_url]
        == [(s.name, s.size) for s in local]
        == [(str(sample_warc), sample_warc.stat().st_size)]
    )
    assert json.dumps([s.name for s in input_shards([f"file://{sample_warc.parent}/*.warc.gz"])]) == json.dumps(
        [str(sample_warc)]
    )


def test_inputs_by_url_are_read_by_the_workers(postgres_server: PostgresServer, sample_warc: Path) -> None:
    """fsspec URLs: a WARC file read in ranges in place, an HTML file copied; `raw` names them by URL.

    memory:// is one process's file system: this cluster's worker is a thread of this process, one task at a
    time (a memory file opened twice is one shared stream).
    """
    import fsspec

    memory = fsspec.filesystem("memory")
    page = sorted(sample_dir().rglob("*.html"))[0]
    memory.pipe("/crawl/sample.warc.gz", sample_warc.read_bytes())
    memory.pipe(f"/crawl/{page.name}", page.read_bytes())
    expected = _local_run(postgres_server, "url_local", [str(sample_warc), str(page)])[0]["ingest"]
    app = Presswatch(db=postgres_server.new_schema("url_cluster"))
    try:
        with (
            distributed.LocalCluster(
                n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
            ) as local,
            distributed.Client(local) as threads,
        ):
            report = ingest_on_cluster(
                threads, app.store, ["memory://crawl/*"], app.ingest_options(), range_bytes=RANGE_BYTES
            )
        assert report.failed == 0, report.problems
        got = _contents(app)
        assert got["articles"] == expected["articles"]
        assert {row[3] for row in got["raw"]} == {"memory:///crawl/sample.warc.gz", f"memory:///crawl/{page.name}"}
        assert len(got["raw"]) == len(expected["raw"])
    finally:
        memory.rm("/crawl", recursive=True)
        app.close()


def test_an_endless_page_fails_alone_on_the_cluster_as_too_slow(
    postgres_server: PostgresServer, cluster: Any, tmp_path: Path
) -> None:
    endless = tmp_path / "endless.html"
    body = "<p>a b</p>" * 400_000  # 4 MB: under the size cap, and seconds of work for the extractor
    endless.write_text(f"<html><head><title>Endless</title></head><body>{body}</body></html>", "utf-8")
    good = sorted(Path(sample_parts()[0]).rglob("*.html"))[:2]
    app = Presswatch(db=postgres_server.new_schema("cluster_slow"), cluster=cluster.scheduler_address, item_seconds=1)
    try:
        report = app.ingest([str(endless), *map(str, good)])
        failures = {problem.label: problem.message for problem in report.problems}
        assert list(failures) == [str(endless)], failures
        assert "took longer than 1 s, the budget per item" in failures[str(endless)]
        assert report.ok == len(good)  # the other inputs of the run are stored
    finally:
        app.close()
