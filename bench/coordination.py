"""Coordination detection: parity and speed against CooRTweet (R), and scale.

    .venv/bin/python bench/coordination.py                       # parity + speed, 3 rounds
    .venv/bin/python bench/coordination.py --rounds 5 --json
    .venv/bin/python bench/coordination.py --coortweet-src DIR   # CooRTweet's source tree instead of the package
    .venv/bin/python bench/coordination.py --scale --posts 1000000 --text-posts 200000
    .venv/bin/python bench/coordination.py --scale               # 10 M co-share posts, 1 M co-text posts

Parity (the default). CooRTweet runs in `Rscript`: `library(CooRTweet)` when the package is installed, else,
with `--coortweet-src DIR` (or `COORTWEET_SRC`), its own functions sourced from a checkout of
nicolarighetti/CooRTweet (`R/detect_groups.R`, `R/calc_group_combinations.R`,
`R/generate_coordinated_network.R`, `R/simulate_data.R`, which need only data.table, igraph and stringi;
`data/russian_coord_tweets.rda`). Three data sets: `simulate_data()` with its defaults after `set.seed(2024)`
(its input table, exported to CSV; about 260 rows), a larger one from the same function
(`simulate_data(approx_size = 20000, n_accounts_coord = 50, n_accounts_noncoord = 200, n_objects = 100)`,
for a speed figure not dominated by fixed costs), and the bundled `russian_coord_tweets` (35,125 rows).
On each, CooRTweet's
`detect_groups(x, time_window = 10, min_participation = 2)` then `generate_coordinated_network(result,
edge_weight = 0.5)` (its defaults), and presswatch's `posts import --format coortweet` then
`detect_coordination(methods=["co-share"], window=10, min_repeat=2, q=1.0)` on a store opened with
`coordination_max_neighbours=0`: q = 1 makes the false-discovery cut keep every candidate edge, and no
neighbour bound means every pair of uses of a trace inside the window counts, as in CooRTweet.

Edge sets compared (Jaccard of unordered account pairs):

* same definition: from CooRTweet's `detect_groups` result, the pairs of accounts that shared at least
  `min_participation` distinct objects within the window (both sides then mean "a pair of accounts linked by
  >= 2 distinct traces, each used by both at most W seconds apart, inclusive"), against presswatch's edges;
* as published: the edges of CooRTweet's network (`generate_coordinated_network`, the full graph it returns by
  default, `subgraph = 0`; `edge_weight` only marks the edges above the weight percentile), against
  presswatch's. These differ by definition: CooRTweet's `min_participation` is per account (an account must
  have >= 2 shares that met someone's within the window; then every pair row touching such a share is kept), not
  per pair. The output lists a few differing edges of each kind.

Speed: each side's detection alone, timed in the same run over `--rounds` rounds, median; CooRTweet's time is
`detect_groups` + `generate_coordinated_network` on its loaded table (measured inside R with `Sys.time()`, R
start and CSV reading excluded); presswatch's is `detect_coordination` on its store (the import, which makes
the traces once, is printed apart). Ratio = CooRTweet median / presswatch median (goal >= 10x).

Scale (`--scale`): a co-share stream of `--posts` posts (default 10 M: 500,000 accounts over 30 days, shares of
Zipf-popular objects, plus coordinated groups) written as CooRTweet CSV, imported (timed apart) and detected with
a 60 s window; and `--text-posts` posts (default 1 M) of 10-30 words with 5 % near-copies, written as JSONL and
detected with `methods=["co-text"]`. Printed: import and detection wall times, and the peak RSS of the process
tree (this process and its children, sampled every 0.2 s) during each, against the goals (co-share <= 10 min
and <= 4 GiB; co-text <= 5 min). The bench asserts nothing and exits 0; without R or CooRTweet the parity part
says why and is skipped.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import text

from presswatch import Presswatch

TIME_WINDOW = 10  # CooRTweet's detect_groups default
MIN_PARTICIPATION = 2  # its default
EDGE_WEIGHT = 0.5  # generate_coordinated_network's default
SIM_SEED = 2024

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]; rounds <- as.integer(args[2]); src <- args[3]
tw <- as.numeric(args[4]); mp <- as.integer(args[5]); ew <- as.numeric(args[6]); seed <- as.integer(args[7])
suppressMessages({library(data.table); library(igraph)})
if (src == "") {
  suppressMessages(library(CooRTweet))
  data("russian_coord_tweets", package = "CooRTweet", envir = environment())
  origin <- paste("package", as.character(packageVersion("CooRTweet")))
} else {
  for (f in c("detect_groups.R", "calc_group_combinations.R", "generate_coordinated_network.R", "simulate_data.R"))
    source(file.path(src, "R", f))
  load(file.path(src, "data", "russian_coord_tweets.rda"))
  desc <- read.dcf(file.path(src, "DESCRIPTION"))
  origin <- paste("source", desc[1, "Version"], src)
}
set.seed(seed)
simulated <- simulate_data()[[1]]
set.seed(seed)
larger <- simulate_data(approx_size = 20000, n_accounts_coord = 50, n_accounts_noncoord = 200, n_objects = 100)[[1]]
sets <- list(simulate_data = as.data.table(simulated), simulate_data_larger = as.data.table(larger),
             russian_coord_tweets = as.data.table(russian_coord_tweets))
cat("origin\t", origin, "\n", sep = "")
for (name in names(sets)) {
  x <- sets[[name]][, .(object_id, account_id, content_id, timestamp_share)]
  fwrite(x, file.path(out, paste0(name, ".csv")))
  for (r in seq_len(rounds)) {
    y <- copy(x)
    t0 <- Sys.time()
    result <- detect_groups(y, time_window = tw, min_participation = mp)
    net <- generate_coordinated_network(result, edge_weight = ew)
    secs <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
    cat("time\t", name, "\t", r, "\t", secs, "\n", sep = "")
  }
  fwrite(result[, .(object_id, account_id, account_id_y, content_id, content_id_y, time_delta)],
         file.path(out, paste0(name, ".pairs.csv")))
  edges <- as_data_frame(net, what = "edges")
  fwrite(edges[, c("from", "to", "weight")], file.path(out, paste0(name, ".network.csv")))
}
"""


