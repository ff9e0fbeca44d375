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
  match most of the store, and no words at all: every article); paging deep (page 200 of a broad query); the
  wire story's words (a group of 301); the ids of every match of a broad query (what an export reads first).
* Printed: p50/p95/max per set, and the slowest queries. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
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


def timed(run: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return (time.perf_counter() - started) * 1000, result


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))], 1)

    return {"n": len(values), "p50_ms": at(0.5), "p95_ms": at(0.95), "max_ms": round(ordered[-1], 1)}


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
    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db or Path(folder) / "search.db")
        fresh = not db.exists()
        pw = Presswatch(db=str(db), search_seconds=60)
        try:
            pw.init()
            originals = int(args.articles / (1 + args.copies))
            build_ms, (vocab, outlets, names) = timed(lambda: web.build(pw, originals, rng) if fresh else None)
            added = add_copies(pw, args.copies, rng) if fresh else {}
            if not fresh:  # the vocabularies come from the seed: rebuild them as build() drew them
                vocab = {lang: web.vocabulary(rng, lang, 20_000) for lang, _ in web.LANGUAGES}
                outlets = [f"Outlet {i:02d}" for i in range(web.OUTLETS)]
                names = []
            report: dict[str, Any] = {"store": {**added, "build_s": round(build_ms / 1000, 1)}}
            mix = web.queries(rng, args.queries + 10, vocab, outlets, names or ["x y"], pw)
            for q in mix[:10]:
                pw.search_results(q.text, q.where)
            mix = mix[10:]
            sets: dict[str, list[tuple[float, str]]] = {"mixed, with facets": [], "mixed, page only": []}
            for q in mix:
                ms, found = timed(lambda q=q: pw.search_results(q.text, q.where))
                sets["mixed, with facets"].append((ms, f"{q.describe()} -> {found.total} matches"))
                ms, _ = timed(lambda q=q: pw.search_results(q.text, q.where, aggregates=False))
                sets["mixed, page only"].append((ms, q.describe()))
            broad = [vocab[lang].words[i] for lang in ("en", "sq", "fa") for i in range(5)] + [""]
            sets["broadest (commonest words, no words)"] = []
            for word in broad:
                ms, found = timed(lambda w=word: pw.search_results(w, ArticleFilter(limit=PAGE)))
                sets["broadest (commonest words, no words)"].append((ms, f"{word!r} -> {found.total} matches"))
            sets["page 200 of a broad query"] = []
            for sort in ("relevance", "date"):
                where = ArticleFilter(limit=PAGE, offset=199 * PAGE, sort=sort)
                ms, found = timed(lambda w=where: pw.search_results(broad[0], w))
                sets["page 200 of a broad query"].append((ms, f"{sort}: {len(found.hits)} results"))
            with pw.store.connect() as conn:
                wire_text = conn.execute(select(articles.c.title).where(articles.c.id == 1)).scalar_one()
            phrase = '"' + " ".join(wire_text.split()[:3]) + '"'
            ms, found = timed(lambda: pw.search_results(phrase, ArticleFilter(limit=PAGE)))
            first = found.hits[0] if found.hits else {}
            sets["the wire story (301 copies)"] = [(ms, f"{phrase} -> {first.get('copy_count')} copies")]
            sets["ids of every match (export)"] = []
            for word in broad[:3]:
                ms, ids = timed(lambda w=word: pw.search_ids(w, ArticleFilter()))
                sets["ids of every match (export)"].append((ms, f"{word!r} -> {len(ids)} ids"))
        finally:
            pw.close()
    for name, runs in sets.items():
        report[name] = {**summary([ms for ms, _ in runs]), "slowest": sorted(runs, reverse=True)[:2]}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"store: {report['store']}")
    for name in sets:
        s = report[name]
        print(f"{name}: n={s['n']} p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, max {s['max_ms']} ms")
        for ms, described in s["slowest"]:
            print(f"    {ms:8.1f} ms  {described}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
