"""The source registry: adding (with feed discovery), listing with health, removing, OPML in and out, the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app
from presswatch.errors import UsageError
from presswatch.fetch.sources import read_opml, write_opml

from .conftest import ENGLISH, page
from .httpserver import TestServer, rss

runner = CliRunner()

# The shapes Miniflux and FreshRSS export: feeds nested in category outlines, with their own extras.
MINIFLUX_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
    <head>
        <title>Miniflux</title>
        <dateCreated>Sun, 29 Nov 2026 09:00:00 UTC</dateCreated>
    </head>
    <body>
        <outline text="Press">
            <outline title="Harbour Ledger"
                text="Harbour Ledger"
                xmlUrl="https://h.example/feed.xml"
                htmlUrl="https://h.example/"
                description=""></outline>
            <outline title="Drita &amp; Co"
                text="Drita &amp; Co"
                xmlUrl="https://d.example/rss?lang=sq&amp;x=1"
                htmlUrl="https://d.example/"></outline>
        </outline>
        <outline text="All">
            <outline title="خبرگزاری"
                text="خبرگزاری"
                xmlUrl="https://fa.example/atom.xml"
                htmlUrl="https://fa.example/"></outline>
        </outline>
    </body>
</opml>
"""

FRESHRSS_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0" xmlns:frss="https://freshrss.org/opml">
    <head>
        <title>FreshRSS</title>
        <dateCreated>Sun, 29 Nov 2026 09:00:00 +0000</dateCreated>
    </head>
    <body>
        <outline text="Uncategorized">
            <outline text="Harbour Ledger"
                type="rss"
                xmlUrl="https://h.example/feed.xml"
                htmlUrl="https://h.example/"
                description="Harbour news"/>
            <outline text="Monitor Weekly"
                type="rss"
                xmlUrl="https://m.example/feed/"
                htmlUrl="https://m.example/"
                description=""
                frss:cssFullContent="article .body"/>
            <outline text="Scraped page"
                type="HTML+XPath"
                xmlUrl="https://s.example/news"
                htmlUrl="https://s.example/"
                frss:xPathItem="//article"/>
        </outline>
    </body>
</opml>
"""


@pytest.fixture
def pw(tmp_path: Path) -> Iterator[Presswatch]:
    """A store whose WARC files go to the test's folder, without the pause between requests to one host."""
    app = Presswatch(db=str(tmp_path / "test.db"), data_dir=str(tmp_path / "data"), host_interval=0.0)
    yield app
    app.close()


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as running:
        yield running


def outlines(opml: str) -> set[tuple[str | None, str | None, str | None]]:
    root = etree.fromstring(opml.encode())
    return {(o.get("text"), o.get("xmlUrl"), o.get("htmlUrl")) for o in root.iter("outline") if o.get("xmlUrl")}


def test_opml_from_miniflux_and_freshrss_round_trips(pw: Presswatch, tmp_path: Path) -> None:
    (tmp_path / "miniflux.opml").write_text(MINIFLUX_OPML, "utf-8")
    (tmp_path / "freshrss.opml").write_text(FRESHRSS_OPML, "utf-8")
    assert pw.import_opml(tmp_path / "miniflux.opml") == {"added": 3, "existing": 0}
    # The feed both readers carry is not added twice; FreshRSS's XPath scraper is not a feed.
    assert pw.import_opml(tmp_path / "freshrss.opml") == {"added": 1, "existing": 1}

    exported = pw.export_opml()
    assert exported.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    expected = outlines(MINIFLUX_OPML) | {("Monitor Weekly", "https://m.example/feed/", "https://m.example/")}
    assert outlines(exported) == expected
    # Our own export, read back, is the same list; reading it into another store changes nothing.
    (tmp_path / "ours.opml").write_text(exported, "utf-8")
    assert {(e.name, e.feed_url, e.homepage) for e in read_opml(tmp_path / "ours.opml")} == expected
    assert pw.import_opml(tmp_path / "ours.opml") == {"added": 0, "existing": 4}
    assert len(pw.sources(watched_only=True)) == 4


