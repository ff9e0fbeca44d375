"""Story clustering: B-cubed precision, recall and F1 of the `stories` stage on NTREX and on the sample corpus.

NTREX part. <data>/translations/ntrex-dev.jsonl (62 English news articles and
their professional translations into 8 languages) is treated as a stream of
articles: each record becomes a JSONL article with the outlet as its source,
its language (ISO 639-1), and a date. With a fixed seed every doc_id gets a
day within four weeks; its English source is published that day, each
translation 0-3 days later, so the time decay works on realistic gaps and
unrelated stories overlap in time. Records are ingested in date order (ids
follow it), then `pw.process()` (reuse + entities; there is no watchlist, so
entities are off) and `process --only stories`. The gold cluster is the doc_id.

Sample part. The bundled sample corpus is built with `run_demo` (ingest, the
watchlist, `process`), then `process --only stories`; the gold cluster is the
`story` of each URL in src/presswatch/sample/gold.json (51 articles, 17
stories, 6 of them single-article noise). This corpus is deliberately hard:
every article is about one organisation and one camp, so different stories
share most of their names and vocabulary.

B-cubed: for each article, precision is the share of its predicted cluster
that is in its gold cluster, recall the share of its gold cluster that is in
its predicted cluster; both averaged over articles, F1 their harmonic mean.

Gate (exit 1): NTREX F1 >= 0.95. The sample figures are reported, not gated.
Runs in about 30 s on 2 cores.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import emit, parser, quiet_libraries, require, temp_store
from sqlalchemy import select

from presswatch import Presswatch
from presswatch.api import sample_dir
from presswatch.demo import run_demo
from presswatch.store.schema import articles, story_articles

GOAL = 0.95
SEED = 20261001
ISO_639_1 = {"eng": "en", "sqi": "sq", "fas": "fa", "arb": "ar", "deu": "de", "spa": "es", "fra": "fr", "rus": "ru",
             "tur": "tr"}  # fmt: skip


def bcubed(predicted: dict[str, Any], gold: dict[str, Any]) -> dict[str, float]:
    keys = [k for k in gold if k in predicted]
    by_predicted: dict[Any, set[str]] = defaultdict(set)
    by_gold: dict[Any, set[str]] = defaultdict(set)
    for k in keys:
        by_predicted[predicted[k]].add(k)
        by_gold[gold[k]].add(k)
    if not keys:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "articles": 0}
    shared = {k: len(by_predicted[predicted[k]] & by_gold[gold[k]]) for k in keys}
    precision = sum(shared[k] / len(by_predicted[predicted[k]]) for k in keys) / len(keys)
    recall = sum(shared[k] / len(by_gold[gold[k]]) for k in keys) / len(keys)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "articles": len(keys),
        "gold_clusters": len(by_gold),
        "predicted_clusters": len(by_predicted),
    }


def assignments(pw: Presswatch) -> tuple[dict[str, int], dict[str, int]]:
    """URL -> story id, and how many articles joined each way."""
    with pw.store.connect() as conn:
        rows = conn.execute(
            select(articles.c.url, story_articles.c.story_id, story_articles.c.joined_by)
            .join(story_articles, story_articles.c.article_id == articles.c.id)
            .where(articles.c.is_current)
        ).all()
    ways: dict[str, int] = defaultdict(int)
    for row in rows:
        ways[row.joined_by] += 1
    return {r.url: r.story_id for r in rows}, dict(ways)


def ntrex(data: Path) -> dict[str, Any]:
    rows = [json.loads(line) for line in (data / "translations" / "ntrex-dev.jsonl").open(encoding="utf-8")]
    rng = random.Random(SEED)
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    day_of = {doc: start + timedelta(days=rng.uniform(0, 28)) for doc in sorted({r["doc_id"] for r in rows})}
    records = []
    for r in rows:
        lang = ISO_639_1.get(r["lang"], r["lang"][:2])
        lag = timedelta(0) if r["is_source"] else timedelta(hours=rng.uniform(1, 72))
        records.append(
            {
                "url": f"https://{r['outlet']}.example/{lang}/{r['doc_id'].replace('.', '-')}",
                "title": r["title"],
                "text": r["text"],
                "language": lang,
                "source": r["outlet"],
                "published": (day_of[r["doc_id"]] + lag).isoformat(),
                "_gold": r["doc_id"],
            }
        )
    records.sort(key=lambda r: r["published"])
    gold = {}
    with temp_store() as pw, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ntrex.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for r in records:
                gold[r["url"]] = r.pop("_gold")
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
        pw.ingest([str(path)])
        t0 = time.perf_counter()
        pw.process()
        t1 = time.perf_counter()
        pw.process(only=("stories",))
        t2 = time.perf_counter()
        predicted, ways = assignments(pw)
    return {
        **bcubed(predicted, gold),
        "joined_by": ways,
        "process_s": round(t1 - t0, 1),
        "stories_s": round(t2 - t1, 2),
    }


def sample() -> dict[str, Any]:
    gold = {a["url"]: a["story"] for a in json.loads((sample_dir() / "gold.json").read_text("utf-8"))["articles"]}
    with tempfile.TemporaryDirectory() as folder:
        pw = Presswatch(db=str(Path(folder) / "sample.db"))
        try:
            run_demo(pw)
            pw.process(only=("stories",))
            predicted, ways = assignments(pw)
        finally:
            pw.close()
    return {**bcubed(predicted, gold), "joined_by": ways}


def main() -> int:
    args = parser(__doc__.split("\n")[0]).parse_args()
    quiet_libraries()
    data = require(args.data)
    figures = {"ntrex": ntrex(data), "sample": sample(), "goal_f1": GOAL}
    failed = figures["ntrex"]["f1"] < GOAL
    lines = ["stories: B-cubed against gold clusters", ""]
    for name in ("ntrex", "sample"):
        f = figures[name]
        lines.append(
            f"{name:<7} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}  "
            f"({f['articles']} articles, {f['gold_clusters']} gold / {f['predicted_clusters']} predicted stories; "
            f"joined by {f['joined_by']})"
        )
    lines.append(f"ntrex: process (reuse) {figures['ntrex']['process_s']} s, stories {figures['ntrex']['stories_s']} s")
    lines.append(f"goal: NTREX F1 >= {GOAL}: {'FAIL' if failed else 'PASS'} (the sample is reported, not gated)")
    emit(figures, lines, args.json)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
