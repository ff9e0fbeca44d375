"""The digest as a newsletter: never empty while its period has articles (and saying which rule chose its
items), "Also read" never repeated, the editor's note, the newsletter's settings, the list of issues.

The rules run on small stores built here from JSONL records, ingested and processed as a user would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from presswatch import Presswatch
from presswatch.config import Settings
from presswatch.digest import (
    Newsletter,
    build_digest,
    digest_dict,
    period_of,
    render_html,
    render_markdown,
    render_text,
)
from presswatch.errors import UsageError

from .conftest import ENGLISH

WEEK = "2026-W41"  # 5-11 October 2026
WEATHER = (
    "Forecasters expect heavy rain along the coast from Thursday, with winds strong enough to close the ports "
    "of the northern towns for a day or two, and they advised fishermen to keep their boats in the harbour.\n"
    "The weather office said the storm would move inland on Friday night and weaken over the mountains, "
    "although rivers in the valleys could still rise quickly after three wet weeks in a row this autumn.\n"
    "Schools in two districts will stay closed on Friday, and the railway company warned of delays."
)
ZETA = (
    "Zeta Corp, the mining company that bought the old quarry above the town last year, said on Wednesday that "
    "it would open a second site in the spring and hire about two hundred workers from the region.\n"
    "Local councillors welcomed the jobs but asked the company to publish its plans for the dust and the lorries "
    "that already cross the town centre dozens of times a day, before the council votes on the permit."
)


def record(url: str, title: str, text: str, day: int, source: str) -> dict[str, str]:
    return {
        "url": url,
        "title": title,
        "text": text,
        "published": f"2026-10-{day:02d}T09:00:00Z",
        "source": source,
        "language": "en",
    }


RECORDS = [
    # the week's biggest story: one text at three outlets (copies: one story)
    record("https://a.example/harbour", "Council weighs the harbour plan", ENGLISH, 6, "Alpha Daily"),
    record("https://b.example/harbour", "Council weighs the harbour plan", ENGLISH, 6, "Beta News"),
    record("https://c.example/harbour", "Council weighs the harbour plan", ENGLISH, 7, "Gamma Post"),
    # two outlets
    record("https://a.example/storm", "Storm to close northern ports", WEATHER, 8, "Alpha Daily"),
    record("https://b.example/storm", "Storm to close northern ports", WEATHER, 8, "Beta News"),
    # one article, the only one naming the watched company
    record("https://c.example/zeta", "Quarry company plans second site", ZETA, 9, "Gamma Post"),
]
ENTITY = """
[[entity]]
id = "zeta"
name = "Zeta Corp"
kind = "organisation"
aliases = ["Zeta Corp"]
"""
TOPIC = """
[[topic]]
id = "omega"
name = "The Omega Group"
entities = ["omega"]

