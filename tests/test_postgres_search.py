"""SQLite (FTS5) and PostgreSQL (tsvector, search_postgres.py) give the same answers to the same searches.

One corpus (the bundled sample with its watchlist, `process` run, and a few articles written for the query
language's corners) goes into a SQLite file and a PostgreSQL schema the same way; then each query, with and
without filters, must match the same articles on both, list them in the same order when sorted by date,
group them into the same results with the same copies, and count the same facets and coverage. Relevance
ranks (FTS5's bm25, PostgreSQL's ts_rank) are different formulas: with them the sets must be equal and the
best result the same. Runs under `make test-postgres` (PRESSWATCH_TEST_DB=postgres), which starts the server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from presswatch import Presswatch
from presswatch.api import ArticleFilter, sample_dir
from presswatch.demo.tour import sample_parts

from .postgres import PostgresServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FILLER = (
    "The regional council met on Tuesday to discuss the future of the district, where families have lived "
    "for decades. Officials said a plan would follow after consultations with residents and shop owners."
)
# The corners of the query language: diacritics, hyphens, a URL in the text, numbers, Persian, a title-only word.
CORNERS = [
    ("Muxhahedinët leave the old depot", "Këshilli rajonal tha se Muxhahedinët u larguan nga depoja e vjetër.", "sq"),
    ("A well-known ferry returns", "The well-known ferry to Vlorë runs again, at 3.5 knots slower than before.", "en"),
    ("Port statistics", "Figures at https://port.example/stats/ferry-traffic-2026 show 214,000 containers.", "en"),
    ("گزارش بندر", "مقامات گفتند که این طرح ماه آینده پس از مشورت با ساکنان بندر منتشر خواهد شد.", "fa"),
    ("Zebracrossing vote", "Residents voted on the crossing near the school, the harbour and the ferry pier.", "en"),
    ("Harbour harbour harbour", "Nothing else but the harbour, the harbour master and the harbour walls.", "en"),
]
QUERIES = [
    "camp",
    "Camp Tolou",
    '"exile camp"',
    '"Camp Tolou" fire',
    "durr*",
    "kamp*",
    "camp OR harbour",
    "camp NOT police",
    "camp AND police NOT fire",
    "fire OR camp NOT police",
    '"police search" OR ferry',
    "muxhahedinet",
    "MUXHAHEDINËT",
    "keshilli",
    "well-known",
    '"the well"',
    "known ferry",
    "traffic",
    "port.example",
    "3.5",
    "214,000",
    "بندر",
    "zebra*",
    '"vote residents"',  # the title's last word and the text's first: not a phrase on either backend
    "harb* NOT camp",
    "tirana",
    "AND camp OR",
    '"unclosed phrase',
    "nothingmatchesthis",
]
FILTERS = [
    ArticleFilter(limit=100),
    ArticleFilter(limit=100, language="en"),
    ArticleFilter(limit=100, language="sq"),
    ArticleFilter(limit=100, since=datetime(2026, 10, 5), until=datetime(2026, 10, 15)),
]


def _build(app: Presswatch, corners: Path) -> None:
    report = app.ingest(sample_parts())
    assert report.failed == 0
    app.load_watchlist(sample_dir() / "watchlist.toml")
    assert app.ingest([str(corners)]).failed == 0
    app.process()


@pytest.fixture(scope="module")
def stores(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The same corpus in SQLite and in PostgreSQL."""
    folder = tmp_path_factory.mktemp("compare")
    corners = folder / "corners.jsonl"
    with corners.open("w", encoding="utf-8") as out:
        for n, (title, text, language) in enumerate(CORNERS):
            record = {
                "url": f"https://corners.example/{n}",
                "title": title,
                "text": f"{text}\n{FILLER}",
                "published": f"2026-10-{n + 10:02d}T09:00:00Z",
                "source": "Corner Times",
                "language": language,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    sqlite = Presswatch(db=f"sqlite:///{folder / 'compare.db'}")
    postgres = Presswatch(db=postgres_server.new_schema("search_compare"))
    try:
        for app in (sqlite, postgres):
            _build(app, corners)
        assert sqlite.store.is_sqlite and postgres.store.engine.dialect.name == "postgresql"
        yield sqlite, postgres
    finally:
        sqlite.close()
        postgres.close()


def _urls(app: Presswatch, ids: list[int]) -> list[str]:
    return [str(app.article(str(i))["url"]) for i in ids]  # type: ignore[index]


def _results(app: Presswatch, query: str, where: ArticleFilter) -> dict[str, Any]:
    """A search's answer with ids put as URLs (the two stores number their rows apart)."""
    found = app.search_results(query, where)
    entities = {f["value"]: f["count"] for f in found.facets.get("entity", [])}
    return {
        "total": found.total,
        "groups": found.groups,
        "hits": [(h["url"], sorted(c["url"] for c in h["copies"]), h["copy_count"]) for h in found.hits],
        "languages": found.facets.get("language"),
        "sources": found.facets.get("source"),
        "entities": entities,
        "timeline": found.timeline,
    }


@pytest.mark.parametrize("query", QUERIES)
def test_the_same_articles_match_in_the_same_date_order(stores: Any, query: str) -> None:
    sqlite, postgres = stores
    for where in FILTERS:
        newest = ArticleFilter(**{**where.__dict__, "sort": "date"})
        assert _urls(postgres, postgres.search_ids(query, newest)) == _urls(sqlite, sqlite.search_ids(query, newest))
        assert _results(postgres, query, newest) == _results(sqlite, query, newest), (query, where)


@pytest.mark.parametrize("query", QUERIES)
def test_ranked_by_relevance_the_same_set_and_the_same_best(stores: Any, query: str) -> None:
    sqlite, postgres = stores
    for where in FILTERS:
        on_sqlite = _urls(sqlite, sqlite.search_ids(query, where))
        on_postgres = _urls(postgres, postgres.search_ids(query, where))
        assert sorted(on_postgres) == sorted(on_sqlite), (query, where)
        lite, pg = _results(sqlite, query, where), _results(postgres, query, where)
        assert {k: v for k, v in pg.items() if k != "hits"} == {k: v for k, v in lite.items() if k != "hits"}
        assert sorted(pg["hits"]) == sorted(lite["hits"])


def test_title_matches_rank_first_on_both(stores: Any) -> None:
    """The title weighs five times the text on both: an article named for the word leads."""
    sqlite, postgres = stores
    for query in ("harbour", "zebracrossing", "muxhahedinet depot"):
        best = [_urls(app, app.search_ids(query))[:1] for app in stores]
        assert best[0] == best[1], query
    assert _urls(postgres, postgres.search_ids("harbour"))[0] == "https://corners.example/5"


def test_snippets_mark_the_matched_words(stores: Any) -> None:
    sqlite, postgres = stores
    # (not a word inside a URL: PostgreSQL's headline keeps a URL whole, so it shows it unmarked)
    for query, words in (("muxhahedinet", ["muxhahedinët"]), ("knots", ["knots"]), ('"exile camp"', ["exile camp"])):
        for app in (sqlite, postgres):
            hits = app.search_results(query, ArticleFilter(limit=5)).hits
            # the snippet is of the text (a match in the title alone is shown unmarked, on both)
            texts = [h for h in hits if any(w in (app.article(str(h["id"])) or {})["text"].lower() for w in words)]
            assert texts and all("[" in (h["snippet"] or "") for h in texts), (app.store.url, query, texts)
    pg = postgres.search_results("muxhahedinet", ArticleFilter(limit=1)).hits[0]
    assert "[Muxhahedinët]" in pg["snippet"]  # folded to match, shown as written


def test_the_index_follows_updates_and_deletes(stores: Any) -> None:
    """The generated column: rewritten with the text, gone with the row (FTS5's triggers on SQLite)."""
    from sqlalchemy import text

    _, postgres = stores
    with postgres.store.begin() as conn:
        conn.execute(text("SAVEPOINT probe"))
        conn.execute(text("UPDATE articles SET text = 'nothing here' WHERE url = 'https://corners.example/4'"))
        found = conn.execute(
            text("SELECT url FROM articles WHERE search_document @@ to_tsquery('presswatch_simple', 'zebracrossing')")
        ).all()
        assert found == [("https://corners.example/4",)]  # the title still has it
        gone = conn.execute(
            text("SELECT count(*) FROM articles WHERE search_document @@ to_tsquery('presswatch_simple', 'pier')")
        ).scalar()
        assert gone == 0
        conn.execute(text("ROLLBACK TO SAVEPOINT probe"))
