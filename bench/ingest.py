"""Ingest speed and memory: presswatch's ingest of the AEB pages against bare trafilatura.

Each side runs in its own child process, so its peak memory is its own figure
and neither side warms the other's caches:
* presswatch (default workers: one extraction process per core) and
  presswatch-1 (workers=1, one process): `Presswatch.ingest` on the 181 .html.gz files into a fresh
  temporary SQLite store. Timed: reading and gunzipping the files, decoding,
  extraction with metadata, text repair, language detection and the SQLite
  writes. Not timed: imports, creating and migrating the store, and a warm-up
  ingest of 3 pages into another store (loads lingua and trafilatura, starts
  the workers' server process). Peak memory: the whole process tree, sampled.
* trafilatura: `trafilatura.extract(html_bytes)` with default options over the
  same pages, gunzipped beforehand. Not timed: imports, reading, and a warm-up
  on the same 3 pages.

The machine is noisy, so there are several rounds (default 3) and the order of
the two sides alternates between rounds; the best time of each side is used
for the ratio (goal: presswatch / trafilatura <= 1.25). Nothing is asserted:
the script prints and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path("../shared/data")
WARM_UP = 3
GOAL = 1.25
SEQUENTIAL = "presswatch-1"
# presswatch with its default workers (one per core), presswatch in one process, the peer.
SIDES = ("presswatch", SEQUENTIAL, "trafilatura")
CHILD_TIMEOUT = 600


def page_files(data: Path) -> list[Path]:
    return sorted((data / "extraction" / "aeb" / "html").glob("*.html.gz"))


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (extraction workers included), from /proc."""
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


class TreePeak:
    """Samples the memory of this process tree every 50 ms while it runs."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, tree_rss_mb(os.getpid()))

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def quiet() -> None:
    logging.basicConfig(level=logging.ERROR)
    for name in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "presswatch"):
        logging.getLogger(name).setLevel(logging.ERROR)


# ---- child side ------------------------------------------------------------------------------


def time_presswatch(files: list[Path], workers: int) -> dict[str, Any]:
    from presswatch import Presswatch

    with tempfile.TemporaryDirectory(prefix="presswatch-bench-") as folder:
        warm = Presswatch(db=str(Path(folder) / "warm.db"), workers=workers)
        warm.ingest([str(f) for f in files[:WARM_UP]])
        warm.close()
        pw = Presswatch(db=str(Path(folder) / "bench.db"), workers=workers)
        pw.init()  # create and migrate outside the timing: a one-off cost, not per page
        with TreePeak() as memory:
            start = time.perf_counter()
            summary = pw.ingest([str(f) for f in files]).summary()
            seconds = time.perf_counter() - start
        pw.close()
    return {"seconds": seconds, "summary": summary, "tree_peak_mb": memory.peak}


def time_trafilatura(files: list[Path]) -> dict[str, Any]:
    import trafilatura

    pages = [gzip.decompress(f.read_bytes()) for f in files]
    for html in pages[:WARM_UP]:
        trafilatura.extract(html)
    start = time.perf_counter()
    found = sum(1 for html in pages if trafilatura.extract(html))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "summary": {"extracted": found}}


def child(side: str, data: Path) -> int:
    quiet()
    files = page_files(data)
    if side == "trafilatura":
        result = time_trafilatura(files)
    else:
        result = time_presswatch(files, workers=1 if side == SEQUENTIAL else 0)
    peak = max(peak_mb(), result.pop("tree_peak_mb", 0.0))
    print(json.dumps({**result, "peak_mb": peak, "pages": len(files)}))
    return 0


# ---- parent side -----------------------------------------------------------------------------


def run_side(side: str, data: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", side, "--data", str(data)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    if done.returncode != 0:
        raise SystemExit(f"the {side} run failed:\n{done.stderr}")
    return json.loads(done.stdout)


def rounds(data: Path, count: int) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
    for number in range(count):
        order = SIDES if number % 2 == 0 else tuple(reversed(SIDES))
        for side in order:
            runs[side].append(run_side(side, data))
    return runs


def figures_of(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    sides = {
        side: {
            "best_s": min(r["seconds"] for r in found),
            "median_s": statistics.median(r["seconds"] for r in found),
            "all_s": [round(r["seconds"], 3) for r in found],
            "peak_mb": max(r["peak_mb"] for r in found),
            "pages": found[0]["pages"],
            "summary": found[0]["summary"],
        }
        for side, found in runs.items()
    }
    ratio = sides["presswatch"]["best_s"] / sides["trafilatura"]["best_s"]
    median_ratio = sides["presswatch"]["median_s"] / sides["trafilatura"]["median_s"]
    sides["ratio_sequential_best"] = sides[SEQUENTIAL]["best_s"] / sides["trafilatura"]["best_s"]
    return {**sides, "ratio_best": ratio, "ratio_median": median_ratio, "goal": GOAL, "meets_goal": ratio <= GOAL}


def lines_of(figures: dict[str, Any], count: int) -> list[str]:
    lines = [
        f"AEB pages, best of {count} rounds (order alternating, each side in its own process)",
        f"{'':14}{'best s':>8}{'median s':>10}{'pages/s':>9}{'peak MB':>9}  all runs (s)",
    ]
    for side in SIDES:
        s = figures[side]
        lines.append(
            f"{side:14}{s['best_s']:8.2f}{s['median_s']:10.2f}{s['pages'] / s['best_s']:9.1f}"
            f"{s['peak_mb']:9.0f}  {s['all_s']}"
        )
    lines += [
        f"presswatch results: {figures['presswatch']['summary']}; trafilatura: {figures['trafilatura']['summary']}",
        f"ratio presswatch / trafilatura: {figures['ratio_best']:.2f} (best), {figures['ratio_median']:.2f} (median)"
        f"; goal <= {GOAL}: {'met' if figures['meets_goal'] else 'NOT met'}",
        f"ratio {SEQUENTIAL} (one process, workers=1) / trafilatura: {figures['ratio_sequential_best']:.2f} (best)",
    ]
    return lines


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default ../shared/data)")
    args.add_argument("--rounds", type=int, default=3, help="rounds of both sides (default 3)")
    args.add_argument("--json", action="store_true", help="print the figures as JSON")
    args.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    options = args.parse_args()
    if options.child:
        return child(options.child, options.data)
    if not page_files(options.data):
        print(
            f"no AEB pages under {options.data / 'extraction' / 'aeb' / 'html'}; nothing to measure "
            "(pass --data DIR to point elsewhere)"
        )
        return 0
    figures = figures_of(rounds(options.data, max(1, options.rounds)))
    print(json.dumps(figures, indent=2) if options.json else "\n".join(lines_of(figures, options.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
