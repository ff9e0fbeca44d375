"""The `coordination` alert trigger with real parts: posts imported into a SQLite store, coordination detected
by the real detector, the rule evaluated, its message sent to a webhook receiver on 127.0.0.1 and by the CLI."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.alerts import Rule
from presswatch.cli import app as cli_app
from presswatch.errors import UsageError

from .test_alerts import Receiver

START = 1_772_352_000  # 2026-03-01 08:00 UTC


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def posts(path: Path, ring: range, organic: bool = True, seed: int = 8) -> Path:
    """The `ring` accounts re-share ten objects within seconds of each other; forty others share at random."""
    rng = random.Random(seed)
    rows = [
        (f"object-{n}", f"ring{m}", f"ring{m}-{n}", START + 50_000 * n + rng.randint(0, 5))
        for n in range(10)
        for m in ring
    ]
    rows += [
        (f"organic-{rng.randrange(300)}", f"person{p}", f"person{p}-{k}", START + rng.randrange(600_000))
        for p in range(40 if organic else 0)
        for k in range(rng.randint(4, 12))
    ]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
        writer.writerows(rows)
    return path


def detect(app: Presswatch, folder: Path, ring: range, organic: bool = True) -> None:
    app.import_posts([str(posts(folder / f"posts-{ring.stop}.csv", ring, organic))], fmt="coortweet")
    app.detect_coordination()


def test_a_new_group_alerts_once_and_a_grown_group_again(tmp_path: Path, receiver: Receiver) -> None:
    app = Presswatch(db=str(tmp_path / "groups.db"), webhook_networks="private")
    app.add_alert(Rule("rings", "ana", [receiver.url, "feed"], "coordination", {"method": "co-share"}))
    assert app.evaluate_alerts().total == 0  # no run yet

    detect(app, tmp_path, range(6))
    ring_group = next(g for g in app.coordination_groups() if any(a.startswith("ring") for a in g["accounts"]))
    assert sorted(ring_group["accounts"]) == [f"ring{m}" for m in range(6)]
    assert app.evaluate_alerts().matches == {"rings": 1}
    assert app.send_alerts().sent == 1
    ((headers, body),) = receiver.requests
    item = json.loads(body)["items"][0]
    assert item["why"].startswith("a new coordinated group of 6 accounts (ring0, ring1, ring2, ring3, ring4, ring5)")
    assert "by co-share" in item["why"] and "sharing" in item["why"] and "traces" in item["why"]
    run = ring_group["run"]
    assert item["url"] == f"/coordination/groups/{ring_group['group']}?run={run}"
    traces = int(item["why"].split("sharing ")[1].split(" traces")[0])
    assert traces >= 10 * 15  # ten objects shared by every pair of the six (at least once each)

    app.detect_coordination()  # the same posts, the same group, in a second run
    assert app.evaluate_alerts().total == 0 and app.send_alerts().sent == 0
    assert len(receiver.requests) == 1

    detect(app, tmp_path, range(6, 10), organic=False)  # four more accounts join the ring
    assert app.evaluate_alerts().matches == {"rings": 1}
    assert app.send_alerts().sent == 1 and len(receiver.requests) == 2
    grown = json.loads(receiver.requests[1][1])["items"][0]["why"]
    assert grown.startswith("a known coordinated group grew by 4 accounts (ring6, ring7, ring8, ring9) to 10")
    history = app.alert_history("rings")
    assert [h["status"] for h in history] == ["sent", "sent"]
    assert len(app.alert("rings")["matches"]) == 2  # the two groups it told of, as its feed shows them
    app.close()


def test_grown_by_and_method_are_checked_and_the_cli_adds_the_rule(tmp_path: Path) -> None:
    app = Presswatch(db=str(tmp_path / "checks.db"))
    with pytest.raises(UsageError, match="--method must be one of"):
        app.add_alert(Rule("x", "ana", ["feed"], "coordination", {"method": "co-nothing"}))
    with pytest.raises(UsageError, match="only --method and --grown-by"):
        app.add_alert(Rule("x", "ana", ["feed"], "coordination", {"query": "harbour"}))
    app.close()
    db = str(tmp_path / "checks.db")
    runner = CliRunner()
    result = runner.invoke(
        cli_app,
        ["--db", db, "alerts", "add", "rings", "--coordination", "--method", "co-share", "--grown-by", "2",
         "--send-to", "feed", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["trigger"] == "coordination" and shown["params"] == {"method": "co-share", "grown_by": 2}
    clash = runner.invoke(cli_app, ["--db", db, "alerts", "add", "y", "--coordination", "--trigger", "search"])
    assert clash.exit_code == 2
