"""Scale-out figures (issue 15): embedded vs a Dask LocalCluster on one WARC file, and PostgreSQL vs SQLite.

Method
* The WARC file: the AEB article pages (`../shared/data/extraction/aeb/html/*.html.gz`, 181 real pages),
  repeated until there are `--pages` response records, each copy at its own URL (`/copy-N` after the page's path)
  and with a comment naming the copy, so no two records are the same bytes. Written once, gzipped per record,
  to a temporary folder.
* Four sides per round, each into a fresh store, the order reversed every other round (the machine is shared):
  - embedded SQLite: `Presswatch(db=<file>, workers=2).ingest([warc])`, the local pool (2 extraction processes;
    this process reads, writes, and extracts inline while they start: their start-up is timed);
  - embedded PostgreSQL: the same on a PostgreSQL schema, to tell the store's share from the cluster's;
  - cluster-2 and cluster-1: `ingest_on_cluster` on a LocalCluster of 2 (then 1) worker processes with one thread
    each, into a fresh PostgreSQL schema, the WARC split into byte ranges of `range_bytes` (`--tasks` ranges).
    The clusters are started and warmed (a 20-page ingest) before timing, as a standing cluster would be.
  Figures: the median over `--rounds` of wall seconds and pages/s (records in the WARC / seconds). Ratios:
  cluster-2 / embedded (goal >= 0.9: small overhead on one machine) and cluster-2 / cluster-1 (goal >= 1.8).
  Each worker's peak RSS (getrusage ru_maxrss, read on the workers with `client.run`) is printed too.
* PostgreSQL vs SQLite: `--articles` synthetic articles from bench/corpus.py's generator, written through the
  ingest path's writer (`ResultWriter`, batches of corpus.BATCH) into a fresh SQLite file and a fresh PostgreSQL
  schema; the time of the writes alone (generating the articles is not counted); then ANALYZE on both, and
  bench/search.py's query set and timing (`Presswatch.search_results(..., aggregates=True)`, a page of 20 with
  counts and facets): one cold pass, then `--repeat` warm passes; p50/p95 of each store and the ratio.
* The PostgreSQL server is tests/postgres.py's throwaway one (initdb in a temporary folder, 127.0.0.1), started
  with fsync=off and synchronous_commit=off, as the tests start it: its writes are faster than a durable server's.
Nothing is asserted; exit 0.

    .venv/bin/python bench/scale.py --pages 1000 --articles 20000   # a quick run, about 10 minutes on 2 cores
    .venv/bin/python bench/scale.py                                  # 2,000 pages, 100,000 articles
    .venv/bin/python bench/scale.py --json
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import io
import json
import math
import os
import platform
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
import distributed  # noqa: E402
import search  # noqa: E402
from sqlalchemy import text  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

import presswatch  # noqa: E402
from presswatch import Presswatch  # noqa: E402
from presswatch.cluster import client as client_module  # noqa: E402
from presswatch.ingest.distributed import ingest_on_cluster  # noqa: E402
from presswatch.ingest.pipeline import ResultWriter  # noqa: E402
from presswatch.store.queries import ArticleFilter  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

GOAL_OVERHEAD = 0.9  # cluster-2 pages/s over embedded pages/s
GOAL_SPEEDUP = 1.8  # cluster-2 pages/s over cluster-1 pages/s
AEB = ROOT.parent / "shared" / "data" / "extraction" / "aeb"
WARM_PAGES = 20


# ---- the WARC file ---------------------------------------------------------------------------


def aeb_pages(folder: Path) -> list[tuple[str, bytes]]:
    """(url, html) of the AEB pages, in id order."""
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    pages = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        url = truth.get(page_id, {}).get("url") or f"https://aeb.example/{page_id}"
        pages.append((url, gzip.decompress(path.read_bytes())))
    return pages


def copy_url(url: str, number: int) -> str:
    """The page's URL with `/copy-N` at the end of its path (its fragment dropped: a URL is stored without it)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + f"/copy-{number}", fragment=""))


