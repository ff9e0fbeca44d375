"""Story clustering speed and memory: `process --only stories` on 100,000 synthetic articles over 12 weeks.

Method
* Generated from a fixed seed: stories of 1-30 articles (sizes skewed small,
  like news: most stories are one or two pieces), each on a day within 84
  days, its articles published over the following days (exponential, mean 1.5
  days). Three languages with their own vocabularies (en 60%, sq 25%, fa 15%:
  5,000 general words each, Zipf weights). Each story has 25 words of its own
  per language and 2-4 names and 1-3 numbers shared across languages. An
  article has 250-500 words: ~75% general, ~18% its story's, ~7% its names
  and numbers, and a title of 6-10 words drawn the same way. 60 outlets.
* Provenance as the reuse stage would leave it: 15% of the articles are
  copies of an earlier article of their story (same text, another outlet,
  a `duplicate` link) and 10% are translations of one (another language, a
  `translation` link); every article gets `anchors` rows for its names and
  numbers (as reuse would). Topic relevance as the entities stage would
  leave it: a third of the stories are on the watchlist's one topic, and
  their articles get a `relevance` row (score 0.3-1.0); there are no
  `mentions` rows, so the entity bonus of clustering is not exercised.
* Articles, sources, links and anchors are inserted straight into a temporary
  SQLite store's tables (executemany), in date order, then
  `process(only=("stories",))` is timed over all of them: articles per second
  (goal >= 1,000). Generation and insertion are not timed.
* Digest figure: one week's digest (the 6th of the 12, an ISO week) built
  the way `presswatch digest build --week W` builds it: `Presswatch.build_digest`
  (select, rank, summarise, save the draft) then `render(digest, "md")`;
  timed end to end (goal <= 5 s), best and worst of 3 (the draft is saved
  again each time). The week's stories straight from SQL
  (`presswatch.stories.week_stories`) are timed too, as a floor.
* Peak memory: the process's peak RSS after generation and insertion, after
  clustering and after the digests (ru_maxrss), so each step's growth shows.
* Sanity figure: B-cubed F1 of the clustering against the generated stories.
Prints and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from presswatch import Presswatch
from presswatch.digest import period_of, render
from presswatch.store.schema import anchors, articles, links, relevance, sources, story_articles, topics
from presswatch.stories import week_stories

SEED = 20261020
LANGUAGES = (("en", 0.60), ("sq", 0.25), ("fa", 0.15))
START = datetime(2026, 7, 6)
DAYS = 84
OUTLETS = 60
COPY_SHARE, TRANSLATION_SHARE = 0.15, 0.10
ON_TOPIC = 1 / 3  # share of stories about the watchlist's topic
DIGEST_WEEK = 6
LETTERS = {"en": "bcdfghklmnprstvw", "sq": "bcdfghjklmnprstvxzëç", "fa": "بپتجچخدرزسشغفقکگلمنهی"}
VOWELS = {"en": "aeiou", "sq": "aeiouyë", "fa": "اوی"}


def word(rng: random.Random, language: str, syllables: int) -> str:
    return "".join(rng.choice(LETTERS[language]) + rng.choice(VOWELS[language]) for _ in range(syllables))


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.general = {lang: [word(rng, lang, rng.randint(1, 4)) for _ in range(5000)] for lang, _ in LANGUAGES}
        self.weights = list(accumulate(1.0 / (rank + 1) for rank in range(5000)))
        self.outlets = [f"outlet-{i:02d}" for i in range(OUTLETS)]

    def story(self) -> dict[str, Any]:
        rng = self.rng
        return {
            "words": {lang: [word(rng, lang, 3) for _ in range(25)] for lang, _ in LANGUAGES},
            "names": [word(rng, "en", 3).capitalize() for _ in range(rng.randint(2, 4))],
            "numbers": [str(rng.randint(10, 99999)) for _ in range(rng.randint(1, 3))],
            "day": rng.uniform(0, DAYS),
            "relevance": rng.uniform(0.3, 1.0) if rng.random() < ON_TOPIC else None,
        }

    def text(self, story: dict[str, Any], language: str, length: int) -> str:
        rng = self.rng
        general = rng.choices(self.general[language], cum_weights=self.weights, k=length)
        for i in range(length):
            roll = rng.random()
            if roll < 0.18:
                general[i] = rng.choice(story["words"][language])
            elif roll < 0.25:
                general[i] = rng.choice(story["names"] + story["numbers"])
        return " ".join(general)


def generate(total: int, seed: int) -> tuple[list[dict[str, Any]], list[tuple[int, int, str]]]:
    """Articles (in date order, with their gold story) and provenance pairs (origin index, copy index, kind)."""
    gen = Generator(seed)
    rng = gen.rng
    items: list[dict[str, Any]] = []
    story_no = 0
    while len(items) < total:
        story = gen.story()
        size = min(30, max(1, int(rng.paretovariate(1.1))))
        members: list[dict[str, Any]] = []
        for _ in range(min(size, total - len(items))):
            when = START + timedelta(days=min(DAYS, story["day"] + rng.expovariate(1 / 1.5)))
            roll = rng.random()
            origin = rng.choice(members) if members else None
            if origin is not None and roll < COPY_SHARE:
                item = dict(origin, outlet=rng.choice(gen.outlets), when=max(when, origin["when"]), origin=origin)
                item["kind"] = "duplicate"
            else:
                language = rng.choices([lang for lang, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
                kind = None
                if origin is not None and roll < COPY_SHARE + TRANSLATION_SHARE:
                    language = rng.choice([lang for lang, _ in LANGUAGES if lang != origin["language"]])
                    kind = "translation"
                item = {
                    "language": language,
                    "title": gen.text(story, language, rng.randint(6, 10)),
                    "text": gen.text(story, language, rng.randint(250, 500)),
                    "outlet": rng.choice(gen.outlets),
                    "when": when if kind is None else max(when, origin["when"]),  # type: ignore[index]
                    "origin": origin if kind else None,
                    "kind": kind,
                }
            item["story"], item["relevance"], item["keys"] = (
                story_no,
                story["relevance"],
                [f"w:{n.lower()[:4]}" for n in story["names"]] + [f"n:{n}" for n in story["numbers"]],
            )
            members.append(item)
        items.extend(members)
        story_no += 1
    items.sort(key=lambda item: item["when"])
    index = {id(item): i for i, item in enumerate(items)}
    pairs = [(index[id(item["origin"])], i, item["kind"]) for i, item in enumerate(items) if item.get("origin")]
    return items, pairs


def insert_all(pw: Presswatch, items: list[dict[str, Any]], pairs: list[tuple[int, int, str]]) -> None:
    created = datetime(2026, 10, 20)
    with pw.store.begin() as conn:
        conn.execute(
            insert(sources),
            [{"id": i + 1, "name": f"outlet-{i:02d}", "created_at": created, "error_streak": 0, "status": "ok"}
             for i in range(OUTLETS)],
        )  # fmt: skip
        rows = []
        for i, item in enumerate(items):
            rows.append(
                {
                    "id": i + 1,
                    "url": f"https://{item['outlet']}.example/{i}",
                    "version": 1,
                    "is_current": True,
                    "source_id": int(item["outlet"].split("-")[1]) + 1,
                    "title": item["title"],
                    "published_at": item["when"],
                    "published_how": "metadata",
                    "language": item["language"],
                    "text": item["text"],
                    "word_count": item["text"].count(" ") + 1,
                    "content_hash": hashlib.sha256(item["text"].encode()).hexdigest(),
                    "created_at": created,
                }
            )
            if len(rows) == 5000:
                conn.execute(insert(articles), rows)
                rows = []
        if rows:
            conn.execute(insert(articles), rows)
        conn.execute(
            insert(links),
            [{"origin_id": o + 1, "copy_id": c + 1, "kind": k, "score": 1.0 if k == "duplicate" else 0.6,
              "method": "exact-hash" if k == "duplicate" else "anchors", "directed": True, "confidence": 0.9,
              "reason": "bench", "created_at": created} for o, c, k in pairs],
        )  # fmt: skip
        conn.execute(
            insert(anchors), [{"key": key, "article_id": i + 1} for i, item in enumerate(items) for key in item["keys"]]
        )
        conn.execute(insert(topics).values(id="bench", name="Bench topic"))
        conn.execute(
            insert(relevance),
            [{"article_id": i + 1, "topic_id": "bench", "score": item["relevance"], "mentions": 2}
             for i, item in enumerate(items) if item["relevance"] is not None],
        )  # fmt: skip


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bcubed_f1(predicted: dict[int, int], gold: dict[int, int]) -> tuple[float, float, float]:
    by_p: dict[int, set[int]] = defaultdict(set)
    by_g: dict[int, set[int]] = defaultdict(set)
    for k in gold:
        by_p[predicted[k]].add(k)
        by_g[gold[k]].add(k)
    shared = {k: len(by_p[predicted[k]] & by_g[gold[k]]) for k in gold}
    p = sum(shared[k] / len(by_p[predicted[k]]) for k in gold) / len(gold)
    r = sum(shared[k] / len(by_g[gold[k]]) for k in gold) / len(gold)
    return p, r, 2 * p * r / (p + r)


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--articles", type=int, default=100_000)
    args.add_argument("--json", action="store_true")
    options = args.parse_args()
    t0 = time.perf_counter()
    items, pairs = generate(options.articles, SEED)
    generated = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="presswatch-bench-") as folder:
        pw = Presswatch(db=str(Path(folder) / "bench.db"))
        try:
            pw.init()
            t0 = time.perf_counter()
            insert_all(pw, items, pairs)
            inserted = time.perf_counter() - t0
            before = peak_mb()
            t0 = time.perf_counter()
            (report,) = pw.process(only=("stories",))
            clustering = time.perf_counter() - t0
            after = peak_mb()
            week_start = START + timedelta(weeks=DIGEST_WEEK)
            iso = week_start.isocalendar()
            period = period_of(f"{iso.year}-W{iso.week:02d}")
            sql_timings, digest_timings = [], []
            for _ in range(3):
                t0 = time.perf_counter()
                with pw.store.connect() as conn:
                    week = week_stories(conn, period.since, period.until)
                sql_timings.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                digest = pw.build_digest(period)  # what `presswatch digest build --week` calls, then renders
                markdown = render(digest, "md")
                digest_timings.append(time.perf_counter() - t0)
            after_digest = peak_mb()
            with pw.store.connect() as conn:
                predicted = dict(conn.execute(select(story_articles.c.article_id, story_articles.c.story_id)).all())
        finally:
            pw.close()
    gold = {i + 1: item["story"] for i, item in enumerate(items)}
    precision, recall, f1 = bcubed_f1(predicted, gold)
    figures = {
        "articles": len(items),
        "gold_stories": len(set(gold.values())),
        "stories": report.details.get("opened", 0),
        "links": len(pairs),
        "generate_s": round(generated, 1),
        "insert_s": round(inserted, 1),
        "clustering_s": round(clustering, 1),
        "articles_per_s": round(len(items) / clustering),
        "week": period.label,
        "week_sql_s": round(min(sql_timings), 3),
        "week_stories": len(week),
        "week_articles": sum(len(s["articles_list"]) for s in week),
        "digest_build_s": round(min(digest_timings), 3),
        "digest_build_worst_s": round(max(digest_timings), 3),
        "digest_items": sum(len(section.items) for section in digest.sections),
        "digest_markdown_chars": len(markdown),
        "peak_rss_mb_before": round(before),
        "peak_rss_mb_after": round(after),
        "peak_rss_mb_after_digest": round(after_digest),
        "bcubed": {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)},
    }
    if options.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"stories bench: {figures['articles']:,} synthetic articles over 12 weeks, {figures['links']:,} links")
    print(f"  generated in {figures['generate_s']} s, inserted in {figures['insert_s']} s (not timed)")
    print(
        f"  clustering: {figures['clustering_s']} s = {figures['articles_per_s']:,} articles/s (goal >= 1,000); "
        f"{figures['stories']:,} stories (gold {figures['gold_stories']:,})"
    )
    print(
        f"  digest {figures['week']} (Presswatch.build_digest + render md, as `presswatch digest build`): "
        f"{figures['digest_build_s']} s, worst of 3 {figures['digest_build_worst_s']} s (goal <= 5 s); "
        f"{figures['digest_items']} items, {figures['digest_markdown_chars']:,} characters of Markdown"
    )
    print(
        f"  week's stories from SQL (week_stories): {figures['week_sql_s']} s for {figures['week_stories']:,} "
        f"stories / {figures['week_articles']:,} articles"
    )
    print(
        f"  peak RSS: {figures['peak_rss_mb_before']} MB before clustering, {figures['peak_rss_mb_after']} MB after, "
        f"{figures['peak_rss_mb_after_digest']} MB after the digests"
    )
    b = figures["bcubed"]
    print(f"  B-cubed vs generated stories: P {b['precision']} R {b['recall']} F1 {b['f1']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
