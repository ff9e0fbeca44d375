"""The entity helpers on a focused corpus (the bundled sample): alias suggestions and emerging names."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presswatch import Presswatch, UsageError, sample_dir
from presswatch.cli import app
from presswatch.demo import run_demo
from presswatch.entities.emerging import poisson_tail
from presswatch.entities.watchlist import Watchlist, parse_watchlist, store_watchlist
from presswatch.extract.text import fold
from presswatch.store.schema import articles

ENTITIES = ("svi", "camp-tolou", "farkhondeh-sahraei", "bahram-gholizadeh", "shohreh-nikpour", "erjon-cela")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store's file, built once for the module (closed, so that tests can copy it)."""
    db = tmp_path_factory.mktemp("helpers") / "sample.db"
    pw = Presswatch(db=str(db))
    run_demo(pw)
    pw.close()
    return db


@pytest.fixture
def sample(demo: Path) -> Iterator[Presswatch]:
    pw = Presswatch(db=str(demo))
    yield pw
    pw.close()


@pytest.fixture
def copy(demo: Path, tmp_path: Path) -> Iterator[Presswatch]:
    """A copy of the demo store, to change the watchlist of."""
    db = tmp_path / "copy.db"
    shutil.copy(demo, db)
    pw = Presswatch(db=str(db))
    yield pw
    pw.close()


def _texts(pw: Presswatch) -> dict[int, str]:
    with pw.store.connect() as conn:
        return dict(conn.execute(articles.select().with_only_columns(articles.c.id, articles.c.text)).all())