def write_warc(pages: list[tuple[str, bytes]], count: int, path: Path) -> Path:
    """A gzipped WARC file of `count` response records: the pages over and over, each copy at its own URL."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for number in range(count):
            url, body = pages[number % len(pages)]
            body += f"\n<!-- presswatch bench copy {number} -->\n".encode()
            head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
            record = writer.create_warc_record(
                copy_url(url, number),
                "response",
                payload=io.BytesIO(head.encode() + body),
                warc_headers_dict={"WARC-Date": "2026-03-02T10:00:00Z"},
            )
            writer.write_record(record)
    return path


# ---- ingest: embedded and on a cluster --------------------------------------------------------


def counted(report: Any) -> dict[str, int]:
    return dict(sorted(report.counts.items()))


def embedded(db: str, warc: Path) -> tuple[float, dict[str, int]]:
    """Seconds of a local-pool ingest (2 workers) of the WARC into a fresh store, and its counts by status."""
    app = Presswatch(db=db, workers=2)
    try:
        app.store  # noqa: B018 - created and migrated before timing
        started = time.perf_counter()
        report = app.ingest([str(warc)], cluster="")
        return time.perf_counter() - started, counted(report)
    finally:
        app.close()


def on_cluster(client: Any, db: str, warc: Path, range_bytes: int) -> tuple[float, dict[str, int]]:
    """Seconds of an ingest of the WARC on the cluster into a fresh PostgreSQL schema, and its counts."""
    app = Presswatch(db=db)
    try:
        app.store  # noqa: B018
        started = time.perf_counter()
        report = ingest_on_cluster(client, app.store, [str(warc)], app.ingest_options(), range_bytes=range_bytes)
        return time.perf_counter() - started, counted(report)
    finally:
        app.close()


def peak_rss() -> tuple[int, int]:
    """Peak resident memory in bytes (Linux reports KiB) of this process, and of the largest of its ended children
    (a budgeted worker extracts in a process of its own per task)."""
    return tuple(resource.getrusage(who).ru_maxrss * 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))  # type: ignore[return-value]


@contextmanager
def local_cluster(workers: int, budgeted: bool) -> Iterator[tuple[Any, Any]]:
    """A LocalCluster as `presswatch cluster local` starts it (workers that may start processes, so that the
    per-item budget holds), on a free port; with `budgeted` False, plain daemon workers as `dask worker` starts."""
    import dask

    if budgeted:
        cluster = client_module.local_cluster(workers, port=0, dashboard=None)
    else:
        dask.config.set({"distributed.worker.daemon": True})
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        )
    with cluster, distributed.Client(cluster.scheduler_address) as client:
        yield cluster, client


def ingest_rounds(args: argparse.Namespace, server: PostgresServer, folder: Path, warc: Path) -> dict[str, Any]:
    """Every side's seconds per round, its counts, and the workers' peak memory."""
    size = warc.stat().st_size
    range_bytes = math.ceil(size / args.tasks)
    warm = write_warc(aeb_pages(args.data), WARM_PAGES, folder / "warm.warc.gz")
    seconds: dict[str, list[float]] = {
        s: [] for s in ("embedded-sqlite", "embedded-postgres", "cluster-2", "cluster-1")
    }
    counts: dict[str, dict[str, int]] = {}
    peaks: dict[str, list[int]] = {}
    embedded(str(folder / "warm.db"), warm)  # imports and the first pool start, not timed
    with local_cluster(2, not args.unbudgeted) as (_, two), local_cluster(1, not args.unbudgeted) as (_, one):
        for name, client in (("cluster-2", two), ("cluster-1", one)):
            # several tasks, so that every worker warms up (a standing cluster's workers all have)
            on_cluster(client, server.new_schema(f"warm_{name[-1]}"), warm, math.ceil(warm.stat().st_size / 8))
        sides: list[tuple[str, Callable[[int], tuple[float, dict[str, int]]]]] = [
            ("embedded-sqlite", lambda r: embedded(str(folder / f"embedded-{r}.db"), warc)),
            ("embedded-postgres", lambda r: embedded(server.new_schema(f"embedded_{r}"), warc)),
            ("cluster-2", lambda r: on_cluster(two, server.new_schema(f"cluster2_{r}"), warc, range_bytes)),
            ("cluster-1", lambda r: on_cluster(one, server.new_schema(f"cluster1_{r}"), warc, range_bytes)),
        ]
        for round_ in range(args.rounds):
            for name, run in sides if round_ % 2 == 0 else sides[::-1]:
                took, counts[name] = run(round_)
                seconds[name].append(took)
                print(f"  round {round_ + 1} {name}: {took:.1f} s {counts[name]}", file=sys.stderr, flush=True)
        for name, client in (("cluster-2", two), ("cluster-1", one)):
            peaks[name] = sorted(client.run(peak_rss).values())
    return {"seconds": seconds, "counts": counts, "peaks": peaks, "range_bytes": range_bytes, "warc_bytes": size}


# ---- PostgreSQL vs SQLite on the same articles -------------------------------------------------


def write_articles(db: str, count: int, seed: int) -> tuple[float, dict[str, int]]:
    """Seconds spent in the writer storing `count` generated articles (generating them not counted), and counts."""
    gen = corpus.Generator(seed)
    app = Presswatch(db=db)
    try:
        app.load_watchlist(corpus.WATCHLIST)
        writer = ResultWriter(app.store, batch=corpus.BATCH)
        statuses: Counter[str] = Counter()
        spent = 0.0
        for number, fields in enumerate(gen.articles(count), 1):
            item, result = corpus.extracted(fields, number)
            started = time.perf_counter()
            outcomes = writer.add(item, result)
            spent += time.perf_counter() - started
            statuses.update(o.status for o in outcomes)
        started = time.perf_counter()
        statuses.update(o.status for o in writer.flush())
        spent += time.perf_counter() - started
        with app.store.begin() as conn:  # the planner's statistics, as after any bulk load
            conn.execute(text("ANALYZE"))
        return spent, dict(statuses)
    finally:
        app.close()


def corpus_meta(seed: int) -> dict[str, Any]:
    """What bench/search.py's query builder reads of a corpus: its frequent words, watched names and start."""
    gen = corpus.Generator(seed)
    return {
        "words": corpus.frequent_words(gen),
        "watched": [w for spelled in gen.watched for w in spelled["fa"][:1] + spelled["en"][:1]],
        "start": corpus.START.isoformat(),
    }


