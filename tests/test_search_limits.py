"""Search that cannot be abused: caps on the query's length and words, a statement deadline, through the
Python API, the CLI and /api/search, over the pre-filled web store (the `web_db` fixture)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app as cli_app
from presswatch.errors import QueryTimeout, UsageError
from presswatch.store.queries import fts_query
from presswatch.users import User
from presswatch.web.app import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HUGE_QUERY = " ".join(["camp"] * 30_000)  # took minutes before the caps, and ignored SIGTERM
# As many words in a URL short enough for an HTTP client to send (httpx stops at 64 KiB).
HUGE_URL_QUERY = " ".join(["a"] * 30_000)
# Ended the old parser's run with a word FTS5 had to rank and cut snippets for, 64 times per matching row.
MANY_WORDS = [" ".join(["camp"] * 64), " OR ".join(["camp", "the"] * 32), " ".join(["c*"] * 64)]


@pytest.fixture(scope="module")
def pw(web_pw: Presswatch) -> Presswatch:
    """The shared pre-filled web store (conftest's web_pw)."""
    return web_pw


@pytest.fixture
def public_client(pw: Presswatch) -> TestClient:
    return TestClient(create_app(pw, public=True), follow_redirects=False)


def assert_error(response: object, status: int, code: str) -> str:
    from .test_web_api import assert_error as shape

    return str(shape(response, status, code)["message"])


def test_a_30000_word_query_is_refused_at_once_by_the_api_the_cli_and_the_web(
    pw: Presswatch, public_client: TestClient, web_db: Path
) -> None:
    started = time.monotonic()
    with pytest.raises(UsageError, match="max_query_chars"):
        pw.search(HUGE_QUERY)
    message = assert_error(public_client.get("/api/search", params={"q": HUGE_URL_QUERY}), 400, "usage")
    assert "max_query_chars" in message and "59,999 characters" in message
    assert public_client.get("/search", params={"q": HUGE_URL_QUERY}).status_code == 400
    result = CliRunner().invoke(cli_app, ["--db", str(web_db), "search", HUGE_QUERY])
    assert result.exit_code == 2 and "max_query_chars" in result.output
    assert time.monotonic() - started < 10


def test_more_words_than_the_cap_are_refused_naming_the_setting(pw: Presswatch, public_client: TestClient) -> None:
    many = " ".join(f"w{i}" for i in range(65))  # 65 words in 345 characters: under the length cap
    with pytest.raises(UsageError, match="max_query_terms"):
        pw.search(many)
    assert "max_query_terms" in assert_error(public_client.get("/api/search", params={"q": many}), 400, "usage")
    # Operators are not words; each word of a phrase is.
    assert pw.search(" OR ".join(["camp"] * 64)) is not None
    with pytest.raises(UsageError, match="max_query_terms"):
        pw.search('"' + " ".join(["camp"] * 65) + '"')
    viewer = next(u for u in pw.users() if u["name"] == "viewer")
    with pytest.raises(UsageError, match="max_query_terms"):  # a saved search must be one that can run
        pw.save_search(User(viewer["id"], "viewer", "viewer"), "too long", many, {})


@pytest.mark.parametrize("query", MANY_WORDS, ids=["and", "or", "prefix"])
def test_a_query_of_many_words_under_the_caps_answers_quickly(public_client: TestClient, query: str) -> None:
    started = time.monotonic()
    response = public_client.get("/api/search", params={"q": query, "size": 100})
    assert response.status_code == 200 and response.json()["results"]
    assert time.monotonic() - started < 5


def test_snippets_come_with_the_page_in_either_order(pw: Presswatch) -> None:
    from presswatch.api import ArticleFilter

    for sort in ("relevance", "date"):
        rows = pw.search("camp", ArticleFilter(limit=3, sort=sort))
        assert len(rows) == 3 and all("[" in row["snippet"] for row in rows), sort
        paged = pw.search("camp", ArticleFilter(limit=2, offset=1, sort=sort))
        assert [r["id"] for r in paged] == [r["id"] for r in rows[1:]], sort
    dates = [r["published_at"] for r in pw.search("camp", ArticleFilter(sort="date"))]
    assert dates == sorted(dates, reverse=True)


def test_parsing_is_one_pass_and_stops_at_the_cap() -> None:
    started = time.monotonic()
    assert fts_query("camp " * 200_000, max_terms=10**6).count('"camp"') == 200_000
    with pytest.raises(UsageError):
        fts_query(HUGE_QUERY * 10)
    assert fts_query('"a b" c* AND OR d NOT') == '"a b" "c"* OR "d"'
    assert fts_query("OR NOT camp") == '"camp"'
    assert fts_query('"" camp') == '"" "camp"'
    assert time.monotonic() - started < 5


def test_a_search_past_its_deadline_is_stopped_with_a_named_error(web_db: Path) -> None:
    # 1 µs: SQLite looks at the clock every thousand steps of a statement, and the first look is past it.
    hurried = Presswatch(db=str(web_db), search_seconds=0.000001)
    try:
        with pytest.raises(QueryTimeout, match="search_seconds"):
            hurried.search("camp")
        client = TestClient(create_app(hurried, public=True))
        assert "search_seconds" in assert_error(client.get("/api/search", params={"q": "camp"}), 503, "timeout")
        assert client.get("/search", params={"q": "camp"}).status_code == 503
        assert hurried.articles()  # the deadline ends with the search: the same connection lists articles
    finally:
        hurried.close()
    env = {"PRESSWATCH_SEARCH_SECONDS": "0.000001"}
    result = CliRunner().invoke(cli_app, ["--db", str(web_db), "search", "camp"], env=env)
    assert result.exit_code == 1 and "search_seconds" in result.output


def test_the_deadline_does_not_outlive_its_search(web_db: Path) -> None:
    patient = Presswatch(db=str(web_db), search_seconds=0.2)
    try:
        assert patient.search("camp")
        time.sleep(0.3)
        assert patient.articles() and patient.stats()["articles"] > 0  # same pooled connection, no deadline
    finally:
        patient.close()
