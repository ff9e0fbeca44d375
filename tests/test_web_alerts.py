"""The alert pages with real parts: a copy of the pre-filled web store, the app through FastAPI's test client,
an editor pressing "alert me" on a search, an entity, an article and an outlet, and the deliveries that follow
going to a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient

from presswatch import Presswatch
from presswatch.web.app import create_app

from .conftest import ENGLISH, HOSTILE_URL
from .postgres import copy_store
from .test_alerts import Receiver
from .test_web_api import login

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def pw(web_db: Path, tmp_path: Path) -> Iterator[Presswatch]:
    """A copy of the shared web store (these tests add rules and articles), its webhooks let reach 127.0.0.1."""
    db = tmp_path / "alerts-web.db"
    copy_store(web_db, db)  # the file, or on PostgreSQL its schema
    found = Presswatch(db=str(db), webhook_networks="private")
    yield found
    found.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def alert_me_fields(body: str) -> dict[str, str]:
    """The hidden fields of the page's "alert me" form."""
    form = re.search(r'<form method="get" action="/alerts/new" class="inline alert-me">(.*?)</form>', body, re.S)
    assert form, "no alert-me form on the page"
    return {k: html.unescape(v) for k, v in re.findall(r'name="([a-z_]+)" value="([^"]*)"', form.group(1))}


def press_alert_me(client: TestClient, token: str, page: str, name: str, send_to: str) -> str:
    """Open the page, press its "alert me", fill the short form, make the rule: the rule page's HTML."""
    shown = client.get(page)
    assert shown.status_code == 200, shown.text
    fields = alert_me_fields(shown.text)
    form = client.get("/alerts/new?" + urlencode(fields))
    assert form.status_code == 200 and 'action="/alerts/new"' in form.text
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form.text))
    hidden = {k: html.unescape(v) for k, v in hidden.items()}
    assert hidden["trigger"] == fields["trigger"]
    made = client.post(
        "/alerts/new",
        data={**hidden, "csrf_token": token, "name": name, "recipients": send_to, "frequency": "immediate"},
    )
    assert made.status_code == 200, made.text
    assert "The alert is made" in made.text
    return made.text


def ingest(pw: Presswatch, folder: Path, records: list[dict[str, str]]) -> None:
    path = folder / "new.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    assert pw.ingest([str(path)]).failed == 0


def test_logged_out_alert_me_leads_to_login(pw: Presswatch) -> None:
    client = TestClient(create_app(pw), follow_redirects=False)
    assert client.get("/alerts").headers["location"].startswith("/login")
    assert client.get("/jobs").headers["location"].startswith("/login")
    viewer = TestClient(create_app(pw, public=True), follow_redirects=False)
    article = next(a for a in pw.articles() if a["url"] == HOSTILE_URL)
    body = viewer.get(f"/articles/{article['id']}").text
    assert f'href="/login?next=/articles/{article["id"]}"' in body and "copied or translated" in body
    assert 'action="/alerts/new"' not in body


