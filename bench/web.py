"""Search latency of the web UI and API: presswatch's search (SQLite FTS5) against a naive LIKE query.

Method
* Store: a fresh temporary SQLite store, migrated like any other. 100,000 synthetic articles (seeded, so
  runs compare) are inserted straight into `articles` with SQLAlchemy `executemany` in batches, one
  transaction each; the store's own triggers fill the FTS5 index as they do on ingest. 60 outlets, three
  languages (en 60%, sq 25%, fa 15%, each with its own generated vocabulary drawn with Zipf weights), dates
  over a year, 150-350 words of text and a 6-12 word title each. 20 watched entities are tagged in about 30%
  of the articles (`mentions`) and two topics get `relevance` rows, so the entity and topic filters have
  something to filter.
* Queries: 200, seeded, mixed as analysts type them: one word, two words, `a OR b`, a two-word "phrase"
  taken from a stored text, a `prefix*`, a watched name; about half carry one or two filters (language,
  source, entity, topic, a date range of 1-3 months), a quarter sort by date, some ask for page 2 or 3.
  Query words come from the vocabulary below its 100 commonest words (those stand for function words no
  one searches for) and above its rarest, as names and topics are.
* presswatch: `Presswatch.search` (what /api/search and the search page call), page size 20, each query run
  once after a warm-up of 10 other queries. Each timing includes opening a pooled connection, as a request does.
* Naive peer: the same words, filters, order and page as `title LIKE '%w%' OR text LIKE '%w%'` per word
  (AND between words, OR kept), newest first; it reads every row, so it runs on the first queries of the same
  list only (at most `--naive-queries`, default 40, or a 90 s budget).
* Printed: build time, presswatch p50/p95/p99/max over all queries and over the naive's subset, the naive's
  p50/p95 on that subset, and the ratio naive p95 / presswatch p95 (and the median of the per-query ratios).

Goal from the issue: presswatch p95 <= 100 ms. Nothing is asserted; the script prints and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, insert, or_, select

from presswatch import Presswatch
from presswatch.store.queries import ArticleFilter, _filtered
from presswatch.store.schema import articles, entities, mentions, relevance, sources, topic_entities, topics

GOAL_MS = 100.0
SEED = 20261129
START = datetime(2025, 10, 1)
DAYS = 365
LANGUAGES = (("en", 0.60), ("sq", 0.25), ("fa", 0.15))
OUTLETS = 60
ENTITIES = 20
BATCH = 5000
PAGE_SIZE = 20

SYLLABLES = {
    "en": ["ba", "ron", "tel", "ca", "mar", "lin", "do", "ver", "sta", "pe", "gor", "han", "mi", "tro", "ces", "al"],
    "sq": ["ë", "sh", "ka", "rr", "zo", "gj", "ta", "një", "ll", "du", "për", "ri", "qe", "xh", "mi", "ve"],
    "fa": ["با", "ر", "ست", "ان", "می", "گا", "نو", "دار", "شه", "کو", "پر", "ز", "ید", "مه", "خو", "ی"],
}


@dataclass
class Vocabulary:
    """A language's words in Zipf order, with cumulative weights for fast draws."""

    words: list[str]
    cum_weights: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cum_weights = list(accumulate(1 / (rank + 1) for rank in range(len(self.words))))


def vocabulary(rng: random.Random, language: str, size: int) -> Vocabulary:
    seen: dict[str, None] = {}
    while len(seen) < size:
        seen["".join(rng.choices(SYLLABLES[language], k=rng.randint(2, 4)))] = None
    return Vocabulary(list(seen))


# ---- the store --------------------------------------------------------------------------------------


