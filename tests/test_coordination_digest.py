"""End to end: social posts imported, coordination detected, and the digest of that week carrying its
"Coordinated activity" section in every rendering (HTML, Markdown, JSON, the mail's text and HTML); the CLI path
posts import -> coordination detect -> groups -> show -> export; and the digest page in a real browser, in
English and with Persian articles and hashtags, at a desktop and a phone width (screenshots in test-output/).

The posts are generated here: a ring of 6 accounts co-sharing 10 links (and their hashtags) within seconds,
and 40 organic accounts posting from a large pool of links at random times, some of them the ring's links hours
later; all in ISO week 2026-W45.
"""

from __future__ import annotations

import csv
import json
import random
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_string
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app
from presswatch.digest import JSON_SCHEMA, Digest, period_of, render, render_eml, render_html, render_text

from .conftest import ENGLISH, PERSIAN

WEEK = "2026-W45"
MONDAY = datetime(2026, 11, 2, tzinfo=UTC)
RING = [f"ring_{n:02d}" for n in range(1, 7)]
ORGANIC = [f"reader_{n:02d}" for n in range(1, 41)]
HASHTAGS = {"en": ["#HarbourTruth", "#SaveTheDocks"], "fa": ["#بندر_آزاد", "#حقیقت_بندر"]}
PERSIAN_NAMES = ["مریم احمدی", "علی رضایی", "سارا کریمی", "رضا موسوی", "نگار حسینی", "پرویز نادری"]
WEB_URL = "https://presswatch.example.org"


def _ring_link(number: int) -> str:
    return f"https://harbour-news.example/docks/story-{number}"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def posts_jsonl(path: Path, language: str) -> Path:
    """The week's posts as JSONL (the importer's own field names): the ring and the organic accounts."""
    rng = random.Random(45)
    rows: list[dict[str, Any]] = []
    for number in range(10):
        moment = MONDAY + timedelta(hours=9 + 15 * number, minutes=rng.randint(0, 50))
        tag = HASHTAGS[language][number % 2]
        for n, account in enumerate(RING):
            rows.append(
                {
                    "post_key": f"{account}-{number}",
                    "account_key": account,
                    "account_name": PERSIAN_NAMES[n] if language == "fa" else f"Ring member {n + 1}",
                    "posted_ms": _iso(moment + timedelta(seconds=rng.uniform(0, 6))),
                    "text": f"{tag} {_ring_link(number)}",
                    "language": language,
                    "links": [_ring_link(number)],
                    "hashtags": [tag],
                }
            )
    pool = [f"https://blog{n % 37}.example/post-{n}" for n in range(400)]
    common = ["#news", "#weather", "#football", "#music", "#cooking", "#books", "#travel", "#tech"]
    for account in ORGANIC:
        for k in range(rng.randint(4, 12)):
            moment = MONDAY + timedelta(seconds=rng.uniform(0, 7 * 86400 - 1))
            link = _ring_link(rng.randrange(10)) if rng.random() < 0.1 else rng.choice(pool)
            tag = rng.choice(common)
            rows.append(
                {
                    "post_key": f"{account}-{k}",
                    "account_key": account,
                    "posted_ms": _iso(moment),
                    "text": f"reading {link} {tag}",
                    "links": [link],
                    "hashtags": [tag],
                }
            )
    rows.sort(key=lambda r: r["posted_ms"])
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def posts_coortweet(path: Path) -> Path:
    """The same shape in CooRTweet's input: the ring re-shares 10 objects within seconds of each other."""
    rng = random.Random(10)
    rows = []
    for number in range(10):
        moment = MONDAY + timedelta(hours=10 + 14 * number)
        for account in RING:
            at = moment + timedelta(seconds=rng.uniform(0, 5))
            rows.append((f"object-{number}", account, f"{account}-{number}", int(at.timestamp())))
    for account in ORGANIC:
        for k in range(rng.randint(4, 12)):
            at = MONDAY + timedelta(seconds=rng.uniform(0, 7 * 86400 - 1))
            rows.append((f"organic-{rng.randrange(300)}", account, f"{account}-{k}", int(at.timestamp())))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
        writer.writerows(rows)
    return path


ARTICLES = {
    "en": [
        ("Council delays the harbour plan again", ENGLISH, "Harbour Ledger"),
        ("Dock workers answer the council", ENGLISH.replace("regional council", "dock workers' union"), "Coast Post"),
    ],
    "fa": [
        ("شورا طرح بندر را دوباره به تعویق انداخت", PERSIAN, "پیک بندر"),
        ("کارگران بارانداز به شورا پاسخ دادند", PERSIAN.replace("شورای منطقه‌ای", "اتحادیه کارگران"), "خبر ساحل"),
    ],
}


