"""Ingest speed and memory: presswatch's ingest of the AEB pages against bare trafilatura.

Each side runs in its own child process, so its peak memory is its own figure
and neither side warms the other's caches:
* presswatch (default workers: one extraction process per core, N) and
  presswatch-1 (workers=1, one process): `Presswatch.ingest` on the 181 .html.gz files into a fresh
  temporary SQLite store. Timed: reading and gunzipping the files, decoding,
  extraction with metadata, text repair, language detection and the SQLite
  writes. Not timed: imports, creating and migrating the store, a warm-up
  ingest of 3 pages into another store (loads lingua and trafilatura), and
  waiting until the workers' server process is up (its imports).
* trafilatura: `trafilatura.extract(html_bytes)` with default options over the
  same pages, gunzipped beforehand, in one process. Not timed: imports,
  reading, and a warm-up on the same 3 pages.
* trafilatura-N: the same in N worker processes (a process pool, started and
  warmed up before the timing), the peer given as many processes as presswatch.

Sampled over the side's whole process tree during the timed part: the CPU
seconds used (every 50 ms), which say how much work each side does whatever
else the machine runs (wall times on a shared machine do not), and the peak
memory as proportional set size (PSS) summed, so pages shared by forked workers
count once (every 500 ms and at the end: reading PSS is not free). The
sampler's own CPU (it runs in the side's process) is taken out of the figure.

The figures, each labelled with the processes it used, as a ratio of median
CPU seconds and of wall seconds (best and median):
* presswatch-1 / trafilatura: one process against one (goal: CPU <= 1.25);
* presswatch (N workers) / trafilatura-N: N processes against N (goal: CPU <= 1.25);
* presswatch (N workers) / trafilatura (1 process): the wall time a user sees.
The machine is noisy, so there are several rounds (default 3) and the order of
the sides alternates between rounds. Nothing is asserted: the script prints
and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
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
PEER_PARALLEL = "trafilatura-N"
# presswatch with its default workers (one per core), presswatch in one process, the peer in one and in N.
SIDES = ("presswatch", SEQUENTIAL, "trafilatura", PEER_PARALLEL)
CHILD_TIMEOUT = 600


def page_files(data: Path) -> list[Path]:
    return sorted((data / "extraction" / "aeb" / "html").glob("*.html.gz"))


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (extraction workers included), from /proc."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def pss_mb(pid: int) -> float:
    """Proportional memory: a page shared by n processes counts 1/n in each."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        return next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")) / 1024
    except (OSError, StopIteration, ValueError):
        return 0.0


