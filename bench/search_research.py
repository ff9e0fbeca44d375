"""Search as a research tool at scale: a page of grouped results with the counts, facets and coverage.

Method
* Store: bench/web.py's synthetic store (seeded: en/sq/fa vocabularies with Zipf weights, 60 outlets, a year,
  a watched name with its mentions in 30% of the articles), of which `--copies` (default 15%) are then
  republished: a copy has its origin's title and text, another outlet, a later date and a `duplicate` link
  (a quarter of them copy an earlier copy, so groups chain); 3% of the originals get a `translation` link to
  an article of another language, 3% a `partial` link from another article, and one in 500 articles is a
  round-up with `partial` links to five origins. One wire story is copied 300 times.
* Timed, each after a warm-up, as the web's search page and /api/search call it (`Presswatch.search_results`,
  a page of 20, opening a pooled connection each time): bench/web.py's 200 mixed queries (words, OR, phrases,
  prefixes, names; half with filters, a quarter by date, some on page 2 or 3), with the counts, facets and
  coverage (`aggregates`) and without them; the broadest queries (the 5 commonest words of each language, which
  match most of the store); no words (the newest articles, uncounted, and every English article, counted);
  paging deep (page 200 of a broad query); the wire story's words (a group of 301); the ids of every match of
  a broad query (what an export reads first).
* Printed: wall and CPU time (of this process, in which SQLite runs: the steadier figure on a shared machine)
  p50/p95/max per set, the two slowest of each, and the load average before and after. Nothing is asserted.

    .venv/bin/python bench/search_research.py                          # builds 100,000 articles: minutes
    .venv/bin/python bench/search_research.py --db /tmp/s100k.db       # keeps the store for the next run
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from presswatch import Presswatch
from presswatch.store.queries import ArticleFilter
from presswatch.store.schema import articles, links

HERE = Path(__file__).parent
SEED = 20261129
PAGE = 20


def _web_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_web", HERE / "web.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_web"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def add_copies(pw: Presswatch, share: float, rng: random.Random) -> dict[str, int]:
    """Republish a share of the store's articles and link them; the counts of what was added."""
    with pw.store.begin() as conn:
        rows = conn.execute(select(articles).order_by(articles.c.id)).all()
        top = rows[-1].id
        made: list[dict[str, Any]] = []
        linked: list[dict[str, Any]] = []
        pool = [r._asdict() for r in rows]

        def link(origin: int, copy: int, kind: str) -> None:
            linked.append(
                {"origin_id": origin, "copy_id": copy, "kind": kind, "score": 0.9, "method": "synthetic",
                 "passages": "[]", "directed": True, "confidence": 0.9, "reason": "synthetic",
                 "created_at": rows[0].created_at}
            )  # fmt: skip

        def republish(origin: dict[str, Any]) -> dict[str, Any]:
            nonlocal top
            top += 1
            copy = {
                **origin,
                "id": top,
                "url": f"https://copy.example/{top}",
                "source_id": rng.randrange(1, 61),
                "published_at": origin["published_at"] + timedelta(hours=rng.randint(1, 72)),
            }
            made.append(copy)
            link(origin["id"], top, "duplicate")
            return copy

        wire = pool[0]
        for _ in range(300):
            republish(wire)
        copies = int(len(pool) * share)
        recent: list[dict[str, Any]] = []
        for _ in range(copies):
            origin = rng.choice(recent) if recent and rng.random() < 0.25 else rng.choice(pool)
            recent.append(republish(origin))
            recent = recent[-1000:]
        for origin in rng.sample(pool, int(len(pool) * 0.03)):
            other = rng.choice(pool)
            if other["language"] != origin["language"]:
                link(origin["id"], other["id"], "translation")
        for origin in rng.sample(pool, int(len(pool) * 0.03)):
            link(origin["id"], rng.choice(pool)["id"], "partial")
        for roundup in rng.sample(pool, len(pool) // 500):
            for origin in rng.sample(pool, 5):
                link(origin["id"], roundup["id"], "partial")
        for start in range(0, len(made), 5000):
            conn.execute(insert(articles), made[start : start + 5000])
        conn.execute(insert(links), linked)
    return {"copies": len(made), "links": len(linked), "articles": len(pool) + len(made)}


Run = tuple[float, float, str]  # wall ms, CPU ms of this process (SQLite runs in it), what ran


def timed(run: Any) -> tuple[float, float, Any]:
    """Wall and CPU milliseconds of `run()`, and its result: on a shared machine the CPU time is the steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def summary(runs: list[Run]) -> dict[str, Any]:
    def at(values: list[float], share: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))], 1)

    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    return {
        "n": len(runs),
        "wall_p50_ms": at(walls, 0.5),
        "wall_p95_ms": at(walls, 0.95),
        "wall_max_ms": at(walls, 1.0),
        "cpu_p50_ms": at(cpus, 0.5),
        "cpu_p95_ms": at(cpus, 0.95),
        "cpu_max_ms": at(cpus, 1.0),
        "slowest": [f"{w:.0f} ms wall, {c:.0f} ms CPU: {what}" for w, c, what in sorted(runs, reverse=True)[:2]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the store, copies included")
    parser.add_argument("--copies", type=float, default=0.15, help="share of them that are copies")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", help="keep the store in this file (built when it does not exist)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    web = _web_bench()
    rng = random.Random(SEED)
    load = [round(x, 1) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db or Path(folder) / "search.db")
        fresh = not db.exists()
        pw = Presswatch(db=str(db), search_seconds=60)
        try:
            pw.init()
            originals = int(args.articles / (1 + args.copies))
            build_ms, _, built = timed(lambda: web.build(pw, originals, rng) if fresh else None)
            added = add_copies(pw, args.copies, rng) if fresh else {}
            if fresh:
                vocab, outlets, names = built
            else:  # the vocabularies come from the seed: drawn again as build() drew them
                vocab = {lang: web.vocabulary(rng, lang, 20_000) for lang, _ in web.LANGUAGES}
                outlets, names = [f"Outlet {i:02d}" for i in range(web.OUTLETS)], ["x y"]
            report: dict[str, Any] = {"store": {**added, "build_s": round(build_ms / 1000, 1)}}
            sets = run_all(pw, web, rng, args.queries, vocab, outlets, names)
        finally:
            pw.close()
    report["load_average_before_after"] = [load, [round(x, 1) for x in os.getloadavg()]]
    for name, runs in sets.items():
        report[name] = summary(runs)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"store: {report['store']}; load average before and after: {report['load_average_before_after']}")
    for name in sets:
        s = report[name]
        print(
            f"{name}: n={s['n']} wall p50 {s['wall_p50_ms']} / p95 {s['wall_p95_ms']} / max {s['wall_max_ms']} ms; "
            f"CPU p50 {s['cpu_p50_ms']} / p95 {s['cpu_p95_ms']} / max {s['cpu_max_ms']} ms"
        )
        for line in s["slowest"]:
            print(f"    {line}")
    return 0


def run_all(
    pw: Presswatch,
    web: Any,
    rng: random.Random,
    count: int,
    vocab: dict[str, Any],
    outlets: list[str],
    names: list[str],
) -> dict[str, list[Run]]:
    """Every timed set, by name."""
    mix = web.queries(rng, count + 10, vocab, outlets, names, pw)
    for q in mix[:10]:
        pw.search_results(q.text, q.where)
    sets: dict[str, list[Run]] = {"mixed, with facets": [], "mixed, page only": []}
    for q in mix[10:]:
        q.where.limit = PAGE
        wall, cpu, found = timed(lambda q=q: pw.search_results(q.text, q.where))
        sets["mixed, with facets"].append((wall, cpu, f"{q.describe()} -> {found.total} matches"))
        wall, cpu, _ = timed(lambda q=q: pw.search_results(q.text, q.where, aggregates=False))
        sets["mixed, page only"].append((wall, cpu, q.describe()))
    broad = [vocab[lang].words[i] for lang in ("en", "sq", "fa") for i in range(5)]
    sets["broadest: the 5 commonest words of each language"] = []
    for word in broad:
        wall, cpu, found = timed(lambda w=word: pw.search_results(w, ArticleFilter(limit=PAGE)))
        sets["broadest: the 5 commonest words of each language"].append((wall, cpu, f"{word!r}: {found.total}"))
    sets["no words"] = []
    for where in (ArticleFilter(limit=PAGE), ArticleFilter(limit=PAGE, language="en")):
        wall, cpu, found = timed(lambda w=where: pw.search_results("", w))
        sets["no words"].append((wall, cpu, f"language={where.language}: {found.total} counted"))
    sets["page 200 of a broad query"] = []
    for sort in ("relevance", "date"):
        where = ArticleFilter(limit=PAGE, offset=199 * PAGE, sort=sort)
        wall, cpu, found = timed(lambda w=where: pw.search_results(broad[0], w))
        sets["page 200 of a broad query"].append((wall, cpu, f"{sort}: {len(found.hits)} results"))
    with pw.store.connect() as conn:
        wire_title = conn.execute(select(articles.c.title).where(articles.c.id == 1)).scalar_one()
    phrase = '"' + " ".join(wire_title.split()[:3]) + '"'
    wall, cpu, found = timed(lambda: pw.search_results(phrase, ArticleFilter(limit=PAGE)))
    first = found.hits[0] if found.hits else {}
    sets["the wire story (a group of 301)"] = [(wall, cpu, f"{phrase}: {first.get('copy_count')} copies")]
    sets["ids of every match (what an export reads first)"] = []
    for word in broad[:3]:
        wall, cpu, ids = timed(lambda w=word: pw.search_ids(w, ArticleFilter()))
        sets["ids of every match (what an export reads first)"].append((wall, cpu, f"{word!r}: {len(ids)} ids"))
    return sets


if __name__ == "__main__":
    sys.exit(main())