[[entity]]
id = "omega"
name = "Omega Group"
kind = "organisation"
aliases = ["Omega Group"]
"""


def small_store(folder: Path, watchlist: str | None, process: bool = True) -> Presswatch:
    """The six records ingested (and processed), with this watchlist (None: none)."""
    records = folder / "records.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), "utf-8")
    app = Presswatch(db=str(folder / "small.db"))
    assert app.ingest([str(records)]).failed == 0
    if watchlist is not None:
        (folder / "watchlist.toml").write_text(watchlist, "utf-8")
        app.load_watchlist(folder / "watchlist.toml")
    if process:
        app.process()
    return app


@pytest.fixture
def store(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Presswatch]:
    app = small_store(tmp_path, *request.param)
    yield app
    app.close()


def titles(app: Presswatch, topic: str | None = None) -> tuple[str, list[str]]:
    with app.store.connect() as conn:
        digest = build_digest(conn, period_of(WEEK), topic=topic)
    return digest.rule, [item.title for item in digest.items]


@pytest.mark.parametrize("store", [(None,)], indirect=True)
def test_without_a_watchlist_the_biggest_stories(store: Presswatch) -> None:
    rule, found = titles(store)
    assert rule == "biggest"
    assert found == [
        "Council weighs the harbour plan",
        "Storm to close northern ports",
        "Quarry company plans second site",
    ]
    digest = store.build_digest(period_of(WEEK))
    assert "no watchlist is loaded" in digest.rule_text
    assert digest_dict(digest)["rule"] == "biggest" and digest_dict(digest)["rule_text"] == digest.rule_text
    assert f"*Selection: {digest.rule_text}*" in render_markdown(digest)
    assert f"Selection: {digest.rule_text}" in render_text(digest)


@pytest.mark.parametrize("store", [(None, False)], indirect=True)
def test_before_process_every_article_stands_alone(store: Presswatch) -> None:
    rule, found = titles(store)
    assert rule == "biggest" and len(found) == 6  # no stories yet: each article is an item of its own
    with store.store.connect() as conn:
        digest = build_digest(conn, period_of(WEEK))
    assert all(item.story_id is None for item in digest.items)


@pytest.mark.parametrize("store", [(ENTITY,)], indirect=True)
def test_watched_entities_without_a_topic_take_every_story_naming_one(store: Presswatch) -> None:
    rule, found = titles(store)
    assert (rule, found) == ("entities", ["Quarry company plans second site"])  # one article is a story too
    assert "the watchlist defines no topic" in store.build_digest(period_of(WEEK)).rule_text


@pytest.mark.parametrize("store", [(TOPIC + ENTITY,)], indirect=True)
def test_nothing_on_the_topic_falls_back_and_says_why(store: Presswatch) -> None:
    rule, found = titles(store)  # every topic: nothing names Omega, so the stories naming Zeta
    assert (rule, found) == ("entities", ["Quarry company plans second site"])
    assert "no story of the period reached the topic's threshold" in store.build_digest(period_of(WEEK)).rule_text
    rule, found = titles(store, "omega")  # the topic's own entities: none is named, so the biggest stories
    assert rule == "biggest" and found[0] == "Council weighs the harbour plan" and len(found) == 3
    digest = store.build_digest(period_of(WEEK), "omega")
    assert "no story of the period names one of the entities of “The Omega Group”" in digest.rule_text
    with pytest.raises(UsageError, match="the watchlist's topics are: omega"):
        store.build_digest(period_of(WEEK), "bogus")


@pytest.mark.parametrize("store", [(None,)], indirect=True)
def test_a_period_without_articles_is_empty_and_cannot_be_published(store: Presswatch) -> None:
    digest = store.build_digest(period_of("2026-W50"))
    assert digest.items == [] and digest.rule_text == ""
    assert "Nothing was published in this period." in render_markdown(digest)
    with pytest.raises(UsageError, match="no item to publish"):
        store.publish_digest(period_of("2026-W50"))


# ---- the newsletter ---------------------------------------------------------------------------------------


def test_the_newsletter_defaults_are_the_settings_defaults() -> None:
    s = Settings()
    assert Newsletter() == Newsletter(s.digest_name, s.digest_tagline, s.digest_sender, s.digest_signoff)


@pytest.mark.parametrize("store", [(None,)], indirect=True)
def test_name_tagline_intro_and_signoff_in_every_format(store: Presswatch) -> None:
    store.settings = store.settings.replace(
        digest_name="Harbour Weekly", digest_tagline="The coast, read closely", digest_signoff="See you next week, Ana"
    )
    digest = store.build_digest(period_of(WEEK), intro="Three stories this week.\nThe harbour comes first.")
    page, text, md = render_html(digest), render_text(digest), render_markdown(digest)
    assert "<title>Harbour Weekly — 2026-W41 (5–11 October 2026)</title>" in page
    for shown in (page, text, md):
        for part in ("Harbour Weekly", "The coast, read closely", "Three stories this week.", "See you next week, Ana"):
            assert part in shown
    assert page.index("Three stories this week.") < page.index("In this issue") < page.index('id="pw-item-1"')
    assert text.index("The harbour comes first.") < text.index("++ Council weighs the harbour plan")
    assert md.startswith("# Harbour Weekly\n\n*The coast, read closely*\n")
    data = digest_dict(digest)
    assert (data["name"], data["tagline"], data["signoff"]) == (
        "Harbour Weekly",
        "The coast, read closely",
        "See you next week, Ana",
    )
    assert data["intro"] == "Three stories this week.\nThe harbour comes first."


@pytest.mark.parametrize("store", [(None,)], indirect=True)
def test_the_intro_is_kept_by_rebuilds_and_copied_by_publishing(store: Presswatch) -> None:
    draft = store.build_digest(period_of(WEEK), intro="A first note.")
    assert draft.digest_id is not None
    assert store.build_digest(period_of(WEEK)).intro == "A first note."  # a rebuild keeps it
    store.set_digest_intro(draft.digest_id, "  A second note.  ")
    assert store.open_draft(period_of(WEEK)).intro == "A second note."
    version = store.publish_digest(period_of(WEEK))
    published = store.published_version(period_of(WEEK), version)
    assert published.intro == "A second note." and published.rule == "biggest" and published.rule_text
    assert published.digest_id is not None
    with pytest.raises(UsageError, match="published"):
        store.set_digest_intro(published.digest_id, "rewriting history")


@pytest.mark.parametrize("store", [(None,)], indirect=True)
def test_issues_list_drafts_and_versions_newest_period_first(store: Presswatch) -> None:
    store.build_digest(period_of("2026-W40"))  # empty, left as a draft
    store.build_digest(period_of(WEEK))
    store.publish_digest(period_of(WEEK))
    store.publish_digest(period_of(WEEK))
    listed = [(v.period, v.version, v.status) for v in store.digest_issues()]
    assert listed == [
        (WEEK, 0, "draft"),
        (WEEK, 2, "published"),
        (WEEK, 1, "published"),
        ("2026-W40", 0, "draft"),
    ]
    assert store.default_digest_period("publish")[1] == f"{WEEK}, the draft built last"
    assert store.default_digest_period("send")[1] == f"{WEEK}, the issue published last"
    assert store.default_digest_period("build")[1] == f"{WEEK}, the latest week with articles"