def _whole_words_in(text: str, name: str) -> bool:
    """Whether `name` stands in `text` as whole words (no letter, mark or ZWNJ glued on either side)."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "\u200c") and not (after.isalnum() or after in "\u200c\u064b\u0650"):
            return True
        start = text.find(name, start + 1)
    return False


# ---- suggestions ------------------------------------------------------------------------------


def test_suggestions_are_whole_names_from_the_articles_they_list(sample: Presswatch) -> None:
    texts = _texts(sample)
    for entity in ENTITIES:
        for suggestion in sample.suggest_aliases(entity):
            assert suggestion.articles and suggestion.score > 0
            found_in = [texts[a["article_id"]] for a in suggestion.articles]  # type: ignore[index]
            assert any(_whole_words_in(text, suggestion.text) for text in found_in), suggestion


def test_a_surname_used_alone_is_suggested_with_its_articles(sample: Presswatch) -> None:
    [cela, *_] = sample.suggest_aliases("erjon-cela")  # "Mr Çela": the gold counts it, no alias spells it
    assert (cela.text, cela.evidence, cela.close_to) == ("Çela", "part", "Erjon Çela")
    assert len(cela.articles) >= 3 and cela.count >= len(cela.articles)


def _withheld(watchlist: Watchlist, gone: dict[str, str]) -> Watchlist:
    for entity in watchlist.entities:
        entity.aliases = [a for a in entity.aliases if fold(a.text) != fold(gone.get(entity.id, "\0"))]
    return watchlist


@pytest.mark.sqlite_only(reason="copies the store's file")
def test_withheld_aliases_come_back_in_the_top_five(copy: Presswatch) -> None:
    """One alias per kind of evidence: a Persian name (translation and transliteration), an acronym
    without its Albanian ending, a spelling the matcher found by likeness, a surname alone."""
    gone = {
        "camp-tolou": "قرارگاه طلوع",
        "farkhondeh-sahraei": "فرخنده صحرایی",
        "svi": "SPK",
        "shohreh-nikpour": "Shohre Nikpur",
        "dritan-kellici": "Këlliçi",
    }
    with copy.store.begin() as conn:
        store_watchlist(conn, _withheld(parse_watchlist(sample_dir() / "watchlist.toml"), gone))
    copy.process(only=("entities",))
    for entity, alias in gone.items():
        top = {fold(s.text): s for s in copy.suggest_aliases(entity, 5)}
        assert fold(alias) in top, (entity, list(top))
        assert top[fold(alias)].articles
    assert "SPK" in [s.text for s in copy.suggest_aliases("svi", 1)]  # in 20 articles: first


def test_no_fragments_cut_from_words_or_truncated_teasers(sample: Presswatch) -> None:
    # the digest's teaser ends in "Camp Tol"; "قرارگاه و" is a name and a conjunction
    for entity in ENTITIES:
        for suggestion in sample.suggest_aliases(entity, 50):
            assert suggestion.text not in ("Camp Tol", "قرارگاه و")
            assert not suggestion.text.endswith((" و", " را", " در"))


# ---- emerging names ---------------------------------------------------------------------------


def test_the_sample_introduces_the_eu_hearing_and_the_lawsuit_mid_month(sample: Presswatch) -> None:
    week, found = sample.emerging_in_week("2026-W42")
    names = [n.name for n in found.names]
    assert {"EU", "European Union", "SLAPP"} <= set(names), names
    assert "Poisson" in found.statistic and found.scope == "articles naming a watched entity"
    assert found.week_articles > 0 and found.baseline_articles > found.week_articles
    for name in found.names:
        assert name.articles >= 2 and name.p_value <= 0.05 and name.expected < name.articles
        assert 2 <= len(name.examples) <= name.articles
        assert name.name not in ("Camp Tolou", "Sunrise Vanguard of Iran")  # watched: not news


def test_a_first_week_has_nothing_to_compare_with(sample: Presswatch) -> None:
    _, found = sample.emerging_in_week("2026-W40")
    assert found.baseline_articles == 0 and found.names == []


@pytest.mark.sqlite_only(reason="a background store is given as a file")
def test_every_article_or_a_background_store_may_be_counted(sample: Presswatch, demo: Path) -> None:
    _, everything = sample.emerging_in_week("2026-W43", every_article=True)
    assert everything.scope == "all articles"
    assert "Storm Ilona" in [n.name for n in everything.names]
    _, with_background = sample.emerging_in_week("2026-W43", background=str(demo), every_article=True)
    assert with_background.background_articles > 0
    assert with_background.baseline_articles == everything.baseline_articles + with_background.background_articles
    with pytest.raises(UsageError, match="no store at"):
        sample.emerging(datetime(2026, 10, 19), datetime(2026, 10, 26), background=str(demo) + ".missing")


def test_the_poisson_tail() -> None:
    assert poisson_tail(0, 3.0) == 1.0 and poisson_tail(1, 0.0) == 0.0
    assert poisson_tail(2, 0.5) == pytest.approx(1 - 1.5 * 2.718281828459045**-0.5)
    assert poisson_tail(1200, 1000.0) < 1e-8 < poisson_tail(1050, 1000.0) < 0.1  # no underflow
    assert poisson_tail(900, 1000.0) > 0.99


# ---- the CLI ---------------------------------------------------------------------------------


def test_entities_cli_emerging_and_suggest(demo: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(demo)]
    shown = runner.invoke(app, [*db, "entities", "emerging", "--week", "2026-W42", "--json"])
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.stdout)
    assert report["week"] == "2026-W42" and "Poisson" in report["statistic"]
    assert "SLAPP" in [n["name"] for n in report["names"]]
    text = runner.invoke(app, [*db, "entities", "emerging", "--week", "2026-W42"]).stdout
    assert "SLAPP: 2 articles" in text and "p = " in text
    suggested = json.loads(runner.invoke(app, [*db, "entities", "suggest", "erjon-cela", "--json"]).stdout)
    assert suggested[0]["text"] == "Çela" and suggested[0]["articles"][0]["url"].startswith("https://")
    assert "part (from Erjon Çela)" in runner.invoke(app, [*db, "entities", "suggest", "erjon-cela"]).stdout
