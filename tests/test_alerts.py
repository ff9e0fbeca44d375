"""Alerts with real parts: a real SQLite store built by ingest and process, a webhook receiver and an SMTP server
on 127.0.0.1, the Atom feed read back with feedparser, and a sender killed with SIGKILL."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest

from presswatch import Presswatch
from presswatch.alerts import Rule, is_spike
from presswatch.errors import NotFound, UsageError

from .conftest import ENGLISH

WATCHLIST = """
[[entity]]
id = "zeta"
name = "Zeta Corp"
kind = "organisation"
aliases = ["Zeta Corp"]
"""
ZETA = (
    "Zeta Corp said on Monday it would open a second quarry north of the river, a plan that residents of three "
    "villages have opposed for a year. The company promised new roads, a dust barrier and local jobs, while the "
    "villages' council said it would go to court if the permit is granted without a public hearing this autumn."
)


def record(url: str, title: str, text: str, source: str, language: str = "en", day: int = 6) -> dict[str, str]:
    return {
        "url": url,
        "title": title,
        "text": text,
        "published": f"2026-10-{day:02d}T09:00:00Z",
        "source": source,
        "language": language,
    }


FIRST = [record("https://a.example/harbour", "Council weighs the harbour plan", ENGLISH, "Alpha Daily")]
SECOND = [
    record("https://b.example/harbour", "Council weighs the harbour plan", ENGLISH, "Beta News", day=7),
    record("https://c.example/zeta", "Quarry company plans second site", ZETA, "Gamma Post", day=8),
]


def ingest(app: Presswatch, folder: Path, records: list[dict[str, str]], name: str) -> None:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    assert app.ingest([str(path)]).failed == 0


class Receiver:
    """A webhook receiver on 127.0.0.1: keeps every request (headers and body); answers `status`, after `delay`."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status, self.delay = status, delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def smtp() -> Iterator[tuple[int, list[bytes]]]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    received: list[bytes] = []

    class Keep(Sink):
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            received.append(envelope.original_content or envelope.content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def store(folder: Path, **settings: Any) -> Presswatch:
    app = Presswatch(db=str(folder / "alerts.db"), webhook_networks="private", **settings)
    (folder / "watchlist.toml").write_text(WATCHLIST, "utf-8")
    app.load_watchlist(folder / "watchlist.toml")
    ingest(app, folder, FIRST, "first")
    app.process()
    return app


def test_rules_match_what_is_new_once_and_say_why(tmp_path: Path, receiver: Receiver) -> None:
    app = store(tmp_path)
    first_id = app.articles()[0]["id"]
    app.add_alert(Rule("harbour", "ana", [receiver.url], "search", {"query": "harbour"}))
    app.add_alert(Rule("zeta", "ana", [receiver.url], "entity", {"entity": "zeta"}))
    app.add_alert(Rule("copied", "ana", [receiver.url], "copies", {"article": first_id}))
    app.add_alert(Rule("alpha copied", "ana", [receiver.url], "copies", {"outlet": "alpha daily"}))
    assert app.evaluate_alerts().total == 0  # what was there before the rules alerts nobody
    ingest(app, tmp_path, SECOND, "second")
    app.process()
    report = app.evaluate_alerts()
    assert report.matches == {"harbour": 1, "zeta": 1, "copied": 1, "alpha copied": 1}
    why = {a["name"]: a for a in (app.alert(r["name"]) for r in app.alerts())}
    assert "matches the search 'harbour'" in why["harbour"]["matches"][0]["why"]
    assert why["zeta"]["matches"][0]["why"] == "mentions Zeta Corp (as 'Zeta Corp')"
    assert f"a copy of the watched article #{first_id}" == why["copied"]["matches"][0]["why"]
    assert "a copy of Alpha Daily's article" in why["alpha copied"]["matches"][0]["why"]
    assert app.evaluate_alerts().total == 0  # an article alerts a rule once
    assert app.send_alerts().sent == 4
    assert len(receiver.requests) == 4 and app.send_alerts().sent == 0


def test_what_arrives_while_a_rule_is_paused_never_alerts(tmp_path: Path) -> None:
    app = store(tmp_path)
    app.add_alert(Rule("zeta", "ana", ["feed"], "entity", {"entity": "zeta"}))
    app.pause_alert("zeta", True)
    ingest(app, tmp_path, SECOND, "second")
    app.process()
    assert app.evaluate_alerts().total == 0
    app.pause_alert("zeta", False)
    assert app.evaluate_alerts().total == 0, "the paused week's Zeta article alerts nobody after resume"
    again = [record("https://c.example/zeta-2", "Quarry plan, day two", ZETA + " Again.", "Gamma Post", day=9)]
    ingest(app, tmp_path, again, "third")
    app.process()
    assert app.evaluate_alerts().matches == {"zeta": 1}


def test_entity_only_where_it_is_new(tmp_path: Path) -> None:
    app = store(tmp_path)
    app.add_alert(
        Rule("zeta new", "ana", ["feed"], "entity", {"entity": "zeta", "novel_in": "outlet", "novel_days": 30})
    )
    ingest(app, tmp_path, SECOND, "second")
    again = [record("https://c.example/zeta-2", "Quarry plan, day two", ZETA + " Again.", "Gamma Post", day=9)]
    ingest(app, tmp_path, again, "third")
    app.process()
    matches = app.alert("zeta new")["matches"]
    app.evaluate_alerts()
    matches = app.alert("zeta new")["matches"]
    assert len(matches) == 1, "the second Gamma Post article is not news for the outlet"
    assert matches[0]["why"].endswith("the first time in Gamma Post in 30 days")


def test_webhook_is_signed_and_mail_says_why(tmp_path: Path, receiver: Receiver, smtp: tuple[int, list[bytes]]) -> None:
    port, mails = smtp
    app = store(tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    app.add_alert(
        Rule("harbour", "ana", ["ana@example.org", "ben@example.org", receiver.url], "search", {"query": "harbour"})
    )
    ingest(app, tmp_path, SECOND, "second")
    app.process()
    app.evaluate_alerts()
    assert app.send_alerts().sent == 2
    headers, body = receiver.requests[0]
    secret = app.alert("harbour")["secret"].encode()
    assert headers["x-presswatch-signature"] == "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    assert json.loads(body)["items"][0]["why"] == "matches the search 'harbour'"
    for _ in range(50):
        if mails:
            break
        time.sleep(0.05)
    assert len(mails) == 1, "one message for the batch, to every address"
    message = email.message_from_bytes(mails[0], policy=email.policy.default)
    assert message["To"] == "ana@example.org, ben@example.org"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Why: matches the search 'harbour'" in text and "Council weighs the harbour plan" in html
    history = app.alert_history("harbour")
    assert {h["channel"]: h["status"] for h in history} == {"mail": "sent", receiver.url: "sent"}


def test_atom_feed_at_a_secret_revocable_url(tmp_path: Path) -> None:
    app = store(tmp_path)
    app.add_alert(Rule("harbour", "ana", ["feed"], "search", {"query": "harbour"}))
    ingest(app, tmp_path, SECOND, "second")
    app.process()
    app.evaluate_alerts()
    token = app.new_alert_feed_token("harbour")
    feed = feedparser.parse(app.alert_feed(token))
    assert not feed.bozo and feed.feed.title == "presswatch alert: harbour"
    assert [e.link for e in feed.entries] == ["https://b.example/harbour"]
    assert feed.entries[0].summary.startswith("matches the search 'harbour'")
    from fastapi.testclient import TestClient

    from presswatch.web.app import create_app

    web = TestClient(create_app(app), follow_redirects=False)  # not public: every other page wants a login
    answer = web.get(f"/alerts/feed/{token}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    assert feedparser.parse(answer.text).entries[0].link == "https://b.example/harbour"
    newer = app.new_alert_feed_token("harbour")
    with pytest.raises(NotFound):
        app.alert_feed(token)
    assert web.get(f"/alerts/feed/{token}").status_code == 404, "the old address is revoked"
    assert feedparser.parse(web.get(f"/alerts/feed/{newer}").text).entries


def test_failures_retry_with_backoff_then_fail(tmp_path: Path) -> None:
    failing = Receiver(status=500)
    try:
        app = store(tmp_path, alert_attempts=3, alert_retry_seconds=60.0)
        app.add_alert(Rule("harbour", "ana", [failing.url], "search", {"query": "harbour"}))
        ingest(app, tmp_path, SECOND, "second")
        app.process()
        now = datetime(2026, 12, 7, 12, 0)
        app.evaluate_alerts(now)
        assert app.send_alerts(now).retrying == 1
        assert app.send_alerts(now + timedelta(seconds=59)).retrying == 0  # not due yet
        assert app.send_alerts(now + timedelta(seconds=60)).retrying == 1  # the second try, then 120 s
        assert app.send_alerts(now + timedelta(seconds=179)).failed == 0
        assert app.send_alerts(now + timedelta(seconds=180)).failed == 1
        [row] = app.alert_history("harbour")
        assert row["status"] == "failed" and row["attempts"] == 3 and "answered 500" in row["last_error"]
        assert len(failing.requests) == 3
    finally:
        failing.close()


def test_the_ssrf_guard_keeps_webhooks_off_our_network(tmp_path: Path, receiver: Receiver) -> None:
    app = store(tmp_path)
    app.add_alert(Rule("harbour", "ana", [receiver.url], "search", {"query": "harbour"}))
    ingest(app, tmp_path, SECOND, "second")
    app.process()
    app.evaluate_alerts()
    public = Presswatch(db=app.settings.db, webhook_networks="public", alert_attempts=1)
    assert public.send_alerts().failed == 1
    assert not receiver.requests
    assert "loopback" in public.alert_history()[0]["last_error"]


def test_hourly_cap_batches_the_overflow(tmp_path: Path, receiver: Receiver) -> None:
    app = store(tmp_path)
    app.add_alert(Rule("any", "ana", [receiver.url], "search", {"query": "the"}, hourly_cap=1))
    now = datetime(2026, 12, 7, 12, 10)
    ingest(app, tmp_path, SECOND[:1], "b1")
    app.evaluate_alerts(now)
    ingest(app, tmp_path, SECOND[1:], "b2")
    app.evaluate_alerts(now + timedelta(minutes=5))
    assert app.send_alerts(now + timedelta(minutes=6)).sent == 1  # the overflow waits for the next hour
    assert app.send_alerts(datetime(2026, 12, 7, 13, 0)).sent == 1
    keys = sorted(h["batch_key"].split(":")[0] for h in app.alert_history())
    assert keys == ["immediate", "overflow"]


def test_daily_rule_is_one_message_a_day(tmp_path: Path, receiver: Receiver) -> None:
    app = store(tmp_path)
    app.add_alert(Rule("daily", "ana", [receiver.url], "search", {"query": "the"}, frequency="daily"))
    ingest(app, tmp_path, SECOND[:1], "b1")
    app.evaluate_alerts(datetime(2026, 12, 7, 9))
    ingest(app, tmp_path, SECOND[1:], "b2")
    app.evaluate_alerts(datetime(2026, 12, 7, 15))
    assert app.send_alerts(datetime(2026, 12, 7, 23, 59)).sent == 0
    assert app.send_alerts(datetime(2026, 12, 8, 0, 0)).sent == 1
    assert len(json.loads(receiver.requests[0][1])["items"]) == 2


def test_apprise_through_its_json_url(tmp_path: Path, receiver: Receiver) -> None:
    app = store(tmp_path)
    apprise_url = receiver.url.replace("http://", "json://")
    app.add_alert(Rule("chat", "ana", [apprise_url], "search", {"query": "harbour"}))
    outcome = app.test_alert("chat")
    assert outcome == {apprise_url: "sent"}
    assert json.loads(receiver.requests[0][1])["title"] == "[presswatch] chat: 1 new match"


def test_bad_rules_are_refused_with_what_to_do(tmp_path: Path) -> None:
    app = store(tmp_path)
    with pytest.raises(UsageError, match="--query"):
        app.add_alert(Rule("x", "ana", ["feed"], "search", {}))
    with pytest.raises(UsageError, match="neither a mail address"):
        app.add_alert(Rule("x", "ana", ["nobody"], "search", {"query": "a"}))
    app.add_alert(Rule("x", "ana", ["feed"], "search", {"query": "a"}))
    with pytest.raises(UsageError, match="already an alert"):
        app.add_alert(Rule("x", "ana", ["feed"], "search", {"query": "a"}))


def test_spike_method() -> None:
    busy = [5, 7, 6, 4, 5, 6, 7, 5, 4, 6, 5, 7, 6, 5] * 4
    assert not is_spike(8, [0] * 56), "under the minimum count"
    assert is_spike(9, [0] * 56)
    assert not is_spike(14, busy), "within the spread of a busy topic"
    assert is_spike(20, busy)
    assert not is_spike(22, [*busy, 20]), "the same spike going on"
    assert not is_spike(45, [*busy, 20]), "however much it grows"
    assert not is_spike(19, [*busy, 20, 11]), "a flare below the spike of two days ago"
    assert is_spike(30, [*busy, 20, 11]), "a new high is a new spike"
    # weekends at a third of the weekdays: a weekend day is judged against the weekends before it
    weeks = [9, 10, 8, 9, 10, 3, 3] * 8  # Monday to Sunday
    assert is_spike(12, weeks[:-2]), "a weekday's count on a Saturday"
    assert not is_spike(12, weeks), "a Monday"


def test_spike_rule_on_a_real_store(tmp_path: Path, receiver: Receiver) -> None:
    app = Presswatch(db=str(tmp_path / "spike.db"))
    quiet = [record(f"https://q.example/{d}", f"Port news {d}", ENGLISH, "Quiet", day=d) for d in range(1, 15)]
    ingest(app, tmp_path, quiet, "quiet")
    app.add_alert(Rule("harbour spike", "ana", [receiver.url], "spike", {"query": "harbour"}))
    burst = [
        record(f"https://b{n}.example/h", f"Harbour fire {n}", ENGLISH + f" Report {n}.", f"Outlet {n}", day=15)
        for n in range(12)
    ]
    ingest(app, tmp_path, burst, "burst")
    assert app.evaluate_alerts(datetime(2026, 10, 15, 18)).total == 1
    assert app.evaluate_alerts(datetime(2026, 10, 15, 19)).total == 0, "one spike alert a day"
    [match] = app.alert("harbour spike")["matches"]
    assert match["why"].startswith("coverage spike: 12 articles today for the search 'harbour', against a median of 0")


CHILD = """
import sys
from presswatch import Presswatch
app = Presswatch(db=sys.argv[1], webhook_networks="private")
app.evaluate_alerts()
print("evaluated", flush=True)
app.send_alerts()
print("sent", flush=True)
"""


@pytest.mark.sqlite_only(reason="subprocesses open the store by its file path")
def test_kill_9_between_match_and_delivery_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    slow = Receiver(delay=0.5)
    try:
        app = store(tmp_path)
        for n in range(5):
            app.add_alert(Rule(f"rule {n}", "ana", [slow.url], "search", {"query": "harbour OR quarry"}))
        ingest(app, tmp_path, SECOND, "second")
        app.process()
        app.close()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")}
        child = subprocess.Popen([sys.executable, "-c", CHILD, app.settings.db], stdout=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 60
        while len(slow.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)  # the second request is in flight, three deliveries wait
        child.wait()
        assert child.returncode == -signal.SIGKILL
        in_flight = slow.requests[-1][0]["x-presswatch-delivery"]
        slow.delay = 0.0
        again = subprocess.run(
            [sys.executable, "-c", CHILD, app.settings.db], capture_output=True, env=env, timeout=120
        )
        assert again.returncode == 0, again.stderr.decode()
        ids = [headers["x-presswatch-delivery"] for headers, _ in slow.requests]
        assert sorted(set(ids)) == sorted({str(h["id"]) for h in Presswatch(db=app.settings.db).alert_history()})
        assert len(set(ids)) == 5, "nothing lost: every delivery arrived"
        repeated = {i for i in ids if ids.count(i) > 1}
        assert repeated <= {in_flight}, "only the one in flight at the kill may come twice, with the same id"
        history = Presswatch(db=app.settings.db).alert_history()
        assert {h["status"] for h in history} == {"sent"}
        # a kill after the evaluation committed and before any send: the outbox keeps everything
        app2 = Presswatch(db=app.settings.db, webhook_networks="private")
        ingest(app2, tmp_path, [record("https://d.example/q", "Quarry again", ZETA + " More.", "Delta")], "fourth")
        app2.process()
        app2.close()
        slow.delay = 5.0
        before = len(slow.requests)
        child = subprocess.Popen([sys.executable, "-c", CHILD, app.settings.db], stdout=subprocess.PIPE, env=env)
        assert child.stdout is not None and child.stdout.readline().strip() == b"evaluated"
        child.send_signal(signal.SIGKILL)
        child.wait()
        slow.delay = 0.0
        subprocess.run([sys.executable, "-c", CHILD, app.settings.db], check=True, capture_output=True, env=env)
        new_ids = [h["x-presswatch-delivery"] for h, _ in slow.requests[before:]]
        assert len(set(new_ids)) == 5
        assert len(new_ids) - 5 <= 1, "at most the one in flight at the kill came twice"
    finally:
        slow.close()


def test_the_alerts_commands(tmp_path: Path, receiver: Receiver) -> None:
    from typer.testing import CliRunner

    from presswatch.cli import app as cli

    store(tmp_path).close()
    db = str(tmp_path / "alerts.db")
    env = {"PRESSWATCH_WEBHOOK_NETWORKS": "private"}
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(cli, ["--db", db, "alerts", *args], env=env)

    added = run(
        "add",
        "harbour",
        "--trigger",
        "search",
        "--query",
        "harbour",
        "--send-to",
        receiver.url,
        "--send-to",
        "feed",
        "--json",
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["feed_token"]
    assert run("add", "bad", "--trigger", "copies", "--send-to", "feed").exit_code == 2
    assert [r["name"] for r in json.loads(run("list", "--json").stdout)] == ["harbour"]
    tested = run("test", "harbour")
    assert tested.exit_code == 0 and f"{receiver.url}: sent" in tested.stdout
    assert json.loads(receiver.requests[0][1])["test"] is True
    assert run("pause", "harbour").exit_code == 0 and json.loads(run("show", "harbour", "--json").stdout)["paused"]
    assert run("resume", "harbour").exit_code == 0
    assert json.loads(run("history", "--json").stdout) == []
    later = Presswatch(db=db)
    ingest(later, tmp_path, SECOND, "second")
    later.close()
    processed = runner.invoke(cli, ["--db", db, "process"], env=env)
    assert processed.exit_code == 0 and "alerts: 1 new matches of 1 rules, in the outbox for `run`" in processed.output
    [waiting] = json.loads(run("history", "--json").stdout)
    assert waiting["status"] == "pending" and waiting["why"] == ["matches the search 'harbour'"]
    missing = run("show", "nothing")
    assert missing.exit_code == 2 and "no alert 'nothing'; the alerts are: harbour" in missing.output
    assert run("remove", "harbour").exit_code == 0 and json.loads(run("list", "--json").stdout) == []


def test_the_alerts_json_api(tmp_path: Path, receiver: Receiver) -> None:
    import re

    from fastapi.testclient import TestClient

    from presswatch.web.app import create_app

    app = store(tmp_path)
    app.add_user("ed", "ed-password-1", "editor")
    web = TestClient(create_app(app), follow_redirects=False)
    assert web.get("/api/alerts").status_code == 401
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', web.get("/login").text)
    assert found
    token = found.group(1)
    assert web.post("/login", data={"name": "ed", "password": "ed-password-1", "csrf_token": token}).status_code == 303
    headers = {"X-CSRF-Token": token}
    body = {"name": "harbour", "trigger": "search", "send_to": [receiver.url, "feed"], "params": {"query": "harbour"}}
    added = web.post("/api/alerts", json=body, headers=headers)
    assert added.status_code == 201, added.text
    assert added.json()["owner"] == "ed" and added.json()["feed_url"].startswith("/alerts/feed/")
    assert [a["name"] for a in web.get("/api/alerts").json()] == ["harbour"]
    assert web.post("/api/alerts/harbour/test", headers=headers).json() == {receiver.url: "sent"}
    ingest(app, tmp_path, SECOND, "second")
    app.process()
    app.evaluate_alerts()
    app.send_alerts()
    [sent] = web.get("/api/alerts/harbour/history").json()
    assert sent["status"] == "sent" and sent["why"] == ["matches the search 'harbour'"]
    entries = feedparser.parse(web.get(added.json()["feed_url"]).text).entries
    assert [e.link for e in entries] == ["https://b.example/harbour"]
    assert web.post("/api/alerts/harbour/pause", headers=headers).json()["paused"] is True
    assert web.post("/api/alerts", json={**body, "trigger": "nope"}, headers=headers).status_code == 400
    assert web.delete("/api/alerts/harbour", headers=headers).status_code == 204
    assert web.get("/api/alerts/harbour").status_code == 404


def test_without_apprise_a_chat_alert_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # as if `presswatch[notify]` were not installed
    app = store(tmp_path)
    app.add_alert(Rule("chat", "ana", ["tgram://bottoken/chatid"], "search", {"query": "harbour"}))
    assert app.test_alert("chat") == {
        "tgram://bottoken/chatid": "failed: the alert channel tgram:// needs apprise: pip install 'presswatch[notify]'"
    }
    ingest(app, tmp_path, SECOND, "second")
    app.process()
    app.evaluate_alerts()
    assert app.send_alerts().failed == 1, "no retry can help: failed at once, with the advice"
    assert "pip install 'presswatch[notify]'" in app.alert_history("chat")[0]["last_error"]