def search_times(db: str, queries: list[tuple[str, str, ArticleFilter]], repeat: int) -> dict[str, Any]:
    """bench/search.py's timing of the queries on one store: a cold pass, then `repeat` warm passes."""
    app = Presswatch(db=db)
    try:
        app.store  # noqa: B018
        cold = [search.ours(app, query, where)[:2] for _label, query, where in queries]
        warm: list[tuple[float, float]] = []
        totals: list[int | None] = []
        for _ in range(repeat):
            for _label, query, where in queries:
                wall, cpu, total = search.ours(app, query, where)
                warm.append((wall, cpu))
                totals.append(total)
        return {
            "cold": search.summary(cold),
            "warm": search.summary(warm),
            "timeouts": sum(1 for t in totals if t == -1),
            "matches": totals[: len(queries)],
        }
    finally:
        app.close()


def store_rounds(args: argparse.Namespace, server: PostgresServer, folder: Path) -> dict[str, Any]:
    sqlite_path = folder / "articles.db"
    dbs = {"sqlite": str(sqlite_path), "postgres": server.new_schema("articles")}
    figures: dict[str, Any] = {}
    for name, db in dbs.items():
        took, statuses = write_articles(db, args.articles, args.seed)
        figures[name] = {"ingest_s": round(took, 1), "articles_per_s": round(args.articles / took), "counts": statuses}
        print(f"  {name}: {args.articles:,} articles written in {took:.1f} s", file=sys.stderr, flush=True)
    queries = search.queries_for(sqlite_path, corpus_meta(args.seed))
    for name, db in dbs.items():
        figures[name]["search"] = search_times(db, queries, args.repeat)
        print(f"  {name}: searched", file=sys.stderr, flush=True)
    pairs = zip(figures["sqlite"]["search"].pop("matches"), figures["postgres"]["search"].pop("matches"), strict=True)
    differ = [
        f"{label}: {query!r} sqlite {a}, postgres {b}"
        for (label, query, _), (a, b) in zip(queries, pairs, strict=True)
        if a != b
    ]
    figures["queries"] = len(queries)
    figures["match_counts_differ"] = differ
    return figures


