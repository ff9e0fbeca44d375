"""Reading coordination runs back: the API, the CLI's runs/groups/show/account/export, the export tables in every
format (parsed back), the JSON API and the digest's "Coordinated activity" section.

The store is a real SQLite file. Its coordination rows are written with SQLAlchemy Core as the engine writes them
(`coordination_store`), so these tests do not depend on how detection decides.
"""

from __future__ import annotations

import csv
import io
import json
import random
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app
from presswatch.errors import NotFound
from presswatch.store.schema import (
    accounts,
    coordination_edges,
    coordination_groups,
    coordination_members,
    coordination_runs,
    posts,
    sources,
)

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday of 2026-W10
OUTLET = "Tehran Evening Wire"
PERSIAN_NAMES = ["مریم احمدی", "علی رضایی", "سارا کریمی", "رضا موسوی", "نگار حسینی"]
PERSIAN_TEXT = "خبر فوری: اعتراضات امروز در تهران ادامه دارد و ما حقیقت را می‌گوییم #ایران"


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def coordination_store(pw: Presswatch, big: int = 40) -> dict[str, Any]:
    """Two runs; the latest has group 1 (`big` twitter accounts, dense, co-link and co-hashtag, some with Persian
    names and texts) and group 2 (two telegram channels and the outlet OUTLET as a web account)."""
    rng = random.Random(7)
    now = datetime(2026, 3, 9, 12, 0)
    with pw.store.begin() as conn:
        conn.execute(
            insert(sources).values(
                name=OUTLET, domain="tehranwire.example", created_at=now, error_streak=0, status="ok", items_found=0
            )
        )
        ids: dict[str, int] = {}

        def account(platform: str, key: str, name: str | None, created: datetime | None) -> int:
            found = conn.execute(
                insert(accounts).values(
                    platform=platform,
                    account_key=key,
                    name=name,
                    screen_name=key if platform == "twitter" else None,
                    created_ms=_ms(created) if created else None,
                    followers=rng.randint(0, 500),
                )
            ).inserted_primary_key
            assert found is not None
            ids[key] = int(found[0])
            return ids[key]

        trolls = [
            account(
                "twitter",
                f"troll_{n:02d}",
                PERSIAN_NAMES[n % 5] if n % 3 == 0 else f"Troll {n}",
                datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=n % 20),
            )
            for n in range(1, big + 1)
        ]
        channels = [
            account("telegram", "@news_channel_a", "کانال خبری", None),
            account("telegram", "-1001234", None, None),
        ]
        outlet = account("web", OUTLET, OUTLET, None)
        account("twitter", "bystander", "Just a reader", datetime(2015, 6, 1, tzinfo=UTC))
        post_number = 0

        def post(account_id: int, at: datetime, text: str, link: str | None) -> int:
            nonlocal post_number
            post_number += 1
            found = conn.execute(
                insert(posts).values(
                    platform="twitter",
                    post_key=f"p{post_number:05d}",
                    account_id=account_id,
                    posted_ms=_ms(at),
                    text=text,
                    language="fa" if "ا" in text else "en",
                    links=json.dumps([link] if link else []),
                    hashtags="[]",
                    mentions="[]",
                    imported_at=now,
                )
            ).inserted_primary_key
            assert found is not None
            return int(found[0])

        def edge(run_id: int, a: int, b: int, traces: int, method: str, start: datetime) -> None:
            a, b = min(a, b), max(a, b)
            evidence = []
            a_first = 0
            for t in range(traces):
                at = start + timedelta(hours=6 * t, minutes=rng.randint(0, 50))
                delay = timedelta(seconds=rng.randint(1, 40))
                link = f"https://fake-news.example/story-{t}"
                text = PERSIAN_TEXT if t % 2 else f"Breaking: the truth about the protests, story {t} {link}"
                first_a = rng.random() < 0.6
                ta, tb = (at, at + delay) if first_a else (at + delay, at)
                a_first += first_a
                pa, pb = post(a, ta, text, link), post(b, tb, text, link)
                trace = link if method == "co-link" else "ایران"
                evidence.append(
                    {"trace": trace, "method": method, "post_a": pa, "post_b": pb, "time_a": _ms(ta), "time_b": _ms(tb)}
                )
            conn.execute(
                insert(coordination_edges).values(
                    run_id=run_id,
                    account_a=a,
                    account_b=b,
                    methods=method,
                    weight=traces,
                    p_value=1e-6 * rng.random(),
                    first_ms=min(min(e["time_a"], e["time_b"]) for e in evidence),
                    last_ms=max(max(e["time_a"], e["time_b"]) for e in evidence),
                    a_first=a_first,
                    b_first=traces - a_first,
                    evidence=json.dumps(evidence),
                )
            )

        def group(run_id: int, number: int, members: list[int], methods: str, summary: dict[str, Any]) -> None:
            found = conn.execute(
                insert(coordination_groups).values(
                    run_id=run_id,
                    number=number,
                    size=len(members),
                    score=0.9 / number,
                    methods=methods,
                    summary=json.dumps(summary),
                )
            ).inserted_primary_key
            assert found is not None
            conn.execute(insert(coordination_members), [{"group_id": found[0], "account_id": m} for m in members])

        def run(parameters: dict[str, Any], created: datetime) -> int:
            found = conn.execute(
                insert(coordination_runs).values(
                    created_at=created, parameters=json.dumps(parameters), summary=json.dumps({"edges": 1})
                )
            ).inserted_primary_key
            assert found is not None
            return int(found[0])

        old = run({"methods": ["co-link"], "window": "60s", "min_repeat": 2}, now - timedelta(days=30))
        edge(old, trolls[0], trolls[1], 2, "co-link", START - timedelta(days=40))
        group(old, 1, trolls[:2], "co-link", {})

        latest = run({"methods": ["co-link", "co-hashtag"], "window": "60s", "min_repeat": 2, "q": 0.01}, now)
        for i, a in enumerate(trolls):
            for j in rng.sample(range(len(trolls)), 5):
                if j != i:
                    edge(latest, a, trolls[j], rng.randint(2, 4), rng.choice(["co-link", "co-hashtag"]), START)
        group(
            latest,
            1,
            trolls,
            "co-hashtag,co-link",
            {
                "median_delay_seconds": 18,
                "creation_burst": 0.8,
                "top_links": [["https://fake-news.example/story-0", 40]],
                "top_hashtags": [["ایران", 33]],
            },
        )
        edge(latest, channels[0], channels[1], 3, "co-link", START + timedelta(days=2))
        edge(latest, channels[0], outlet, 2, "co-link", START + timedelta(days=2))
        group(latest, 2, [*channels, outlet], "co-link", {"median_delay_seconds": 30})
    return {"ids": ids, "latest": latest, "old": old, "trolls": trolls, "outlet": outlet}


