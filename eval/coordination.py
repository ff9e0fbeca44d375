"""Coordination detection on simulated posts with known truth: pair precision, recall, F1 and group ARI.

    .venv/bin/python eval/coordination.py              # every scenario, development and held-out seeds
    .venv/bin/python eval/coordination.py --quick      # smaller populations, the CI gate
    .venv/bin/python eval/coordination.py --scenarios co-share,mixed --seeds held-out --json

The simulator is ours (`coordination_sim.py`, its docstring describes the population): organic accounts with
heavy-tailed activity and a daily rhythm, viral bursts, very active ordinary accounts (decoys) and coordinated
groups with jittered delays. Scenarios, one per kind of coordination plus a mixed one:

* `co-share`: groups retweet the same posts; written as CooRTweet CSV (`--format coortweet`), shares only;
* `co-link`: groups post the same links (40 % with `utm_` parameters, which normalisation removes);
* `co-hashtag`: groups post only rare hashtags of their own, among organic posts with common hashtags and
  trending-hashtag bursts;
* `co-text`: groups post the same messages with small edits (0-2 words replaced, maybe one dropped, emoji,
  handles and links added), among copypasta bursts and popular slogans copied word for word by decoys;
* `co-text-scripts`: the same in Persian, Russian and Chinese (one script per group; Chinese without spaces).
  Each message is in one script: a message and its translation are not the same text, and are not linked;
* `mixed`: all four kinds of groups and bursts in one data set, in English, Persian, Russian and Chinese.

All but `co-share` are written as the information-operations archive CSV (`--format io-archive`). Each file is
imported with `Presswatch.import_posts` into a temporary SQLite store, and `detect_coordination()` runs with
its DEFAULT settings (every method, the default window, minimum of repeats and chance filter).

Seeds: each scenario has a development seed (11-16, looked at while the simulator was written) and a held-out
seed (911-916, run only for the final figures, never while tuning the simulator or the engine); `--seeds dev`
or `--seeds held-out` runs one of them. `--quick` (the CI gate) scales every population to 25 %
(`Scenario.scaled`) and runs the development seeds only (held-out seeds stay out of the loop anyone tunes
against), unless `--seeds` says otherwise.

Scoring:

* true pairs: every pair of accounts in the same coordinated group; predicted pairs: the run's kept edges
  (`coordination_edges`), by account key. Precision, recall and F1 over pairs; precision is 1.0 when nothing
  is predicted. "findable" is the share of true pairs that acted within the run's window on at least its
  minimum of repeats of their group's targets: the recall no method could beat (from the simulation's log).
* ARI: `sklearn.metrics.adjusted_rand_score` over the accounts that are in a true group or in a predicted
  group (`coordination_members`); each account's label is its group, or a label of its own when it is in none.
* false edges are counted by the kinds of their two accounts (organic, decoy, group), to show where chance
  co-activity slips through.

Goal (exit 1 otherwise): F1 >= 0.95 and precision >= 0.95 on every scenario and seed, decoys included.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

from _common import emit, parser, quiet_libraries
from coordination_sim import Scenario, Simulated, simulate, write_coortweet, write_io_archive
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import text

from presswatch import Presswatch

SCENARIOS = {
    "co-share": Scenario("co-share", ("share",), fmt="coortweet"),
    "co-link": Scenario("co-link", ("link",)),
    "co-hashtag": Scenario("co-hashtag", ("hashtag",)),
    "co-text": Scenario("co-text", ("text",)),
    "co-text-scripts": Scenario("co-text-scripts", ("text",), langs=("fa", "ru", "zh")),
    "mixed": Scenario(
        "mixed",
        ("share", "link", "hashtag", "text"),
        langs=("en", "fa", "ru", "zh"),
        groups=(6, 10, 15, 25, 8, 12, 20, 4),
    ),
}
DEV_SEEDS = {"co-share": 11, "co-link": 12, "co-hashtag": 13, "co-text": 14, "co-text-scripts": 15, "mixed": 16}
HELD_OUT_SEEDS = {name: 900 + seed for name, seed in DEV_SEEDS.items()}
GOAL_F1 = 0.95
GOAL_PRECISION = 0.95
QUICK = 0.25


def pairs_of(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for group in groups for pair in combinations(group, 2)}  # type: ignore[misc]


def findable(sim: Simulated, window_s: float, min_repeat: int) -> set[tuple[str, str]]:
    """True pairs that acted within the window on at least `min_repeat` of their group's targets."""
    by_target: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
    for group, target, account, at in sim.actions:
        by_target[(group, target)].append((account, at))
    repeats: Counter[tuple[str, str]] = Counter()
    for acts in by_target.values():
        together = {
            tuple(sorted((a, b))) for (a, ta), (b, tb) in combinations(acts, 2) if a != b and abs(ta - tb) <= window_s
        }
        repeats.update(together)  # type: ignore[arg-type]
    return {pair for pair, count in repeats.items() if count >= min_repeat}


