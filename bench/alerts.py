"""Alert evaluation: its cost against the size of the batch, the number of rules, and the size of the store.

A synthetic store (rows written straight into SQLite: articles of 120 words from a Zipf-like vocabulary, the
full-text index kept by its triggers, a mention of one of 200 watched entities in a third of them) of `--store`
articles; `--rules` rules, half saved searches (one or two words, a phrase now and then), half entities, each
sending to its feed and a webhook (so the outbox is written; nothing is sent); then a batch of `--batch` new
articles, and one evaluation of every rule timed (`Presswatch.evaluate_alerts`). The same is done on a store
ten times smaller, so the two times show whether the cost follows the store.

    .venv/bin/python bench/alerts.py                     # 1,000 rules, batch 10,000, stores of 10,000 and 100,000
    .venv/bin/python bench/alerts.py --store 20000 --batch 2000 --rules 200 [--json]
    .venv/bin/python bench/alerts.py --latency-only [--trials 3]

Goal (issue #20): 1,000 rules against 10,000 new articles on a store of 100,000 in <= 10 s.

Ingest-to-alert latency: `presswatch run` started as its own process on a temporary store (process every
minute: `process_every_minutes = 1`, fetching off), an immediate search rule sending to a webhook receiver on
127.0.0.1 here; an article matching it is ingested (`presswatch ingest`, another process) at a random moment
of the process interval, and the time from the end of its ingest to the receiver getting the alert is
measured. Goal (issue #20): <= the process interval + 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from presswatch import Presswatch
from presswatch.alerts import Rule

WORDS = [f"w{n}" for n in range(20_000)]
ENTITIES = 200
# every match is written to the outbox too (a webhook delivery per rule and batch; nothing is sent here)
SEND_TO = ["feed", "https://hooks.example.org/bench"]


def _word(rng: random.Random) -> str:
    """Zipf-like: word n about as often as 1/n."""
    return WORDS[min(int(rng.paretovariate(1.0)) - 1, len(WORDS) - 1)]


def fill(db: Path, first: int, count: int, rng: random.Random) -> None:
    """`count` articles (ids from `first`), with mentions; straight into SQLite, in one transaction."""
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT OR IGNORE INTO sources (id, name, error_streak, status, created_at)"
        " VALUES (1, 'Bench', 0, 'ok', '2026-12-01')"
    )
    articles, mentions = [], []
    for n in range(first, first + count):
        text = " ".join(_word(rng) for _ in range(120))
        day = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d} 09:00:00"
        articles.append(
            (n, f"https://bench.example/{n}", 1, 1, 1, f"title {_word(rng)}", day, "en", text, 120, f"h{n}", day)
        )
        if n % 3 == 0:
            mentions.append((n, f"e{rng.randrange(ENTITIES)}", "alias", "Alias", "text", 0, 5, 1.0, "exact"))
    conn.executemany(
        "INSERT INTO articles (id, url, version, is_current, source_id, title, published_at, language, text,"
        " word_count, content_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]) for a in articles],
    )
    conn.executemany(
        'INSERT INTO mentions (article_id, entity_id, alias, surface, field, start, "end", score, method)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        mentions,
    )
    last = first + count - 1
    conn.execute(
        "INSERT INTO stage_state (stage, watermark, fingerprint, updated_at) VALUES ('entities', ?, 'bench', "
        "'2026-12-01') ON CONFLICT(stage) DO UPDATE SET watermark = excluded.watermark",
        (last,),
    )
    conn.commit()
    conn.close()


def run(store_size: int, batch: int, rules: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        app = Presswatch(db=str(db))
        app.init()
        sqlite3.connect(db).executemany(
            "INSERT INTO entities (id, name, kind) VALUES (?, ?, 'organisation')",
            [(f"e{n}", f"Entity {n}") for n in range(ENTITIES)],
        ).connection.commit()
        started = time.perf_counter()
        fill(db, 1, store_size, rng)
        built = time.perf_counter() - started
        for n in range(rules):
            if n % 2:
                app.add_alert(Rule(f"entity {n}", "bench", SEND_TO, "entity", {"entity": f"e{n % ENTITIES}"}))
            else:
                words = [WORDS[rng.randrange(50, 5000)] for _ in range(rng.choice((1, 2)))]
                query = f'"{" ".join(words)}"' if n % 10 == 0 else " OR ".join(words)
                app.add_alert(Rule(f"search {n}", "bench", SEND_TO, "search", {"query": query}))
        fill(db, store_size + 1, batch, rng)
        started = time.perf_counter()
        report = app.evaluate_alerts()
        seconds = time.perf_counter() - started
        app.close()
    return {
        "store": store_size,
        "batch": batch,
        "rules": rules,
        "seconds": seconds,
        "matches": report.total,
        "errors": len(report.errors),
        "build_seconds": built,
    }


HARBOUR = (
    "The regional council met on Tuesday to discuss the future of the old harbour district, where hundreds of "
    "families have lived for decades without secure title to their homes. Officials said the plan would be "
    "published next month, after consultations with residents, shop owners and the port authority."
)
INTERVAL_MINUTES = 1


def _receiver() -> tuple[ThreadingHTTPServer, list[float]]:
    """A webhook receiver on 127.0.0.1: the monotonic time each POST arrived."""
    arrived: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            arrived.append(time.time())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, arrived


def _jsonl(path: Path, n: int) -> Path:
    record = {
        "url": f"https://latency.example/harbour-{n}",
        "title": f"Harbour district plan, part {n}",
        "text": HARBOUR + f" This is report number {n} of the series.",
        "published": "2026-12-01T09:00:00Z",
        "source": f"Latency Post {n}",
        "language": "en",
    }
    path.write_text(json.dumps(record) + "\n", "utf-8")
    return path


def _ingested_at(db: Path, n: int) -> float:
    """When article n was written to the store, as epoch seconds."""
    conn = sqlite3.connect(db)
    url = f"https://latency.example/harbour-{n}"
    written = conn.execute("SELECT min(created_at) FROM articles WHERE url = ?", (url,)).fetchone()[0]
    conn.close()
    return datetime.fromisoformat(written).replace(tzinfo=UTC).timestamp()


def latency(trials: int, seed: int) -> list[float]:
    """Seconds from an article's ingest to its immediate alert at the receiver, under `presswatch run`."""
    rng = random.Random(seed)
    server, arrived = _receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    found: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "latency.db"
        env = {
            **os.environ,
            "PRESSWATCH_DB": str(db),
            "PRESSWATCH_PROCESS_EVERY_MINUTES": str(INTERVAL_MINUTES),
            "PRESSWATCH_FETCH_AT": "",
            "PRESSWATCH_WEBHOOK_NETWORKS": "private",
        }
        cli = [sys.executable, "-m", "presswatch"]
        subprocess.run([*cli, "ingest", str(_jsonl(Path(folder) / "a0.jsonl", 0))], env=env, check=True)
        subprocess.run([*cli, "process"], env=env, check=True, capture_output=True)
        add = ["alerts", "add", "harbour", "--trigger", "search", "--query", "harbour", "--send-to", url]
        subprocess.run([*cli, *add], env=env, check=True, capture_output=True)
        runner = subprocess.Popen([*cli, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(5)  # `run` has started and run its first round
            for n in range(1, trials + 1):
                time.sleep(rng.uniform(0, 60 * INTERVAL_MINUTES))  # a random moment of the interval
                before = len(arrived)
                subprocess.run([*cli, "ingest", str(_jsonl(Path(folder) / f"a{n}.jsonl", n))], env=env, check=True)
                deadline = time.time() + 60 * INTERVAL_MINUTES + 180
                while len(arrived) == before and time.time() < deadline:
                    time.sleep(0.05)
                # from the moment the article was written (its created_at, naive UTC), not from the end of the
                # ingest command: `run` may take it before that process has exited
                found.append(arrived[before] - _ingested_at(db, n) if len(arrived) > before else float("inf"))
        finally:
            runner.send_signal(signal.SIGTERM)
            runner.wait(timeout=120)
            server.shutdown()
    return found


def print_latency(seconds: list[float]) -> None:
    goal = 60 * INTERVAL_MINUTES + 60
    shown = ", ".join(f"{s:.1f}" for s in seconds)
    worst = max(seconds)
    verdict = "meets" if worst <= goal else "misses"
    print(
        f"ingest -> immediate alert under `presswatch run` (process every {INTERVAL_MINUTES} min): {shown} s; "
        f"worst {worst:.1f} s, goal <= {goal} s (interval + 60 s): {verdict} it"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--trials", type=int, default=3, help="ingest-to-alert measurements")
    parser.add_argument("--latency-only", action="store_true", help="only the ingest-to-alert latency")
    args = parser.parse_args()
    if args.latency_only:
        print_latency(latency(args.trials, args.seed))
        return 0
    results = [run(size, args.batch, args.rules, args.seed) for size in (args.store // 10, args.store)]
    seconds = latency(args.trials, args.seed)
    if args.json:
        print(json.dumps({"evaluation": results, "ingest_to_alert_seconds": seconds}))
        return 0
    for r in results:
        print(
            f"store {r['store']:>7,} articles, batch {r['batch']:,}, {r['rules']:,} rules: "
            f"evaluation {r['seconds']:.2f} s, {r['matches']:,} matches, {r['errors']} rule errors"
        )
    small, large = results
    print(f"store x{large['store'] / small['store']:.0f}: evaluation time x{large['seconds'] / small['seconds']:.2f}")
    print_latency(seconds)
    print_spikes()
    return 0


def print_spikes() -> None:
    """The spike detector's precision and recall on eval/spikes.py's simulated series (its default seeds)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
    import spikes  # eval/spikes.py: the simulation and its scoring live there, once

    method = spikes.SpikeMethod()
    for name, seeds in (("dev", "0-19"), ("held-out", "2000-2019")):
        print(spikes.line(f"spike detector, {name}", seeds, spikes.score(spikes.seed_range(seeds), method)))


if __name__ == "__main__":
    raise SystemExit(main())
