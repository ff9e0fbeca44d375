"""The digest: selection, summaries, drafts and versions, renderers, a real SMTP server, the archive site."""

from __future__ import annotations

import email
import email.policy
import json
import re
import socket
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from sqlalchemy import Connection, insert, select, update

from presswatch import Presswatch
from presswatch.api import sample_dir
from presswatch.demo import run_demo
from presswatch.digest import (
    JSON_SCHEMA,
    build_digest,
    build_site,
    edit_item,
    list_versions,
    load_digest,
    open_draft,
    period_of,
    publish,
    render_atom,
    render_eml,
    render_html,
    render_json,
    render_markdown,
    reorder,
    save_draft,
    send,
    set_included,
    split_sentences,
    summarise,
)
from presswatch.errors import UsageError
from presswatch.store.schema import articles, digest_items, digests, sources, stories, story_articles

GOLDEN = Path(__file__).parent / "golden"
W42 = "2026-W42"


def fill_stories(conn: Connection) -> dict[str, int]:
    """stories/story_articles from the sample's gold story labels (independent of the clustering)."""
    gold = json.loads((sample_dir() / "gold.json").read_text(encoding="utf-8"))
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.url,
            articles.c.title,
            articles.c.language,
            articles.c.published_at,
            sources.c.name,
        )
        .join(sources, sources.c.id == articles.c.source_id)
        .where(articles.c.is_current)
    ).all()
    by_url = {r.url: r for r in rows}
    groups: dict[str, list[object]] = {}
    for entry in gold["articles"]:
        groups.setdefault(entry["story"], []).append(by_url[entry["url"]])
    ids = {}
    for label in sorted(groups):
        members = sorted(groups[label], key=lambda r: (r.published_at, r.id))  # type: ignore[attr-defined]
        head = members[0]
        story_id = conn.execute(
            insert(stories).values(
                title=head.title,  # type: ignore[attr-defined]
                title_article_id=head.id,  # type: ignore[attr-defined]
                first_seen=members[0].published_at,  # type: ignore[attr-defined]
                last_seen=members[-1].published_at,  # type: ignore[attr-defined]
                articles=len(members),
                languages=json.dumps(Counter(m.language for m in members)),  # type: ignore[attr-defined]
                outlets=json.dumps(Counter(m.name for m in members)),  # type: ignore[attr-defined]
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        for n, m in enumerate(members):
            conn.execute(
                insert(story_articles).values(
                    story_id=story_id,
                    article_id=m.id,
                    score=1.0,
                    joined_by="new" if n == 0 else "similarity",  # type: ignore[attr-defined]
                )
            )
        ids[label] = story_id
    return ids


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Presswatch, dict[str, int]]]:
    """The sample corpus ingested and processed, with stories from its gold labels."""
    app = Presswatch(db=str(tmp_path_factory.mktemp("digest") / "sample.db"))
    run_demo(app)
    with app.store.begin() as conn:
        for table in (digest_items, digests, story_articles, stories):
            conn.execute(table.delete())
        ids = fill_stories(conn)
    yield app, ids
    app.close()


@pytest.fixture
def fresh(sample: tuple[Presswatch, dict[str, int]]) -> Iterator[tuple[Presswatch, dict[str, int]]]:
    """The sample with no saved digest before and after the test."""
    app, _ = sample
    for _ in range(2):
        with app.store.begin() as conn:
            conn.execute(digest_items.delete())
            conn.execute(digests.delete())
        if _ == 0:
            yield sample


def w42(app: Presswatch) -> object:
    with app.store.connect() as conn:
        return build_digest(conn, period_of(W42), topic="tolou")


# ---- sentences and summaries -------------------------------------------------------------------------


def test_sentences_english_abbreviations_initials_decimals_quotes() -> None:
    text = 'Mr. Smith met Dr. J. Jones at 3.5 p.m. in the U.S. capital. He said: "Go. Now." Then he left! Why?'
    assert split_sentences(text, "en") == [
        "Mr. Smith met Dr. J. Jones at 3.5 p.m. in the U.S. capital.",
        'He said: "Go. Now."',
        "Then he left!",
        "Why?",
    ]


def test_sentences_albanian() -> None:
    text = "Z. Këlliçi tha se kampi ka zënë tokat etj. të fermerëve. Policia hyri në kamp. A do të ketë hetim? Po."
    assert split_sentences(text, "sq") == [
        "Z. Këlliçi tha se kampi ka zënë tokat etj. të fermerëve.",
        "Policia hyri në kamp.",
        "A do të ketë hetim?",
        "Po.",
    ]


