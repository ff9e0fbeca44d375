"""Curated stories: listing with filters and paging, an editor's merge, split, move and rename through the Python
API, the JSON API, the story pages' forms and the CLI, the record of each edit, and edits that survive later
`process` runs and `process --redo stories`.

Every test works on its own copy of the pre-filled web store (the sample corpus, processed, with one user per
role), whose stories have the mistakes the curation is for: one speech told in three stories by language, and
two farmland articles inside the police-search story.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app as cli_app
from presswatch.errors import NotFound, UsageError
from presswatch.web.app import create_app

from .conftest import WEB_USERS
from .postgres import copy_store
from .test_web_api import assert_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# One speech by Farkhondeh Sahraei, in three stories: Persian, English, and a later English commentary.
SPEECH = (
    "https://www.rozaneh.example/fa/news/48290",
    "https://www.svinews.example/en/news/farkhondeh-sahraei-dictatorship-will-not-see-another-spring",
    "https://www.vanguardwatch.example/2026/10/24/sahraei-promises-victory-before-spring-again/",
)
# Two articles on farmland the camp fenced in, clustered with the police search of the camp.
FARMLAND = (
    "https://gazetaliqeni.example/aktualitet/kryetari-kellici-kampi-i-spk-se-ka-zene-tokat-e-fermereve",
    "https://www.kronikabregut.example/lajme/2026/10/kryetari-kellici-kampi-ka-zene-tokat.html",
)
POLICE_SEARCH = (
    "https://www.harbourledger.example/world/2026/10/01/albanian-police-search-iranian-exile-camp-near-durres"
)
QUESTIONS = "https://www.vanguardwatch.example/2026/10/03/camp-tolou-search-questions-nobody-in-tirana-wants-to-answer/"


@pytest.fixture
def pw(web_db: Path, tmp_path: Path) -> Iterator[Presswatch]:
    """A copy of the pre-filled store, for this test alone."""
    copy = tmp_path / "curated.db"
    copy_store(web_db, copy)  # the file, or on PostgreSQL its schema
    found = Presswatch(db=str(copy))
    yield found
    found.close()


def article_id(pw: Presswatch, url: str) -> int:
    found = pw.article(url)
    assert found is not None, url
    return int(found["id"])


def story_of(pw: Presswatch, url: str) -> int:
    found = pw.story_of(article_id(pw, url))
    assert found is not None, url
    return found


def members(pw: Presswatch, story_id: int) -> set[str]:
    return {m["url"] for m in pw.story(story_id)["articles_list"]}


def copy_records(
    pw: Presswatch, urls: list[str], folder: Path, published: str = "2026-10-26T08:00:00Z", site: str = "mirror"
) -> Path:
    """A JSONL file of republications of these articles by a new outlet (at https://{site}.example/0, /1, ...,
    named "{Site} Daily"): new articles the usual rule places."""
    records = []
    for n, url in enumerate(urls):
        original = pw.article(url)
        assert original is not None
        records.append(
            {
                "url": f"https://{site}.example/{n}",
                "title": original["title"],
                "text": original["text"],
                "published": published,
                "source": f"{site.title()} Daily",
                "language": original["language"],
            }
        )
    path = folder / f"{site}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def curate(pw: Presswatch) -> dict[str, int]:
    """The speech merged into one story, the farmland split off, the speech named."""
    speech = story_of(pw, SPEECH[1])
    merged_away = [story_of(pw, url) for url in (SPEECH[0], SPEECH[2])]
    for other in merged_away:
        pw.merge_stories(speech, other, "editor")
    police = story_of(pw, POLICE_SEARCH)
    farmland = pw.split_story(police, [article_id(pw, u) for u in FARMLAND], "editor", "Farmland fenced in by the camp")
    pw.rename_story(speech, "Sahraei's 'before spring' speech", "editor")
    return {"speech": speech, "police": police, "farmland": farmland["id"], "gone": merged_away[0]}


def assert_curated(pw: Presswatch, ids: dict[str, int]) -> None:
    assert set(SPEECH) <= members(pw, ids["speech"])
    assert pw.story(ids["speech"])["title"] == "Sahraei's 'before spring' speech"
    assert set(FARMLAND) <= members(pw, ids["farmland"])
    assert pw.story(ids["farmland"])["title"] == "Farmland fenced in by the camp"
    assert POLICE_SEARCH in members(pw, ids["police"]) and not set(FARMLAND) & members(pw, ids["police"])


# ---- the Python API -------------------------------------------------------------------------------------


def test_merge_moves_every_article_and_says_where_the_merged_story_went(pw: Presswatch) -> None:
    into, other = story_of(pw, SPEECH[1]), story_of(pw, SPEECH[0])
    size = pw.story(into)["articles"] + pw.story(other)["articles"]
    merged = pw.merge_stories(into, other, "ana")
    assert merged["id"] == into and merged["articles"] == size
    assert merged["languages"] == {"en": 2, "fa": 1} and {m["joined_by"] for m in merged["articles_list"]} >= {"editor"}
    with pytest.raises(NotFound, match=rf"story {other} has no articles left: ana merged it into story {into}"):
        pw.story(other)
    assert other not in {s["id"] for s in pw.stories(limit=1000)}
    (edit,) = merged["edits"]
    assert (edit["action"], edit["story_id"], edit["from_story_id"], edit["editor"]) == ("merge", into, other, "ana")
    assert edit["articles"] == [article_id(pw, SPEECH[0])] and edit["created_at"] is not None


def test_split_makes_a_new_story_of_the_chosen_articles(pw: Presswatch) -> None:
    police = story_of(pw, POLICE_SEARCH)
    before = pw.story(police)
    chosen = [article_id(pw, u) for u in FARMLAND]
    new = pw.split_story(police, chosen, "ana")
    assert {m["id"] for m in new["articles_list"]} == set(chosen) and new["id"] > police
    assert new["title"] == pw.article(FARMLAND[0])["title"]  # type: ignore[index]
    assert new["languages"] == {"sq": 2} and new["first_seen"] <= new["last_seen"]
    after = pw.story(police)
    assert after["articles"] == before["articles"] - 2 and after["title"] == before["title"]
    assert pw.story_of(chosen[0]) == new["id"]
    assert [e["action"] for e in after["edits"]] == ["split"]


def test_move_and_rename(pw: Presswatch) -> None:
    questions = article_id(pw, QUESTIONS)
    source = story_of(pw, QUESTIONS)
    target = story_of(pw, SPEECH[1])
    moved = pw.move_article(questions, target, "ana")
    assert questions in {m["id"] for m in moved["articles_list"]} and questions not in {
        m["id"] for m in pw.story(source)["articles_list"]
    }
    renamed = pw.rename_story(source, "  The police search\nof Camp Tolou ", "ana")
    assert renamed["title"] == "The police search of Camp Tolou"
    assert [(e["action"], e["title"], e["previous_title"] is not None) for e in renamed["edits"]] == [
        ("move", None, False),
        ("rename", "The police search of Camp Tolou", True),
    ]


def test_edits_that_make_no_sense_are_refused_with_what_to_do(pw: Presswatch) -> None:
    police = story_of(pw, POLICE_SEARCH)
    speech = story_of(pw, SPEECH[1])
    everything = [m["id"] for m in pw.story(police)["articles_list"]]
    with pytest.raises(UsageError, match="cannot be merged with itself"):
        pw.merge_stories(police, police, "ana")
    with pytest.raises(NotFound, match="no story 999999"):
        pw.merge_stories(police, 999999, "ana")
    with pytest.raises(UsageError, match="at least one article in story"):
        pw.split_story(police, everything, "ana")
    with pytest.raises(UsageError, match=rf"are not in story {police}"):
        pw.split_story(police, [article_id(pw, SPEECH[1])], "ana")
    with pytest.raises(UsageError, match="already in story"):
        pw.move_article(everything[0], police, "ana")
    with pytest.raises(NotFound, match="no article 0"):
        pw.move_article(0, speech, "ana")
    with pytest.raises(UsageError, match="cannot be empty"):
        pw.rename_story(police, "   ", "ana")
    with pytest.raises(UsageError, match="name of the editor"):
        pw.rename_story(police, "A name", " ")
    assert pw.story(police)["edits"] == []  # nothing was recorded


def test_lists_filter_sort_and_page(pw: Presswatch) -> None:
    every = pw.stories(limit=1000)
    total = pw.story_count()
    assert len(every) == total > 10
    assert [s["id"] for s in pw.stories(limit=5, offset=5)] == [s["id"] for s in every[5:10]]
    by_size = pw.stories(limit=1000, sort="size")
    assert [s["articles"] for s in by_size] == sorted((s["articles"] for s in every), reverse=True)
    persian = pw.stories(limit=1000, language="fa")
    assert persian and all("fa" in s["languages"] for s in persian) and len(persian) == pw.story_count(language="fa")
    assert pw.stories(limit=1000, outlet="BALKAN wire") == pw.stories(limit=1000, outlet="Balkan Wire")
    assert all("Balkan Wire" in s["outlets"] for s in pw.stories(limit=1000, outlet="balkan wire"))
    assert all(s["articles"] >= 3 for s in pw.stories(limit=1000, min_articles=3))
    on_topic = pw.stories(limit=1000, topic="tolou")
    assert 0 < len(on_topic) < total
    assert "KF Bregu" not in " ".join(s["title"] for s in on_topic)  # a football story is off the topic
    with pytest.raises(UsageError, match="did you mean 'Balkan Wire'"):
        pw.stories(outlet="balkn wire")
    with pytest.raises(UsageError, match="topics are tolou"):
        pw.stories(topic="football")
    with pytest.raises(UsageError, match="sort must be one of recent, size"):
        pw.stories(sort="biggest")


# ---- kept by process --------------------------------------------------------------------------------------


def test_merge_and_split_survive_process_and_new_articles_join_curated_stories(pw: Presswatch, tmp_path: Path) -> None:
    ids = curate(pw)
    moved = article_id(pw, QUESTIONS)
    pw.move_article(moved, ids["speech"], "editor")  # wrong on purpose: an editor's word stands
    # New articles: republications of a speech article from a merged-away story, a farmland article, the search.
    report = pw.ingest([str(copy_records(pw, [SPEECH[0], FARMLAND[0], POLICE_SEARCH], tmp_path))])
    assert report.failed == 0
    by_stage = {r.stage: r for r in pw.process()}
    assert by_stage["stories"].articles == 3
    assert_curated(pw, ids)
    assert pw.story_of(moved) == ids["speech"]
    assert "https://mirror.example/0" in members(pw, ids["speech"])  # joined the merged story
    assert "https://mirror.example/1" in members(pw, ids["farmland"])  # joined the story split off
    assert "https://mirror.example/2" in members(pw, ids["police"])
    joined = {m["url"]: m["joined_by"] for m in pw.story(ids["farmland"])["articles_list"]}
    assert joined["https://mirror.example/1"] == "provenance"  # by the usual rule, not pinned

    # Everything clustered again: the edits come back, with their ids and names; new articles join around them.
    pw.process(redo=("stories",))
    assert_curated(pw, ids)
    assert pw.story_of(moved) == ids["speech"]
    assert "https://mirror.example/1" in members(pw, ids["farmland"])
    assert len(pw.story(ids["speech"])["edits"]) == 4  # the record stays too
    with pytest.raises(NotFound):  # an id an edit names is never given to a rebuilt story
        pw.story(ids["gone"])
    assert min(s["id"] for s in pw.stories(limit=1000) if s["id"] not in ids.values()) > ids["farmland"]


def test_a_new_version_of_a_moved_article_stays_where_the_editor_put_it(pw: Presswatch, tmp_path: Path) -> None:
    questions = pw.article(QUESTIONS)
    assert questions is not None
    target = story_of(pw, SPEECH[1])
    pw.move_article(questions["id"], target, "editor")
    changed = {
        "url": QUESTIONS,
        "title": questions["title"],
        "text": questions["text"] + "\nUpdate: the ministry answered none of these questions by Monday.",
        "published": "2026-10-03T09:00:00Z",
        "source": questions["source"],
        "language": "en",
    }
    (tmp_path / "v2.jsonl").write_text(json.dumps(changed) + "\n", encoding="utf-8")
    pw.ingest([str(tmp_path / "v2.jsonl")])
    pw.process()
    new_version = pw.article(QUESTIONS)
    assert new_version is not None and new_version["id"] != questions["id"]
    assert pw.story_of(new_version["id"]) == target
    pw.process(redo=("stories",))
    assert pw.story_of(new_version["id"]) == target


# ---- the JSON API and the forms ----------------------------------------------------------------------------


def logged_in(pw: Presswatch, role: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(pw), follow_redirects=False)
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    assert found
    response = client.post("/login", data={"name": role, "password": WEB_USERS[role], "csrf_token": found[1]})
    assert response.status_code == 303
    return client, found[1]


def test_the_api_lists_stories_a_page_at_a_time_with_filters(pw: Presswatch) -> None:
    client, _ = logged_in(pw, "viewer")
    first = client.get("/api/stories", params={"limit": 5}).json()
    assert set(first) == {"filters", "total", "offset", "limit", "has_next", "stories"}
    assert first["total"] == pw.story_count() and first["has_next"] and len(first["stories"]) == 5
    second = client.get("/api/stories", params={"limit": 5, "offset": 5}).json()
    assert {s["id"] for s in first["stories"]}.isdisjoint(s["id"] for s in second["stories"])
    assert second["offset"] == 5
    persian = client.get("/api/stories", params={"language": "fa", "sort": "size", "limit": 1000}).json()
    assert persian["filters"] == {"language": "fa", "sort": "size"} and persian["total"] == len(persian["stories"])
    sizes = [s["articles"] for s in persian["stories"]]
    assert sizes == sorted(sizes, reverse=True) and all("fa" in s["languages"] for s in persian["stories"])
    october = client.get("/api/stories", params={"since": "2026-10-20", "until": "2026-10-21", "min_size": 2}).json()
    assert october["stories"] and all(s["articles"] >= 2 for s in october["stories"])
    assert all(s["last_seen"] >= "2026-10-20" and s["first_seen"] < "2026-10-22" for s in october["stories"])
    assert_error(client.get("/api/stories", params={"outlet": "nobody"}), 400, "usage")
    assert_error(client.get("/api/stories", params={"sort": "biggest"}), 422, "invalid")
    assert_error(client.get("/api/stories", params={"until": "2026-02-30"}), 400, "usage")


def test_bad_story_ids_are_404_in_the_one_error_shape(pw: Presswatch) -> None:
    client, token = logged_in(pw, "editor")
    for bad in ("abc", "0", "-1", "1.5", "٣", "99999999999999999999", "999999"):
        assert_error(client.get(f"/api/stories/{bad}"), 404, "not_found")
        assert client.get(f"/stories/{bad}").status_code == 404
        assert client.get(f"/charts/story/{bad}.svg").status_code == 404
        merge = client.post(f"/api/stories/{bad}/merge", json={"story": 1}, headers={"x-csrf-token": token})
        assert_error(merge, 404, "not_found")
    page = client.get("/stories/abc")
    assert "Error 404" in page.text and "no story &#39;abc&#39;" in page.text


def test_editors_merge_split_move_and_rename_through_the_api(pw: Presswatch) -> None:
    client, token = logged_in(pw, "editor")
    csrf = {"x-csrf-token": token}
    speech, other = story_of(pw, SPEECH[1]), story_of(pw, SPEECH[0])
    merged = client.post(f"/api/stories/{speech}/merge", json={"story": other}, headers=csrf)
    assert merged.status_code == 200 and SPEECH[0] in {m["url"] for m in merged.json()["articles_list"]}
    assert merged.json()["edits"][0]["editor"] == "editor"
    assert_error(client.get(f"/api/stories/{other}"), 404, "not_found")

    police = story_of(pw, POLICE_SEARCH)
    chosen = [article_id(pw, u) for u in FARMLAND]
    split = client.post(f"/api/stories/{police}/split", json={"articles": chosen, "title": "Farmland"}, headers=csrf)
    assert split.status_code == 201 and split.json()["title"] == "Farmland"
    new = split.json()["id"]
    assert {m["id"] for m in split.json()["articles_list"]} == set(chosen)
    assert "is_copy" in split.json()["articles_list"][0]

    questions = article_id(pw, QUESTIONS)
    moved = client.post(f"/api/stories/{new}/move", json={"article": questions}, headers=csrf)
    assert moved.status_code == 200 and questions in {m["id"] for m in moved.json()["articles_list"]}
    assert client.get(f"/api/articles/{questions}").json()["story_id"] == new

    renamed = client.post(f"/api/stories/{new}/rename", json={"title": "Land and the camp"}, headers=csrf)
    assert renamed.json()["title"] == "Land and the camp"
    assert [e["action"] for e in renamed.json()["edits"]] == ["split", "move", "rename"]

    assert_error(client.post(f"/api/stories/{new}/merge", json={"story": new}, headers=csrf), 400, "usage")
    assert_error(client.post(f"/api/stories/{new}/split", json={"articles": []}, headers=csrf), 422, "invalid")
    assert_error(client.post(f"/api/stories/{new}/rename", json={"title": "x"}), 403, "csrf")


def test_viewers_may_not_curate(pw: Presswatch) -> None:
    client, token = logged_in(pw, "viewer")
    story = story_of(pw, POLICE_SEARCH)
    response = client.post(f"/api/stories/{story}/rename", json={"title": "Mine"}, headers={"x-csrf-token": token})
    assert_error(response, 403, "permission")
    assert client.post(f"/stories/{story}/rename", data={"title": "Mine", "csrf_token": token}).status_code == 403
    assert 'id="split-form"' not in client.get(f"/stories/{story}").text
    assert pw.story(story)["edits"] == []


def test_the_story_pages_forms_merge_split_move_and_rename(pw: Presswatch) -> None:
    client, token = logged_in(pw, "editor")
    speech, other = story_of(pw, SPEECH[1]), story_of(pw, SPEECH[2])
    page = client.get(f"/stories/{speech}").text
    assert 'id="split-form"' in page and f'<option value="{other}">' in page  # offered for a merge
    response = client.post(f"/stories/{speech}/merge", data={"other": f"#{other}", "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == f"/stories/{speech}"
    police = story_of(pw, POLICE_SEARCH)
    chosen = [str(article_id(pw, u)) for u in FARMLAND]
    response = client.post(f"/stories/{police}/split", data={"articles": chosen, "title": "", "csrf_token": token})
    new = int(response.headers["location"].rsplit("/", 1)[1])
    assert {str(m["id"]) for m in pw.story(new)["articles_list"]} == set(chosen)
    response = client.post(f"/stories/{new}/move", data={"article": chosen[0], "to": str(police), "csrf_token": token})
    assert response.headers["location"] == f"/stories/{new}"
    response = client.post(f"/stories/{new}/move", data={"article": chosen[1], "to": str(police), "csrf_token": token})
    assert response.headers["location"] == f"/stories/{police}#article-{chosen[1]}"  # the story was left empty
    assert (
        client.post(f"/stories/{police}/move", data={"article": "1x", "to": "2", "csrf_token": token}).status_code
        == 400
    )
    client.post(f"/stories/{police}/rename", data={"title": "Police search, and the farmland", "csrf_token": token})
    page = client.get(f"/stories/{police}").text
    assert "Police search, and the farmland" in page and "renamed it" in page and "editor</b>" in page
    assert f'href="/stories/{police}"' in client.get(f"/articles/{chosen[0]}").text  # each article links its story


def test_the_stories_page_filters_sorts_and_pages(pw: Presswatch) -> None:
    client, _ = logged_in(pw, "viewer")
    page = client.get("/stories?size=5").text
    assert f"{pw.story_count()} stories; 1–5 shown" in page and 'rel="next"' in page
    listed = re.findall(r'data-story-id="(\d+)"', page)
    second = client.get("/stories?size=5&page=2").text
    assert 'rel="prev"' in second and "6–10 shown" in second
    assert len(listed) == 5 and not set(listed) & set(re.findall(r'data-story-id="(\d+)"', second))
    persian = client.get("/stories", params={"language": "fa", "sort": "size"}).text
    assert f"{pw.story_count(language='fa')} stories match" in persian and "largest first" in persian
    assert 'dir="auto"' in persian
    assert "No story matches these filters" in client.get("/stories", params={"min_size": 1000}).text
    assert client.get("/stories", params={"outlet": "nobody"}).status_code == 400


# ---- the CLI ----------------------------------------------------------------------------------------------------


def run(pw: Presswatch, *args: str) -> Any:
    return CliRunner().invoke(cli_app, ["--db", pw.settings.db, *args], env={"COLUMNS": "200"})


def test_the_cli_merges_splits_moves_and_renames(pw: Presswatch) -> None:
    speech, other = story_of(pw, SPEECH[1]), story_of(pw, SPEECH[0])
    result = run(pw, "stories", "merge", str(speech), str(other), "--editor", "ana")
    assert result.exit_code == 0, result.output
    assert f"merged story {other} into story {speech}: story {speech}" in result.output
    police = story_of(pw, POLICE_SEARCH)
    chosen = [str(article_id(pw, u)) for u in FARMLAND]
    result = run(pw, "stories", "split", str(police), *chosen, "--title", "Farmland", "--editor", "ana", "--json")
    assert result.exit_code == 0, result.output
    new = json.loads(result.output)
    assert new["title"] == "Farmland" and new["articles"] == 2
    result = run(pw, "stories", "move", chosen[0], "--to", str(police), "--editor", "ana")
    assert result.exit_code == 0 and f"moved article {chosen[0]}: story {police}" in result.output
    result = run(pw, "stories", "rename", str(police), "Police search", "--editor", "ana")
    assert result.exit_code == 0 and f"renamed: story {police}" in result.output
    shown = run(pw, "stories", "show", str(police))
    assert "ana renamed story" in shown.output and f"ana moved article {chosen[0]}" in shown.output
    gone = run(pw, "stories", "show", str(other))
    assert gone.exit_code == 2 and f"ana merged it into story {speech}" in gone.output
    assert run(pw, "stories", "merge", str(police), str(police), "--editor", "ana").exit_code == 2
    result = run(pw, "stories", "split", str(police), str(article_id(pw, SPEECH[1])), "--editor", "ana")
    assert result.exit_code == 2 and "are not in story" in result.output


def test_the_cli_lists_with_filters_and_says_what_emptied_the_list(pw: Presswatch) -> None:
    result = run(pw, "stories", "list", "--language", "fa", "--sort", "size", "--json")
    rows = json.loads(result.output)
    assert rows and all("fa" in r["languages"] for r in rows)
    assert [r["articles"] for r in rows] == sorted((r["articles"] for r in rows), reverse=True)
    paged = json.loads(run(pw, "stories", "list", "--limit", "2", "--offset", "1", "--json").output)
    assert [r["id"] for r in paged] == [s["id"] for s in pw.stories(limit=3)][1:]
    dated = json.loads(run(pw, "stories", "list", "--since", "2026-10-20", "--until", "2026-10-20", "--json").output)
    assert dated and all(r["last_seen"] >= "2026-10-20" and r["first_seen"] < "2026-10-21" for r in dated)
    empty = run(pw, "stories", "list", "--min-size", "1000")
    assert empty.exit_code == 0 and "no stories with --min-size 1000" in empty.output
    wrong = run(pw, "stories", "list", "--outlet", "balkn wire")
    assert wrong.exit_code == 2 and "did you mean 'Balkan Wire'" in wrong.output
    assert run(pw, "stories", "list", "--sort", "biggest").exit_code == 2
    assert run(pw, "stories", "list", "--week", "2026-W42", "--since", "2026-10-01").exit_code == 2
