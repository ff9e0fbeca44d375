"""Accounts under attack: login throttling per account and per address with backoff, a log line per failure,
sessions that expire; over a fresh store per test, through the JSON API, the login page and the Python API."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from presswatch import Presswatch
from presswatch.errors import TooManyAttempts
from presswatch.store.queries import now
from presswatch.store.schema import login_throttle, web_sessions
from presswatch.users.accounts import FIRST_LOCK, LONGEST_LOCK, SESSION_IDLE
from presswatch.web.app import create_app

from .test_web_api import assert_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PASSWORD = "right-password-1"


@pytest.fixture
def ana(pw: Presswatch) -> Presswatch:
    pw.add_user("ana", PASSWORD, "editor")
    return pw


def api_login(client: TestClient, name: str, password: str) -> Any:
    """POST /api/login with this browser's CSRF token."""
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert token
    return client.post("/api/login", json={"name": name, "password": password}, headers={"x-csrf-token": token[1]})


def test_thirty_wrong_passwords_are_not_all_answered(ana: Presswatch, caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(create_app(ana))
    caplog.set_level(logging.WARNING, logger="presswatch.users.accounts")
    started = time.monotonic()
    answers = [api_login(client, "ana", f"guess-{i}") for i in range(30)]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    for answer in answers[5:]:
        assert_error(answer, 429, "throttled")
        assert 0 < int(answer.headers["retry-after"]) <= FIRST_LOCK.total_seconds()
    assert time.monotonic() - started < 30  # refused at once: no password is even checked
    # The right password is refused too while the account is locked.
    message = assert_error(api_login(client, "ana", PASSWORD), 429, "throttled")["message"]
    assert "too many failed logins for this account" in message and "try again in" in message
    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("failed login")]
    assert failures == ["failed login for account 'ana' from testclient"] * 5
    assert not any("guess" in r.getMessage() or PASSWORD in r.getMessage() for r in caplog.records)


def test_the_login_page_is_throttled_too_with_retry_after(ana: Presswatch) -> None:
    client = TestClient(create_app(ana))
    for _ in range(5):
        api_login(client, "ana", "wrong-wrong")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    assert token
    response = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token[1]})
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert "too many failed logins" in response.text


def test_a_successful_login_starts_the_account_count_afresh(ana: Presswatch) -> None:
    for _ in range(4):
        assert ana.login("ana", "wrong-wrong", "10.0.0.1") is None
    assert ana.login("ana", PASSWORD, "10.0.0.1")
    for _ in range(4):
        assert ana.login("ana", "wrong-wrong", "10.0.0.1") is None  # four more, still no lock
    assert ana.login("ana", PASSWORD, "10.0.0.1")


def test_each_lock_doubles_up_to_the_longest(ana: Presswatch) -> None:
    waits = []
    for _ in range(5):
        ana.login("ana", "wrong-wrong", "10.0.0.2")
    for _ in range(8):
        with pytest.raises(TooManyAttempts) as refused:
            ana.login("ana", PASSWORD, "10.0.0.2")
        waits.append(refused.value.retry_after)
        with ana.store.begin() as conn:  # the lock has passed: the next guess is heard, and fails
            conn.execute(update(login_throttle).values(locked_until=now() - timedelta(seconds=1)))
        assert ana.login("ana", "wrong-wrong", "10.0.0.2") is None
    first, longest = FIRST_LOCK.total_seconds(), LONGEST_LOCK.total_seconds()
    expected = [min(longest, first * 2**n) for n in range(8)]
    assert all(abs(wait - want) <= 2 for wait, want in zip(waits, expected, strict=True)), waits


def test_one_address_guessing_many_accounts_is_throttled(ana: Presswatch) -> None:
    for i in range(20):  # one try per account: no account reaches its own allowance
        assert ana.login(f"user{i}", "wrong-wrong", "203.0.113.9") is None
    with pytest.raises(TooManyAttempts, match="from your address"):
        ana.login("ana", PASSWORD, "203.0.113.9")
    assert ana.login("ana", PASSWORD, "203.0.113.10")  # another address, the same account: heard


def test_the_lock_holds_across_processes_and_restarts(ana: Presswatch) -> None:
    for _ in range(5):
        ana.login("ana", "wrong-wrong", "10.0.0.3")
    other = Presswatch(db=ana.settings.db)  # another server process over the same store, or after a restart
    try:
        with pytest.raises(TooManyAttempts):
            other.login("ana", PASSWORD, "10.0.0.4")
    finally:
        other.close()


def test_sessions_expire_after_their_days_and_when_idle(ana: Presswatch) -> None:
    token = ana.login("ana", PASSWORD)
    assert token and ana.session_user(token)
    with ana.store.begin() as conn:
        conn.execute(update(web_sessions).values(expires_at=now() - timedelta(seconds=1)))
    assert ana.session_user(token) is None

    idle = ana.login("ana", PASSWORD)
    assert idle and ana.session_user(idle)
    with ana.store.begin() as conn:
        conn.execute(update(web_sessions).values(last_seen_at=now() - SESSION_IDLE - timedelta(minutes=1)))
    assert ana.session_user(idle) is None

    used = ana.login("ana", PASSWORD)
    assert used
    long_ago = now() - SESSION_IDLE + timedelta(hours=1)
    with ana.store.begin() as conn:
        conn.execute(update(web_sessions).values(last_seen_at=long_ago))
    assert ana.session_user(used)  # still live, and its use is noted: the idle clock starts again
    with ana.store.connect() as conn:
        seen = conn.execute(select(web_sessions.c.last_seen_at)).scalar_one()
    assert seen > long_ago + timedelta(hours=1)


def test_an_expired_session_cookie_is_refused_by_the_api(ana: Presswatch) -> None:
    client = TestClient(create_app(ana))
    assert api_login(client, "ana", PASSWORD).json() == {"name": "ana", "role": "editor"}
    assert client.get("/api/me").status_code == 200
    with ana.store.begin() as conn:
        conn.execute(update(web_sessions).values(expires_at=now() - timedelta(seconds=1)))
    assert_error(client.get("/api/me"), 401, "login")
