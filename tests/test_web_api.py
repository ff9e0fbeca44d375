"""The web UI and JSON API through FastAPI's test client, over one pre-filled store (the `web_db` fixture)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app as cli_app
from presswatch.web.app import create_app

from .conftest import ENGLISH, HOSTILE_TITLE, HOSTILE_URL, WEB_USERS, page, translation_pair

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
API_WEEK = "2026-W42"  # the browser tests edit another week: the two never meet in the shared store


@pytest.fixture(scope="module")
def pw(web_pw: Presswatch) -> Presswatch:
    """The shared pre-filled web store (conftest's web_pw)."""
    return web_pw


@pytest.fixture
def client(pw: Presswatch) -> TestClient:
    """A fresh browser (no cookies) on the app in its default mode: everything needs a login."""
    return TestClient(create_app(pw), follow_redirects=False)


@pytest.fixture
def public_client(pw: Presswatch) -> TestClient:
    return TestClient(create_app(pw, public=True), follow_redirects=False)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    body = client.get(path).text
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', body)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: TestClient, role: str) -> str:
    """Log in as the user of that role; return a CSRF token for the session's forms and API calls."""
    token = csrf_of(client)
    response = client.post("/login", data={"name": role, "password": WEB_USERS[role], "csrf_token": token})
    assert response.status_code == 303, response.text
    return token


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape of the API: {"error": {"code", "message", "details"}}, always all three."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def hostile_id(pw: Presswatch) -> int:
    found = pw.article(HOSTILE_URL)
    assert found is not None and found["title"] == HOSTILE_TITLE
    return int(found["id"])


# ---- access, sessions, CSRF, headers --------------------------------------------------------------


def test_without_login_pages_redirect_and_the_api_answers_401(client: TestClient) -> None:
    response = client.get("/search?q=Tolu")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fsearch%3Fq%3DTolu"
    assert_error(client.get("/api/search?q=Tolu"), 401, "login")


def test_login_sets_an_httponly_samesite_cookie_and_needs_the_csrf_token(client: TestClient) -> None:
    token = csrf_of(client)
    refused = client.post("/login", data={"name": "viewer", "password": WEB_USERS["viewer"]})
    assert refused.status_code == 403 and "CSRF" in refused.text
    wrong = client.post("/login", data={"name": "viewer", "password": "not-it", "csrf_token": token})
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    response = client.post(
        "/login", data={"name": "viewer", "password": WEB_USERS["viewer"], "csrf_token": token, "next": "/stories"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/stories"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("pw_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/api/me").json() == {"name": "viewer", "role": "viewer"}


def test_a_form_opened_before_a_restart_still_posts(pw: Presswatch) -> None:
    before = TestClient(create_app(pw), follow_redirects=False)
    token = csrf_of(before)
    restarted = TestClient(create_app(pw), follow_redirects=False)  # a new process over the same store
    restarted.cookies.update(before.cookies)
    response = restarted.post("/login", data={"name": "viewer", "password": WEB_USERS["viewer"], "csrf_token": token})
    assert response.status_code == 303


def test_login_never_redirects_off_the_site(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"name": "viewer", "password": WEB_USERS["viewer"], "csrf_token": token, "next": "//evil.example/"},
    )
    assert response.headers["location"] == "/search"


def test_logout_ends_the_session(client: TestClient) -> None:
    token = login(client, "viewer")
    assert client.get("/api/me").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert_error(client.get("/api/me"), 401, "login")


def test_every_response_carries_a_content_security_policy(client: TestClient) -> None:
    login(client, "viewer")
    for path in ("/search", "/api/search?q=Tolu", "/articles/999999", "/api/articles/999999", "/login"):
        policy = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy, path
        assert "unsafe-inline" not in policy.split("style-src")[0], path


# ---- one error shape (web/errors.py) ---------------------------------------------------------------


def test_an_unknown_article_is_404_not_found(client: TestClient) -> None:
    login(client, "viewer")
    error = assert_error(client.get("/api/articles/999999"), 404, "not_found")
    assert error["message"] == "no article 999999" and error["details"] is None


def test_a_bad_date_is_400_usage(client: TestClient) -> None:
    login(client, "viewer")
    error = assert_error(client.get("/api/search", params={"q": "x", "until": "next tuesday"}), 400, "usage")
    assert "next tuesday" in error["message"]
    assert_error(client.get("/api/search", params={"since": "2026-13-01"}), 400, "usage")


def test_a_post_without_the_csrf_token_is_403_csrf(client: TestClient) -> None:
    login(client, "editor")
    error = assert_error(client.post(f"/api/digests/{API_WEEK}/publish"), 403, "csrf")
    assert "CSRF" in error["message"]


def test_an_editor_call_without_login_is_401_login(client: TestClient) -> None:
    token = csrf_of(client)
    error = assert_error(client.post(f"/api/digests/{API_WEEK}/draft", headers={"x-csrf-token": token}), 401, "login")
    assert "/login" in error["message"]  # says what to do


def test_a_role_too_weak_is_403_permission(client: TestClient) -> None:
    token = login(client, "viewer")
    error = assert_error(
        client.post(f"/api/digests/{API_WEEK}/publish", headers={"x-csrf-token": token}), 403, "permission"
    )
    assert "editor" in error["message"]


def test_an_unknown_api_route_is_404_and_a_wrong_method_405(client: TestClient) -> None:
    login(client, "viewer")
    error = assert_error(client.get("/api/no-such-thing"), 404, "not_found")
    assert "/api/openapi.json" in error["message"]
    assert_error(
        client.put("/api/search", headers={"x-csrf-token": csrf_of(client, "/search")}), 405, "method_not_allowed"
    )


def test_a_request_that_does_not_fit_the_declared_parameters_is_422_invalid(client: TestClient) -> None:
    """FastAPI's validation (a path id that is no number, a page below 1) stays 422, in our shape, with where and
    what; 400 `usage` is for requests that fit the parameters but that presswatch cannot carry out."""
    login(client, "viewer")
    error = assert_error(client.get("/api/articles/abc"), 422, "invalid")
    assert [d["where"] for d in error["details"]] == ["path.article_id"] and "article_id" in error["message"]
    error = assert_error(client.get("/api/search?page=0"), 422, "invalid")
    assert error["details"][0]["where"] == "query.page"


def test_pages_get_the_error_page_not_json(client: TestClient) -> None:
    login(client, "viewer")
    for path, status in (("/articles/999999", 404), ("/articles/abc", 422), ("/no-such-page", 404)):
        response = client.get(path)
        assert response.status_code == status and response.headers["content-type"].startswith("text/html"), path
        assert f"Error {status}" in response.text, path


def test_every_error_class_has_one_status() -> None:
    from presswatch import errors
    from presswatch.web.errors import status_of

    expected = {
        "UsageError": 400,
        "ConfigError": 400,
        "NotFound": 404,
        "PermissionDenied": 403,
        "LoginRequired": 401,
        "CsrfFailed": 403,
        "StoreError": 503,
        "QueryTimeout": 503,
    }
    for name, status in expected.items():
        assert status_of(getattr(errors, name)()) == status, name
    assert status_of(errors.TooManyAttempts("too many failed logins", 30)) == 429
    assert status_of(errors.ItemError("one item failed")) == 500


def test_the_openapi_schema_lists_the_api_and_its_error_shape(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert {"/api/search", "/api/articles/{article_id}/provenance", "/api/copies", "/api/sources"} <= set(
        schema["paths"]
    )
    assert "ErrorBody" in schema["components"]["schemas"]
    assert "404" in schema["paths"]["/api/search"]["get"]["responses"]


def test_viewers_cannot_open_the_editor(client: TestClient) -> None:
    login(client, "viewer")
    assert client.get("/editor").status_code == 403


def test_public_mode_reads_without_login_but_never_edits(public_client: TestClient) -> None:
    assert public_client.get("/search?q=Tolu").status_code == 200
    assert public_client.get("/api/search?q=Tolu").json()["results"]
    assert public_client.get("/editor").status_code == 303
    token = csrf_of(public_client)
    assert_error(public_client.post(f"/api/digests/{API_WEEK}/publish", headers={"x-csrf-token": token}), 401, "login")


# ---- search ----------------------------------------------------------------------------------------


def test_search_finds_folded_words_with_snippets(client: TestClient) -> None:
    login(client, "viewer")
    body = client.get("/api/search", params={"q": "muxhahedinet OR Tolu"}).json()
    assert body["results"] and all("snippet" in r for r in body["results"])
    page_html = client.get("/search", params={"q": "Tolu"}).text
    assert 'class="result"' in page_html


def test_search_filters_by_language_source_entity_and_dates(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    sq = client.get("/api/search", params={"q": "Tolu", "language": "sq", "size": 100}).json()["results"]
    assert sq and {r["language"] for r in sq} == {"sq"}
    source = sq[0]["source"]
    by_source = client.get("/api/search", params={"q": "Tolu", "source": source}).json()["results"]
    assert by_source and {r["source"] for r in by_source} == {source}
    entity = pw.entities()[0]["id"]
    named = client.get("/api/search", params={"entity": entity, "size": 100}).json()["results"]
    assert named
    for row in named[:5]:
        mentions = client.get(f"/api/articles/{row['id']}").json()["mentions"]
        assert entity in {m["entity_id"] for m in mentions}
    topic = pw.watchlist().topics[0].id
    assert client.get("/api/search", params={"topic": topic}).json()["results"]
    window = client.get("/api/search", params={"since": "2026-10-05", "until": "2026-10-06", "size": 100}).json()
    assert window["results"]
    assert all("2026-10-05" <= r["published_at"][:10] <= "2026-10-06" for r in window["results"])


def test_search_sorts_by_date_and_pages_without_overlap(client: TestClient) -> None:
    login(client, "viewer")
    params = {"q": "Tolu OR camp OR families", "sort": "date", "size": 3}
    first = client.get("/api/search", params={**params, "page": 1}).json()
    second = client.get("/api/search", params={**params, "page": 2}).json()
    assert first["has_next"] and len(first["results"]) == 3
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    dates = [r["published_at"] for r in first["results"] + second["results"]]
    assert dates == sorted(dates, reverse=True)
    html_page = client.get("/search", params={**params, "page": 2}).text
    assert 'rel="prev"' in html_page


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "AND",
        "((",
        'a"b',
        "\x00",
        "x" * 1000,
        "NEAR(a b)",
        "title:x",
        "-x",
        "'",
        "a AND OR b",
        "OR NOT camp",
        '"" camp',
        "** a**",
    ],
)
def test_hostile_queries_get_an_answer_not_a_crash(public_client: TestClient, query: str) -> None:
    response = public_client.get("/api/search", params={"q": query})
    assert response.status_code == 200 and isinstance(response.json()["results"], list)
    assert public_client.get("/search", params={"q": query}).status_code == 200


def test_saved_searches_belong_to_their_user(client: TestClient, pw: Presswatch) -> None:
    token = login(client, "viewer")
    response = client.post(
        "/searches", data={"csrf_token": token, "name": "Tolu in Albanian", "q": "Tolu", "language": "sq"}
    )
    assert response.status_code == 303 and "language=sq" in response.headers["location"]
    saved = client.get("/api/saved-searches").json()
    assert [(s["name"], s["query"], s["filters"]) for s in saved] == [("Tolu in Albanian", "Tolu", {"language": "sq"})]
    assert "Tolu in Albanian" in client.get("/search").text
    other = TestClient(create_app(pw), follow_redirects=False)
    login(other, "editor")
    assert other.get("/api/saved-searches").json() == []
    assert_error(
        other.delete(f"/api/saved-searches/{saved[0]['id']}", headers={"x-csrf-token": csrf_of(other, "/search")}),
        404,
        "not_found",
    )
    bad = {"name": "bad", "query": "x", "filters": {"since": "last week"}}
    assert_error(client.post("/api/saved-searches", json=bad, headers={"x-csrf-token": token}), 400, "usage")
    bad["filters"] = {"colour": "red"}
    assert_error(client.post("/api/saved-searches", json=bad, headers={"x-csrf-token": token}), 400, "usage")
    client.delete(f"/api/saved-searches/{saved[0]['id']}", headers={"x-csrf-token": token})
    assert client.get("/api/saved-searches").json() == []


# ---- article, provenance, escaping ------------------------------------------------------------------


def test_the_article_page_shows_a_translation_side_by_side(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    this, other = translation_pair(pw)
    body = client.get(f"/articles/{this['id']}").text
    assert 'class="sidebyside"' in body
    for article in (this, other):
        last_paragraph = article["text"].split("\n")[-1]
        assert str(escape(last_paragraph)) in body  # as Jinja escapes it
        assert f'lang="{article["language"]}"' in body
    assert '<section class="provenance"' in body and "First publisher" in body


def test_the_article_page_marks_shared_passages_and_mentions(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    partial = next(
        row
        for row in pw.articles(None)
        if any(link["kind"] == "partial" for link in pw.provenance(str(row["id"]))["links"])
    )
    body = client.get(f"/articles/{partial['id']}").text
    assert '<mark class="passage"' in body and '<mark class="mention"' in body
    assert 'class="plang"' in body  # each paragraph says its language
    listed = re.findall(r'<section class="mentions">.*?</section>', body, re.S)[0]
    names = re.findall(r"<li><a [^>]*><bdi>[^<]*</bdi></a> as “<bdi>([^<]*)</bdi>”", listed)
    assert names and len(names) == len(set(names))  # one line per entity and written form, with a count
    provenance = client.get(f"/api/articles/{partial['id']}/provenance").json()
    assert provenance["computed"] and any(link["passages"] for link in provenance["links"])


def test_script_in_a_title_is_escaped_everywhere(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    article_id = hostile_id(pw)
    for path in (f"/articles/{article_id}", "/search?q=press+day", "/sources", "/search?sort=date"):
        body = client.get(path).text
        assert "<script>window.__pwned" not in body and "<img src=x" not in body, path
    article_page = client.get(f"/articles/{article_id}").text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in article_page
    assert "Hostile Example &lt;b&gt;Wire&lt;/b&gt;" in article_page
    assert client.get(f"/api/articles/{article_id}").json()["title"] == HOSTILE_TITLE


# ---- stories, entities, sources, copies ------------------------------------------------------------


def assert_svg(response: Any) -> str:
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg")
    return str(response.text)


def test_story_page_and_its_coverage_chart(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    story = max(pw.stories(limit=100), key=lambda s: s["articles"])
    body = client.get(f"/stories/{story['id']}").text
    detail = client.get(f"/api/stories/{story['id']}").json()
    assert len(detail["articles_list"]) == story["articles"]
    # the chart is inline: every article is a mark that links to it, with a tooltip naming it
    for member in detail["articles_list"]:
        assert f'<a href="/articles/{member["id"]}"><path' in body
    assert body.count("<title>") >= 2 * story["articles"]  # both drawings, desktop and phone
    chart = assert_svg(client.get(f"/charts/story/{story['id']}.svg"))
    assert "Coverage over time" in chart
    members = [m for s in pw.stories(limit=100) for m in client.get(f"/api/stories/{s['id']}").json()["articles_list"]]
    assert any(m["is_copy"] for m in members) and not all(m["is_copy"] for m in members)
    assert_error(client.get("/api/stories/999999"), 404, "not_found")


def test_entity_page_shows_attention_outlets_and_spellings(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    entity = max(pw.entities(), key=lambda e: e["articles"])
    found = client.get(f"/api/entities/{entity['id']}").json()
    assert sum(d["articles"] for d in found["per_day"]) == entity["articles"]
    assert {d["language"] for d in found["per_day"]} == set(entity["by_language"])
    assert found["outlets"] and len(found["spellings"]) > 1 and found["aliases"]
    body = client.get(f"/entities/{entity['id']}").text
    assert "Top outlets" in body and "Spellings seen" in body
    day = found["per_day"][0]
    bar = "/search?" + urlencode(
        {"entity": entity["id"], "since": day["day"], "until": day["day"], "sort": "date", "language": day["language"]}
    )
    assert f'<a href="{html.escape(bar)}">' in body  # a bar opens the articles it counts
    assert f'href="/sources/{found["outlets"][0]["id"]}"' in body
    assert "Articles per day" in assert_svg(client.get(f"/charts/entity/{entity['id']}.svg"))
    assert_error(client.get("/api/entities/nobody"), 404, "not_found")


def test_sources_page_reads_health_from_the_sources_table(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    sources = client.get("/api/sources").json()
    assert {s["name"] for s in sources} == set(pw.stats()["by_source"])
    assert {"status", "last_success_at", "last_error", "error_streak", "last_polled_at", "next_poll_at"} <= set(
        sources[0]
    )
    body = client.get("/sources").text
    assert "never fetched" in body and '<span class="tag ok">' not in body
    # the sample's outlets came from files: none is "ok", each is "not watched"
    assert {s["status"] for s in sources} == {"not_watched"}
    assert all(f'<a href="/sources/{s["id"]}" dir="auto">{html.escape(s["name"])}</a>' in body for s in sources)


def test_a_feed_never_polled_is_never_fetched_not_ok(client: TestClient, pw: Presswatch) -> None:
    from sqlalchemy import select, update

    from presswatch.store.schema import sources

    login(client, "viewer")
    with pw.store.begin() as conn:
        source_id = conn.execute(select(sources.c.id).order_by(sources.c.id.desc())).scalars().first()
        conn.execute(update(sources).where(sources.c.id == source_id).values(feed_url="https://x.example/feed"))
    try:
        listed = {s["id"]: s for s in client.get("/api/sources").json()}
        assert listed[source_id]["status"] == "never_fetched"
        assert client.get(f"/api/sources/{source_id}").json()["status"] == "never_fetched"
        assert '<span class="tag never_fetched">never fetched</span>' in client.get("/sources").text
        assert "has not been polled yet" in client.get(f"/sources/{source_id}").text
    finally:
        with pw.store.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source_id).values(feed_url=None))


def test_sources_page_shows_a_failing_source_and_escapes_its_error(client: TestClient, pw: Presswatch) -> None:
    from datetime import datetime

    from sqlalchemy import select, update

    from presswatch.store.schema import sources

    login(client, "viewer")
    health = {
        "feed_url": "https://failing.example/feed.xml",
        "status": "failing",
        "error_streak": 3,
        "last_error": "HTTP 503 <script>window.__pwned=4</script>",
        "last_polled_at": datetime(2026, 11, 2, 8, 30),
        "last_success_at": datetime(2026, 11, 1, 8, 0),
    }
    with pw.store.begin() as conn:
        source_id = conn.execute(select(sources.c.id).order_by(sources.c.id)).scalars().first()
        before = conn.execute(select(*(sources.c[k] for k in health)).where(sources.c.id == source_id)).one()
        conn.execute(update(sources).where(sources.c.id == source_id).values(**health))
    try:
        body = client.get("/sources").text
        assert '<span class="tag failing">failing</span>' in body
        assert "HTTP 503 &lt;script&gt;window.__pwned=4&lt;/script&gt;" in body and "<script>window" not in body
        assert "2 Nov 2026 08:30 UTC" in body and "1 Nov 2026 08:00 UTC" in body
        listed = {s["id"]: s for s in client.get("/api/sources").json()}
        assert listed[source_id]["error_streak"] == 3 and listed[source_id]["status"] == "failing"
    finally:
        with pw.store.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source_id).values(**before._mapping))


def test_copy_network_as_table_and_graph(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    network = client.get("/api/copies").json()
    assert network == [dict(e) for e in pw.copies()]
    body = client.get("/copies").text
    assert html.escape(network[0]["copier"]) in body and "Median delay" in body
    graph = assert_svg(client.get("/charts/copies.svg"))
    assert html.escape(network[0]["origin"]) in graph
    # every edge links to the copies behind it, every outlet to its page: in the table and in the chart
    for e in network:
        assert body.count(f'href="/copies/{e["origin_id"]}/{e["copier_id"]}"') >= 3  # the row, two drawings
        assert f'<a href="/copies/{e["origin_id"]}/{e["copier_id"]}">' in graph
        assert f'href="/sources/{e["copier_id"]}"' in body and f'href="/sources/{e["origin_id"]}"' in body
    assert f"<title>{html.escape(network[0]['copier'])} ← {html.escape(network[0]['origin'])}: " in graph


def test_an_edge_of_the_copy_network_lists_the_articles_behind_its_count(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    for e in client.get("/api/copies").json():
        edge = client.get(f"/api/copies/{e['origin_id']}/{e['copier_id']}").json()
        assert edge["origin"] == {"id": e["origin_id"], "name": e["origin"]}
        assert edge["copier"] == {"id": e["copier_id"], "name": e["copier"]}
        assert len(edge["links"]) == e["copies"]
        assert {link["kind"] for link in edge["links"]} == set(e["kinds"])
        for link in edge["links"]:
            copy, origin = pw.find_article(str(link["copy"]["id"])), pw.find_article(str(link["origin"]["id"]))
            assert (copy["source"], origin["source"]) == (e["copier"], e["origin"])
        body = client.get(f"/copies/{e['origin_id']}/{e['copier_id']}").text
        assert all(f'href="/articles/{link["copy"]["id"]}#provenance"' in body for link in edge["links"])
        assert all(f'href="/articles/{link["origin"]["id"]}"' in body for link in edge["links"])
    quiet = client.get("/api/copies/1/1").json()  # an outlet never copies itself
    assert quiet["links"] == []
    assert_error(client.get("/api/copies/1/999999"), 404, "not_found")
    assert_error(client.get("/api/copies/x/1"), 422, "invalid")
    assert client.get("/copies/999999/1").status_code == 404


def test_an_outlet_page_drills_down_to_its_articles_copies_feeds_and_entities(
    client: TestClient, pw: Presswatch
) -> None:
    login(client, "viewer")
    network = client.get("/api/copies").json()
    busiest = max(network, key=lambda e: e["copies"])  # on the sample: Vanguard Watch ← The Harbour Ledger, 3
    copier = client.get(f"/api/sources/{busiest['copier_id']}").json()
    assert copier["name"] == busiest["copier"] and copier["status"] == "not_watched"
    assert busiest in copier["copies_from"]
    assert copier["copies_from"] == [e for e in network if e["copier_id"] == copier["id"]]
    assert copier["copied_by"] == [e for e in network if e["origin_id"] == copier["id"]]
    origin = client.get(f"/api/sources/{busiest['origin_id']}").json()
    assert busiest in origin["copied_by"]
    # its articles, a page at a time, and the languages and days they add up to
    articles = [a for a in pw.articles() if a["source"] == copier["name"]]
    assert sorted(a["id"] for a in copier["articles_list"]) == sorted(a["id"] for a in articles)
    assert sum(copier["languages"].values()) == copier["articles"] == len(articles)
    assert sum(d["articles"] for d in copier["per_day"]) == len(articles)
    first = client.get(f"/api/sources/{busiest['copier_id']}?size=1").json()
    second = client.get(f"/api/sources/{busiest['copier_id']}?size=1&page=2").json()
    assert first["has_next"] and len(first["articles_list"]) == 1
    assert first["articles_list"][0]["id"] != second["articles_list"][0]["id"]
    # the watched names it mentions most, each counted in its own articles
    assert copier["entities"] and copier["entities"][0]["articles"] <= len(articles)
    for entity in copier["entities"]:
        named = {m["article_id"] for m in pw.mentions(entity["id"], limit=10_000)}
        assert entity["articles"] == len(named & {a["id"] for a in articles})
    # the page: every name and count a link
    body = client.get(f"/sources/{busiest['copier_id']}").text
    assert f'href="/copies/{busiest["origin_id"]}/{busiest["copier_id"]}"' in body
    assert f'href="/sources/{busiest["origin_id"]}"' in body
    assert all(f'href="/articles/{a["id"]}"' in body for a in articles)
    assert all(f'href="/entities/{e["id"]}"' in body for e in copier["entities"])
    assert "not watched" in body and "never fetched" in body
    assert_error(client.get("/api/sources/999999"), 404, "not_found")
    assert client.get("/sources/999999").status_code == 404
    assert_error(client.get("/api/sources/abc"), 422, "invalid")


def test_outlet_names_on_article_pages_link_to_the_outlet(client: TestClient, pw: Presswatch) -> None:
    login(client, "viewer")
    this, other = translation_pair(pw)
    body = client.get(f"/articles/{this['id']}").text
    assert f'<a href="/sources/{this["source_id"]}" class="outlet"><bdi>{html.escape(this["source"])}</bdi></a>' in body
    assert f'<a href="/sources/{other["source_id"]}"><bdi>{html.escape(other["source"])}</bdi></a>' in body


# ---- the digest editor -----------------------------------------------------------------------------


def test_the_editors_note_publishing_and_rebuilding_ask_first_and_the_start_page_lists_issues(
    client: TestClient,
) -> None:
    token = login(client, "editor")
    headers = {"x-csrf-token": token}
    week = "2026-W40"  # a week of its own: the other editor tests take 2026-W42, the browser's 2026-W43
    draft = client.post(f"/api/digests/{week}/draft", headers=headers).json()
    assert draft["rule"] == "topic" and draft["rule_text"].startswith("Stories on a watchlist topic")
    changed = client.patch(f"/api/digests/{draft['digest_id']}", json={"intro": " A note. "}, headers=headers)
    assert changed.json() == {"digest_id": draft["digest_id"], "intro": "A note."}
    assert "A note." in client.get(f"/editor/{week}/preview").text
    page = client.get(f"/editor/{week}").text
    assert "A note.</textarea>" in page and "Selection:" in page
    assert f'href="/editor/{week}/confirm?action=publish"' in page
    # a form posted without the confirmation is asked first; the confirmation page posts it with it
    asked = client.post(f"/editor/{week}/publish", data={"csrf_token": token})
    assert asked.status_code == 303 and asked.headers["location"] == f"/editor/{week}/confirm?action=publish"
    confirm = client.get(asked.headers["location"]).text
    assert "Publish version 1 of 2026-W40?" in confirm and 'name="confirmed" value="yes"' in confirm
    done = client.post(f"/editor/{week}/publish", data={"csrf_token": token, "confirmed": "yes"})
    assert done.status_code == 303 and done.headers["location"] == f"/digests/{week}/v1"
    assert "A note." in client.get(f"/digests/{week}/v1").text
    rebuild = client.get(f"/editor/{week}/confirm?action=rebuild").text
    assert "every edit to them" in rebuild and "The editor's note is kept." in rebuild
    assert client.get(f"/editor/{week}/confirm?action=delete").status_code == 404
    start = client.get("/editor").text
    assert f'<a href="/editor/{week}">{week}</a>' in start and f'<a href="/digests/{week}/v1">{week}</a>' in start
    assert_error(client.patch("/api/digests/999999", json={"intro": "x"}, headers=headers), 404, "not_found")


def test_an_editor_edits_previews_and_publishes_a_digest(client: TestClient) -> None:
    token = login(client, "editor")
    headers = {"x-csrf-token": token}
    draft = client.post(f"/api/digests/{API_WEEK}/draft", headers=headers).json()
    items = draft["all_items"]
    assert len(items) >= 3
    first, second, third = items[0]["item_id"], items[1]["item_id"], items[2]["item_id"]
    # through the forms, as the page does it
    back = f"/editor/{API_WEEK}"
    assert (
        client.post(
            f"/editor/items/{first}/edit",
            data={
                "csrf_token": token,
                "back": back,
                "title": "Edited title",
                "summary": "Summary written by the editor.",
            },
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/editor/items/{second}/include", data={"csrf_token": token, "back": back, "included": "0"}
        ).status_code
        == 303
    )
    moved = client.post(
        f"/editor/digests/{draft['digest_id']}/move",
        data={"csrf_token": token, "back": back, "item": str(third), "direction": "up"},
    )
    assert moved.status_code == 303
    order = client.put(f"/api/digests/{draft['digest_id']}/order", json={"items": [third, first]}, headers=headers)
    assert order.json()["items"][:2] == [third, first]
    editor_page = client.get(back).text
    assert "Edited title" in editor_page and 'class="item excluded"' in editor_page
    preview = client.get(f"/editor/{API_WEEK}/preview")
    assert "Summary written by the editor." in preview.text and items[1]["title"] not in preview.text
    assert "script-src" not in preview.headers["content-security-policy"]  # no script at all may run there
    # publish: a new immutable version with its own URL
    published = client.post(f"/api/digests/{API_WEEK}/publish", headers=headers)
    assert published.status_code == 201
    version, url = published.json()["version"], published.json()["url"]
    assert url == f"/digests/{API_WEEK}/v{version}"
    assert "Summary written by the editor." in client.get(url).text
    # the draft changes on; the published version does not
    client.patch(f"/api/digest-items/{first}", json={"summary": "A later edit."}, headers=headers)
    assert "A later edit." not in client.get(url).text
    assert "A later edit." in client.get(f"/editor/{API_WEEK}/preview").text
    versions = client.get(f"/api/digests/{API_WEEK}").json()
    assert [v["version"] for v in versions][-1] == version and versions[0]["version"] == 0
    published_item = client.get(f"/api/digests/{API_WEEK}/v{version}").json()
    assert published_item["schema"] == "presswatch.digest/1"
    # a published version refuses edits
    version_items = [v for v in versions if v["version"] == version]
    assert version_items and f"Version {version}" in client.get(back).text


def test_published_items_cannot_be_edited(client: TestClient, pw: Presswatch) -> None:
    from sqlalchemy import select

    from presswatch.store.schema import digest_items, digests

    token = login(client, "editor")
    client.post(f"/api/digests/{API_WEEK}/draft", headers={"x-csrf-token": token})
    client.post(f"/api/digests/{API_WEEK}/publish", headers={"x-csrf-token": token})
    with pw.store.connect() as conn:
        item_id = conn.execute(
            select(digest_items.c.id)
            .join(digests, digests.c.id == digest_items.c.digest_id)
            .where(digests.c.status == "published")
        ).scalar()
    refused = client.patch(f"/api/digest-items/{item_id}", json={"summary": "x"}, headers={"x-csrf-token": token})
    assert_error(refused, 400, "usage")
    assert_error(
        client.patch(f"/api/digest-items/{item_id}", json={"summary": "x"}), 403, "csrf"
    )  # and without a token it never gets that far


# ---- a store before `process` ----------------------------------------------------------------------


def test_pages_say_when_a_stage_has_not_run(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page("Harbour plan", ENGLISH, url="https://h.example/a"), encoding="utf-8")
    fresh = Presswatch(db=str(tmp_path / "fresh.db"))
    try:
        fresh.ingest([str(tmp_path / "a.html")])
        client = TestClient(create_app(fresh, public=True), follow_redirects=False)
        article_id = fresh.articles()[0]["id"]
        assert "have not been looked for yet" in client.get(f"/articles/{article_id}").text
        assert "have not been built yet" in client.get("/stories").text
        assert "have not been looked for yet" in client.get("/copies").text
        assert "No watchlist is loaded" in client.get("/entities").text
        assert client.get(f"/api/articles/{article_id}/provenance").json()["computed"] is False
    finally:
        fresh.close()


# ---- the CLI ----------------------------------------------------------------------------------------


def test_users_add_takes_the_password_from_an_env_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "u.db")
    monkeypatch.setenv("PW_TEST_PASSWORD", "a long enough password")
    runner = CliRunner()
    added = runner.invoke(
        cli_app, ["--db", db, "users", "add", "ana", "--role", "editor", "--password-env", "PW_TEST_PASSWORD"]
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli_app, ["--db", db, "users", "list", "--json"])
    assert '"role": "editor"' in listed.stdout and "password" not in listed.stdout
    again = runner.invoke(cli_app, ["--db", db, "users", "add", "ana", "--password-env", "PW_TEST_PASSWORD"])
    assert again.exit_code == 2 and "already a user" in again.output
    bad_role = runner.invoke(
        cli_app, ["--db", db, "users", "add", "bo", "--role", "boss", "--password-env", "PW_TEST_PASSWORD"]
    )
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.output
    prompted = runner.invoke(cli_app, ["--db", db, "users", "add", "cy"], input="another password\nanother password\n")
    assert prompted.exit_code == 0, prompted.output


# ---- laying text out ---------------------------------------------------------------------------------


def test_marks_cut_text_into_pieces_and_overlaps_are_dropped() -> None:
    from presswatch.web.views import Mark, paragraphs, pieces, snippet_pieces

    text = "Camp Tolou families met.\nSecond line here."
    marks = [Mark(0, 10, "mention"), Mark(5, 10, "mention"), Mark(32, 36, "passage")]
    cut = pieces(text, 0, 24, marks)
    assert [(p.text, p.mark.kind if p.mark else None) for p in cut] == [
        ("Camp Tolou", "mention"),
        (" families met.", None),
    ]
    laid = paragraphs(text, [], "en", marks)
    assert [p.language for p in laid] == ["en", "en"]
    assert "".join(p.text for p in laid[1].pieces) == "Second line here."
    assert [p.text for p in laid[1].pieces if p.mark] == ["line"]
    assert [(p.text, bool(p.mark)) for p in snippet_pieces("…the [Tolu] camp <b>")] == [
        ("…the ", False),
        ("Tolu", True),
        (" camp <b>", False),
    ]