# ---- memory ---------------------------------------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    """RSS in bytes of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


class PeakRss:
    """Peak RSS of this process tree while the block runs, sampled every 0.2 s."""

    def __enter__(self) -> PeakRss:
        self.peak = _tree_rss(os.getpid())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _tree_rss(os.getpid()))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _tree_rss(os.getpid()))


# ---- presswatch side ------------------------------------------------------------------------------------------


def edges_of(app: Presswatch, run_id: int) -> dict[tuple[str, str], int]:
    with app.store.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.account_key, b.account_key, e.weight FROM coordination_edges e"
                " JOIN accounts a ON a.id = e.account_a JOIN accounts b ON b.id = e.account_b WHERE e.run_id = :run"
            ),
            {"run": run_id},
        )
        return {tuple(sorted((a, b))): weight for a, b, weight in rows}  # type: ignore[misc]


def presswatch_side(path: Path, folder: Path, rounds: int, window: float, min_repeat: int) -> dict[str, Any]:
    app = Presswatch(db=str(folder / (path.stem + ".db")), coordination_max_neighbours=0)
    try:
        started = time.perf_counter()
        report = app.import_posts([str(path)], fmt="coortweet")
        imported = time.perf_counter() - started
        times, run = [], {}
        for _ in range(rounds):
            started = time.perf_counter()
            run = app.detect_coordination(methods=["co-share"], window=window, min_repeat=min_repeat, q=1.0)
            times.append(time.perf_counter() - started)
        return {
            "import_s": round(imported, 3),
            "times": [round(t, 4) for t in times],
            "median_s": statistics.median(times),
            "edges": edges_of(app, run["run"]),
            "summary": run.get("summary"),
            "import": repr(report)[:300],
        }
    finally:
        app.close()


# ---- parity ---------------------------------------------------------------------------------------------------


def coortweet_origin(source: str | None) -> tuple[str | None, str]:
    """('' for the package, or the source dir, or None) and why not when None."""
    if not shutil.which("Rscript"):
        return None, "Rscript not found (apt-get install -y r-base-core r-cran-data.table r-cran-igraph)"
    if source:
        if not (Path(source) / "R" / "detect_groups.R").is_file():
            return None, f"{source} is not a CooRTweet source tree (no R/detect_groups.R)"
        return str(Path(source).resolve()), ""
    check = subprocess.run(
        ["Rscript", "-e", "quit(status = !requireNamespace('CooRTweet', quietly = TRUE))"], capture_output=True
    )
    if check.returncode:
        return None, "the R package CooRTweet is not installed and no --coortweet-src DIR (or COORTWEET_SRC) was given"
    return "", ""


