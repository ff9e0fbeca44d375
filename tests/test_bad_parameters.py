"""No 500 from bad parameters: every id, date, week, period and page a route or a command takes, walked with
hostile values. Out of range is 400 (usage), 404 (not_found) or 422 (invalid), with the API's one error
shape; never a crash. The web routes run over a copy of the pre-filled store (editor actions write to it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app as cli_app
from presswatch.web.app import create_app

from .conftest import WEB_USERS
from .postgres import copy_store
from .test_web_api import assert_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BIG = "99999999999999999999"  # past SQLite's integer
IDS = ["0", "-1", BIG, str(2**63), str(2**63 - 1), "1e3", "1.5", "abc", "%00", "٣"]
PERIODS = [
    "9999-W52",
    "9999-W53",
    "0001-W01",
    "2026-W99",
    "2026-W00",
    "2026-W",
    "-1-W01",
    "99999-W01",
    "2026-01-01..9999-12-31",
    "9999-12-31..9999-12-31",
    "0001-01-01..0001-01-02",
    "2026-12-01..2026-01-01",
    "..",
    "x" * 300,
]
DATES = ["9999-12-31", "0001-01-01", "0001-01-01T00:00+01:00", "9999-12-31T23:59-05:00", "99999-01-01", "2026-02-30"]
PAGES = ["0", "-1", "1000000000000", str(10**20), "1e9", "x"]

GET_BY_ID = [
    "/api/articles/{}",
    "/api/articles/{}/provenance",
    "/articles/{}",
    "/api/stories/{}",
    "/stories/{}",
    "/charts/story/{}.svg",
    "/api/digests/2026-W42/v{}",
    "/digests/2026-W42/v{}",
]
GET_BY_PERIOD = [
    "/api/digests/{}",
    "/api/digests/{}/v1",
    "/digests/{}/v1",
    "/editor/{}",
    "/editor/{}/preview",
    "/editor/{}/confirm?action=publish",
    "/editor/{}/confirm?action=rebuild",
]
POST_BY_PERIOD = ["/api/digests/{}/draft", "/api/digests/{}/publish", "/editor/{}/publish", "/editor/{}/rebuild"]


@pytest.fixture(scope="module")
def pw(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Presswatch]:
    copy = tmp_path_factory.mktemp("params") / "params.db"
    copy_store(web_db, copy)  # the file, or on PostgreSQL its schema
    found = Presswatch(db=str(copy))
    yield found
    found.close()


@pytest.fixture(scope="module")
def editor(pw: Presswatch) -> tuple[TestClient, str]:
    """A client logged in as an editor, and its CSRF token."""
    client = TestClient(create_app(pw), follow_redirects=False, raise_server_exceptions=False)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    assert token
    login = client.post("/api/login", json={"name": "editor", "password": WEB_USERS["editor"]}, headers=csrf(token[1]))
    assert login.status_code == 200, login.text
    return client, token[1]


def csrf(token: str) -> dict[str, str]:
    return {"x-csrf-token": token}


def assert_answered(response: Any) -> None:
    """Any answer but a crash; on the API, an error has the one shape."""
    assert response.status_code < 500, f"{response.request.method} {response.request.url}: {response.text[:300]}"
    if response.status_code >= 400 and response.request.url.path.startswith("/api/"):
        assert_error(response, response.status_code, response.json()["error"]["code"])


@pytest.mark.parametrize("value", IDS)
@pytest.mark.parametrize("route", GET_BY_ID)
def test_hostile_ids_in_paths(editor: tuple[TestClient, str], route: str, value: str) -> None:
    assert_answered(editor[0].get(route.format(value)))


@pytest.mark.parametrize("value", IDS)
def test_hostile_ids_in_writes(editor: tuple[TestClient, str], value: str) -> None:
    client, token = editor
    form = {"csrf_token": token, "back": "/editor"}
    assert_answered(client.patch(f"/api/digest-items/{value}", json={"included": True}, headers=csrf(token)))
    assert_answered(client.put(f"/api/digests/{value}/order", json={"items": [1]}, headers=csrf(token)))
    assert_answered(client.delete(f"/api/saved-searches/{value}", headers=csrf(token)))
    assert_answered(client.post(f"/editor/items/{value}/include", data={**form, "included": "1"}))
    assert_answered(client.post(f"/editor/items/{value}/edit", data={**form, "title": "t", "summary": "s"}))
    assert_answered(client.post(f"/editor/digests/{value}/move", data={**form, "item": "1", "direction": "up"}))
    assert_answered(client.post("/editor/digests/1/move", data={**form, "item": value, "direction": "up"}))
    assert_answered(client.post(f"/editor/digests/{value}/order", data={**form, "order": "1"}))
    assert_answered(client.post(f"/editor/digests/{value}/intro", data={**form, "intro": "A note."}))
    assert_answered(client.post("/editor/digests/1/order", data={**form, "order": f"{value},1"}))
    assert_answered(client.post(f"/searches/{value}/delete", data={"csrf_token": token}))
    if value.lstrip("-").isdigit():  # a number in JSON, however large
        assert_answered(client.put("/api/digests/1/order", json={"items": [int(value)]}, headers=csrf(token)))


@pytest.mark.parametrize("value", PERIODS)
def test_hostile_weeks_and_periods(editor: tuple[TestClient, str], value: str) -> None:
    client, token = editor
    for route in GET_BY_PERIOD:
        assert_answered(client.get(route.format(value)))
    for route in POST_BY_PERIOD:
        assert_answered(client.post(route.format(value), headers=csrf(token), data={"csrf_token": token}))
    assert_answered(client.post("/editor/open", data={"csrf_token": token, "week": value}))


@pytest.mark.parametrize("value", DATES)
def test_hostile_dates(editor: tuple[TestClient, str], value: str) -> None:
    client = editor[0]
    for name in ("since", "until"):
        for q in ("", "camp"):
            assert_answered(client.get("/api/search", params={"q": q, name: value}))
            assert_answered(client.get("/search", params={"q": q, name: value}))


@pytest.mark.parametrize("value", PAGES)
def test_hostile_pages_and_sizes(editor: tuple[TestClient, str], value: str) -> None:
    client = editor[0]
    for q in ("", "camp"):
        assert_answered(client.get("/api/search", params={"q": q, "page": value}))
        assert_answered(client.get("/search", params={"q": q, "page": value}))
        assert_answered(client.get("/api/search", params={"q": q, "size": value}))
    assert_answered(client.get("/api/stories", params={"limit": value}))


def test_out_of_range_is_a_named_client_error(editor: tuple[TestClient, str]) -> None:
    client = editor[0]
    assert_error(client.get(f"/api/articles/{BIG}"), 422, "invalid")
    assert_error(client.get(f"/api/articles/{2**63 - 1}"), 404, "not_found")
    assert_error(client.get("/api/articles/0"), 422, "invalid")
    assert_error(client.get("/api/digests/2026-W99"), 404, "not_found")
    assert_error(client.get("/api/search", params={"page": 10**12}), 422, "invalid")
    assert_error(client.get("/api/search", params={"until": "2026-02-30"}), 400, "usage")
    assert isinstance(client.get("/api/digests/9999-W52").json(), list)  # the last week the calendar holds
    assert client.get("/api/search", params={"until": "9999-12-31"}).status_code == 200


CLI_CASES = [
    ["articles", "show", BIG],
    ["articles", "list", "--offset", BIG],
    ["articles", "list", "--limit", BIG],
    ["articles", "list", "--until", "9999-12-31"],
    ["articles", "list", "--since", "0001-01-01T00:00+01:00"],
    ["search", "camp", "--offset", BIG],
    ["search", "camp", "--until", "9999-12-31"],
    ["stories", "show", BIG],
    ["stories", "show", "-1"],
    ["stories", "list", "--limit", BIG],
    ["stories", "list", "--week", "9999-W52"],
    ["stories", "list", "--week", "2026-W99"],
    ["entities", "emerging", "--week", "9999-W52"],
    ["entities", "emerging", "--week", "0001-W01", "--limit", BIG],
    ["provenance", BIG],
    ["digest", "build", "--week", "9999-W52", "--format", "md"],
    ["digest", "build", "--since", "2026-01-01", "--until", "9999-12-31", "--format", "md"],
    ["digest", "build", "--since", "9999-12-30", "--format", "md"],
    ["digest", "publish", "--week", "9999-W53"],
]


@pytest.mark.parametrize("args", CLI_CASES, ids=" ".join)
def test_hostile_command_options_end_with_an_exit_code_not_a_traceback(pw: Presswatch, args: list[str]) -> None:
    result = CliRunner().invoke(cli_app, ["--db", pw.settings.db, *args])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
