"""`posts import` speed on a CooRTweet CSV: rows per CPU second, first import and re-import of the same file.

    .venv/bin/python bench/posts_import.py                          # 200,000 rows, 5,000 accounts, 20,000 objects
    .venv/bin/python bench/posts_import.py --rows 1000000 --rounds 3
    .venv/bin/python bench/posts_import.py --profile import.prof    # cProfile of the first import of round 1

A CooRTweet file (`object_id, account_id, content_id, timestamp_share`, epoch seconds) is generated with a
fixed seed: `--accounts` accounts, `--objects` shared objects (Zipf-like popularity), times spread over
`--days` days. Each round imports it into a fresh temporary SQLite store (created and migrated untimed), then
imports it again (every row unchanged). Timed: `Presswatch.import_posts` alone, by CPU seconds of this process
(`time.process_time`, the figure to judge on a shared machine) and wall seconds. Printed per round and as the
median: rows per CPU second and per wall second, and the parameters. Asserts the counts, nothing on speed.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from presswatch import Presswatch

START = 1_700_000_000  # epoch seconds of the first share


def generate(path: Path, rows: int, accounts: int, objects: int, days: int, seed: int) -> None:
    """A CooRTweet CSV: each share an account, a popular-ish object and a time within `days` days."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(objects)]
    picked = rng.choices(range(objects), weights=weights, k=rows)
    span = days * 86_400
    with path.open("w", encoding="utf-8") as out:
        out.write("object_id,account_id,content_id,timestamp_share\n")
        for i, obj in enumerate(picked):
            account = rng.randrange(accounts)
            out.write(f"o{obj},a{account},p{i},{START + rng.randrange(span)}\n")


def timed(pw: Presswatch, path: Path, profile: str | None = None) -> tuple[float, float, Any]:
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU time, as judged
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    report = pw.import_posts([str(path)], fmt="coortweet")
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profiler and profile:
        profiler.dump_stats(profile)
    return cpu, wall, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--objects", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", help="write a cProfile of round 1's first import to this file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="pw-posts-bench-") as tmp:
        path = Path(tmp) / "coortweet.csv"
        generate(path, args.rows, args.accounts, args.objects, args.days, args.seed)
        for round_no in range(args.rounds):
            pw = Presswatch(db=str(Path(tmp) / f"store{round_no}.db"))
            pw.init()
            cpu1, wall1, first = timed(pw, path, args.profile if round_no == 0 else None)
            cpu2, wall2, again = timed(pw, path)
            assert (first.new, first.failed) == (args.rows, 0), first.summary()
            assert again.unchanged == args.rows, again.summary()
            pw.store.close()
            result = {"first_cpu_s": cpu1, "first_wall_s": wall1, "again_cpu_s": cpu2, "again_wall_s": wall2}
            results.append(result)
            if not args.json:
                print(
                    f"round {round_no + 1}: first {args.rows / cpu1:,.0f} rows/CPU s ({cpu1:.2f} CPU s, "
                    f"{args.rows / wall1:,.0f} rows/wall s); unchanged {args.rows / cpu2:,.0f} rows/CPU s "
                    f"({cpu2:.2f} CPU s, {args.rows / wall2:,.0f} rows/wall s)"
                )
    med = {name: statistics.median(r[name] for r in results) for name in results[0]}
    summary = {
        "parameters": {
            "rows": args.rows,
            "accounts": args.accounts,
            "objects": args.objects,
            "days": args.days,
            "seed": args.seed,
            "rounds": args.rounds,
            "python": sys.version.split()[0],
        },
        "first_rows_per_cpu_s": round(args.rows / med["first_cpu_s"]),
        "first_rows_per_wall_s": round(args.rows / med["first_wall_s"]),
        "unchanged_rows_per_cpu_s": round(args.rows / med["again_cpu_s"]),
        "unchanged_rows_per_wall_s": round(args.rows / med["again_wall_s"]),
        "median_seconds": {name: round(value, 3) for name, value in med.items()},
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        p = summary["parameters"]
        print(
            f"median of {args.rounds}: first import {summary['first_rows_per_cpu_s']:,} rows/CPU s "
            f"({summary['first_rows_per_wall_s']:,} rows/wall s); re-import, all unchanged "
            f"{summary['unchanged_rows_per_cpu_s']:,} rows/CPU s ({summary['unchanged_rows_per_wall_s']:,} rows/wall s)"
        )
        print(f"parameters: {json.dumps(p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