def score(sim: Simulated, edges: set[tuple[str, str]], predicted_groups: list[list[str]]) -> dict[str, Any]:
    truth = pairs_of(sim.groups)
    hit = len(truth & edges)
    precision = hit / len(edges) if edges else 1.0
    recall = hit / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    kind = {account: "organic" for account in sim.organic} | {account: "decoy" for account in sim.decoys}
    for number, group in enumerate(sim.groups):
        kind.update({account: f"group{number}" for account in group})
    false_kinds: Counter[str] = Counter()
    for a, b in edges - truth:
        ka, kb = sorted((kind.get(a, "other"), kind.get(b, "other")))
        ka, kb = ("group" if k.startswith("group") else k for k in (ka, kb))
        false_kinds[f"{ka}-{kb}"] += 1
    true_label = {account: f"t{number}" for number, group in enumerate(sim.groups) for account in group}
    predicted_label = {account: f"p{number}" for number, group in enumerate(predicted_groups) for account in group}
    universe = sorted(set(true_label) | set(predicted_label))
    ari = adjusted_rand_score(
        [true_label.get(account, "s" + account) for account in universe],
        [predicted_label.get(account, "s" + account) for account in universe],
    )
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "ari": round(float(ari), 4),
        "true_pairs": len(truth),
        "predicted_pairs": len(edges),
        "correct_pairs": hit,
        "false_edges": dict(sorted(false_kinds.items())),
        "true_groups": len(sim.groups),
        "predicted_groups": len(predicted_groups),
    }


def window_seconds(value: Any) -> float | None:
    """The run's window in seconds, whatever way the engine stored it (number of seconds or ms, or '30s')."""
    if isinstance(value, int | float):
        return float(value) / (1000 if value > 10_000 else 1)
    if isinstance(value, str):
        units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
        for unit in ("ms", "s", "m", "h"):
            if value.endswith(unit) and value[: -len(unit)].replace(".", "", 1).isdigit():
                return float(value[: -len(unit)]) * units[unit]
    return None