def read_pairs(path: Path) -> tuple[dict[tuple[str, str], set[str]], dict[tuple[str, str], int]]:
    """CooRTweet's detect_groups rows -> objects per account pair; its network's edges -> weight."""
    objects: dict[tuple[str, str], set[str]] = defaultdict(set)
    with path.with_suffix(".pairs.csv").open(newline="") as rows:
        for row in csv.DictReader(rows):
            objects[tuple(sorted((row["account_id"], row["account_id_y"])))].add(row["object_id"])  # type: ignore[index]
    network: dict[tuple[str, str], int] = {}
    with path.with_suffix(".network.csv").open(newline="") as rows:
        for row in csv.DictReader(rows):
            network[tuple(sorted((row["from"], row["to"])))] = int(float(row["weight"]))  # type: ignore[index]
    return objects, network


def jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def parity(options: argparse.Namespace, lines: list[str]) -> dict[str, Any]:
    source, why = coortweet_origin(options.coortweet_src or os.environ.get("COORTWEET_SRC"))
    if source is None:
        lines.append(f"parity: SKIPPED: {why}")
        return {"skipped": why}
    figures: dict[str, Any] = {
        "parameters": {
            "time_window": TIME_WINDOW,
            "min_participation": MIN_PARTICIPATION,
            "edge_weight": EDGE_WEIGHT,
            "presswatch": {
                "methods": ["co-share"],
                "window": TIME_WINDOW,
                "min_repeat": MIN_PARTICIPATION,
                "q": 1.0,
                "coordination_max_neighbours": 0,
            },
        }
    }
    lines.append(
        f"CooRTweet: detect_groups(time_window = {TIME_WINDOW}, min_participation = {MIN_PARTICIPATION}),"
        f" generate_coordinated_network(edge_weight = {EDGE_WEIGHT}); presswatch: methods=co-share,"
        f" window={TIME_WINDOW}s, min_repeat={MIN_PARTICIPATION}, q=1.0 (chance cut off), coordination_max_neighbours=0"
    )
    with tempfile.TemporaryDirectory(prefix="presswatch-bench-coord-") as tmp:
        folder = Path(tmp)
        script = folder / "coortweet.R"
        script.write_text(R_SCRIPT)
        args = [str(folder), str(options.rounds), source, str(TIME_WINDOW), str(MIN_PARTICIPATION)]
        started = time.perf_counter()
        done = subprocess.run(
            ["Rscript", str(script), *args, str(EDGE_WEIGHT), str(SIM_SEED)], capture_output=True, text=True
        )
        if done.returncode:
            lines.append(f"parity: CooRTweet failed: {done.stderr[-1500:]}")
            return {"skipped": "CooRTweet failed", "stderr": done.stderr[-3000:]}
        r_times: dict[str, list[float]] = defaultdict(list)
        for line in done.stdout.splitlines():
            parts = line.split("\t")
            if parts[0] == "origin":
                figures["coortweet"] = parts[1]
            elif parts[0] == "time":
                r_times[parts[1]].append(float(parts[3]))
        figures["r_total_s"] = round(time.perf_counter() - started, 1)
        lines.append(f"CooRTweet: {figures.get('coortweet')} (R process {figures['r_total_s']} s in all)")
        for name in ("simulate_data", "simulate_data_larger", "russian_coord_tweets"):
            path = folder / f"{name}.csv"
            ours = presswatch_side(path, folder, options.rounds, TIME_WINDOW, MIN_PARTICIPATION)
            objects, network = read_pairs(path)
            same = {pair for pair, objs in objects.items() if len(objs) >= MIN_PARTICIPATION}
            mine = set(ours["edges"])
            weights_differ = [
                pair for pair in same & mine if len(objects[pair]) != ours["edges"][pair]
            ]  # distinct objects vs our weight
            r_median = statistics.median(r_times[name])
            with path.open() as rows:
                count = sum(1 for _ in rows) - 1
            result = {
                "rows": count,
                "edges_coortweet_same_definition": len(same),
                "edges_coortweet_network": len(network),
                "edges_presswatch": len(mine),
                "jaccard_same_definition": round(jaccard(same, mine), 6),
                "jaccard_network": round(jaccard(set(network), mine), 6),
                "only_coortweet_same_definition": sorted(same - mine)[:10],
                "only_presswatch": sorted(mine - same)[:10],
                "only_coortweet_network": [
                    {"pair": pair, "network_weight": network[pair], "distinct_objects": len(objects.get(pair, ()))}
                    for pair in sorted(set(network) - mine)[:5]
                ],
                "weights_differ": len(weights_differ),
                "coortweet_times": r_times[name],
                "coortweet_median_s": round(r_median, 4),
                "presswatch_times": ours["times"],
                "presswatch_median_s": round(ours["median_s"], 4),
                "presswatch_import_s": ours["import_s"],
                "speed_ratio": round(r_median / ours["median_s"], 2),
                "speed_ratio_with_import": round(r_median / (ours["median_s"] + ours["import_s"]), 2),
                "presswatch_summary": ours["summary"],
            }
            figures[name] = result
            lines += [
                f"\n{name}: {count} rows",
                f"  edges: CooRTweet same definition {len(same)}, CooRTweet network {len(network)},"
                f" presswatch {len(mine)}",
                f"  Jaccard same definition {result['jaccard_same_definition']:.4f} (goal 1.0),"
                f" against CooRTweet's network {result['jaccard_network']:.4f}; weights (distinct objects) that"
                f" differ on common edges: {len(weights_differ)}",
                f"  time: CooRTweet median {r_median:.3f} s {r_times[name]}, presswatch median"
                f" {ours['median_s']:.3f} s {ours['times']} (+ import {ours['import_s']} s)",
                f"  speed ratio {result['speed_ratio']}x (goal >= 10x); with presswatch's import"
                f" {result['speed_ratio_with_import']}x",
            ]
            for label, key in (
                ("only CooRTweet", "only_coortweet_same_definition"),
                ("only presswatch", "only_presswatch"),
            ):
                if result[key]:
                    lines.append(f"  {label} (first 10): {result[key]}")
            if result["only_coortweet_network"]:
                lines.append(f"  in CooRTweet's network, not ours (first 5): {result['only_coortweet_network']}")
    return figures