def test_bad_opml_is_a_clear_error(pw: Presswatch, tmp_path: Path) -> None:
    (tmp_path / "broken.opml").write_text("<opml><body><outline", "utf-8")
    (tmp_path / "feed.xml").write_text("<rss version='2.0'><channel/></rss>", "utf-8")
    with pytest.raises(UsageError, match="not a readable OPML file"):
        pw.import_opml(tmp_path / "broken.opml")
    with pytest.raises(UsageError, match="not OPML"):
        pw.import_opml(tmp_path / "feed.xml")


def test_write_opml_escapes_names() -> None:
    opml = write_opml([{"name": 'A "quoted" <name> & co', "feed_url": "https://a.example/f?x=1&y=2", "kind": "feed"}])
    assert outlines(opml) == {('A "quoted" <name> & co', "https://a.example/f?x=1&y=2", None)}


def test_add_a_homepage_finds_its_feed(pw: Presswatch, server: TestServer) -> None:
    feed = server.add("/feeds/main.xml", rss([(server.url("/a.html"), "A")], "Harbour Ledger"), "application/rss+xml")
    server.add("/feeds/other.xml", rss([], "Other"), "application/rss+xml")
    home = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feeds/main.xml">'
        '<link rel="alternate" type="application/rss+xml" href="/feeds/other.xml"></head>'
        "<body><p>Home</p></body></html>"
    )
    homepage = server.add("/", home)
    added = pw.add_source(homepage, language="en", country="AL", allow_private=True)
    assert added["feed_url"] == feed and added["kind"] == "feed" and added["name"] == "Harbour Ledger"
    assert added["other_feeds"] == [server.url("/feeds/other.xml")]
    assert added["language"] == "en" and added["country"] == "AL"
    # The same feed again is not a second source.
    again = pw.add_source(feed, allow_private=True)
    assert again["id"] == added["id"] and not again["created"]


def test_a_homepage_without_feeds_gives_the_news_sitemap_its_robots_txt_names(
    pw: Presswatch, server: TestServer
) -> None:
    urlset = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    server.add("/sitemap-news.xml", urlset, "application/xml")
    server.add("/sitemap-all.xml", urlset, "application/xml")
    robots = f"User-agent: *\nDisallow: /private/\nSitemap: {server.url('/sitemap-all.xml')}\n"
    robots += f"Sitemap: {server.url('/sitemap-news.xml')}\n"
    server.add("/robots.txt", robots, "text/plain")
    homepage = server.add("/", page("Front page", ENGLISH))
    added = pw.add_source(homepage, allow_private=True)
    assert added["kind"] == "sitemap" and added["feed_url"] == server.url("/sitemap-news.xml")
    assert added["other_feeds"] == [server.url("/sitemap-all.xml")]


def test_add_refuses_what_it_cannot_watch(pw: Presswatch, server: TestServer) -> None:
    plain = server.add("/plain.html", page("Plain", ENGLISH))
    with pytest.raises(UsageError, match="names no readable feed, and its robots.txt names no sitemap"):
        pw.add_source(plain, allow_private=True)
    with pytest.raises(UsageError, match="loopback address.*--allow-private"):
        pw.add_source(server.url("/feeds/main.xml"))
    with pytest.raises(UsageError, match="HTTP 404"):
        pw.add_source(server.url("/missing.xml"), allow_private=True)
    assert server.hits["/missing.xml"] == 1 and pw.sources() == []


def test_remove_keeps_articles_of_a_source(pw: Presswatch, tmp_path: Path, server: TestServer) -> None:
    feed = server.add("/feed.xml", rss([], "Empty"), "application/rss+xml")
    pw.add_source(feed, name="Empty", allow_private=True)
    assert pw.remove_source("Empty") == "Empty: removed"
    (tmp_path / "a.html").write_text(page("Harbour plan", ENGLISH, url="https://h.example/a"))
    pw.ingest([str(tmp_path / "a.html")])
    (tmp_path / "h.opml").write_text(
        '<opml version="2.0"><body><outline text="H" xmlUrl="https://h.example/feed.xml"/></body></opml>'
    )
    pw.import_opml(tmp_path / "h.opml")
    source = next(s for s in pw.sources() if s["feed_url"])
    # The feed joined the source its domain's articles already had, under that source's name.
    assert source["articles"] == 1 and source["name"] == "Harbour Ledger"
    assert "articles stay" in pw.remove_source(str(source["id"]))
    assert pw.sources(watched_only=True) == [] and len(pw.articles()) == 1
    with pytest.raises(UsageError, match="no source"):
        pw.remove_source("nothing-like-it")


