"""`presswatch run`: schedules on a controllable clock (never by sleeping), job state in a real SQLite store, the
real jobs end to end, and two real `run` processes on one store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from presswatch import Presswatch
from presswatch.alerts import Rule
from presswatch.errors import UsageError
from presswatch.schedule import Job, Scheduler, next_time

from .test_alerts import FIRST, SECOND, Receiver, ingest

PROJECT = Path(__file__).resolve().parent.parent


def test_cron_in_a_time_zone() -> None:
    thursday = datetime(2026, 12, 10, 12, 0)  # UTC; Tirane is UTC+1 in December, UTC+2 in October
    assert next_time("0 9 * * FRI", "Europe/Tirane", thursday) == datetime(2026, 12, 11, 8, 0)
    assert next_time("0 9 * * FRI", "Europe/Tirane", datetime(2026, 10, 8)) == datetime(2026, 10, 9, 7, 0)
    with pytest.raises(UsageError, match="time zone"):
        Scheduler(Presswatch(db=":memory:").store, [], "Mars/Olympus")


def test_a_missed_job_runs_once_and_state_is_kept(tmp_path: Path) -> None:
    app = Presswatch(db=str(tmp_path / "run.db"))
    ran: list[str] = []
    jobs = [Job("hourly", lambda: ran.append("hourly") or "did it", cron="0 * * * *")]
    start = datetime(2026, 12, 7, 10, 30)
    assert Scheduler(app.store, jobs).run_due(start) == []  # a cron job waits for its first slot
    assert Scheduler(app.store, jobs).run_due(start + timedelta(minutes=29)) == []
    # down from 10:59 to 16:10: five slots missed, one run
    outcomes = Scheduler(app.store, jobs).run_due(datetime(2026, 12, 7, 16, 10))
    assert [o.outcome for o in outcomes] == ["ok"] and ran == ["hourly"]
    assert Scheduler(app.store, jobs).run_due(datetime(2026, 12, 7, 16, 50)) == []
    [state] = Scheduler(app.store, jobs).status()
    assert state["runs"] == 1 and state["next_run"] == datetime(2026, 12, 7, 17, 0)
    assert state["last_run"] == datetime(2026, 12, 7, 16, 10) and state["outcome"] == "ok"


def test_a_failing_job_is_recorded_and_the_others_run(tmp_path: Path) -> None:
    app = Presswatch(db=str(tmp_path / "run.db"))

    def broken() -> str:
        raise RuntimeError("the server is down")

    ran: list[str] = []
    jobs = [Job("broken", broken, every_minutes=5), Job("fine", lambda: ran.append("x") or "ok", every_minutes=5)]
    outcomes = Scheduler(app.store, jobs).run_due(datetime(2026, 12, 7, 10))
    assert [(o.name, o.outcome) for o in outcomes] == [("broken", "failed"), ("fine", "ok")]
    status = {s["job"]: s for s in Scheduler(app.store, jobs).status()}
    assert status["broken"]["error"] == "RuntimeError: the server is down"
    assert status["broken"]["next_run"] == datetime(2026, 12, 7, 10, 5)


def test_stop_is_checked_between_jobs(tmp_path: Path) -> None:
    app = Presswatch(db=str(tmp_path / "run.db"))
    stopped: list[bool] = []
    jobs = [
        Job("first", lambda: stopped.append(True) or "stop asked", every_minutes=5),
        Job("second", lambda: "never", every_minutes=5),
    ]
    outcomes = Scheduler(app.store, jobs).run_due(datetime(2026, 12, 7, 10), stop=lambda: bool(stopped))
    assert [o.name for o in outcomes] == ["first"]
    assert Scheduler(app.store, jobs).run_due(datetime(2026, 12, 7, 10, 1))[0].name == "second"


def test_the_real_jobs_on_a_controlled_clock(tmp_path: Path) -> None:
    receiver = Receiver()
    try:
        clock = [datetime(2026, 10, 8, 6, 0)]
        app = Presswatch(
            db=str(tmp_path / "run.db"),
            webhook_networks="private",
            timezone="Europe/Tirane",
            fetch_at="",
            process_when_waiting=2,
        )
        ingest(app, tmp_path, FIRST, "first")
        app.add_alert(Rule("harbour", "ana", [receiver.url], "search", {"query": "harbour"}))
        scheduler = app.scheduler(clock=lambda: clock[0])
        assert [j.name for j in scheduler.jobs] == ["process", "send-alerts", "digest-draft"]
        assert [o.name for o in scheduler.run_due(clock[0])] == ["process"]  # cron jobs wait for their slot
        clock[0] += timedelta(minutes=5)
        assert [o.name for o in scheduler.run_due(clock[0])] == ["send-alerts"]  # process waits 15 minutes ...
        ingest(app, tmp_path, SECOND, "second")
        outcomes = scheduler.run_due(clock[0])  # ... unless two new articles wait
        assert [o.name for o in outcomes] == ["process"]
        assert "1 new alert matches; sent 1 alert messages" in outcomes[0].summary
        assert json.loads(receiver.requests[0][1])["items"][0]["url"] == "https://b.example/harbour"
        clock[0] = datetime(2026, 10, 9, 7, 0)  # Friday 09:00 in Tirane
        outcomes = scheduler.run_due(clock[0])
        assert "digest-draft" in [o.name for o in outcomes]
        assert app.saved_draft(app.latest_article_week()) is not None  # type: ignore[arg-type]
    finally:
        receiver.close()


def _presswatch(db: Path, *args: str) -> list[str]:
    return [str(PROJECT / ".venv" / "bin" / "presswatch"), "--db", str(db), *args]


def test_two_runs_on_one_store(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    env = {**os.environ, "PRESSWATCH_FETCH_AT": "", "PRESSWATCH_DIGEST_DRAFT_AT": ""}
    assert subprocess.run(_presswatch(db, "init"), env=env, capture_output=True).returncode == 0
    first = subprocess.Popen(_presswatch(db, "run"), env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert first.stderr is not None
        assert first.stderr.readline().startswith("presswatch run: jobs process, send-alerts")
        second = subprocess.run(_presswatch(db, "run", "--once"), env=env, capture_output=True, text=True)
        assert second.returncode == 2
        assert "another `presswatch run` is running on this store (pid " in second.stderr
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
    once = subprocess.run(_presswatch(db, "run", "--once"), env=env, capture_output=True, text=True)
    assert once.returncode == 0, once.stderr
    status = subprocess.run(_presswatch(db, "run", "--status", "--json"), env=env, capture_output=True, text=True)
    assert status.returncode == 0, status.stderr
    jobs = {job["job"]: job for job in json.loads(status.stdout)}
    assert jobs["process"]["outcome"] == "ok" and jobs["process"]["runs"] == 1  # the first run did it, once
    assert jobs["send-alerts"]["next_run"] is not None
