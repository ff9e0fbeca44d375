"""Search as a research tool (issue 22, items 1 and 7), over the pre-filled web store (the demo sample,
`process` run): copies grouped under the earliest, the counts, facets and coverage over time; the same
structure from the Python API, `search --json` and /api/search; exports that csv and json read back."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.api import ARTICLE_FIELDS, TABLES, ArticleFilter
from presswatch.cli import app as cli_app
from presswatch.web.app import create_app

from .conftest import PROJECT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

POLICE_SEARCH = "Albanian police search Iranian exile camp near Durrës"  # three outlets ran it word for word
ROUNDUP = "Vanguard Watch Weekly Digest – October 17, 2026"  # quotes several stories: a copy of none
# A date-time as the store's exports and answers write it: ISO 8601, UTC, with its Z.
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
LOOKS_LIKE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


@pytest.fixture(scope="module")
def pw(web_pw: Presswatch) -> Presswatch:
    """The shared pre-filled web store (conftest's web_pw)."""
    return web_pw


@pytest.fixture
def client(pw: Presswatch) -> TestClient:
    return TestClient(create_app(pw, public=True), follow_redirects=False)


def cli(db: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli_app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


# ---- copies grouped ----------------------------------------------------------------------------------


def test_the_three_identical_police_search_articles_are_one_result_with_its_copies(pw: Presswatch) -> None:
    found = pw.search_results("albanian police search", ArticleFilter(limit=10))
    same = [h for h in found.hits if h["title"] == POLICE_SEARCH]
    assert len(same) == 1, [(h["id"], h["source"], h["title"]) for h in found.hits]
    [hit] = same
    copies = {c["source"]: c for c in hit["copies"]}
    # the earliest of the three (The Harbour Ledger, 15:40 UTC) stands for them; the others are its copies
    assert hit["source"] == "The Harbour Ledger"
    assert {"Adriatic Review", "Balkan Wire"} <= set(copies)
    assert copies["Adriatic Review"]["kind"] == copies["Balkan Wire"]["kind"] == "duplicate"
    assert all(c["title"] == POLICE_SEARCH for c in hit["copies"] if c["kind"] == "duplicate")
    assert all(c["published_at"] >= hit["published_at"] for c in hit["copies"])
    assert hit["copy_count"] == len(hit["copies"]) and hit["copy_outlets"] == len(copies)
    # every match is counted once: as a result or as a copy of one
    listed = [h["id"] for h in found.hits] + [c["id"] for h in found.hits for c in h["copies"]]
    assert len(listed) == len(set(listed)) == found.total
    assert found.groups == len(found.hits) < found.total


def test_a_round_up_that_quotes_several_stories_joins_none_of_them(pw: Presswatch) -> None:
    found = pw.search_results("camp", ArticleFilter(limit=100))
    heads = {h["title"]: h for h in found.hits}
    assert ROUNDUP in heads, "the weekly round-up must stand as a result of its own"
    copied = {c["title"] for h in found.hits for c in h["copies"]}
    assert ROUNDUP not in copied
    # nor does it chain the stories it quotes into one group: the fire and the police search stay apart
    fire = next(h for h in found.hits if h["title"].startswith("Fire at Camp Tolou warehouse"))
    assert POLICE_SEARCH not in {c["title"] for c in fire["copies"]}


def test_paging_walks_every_result_once(pw: Presswatch) -> None:
    query = "camp OR Tolu OR طلوع"
    everything = pw.search_results(query, ArticleFilter(limit=1000))
    seen: list[int] = []
    offset = 0
    while True:
        page = pw.search_results(query, ArticleFilter(limit=4, offset=offset), aggregates=False)
        assert page.total == everything.total and page.groups == everything.groups
        seen += [h["id"] for h in page.hits]
        if not page.has_next:
            break
        offset += 4
    assert seen == [h["id"] for h in everything.hits]
    past = pw.search_results(query, ArticleFilter(limit=4, offset=10_000))
    assert past.hits == [] and past.total == everything.total and not past.has_next


def test_newest_first_groups_copies_too(pw: Presswatch) -> None:
    found = pw.search_results("police search", ArticleFilter(sort="date", limit=50))
    dates = [h["published_at"] for h in found.hits]
    assert dates == sorted(dates, reverse=True)
    assert sum(1 for h in found.hits if h["title"] == POLICE_SEARCH) == 1


# ---- counts, facets and coverage over time --------------------------------------------------------


def test_total_facets_and_coverage_count_every_match(pw: Presswatch, web_db: Path) -> None:
    query = "Tolou OR Tolu OR طلوع"
    found = pw.search_results(query, ArticleFilter(limit=5))
    rows = [json.loads(line) for line in cli(web_db, "search", query, "--format", "jsonl").stdout.splitlines()]
    assert found.total == len(rows) > found.groups >= len(found.hits) == 5
    languages = Counter(r["language"] for r in rows)
    assert {v["value"]: v["count"] for v in found.facets["language"]} == dict(languages)
    assert {v["value"]: v["count"] for v in found.facets["source"]} == dict(Counter(r["source"] for r in rows))
    counts = [v["count"] for v in found.facets["language"]]
    assert counts == sorted(counts, reverse=True)
    # an entity's count is the number of matches that name it: the same search filtered to it says so
    for entity in found.facets["entity"][:3]:
        narrowed = pw.search_results(query, ArticleFilter(entity=entity["value"]), aggregates=False)
        assert narrowed.total == entity["count"], entity
        assert entity["name"] and entity["name"] != entity["value"]
    # coverage over time: per day (UTC) and language, adding up to the total
    per_day = Counter((r["published"][:10], r["language"]) for r in rows)
    assert {(t["day"], t["language"]): t["articles"] for t in found.timeline} == dict(per_day)
    assert [t["day"] for t in found.timeline] == sorted(t["day"] for t in found.timeline)
    assert pw.search_coverage(query) == found.timeline


def test_no_words_with_a_filter_counts_and_without_lists_the_newest(pw: Presswatch) -> None:
    persian = pw.search_results("", ArticleFilter(language="fa", limit=100))
    assert persian.total and {v["value"] for v in persian.facets["language"]} == {"fa"}
    assert persian.total == sum(1 + h["copy_count"] for h in persian.hits)
    newest = pw.search_results("", ArticleFilter(limit=3))
    assert newest.total is None and newest.has_next and len(newest.hits) == 3
    dates = [h["published_at"] for h in newest.hits]
    assert dates == sorted(dates, reverse=True)


def test_the_api_and_the_cli_give_the_same_structure_with_z_timestamps(
    pw: Presswatch, client: TestClient, web_db: Path
) -> None:
    api = client.get("/api/search", params={"q": "police search", "size": 5}).json()
    printed = json.loads(cli(web_db, "search", "police search", "--limit", "5", "--json").stdout)
    assert set(api) - set(printed) == {"page", "size", "export"} and not set(printed) - set(api)
    for key in ("query", "filters", "total", "groups", "offset", "limit", "has_next", "results", "facets", "timeline"):
        assert api[key] == printed[key], key
    assert api["results"][0]["copies"] and api["results"][0]["copy_count"] == len(api["results"][0]["copies"])
    for value in walk(api["results"]):
        if isinstance(value, str) and LOOKS_LIKE_TIME.match(value):
            assert TIMESTAMP.match(value), value
    article = client.get(f"/api/articles/{api['results'][0]['id']}").json()
    assert TIMESTAMP.match(article["published_at"]) and TIMESTAMP.match(article["created_at"])
    assert all(TIMESTAMP.match(v["created_at"]) for v in article["versions"])


def test_every_api_answer_writes_its_times_in_utc_with_a_z(pw: Presswatch, client: TestClient) -> None:
    story = pw.stories(limit=1)[0]["id"]
    entity = pw.entities()[0]["id"]
    paths = ["/api/search?q=camp", "/api/articles/1", "/api/articles/1/provenance", "/api/stories", "/api/sources"]
    paths += [f"/api/stories/{story}", f"/api/entities/{entity}", "/api/copies", "/api/digests/2026-W42"]
    seen = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        for value in walk(response.json()):
            if isinstance(value, str) and LOOKS_LIKE_TIME.match(value):
                assert TIMESTAMP.match(value), (path, value)
                seen += 1
    assert seen > 50


def walk(value: Any) -> Iterator[Any]:
    """Every value inside nested dicts and lists."""
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


def test_the_search_page_shows_the_count_the_grouped_copies_facets_and_the_chart(client: TestClient) -> None:
    body = client.get("/search", params={"q": "albanian police search"}).text
    assert re.search(r'id="count"><strong>\d+</strong> matching articles', body)
    assert "<summary>and 3 copies in 3 outlets</summary>" in body
    assert body.count(f">{POLICE_SEARCH}</a>") == 3  # the result and, inside its details, its two duplicates
    assert 'class="facet facet-language"' in body and 'class="facet facet-entity"' in body
    assert "Matching articles per day" in body and "<svg" in body
    assert "/api/search/export?q=albanian+police+search&amp;format=csv" in body
    chart = client.get("/charts/search.svg", params={"q": "albanian police search"})
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")


# ---- exports -----------------------------------------------------------------------------------------


def test_a_search_export_reads_back_with_csv_and_json(pw: Presswatch, web_db: Path, tmp_path: Path) -> None:
    query = "camp OR kampi* OR قرارگاه"
    total = pw.search_results(query).total
    out = tmp_path / "found.csv"
    cli(web_db, "search", query, "--format", "csv", "--out", str(out))
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == total and list(rows[0]) == list(ARTICLE_FIELDS)
    assert out.read_bytes()[:3] != b"\xef\xbb\xbf"
    for row in rows:
        spans = json.loads(row["paragraph_languages"])  # JSON in the cell, never a Python repr
        assert spans and all(isinstance(s, list) and len(s) == 3 for s in spans)
        assert TIMESTAMP.match(row["published"]), row["published"]
    lines = cli(web_db, "search", query, "--format", "jsonl").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [int(r["id"]) for r in rows]
    assert all(isinstance(r["paragraph_languages"], list) for r in records)
    assert {r["language"] for r in records} >= {"en", "sq", "fa"}
    excel = tmp_path / "found-excel.csv"
    cli(web_db, "search", query, "--format", "csv", "--excel", "--out", str(excel))
    assert excel.read_bytes()[:3] == b"\xef\xbb\xbf"
    with excel.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.DictReader(stream)) == rows


def test_the_api_exports_every_match_as_the_cli_does(client: TestClient, web_db: Path) -> None:
    query = {"q": "police search", "language": "en"}
    response = client.get("/api/search/export", params={**query, "format": "jsonl"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in response.text.splitlines()]
    printed = cli(web_db, "search", "police search", "--language", "en", "--format", "jsonl").stdout
    assert records == [json.loads(line) for line in printed.splitlines()]
    assert int(response.headers["x-presswatch-count"]) == len(records)
    excel = client.get("/api/search/export", params={**query, "format": "csv", "excel": "true"})
    assert excel.content[:3] == b"\xef\xbb\xbf" and "attachment" in excel.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(excel.content.decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == [r["id"] for r in records]
    links = client.get("/api/search", params=query).json()["export"]
    assert links["csv_excel"].endswith("&excel=true") and client.get(links["jsonl"]).text == response.text


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_exports_values_tools_read(table: str, web_db: Path, tmp_path: Path) -> None:
    """CSV: nested values as JSON text in the cell (a Python repr never), true/false, date-times with a Z;
    JSONL: nested values as JSON arrays and objects (never JSON inside a string)."""
    out = tmp_path / f"{table}.csv"
    cli(web_db, "export", table, "--format", "csv", "--excel", "--out", str(out))
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows and list(rows[0]) == list(TABLES[table].fields)
    records = [json.loads(line) for line in cli(web_db, "export", table).stdout.splitlines()]
    assert len(records) == len(rows)
    for row, record in zip(rows, records, strict=True):
        for name, cell in row.items():
            value = record[name]
            if isinstance(value, list | dict):
                assert json.loads(cell) == value, (table, name, cell)
            elif isinstance(value, bool):
                assert cell == ("true" if value else "false")
            elif isinstance(value, str):
                assert not re.match(r"^\s*[\[{]", value) or not _is_json(value), (table, name, "JSON in a string")
                if LOOKS_LIKE_TIME.match(value):
                    assert TIMESTAMP.match(value) and cell == value, (table, name, value)
            assert not re.match(r"^[\[{]['(]", cell), (table, name, "a Python repr", cell)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_the_readme_quick_start_search_finds_something_in_the_demo_store(pw: Presswatch) -> None:
    readme = (PROJECT / "README.md").read_text("utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    line = next(line for line in quick_start.splitlines() if "presswatch search" in line)
    query = shlex.split(line, comments=True)[2]
    found = pw.search_results(query, ArticleFilter(limit=5))
    assert found.total and any(h["copy_count"] for h in found.hits), (query, found.total)


@pytest.mark.parametrize("table", list(TABLES))
def test_the_readme_documents_each_exported_field_in_order(table: str) -> None:
    """The README's table of an export lists its fields, in the order the CSV's columns come."""
    lines = (PROJECT / "README.md").read_text("utf-8").splitlines()
    section = next(i for i, line in enumerate(lines) if line.startswith("### `presswatch export"))
    start = next(i for i in range(section, len(lines)) if re.match(rf"`{table}`[ :]", lines[i]))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("| `"):
            rows.append(line.split("`")[1])
        elif rows:
            break
    assert rows == list(TABLES[table].fields)
