"""Search latency on a big store (1,000,000 articles by default): p50/p95/p99 against the goal p95 <= 100 ms (issue 16).

Method
* Store: bench/corpus.py's synthetic corpus of `--articles` articles (built once through the ingest path's
  writer and cached; later runs reuse it; opened read-only in effect: searches write only to a temporary table).
* Queries, fixed by the corpus's seed: single words at four frequency ranks per language (ranks 0-9 match a
  large share of the store, 5000+ a few hundred), two-word phrases and event words read from a few stored
  articles, `a OR b`, prefixes, watched names in Persian script and in Latin (phrases); each alone, then some
  with a filter (language, outlet, a 30-day period, both), some sorted by date, some on page 2.
* Each query runs as the web's search page runs it: `Presswatch.search_results(query, ArticleFilter(...),
  aggregates=True)`: a page of 20 with copies grouped along the reuse links, the counts, the facets and the
  coverage over time.
* Cold: a new Presswatch (new connection, empty SQLite page cache; the OS file cache is whatever it is) and
  each query's first run. Warm: `--repeat` more runs of each query (default 3).
* Peer, in the same run: SQLite FTS5 queried directly on its own sqlite3 connection, the bare index and no
  presswatch logic: the same FTS5 expression (presswatch's `fts_query` of the same words), the 20 best by
  the same bm25 weights (`ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT 20`), no filter, no grouping, no counts.
* Printed: wall and CPU ms (this process runs SQLite) p50/p95/p99/max, cold and warm, for presswatch and the
  peer; their ratio (p50 and p95); the slowest queries; the parameters. Nothing is asserted; exit 0.

    .venv/bin/python bench/search.py                     # 1,000,000 articles: builds the store the first time
    .venv/bin/python bench/search.py --articles 100000   # a smaller store
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from presswatch import Presswatch  # noqa: E402
from presswatch.errors import QueryTimeout  # noqa: E402
from presswatch.store.queries import ArticleFilter, fts_query  # noqa: E402

GOAL_P95_MS = 100.0
PAGE = 20


def queries_for(db: Path, meta: dict[str, Any]) -> list[tuple[str, str, ArticleFilter]]:
    """(label, query, filter) for the run: fixed by the corpus, read from its words and a few stored articles."""
    words: dict[str, list[str]] = meta["words"]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        sample = conn.execute(
            "SELECT id, language, title, text FROM articles WHERE id % 9973 = 1 ORDER BY id LIMIT 24"
        ).fetchall()
        outlets = [r[0] for r in conn.execute("SELECT name FROM sources ORDER BY id LIMIT 3")]
    start = datetime.fromisoformat(meta["start"])
    month = ArticleFilter(since=start + timedelta(days=60), until=start + timedelta(days=90))
    plain = ArticleFilter()
    found: list[tuple[str, str, ArticleFilter]] = []
    for language in ("en", "sq", "fa"):
        ranked = words[language]
        for rank, at in (("top", 0), ("r50", 10), ("r500", 20), ("r5000", 30)):
            found.append((f"word {language} {rank}", ranked[at + 1], plain))
        found.append((f"word {language} top, lang", ranked[2], ArticleFilter(language=language)))
        found.append((f"word {language} r50, 30 days", ranked[11], month))
        found.append((f"{language} a OR b", f"{ranked[12]} OR {ranked[21]}", plain))
        found.append((f"{language} prefix", ranked[13][:3] + "*", ArticleFilter(language=language)))
        found.append((f"word {language} r500, by date", ranked[22], ArticleFilter(sort="date")))
        found.append((f"word {language} top, page 2", ranked[3], ArticleFilter(offset=PAGE)))
    for number, (_id, language, title, text) in enumerate(sample):
        tokens = text.split()
        phrase = " ".join(tokens[len(tokens) // 2 : len(tokens) // 2 + 2]).strip(".")
        found.append((f"phrase {language}", f'"{phrase}"', plain if number % 2 else ArticleFilter(language=language)))
        title_word = max(title.split(), key=len)
        found.append((f"event word {language}", title_word, plain))
        if number % 3 == 0:
            found.append((f"event word {language}, outlet", title_word, ArticleFilter(source=outlets[number % 3])))
    for name in meta["watched"]:
        found.append((f"watched name {'fa' if name[0] > 'z' else 'latin'}", f'"{name}"', plain))
        found.append(("watched name, lang + 30 days", f'"{name}"', replace(month, language="fa")))
    return found


def timed(run: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def ours(pw: Presswatch, query: str, where: ArticleFilter) -> tuple[float, float, int | None]:
    def run() -> int | None:
        try:
            return pw.search_results(query, replace(where, limit=PAGE), aggregates=True).total
        except QueryTimeout:
            return -1

    return timed(run)


def peer(conn: sqlite3.Connection, query: str) -> tuple[float, float, int]:
    expression = fts_query(query)
    ranked = "SELECT rowid, bm25(articles_fts, 5.0, 1.0) AS r FROM articles_fts WHERE articles_fts MATCH ?"
    statement = ranked + " ORDER BY r LIMIT ?"
    return timed(lambda: len(conn.execute(statement, (expression, PAGE)).fetchall()))


def at(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(runs: list[tuple[float, float]]) -> dict[str, float]:
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    return {
        "n": len(runs),
        **{f"wall_p{int(s * 100)}": round(at(walls, s), 1) for s in (0.5, 0.95, 0.99)},
        "wall_max": round(max(walls), 1),
        **{f"cpu_p{int(s * 100)}": round(at(cpus, s), 1) for s in (0.5, 0.95, 0.99)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--store-dir", type=Path, default=corpus.DEFAULT_DIR)
    parser.add_argument("--db", type=Path, help="an existing corpus store (with its .json) instead of building one")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs of each query (default 3)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    db = args.db or corpus.build(args.articles, args.seed, args.store_dir)
    meta = corpus.meta_of(db)
    queries = queries_for(db, meta)
    pw = Presswatch(db=str(db))
    pw.store  # noqa: B018 - opened (and its schema checked) before timing
    bare = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    load = Path("/proc/loadavg").read_text().split()[:3]
    runs: dict[str, list[tuple[float, float]]] = {"ours_cold": [], "ours_warm": [], "peer_cold": [], "peer_warm": []}
    slowest: list[tuple[float, float, str, int | None]] = []
    for _label, query, where in queries:  # cold: each query's first run on fresh connections
        wall, cpu, _ = peer(bare, query)
        runs["peer_cold"].append((wall, cpu))
        wall, cpu, total = ours(pw, query, where)
        runs["ours_cold"].append((wall, cpu))
    for _ in range(args.repeat):
        for label, query, where in queries:
            wall, cpu, _ = peer(bare, query)
            runs["peer_warm"].append((wall, cpu))
            wall, cpu, total = ours(pw, query, where)
            runs["ours_warm"].append((wall, cpu))
            slowest.append((wall, cpu, f"{label}: {query!r}", total))
    pw.close()
    figures: dict[str, Any] = {
        "parameters": {
            "articles": meta["articles"],
            "store": str(db),
            "store_mb": round(db.stat().st_size / 1e6),
            "queries": len(queries),
            "repeat": args.repeat,
            "page": PAGE,
            "aggregates": True,
            "search_seconds": pw.settings.search_seconds,
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "load_before": load,
            "load_after": Path("/proc/loadavg").read_text().split()[:3],
        },
        **{name: summary(r) for name, r in runs.items()},
    }
    worst: dict[str, tuple[float, float, str, int | None]] = {}
    for entry in slowest:
        if entry[2] not in worst or entry[0] > worst[entry[2]][0]:
            worst[entry[2]] = entry
    figures["slowest"] = [
        f"{w:.0f} ms wall, {c:.0f} ms CPU, {t} matches: {what}" for w, c, what, t in sorted(worst.values())[::-1][:8]
    ]
    for temp in ("warm", "cold"):
        o, p = figures[f"ours_{temp}"], figures[f"peer_{temp}"]
        figures[f"ratio_{temp}"] = {
            "p50": round(o["wall_p50"] / max(p["wall_p50"], 0.01), 1),
            "p95": round(o["wall_p95"] / max(p["wall_p95"], 0.01), 1),
        }
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    p = figures["parameters"]
    print(f"search on {p['articles']:,} articles ({p['store_mb']:,} MB), {p['queries']} queries, page {PAGE} + facets")
    for name in ("ours_cold", "ours_warm", "peer_cold", "peer_warm"):
        s = figures[name]
        side = "presswatch search_results" if name.startswith("ours") else "bare FTS5 (top 20 by bm25)"
        print(
            f"  {side:<27} {name.split('_')[1]:<4} wall p50 {s['wall_p50']:7.1f}  p95 {s['wall_p95']:7.1f}  "
            f"p99 {s['wall_p99']:7.1f}  max {s['wall_max']:7.1f} ms;  CPU p50 {s['cpu_p50']:7.1f}  "
            f"p95 {s['cpu_p95']:7.1f} ms  ({s['n']} runs)"
        )
    w = figures["ours_warm"]
    print(f"  goal p95 <= {GOAL_P95_MS:.0f} ms: warm p95 {w['wall_p95']:.1f} ms wall, {w['cpu_p95']:.1f} ms CPU")
    print(f"  ratio presswatch / bare FTS5: warm {figures['ratio_warm']}, cold {figures['ratio_cold']}")
    print("  slowest (warm):")
    for line in figures["slowest"]:
        print(f"    {line}")
    print(f"  parameters: {json.dumps(p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