@pytest.fixture
def filled(pw: Presswatch) -> dict[str, Any]:
    return coordination_store(pw)


def invoke(pw: Presswatch, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--db", str(pw.settings.db), *args])
    return result


# ---- the API ------------------------------------------------------------------------------------------


def test_runs_newest_first_with_their_groups_and_span(pw: Presswatch, filled: dict[str, Any]) -> None:
    runs = pw.coordination_runs()
    assert [r["run"] for r in runs] == [filled["latest"], filled["old"]]
    assert runs[0]["groups"] == 2 and runs[0]["edges"] > 40
    assert runs[0]["parameters"]["window"] == "60s"
    assert runs[0]["first_at"] >= START.replace(tzinfo=None)


def test_groups_default_to_the_latest_run(pw: Presswatch, filled: dict[str, Any]) -> None:
    groups = pw.coordination_groups()
    assert [g["group"] for g in groups] == [1, 2]
    assert groups[0]["size"] == 40 and groups[0]["methods"] == ["co-hashtag", "co-link"]
    assert groups[1]["accounts"] == sorted(["@news_channel_a", "-1001234", OUTLET])
    assert [g["size"] for g in pw.coordination_groups(run=filled["old"])] == [2]


def test_groups_between_two_times(pw: Presswatch, filled: dict[str, Any]) -> None:
    week = (START.replace(tzinfo=None), START.replace(tzinfo=None) + timedelta(days=7))
    assert len(pw.coordination_groups(None, *week)) == 2
    assert pw.coordination_groups(None, datetime(2027, 1, 1), datetime(2027, 1, 8)) == []


def test_one_group_with_members_evidence_and_timeline(pw: Presswatch, filled: dict[str, Any]) -> None:
    found = pw.coordination_group(2)
    keys = {m["account_key"] for m in found["members"]}
    assert keys == {"@news_channel_a", "-1001234", OUTLET}
    assert len(found["edges"]) == 2
    item = found["edges"][0]["evidence"][0]
    assert item["post_a"].startswith("p") and item["time_a"] is not None and item["method"] == "co-link"
    times = [p["posted_at"] for p in found["timeline"]]
    assert times == sorted(times) and len(times) == 10
    big = pw.coordination_group(1)
    assert big["members"][0]["strength"] >= big["members"][-1]["strength"]
    assert any(c["created_at"] for c in big["created"])
    assert big["summary"]["top_hashtags"][0][0] == "ایران"


def test_missing_run_group_and_account_say_what_to_do(pw: Presswatch, filled: dict[str, Any]) -> None:
    with pytest.raises(NotFound, match="no coordination run 99"):
        pw.coordination_groups(run=99)
    with pytest.raises(NotFound, match="has no group 7.*coordination groups"):
        pw.coordination_group(7)
    with pytest.raises(NotFound, match="no account 'nobody'"):
        pw.coordination_account("nobody")


def test_no_run_yet_names_the_commands(pw: Presswatch) -> None:
    assert pw.coordination_runs() == []
    with pytest.raises(NotFound, match="posts import.*coordination detect"):
        pw.coordination_groups()


def test_an_account_with_its_groups_over_runs(pw: Presswatch, filled: dict[str, Any]) -> None:
    found = pw.coordination_account("troll_01")
    assert [(g["run"], g["group"]) for g in found["groups"]] == [(filled["latest"], 1), (filled["old"], 1)]
    assert found["posts"] > 0 and found["partners"]
    assert pw.coordination_account(f"#{filled['ids']['troll_01']}")["account_key"] == "troll_01"
    assert pw.coordination_account("bystander")["groups"] == []


def test_an_outlet_shows_its_groups(pw: Presswatch, filled: dict[str, Any]) -> None:
    outlet = pw.sources()[0]
    assert outlet["name"] == OUTLET
    found = pw.outlet(outlet["id"])
    assert [(g["run"], g["group"]) for g in found["coordination"]] == [(filled["latest"], 2)]


# ---- network exports -----------------------------------------------------------------------------------


def test_graphml_parses_with_node_and_edge_attributes(pw: Presswatch, filled: dict[str, Any]) -> None:
    out = io.StringIO()
    count = pw.coordination_export("graphml", out)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(out.getvalue())
    keys = {k.get("id"): (k.get("for"), k.get("attr.name")) for k in root.findall("g:key", ns)}
    assert {("node", "label"), ("node", "platform"), ("node", "group"), ("edge", "weight")} <= set(keys.values())
    nodes = root.findall("g:graph/g:node", ns)
    edges = root.findall("g:graph/g:edge", ns)
    assert len(edges) == count and len(nodes) == 43
    by_key = {d.get("key"): d.text for d in nodes[0].findall("g:data", ns)}
    assert by_key["n_platform"] == "twitter" and by_key["n_group"] == "1"
    assert all(float(next(d.text for d in e.findall("g:data", ns) if d.get("key") == "e_weight")) >= 2 for e in edges)


def test_gexf_parses_with_labels_and_weights(pw: Presswatch, filled: dict[str, Any]) -> None:
    out = io.StringIO()
    count = pw.coordination_export("gexf", out, run=filled["latest"])
    ns = {"x": "http://gexf.net/1.3"}
    root = ET.fromstring(out.getvalue())
    nodes = root.findall("x:graph/x:nodes/x:node", ns)
    edges = root.findall("x:graph/x:edges/x:edge", ns)
    assert len(edges) == count
    assert OUTLET in {n.get("label") for n in nodes}
    assert all(float(e.get("weight") or 0) >= 2 for e in edges)
    titles = [a.get("title") for a in root.findall("x:graph/x:attributes/x:attribute", ns)]
    assert {"platform", "group", "methods", "p_value"} <= set(titles)


def test_csv_edge_list_for_gephi(pw: Presswatch, filled: dict[str, Any]) -> None:
    out = io.StringIO()
    count = pw.coordination_export("csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == count and rows[0]["Source"] and int(rows[0]["Weight"]) >= int(rows[-1]["Weight"])
    assert {"-1001234", "@news_channel_a"} == {rows_ for r in rows for rows_ in (r["Source"], r["Target"])} & {
        "-1001234",
        "@news_channel_a",
    }


# ---- export tables ---------------------------------------------------------------------------------------


def test_export_edges_jsonl_with_keys_and_iso_evidence(pw: Presswatch, filled: dict[str, Any]) -> None:
    out = io.StringIO()
    pw.export("coordination_edges", "jsonl", None, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert set(rows[0]) == {
        "run",
        "account_a",
        "account_b",
        "method",
        "weight",
        "p_value",
        "first_at",
        "last_at",
        "a_first",
        "b_first",
        "evidence",
    }
    assert {r["run"] for r in rows} == {filled["latest"]}
    channel = next(r for r in rows if "-1001234" in (r["account_a"], r["account_b"]))
    item = channel["evidence"][0]
    assert item["post_a"].startswith("p") and item["time_a"].endswith("Z")
    assert {"trace", "post_a", "post_b", "time_a", "time_b"} <= set(item)


def test_export_groups_csv(pw: Presswatch, filled: dict[str, Any]) -> None:
    out = io.StringIO()
    pw.export("coordination_groups", "csv", None, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ["run", "group", "size", "accounts", "methods", "score"]
    assert json.loads(rows[1]["accounts"]) == sorted(["@news_channel_a", "-1001234", OUTLET])


def test_export_parquet(pw: Presswatch, filled: dict[str, Any], tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "edges.parquet"
    result = invoke(pw, "export", "coordination_edges", "--format", "parquet", "--out", str(target))
    assert result.exit_code == 0, result.output
    table = pq.read_table(target)
    assert table.num_rows > 40
    row = table.to_pylist()[0]
    assert isinstance(row["evidence"], list) and row["evidence"][0]["post_a"].startswith("p")
    groups = tmp_path / "groups.parquet"
    assert invoke(pw, "export", "coordination_groups", "-f", "parquet", "-o", str(groups)).exit_code == 0
    assert pq.read_table(groups).to_pylist()[1]["accounts"] == sorted(["@news_channel_a", "-1001234", OUTLET])


def test_export_articles_as_parquet_too(pw: Presswatch, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "articles.parquet"
    assert invoke(pw, "export", "articles", "--format", "parquet", "-o", str(target)).exit_code == 0
    assert pq.read_table(target).num_rows == 0


# ---- the CLI ---------------------------------------------------------------------------------------------------


def test_cli_runs_groups_show_account(pw: Presswatch, filled: dict[str, Any]) -> None:
    runs = invoke(pw, "coordination", "runs")
    assert runs.exit_code == 0 and "co-link" in runs.output
    listed = json.loads(invoke(pw, "coordination", "runs", "--json").output)
    assert listed[0]["run"] == filled["latest"]
    groups = invoke(pw, "coordination", "groups")
    assert groups.exit_code == 0 and "troll_01" in groups.output
    assert (
        json.loads(invoke(pw, "coordination", "groups", "--run", str(filled["old"]), "--json").output)[0]["size"] == 2
    )
    shown = invoke(pw, "coordination", "show", "2")
    assert shown.exit_code == 0
    assert OUTLET in shown.output and "evidence" in shown.output and "timeline" in shown.output
    assert json.loads(invoke(pw, "coordination", "show", "2", "--json").output)["size"] == 3
    account = invoke(pw, "coordination", "account", "troll_01")
    assert account.exit_code == 0 and f"run {filled['latest']} group 1" in account.output
    assert json.loads(invoke(pw, "coordination", "account", "troll_01", "--json").output)["platform"] == "twitter"


def test_cli_export_to_a_file(pw: Presswatch, filled: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "net.gexf"
    result = invoke(pw, "coordination", "export", "--format", "gexf", "-o", str(target))
    assert result.exit_code == 0, result.output
    ET.parse(target)
    assert invoke(pw, "coordination", "export", "--format", "dot").exit_code == 2


def test_cli_errors_name_what_to_do(pw: Presswatch, filled: dict[str, Any]) -> None:
    result = invoke(pw, "coordination", "show", "9")
    assert result.exit_code == 2 and "no group 9" in result.output
    result = invoke(pw, "coordination", "groups", "--run", "42")
    assert result.exit_code == 2 and "no coordination run 42" in result.output


def test_cli_empty_store_says_what_to_run(pw: Presswatch) -> None:
    result = invoke(pw, "coordination", "runs")
    assert result.exit_code == 0 and "coordination detect" in result.output


# ---- the JSON API ------------------------------------------------------------------------------------------------


def test_json_api(pw: Presswatch, filled: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    from presswatch.web.app import create_app

    client = TestClient(create_app(pw, public=True))
    assert client.get("/api/coordination/runs").json()[0]["run"] == filled["latest"]
    groups = client.get("/api/coordination/groups").json()
    assert [g["group"] for g in groups] == [1, 2]
    one = client.get("/api/coordination/groups/2").json()
    assert one["size"] == 3 and one["edges"][0]["evidence"][0]["time_a"].endswith("Z")
    missing = client.get("/api/coordination/groups/9")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    account = client.get(f"/api/coordination/accounts/{filled['ids']['troll_01']}").json()
    assert account["account_key"] == "troll_01"
    for path in ("/coordination", f"/coordination/runs/{filled['latest']}", "/coordination/groups/1"):
        assert client.get(path).status_code == 200, path
    page = client.get("/coordination/groups/1").text
    assert "<svg" in page and "troll_01" in page
    assert client.get("/coordination/runs/77").status_code == 404