def articles_jsonl(path: Path, language: str, week_start: datetime = MONDAY) -> Path:
    """Our own fictional articles, published in the week (two outlets)."""
    lines = [
        json.dumps(
            {
                "url": f"https://{language}-{n}.example/harbour/{week_start.date().isoformat()}",
                "title": title,
                "text": text,
                "published": (week_start + timedelta(days=1 + n, hours=8)).date().isoformat(),
                "source": source,
            },
            ensure_ascii=False,
        )
        for n, (title, text, source) in enumerate(ARTICLES[language])
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def detected_store(directory: Path, language: str, web_url: str = "") -> Presswatch:
    """A store with the week's articles and posts, and one coordination run over the posts."""
    pw = Presswatch(db=str(directory / f"digest-{language}.db"), digest_web_url=web_url)
    report = pw.ingest([str(articles_jsonl(directory / f"articles-{language}.jsonl", language))])
    assert report.summary()["new"] == 2
    imported = pw.import_posts([str(posts_jsonl(directory / f"posts-{language}.jsonl", language))], fmt="jsonl")
    assert not imported.problems if hasattr(imported, "problems") else True
    found = pw.detect_coordination()
    assert found["run"] == 1, found
    return pw


@pytest.fixture(scope="module", params=["en", "fa"])
def detected(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Presswatch]:
    pw = detected_store(tmp_path_factory.mktemp(f"coordination-digest-{request.param}"), request.param, WEB_URL)
    yield pw
    pw.close()


def _language(pw: Presswatch) -> str:
    return "fa" if "digest-fa" in pw.settings.db else "en"


def test_detection_finds_exactly_the_ring(detected: Presswatch) -> None:
    groups = detected.coordination_groups()
    assert len(groups) == 1, groups
    assert sorted(groups[0]["accounts"]) == RING
    assert groups[0]["size"] == 6
    # the api's reading of the week is what the digest shows
    week = period_of(WEEK)
    assert detected.coordination_groups(None, week.since, week.until) == groups
    assert detected.coordination_groups(None, week.until, week.until + timedelta(days=7)) == []


def _digest(pw: Presswatch) -> Digest:
    digest = pw.build_digest(period_of(WEEK))
    assert digest.included, "the week's articles make a digest"
    return digest


def test_the_section_in_html_and_markdown(detected: Presswatch) -> None:
    digest = _digest(detected)
    assert digest.coordination is not None
    group = digest.coordination.groups[0]
    assert (group.group, group.size, digest.coordination.run, digest.coordination.total) == (1, 6, 1, 1)
    assert {"co-link", "co-hashtag"} <= set(group.methods)
    assert group.first_at is not None and group.last_at is not None
    assert period_of(WEEK).since <= group.first_at <= group.last_at < period_of(WEEK).until
    tags = [tag.lower() for tag in HASHTAGS[_language(detected)]]  # hashtags are kept case-folded
    page = f"{WEB_URL}/coordination/groups/1?run=1"

    html = render_html(digest)
    assert html.count("Coordinated activity") == 1
    assert "Group 1: 6 accounts" in html and "co-link" in html and "co-hashtag" in html
    assert f'href="{page}"' in html
    assert _ring_link(0).split("story-")[0] in html
    assert any(tag in html for tag in tags)
    # the section comes after the stories, before the footer
    assert html.index("pw-section") < html.index("pw-coordination")

    markdown = render(digest, "md")
    assert "## Coordinated activity" in markdown
    assert "### Group 1: 6 accounts" in markdown
    assert f"<{page}>" in markdown
    assert any(tag.replace("_", "\\_") in markdown for tag in tags)
    assert "- **Top links:** [harbour-news.example/docks/story-" in markdown
    assert "- **Linked by:** co-hashtag, co-link" in markdown


def test_the_section_in_json_and_the_mail(detected: Presswatch) -> None:
    digest = _digest(detected)
    data = json.loads(render(digest, "json"))
    jsonschema.validate(data, JSON_SCHEMA)
    section = data["coordination"]
    assert section["run"] == 1 and section["groups_total"] == 1
    assert section["page"] == f"{WEB_URL}/coordination/runs/1"
    (group,) = section["groups"]
    assert group["size"] == 6 and group["page"] == f"{WEB_URL}/coordination/groups/1?run=1"
    assert group["first_at"].startswith("2026-11-0") and group["first_at"].endswith("Z")
    assert all(link["link"].startswith("https://harbour-news.example/") for link in group["top_links"])
    assert {t["hashtag"] for t in group["top_hashtags"]} == {h.lower() for h in HASHTAGS[_language(detected)]}
    assert group["top_links"] and group["top_hashtags"]

    text = render_text(digest)
    assert "Coordinated activity:" in text and "++ Group 1: 6 accounts" in text
    assert f"Members, evidence and timeline: <{WEB_URL}/coordination/groups/1?run=1>" in text

    mail = message_from_string(render_eml(digest, None, "desk@example.org").as_string())
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode("utf-8")
        for part in mail.walk()
        if not part.is_multipart()
    }
    assert "Group 1: 6 accounts" in parts["text/plain"]
    assert (
        "Coordinated activity" in parts["text/html"]
        and f'href="{WEB_URL}/coordination/groups/1?run=1"' in (parts["text/html"])
    )