def cpu_s(pid: int) -> float | None:
    """User and system CPU seconds a process has used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class TreeSampler:
    """Samples this process tree while it runs: CPU seconds used every 50 ms, peak memory (PSS summed) every 500 ms.

    A process that ends between two samples loses its last 50 ms of CPU at most.
    PSS is read less often because reading it costs milliseconds per process
    (the kernel walks every mapping), which would slow the side being measured.
    """

    def __init__(self) -> None:
        self.peak = 0.0
        self.cpu_at_start: dict[int, float] = {}
        self.cpu_seen: dict[int, float] = {}
        # The sampler runs in the measured process: its own CPU (reading PSS walks every mapping of every
        # process, about 3 ms per process) is not the side's work, and would weigh on the side with the
        # most and largest processes and the longest run.
        self.own_cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, memory: bool) -> None:
        pids = tree_pids(os.getpid())
        if memory:
            self.peak = max(self.peak, sum(pss_mb(pid) for pid in pids))
        for pid in pids:
            used = cpu_s(pid)
            if used is not None:
                self.cpu_seen[pid] = used

    def _run(self) -> None:
        tick = 0
        while not self._stop.wait(0.05):
            tick += 1
            started = time.thread_time()
            self._sample(memory=tick % 10 == 0)
            self.own_cpu += time.thread_time() - started

    @property
    def cpu(self) -> float:
        used = sum(used - self.cpu_at_start.get(pid, 0.0) for pid, used in self.cpu_seen.items())
        return used - self.own_cpu

    def __enter__(self) -> TreeSampler:
        for pid in tree_pids(os.getpid()):
            self.cpu_at_start[pid] = cpu_s(pid) or 0.0
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        started = time.thread_time()
        self._sample(memory=True)
        self.own_cpu += time.thread_time() - started


def quiet() -> None:
    logging.basicConfig(level=logging.ERROR)
    for name in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "presswatch"):
        logging.getLogger(name).setLevel(logging.ERROR)


# ---- child side ------------------------------------------------------------------------------


def time_presswatch(files: list[Path], workers: int) -> dict[str, Any]:
    from presswatch import Presswatch
    from presswatch.ingest.workers import OrderedPool, worker_count

    with tempfile.TemporaryDirectory(prefix="presswatch-bench-") as folder:
        warm = Presswatch(db=str(Path(folder) / "warm.db"), workers=workers)
        warm.ingest([str(f) for f in files[:WARM_UP]])
        warm.close()
        with OrderedPool(len, worker_count(workers)) as pool:
            pool.wait_ready()  # the workers' server process is up: its imports are not timed
        pw = Presswatch(db=str(Path(folder) / "bench.db"), workers=workers)
        pw.init()  # create and migrate outside the timing: a one-off cost, not per page
        with TreeSampler() as tree:
            start = time.perf_counter()
            summary = pw.ingest([str(f) for f in files]).summary()
            seconds = time.perf_counter() - start
        pw.close()
    return {"seconds": seconds, "summary": summary, "processes": worker_count(workers), **figures_of_tree(tree)}


def extract_page(html: bytes) -> bool:
    import trafilatura

    return bool(trafilatura.extract(html))


def time_trafilatura_parallel(files: list[Path], processes: int) -> dict[str, Any]:
    from concurrent.futures import ProcessPoolExecutor

    pages = [gzip.decompress(f.read_bytes()) for f in files]
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(extract_page, pages[:WARM_UP] * processes))  # every worker up, imported and warm
        with TreeSampler() as tree:
            start = time.perf_counter()
            found = sum(pool.map(extract_page, pages, chunksize=2))
            seconds = time.perf_counter() - start
    return {"seconds": seconds, "summary": {"extracted": found}, "processes": processes, **figures_of_tree(tree)}


def time_trafilatura(files: list[Path]) -> dict[str, Any]:
    import trafilatura

    pages = [gzip.decompress(f.read_bytes()) for f in files]
    for html in pages[:WARM_UP]:
        trafilatura.extract(html)
    with TreeSampler() as tree:
        start = time.perf_counter()
        found = sum(1 for html in pages if trafilatura.extract(html))
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "summary": {"extracted": found}, "processes": 1, **figures_of_tree(tree)}


def figures_of_tree(tree: TreeSampler) -> dict[str, float]:
    return {"peak_mb": tree.peak, "cpu_s": tree.cpu, "sampler_cpu_s": tree.own_cpu}


def child(side: str, data: Path) -> int:
    quiet()
    files = page_files(data)
    if side == "trafilatura":
        result = time_trafilatura(files)
    elif side == PEER_PARALLEL:
        from presswatch.ingest.workers import worker_count

        result = time_trafilatura_parallel(files, worker_count(0))
    else:
        result = time_presswatch(files, workers=1 if side == SEQUENTIAL else 0)
    print(json.dumps({**result, "pages": len(files)}))
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
            "median_cpu_s": statistics.median(r["cpu_s"] for r in found),
            "median_sampler_cpu_s": statistics.median(r["sampler_cpu_s"] for r in found),
            "pages": found[0]["pages"],
            "processes": found[0]["processes"],
            "summary": found[0]["summary"],
        }
        for side, found in runs.items()
    }
    ratios = {
        name: {
            "cpu": sides[ours]["median_cpu_s"] / sides[peer]["median_cpu_s"],
            "best": sides[ours]["best_s"] / sides[peer]["best_s"],
            "median": sides[ours]["median_s"] / sides[peer]["median_s"],
        }
        for name, (ours, peer) in RATIOS.items()
    }
    meets = all(ratios[name]["cpu"] <= GOAL for name in GOAL_RATIOS)
    return {**sides, "ratios": ratios, "goal": GOAL, "goal_ratios": list(GOAL_RATIOS), "meets_goal": meets}


# name of the figure → (our side, the peer's side)
RATIOS = {
    "1-vs-1": (SEQUENTIAL, "trafilatura"),
    "N-vs-N": ("presswatch", PEER_PARALLEL),
    "N-vs-1": ("presswatch", "trafilatura"),
}
# The goal: one process each and N each, judged on CPU seconds (the work done, which a shared
# machine's load does not change the way it changes wall time).
GOAL_RATIOS = ("1-vs-1", "N-vs-N")


def label_of(side: str, figures: dict[str, Any]) -> str:
    count = figures[side]["processes"]
    if side == "presswatch":
        return f"presswatch, {count} extraction workers + the writing process"
    return f"{side}, {count} process{'es' if count > 1 else ''}"


def lines_of(figures: dict[str, Any], count: int) -> list[str]:
    lines = [
        f"AEB pages, best of {count} rounds (order alternating, each side in its own process)",
        f"{'':15}{'best s':>8}{'median s':>10}{'pages/s':>9}{'CPU s':>7}{'peak MB':>9}  all runs (s); processes",
    ]
    for side in SIDES:
        s = figures[side]
        lines.append(
            f"{side:15}{s['best_s']:8.2f}{s['median_s']:10.2f}{s['pages'] / s['best_s']:9.1f}"
            f"{s['median_cpu_s']:7.2f}{s['peak_mb']:9.0f}  {s['all_s']}; {label_of(side, figures)}"
        )
    lines.append(
        f"results: presswatch {figures['presswatch']['summary']}; trafilatura {figures['trafilatura']['summary']}"
    )
    lines.append(
        "CPU s: median CPU seconds of the side's whole process tree (the work, whatever the machine's load), "
        "without the sampler's own (median taken out: "
        + ", ".join(f"{side} {figures[side]['median_sampler_cpu_s']:.2f}" for side in SIDES)
        + "); peak MB: PSS summed over the tree"
    )
    for name, (ours, peer) in RATIOS.items():
        ratio = figures["ratios"][name]
        goal = f"; goal CPU <= {GOAL}: {'met' if ratio['cpu'] <= GOAL else 'NOT met'}" if name in GOAL_RATIOS else ""
        lines.append(
            f"ratio {name}: CPU {ratio['cpu']:.2f} (median CPU s); wall {ratio['best']:.2f} best,"
            f" {ratio['median']:.2f} median ({label_of(ours, figures)} / {label_of(peer, figures)}){goal}"
        )
    met = "met" if figures["meets_goal"] else "NOT met"
    lines.append(f"goal (CPU ratios {' and '.join(GOAL_RATIOS)} <= {GOAL}): {met}")
    lines.append("parameters: " + "; ".join(f"{k} {v}" for k, v in figures.get("parameters", {}).items()))
    return lines


def parameters(data: Path, count: int) -> dict[str, Any]:
    """What was run, so that a figure can be reproduced: pages, rounds, processes, options, versions."""
    import platform

    import trafilatura

    from presswatch.config import Settings
    from presswatch.ingest.workers import worker_count

    return {
        "pages": f"{len(page_files(data))} from {data / 'extraction' / 'aeb' / 'html'}",
        "rounds": count,
        "N": worker_count(0),
        "presswatch": "Presswatch(db, workers=N or 1).ingest(files), default settings (language_accuracy"
        f" {Settings.language_accuracy}, paragraph_languages {','.join(Settings.paragraph_languages)})",
        "trafilatura": f"{trafilatura.__version__}, extract(html_bytes) with default options",
        "python": platform.python_version(),
    }


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default ../shared/data)")
    args.add_argument("--rounds", type=int, default=3, help="rounds of all sides (default 3)")
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
    figures["parameters"] = parameters(options.data, max(1, options.rounds))
    print(json.dumps(figures, indent=2) if options.json else "\n".join(lines_of(figures, options.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
