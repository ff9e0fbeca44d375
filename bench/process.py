"""Growth of `presswatch process`, N articles against 4N in one run: 4N should cost <= 4.4x N, memory flat (issue 16).

Method
* Stores: bench/corpus.py's synthetic corpus of N and of 4N articles (built once, cached; the same generator
  and seed at the same density, 400 articles a day: 4N spans four times the period, as a store grows by
  months of monitoring), written through the ingest path's writer. Each side runs on a fresh copy of its
  cached store (in --work-dir, deleted after).
* Each side runs `Presswatch.process()` in a child process of its own, stage by stage (`only=(stage,)` in the
  registry's order: what `presswatch process` runs), timing each stage (wall and CPU seconds of the child).
  The parent samples the child's memory every 0.2 s from /proc: RSS and PSS (smaps_rollup; the child has no
  children of its own, so PSS ~ RSS), and the child's own peak RSS (ru_maxrss) is reported too.
  Import, store opening and migration check are not timed.
* The sides alternate N, 4N, N, 4N... over `--rounds` (or, with --parallel, run at the same time: on a
  loaded machine their CPU seconds stay comparable, their wall times do not); the best CPU of each side is
  used for the ratio.
* Printed: per side and stage, wall and CPU seconds and what the stage found; peak memory; the ratios
  4N/N of CPU seconds (and wall), against the goal 4.4 (linear would be 4.0), and of peak PSS
  against "flat" (<= 1.2); the parameters. Nothing is asserted; exit 0.

    .venv/bin/python bench/process.py                    # N = 25,000: builds the stores the first time
    .venv/bin/python bench/process.py --articles 100000 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

GOAL_RATIO = 4.4
GOAL_MEMORY = 1.2


def child(db: str) -> int:
    """Run every stage on `db`, one after another, and print the figures as one JSON line."""
    from presswatch import Presswatch
    from presswatch.process.registry import stage_names

    pw = Presswatch(db=db)
    pw.store  # noqa: B018 - open and check the store before timing
    stages = []
    for name in stage_names():
        wall, cpu = time.perf_counter(), time.process_time()
        reports = pw.process(only=(name,))
        stages.append(
            {
                "stage": name,
                "wall_s": time.perf_counter() - wall,
                "cpu_s": time.process_time() - cpu,
                "articles": sum(r.articles for r in reports),
                "found": sum(r.found for r in reports),
                "off": next((r.off_reason for r in reports if r.off_reason), None),
                "details": {k: v for r in reports for k, v in r.details.items()},
                # the process's peak so far: the stage that raises it is the one that holds the memory
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    pw.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"stages": stages, "maxrss_mb": peak}))
    return 0


def memory_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process, MB (0, 0 once it is gone)."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def run_side(cached: Path, work: Path) -> dict[str, Any]:
    db = corpus.fresh_copy(cached, work)
    peaks = [0.0, 0.0]
    wall = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(db)], stdout=subprocess.PIPE, text=True, cwd=HERE.parent
    )

    def sample() -> None:
        while proc.poll() is None:
            rss, pss = memory_mb(proc.pid)
            peaks[0], peaks[1] = max(peaks[0], rss), max(peaks[1], pss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    sampler.join()
    wall = time.perf_counter() - wall
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    with sqlite3.connect(db) as conn:
        result["rows"] = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - our own table names
            for t in ("articles", "links", "mentions", "stories", "story_articles")
        }
        kinds = conn.execute("SELECT kind, count(*) FROM links GROUP BY kind").fetchall()
        result["rows"]["links by kind"] = dict(kinds)
    for leftover in work.glob(db.name + "*"):
        leftover.unlink()
    result["peak_rss_mb"], result["peak_pss_mb"] = peaks
    result["cpu_s"] = sum(s["cpu_s"] for s in result["stages"])
    result["wall_s"] = sum(s["wall_s"] for s in result["stages"])
    result["child_wall_s"] = wall
    return result


def _side_into(results: dict[int, dict[str, Any]], key: int, cached: Path, folder: Path) -> None:
    results[key] = run_side(cached, folder)


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda r: r["cpu_s"])


def report(n: int, sides: dict[int, list[dict[str, Any]]], args: argparse.Namespace) -> dict[str, Any]:
    small, large = best(sides[n]), best(sides[4 * n])
    figures: dict[str, Any] = {
        "parameters": {
            "N": n,
            "4N": 4 * n,
            "rounds": args.rounds,
            "parallel": args.parallel,
            "seed": args.seed,
            "corpus_version": corpus.VERSION,
            "per_day": corpus.PER_DAY,
            "outlets": corpus.OUTLETS,
            "reuse_shares": {
                "duplicate": corpus.DUPLICATE,
                "partial": corpus.PARTIAL,
                "translation": corpus.TRANSLATION,
            },
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cores": os.cpu_count(),
        },
        "sides": {str(k): v for k, v in sides.items()},
        "cpu_ratio": large["cpu_s"] / small["cpu_s"],
        "wall_ratio": large["wall_s"] / small["wall_s"],
        "stage_cpu_ratio": {
            a["stage"]: (b["cpu_s"] / a["cpu_s"] if a["cpu_s"] else None)
            for a, b in zip(small["stages"], large["stages"], strict=True)
        },
        "pss_ratio": large["peak_pss_mb"] / small["peak_pss_mb"],
        "rss_ratio": large["peak_rss_mb"] / small["peak_rss_mb"],
    }
    return figures


def lines_of(f: dict[str, Any]) -> list[str]:
    p = f["parameters"]
    out = [f"presswatch process growth: N = {p['N']:,} against 4N = {p['4N']:,} articles (best CPU of {p['rounds']})"]
    for key, runs in f["sides"].items():
        b = best(runs)
        out.append(
            f"  {int(key):>9,} articles: CPU {b['cpu_s']:8.1f} s, wall {b['wall_s']:8.1f} s, "
            f"peak PSS {b['peak_pss_mb']:6.0f} MB, RSS {b['peak_rss_mb']:6.0f} MB (child maxrss {b['maxrss_mb']:.0f})"
            "  runs CPU s: " + ", ".join(f"{r['cpu_s']:.1f}" for r in runs)
        )
        for s in b["stages"]:
            extra = f" off: {s['off']}" if s["off"] else f" found {s['found']:,} {s['details'] or ''}"
            out.append(
                f"      {s['stage']:<9} CPU {s['cpu_s']:8.1f} s  wall {s['wall_s']:8.1f} s  "
                f"peak RSS so far {s.get('maxrss_mb', 0):5.0f} MB {extra}"
            )
        out.append(f"      rows: {b['rows']}")
    out.append(
        f"  ratio 4N/N: CPU {f['cpu_ratio']:.2f} (goal <= {GOAL_RATIO}, linear 4.0), wall {f['wall_ratio']:.2f}; "
        + ", ".join(f"{k} {v:.2f}" for k, v in f["stage_cpu_ratio"].items() if v)
    )
    out.append(f"  memory 4N/N: peak PSS {f['pss_ratio']:.2f}, RSS {f['rss_ratio']:.2f} (goal: flat, <= {GOAL_MEMORY})")
    out.append(f"  parameters: {json.dumps(p)}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=25_000, help="N (default 25000); 4N is run too")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each side, alternating (default 1)")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--store-dir", type=Path, default=corpus.DEFAULT_DIR, help="where the cached stores are")
    parser.add_argument("--work-dir", type=Path, default=None, help="where the fresh copies go (default: a temp dir)")
    parser.add_argument(
        "--parallel", action="store_true", help="run N and 4N at the same time (CPU seconds stay comparable)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    n = args.articles
    stores = {k: corpus.build(k, args.seed, args.store_dir) for k in (n, 4 * n)}
    sides: dict[int, list[dict[str, Any]]] = {n: [], 4 * n: []}
    with tempfile.TemporaryDirectory(dir=args.work_dir, prefix="pw-process-") as work:
        for round_no in range(args.rounds):
            if args.parallel:  # both sides at once, each in its own folder (the copies have the same name)
                folders = {k: Path(work) / f"{k}-{round_no}" for k in (n, 4 * n)}
                results: dict[int, dict[str, Any]] = {}
                threads = []
                for k, folder in folders.items():
                    folder.mkdir()
                    thread = threading.Thread(target=_side_into, args=(results, k, stores[k], folder))
                    thread.start()
                    threads.append(thread)
                for thread in threads:
                    thread.join()
                for k in (n, 4 * n):
                    sides[k].append(results[k])
                continue
            for k in (n, 4 * n):
                sides[k].append(run_side(stores[k], Path(work)))
                print(f"  ran {k:,}: CPU {sides[k][-1]['cpu_s']:.1f} s", file=sys.stderr, flush=True)
    figures = report(n, sides, args)
    print(json.dumps(figures, indent=1, default=str) if args.json else "\n".join(lines_of(figures)))
    return 0


if __name__ == "__main__":
    shutil.disk_usage("/")  # fail early on a broken /; the stores are big
    sys.exit(main())