def test_alert_me_on_four_pages_then_pause_resume_history_remove(
    pw: Presswatch, receiver: Receiver, tmp_path: Path
) -> None:
    client = TestClient(create_app(pw), follow_redirects=False)
    token = login(client, "editor")
    listed = next(a for a in pw.articles() if a["url"] == HOSTILE_URL)
    watched = pw.article(str(listed["id"]))
    assert watched is not None
    entity = pw.entities()[0]
    pages = {
        "harbour search": "/search?" + urlencode({"q": "harbour", "language": "en"}),
        "entity watch": f"/entities/{entity['id']}",
        "copied article": f"/articles/{watched['id']}",
        "outlet copies": f"/sources/{watched['source_id']}",
    }
    for name, page in pages.items():
        rule_page = press_alert_me(client, token, page, name, f"{receiver.url}\nfeed")
        assert "/alerts/feed/" in rule_page  # the feed's secret address, shown once
    rules = {r["name"]: r for r in pw.alerts()}
    assert rules["harbour search"]["params"] == {"query": "harbour", "language": "en"}
    assert rules["entity watch"]["params"] == {"entity": entity["id"]}
    assert rules["copied article"]["params"] == {"article": watched["id"]}
    assert rules["outlet copies"]["params"] == {"outlet": watched["source"]}
    assert all(r["owner"] == "editor" and r["recipients"] == [receiver.url, "feed"] for r in rules.values())

    listing = client.get("/alerts").text
    assert all(html.escape(name) in listing for name in pages) and listing.count(">never<") == 4

    path = "/alerts/" + quote("copied article", safe="")
    assert client.post(f"{path}/pause", data={"csrf_token": token}).status_code == 303
    assert pw.alert("copied article")["paused"] and ">paused<" in client.get(path).text
    assert client.post(f"{path}/resume", data={"csrf_token": token}).status_code == 303
    assert not pw.alert("copied article")["paused"]
    assert client.post(f"{path}/pause", data={}).status_code == 403  # no CSRF token, no change

    # a new harbour article in English, and a copy of the watched article from another outlet
    copy, text = {"title": watched["title"]}, watched["text"]
    ingest(
        pw,
        tmp_path,
        [
            {
                "url": "https://new.example/harbour-vote",
                "title": "Harbour vote set for next week",
                "text": ENGLISH.replace("Tuesday", "Thursday") + "\nA vote on the harbour plan is set for next week.",
                "published": "2026-10-20T09:00:00Z",
                "source": "New Example Times",
                "language": "en",
            },
            {
                "url": "https://copier.example/camp",
                **copy,
                "text": text,
                "published": "2026-10-21T09:00:00Z",
                "source": "Copier Daily",
                "language": "en",
            },
        ],
    )
    pw.process()
    found = pw.evaluate_alerts()
    # both new articles hold the watched article's text (the harbour one as a partial copy)
    assert found.matches["harbour search"] == 2 and found.matches["copied article"] == 2, found
    assert found.matches["outlet copies"] == 2
    copied = {m["url"] for m in pw.alert("copied article")["matches"]}
    assert copied == {"https://copier.example/camp", "https://new.example/harbour-vote"}
    sent = pw.send_alerts()
    assert sent.sent == len(receiver.requests) >= 3 and sent.failed == 0
    bodies = [json.loads(body) for _, body in receiver.requests]
    assert {b["rule"] for b in bodies} >= {"harbour search", "copied article", "outlet copies"}

    history = client.get(path).text
    assert "What was sent to whom" in history and ">sent<" in history and "127.0.0.1" in history
    assert "a copy of the watched article" in history
    listing = client.get("/alerts").text
    assert listing.count(">never<") == 4 - len({b["rule"] for b in bodies})  # "last sent" now has a time

    assert client.post(f"{path}/remove", data={"csrf_token": token}).headers["location"] == "/alerts"
    assert "copied article" not in {r["name"] for r in pw.alerts()}
    assert html.escape("copied article") not in client.get("/alerts").text


def test_persian_pages_are_right_to_left_and_jobs_are_shown(pw: Presswatch, receiver: Receiver) -> None:
    client = TestClient(create_app(pw), follow_redirects=False)
    token = login(client, "editor")
    press_alert_me(client, token, "/search?q=harbour", "بندر", receiver.url)
    body = client.get("/alerts?lang=fa").text
    assert '<html lang="fa" dir="rtl">' in body and "هشدارها" in body and "بندر" in body
    rule = client.get("/alerts/" + quote("بندر", safe="") + "?lang=fa").text
    assert 'dir="rtl"' in rule and "چه چیزی برای چه کسی فرستاده شد" in rule
    moved = client.post("/alerts/" + quote("بندر", safe="") + "/pause", data={"csrf_token": token, "lang": "fa"})
    assert moved.headers["location"].endswith("?lang=fa")
    scheduler = pw.scheduler()
    scheduler.run_due(scheduler.next_runs(_now())["process"])  # the process job runs once, as `run --once` would
    jobs = client.get("/jobs").text
    assert "process" in jobs and "send-alerts" in jobs and ">ok<" in jobs
    assert "کارهای زمان‌بندی‌شدهٔ presswatch run" in client.get("/jobs?lang=fa").text


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)
