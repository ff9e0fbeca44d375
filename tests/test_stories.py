"""The stories stage: provenance joins, new stories, incremental runs, story fields, queries, the sample's gold."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sqlalchemy import select

from presswatch import Presswatch
from presswatch.api import sample_dir
from presswatch.demo import run_demo
from presswatch.store.queries import StageReport
from presswatch.store.schema import articles, stories, story_articles
from presswatch.stories import STORY_FIELDS, StoryFilter, list_stories, story_detail, story_rows, week_stories
from presswatch.stories.vectors import FEATURES, Split, products, row_dots

from .conftest import ENGLISH

FOOTBALL = (
    "KF Bregu beat their coastal rivals three goals to one on Saturday evening in front of a full stadium, "
    "with the young striker scoring twice in the second half after a goalless first period.\n"
    "The coach praised his defenders and said the team would now focus on the cup semi-final next week, "
    "where they face the league leaders away from home in what promises to be a difficult match."
)


def membership(pw: Presswatch) -> dict[str, tuple[int, str]]:
    with pw.store.connect() as conn:
        rows = conn.execute(
            select(articles.c.url, story_articles.c.story_id, story_articles.c.joined_by)
            .join(story_articles, story_articles.c.article_id == articles.c.id)
            .where(articles.c.is_current)
        ).all()
    return {r.url: (r.story_id, r.joined_by) for r in rows}


@pytest.fixture
def small(pw: Presswatch, tmp_path: Path) -> Presswatch:
    records = [
        {"url": "https://ledger.example/harbour", "title": "Council meets on the future of the old harbour",
         "text": ENGLISH, "source": "Ledger", "language": "en", "published": "2026-10-01T08:00:00+00:00"},
        {"url": "https://wire.example/harbour-copy", "title": "Council meets on the future of the old harbour",
         "text": ENGLISH, "source": "Wire", "language": "en", "published": "2026-10-01T12:00:00+00:00"},
        {"url": "https://sport.example/derby", "title": "KF Bregu wins the coastal derby",
         "text": FOOTBALL, "source": "Sport", "language": "en", "published": "2026-10-02T20:00:00+00:00"},
    ]  # fmt: skip
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    pw.ingest([str(tmp_path / "in.jsonl")])
    return pw


def stories_report(pw: Presswatch) -> StageReport:
    """`process` runs reuse, entities, then stories: the last report is the stories stage's."""
    return {report.stage: report for report in pw.process()}["stories"]


def test_copies_join_their_origin_and_unrelated_articles_open_new_stories(small: Presswatch) -> None:
    report = stories_report(small)
    assert report.articles == 3 and report.found == 2
    found = membership(small)
    origin, copy, other = (found[u] for u in ("https://ledger.example/harbour", "https://wire.example/harbour-copy",
                                                "https://sport.example/derby"))  # fmt: skip
    assert origin == (origin[0], "new") and copy == (origin[0], "provenance")
    assert other[0] != origin[0] and other[1] == "new"


def test_a_second_run_does_nothing_and_story_fields_are_kept(small: Presswatch) -> None:
    small.process()
    with small.store.connect() as conn:
        before = [dict(r._mapping) for r in conn.execute(select(stories).order_by(stories.c.id))]
    (again,) = small.process(only=("stories",))
    assert again.articles == 0 and again.found == 0
    with small.store.connect() as conn:
        after = [dict(r._mapping) for r in conn.execute(select(stories).order_by(stories.c.id))]
        harbour = next(s for s in list_stories(conn) if s["articles"] == 2)
        detail = story_detail(conn, harbour["id"])
        rows = list(story_rows(conn, None))
        week = week_stories(conn, datetime(2026, 9, 28), datetime(2026, 10, 5))
        assert story_detail(conn, 999) is None
    assert before == after
    assert harbour["title"] == "Council meets on the future of the old harbour"
    assert harbour["first_seen"] == datetime(2026, 10, 1, 8) and harbour["last_seen"] == datetime(2026, 10, 1, 12)
    assert harbour["outlets"] == {"Ledger": 1, "Wire": 1} and harbour["languages"] == {"en": 2}
    assert detail is not None and detail["first_publisher"]["source"] == "Ledger"
    assert [a["joined_by"] for a in detail["articles_list"]] == ["new", "provenance"]
    assert {"id", "url", "title", "source", "language", "published_at", "joined_by", "score"} <= set(
        detail["articles_list"][0]
    )
    assert len(rows) == 2 and set(rows[0]) == set(STORY_FIELDS)
    assert sorted(len(r["urls"]) for r in rows) == [1, 2]
    assert len(week) == 2


