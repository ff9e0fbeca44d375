"""The demo on the bundled sample corpus, checked against the corpus' own gold file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presswatch import Presswatch, sample_dir
from presswatch.cli import app
from presswatch.demo import sample_parts

GOLD = json.loads((sample_dir() / "gold.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


def test_the_sample_is_big_and_varied_enough() -> None:
    articles = GOLD["articles"]
    assert len(articles) >= 40
    assert len({a["outlet"] for a in articles}) >= 6
    assert {a["language"] for a in articles} == {"en", "sq", "fa"}
    assert {a["ingest"] for a in articles} == {"html", "feed", "warc"}
    assert {link["kind"] for link in GOLD["links"]} == {"duplicate", "partial", "translation"}


def test_demo_stores_every_gold_article_with_its_language_and_date(demo_db: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    db, summary = demo_db
    assert summary["ingest"]["failed"] == 0
    assert summary["stats"]["articles"] == len(GOLD["articles"])
    pw = Presswatch(db=str(db))
    try:
        for gold in GOLD["articles"]:
            article = pw.article(gold["url"])
            assert article is not None, gold["url"]
            assert article["language"] == gold["language"], gold["url"]
            published = datetime.fromisoformat(gold["published"]).replace(tzinfo=None)
            assert article["published_at"] == published, gold["url"]
    finally:
        pw.close()


def test_demo_shows_the_changed_page_and_the_queued_teasers(demo_db: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    _, summary = demo_db
    assert [page["url"] for page in summary["changed_pages"]] == [v["url"] for v in GOLD["versions"]]
    assert sorted(summary["queued"]) == sorted(GOLD["feed_teasers"])


def test_demo_finds_the_mixed_language_digest(demo_db: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    _, summary = demo_db
    digest = [a for a in summary["mixed_language"] if "Digest" in (a["title"] or "")]
    assert digest and set(digest[0]["paragraph_languages"]) == {"en", "sq"}


def test_ingesting_the_sample_again_adds_nothing(demo_db: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    db, summary = demo_db
    pw = Presswatch(db=str(db))
    try:
        again = pw.ingest(sample_parts())
        assert again.ok == 0 and again.failed == 0
        assert pw.stats()["versions"] == summary["stats"]["versions"]
    finally:
        pw.close()


def test_demo_prints_a_readable_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--db", str(tmp_path / "d.db"), "--quiet"])
    assert result.exit_code == 0
    assert "51 articles from 14 outlets" in result.stdout
    assert "changed page" in result.stdout and "queued for fetching" in result.stdout
    assert "who copies whom" in result.stdout and "Sunrise Vanguard of Iran (organisation)" in result.stdout
