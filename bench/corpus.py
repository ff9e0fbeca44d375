"""A synthetic news corpus written into a real presswatch store, built once per parameters and cached.

What it makes (seeded, so the same parameters give the same store):
* Three languages with their own generated vocabularies and Zipf weights: English-like (55%),
  Albanian-like Latin with diacritics (30%), Persian script (15%); 8,000 words each.
* 80 outlets (each a domain, most writing in one language), `PER_DAY` (400) articles a day: a bigger corpus
  spans a longer period at the same density (25,000 articles: 62 days; 1,000,000: about 7 years), as a
  store grows by months of monitoring.
* Events (stories) of 1-40 articles (Pareto sizes), each with its own words, 2-4 names (from the
  sample watchlist for about a quarter of the events, in the article's language's spelling, Persian
  script for Persian) and numbers; an article has 4-10 paragraphs (one line each) of 30-70 words.
* Reuse at a realistic rate: 9% near-duplicates (an earlier article of the event, another outlet,
  a word or two changed, a credit line added), 6% partial copies (2-3 paragraphs of an earlier
  article inside new text), 2% translations (another language, the same names and numbers).
* Articles go in in publication order (with a few hours of jitter, so some arrive late).

How it is written: through the ingest path's own writer, `presswatch.ingest.pipeline.ResultWriter`
(raw record kept, source found or created by domain, `queries.save_article`, the FTS triggers), given
the JSON line a JSONL reader would have read and the `Extracted` record extraction would have made
(text, hashes and word counts by presswatch's own functions; the language known, so not detected).
One transaction per `BATCH` articles. The sample watchlist is loaded into the store.

Cached as `<store-dir>/corpus-v<VERSION>-n<articles>-s<seed>.sqlite` (default store dir
~/.cache/presswatch-bench), with a `.json` beside it (parameters, counts, build time, words by
frequency for the search bench). A build goes to a `.part` file, renamed when complete.

    .venv/bin/python bench/corpus.py --articles 25000
    .venv/bin/python bench/corpus.py --articles 1000000 --store-dir /data/bench
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from presswatch import Presswatch
from presswatch.entities.watchlist import parse_watchlist
from presswatch.extract import Extracted, Hints
from presswatch.extract.text import content_hash, word_count
from presswatch.ingest.pipeline import ResultWriter
from presswatch.ingest.records import Item

VERSION = 2
SEED = 20261207
BATCH = 2000
PER_DAY = 400
START = datetime(2026, 5, 1)
OUTLETS = 80
VOCABULARY = 8000
LANGUAGES = ("en", "sq", "fa")
LANGUAGE_SHARE = (0.55, 0.30, 0.15)
DUPLICATE, PARTIAL, TRANSLATION = 0.09, 0.06, 0.02
WATCHED_EVENTS = 0.25
WATCHLIST = Path(__file__).resolve().parent.parent / "src" / "presswatch" / "sample" / "watchlist.toml"
DEFAULT_DIR = Path(os.environ.get("PRESSWATCH_BENCH_DIR", "~/.cache/presswatch-bench")).expanduser()

LETTERS = {"en": "bcdfghklmnprstvwy", "sq": "bcdfghjklmnprstvxzçq", "fa": "بپتجچخدرزسشغفقکگلمنهی"}
VOWELS = {"en": "aeiou", "sq": "aeiouyë", "fa": "اوی"}
CREDIT = {"en": "Source: {}", "sq": "Burimi: {}", "fa": "منبع: {}"}


def store_path(articles: int, seed: int = SEED, store_dir: Path = DEFAULT_DIR) -> Path:
    return store_dir / f"corpus-v{VERSION}-n{articles}-s{seed}.sqlite"


def make_word(rng: random.Random, language: str, syllables: int) -> str:
    letters, vowels = LETTERS[language], VOWELS[language]
    return "".join(rng.choice(letters) + rng.choice(vowels) for _ in range(syllables))


@dataclass
class Language:
    code: str
    words: np.ndarray  # object array of str, by frequency rank
    cum: np.ndarray  # cumulative Zipf weights, for searchsorted


class Generator:
    def __init__(self, seed: int) -> None:
        self.bulk = np.random.default_rng(seed)  # word streams
        self.rng = random.Random(seed)  # everything else: faster for one value at a time
        rng = self.rng
        zipf = np.cumsum(1.0 / np.arange(1, VOCABULARY + 1) ** 1.05)
        zipf /= zipf[-1]
        self.languages: dict[str, Language] = {}
        for code in LANGUAGES:
            seen: dict[str, None] = {}
            while len(seen) < VOCABULARY:
                seen.setdefault(make_word(rng, code, rng.randint(1, 4)), None)
            self.languages[code] = Language(code, np.array(list(seen), dtype=object), zipf)
        # the words of events: rarer than any of the vocabulary's, drawn 30 a time per language
        self.rare = {c: list({make_word(rng, c, 3): None for _ in range(20_000)}) for c in LANGUAGES}
        self.outlets = [(f"outlet{i:02d}.example", LANGUAGES[i % 3] if i % 7 else None) for i in range(OUTLETS)]
        self.by_language = {c: [o for o in self.outlets if o[1] in (c, None)] for c in LANGUAGES}
        watchlist = parse_watchlist(WATCHLIST)
        self.watched: list[dict[str, list[str]]] = []
        for entity in watchlist.entities:
            spelled: dict[str, list[str]] = {c: [] for c in LANGUAGES}
            for alias in entity.aliases:
                for code in LANGUAGES:
                    if alias.lang == code or (alias.lang is None and code != "fa"):
                        spelled[code].append(alias.text)
            self.watched.append(spelled)

    def words(self, language: str, count: int) -> list[str]:
        lang = self.languages[language]
        ranks = np.searchsorted(lang.cum, self.bulk.random(count))
        return list(lang.words[np.minimum(ranks, VOCABULARY - 1)])

    def event(self) -> dict[str, Any]:
        rng = self.rng
        names: dict[str, list[str]] = {c: [] for c in LANGUAGES}
        for _ in range(rng.randint(2, 4)):
            if rng.random() < WATCHED_EVENTS:
                spelled = self.watched[rng.randrange(len(self.watched))]
                for c in LANGUAGES:
                    options = spelled[c] or spelled["en"]
                    names[c].append(options[rng.randrange(len(options))])
            else:
                latin = " ".join(make_word(rng, "en", 3).capitalize() for _ in range(rng.randint(1, 2)))
                persian = " ".join(make_word(rng, "fa", 2) for _ in range(rng.randint(1, 2)))
                names["en"].append(latin)
                names["sq"].append(latin)
                names["fa"].append(persian)
        return {
            "day": 0.0,  # set by `articles`
            "words": {c: rng.sample(self.rare[c], 30) for c in LANGUAGES},
            "names": names,
            "numbers": [str(rng.randint(10, 99998)) for _ in range(rng.randint(1, 3))],
        }

    def paragraph(self, event: dict[str, Any], language: str) -> str:
        rng = self.rng
        count = rng.randint(30, 70)
        tokens = self.words(language, count)
        own = event["words"][language]
        special = event["names"][language] + event["numbers"]
        for i in range(count):
            roll = rng.random()
            if roll < 0.22:
                tokens[i] = rng.choice(own if roll < 0.17 else special)
        if language != "fa":
            tokens[0] = tokens[0].capitalize()
        return " ".join(tokens) + "."

    def article(self, event: dict[str, Any], language: str) -> dict[str, Any]:
        rng = self.rng
        title = self.words(language, rng.randint(5, 9))
        title[rng.randrange(len(title))] = event["names"][language][0]
        paragraphs = [self.paragraph(event, language) for _ in range(rng.randint(4, 10))]
        return {"language": language, "title": " ".join(title), "paragraphs": paragraphs, "kind": "original"}

    def outlet(self, language: str) -> str:
        options = self.by_language[language]
        return options[self.rng.randrange(len(options))][0]

    def articles(self, total: int) -> Iterator[dict[str, Any]]:
        """Every article's fields, in the order they are ingested: publication order, a few late.

        Events start in day order over the period, so an article can be handed out once the next event
        starts after it arrived: only a few days of articles are held at a time."""
        rng = self.rng
        shares = np.cumsum(LANGUAGE_SHARE)
        waiting: list[tuple[float, int, dict[str, Any]]] = []
        made = 0
        while made < total:
            event = self.event()
            event["day"] = made / PER_DAY
            while waiting and waiting[0][0] <= event["day"]:
                yield heapq.heappop(waiting)[2]
            size = min(40, int(rng.paretovariate(1.2)))
            members: list[dict[str, Any]] = []
            for _ in range(min(size, total - made)):
                when = event["day"] + rng.expovariate(1 / 1.5)
                roll = rng.random()
                origin = members[rng.randrange(len(members))] if members else None
                if origin is not None and roll < DUPLICATE:
                    item = self.near_duplicate(origin)
                elif origin is not None and roll < DUPLICATE + PARTIAL:
                    item = self.partial(event, origin)
                elif origin is not None and roll < DUPLICATE + PARTIAL + TRANSLATION:
                    others = [c for c in LANGUAGES if c != origin["language"]]
                    item = self.article(event, others[rng.randrange(len(others))])
                    item["kind"] = "translation"
                else:
                    item = self.article(event, LANGUAGES[min(2, int(np.searchsorted(shares, rng.random())))])
                if origin is not None and item["kind"] != "original":
                    when = max(when, origin["when"] + rng.expovariate(5.0))
                item["when"] = when
                item["outlet"] = self.outlet(item["language"])
                members.append(item)
                # mostly minutes after publication, now and then days (a late feed, a backfill)
                arrives = when + rng.expovariate(50.0 if rng.random() < 0.97 else 1 / 3.0)
                heapq.heappush(waiting, (arrives, made, item))
                made += 1
        while waiting:
            yield heapq.heappop(waiting)[2]

    def near_duplicate(self, origin: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        paragraphs = list(origin["paragraphs"])
        at = rng.randrange(len(paragraphs))
        tokens = paragraphs[at].split(" ")
        for _ in range(rng.randint(1, 2)):
            tokens[rng.randrange(len(tokens))] = self.words(origin["language"], 1)[0]
        paragraphs[at] = " ".join(tokens)
        paragraphs.append(CREDIT[origin["language"]].format(origin.get("outlet", "agency")))
        return {**origin, "paragraphs": paragraphs, "kind": "duplicate"}

    def partial(self, event: dict[str, Any], origin: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        item = self.article(event, origin["language"])
        take = min(len(origin["paragraphs"]), rng.randint(2, 3))
        first = rng.randrange(len(origin["paragraphs"]) - take + 1)
        at = rng.randrange(len(item["paragraphs"]) + 1)
        item["paragraphs"][at:at] = origin["paragraphs"][first : first + take]
        item["kind"] = "partial"
        return item


def extracted(fields: dict[str, Any], number: int) -> tuple[Item, Extracted]:
    """The JSONL item a reader would yield for the article, and what extraction would make of it."""
    text = "\n".join(fields["paragraphs"])
    published = START + timedelta(days=fields["when"])
    url = f"https://{fields['outlet']}/{published:%Y/%m/%d}/a{number}"
    record = {"url": url, "title": fields["title"], "text": text, "published": published.isoformat()}
    payload = json.dumps(record, ensure_ascii=False).encode()
    fetched = START + timedelta(days=fields["when"] + 0.01)
    hints = Hints(url=url, title=fields["title"], published=published, published_how="jsonl", fetched_at=fetched)
    item = Item(f"corpus:{number}", "jsonl", "corpus.jsonl", str(number), payload, hints)
    item.sha256 = _sha(payload)
    spans: list[list[object]] = []
    start = 0
    for paragraph in fields["paragraphs"]:
        spans.append([start, start + len(paragraph), fields["language"]])
        start += len(paragraph) + 1
    result = Extracted(
        url=url,
        title=fields["title"],
        author=None,
        sitename=None,
        published_at=published,
        published_how="jsonl",
        text=text,
        word_count=word_count(text),
        content_hash=content_hash(text),
        language=fields["language"],
        language_confidence=0.99,
        paragraph_languages=spans,
    )
    return item, result


def _sha(payload: bytes) -> str:
    import hashlib

    return hashlib.sha256(payload).hexdigest()


def frequent_words(gen: Generator) -> dict[str, list[str]]:
    """Words by frequency rank per language (ranks 0-9, 50-59, 500-509, 5000-5009), for queries."""
    return {c: [str(w) for r in (0, 50, 500, 5000) for w in gen.languages[c].words[r : r + 10]] for c in LANGUAGES}


def build(articles: int, seed: int = SEED, store_dir: Path = DEFAULT_DIR, quiet: bool = False) -> Path:
    """The cached store for these parameters, built first when it is not there."""
    path = store_path(articles, seed, store_dir)
    if path.exists():
        return path
    store_dir.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    for leftover in store_dir.glob(part.name + "*"):
        leftover.unlink()
    started, cpu = time.perf_counter(), time.process_time()
    gen = Generator(seed)
    fields = gen.articles(articles)
    pw = Presswatch(db=str(part))
    pw.load_watchlist(WATCHLIST)
    writer = ResultWriter(pw.store, batch=BATCH)
    statuses: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for number, item_fields in enumerate(fields, 1):
        kinds[item_fields["kind"]] = kinds.get(item_fields["kind"], 0) + 1
        for outcome in writer.add(*extracted(item_fields, number)):
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        if not quiet and number % 50_000 == 0:
            rate = number / (time.perf_counter() - started)
            print(f"  corpus: {number:,}/{articles:,} written, {rate:,.0f} articles/s", file=sys.stderr, flush=True)
    for outcome in writer.flush():
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    pw.close()
    with sqlite3.connect(part) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("ANALYZE")
    meta = {
        "version": VERSION,
        "articles": articles,
        "seed": seed,
        "per_day": PER_DAY,
        "days": round(articles / PER_DAY, 1),
        "start": START.isoformat(),
        "outlets": OUTLETS,
        "languages": dict(zip(LANGUAGES, LANGUAGE_SHARE, strict=True)),
        "shares": {"duplicate": DUPLICATE, "partial": PARTIAL, "translation": TRANSLATION},
        "kinds": kinds,
        "statuses": statuses,
        "build_s": round(time.perf_counter() - started, 1),
        "build_cpu_s": round(time.process_time() - cpu, 1),
        "bytes": part.stat().st_size,
        "words": frequent_words(gen),
        "watched": [w for spelled in gen.watched for w in spelled["fa"][:1] + spelled["en"][:1]],
    }
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    part.rename(path)
    return path


def meta_of(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.with_suffix(".json").read_text())
    return loaded


def fresh_copy(path: Path, folder: Path) -> Path:
    """A copy of a cached store to run on (the cached one stays as built)."""
    copy = folder / path.name
    shutil.copyfile(path, copy)
    return copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--store-dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    path = store_path(args.articles, args.seed, args.store_dir)
    cached = path.exists()
    build(args.articles, args.seed, args.store_dir)
    meta = meta_of(path)
    print(f"{path} ({'cached' if cached else 'built'}): {meta['articles']:,} articles, {meta['bytes'] / 1e6:,.0f} MB")
    print(f"  built in {meta['build_s']} s ({meta['build_cpu_s']} CPU s)")
    print(f"  kinds {meta['kinds']}, outcomes {meta['statuses']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