def test_the_cli_commands(tmp_path: Path, server: TestServer) -> None:
    db = str(tmp_path / "cli.db")
    body = ENGLISH.replace("Tuesday", "Monday")
    server.add("/a.html", page("Harbour plan", body, url=server.url("/a.html"), published="2026-10-01T08:00:00Z"))
    feed = server.add(
        "/feed.xml", rss([(server.url("/a.html"), "Harbour plan")], "Harbour Ledger"), "application/rss+xml"
    )
    env = {"PRESSWATCH_DATA_DIR": str(tmp_path / "data"), "PRESSWATCH_HOST_INTERVAL": "0"}

    refused = runner.invoke(app, ["--db", db, "sources", "add", feed], env=env)
    assert refused.exit_code == 2 and "--allow-private" in refused.output

    added = runner.invoke(app, ["--db", db, "sources", "add", feed, "--allow-private", "--json"], env=env)
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["name"] == "Harbour Ledger"

    fetched = runner.invoke(app, ["--db", db, "fetch", "--allow-private", "--json"], env=env)
    assert fetched.exit_code == 0, fetched.output
    summary = json.loads(fetched.stdout)
    assert summary["sources_polled"] == 1 and summary["articles_new"] == 1 and summary["problems"] == []

    listed = runner.invoke(app, ["--db", db, "sources", "list", "--json"], env=env)
    [row] = json.loads(listed.stdout)
    assert row["status"] == "ok" and row["articles"] == 1 and row["last_success_at"] and row["error_streak"] == 0
    table = runner.invoke(app, ["--db", db, "sources", "list"], env=env)
    assert table.exit_code == 0 and "ok" in table.stdout

    exported = runner.invoke(app, ["--db", db, "sources", "export", "--out", str(tmp_path / "s.opml")], env=env)
    assert exported.exit_code == 0 and feed in (tmp_path / "s.opml").read_text()
    other = str(tmp_path / "other.db")
    imported = runner.invoke(app, ["--db", other, "sources", "import", str(tmp_path / "s.opml")], env=env)
    assert imported.exit_code == 0 and "1 sources added" in imported.stdout

    removed = runner.invoke(app, ["--db", db, "sources", "remove", "Harbour Ledger"], env=env)
    assert removed.exit_code == 0 and "articles stay" in removed.stdout
    missing = runner.invoke(app, ["--db", db, "sources", "remove", "Nobody"], env=env)
    assert missing.exit_code == 2 and "sources list" in missing.output


def test_an_opml_name_taken_by_another_outlet_gets_a_number(pw: Presswatch, tmp_path: Path) -> None:
    """An OPML outline's name is a suggestion, not a --name: a clash must not stop the import."""
    first = '<outline type="rss" text="Kronika e Bregut" xmlUrl="https://kronikabregut.example/feed/"/>'
    (tmp_path / "one.opml").write_text(f'<opml version="2.0"><body>{first}</body></opml>', "utf-8")
    assert pw.import_opml(tmp_path / "one.opml") == {"added": 1, "existing": 0}
    clash = '<outline type="rss" text="Kronika e Bregut" xmlUrl="https://other-host.example/rss"/>'
    other = '<outline type="rss" text="Drita" xmlUrl="https://drita.example/feed/"/>'
    (tmp_path / "two.opml").write_text(f'<opml version="2.0"><body>{clash}{other}</body></opml>', "utf-8")
    assert pw.import_opml(tmp_path / "two.opml") == {"added": 2, "existing": 0}
    names = {s["name"] for s in pw.sources(watched_only=True)}
    assert names == {"Kronika e Bregut", "Kronika e Bregut (2)", "Drita"}