def test_sentences_persian_question_mark_and_guillemets() -> None:
    text = "او گفت: «این چهارمین بار است. بگذارید خودش بگوید.» خانواده‌ها شش ساعت ایستادند. آیا پاسخی آمد؟ نه.\nبند دوم."
    assert split_sentences(text, "fa") == [
        "او گفت: «این چهارمین بار است. بگذارید خودش بگوید.»",
        "خانواده‌ها شش ساعت ایستادند.",
        "آیا پاسخی آمد؟",
        "نه.",
        "بند دوم.",
    ]


def test_summary_uses_centrality_not_just_the_lead() -> None:
    text = (
        "The weather was mild in the capital on Tuesday morning and traffic was light.\n"
        "The council approved the new harbour plan after a long debate about the harbour plan.\n"
        "Residents said the harbour plan would change the old district for ever."
    )
    others = ["The harbour plan was approved by the council.", "Critics of the harbour plan promised an appeal."]
    summary = summarise(text, "en", others, max_words=30, max_sentences=2)
    assert "approved the new harbour plan" in summary
    assert summary.startswith("The weather") is False or "harbour plan" in summary
    assert len(summary.split()) <= 30


def test_summary_leaves_out_the_title_and_urls() -> None:
    text = "Fire at the camp\nA fire broke out in a warehouse at the camp on Wednesday.\nSource: https://x.example/a"
    assert (
        summarise(text, "en", title="Fire at the camp") == "A fire broke out in a warehouse at the camp on Wednesday."
    )


# ---- selection and ranking ---------------------------------------------------------------------------------