# ---- the report -----------------------------------------------------------------------------


def verdict(ratio: float, goal: float) -> str:
    return "PASS" if ratio >= goal else "MISS"


def machine(server: PostgresServer) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "presswatch": presswatch.__version__ if hasattr(presswatch, "__version__") else "?",
        "dask": importlib.metadata.version("dask"),
        "distributed": importlib.metadata.version("distributed"),
        "postgresql": row[0] if row else "?",
        "psycopg": psycopg.__version__,
        "sqlite": sqlite3.sqlite_version,
        "load_before": Path("/proc/loadavg").read_text().split()[:3],
    }


def summarise(
    args: argparse.Namespace, facts: dict[str, Any], ingest: dict[str, Any] | None, stores: dict[str, Any]
) -> dict[str, Any]:
    figures: dict[str, Any] = {"parameters": {**vars(args), "data": str(args.data)}, "machine": facts}
    if ingest is not None:
        sides = {}
        for name, runs in ingest["seconds"].items():
            median = statistics.median(runs)
            sides[name] = {
                "median_s": round(median, 1),
                "pages_per_s": round(args.pages / median, 1),
                "runs_s": [round(r, 1) for r in runs],
                "counts": ingest["counts"][name],
            }
        rate = {name: side["pages_per_s"] for name, side in sides.items()}
        overhead = rate["cluster-2"] / rate["embedded-sqlite"]
        speedup = rate["cluster-2"] / rate["cluster-1"]
        figures["ingest"] = {
            "warc_bytes": ingest["warc_bytes"],
            "range_bytes": ingest["range_bytes"],
            "sides": sides,
            "cluster2_over_embedded": {
                "ratio": round(overhead, 2),
                "goal": GOAL_OVERHEAD,
                "verdict": verdict(overhead, GOAL_OVERHEAD),
            },
            "cluster2_over_embedded_postgres": round(rate["cluster-2"] / rate["embedded-postgres"], 2),
            "cluster2_over_cluster1": {
                "ratio": round(speedup, 2),
                "goal": GOAL_SPEEDUP,
                "verdict": verdict(speedup, GOAL_SPEEDUP),
            },
            # per worker: (the worker process, its largest extraction process)
            "worker_peak_rss_mb": {
                k: [[round(v / 1e6) for v in p] for p in peaks] for k, peaks in ingest["peaks"].items()
            },
        }
    s, p = stores["sqlite"], stores["postgres"]
    figures["stores"] = {
        **stores,
        "postgres_over_sqlite": {
            "ingest_rate": round(p["articles_per_s"] / s["articles_per_s"], 2),
            "search_warm_p50": round(p["search"]["warm"]["wall_p50"] / max(s["search"]["warm"]["wall_p50"], 0.01), 2),
            "search_warm_p95": round(p["search"]["warm"]["wall_p95"] / max(s["search"]["warm"]["wall_p95"], 0.01), 2),
            "search_cold_p95": round(p["search"]["cold"]["wall_p95"] / max(s["search"]["cold"]["wall_p95"], 0.01), 2),
        },
    }
    figures["machine"]["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    return figures


def show(figures: dict[str, Any]) -> None:
    print(f"parameters: {json.dumps(figures['parameters'])}")
    print(f"machine: {json.dumps(figures['machine'])} (shared: other jobs run beside this one)")
    ingest = figures.get("ingest")
    if ingest:
        pages = figures["parameters"]["pages"]
        print(
            f"\ningest of one WARC file, {pages:,} pages, {ingest['warc_bytes'] / 1e6:.1f} MB, "
            f"cluster ranges of {ingest['range_bytes']:,} bytes (range_bytes), "
            f"median of {figures['parameters']['rounds']} round(s)"
        )
        for name, side in ingest["sides"].items():
            print(
                f"  {name:<18} {side['median_s']:7.1f} s  {side['pages_per_s']:7.1f} pages/s  "
                f"runs {side['runs_s']}  {side['counts']}"
            )
        o, sp = ingest["cluster2_over_embedded"], ingest["cluster2_over_cluster1"]
        print(f"  cluster-2 / embedded-sqlite pages/s: {o['ratio']:.2f}  (goal >= {o['goal']}: {o['verdict']})")
        print(f"  cluster-2 / embedded-postgres pages/s: {ingest['cluster2_over_embedded_postgres']:.2f}")
        print(f"  cluster-2 / cluster-1 pages/s: {sp['ratio']:.2f}  (goal >= {sp['goal']}: {sp['verdict']})")
        print(f"  workers' peak RSS, MB, [worker, its largest extraction process]: {ingest['worker_peak_rss_mb']}")
    stores = figures["stores"]
    articles = figures["parameters"]["articles"]
    print(
        f"\nPostgreSQL vs SQLite, {articles:,} synthetic articles, {stores['queries']} queries, "
        f"{figures['parameters']['repeat']} warm passes"
    )
    for name in ("sqlite", "postgres"):
        side = stores[name]
        cold, warm = side["search"]["cold"], side["search"]["warm"]
        print(
            f"  {name:<9} ingest {side['ingest_s']:7.1f} s {side['articles_per_s']:7,} articles/s;  search warm p50 "
            f"{warm['wall_p50']:7.1f} p95 {warm['wall_p95']:7.1f} ms, cold p50 {cold['wall_p50']:7.1f} "
            f"p95 {cold['wall_p95']:7.1f} ms, timeouts {side['search']['timeouts']}"
        )
    print(f"  postgres / sqlite: {stores['postgres_over_sqlite']} (ingest: rate ratio; search: time ratio)")
    differ = stores["match_counts_differ"]
    print(f"  queries whose match counts differ between the stores: {len(differ)} of {stores['queries']}")
    for line in differ[:10]:
        print(f"    {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="response records in the WARC file")
    parser.add_argument("--tasks", type=int, default=16, help="byte ranges the WARC is split into on the cluster")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of the four ingest sides (median)")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2, help="warm passes of the query set")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--data", type=Path, default=AEB, help="the AEB folder (ground-truth.json, html/)")
    parser.add_argument("--skip-ingest", action="store_true", help="only PostgreSQL vs SQLite")
    parser.add_argument(
        "--unbudgeted", action="store_true", help="daemon workers (as bare `dask worker`): no per-item budget"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    server = PostgresServer()
    server.start()
    try:
        facts = machine(server)
        with tempfile.TemporaryDirectory(prefix="presswatch-scale-") as temp:
            folder = Path(temp)
            ingest = None
            if not args.skip_ingest and not (args.data / "html").is_dir():
                print(f"no pages at {args.data}: the ingest sides are skipped", file=sys.stderr)
            elif not args.skip_ingest:
                warc = write_warc(aeb_pages(args.data), args.pages, folder / "pages.warc.gz")
                ingest = ingest_rounds(args, server, folder, warc)
            stores = store_rounds(args, server, folder)
            figures = summarise(args, facts, ingest, stores)
    finally:
        server.stop()
    if args.json:
        print(json.dumps(figures, indent=1, default=str))
    else:
        show(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
