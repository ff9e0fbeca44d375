"""Coordination detection on small real stores with known truth: who is coordinated, who is not."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app
from presswatch.coordination import detect
from presswatch.coordination.detect import window_pairs
from presswatch.coordination.traces import PostFacts, traces_of
from presswatch.coordination.window import estimate_window, parse_window
from presswatch.errors import UsageError
from presswatch.store.schema import accounts, coordination_edges, coordination_runs, post_traces, posts

START = 1_700_000_000_000
MINUTE = 60_000
DAY = 24 * 60 * MINUTE


class Posts:
    """Writes accounts, posts and their traces into a real store, as the importer would."""

    def __init__(self, pw: Presswatch) -> None:
        self.pw = pw
        self.accounts: dict[str, int] = {}
        self.count = 0

    def add(self, account: str, at_ms: int, facts: PostFacts) -> int:
        with self.pw.store.begin() as conn:
            if account not in self.accounts:
                made = insert(accounts).values(platform="twitter", account_key=account).returning(accounts.c.id)
                self.accounts[account] = conn.execute(made).scalar_one()
            self.count += 1
            post = conn.execute(
                insert(posts)
                .values(
                    platform="twitter",
                    post_key=f"p{self.count}",
                    account_id=self.accounts[account],
                    posted_ms=at_ms,
                    text=facts.text,
                    imported_at=datetime.now(UTC).replace(tzinfo=None),
                )
                .returning(posts.c.id)
            ).scalar_one()
            rows = [
                {"post_id": post, "method": m, "trace": t, "account_id": self.accounts[account], "at_ms": at_ms}
                for m, t in traces_of([facts])[0]
            ]
            if rows:
                conn.execute(insert(post_traces), rows)
        return int(post)


def share(object_id: str) -> PostFacts:
    return PostFacts(repost_of=object_id)


def troll_factory(pw: Presswatch, seed: int = 7) -> dict[str, Any]:
    """A group of 5 resharing 8 fresh posts within seconds, 40 organic accounts, 2 hyperactive decoys, a viral post."""
    rng = random.Random(seed)
    store = Posts(pw)
    group = [f"troll{i}" for i in range(5)]
    for k in range(8):
        at = START + rng.randrange(7 * DAY)
        for member in group:
            store.add(member, at + rng.randrange(20_000), share(f"campaign{k}"))
    organic = [f"person{i}" for i in range(40)]
    pool = [f"news{i}" for i in range(60)]
    for person in organic:
        for _ in range(rng.randrange(3, 12)):
            store.add(person, START + rng.randrange(7 * DAY), share(rng.choice(pool)))
    for decoy in ("decoy0", "decoy1"):
        for _ in range(400):
            store.add(decoy, START + rng.randrange(7 * DAY), share(rng.choice(pool)))
    viral_at = START + 3 * DAY
    for person in organic:
        store.add(person, viral_at + rng.randrange(10 * MINUTE), share("viral"))
    return {"group": set(group), "ids": store.accounts}


def stored_edges(pw: Presswatch, run: int) -> list[dict[str, Any]]:
    with pw.store.connect() as conn:
        rows = conn.execute(select(coordination_edges).where(coordination_edges.c.run_id == run)).mappings().all()
    return [dict(row) for row in rows]


def names(pw: Presswatch) -> dict[int, str]:
    with pw.store.connect() as conn:
        return dict(conn.execute(select(accounts.c.id, accounts.c.account_key)).all())


def test_the_group_is_found_and_the_decoys_and_the_viral_crowd_are_not(pw: Presswatch) -> None:
    truth = troll_factory(pw)
    found = pw.detect_coordination(window="60s")
    edges = stored_edges(pw, found["run"])
    key = names(pw)
    linked = {frozenset((key[e["account_a"]], key[e["account_b"]])) for e in edges}
    expected = {frozenset((a, b)) for a in truth["group"] for b in truth["group"] if a < b}
    assert linked == expected
    assert found["summary"]["groups"] == 1
    group = pw.coordination_group(1, found["run"])
    assert {m.get("account_key", m.get("key")) for m in group["members"]} == truth["group"]
    edge = edges[0]
    evidence = json.loads(edge["evidence"])
    assert edge["weight"] == 8 == len(evidence)
    assert edge["a_first"] + edge["b_first"] <= 8
    assert all(abs(item["time_a"] - item["time_b"]) <= 60_000 for item in evidence)
    assert {item["method"] for item in evidence} == {"co-share"}


def test_chance_removes_the_decoys_edges(pw: Presswatch) -> None:
    troll_factory(pw)
    found = pw.detect_coordination(window="15m", q=0.01)
    summary = found["summary"]
    assert summary["removed_as_chance"] > 0
    key = names(pw)
    for edge in stored_edges(pw, found["run"]):
        assert "decoy" not in key[edge["account_a"]] + key[edge["account_b"]]
    assert summary["candidate_edges"] == summary["edges"] + summary["removed_as_chance"]


def test_spilled_to_disk_and_split_in_batches_the_run_is_the_same(pw: Presswatch, monkeypatch: Any) -> None:
    """Past HELD_BYTES the records go to partition files, and past PAIRS_PER_BATCH a trace's pairs come in several
    batches: the edges, their evidence, p-values and the groups must not depend on either."""
    troll_factory(pw)

    def run() -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
        found = pw.detect_coordination(window="15m", q=1.0)
        edges = sorted(
            (e["account_a"], e["account_b"], e["weight"], e["evidence"], round(e["p_value"], 12), e["a_first"])
            for e in stored_edges(pw, found["run"])
        )
        summary = {k: v for k, v in found["summary"].items() if k != "seconds"}
        return edges, summary

    held = run()
    monkeypatch.setattr(detect, "HELD_BYTES", 4096)  # a few dozen records, then the rest to disk
    monkeypatch.setattr(detect, "PAIRS_PER_BATCH", 97)  # the viral post's pairs come in many batches
    made: list[str] = []
    real = detect.tempfile.TemporaryDirectory

    def recorded(*args: Any, **kwargs: Any) -> Any:
        folder = real(*args, **kwargs)
        made.append(folder.name)
        return folder

    monkeypatch.setattr(detect.tempfile, "TemporaryDirectory", recorded)
    spilled = run()
    assert made, "the records were not spilled"
    assert not any(Path(folder).exists() for folder in made), "the partition files were left behind"
    assert spilled == held
    assert held[1]["edges"] > 0


def test_sliding_window_pairs_across_a_bucket_edge() -> None:
    group = np.array([0, 0, 0, 1, 1], dtype=np.int64)
    at = np.array([59_999, 60_001, 75_000, 0, 100_000], dtype=np.int64)
    i, j = window_pairs(group, at, 10_000, 0)
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1)]
    i, j = window_pairs(group, at, 15_001, 0)
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]
    i, j = window_pairs(group, at, 15_001, 1)  # the viral bound: the nearest next use only
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (1, 2)]


def test_min_repeat(pw: Presswatch) -> None:
    store = Posts(pw)
    for k, at in enumerate((START, START + DAY)):
        store.add("a", at, share(f"x{k}"))
        store.add("b", at + 1000, share(f"x{k}"))
    assert pw.detect_coordination(window="10s", min_repeat=3)["summary"]["candidate_edges"] == 0
    found = pw.detect_coordination(window="10s", min_repeat=2)["summary"]
    assert found["candidate_edges"] == 1
    assert pw.detect_coordination(window="10s", min_repeat=1)["summary"]["candidate_edges"] == 1


LATIN = [
    "The mayor of the harbour town has secretly sold the old port to a foreign company, residents say",
    "Energy prices will double next winter because the government refuses to sign the new gas deal",
    "Independent journalists who covered the protest were detained overnight without any charges",
]
PERSIAN = [
    "شهردار شهر بندری بندر قدیمی را مخفیانه به یک شرکت خارجی فروخته است به گفته ساکنان",
    "قیمت انرژی زمستان آینده دو برابر می‌شود زیرا دولت قرارداد جدید گاز را امضا نمی‌کند",
    "روزنامه‌نگاران مستقلی که اعتراض را پوشش دادند شبانه بدون هیچ اتهامی بازداشت شدند",
]
CHINESE = [
    "港口小镇的镇长已经秘密地把旧港口卖给了一家外国公司，居民们这样说道，大家都很愤怒",
    "明年冬天能源价格将会翻倍，因为政府拒绝签署新的天然气协议，这是真的消息请转发",
    "报道抗议活动的独立记者在没有任何指控的情况下被拘留了一整夜，请大家关注此事",
]


@pytest.mark.parametrize("texts", [LATIN, PERSIAN, CHINESE], ids=["latin", "persian", "chinese"])
def test_co_text_with_small_edits(pw: Presswatch, texts: list[str]) -> None:
    store = Posts(pw)
    for k, text in enumerate(texts):
        at = START + k * DAY
        store.add("a", at, PostFacts(text=text))
        store.add("b", at + 5000, PostFacts(text=text[:-6] + "!! " + text[-6:]))
        store.add("c", at + 9000, PostFacts(text="Completely unrelated words about the weather and football " + str(k)))
    # The background a real collection has: accounts posting their own texts. Without it, two accounts that
    # post most of all texts would be expected to meet (the chance model hands uses out by activity).
    rng = random.Random(3)
    vocabulary = "river bread window garden music letter winter paper market bridge cloud horse".split()
    for person in range(30):
        for k in range(3):
            words = " ".join(rng.choice(vocabulary) for _ in range(12))
            store.add(f"person{person}", START + rng.randrange(3 * DAY), PostFacts(text=f"{words} {person} {k}"))
    found = pw.detect_coordination(methods="co-text", window="30s")
    edges = stored_edges(pw, found["run"])
    key = names(pw)
    assert [(key[e["account_a"]], key[e["account_b"]], e["weight"]) for e in edges] == [("a", "b", 3)]
    evidence = json.loads(edges[0]["evidence"])
    assert len({(item["post_a"], item["post_b"]) for item in evidence}) == 3  # once per text, not per band


def test_a_failed_run_stores_nothing(pw: Presswatch) -> None:
    troll_factory(pw)

    def interrupted(method: str, uses: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pw.detect_coordination(window="60s", on_progress=interrupted)
    with pw.store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(coordination_runs)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(coordination_edges)).scalar() == 0


def test_no_posts_stores_nothing(pw: Presswatch) -> None:
    found = pw.detect_coordination()
    assert found["run"] is None and "no posts" in found["message"]


def test_windows_and_methods_are_checked(pw: Presswatch) -> None:
    assert parse_window("30s") == 30 and parse_window("5m") == 300 and parse_window("1h") == 3600
    assert parse_window("auto") is None
    for bad in ("0", "-5s", "soon"):
        with pytest.raises(UsageError):
            parse_window(bad)
    with pytest.raises(UsageError, match="co-share, co-link"):
        pw.detect_coordination(methods="co-retweet")
    assert estimate_window([np.array([1000, 2000, 3000, 4000] + [600_000] * 30)]) == pytest.approx(2.5)


def test_auto_window_and_sensitivity(pw: Presswatch) -> None:
    troll_factory(pw)
    found = pw.detect_coordination(window="auto")
    assert 1.0 <= found["summary"]["window_seconds"] <= 3600
    rows = pw.coordination_sensitivity()
    assert [row["window"] for row in rows] == ["10s", "30s", "1m", "5m", "15m", "1h"]
    assert rows[2]["groups"] == 1
    with pw.store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(coordination_runs)).scalar() == 1


def test_cli_detect(pw: Presswatch, tmp_path: Any) -> None:
    db = str(tmp_path / "test.db")
    runner = CliRunner()
    empty = runner.invoke(app, ["--db", db, "coordination", "detect"])
    assert empty.exit_code == 0 and "no posts" in empty.output
    troll_factory(pw)
    result = runner.invoke(app, ["--db", db, "coordination", "detect", "--window", "60s"])
    assert result.exit_code == 0, result.output
    assert "1 groups" in result.output and "removed as chance" in result.output
    as_json = runner.invoke(app, ["--db", db, "coordination", "detect", "--method", "co-share", "--json"])
    assert json.loads(as_json.output)["summary"]["groups"] == 1
    bad = runner.invoke(app, ["--db", db, "coordination", "detect", "--window", "0"])
    assert bad.exit_code == 2 and "--window" in bad.output
    bad = runner.invoke(app, ["--db", db, "coordination", "detect", "--method", "co-like"])
    assert bad.exit_code == 2 and "co-share" in bad.output
    table = runner.invoke(app, ["--db", db, "coordination", "sensitivity"])
    assert table.exit_code == 0 and "15m" in table.output


STORIES = [
    "The harbour authority signed a secret lease with a shipping firm registered on the islands last spring, "
    "documents seen by reporters show, and the council was never told of the terms.",
    "Protesters gathered outside the ministry for a third night, demanding the release of two journalists "
    "arrested while filming the demolition of the old market district.",
    "A leaked memo says the water board delayed repairs to the northern reservoir for two years while "
    "paying consultants who were relatives of its chairman.",
    "Farmers in the valley say the new irrigation fees will ruin them, and the cooperative announced it "
    "would take the regional government to court over the decision.",
]


def test_outlets_that_publish_the_same_texts_in_concert_are_linked(pw: Presswatch, tmp_path: Any) -> None:
    """--include-articles: two outlets publish the same stories within seconds, a third publishes its own."""
    lines = []
    for k, story in enumerate(STORIES):
        at = datetime(2026, 3, 2 + k, 9, 0, tzinfo=UTC)
        for outlet, delay, text in (("Echo One", 0, story), ("Echo Two", 20, story), ("Own Voice", 5, None)):
            moment = at.replace(second=delay).isoformat()
            own = f"Our own report number {k} on the weather, the markets and the football results this weekend."
            record = {"url": f"https://{outlet.replace(' ', '').lower()}.example/{k}", "source": outlet}
            record |= {"title": f"Story {k}", "published": moment, "text": (text or own * 3) + " " + story[:0]}
            lines.append(json.dumps(record))
    rng = random.Random(5)  # the background: outlets publishing their own texts
    vocabulary = "river bread window garden music letter winter paper market bridge cloud horse lamp".split()
    for outlet in range(20):
        for k in range(3):
            text = " ".join(rng.choice(vocabulary) for _ in range(60))
            at = datetime(2026, 3, 2 + k, 10 + outlet % 8, outlet, tzinfo=UTC).isoformat()
            record = {"url": f"https://local{outlet}.example/{k}", "source": f"Local {outlet}", "published": at}
            lines.append(json.dumps(record | {"title": f"Local news {outlet}.{k}", "text": text}))
    (tmp_path / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pw.ingest([str(tmp_path / "articles.jsonl")])
    result = pw.detect_coordination(include_articles=True, methods="co-text")
    edges = stored_edges(pw, result["run"])
    who = names(pw)
    assert [(who[e["account_a"]], who[e["account_b"]], e["weight"]) for e in edges] == [
        ("Echo One", "Echo Two", len(STORIES))
    ]
    evidence = json.loads(edges[0]["evidence"])
    assert all(item["post_a"] < 0 and item["post_b"] < 0 for item in evidence)  # articles, told apart from posts