def build(pw: Presswatch, total: int, rng: random.Random) -> tuple[dict[str, Vocabulary], list[str], list[str]]:
    """Fill the store; return the vocabularies, the outlet names and the watched names."""
    vocab = {lang: vocabulary(rng, lang, 20_000) for lang, _ in LANGUAGES}
    outlets = [f"Outlet {i:02d}" for i in range(OUTLETS)]
    names = [f"{rng.choice(vocab['en'].words[3000:]).title()} {rng.choice(vocab['sq'].words[3000:]).title()}"
             for _ in range(ENTITIES)]  # fmt: skip
    now = datetime(2026, 11, 1)
    with pw.store.begin() as conn:
        conn.execute(
            insert(sources),
            [{"name": o, "created_at": now, "error_streak": 0, "status": "ok", "items_found": 0} for o in outlets],
        )
        conn.execute(insert(entities), [{"id": f"e{i}", "name": n, "kind": "person"} for i, n in enumerate(names)])
        conn.execute(insert(topics), [{"id": "t0", "name": "Topic zero"}, {"id": "t1", "name": "Topic one"}])
        conn.execute(insert(topic_entities), [{"topic_id": f"t{i % 2}", "entity_id": f"e{i}"} for i in range(ENTITIES)])
    languages, weights = [lang for lang, _ in LANGUAGES], [w for _, w in LANGUAGES]
    for first in range(0, total, BATCH):
        rows, tagged = [], []
        for n in range(first, min(total, first + BATCH)):
            rows.append(_article(rng, n + 1, vocab, languages, weights, names, tagged, now))
        with pw.store.begin() as conn:
            conn.execute(insert(articles), rows)
            if tagged:
                conn.execute(insert(mentions), [m for m, _ in tagged])
                conn.execute(insert(relevance), list({(r["article_id"], r["topic_id"]): r for _, r in tagged}.values()))
        print(f"  {min(total, first + BATCH):,} articles", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return vocab, outlets, names


def _article(
    rng: random.Random,
    article_id: int,
    vocab: dict[str, Vocabulary],
    languages: list[str],
    weights: list[float],
    names: list[str],
    tagged: list[tuple[dict[str, Any], dict[str, Any]]],
    now: datetime,
) -> dict[str, Any]:
    language = rng.choices(languages, weights)[0]
    v = vocab[language]
    title_words = rng.choices(v.words, cum_weights=v.cum_weights, k=rng.randint(6, 12))
    words = rng.choices(v.words, cum_weights=v.cum_weights, k=rng.randint(150, 350))
    if rng.random() < 0.3:  # a watched name in the text, and its mention and relevance rows
        entity = rng.randrange(ENTITIES)
        at = rng.randrange(len(words))
        words.insert(at, names[entity])
        start = len(" ".join(words[:at])) + (1 if at else 0)
        mention = {
            "article_id": article_id, "entity_id": f"e{entity}", "alias": names[entity], "surface": names[entity],
            "field": "text", "start": start, "end": start + len(names[entity]), "score": 1.0, "method": "exact",
        }  # fmt: skip
        tagged.append((mention, {"article_id": article_id, "topic_id": f"t{entity % 2}", "score": 0.5, "mentions": 1}))
    text = " ".join(words)
    return {
        "id": article_id,
        "url": f"https://outlet{article_id % OUTLETS}.example/a/{article_id}",
        "version": 1,
        "is_current": True,
        "source_id": article_id % OUTLETS + 1,
        "title": " ".join(title_words).capitalize(),
        "published_at": START + timedelta(seconds=rng.randrange(DAYS * 86400)),
        "published_how": "metadata",
        "language": language,
        "paragraph_languages": "[]",
        "text": text,
        "word_count": len(words),
        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
        "created_at": now,
    }


# ---- the queries -------------------------------------------------------------------------------------


@dataclass
class Query:
    text: str
    where: ArticleFilter
    terms: list[list[str]]  # OR-groups of AND-ed terms, for the naive LIKE

    def describe(self) -> str:
        filters = {k: v for k, v in vars(self.where).items() if v and k != "limit" and (k, v) != ("sort", "relevance")}
        return f"{self.text!r} {filters}"


def queries(
    rng: random.Random, count: int, vocab: dict[str, Vocabulary], outlets: list[str], names: list[str], pw: Presswatch
) -> list[Query]:
    made = []
    with pw.store.connect() as conn:
        samples = [r.text for r in conn.execute(select(articles.c.text).order_by(func.random()).limit(count))]
    for n in range(count):
        language = rng.choices([lang for lang, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        pool = vocab[language].words[100:8000]
        word, other = rng.choice(pool), rng.choice(pool)
        kind = rng.choice(("word", "words", "or", "phrase", "prefix", "name"))
        if kind == "word":
            text, terms = word, [[word]]
        elif kind == "words":
            text, terms = f"{word} {other}", [[word, other]]
        elif kind == "or":
            text, terms = f"{word} OR {other}", [[word], [other]]
        elif kind == "phrase":
            tokens = samples[n].split()
            at = rng.randrange(len(tokens) - 1)
            phrase = " ".join(tokens[at : at + 2])
            text, terms = f'"{phrase}"', [[phrase]]
        elif kind == "prefix":
            stem = word[: max(3, len(word) - 2)]
            text, terms = f"{stem}*", [[stem]]
        else:
            name = rng.choice(names)
            text, terms = f'"{name}"', [[name]]
        made.append(Query(text, _filters(rng, outlets, language), terms))
    return made


def _filters(rng: random.Random, outlets: list[str], language: str) -> ArticleFilter:
    where = ArticleFilter(limit=PAGE_SIZE + 1)
    if rng.random() < 0.5:
        for choice in rng.sample(("language", "source", "entity", "topic", "dates"), rng.randint(1, 2)):
            if choice == "language":
                where.language = language
            elif choice == "source":
                where.source = rng.choice(outlets)
            elif choice == "entity":
                where.entity = f"e{rng.randrange(ENTITIES)}"
            elif choice == "topic":
                where.topic = f"t{rng.randrange(2)}"
            else:
                where.since = START + timedelta(days=rng.randrange(DAYS - 90))
                where.until = where.since + timedelta(days=rng.randint(30, 90))
    if rng.random() < 0.25:
        where.sort = "date"
    if rng.random() < 0.2:
        where.offset = PAGE_SIZE * rng.randint(1, 2)
    return where


def naive(pw: Presswatch, query: Query) -> int:
    """The same search as LIKE over title and text: every row read, newest first."""

    def has(term: str) -> Any:
        return or_(articles.c.title.like(f"%{term}%"), articles.c.text.like(f"%{term}%"))

    match = or_(*(and_(*(has(t) for t in group)) for group in query.terms))
    where = query.where
    # the same filters as presswatch's search, from the same function
    statement = _filtered(
        select(articles.c.id, articles.c.title, sources.c.name).join(sources, sources.c.id == articles.c.source_id),
        where,
    )
    statement = statement.where(match).order_by(articles.c.published_at.desc()).limit(where.limit).offset(where.offset)
    with pw.store.connect() as conn:
        return len(conn.execute(statement).all())


# ---- timing ------------------------------------------------------------------------------------------


def timed_ms(run: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return (time.perf_counter() - started) * 1000, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 0.50), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
        "max_ms": round(max(values), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--naive-queries", type=int, default=40)
    parser.add_argument("--naive-budget", type=float, default=90.0, help="seconds the naive peer may run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as folder:
        pw = Presswatch(db=str(Path(folder) / "bench.db"))
        try:
            pw.init()
            build_s, (vocab, outlets, names) = timed_ms(lambda: build(pw, args.articles, rng))
            mix = queries(rng, args.queries + 10, vocab, outlets, names, pw)
            warm, mix = mix[:10], mix[10:]
            for q in warm:
                pw.search(q.text, q.where)
            ours = [timed_ms(lambda q=q: pw.search(q.text, q.where)) for q in mix]
            theirs: list[tuple[float, int]] = []
            budget_end = time.monotonic() + args.naive_budget
            for q in mix[: args.naive_queries]:
                if time.monotonic() > budget_end:
                    break
                theirs.append(timed_ms(lambda q=q: naive(pw, q)))
        finally:
            pw.close()
    ours_ms = [ms for ms, _ in ours]
    subset = ours_ms[: len(theirs)]
    naive_ms = [ms for ms, _ in theirs]
    report = {
        "articles": args.articles,
        "queries": len(mix),
        "build_s": round(build_s / 1000, 1),
        "presswatch": summary(ours_ms),
        "queries_with_results": sum(1 for _, rows in ours if rows),
        "naive_queries": len(theirs),
        "presswatch_on_naive_subset": summary(subset) if subset else None,
        "naive_like": summary(naive_ms) if naive_ms else None,
        "ratio_p95_naive_over_presswatch": round(percentile(naive_ms, 0.95) / percentile(subset, 0.95), 1)
        if naive_ms
        else None,
        "median_per_query_ratio": round(statistics.median(n / o for n, o in zip(naive_ms, subset, strict=True)), 1)
        if naive_ms
        else None,
        "goal_p95_ms": GOAL_MS,
        "slowest": sorted(((ms, q.describe()) for (ms, _), q in zip(ours, mix, strict=True)), reverse=True)[:3],
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    p = report["presswatch"]
    print(f"store: {args.articles:,} synthetic articles built in {report['build_s']} s")
    print(
        f"presswatch search (FTS5), {len(mix)} queries: p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, "
        f"p99 {p['p99_ms']} ms, max {p['max_ms']} ms; {report['queries_with_results']} queries found something"
    )
    verdict = "meets" if p["p95_ms"] <= GOAL_MS else "misses"
    print(f"goal p95 <= {GOAL_MS:.0f} ms: {verdict} it")
    if naive_ms:
        s, n = report["presswatch_on_naive_subset"], report["naive_like"]
        print(
            f"naive LIKE on the first {len(theirs)} queries: p50 {n['p50_ms']} ms, p95 {n['p95_ms']} ms "
            f"(presswatch on the same: p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms)"
        )
        print(
            f"ratio naive / presswatch: p95 {report['ratio_p95_naive_over_presswatch']}x, "
            f"median per query {report['median_per_query_ratio']}x"
        )
    for ms, described in report["slowest"]:
        print(f"  slowest: {ms:.1f} ms {described}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
