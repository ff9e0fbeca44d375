"""Entities across scripts: matching, the watchlist, the process stage, suggestions, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from presswatch import Presswatch, UsageError, sample_dir
from presswatch.cli import app
from presswatch.entities.matcher import Alias, Matcher, name_key
from presswatch.entities.stage import relevance_of
from presswatch.entities.watchlist import AliasEntry, parse_watchlist
from presswatch.extract.text import FoldedText, fold
from presswatch.store.queries import StageReport

from .conftest import page

MEK = [
    Alias("mek", "MEK", "organisation", case_sensitive=True),
    Alias("mek", "Mojahedin-e Khalq", "organisation"),
    Alias("mek", "Muxhahedinët", "organisation"),
    Alias("mek", "مجاهدین خلق", "organisation"),
    Alias("sm", "Somayeh Mohammadi", "person"),
    Alias("tolou", "Camp Tolou", "place"),
    Alias("tolou", "Tolu", "place"),
]


def surfaces(text: str, exclusions: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    return [(m.entity_id, m.surface) for m in Matcher(MEK, exclusions or []).find(text)]


def test_inflections_possessives_and_case_sensitive_acronyms() -> None:
    text = "MEK-ut said the MEK's office and MEK-sat; a lowercase mek or smek is nothing."
    assert surfaces(text) == [("mek", "MEK-ut"), ("mek", "MEK"), ("mek", "MEK-sat")]


def test_diacritics_and_case_fold_for_names() -> None:
    assert surfaces("MUXHAHEDINET and muxhahedinët") == [("mek", "MUXHAHEDINET"), ("mek", "muxhahedinët")]
    assert surfaces("kampi i Tolut") == [("tolou", "Tolut")]


def test_persian_variants_zwnj_and_diacritics() -> None:
    # Arabic yeh and kaf, a vowel mark and a ZWNJ must not stop the match
    text = "سازمان مجاهدين خلق و مجاهدینِ\u200cخلق و مجاهدین خلقی"
    found = surfaces(text)
    assert [entity for entity, _ in found] == ["mek", "mek", "mek"]
    assert found[0][1] == "مجاهدين خلق"


def test_offsets_point_into_the_original_text() -> None:
    text = "x\u200cy مجاهدینِ خلق — Camp Tolou"
    for match in Matcher(MEK).find(text):
        assert text[match.start : match.end] == match.surface


def test_words_inside_other_words_and_file_names_do_not_count() -> None:
    assert surfaces("Mojahedin_Khalq_MEK_Ch_4_News and Toluca and CampTolou") == []


def test_exclusions_drop_mentions_inside_them() -> None:
    assert surfaces("the MEK Foundation and the MEK", [("mek", "MEK Foundation")]) == [("mek", "MEK")]


def test_person_names_match_across_transliterations() -> None:
    found = Matcher(MEK).find("Mrs Samaja Mohamedy spoke. Then John Smith and the European Parliament.")
    assert [(m.entity_id, m.surface, m.method) for m in found] == [("sm", "Samaja Mohamedy", "fuzzy")]
    assert 0.8 <= found[0].score < 1
    assert name_key("Farkhondeh") == name_key("Farkhonde")


@given(st.text())
def test_folded_positions_map_back(text: str) -> None:
    folded = FoldedText(text)
    assert len(folded.lower) == len(folded.cased) == len(fold(text))
    for index in range(len(folded.lower)):
        original = folded.original_index(index)
        assert fold(text[original]) == folded.lower[index]


def test_relevance_weighs_title_then_lead_then_body() -> None:
    members = {"t": {"mek"}}
    title = Matcher(MEK).find("MEK")
    body = Matcher(MEK).find("x " * 400 + "MEK")
    in_title = relevance_of([("title", m) for m in title], 800, members)["t"]
    far_down = relevance_of([("text", m) for m in body], 800, members)["t"]
    assert in_title[0] > far_down[0] > 0 and in_title[1] == far_down[1] == 1
    assert relevance_of([], 800, members) == {}


def test_bad_watchlists_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "w.toml"
    bad.write_text('[[entity]]\nid = "x"\nkind = "planet"\n')
    with pytest.raises(UsageError, match="kind 'planet'"):
        parse_watchlist(bad)
    bad.write_text('[[topic]]\nid = "t"\nentities = ["nobody"]\n')
    with pytest.raises(UsageError, match="unknown entities: nobody"):
        parse_watchlist(bad)
    bad.write_text("[[entity\n")
    with pytest.raises(UsageError, match="not valid TOML"):
        parse_watchlist(bad)


@pytest.fixture
def tagged(pw: Presswatch, tmp_path: Path) -> Presswatch:
    inputs = tmp_path / "in"
    inputs.mkdir()
    texts = {
        "a": "The People's Mujahedin Organisation of Iran (PMOI) met. " * 3 + "Muxhahedinët and the MEK-u " * 10,
        "b": "Të Muxhahedinëve iu tha. Somayeh Mohammadi spoke to the press about the camp for an hour. " * 6,
        "c": "Nothing here about anyone, just the weather on the coast, with rain and wind all day. " * 6,
    }
    for name, text in texts.items():
        (inputs / f"{name}.html").write_text(page(f"Title {name}", text, url=f"https://e.example/{name}"))
    pw.ingest([str(inputs)])
    watchlist = tmp_path / "w.toml"
    watchlist.write_text(
        '[[topic]]\nid = "mek-topic"\nname = "MEK"\nentities = ["mek", "sm"]\n'
        '[[entity]]\nid = "mek"\nname = "Mojahedin-e Khalq"\nkind = "organisation"\n'
        'aliases = ["Muxhahedinët", {text = "MEK", case_sensitive = true}, {text = "PMOI", case_sensitive = true}]\n'
        '[[entity]]\nid = "sm"\nname = "Somayeh Mohammadi"\nkind = "person"\n'
    )
    pw.load_watchlist(watchlist)
    return pw


def stage(pw: Presswatch, name: str) -> StageReport:
    return {report.stage: report for report in pw.process()}[name]


def test_process_tags_incrementally_and_starts_over_when_the_watchlist_changes(tagged: Presswatch) -> None:
    report = stage(tagged, "entities")
    assert report.articles == 3 and report.found > 0 and not report.restarted
    counts = {e["id"]: e for e in tagged.entities()}
    assert counts["mek"]["articles"] == 1 and counts["sm"]["articles"] == 1
    assert stage(tagged, "entities").articles == 0  # nothing new, nothing done
    tagged.add_alias("mek", AliasEntry("Muxhahedinëve", lang="sq"))
    again = stage(tagged, "entities")
    assert again.restarted and again.articles == 3
    assert {e["id"]: e["articles"] for e in tagged.entities()}["mek"] == 2


def test_suggestions_from_parenthetical_definitions(tagged: Presswatch) -> None:
    tagged.process()
    found = tagged.suggest_aliases("mek")
    assert found[0].text == "People's Mujahedin Organisation of Iran"
    assert found[0].evidence == "parenthetical" and found[0].count == 3
    with pytest.raises(UsageError, match="no entity 'nobody'"):
        tagged.suggest_aliases("nobody")


def test_entity_cli_commands(tagged: Presswatch, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tagged.settings.db)]
    assert runner.invoke(app, [*db, "process", "--quiet"]).exit_code == 0
    shown = json.loads(runner.invoke(app, [*db, "watchlist", "show", "--json"]).stdout)
    assert [e["id"] for e in shown["entities"]] == ["mek", "sm"]
    rows = json.loads(runner.invoke(app, [*db, "mentions", "mek", "--json"]).stdout)
    assert {r["surface"] for r in rows} >= {"MEK-u", "Muxhahedinët", "PMOI"}
    listed = json.loads(runner.invoke(app, [*db, "entities", "list", "--json"]).stdout)
    assert listed[0]["by_language"]
    assert runner.invoke(app, [*db, "mentions", "nobody"]).exit_code == 2
    added = runner.invoke(app, [*db, "watchlist", "add-alias", "mek", "OMPI", "--case-sensitive"])
    assert added.exit_code == 0 and "added" in added.stdout
    exported = runner.invoke(app, [*db, "export", "mentions"]).stdout.splitlines()
    first = json.loads(exported[0])
    assert first["url"].startswith("https://e.example/") and first["entity_id"] in {"mek", "sm"}
    assert runner.invoke(app, [*db, "entities", "emerging", "--week", "2026-W99"]).exit_code == 2


def test_the_sample_watchlist_loads(pw: Presswatch) -> None:
    loaded = pw.load_watchlist(sample_dir() / "watchlist.toml")
    assert len(loaded.entities) >= 6 and loaded.topics


def test_suggestions_from_names_in_translations(pw: Presswatch, tmp_path: Path) -> None:
    english = (
        "Officials in Tirana said on 14 October 2026 that Pishgaman Khorshid had filed 12 complaints in 2025. "
        "The interior ministry of Albania answered 7 of them, the Council of Europe none. "
    ) * 4
    persian = (
        "مقامات در تیرانا روز ۱۴ اکتبر ۲۰۲۶ گفتند که پیشگامان خورشید در سال ۲۰۲۵ دوازده شکایت ثبت کرده است. "
        "وزارت کشور آلبانی به ۷ مورد پاسخ داد و شورای اروپا به هیچ کدام. "
    ) * 4
    lines = [
        json.dumps(
            {
                "url": "https://en.example/1",
                "title": "Complaints",
                "text": english,
                "language": "en",
                "published": "2026-10-14T08:00:00Z",
            }
        ),
        json.dumps(
            {
                "url": "https://fa.example/1",
                "title": "شکایت",
                "text": persian,
                "language": "fa",
                "published": "2026-10-14T12:00:00Z",
            }
        ),
    ]
    (tmp_path / "pair.jsonl").write_text("\n".join(lines))
    pw.ingest([str(tmp_path / "pair.jsonl")])
    watchlist = tmp_path / "w.toml"
    watchlist.write_text('[[entity]]\nid = "spk"\nname = "Pishgaman Khorshid"\nkind = "organisation"\n')
    pw.load_watchlist(watchlist)
    reports = {r.stage: r for r in pw.process()}
    assert reports["reuse"].found >= 1  # the two are linked as translations
    found = {s.text: s for s in pw.suggest_aliases("spk")}
    assert "پیشگامان خورشید" in found and found["پیشگامان خورشید"].evidence == "translation"