# ---- scale ----------------------------------------------------------------------------------------------------


def write_share_stream(path: Path, posts: int, seed: int = 7) -> dict[str, int]:
    """A co-share stream as CooRTweet CSV: Zipf-popular objects shared in the hours after they appear, plus groups."""
    rng = random.Random(seed)
    accounts = max(1000, posts // 20)
    days = 30
    start = 1_709_510_400
    objects = max(1000, posts // 25)
    appear = [start + rng.randrange(days * 86_400) for _ in range(objects)]
    weights = [1 / (rank + 1) ** 1.05 for rank in range(objects)]
    cum = list(__import__("itertools").accumulate(weights))
    groups = max(1, posts // 100_000)
    coordinated = 0
    with path.open("w", buffering=1 << 20) as out:
        out.write("object_id,account_id,content_id,timestamp_share\n")
        post = 0
        batch = 100_000
        while post < posts * 0.98:
            chosen = rng.choices(range(objects), cum_weights=cum, k=batch)
            who = [rng.randrange(accounts) for _ in range(batch)]
            lines = []
            for obj, acc in zip(chosen, who, strict=True):
                post += 1
                at = appear[obj] + int(rng.expovariate(1 / 14_400))
                lines.append(f"o{obj},a{acc},p{post},{at}\n")
            out.write("".join(lines))
        for group in range(groups):
            members = [f"g{group}m{i}" for i in range(rng.randint(5, 30))]
            for target in range(rng.randint(20, 60)):
                t0 = start + rng.randrange(days * 86_400)
                for member in members:
                    post += 1
                    coordinated += 1
                    out.write(f"gobj{group}_{target},{member},p{post},{t0 + rng.randint(0, 50)}\n")
    return {"posts": post, "accounts": accounts, "objects": objects, "groups": groups, "coordinated_posts": coordinated}


def write_text_stream(path: Path, posts: int, seed: int = 8) -> dict[str, int]:
    """JSONL posts of 10-30 made-up words; 5 % are near-copies (a word or two changed) of a recent post."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(30_000)]
    cum = list(__import__("itertools").accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(vocab))))
    accounts = max(1000, posts // 10)
    start = 1_709_510_400
    recent: list[list[str]] = []
    copies = 0
    with path.open("w", buffering=1 << 20) as out:
        for post in range(posts):
            at = start + post * 2  # ~ 23 days for 1 M posts
            if recent and rng.random() < 0.05:
                words = list(rng.choice(recent))
                words[rng.randrange(len(words))] = rng.choice(vocab)
                copies += 1
            else:
                words = rng.choices(vocab, cum_weights=cum, k=rng.randint(10, 30))
                recent.append(words)
                if len(recent) > 200:
                    recent.pop(0)
            record = {"id": f"t{post}", "account": f"a{rng.randrange(accounts)}", "time": at, "text": " ".join(words)}
            out.write(json.dumps(record) + "\n")
    return {"posts": posts, "accounts": accounts, "near_copies": copies}


def scale(options: argparse.Namespace, lines: list[str]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="presswatch-bench-scale-", dir=options.tmp) as tmp:
        folder = Path(tmp)
        for kind, count in (("co-share", options.posts), ("co-text", options.text_posts)):
            if not count:
                continue
            path = folder / (f"{kind}.csv" if kind == "co-share" else f"{kind}.jsonl")
            started = time.perf_counter()
            made = (write_share_stream if kind == "co-share" else write_text_stream)(path, count)
            generated = time.perf_counter() - started
            app = Presswatch(db=str(folder / f"{kind}.db"))
            try:
                with PeakRss() as import_rss:
                    started = time.perf_counter()
                    if kind == "co-share":
                        report = app.import_posts([str(path)], fmt="coortweet")
                    else:
                        report = app.import_posts(
                            [str(path)],
                            fmt="jsonl",
                            mapping={"id": "post_key", "account": "account_key", "time": "posted_ms", "text": "text"},
                        )
                    import_s = time.perf_counter() - started
                with PeakRss() as detect_rss:
                    started = time.perf_counter()
                    if kind == "co-share":
                        run = app.detect_coordination(methods=["co-share"], window=60)
                    else:
                        run = app.detect_coordination(methods=["co-text"])
                    detect_s = time.perf_counter() - started
            finally:
                app.close()
            goal_s = 600 if kind == "co-share" else 300
            goal_s_scaled = goal_s  # the goals are for 10 M / 1 M posts; smaller runs are reported against them too
            result = {
                **made,
                "generate_s": round(generated, 1),
                "import_s": round(import_s, 1),
                "import_peak_rss_mb": round(import_rss.peak / 2**20),
                "detect_s": round(detect_s, 1),
                "detect_peak_rss_mb": round(detect_rss.peak / 2**20),
                "summary": run.get("summary"),
                "import": repr(report)[:400],
                "goal_detect_s": goal_s_scaled,
                "goal_rss_mb": 4096,
            }
            figures[kind] = result
            lines += [
                f"\nscale {kind}: {made['posts']:,} posts ({json.dumps(made)}), generated in {generated:.0f} s",
                f"  import {import_s:.1f} s, peak RSS {result['import_peak_rss_mb']} MB ({result['import'][:200]})",
                f"  detect {detect_s:.1f} s (goal <= {goal_s} s at {'10 M' if kind == 'co-share' else '1 M'} posts),"
                f" peak RSS {result['detect_peak_rss_mb']} MB (goal <= 4096 MB)",
                f"  run summary: {json.dumps(run.get('summary'), default=str)[:600]}",
            ]
            if not options.json:  # each kind as soon as it is done: a long run that fails later keeps its figures
                print("\n".join(lines), flush=True)
                lines.clear()
    return figures


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--rounds", type=int, default=3)
    args.add_argument("--coortweet-src", help="a CooRTweet source tree (R/, data/) to source instead of the package")
    args.add_argument("--scale", action="store_true", help="the scale runs instead of parity")
    args.add_argument("--posts", type=int, default=10_000_000, help="co-share posts for --scale (default 10 M)")
    args.add_argument("--text-posts", type=int, default=1_000_000, help="co-text posts for --scale (default 1 M)")
    args.add_argument("--tmp", help="where the scale run's files go (default: the system's temporary folder)")
    args.add_argument("--json", action="store_true")
    options = args.parse_args()
    lines: list[str] = []
    figures = {"scale": scale(options, lines)} if options.scale else {"parity": parity(options, lines)}
    if options.json:
        print(json.dumps(figures, indent=2, default=str))
    else:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