def test_a_new_article_later_joins_by_similarity_after_restart(small: Presswatch, tmp_path: Path) -> None:
    small.process()
    follow_up = ENGLISH.replace("Tuesday", "Wednesday").split("\n")
    record = {"url": "https://post.example/harbour-follow", "title": "Harbour district residents ask for guarantees",
              "text": "\n".join([follow_up[2], follow_up[0], "The council did not reply to questions on Wednesday."]),
              "source": "Post", "language": "en", "published": "2026-10-03T09:00:00+00:00"}  # fmt: skip
    (tmp_path / "more.jsonl").write_text(json.dumps(record), encoding="utf-8")
    small.ingest([str(tmp_path / "more.jsonl")])
    report = stories_report(small)  # a fresh run: centroids rebuilt from the store
    assert report.articles == 1
    found = membership(small)
    assert found["https://post.example/harbour-follow"][0] == found["https://ledger.example/harbour"][0]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Presswatch:
    pw = Presswatch(db=str(tmp_path_factory.mktemp("stories") / "sample.db"))
    run_demo(pw)  # ingest, watchlist, process: the stories stage has run
    yield pw
    pw.close()


def test_sample_copies_and_translations_join_their_origins_story(sample_store: Presswatch) -> None:
    gold = json.loads((sample_dir() / "gold.json").read_text("utf-8"))
    found = membership(sample_store)
    checked = 0
    for link in gold["links"]:
        if link["kind"] in ("duplicate", "translation") and link["origin"] in found and link["copy"] in found:
            assert found[link["origin"]][0] == found[link["copy"]][0], link
            checked += 1
    assert checked >= 5


def test_sample_stories_cross_languages_and_match_gold(sample_store: Presswatch) -> None:
    gold = {a["url"]: a["story"] for a in json.loads((sample_dir() / "gold.json").read_text("utf-8"))["articles"]}
    found = {url: story for url, (story, _) in membership(sample_store).items() if url in gold}
    with sample_store.store.connect() as conn:
        listed = list_stories(conn, StoryFilter(limit=100))
    assert any(len(s["languages"]) > 1 for s in listed)
    by_found, by_gold = defaultdict(set), defaultdict(set)
    for url, story in found.items():
        by_found[story].add(url)
        by_gold[gold[url]].add(url)
    precision = sum(len(by_found[found[u]] & by_gold[gold[u]]) / len(by_found[found[u]]) for u in found) / len(found)
    recall = sum(len(by_found[found[u]] & by_gold[gold[u]]) / len(by_gold[gold[u]]) for u in found) / len(found)
    f1 = 2 * precision * recall / (precision + recall)
    assert len(found) == len(gold)
    assert f1 >= 0.75, (precision, recall)


def test_products_with_common_columns_dense_equal_the_sparse_product() -> None:
    rng = np.random.default_rng(7)

    # a few columns in nearly every row (function words), many rare ones (names)
    def matrix(rows: int) -> sparse.csr_matrix:
        common = rng.random((rows, 20)) < 0.9
        rare = sparse.random(rows, FEATURES, density=2e-5, format="csr", random_state=rng, dtype=np.float32)
        dense = sparse.csr_matrix((common * rng.random((rows, 20))).astype(np.float32))
        return sparse.csr_matrix(sparse.hstack([dense, rare[:, 20:]]), dtype=np.float32)

    x, y = matrix(60), matrix(90)
    expected = (x @ y.T).toarray()
    for common in (np.arange(20), np.arange(5), np.zeros(0, np.int64)):
        found = products(Split.of(x, common), Split.of(y, common))
        assert np.allclose(found, expected, atol=1e-5)
    rows = np.array([3, 7, 59])
    assert np.allclose(products(Split.of(x, np.arange(20)).rows(rows), Split.of(y, np.arange(20))), expected[rows])
    buffer = np.zeros(FEATURES, np.float32)
    one = (y[4].indices, y[4].data)
    assert np.allclose(row_dots(x, one, buffer), expected[:, 4], atol=1e-5) and not buffer.any()
    for row in (5, 6, 59):  # empty rows, the last one too
        x.data[x.indptr[row] : x.indptr[row + 1]] = 0.0
    x.eliminate_zeros()
    some = np.array([2, 5, 6, 30, 58, 59])
    assert np.allclose(row_dots(x, one, buffer, some), (x @ y.T).toarray()[some, 4], atol=1e-5)