def test_a_week_without_coordinated_activity_has_no_section(detected: Presswatch, tmp_path: Path) -> None:
    language = _language(detected)
    before = MONDAY - timedelta(days=7)
    detected.ingest([str(articles_jsonl(tmp_path / "earlier.jsonl", language, before))])
    digest = detected.build_digest(period_of("2026-W44"))
    assert digest.included and digest.coordination is None
    assert "Coordinated activity" not in render_html(digest) + render(digest, "md") + render_text(digest)
    assert "coordination" not in json.loads(render(digest, "json"))


def test_a_published_version_and_the_site_carry_the_section(detected: Presswatch, tmp_path: Path) -> None:
    _digest(detected)
    version = detected.publish_digest(period_of(WEEK))
    published = detected.published_version(period_of(WEEK), version)
    assert published.coordination is not None and published.coordination.groups[0].size == 6
    written = detected.build_site(tmp_path / "site")
    pages = [p for p in written if p.suffix == ".html" and WEEK in p.name]
    assert pages and "Coordinated activity" in pages[0].read_text("utf-8")


# ---- the CLI path ------------------------------------------------------------------------------------------


def test_cli_posts_import_detect_groups_show_export(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"PRESSWATCH_DB": str(tmp_path / "cli.db")}

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result.stdout

    run("posts", "import", str(posts_coortweet(tmp_path / "shares.csv")), "--format", "coortweet")
    detected = json.loads(run("coordination", "detect", "--json"))
    assert detected["run"] == 1 and detected["summary"]["groups"] == 1, detected
    groups = json.loads(run("coordination", "groups", "--json"))
    assert len(groups) == 1 and sorted(groups[0]["accounts"]) == RING
    assert groups[0]["methods"] == ["co-share"]
    shown = run("coordination", "show", "1")
    assert all(account in shown for account in RING)
    assert not any(account in shown for account in ORGANIC)
    graph = ET.fromstring(run("coordination", "export", "--format", "graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    labels = {
        data.text
        for node in graph.iterfind(".//g:node", ns)
        for data in node.iterfind("g:data", ns)
        if data.text in RING or (data.text or "").startswith("reader_")
    }
    assert labels == set(RING)
    assert len(graph.findall(".//g:edge", ns)) == 15  # every pair of the six


# ---- in a real browser -------------------------------------------------------------------------------------


def test_digest_page_in_the_browser(tmp_path_factory: pytest.TempPathFactory) -> None:
    from presswatch.web.app import create_app

    from .browser import SHOTS, WIDTHS, chromium, require_chromium, served

    require_chromium()
    stores = {}
    for language in ("en", "fa"):
        pw = detected_store(tmp_path_factory.mktemp(f"browser-{language}"), language)
        _digest(pw)
        pw.publish_digest(period_of(WEEK))
        stores[language] = pw
    with chromium() as browser:
        for language, pw in stores.items():
            with served(create_app(pw, public=True)) as base:
                for device, width in WIDTHS.items():
                    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900})
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    page.goto(f"/digests/{WEEK}/v1")
                    section = page.locator(".pw-coordination")
                    assert section.count() == 1
                    assert "Group 1: 6 accounts" in section.inner_text()
                    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
                    SHOTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(SHOTS / f"digest-coordination-{language}-{device}.png"), full_page=True)
                    section.screenshot(path=str(SHOTS / f"digest-coordination-{language}-{device}-section.png"))
                    # the group's page is one click away
                    page.locator(".pw-coordination a", has_text="Members, evidence and timeline").first.click()
                    page.wait_for_url("**/coordination/groups/1?run=1")
                    assert "ring_01" in page.content()
                    context.close()
    for pw in stores.values():
        pw.close()