def test_selection_w42(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, ids = sample
    digest = w42(app)
    chosen = [item.story_id for item in digest.items]  # type: ignore[attr-defined]
    # the week's on-topic stories; the noise (inflation, football) is not relevant to the topic
    assert set(chosen) == {
        ids[s] for s in ("families-at-gate", "camp-fire", "journalist-lawsuit", "eu-funding-hearing", "vw-digest-w42")
    }
    assert ids["economy-iran-inflation"] not in chosen and ids["sport-kf-bregu"] not in chosen
    # breadth first: five outlets in three languages beat one outlet
    assert chosen[0] == ids["families-at-gate"] and chosen[-1] == ids["vw-digest-w42"]
    fire = next(i for i in digest.items if i.story_id == ids["camp-fire"])  # type: ignore[attr-defined]
    assert fire.language == "en"
    assert fire.first_publisher.name == "Ora e Durrësit"
    assert {a.language for a in fire.also_in} == {"sq", "fa"}
    assert any(a.translation for a in fire.also_in)
    assert all(r.date < period_of(W42).since for r in fire.also_read)
    families = next(i for i in digest.items if i.story_id == ids["families-at-gate"])  # type: ignore[attr-defined]
    assert families.language == "fa" and families.summary and "«" not in families.summary.replace("»", "")[-3:]
    # sections come in the order of their best item
    assert [s.language for s in digest.sections] == ["fa", "en"]  # type: ignore[attr-defined]


def test_also_read_is_chosen_per_item_and_never_repeated(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, ids = sample
    digest = w42(app)
    suggested = [r.story_id for item in digest.items for r in item.also_read]  # type: ignore[attr-defined]
    assert suggested and len(suggested) == len(set(suggested))
    assert not set(suggested) & {item.story_id for item in digest.items}  # type: ignore[attr-defined]
    # each under the item it is most related to: the land dispute under the fire at the same camp
    fire = next(i for i in digest.items if i.story_id == ids["camp-fire"])  # type: ignore[attr-defined]
    assert ids["land-dispute"] in [r.story_id for r in fire.also_read]


def test_limit_caps_items(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, _ = sample
    with app.store.connect() as conn:
        assert len(build_digest(conn, period_of(W42), topic="tolou", limit=2).items) == 2


def test_novelty_a_story_comes_back_only_if_it_grew(fresh: tuple[Presswatch, dict[str, int]]) -> None:
    app, ids = fresh
    with app.store.begin() as conn:
        w41 = build_digest(conn, period_of("2026-W41"), topic="tolou")
        assert ids["families-at-gate"] in [i.story_id for i in w41.items]
        save_draft(conn, w41)
        assert publish(conn, "2026-W41", "tolou") == 1
        # families-at-gate had 4 articles by the end of W41 and 5 by the end of W42: it grew, it comes back
        digest = build_digest(conn, period_of(W42), topic="tolou")
        families = next(i for i in digest.items if i.story_id == ids["families-at-gate"])
        assert (families.previous_articles, families.articles) == (4, 5)
        # pretend W41 already saw all five: it did not grow, it stays out
        conn.execute(
            update(digest_items).where(digest_items.c.story_id == ids["families-at-gate"]).values(story_articles=5)
        )
        again = build_digest(conn, period_of(W42), topic="tolou")
        assert ids["families-at-gate"] not in [i.story_id for i in again.items]


# ---- drafts and versions --------------------------------------------------------------------------------------


def test_draft_edit_publish_versions(fresh: tuple[Presswatch, dict[str, int]]) -> None:
    app, _ = fresh
    with app.store.begin() as conn:
        draft = open_draft(conn, W42, "tolou")
        assert draft.version == 0 and draft.digest_id is not None
        assert open_draft(conn, W42, "tolou").digest_id == draft.digest_id  # opened, not built again
        first, second = draft.items[0].item_id, draft.items[1].item_id
        assert first is not None and second is not None
        set_included(conn, second, False)
        edit_item(conn, first, summary="An editor's summary.")
        reorder(conn, draft.digest_id, [draft.items[2].item_id, first])  # type: ignore[list-item]
        assert publish(conn, W42, "tolou") == 1
        edit_item(conn, first, summary="A second thought.")
        assert publish(conn, W42, "tolou") == 2
        versions = list_versions(conn, W42, "tolou")
        assert [(v.version, v.status) for v in versions] == [(0, "draft"), (1, "published"), (2, "published")]
        assert versions[1].items == len(draft.items) - 1
        v1 = load_digest(conn, versions[1].digest_id)
        assert v1.items[1].summary == "An editor's summary." and v1.items[0].story_id == draft.items[2].story_id
        assert not next(i for i in v1.items if i.item_id and i.story_id == draft.items[1].story_id).included
        assert load_digest(conn, versions[2].digest_id).items[1].summary == "A second thought."
        published_item = v1.items[0].item_id
        assert published_item is not None
        with pytest.raises(UsageError):
            edit_item(conn, published_item, summary="rewriting history")
        with pytest.raises(UsageError):
            publish(conn, "2026-W30", "tolou")


# ---- renderers --------------------------------------------------------------------------------------------------


def hostile(app: Presswatch) -> object:
    digest = w42(app)
    item = digest.items[0]  # type: ignore[attr-defined]
    item.title = '<script>alert("x")</script> [click](javascript:alert(1))'
    item.outlets[0].url = "javascript:alert(1)"
    return digest


class Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_survives_mail_clients(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, _ = sample
    page = render_html(hostile(app))  # type: ignore[arg-type]
    tree = Tree()
    tree.feed(page)
    tags = [t for t, _ in tree.tags]
    assert "script" not in tags and "<script>" not in page and 'href="javascript' not in page
    assert '<script>alert("x")</script>' in "".join(tree.text)  # shown as text, escaped in the markup
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in tree.tags)
    assert any(t == "meta" and a.get("name") == "color-scheme" for t, a in tree.tags)
    sections = [a["data-language"] for t, a in tree.tags if t == "div" and a.get("data-language")]
    assert sections == ["fa", "en"]
    cards = [a for t, a in tree.tags if t == "div" and a.get("class") == "pw-card"]
    assert len(cards) == 5 and any(c.get("dir") == "rtl" for c in cards)
    for tag, attrs in tree.tags:
        if tag in ("a", "h1", "h2", "h3", "p", "body"):
            assert attrs.get("style"), tag  # inline styles everywhere
        if tag == "a":  # links out, or to an item of the contents ("In this issue")
            assert (attrs["href"] or "").startswith(("https://", "#pw-item-"))
    assert sum(1 for t in tags if t == "h2") == 2


def test_markdown_escapes(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, _ = sample
    text = render_markdown(hostile(app))  # type: ignore[arg-type]
    assert "<script>" not in text and "\\<script\\>" in text
    assert re.search(r"(?<!\\)\]\(javascript", text) is None  # the brackets are escaped: no link
    assert "**Outlets:** Ora e Durrësit (9 Oct)" in text  # a javascript: URL gives no link at all


def test_atom_parses_without_bozo(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, _ = sample
    digest = hostile(app)
    feed = feedparser.parse(render_atom([digest], self_url="https://example.org/feed.atom"))  # type: ignore[list-item]
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert len(feed.entries) == 1
    assert feed.entries[0].title.startswith("presswatch digest — The Sunrise Vanguard of Iran")
    assert "<script>" not in feed.entries[0].content[0].value  # feedparser's sanitiser and our escaping


def test_json_follows_its_schema(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, _ = sample
    data = json.loads(render_json(w42(app)))  # type: ignore[arg-type]
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(data, JSON_SCHEMA)


def test_json_has_the_schema_fields(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, _ = sample
    data = json.loads(render_json(w42(app)))  # type: ignore[arg-type]
    assert set(JSON_SCHEMA["required"]) <= set(data)
    item_schema = JSON_SCHEMA["properties"]["sections"]["items"]["properties"]["items"]["items"]
    for section in data["sections"]:
        for item in section["items"]:
            assert set(item_schema["required"]) <= set(item) <= set(item_schema["properties"])


# ---- golden files ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_golden_w42(sample: tuple[Presswatch, dict[str, int]], fmt: str) -> None:
    app, _ = sample
    digest = w42(app)
    out = render_markdown(digest) if fmt == "md" else render_json(digest)  # type: ignore[arg-type]
    golden = GOLDEN / f"digest-2026-W42.{fmt}"
    assert out == golden.read_text(encoding="utf-8")


# ---- mail ---------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_send_through_a_real_smtp_server(sample: tuple[Presswatch, dict[str, int]]) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    received: list[bytes] = []

    class Keep(Sink):
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            received.append(envelope.original_content or envelope.content)
            return "250 OK"

    app, _ = sample
    digest = w42(app)
    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        send(digest, ["editor@example.org"], "127.0.0.1", port, sender="digest@presswatch.example")  # type: ignore[arg-type]
        for _ in range(50):
            if received:
                break
            time.sleep(0.05)
    finally:
        controller.stop()
    assert len(received) == 1
    message = email.message_from_bytes(received[0], policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert message["To"] == "editor@example.org" and message["From"] == "digest@presswatch.example"
    assert "2026-W42" in message["Subject"]
    parts = [p.get_content_type() for p in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html_part = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "In Persian:" in plain and "++ " in plain and "قرارگاه طلوع" in plain
    tree = Tree()
    tree.feed(html_part)
    assert "script" not in [t for t, _ in tree.tags]


def test_eml_is_deterministic_given_a_date(sample: tuple[Presswatch, dict[str, int]]) -> None:
    app, _ = sample
    message = render_eml(w42(app), "a@b.example", "c@d.example", date=datetime(2026, 10, 19, 8, 0))  # type: ignore[arg-type]
    assert message["Date"] == "Mon, 19 Oct 2026 08:00:00 +0000"


# ---- the archive site ---------------------------------------------------------------------------------------------


def test_site_works_from_the_file_system(fresh: tuple[Presswatch, dict[str, int]], tmp_path: Path) -> None:
    app, _ = fresh
    with app.store.begin() as conn:
        for week in ("2026-W41", W42):
            open_draft(conn, week, "tolou")
            publish(conn, week, "tolou")
        open_draft(conn, "2026-W43", "tolou")  # a draft is not published
        written = build_site(conn, tmp_path / "site")
    names = sorted(str(p.relative_to(tmp_path / "site")) for p in written)
    assert names == ["digests/2026-W41-tolou.html", "digests/2026-W42-tolou.html", "feed.atom", "index.html"]
    index = Tree()
    index.feed((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    hrefs = [a["href"] for t, a in index.tags if t == "a"]
    assert hrefs == ["feed.atom", "digests/2026-W42-tolou.html", "digests/2026-W41-tolou.html"]
    for href in hrefs:
        assert (tmp_path / "site" / href).is_file()  # relative links resolve on disk
    page = Tree()
    page.feed((tmp_path / "site" / "digests" / "2026-W42-tolou.html").read_text(encoding="utf-8"))
    local = [a["href"] for t, a in page.tags if t == "a" and not (a["href"] or "").startswith(("https://", "#"))]
    assert local == ["../index.html", "../feed.atom"]
    feed = feedparser.parse((tmp_path / "site" / "feed.atom").read_bytes())
    assert feed.bozo == 0 and len(feed.entries) == 2