def run_one(scenario: Scenario, seed: int, folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    sim = simulate(scenario, seed)
    path = folder / f"{scenario.name}-{seed}.csv"
    writer = write_coortweet if scenario.fmt == "coortweet" else write_io_archive
    rows = writer(sim.posts, path)
    simulated = time.perf_counter() - started
    app = Presswatch(db=str(folder / f"{scenario.name}-{seed}.db"))
    try:
        started = time.perf_counter()
        imported = app.import_posts([path], fmt=scenario.fmt)
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        run = app.detect_coordination()
        detect_s = time.perf_counter() - started
        run_id = run.get("run") or run.get("run_id") or run.get("id")
        with app.store.connect() as conn:
            edges = {
                tuple(sorted((a, b)))
                for a, b in conn.execute(
                    text(
                        "SELECT a.account_key, b.account_key FROM coordination_edges e"
                        " JOIN accounts a ON a.id = e.account_a JOIN accounts b ON b.id = e.account_b"
                        " WHERE e.run_id = :run"
                    ),
                    {"run": run_id},
                )
            }
            members: dict[int, list[str]] = defaultdict(list)
            for group, key in conn.execute(
                text(
                    "SELECT g.number, a.account_key FROM coordination_groups g"
                    " JOIN coordination_members m ON m.group_id = g.id JOIN accounts a ON a.id = m.account_id"
                    " WHERE g.run_id = :run"
                ),
                {"run": run_id},
            ):
                members[group].append(key)
            parameters = json.loads(
                conn.execute(text("SELECT parameters FROM coordination_runs WHERE id = :run"), {"run": run_id}).scalar()
                or "{}"
            )
    finally:
        app.close()
    figures = score(sim, edges, list(members.values()))  # type: ignore[arg-type]
    window = window_seconds(parameters.get("window_seconds", parameters.get("window")))
    min_repeat = int(parameters.get("min_repeat", 2))
    if window is not None:
        truth = pairs_of(sim.groups)
        figures["findable"] = round(len(findable(sim, window, min_repeat) & truth) / max(1, len(truth)), 4)
    summary = run.get("summary", run)
    figures |= {
        "scenario": scenario.name,
        "seed": seed,
        "format": scenario.fmt,
        "posts": len(sim.posts),
        "rows_written": rows,
        "accounts": len(sim.organic) + len(sim.decoys) + sum(map(len, sim.groups)),
        "group_sizes": [len(group) for group in sim.groups],
        "group_kinds": sim.group_kinds,
        "imported": _plain(imported),
        "parameters": parameters,
        "removed_as_chance": summary.get("removed_as_chance", summary.get("chance"))
        if isinstance(summary, dict)
        else None,
        "seconds": {"simulate": round(simulated, 2), "import": round(import_s, 2), "detect": round(detect_s, 2)},
        "pass": figures["f1"] >= GOAL_F1 and figures["precision"] >= GOAL_PRECISION,
    }
    return figures


def _plain(value: Any) -> Any:
    """An import summary as JSON-friendly data (a dict, a dataclass, or its repr)."""
    if isinstance(value, dict | list | int | float | str) or value is None:
        return value
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return repr(value)


def main() -> int:
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--quick", action="store_true", help=f"populations scaled to {QUICK:.0%} (the CI gate)")
    args.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated scenario names")
    args.add_argument(
        "--seeds", choices=["all", "dev", "held-out"], help="which seeds (default: all; with --quick: dev)"
    )
    options = args.parse_args()
    options.seeds = options.seeds or ("dev" if options.quick else "all")
    quiet_libraries()
    names = [name.strip() for name in options.scenarios.split(",") if name.strip()]
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        args.error(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    results = []
    with tempfile.TemporaryDirectory(prefix="presswatch-coordination-") as tmp:
        for name in names:
            scenario = SCENARIOS[name].scaled(QUICK) if options.quick else SCENARIOS[name]
            seeds = [] if options.seeds == "held-out" else [DEV_SEEDS[name]]
            seeds += [] if options.seeds == "dev" else [HELD_OUT_SEEDS[name]]
            for seed in seeds:
                results.append(run_one(scenario, seed, Path(tmp)))
                if not options.json:
                    print(_line(results[-1]), flush=True)
    passed = all(result["pass"] for result in results)
    lines = ["", f"goal: F1 >= {GOAL_F1} and precision >= {GOAL_PRECISION} on every scenario and seed"]
    for result in results:
        if result["false_edges"]:
            lines.append(
                f"  {result['scenario']} seed {result['seed']}: false edges by account kinds {result['false_edges']}"
            )
    if results:
        lines.append(f"  detection parameters (defaults): {json.dumps(results[0]['parameters'], sort_keys=True)}")
    lines.append(f"gate: {'PASS' if passed else 'FAIL'}")
    emit({"quick": options.quick, "scenarios": results, "pass": passed}, lines, options.json)
    return 0 if passed else 1


def _line(result: dict[str, Any]) -> str:
    return (
        f"{result['scenario']:<16} seed {result['seed']:>3}  posts {result['posts']:>6}  "
        f"P {result['precision']:.4f}  R {result['recall']:.4f}  F1 {result['f1']:.4f}  ARI {result['ari']:.4f}  "
        f"findable {result.get('findable', float('nan')):.4f}  "
        f"pairs true/pred {result['true_pairs']}/{result['predicted_pairs']}  "
        f"groups true/pred {result['true_groups']}/{result['predicted_groups']}  "
        f"s sim/import/detect {result['seconds']['simulate']}/{result['seconds']['import']}/"
        f"{result['seconds']['detect']}  "
        f"{'ok' if result['pass'] else 'FAIL'}"
    )


if __name__ == "__main__":
    sys.exit(main())
