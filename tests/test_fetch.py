"""Live fetching against a real HTTP server on 127.0.0.1: limits, hostile endpoints, health, WARC, polling."""

from __future__ import annotations

import email.utils
import gzip
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import brotli
import pytest
from sqlalchemy import event, func, select, update

from presswatch import Presswatch
from presswatch.fetch import FetchSettings, FetchThread, PollBounds, WarcArchive
from presswatch.fetch.health import PollOutcome, health_after
from presswatch.fetch.listing import read_listing
from presswatch.store.queries import now
from presswatch.store.schema import fetch_queue, raw, sources
from presswatch.store.warc_records import read_record_payload

from .conftest import ALBANIAN, ENGLISH, PROJECT, page
from .httpserver import Reply, Request, TestServer, rss

# Small caps and short timeouts, so that every hostile case ends within seconds.
LIMITS = {
    "max_page_bytes": 1_000_000,
    "request_timeout": 3.0,
    "read_timeout": 2.0,
    "connect_timeout": 2.0,
    "fetch_retries": 2,
    "retry_max_wait": 2.0,
    "host_interval": 0.0,
    "blocked_after": 2,
    "poll_interval_min": 60,
}


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as running:
        yield running


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Presswatch]:
    app = Presswatch(db=str(tmp_path / "test.db"), data_dir=str(tmp_path / "data"), **LIMITS)
    yield app
    app.close()


def settings_for(tmp_path: Path, **changes: object) -> FetchSettings:
    values = {
        "max_bytes": 1_000_000,
        "request_timeout": 3.0,
        "read_timeout": 2.0,
        "connect_timeout": 2.0,
        "retries": 2,
        "retry_max_wait": 2.0,
        "host_interval": 0.0,
        "allow_private": True,
        "warc_dir": tmp_path / "warc",
        **changes,
    }
    return FetchSettings(**values)  # type: ignore[arg-type]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- the client on its own ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason", "within"),
    [
        ("/hostile/endless", "too-large", 3),
        ("/hostile/drip", "timeout", 5),
        ("/hostile/50mb", "too-large", 3),
        ("/hostile/gzip-bomb", "too-large", 3),
        ("/hostile/brotli-bomb", "too-large", 3),
        ("/hostile/loop-a", "redirects", 3),
        ("/hostile/pdf", "type", 3),
        ("/private/feed.xml", "robots", 3),
        ("/hostile/410", "http", 3),
    ],
)
def test_each_hostile_endpoint_fails_in_bounded_time_and_memory(
    server: TestServer, tmp_path: Path, path: str, reason: str, within: float
) -> None:
    before = peak_rss_mb()
    started = time.monotonic()
    with FetchThread(settings_for(tmp_path)) as net:
        fetched = net.get(server.url(path), accept=("html", "xml"))
    assert time.monotonic() - started < within
    assert fetched.reason == reason, fetched.error
    assert fetched.error and not fetched.ok
    # Nothing near the 50 MB body or the 10 GB bomb was ever held.
    assert peak_rss_mb() - before < 60
    assert len(fetched.body) <= 1_000_000


def test_retries_honour_retry_after_and_back_off_on_5xx(server: TestServer, tmp_path: Path) -> None:
    with FetchThread(settings_for(tmp_path)) as net:
        started = time.monotonic()
        throttled = net.get(server.url("/hostile/429-then-ok"), accept=("xml",))
        waited = time.monotonic() - started
        flaky = net.get(server.url("/hostile/500-then-ok"), accept=("xml",))
        refused = net.get(server.url("/hostile/429-always"), accept=("xml",))
    assert throttled.ok and waited >= 1.0  # Retry-After: 1
    assert server.hits["/hostile/429-then-ok"] == 2
    assert flaky.ok and server.hits["/hostile/500-then-ok"] == 2
    # Retry-After: 3600 is past retry_max_wait: no retry now, and the error says why.
    assert server.hits["/hostile/429-always"] == 1
    assert refused.status == 429 and "Retry-After" in (refused.error or "")
    # Every response, the 429 and the 500 too, is archived.
    assert [status for _url, status, _h, _r in throttled.archived] == [429, 200]


def test_the_ssrf_guard_refuses_our_own_network(tmp_path: Path, server: TestServer) -> None:
    refusals = {}
    with FetchThread(settings_for(tmp_path, allow_private=False)) as net:
        for url in (
            server.url("/feed.xml"),
            "http://169.254.169.254/latest/meta-data/",
            "http://10.1.2.3/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            server.url("/feed.xml").replace("127.0.0.1", "localhost"),
            "http://metadata.google.internal/computeMetadata/v1/",
            "file:///etc/passwd",
        ):
            fetched = net.get(url)
            assert fetched.reason == "ssrf", url
            refusals[url] = fetched.error or ""
    assert server.hits == {}  # nothing reached the server, not even for robots.txt
    assert "loopback" in refusals[server.url("/feed.xml")] and "--allow-private" in refusals[server.url("/feed.xml")]
    assert "cloud metadata" in refusals["http://169.254.169.254/latest/meta-data/"]
    assert "private" in refusals["http://10.1.2.3/"]


def test_compressed_pages_are_inflated(server: TestServer, tmp_path: Path) -> None:
    html = page("Harbour plan", ENGLISH).encode()
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw_deflate = deflater.compress(html) + deflater.flush()
    encodings = {
        "gzip": gzip.compress(html),
        "deflate": zlib.compress(html),
        "br": brotli.compress(html),
        "gzip, br": brotli.compress(gzip.compress(html)),
    }
    for n, (encoding, data) in enumerate(encodings.items()):
        server.add(f"/c{n}.html", data, **{"Content-Encoding": encoding})
    server.add("/raw-deflate.html", raw_deflate, **{"Content-Encoding": "deflate"})
    two_members = gzip.compress(html[:500]) + gzip.compress(html[500:])
    server.add("/two-members.html", two_members, **{"Content-Encoding": "gzip"})
    server.add("/truncated.html", gzip.compress(html)[:-30], **{"Content-Encoding": "gzip"})
    server.add("/junk.html", gzip.compress(html) + b"junk" * 10, **{"Content-Encoding": "gzip"})
    with FetchThread(settings_for(tmp_path)) as net:
        for path in [f"/c{n}.html" for n in range(len(encodings))] + ["/raw-deflate.html", "/two-members.html"]:
            fetched = net.get(server.url(path))
            assert fetched.ok and fetched.body == html, path
        broken = [net.get(server.url(path)) for path in ("/truncated.html", "/junk.html")]
    assert [b.reason for b in broken] == ["encoding", "encoding"]
    assert "ends early" in (broken[0].error or "") and "broken gzip data" in (broken[1].error or "")


def test_an_unreadable_robots_txt_keeps_us_off_the_site(tmp_path: Path, server: TestServer) -> None:
    server.route("/robots.txt", lambda request: Reply(503, {"Content-Type": "text/plain"}, b"busy"))
    server.add("/page.html", "<p>x</p>")
    with FetchThread(settings_for(tmp_path, retries=0)) as net:
        fetched = net.get(server.url("/page.html"))
    assert fetched.reason == "unreachable" and "RFC 9309" in (fetched.error or "")
    assert server.hits["/page.html"] == 0


def test_per_host_interval_spaces_requests(server: TestServer, tmp_path: Path) -> None:
    for n in range(3):
        server.add(f"/p{n}.html", "<p>x</p>")
    with FetchThread(settings_for(tmp_path, host_interval=0.4)) as net:
        futures = [net.submit(server.url(f"/p{n}.html")) for n in range(3)]
        started = time.monotonic()
        assert all(f.result().ok for f in futures)
    # robots.txt and three pages: three gaps of 0.4 s at least
    assert time.monotonic() - started >= 1.1


def test_a_crawl_delay_in_robots_txt_widens_the_interval(server: TestServer, tmp_path: Path) -> None:
    server.add("/robots.txt", "User-agent: *\nCrawl-delay: 0.5\n", "text/plain")
    for n in range(3):
        server.add(f"/p{n}.html", "<p>x</p>")
    with FetchThread(settings_for(tmp_path, host_interval=0.01)) as net:
        started = time.monotonic()
        assert all(net.get(server.url(f"/p{n}.html")).ok for n in range(3))
    assert time.monotonic() - started >= 1.0  # robots.txt, then three pages half a second apart


def test_retry_after_as_an_http_date(server: TestServer, tmp_path: Path) -> None:
    def busy_then_ok(request: Request) -> Reply:
        if request.count == 1:
            soon = email.utils.formatdate(time.time() + 1, usegmt=True)
            return Reply(503, {"Retry-After": soon, "Content-Type": "text/html"}, b"busy")
        return Reply(200, {"Content-Type": "text/html"}, b"<p>ok</p>")

    server.route("/busy.html", busy_then_ok)
    with FetchThread(settings_for(tmp_path)) as net:
        fetched = net.get(server.url("/busy.html"))
    assert fetched.ok and server.hits["/busy.html"] == 2
    assert [hop.status for hop in fetched.archived] == [503, 200]


# ---- polling sources ------------------------------------------------------------------------------

LINES = ENGLISH.split("\n")
CP1252_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="windows-1252"><title>Caf\xe9 report</title></head>'
    "<body><article><h1>Caf\xe9 report</h1>"
    + "".join(
        f"<p>{line} The caf\xe9 owners said \u201cno\u201d to the na\xefve plan.</p>" for line in ENGLISH.split("\n")
    )
    + "</article></body></html>"
).encode("cp1252")


def good_site(server: TestServer) -> str:
    """A feed of three pages: English, Albanian, and one whose header names the wrong charset."""
    server.add(
        "/news/harbour.html",
        page("Harbour plan", ENGLISH, url=server.url("/news/harbour.html"), published="2026-10-01T08:00:00Z"),
    )
    server.add("/news/porti.html", page("Porti", ALBANIAN + "\n" + ALBANIAN, lang="sq", site="Drita"))
    server.add("/news/cafe.html", CP1252_PAGE, "text/html; charset=utf-8")  # the header lies
    links = [(server.url(p), t) for p, t in (("/news/harbour.html", "Harbour"), ("/news/porti.html", "Porti"))]
    links.append((server.url("/news/cafe.html"), "Cafe"))
    return server.add("/feed.xml", rss(links, "Harbour Ledger"), "application/rss+xml")


HOSTILE_FEEDS = {
    "endless": ("/hostile/endless", "failing"),
    "drip": ("/hostile/drip", "failing"),
    "fifty": ("/hostile/50mb", "failing"),
    "gzip bomb": ("/hostile/gzip-bomb", "failing"),
    "brotli bomb": ("/hostile/brotli-bomb", "failing"),
    "loop": ("/hostile/loop-a", "failing"),
    "throttled once": ("/hostile/429-then-ok", "ok"),
    "flaky": ("/hostile/500-then-ok", "ok"),
    "disallowed": ("/private/feed.xml", "blocked"),
    "gone": ("/hostile/410", "gone"),
    "etag": ("/hostile/etag-feed", "ok"),
    "forbidden": ("/hostile/403", "failing"),  # one 403 is not yet a streak
    "throttled": ("/hostile/429-always", "failing"),
}


def opml_of(feeds: dict[str, str]) -> str:
    outlines = "".join(f'<outline text="{name}" type="rss" xmlUrl="{url}"/>' for name, url in feeds.items())
    return f'<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>{outlines}</body></opml>'


def test_hostile_sources_get_their_health_and_the_good_one_is_unaffected(
    server: TestServer, monitor: Presswatch, tmp_path: Path
) -> None:
    feeds = {"Harbour Ledger": good_site(server)} | {
        name: server.url(path) for name, (path, _) in HOSTILE_FEEDS.items()
    }
    (tmp_path / "feeds.opml").write_text(opml_of(feeds))
    assert monitor.import_opml(tmp_path / "feeds.opml") == {"added": len(feeds), "existing": 0}

    started = time.monotonic()
    report = monitor.fetch(allow_private=True)
    assert time.monotonic() - started < 20
    health = {row["name"]: row for row in monitor.sources(watched_only=True)}
    for name, (_path, status) in HOSTILE_FEEDS.items():
        assert health[name]["status"] == status, (name, health[name]["last_error"])
    assert health["Harbour Ledger"]["status"] == "ok" and health["Harbour Ledger"]["items_found"] == 3
    assert health["drip"]["last_error"].startswith("no complete answer within 3 s")
    assert "decompression bomb" in health["gzip bomb"]["last_error"]
    assert "robots.txt" in health["disallowed"]["last_error"]
    assert report.polled == len(feeds) and report.exit_code == 1
    # The good feed's pages did not wait for the drip to be cut off (3 s after it began).
    drip_began = next(r.at for r in server.requests if r.path == "/hostile/drip")
    assert max(r.at for r in server.requests if r.path.startswith("/news/")) < drip_began + 2.9

    stored = {a["url"]: a for a in monitor.articles()}
    assert len(stored) == 3
    assert {a["language"] for a in stored.values()} == {"en", "sq"}
    cafe = monitor.article(server.url("/news/cafe.html"))
    assert cafe is not None and "café" in cafe["text"] and "naïve" in cafe["text"] and "“no”" in cafe["text"]

    # A second round, every source polled again: the ETag brings a 304; refusals become a streak.
    report = monitor.fetch(allow_private=True, only=list(feeds))
    etag_requests = [r for r in server.requests if r.path == "/hostile/etag-feed"]
    assert etag_requests[-1].headers.get("if-none-match") == '"v1"'
    health = {row["name"]: row for row in monitor.sources(watched_only=True)}
    assert health["etag"]["last_status"] == 304 and health["etag"]["status"] == "ok"
    assert health["forbidden"]["status"] == "blocked" and health["throttled"]["status"] == "blocked"
    assert health["forbidden"]["error_streak"] == 2
    assert health["Harbour Ledger"]["status"] == "ok" and len(monitor.articles()) == 3


def test_every_response_is_archived_and_ingest_of_the_warc_reproduces_the_articles(
    server: TestServer, monitor: Presswatch, tmp_path: Path
) -> None:
    monitor.add_source(good_site(server), allow_private=True)
    server.route("/news/gone.html", lambda request: Reply(404, {"Content-Type": "text/html"}, b"gone"))
    with monitor.store.begin() as conn:
        for path in ("/news/gone.html", "/hostile/pdf"):
            conn.execute(fetch_queue.insert().values(url=server.url(path), status="pending", queued_at=now()))
    report = monitor.fetch(allow_private=True)
    assert report.articles.counts["new"] == 3 and report.pages_failed == 1
    assert report.skipped == {"not HTML (application/pdf)": 1}
    with monitor.store.connect() as conn:
        kept = list(conn.execute(select(raw.c.kind, raw.c.status, raw.c.warc_path, raw.c.url)))
        queue = {row.url: row for row in conn.execute(select(fetch_queue))}
    assert all(row.warc_path for row in kept)  # every response points into a WARC file
    assert any(row.url.endswith("/robots.txt") for row in kept)
    assert {row.status for row in kept} >= {200, 404}
    assert sorted(row.kind for row in kept if row.status == 200 and row.url.endswith(".html")) == ["fetch"] * 3
    assert queue[server.url("/news/gone.html")].status == "failed"
    assert "404" in queue[server.url("/news/gone.html")].last_error
    # A page that states no date of its own takes its feed entry's, as a feed file's entry would give it.
    porti = monitor.article(server.url("/news/porti.html"))
    assert porti is not None and porti["published_how"] == "feed" and porti["published_at"] is not None

    warcs = sorted((tmp_path / "data" / "warc").glob("*.warc.gz"))
    assert warcs
    # Another store with the same sources (by OPML) reads the same articles out of the WARC files.
    (tmp_path / "sources.opml").write_text(monitor.export_opml())
    again = Presswatch(db=str(tmp_path / "again.db"))
    try:
        again.import_opml(tmp_path / "sources.opml")
        result = again.ingest([str(w) for w in warcs])
        assert result.failed == 0
        fields = ("url", "title", "language", "word_count", "published_at", "source")
        original = sorted(tuple(a[f] for f in fields) for a in monitor.articles())
        replayed = sorted(tuple(a[f] for f in fields) for a in again.articles())
        assert replayed == original
        texts = {a["url"]: again.article(a["url"])["text"] for a in again.articles()}  # type: ignore[index]
        assert all(texts[a["url"]] == monitor.article(a["url"])["text"] for a in monitor.articles())  # type: ignore[index]
        assert again.article(server.url("/news/porti.html"))["published_how"] == "feed"  # type: ignore[index]
    finally:
        again.close()
    # Re-extraction reads fetched pages back from the store.
    assert monitor.reextract().counts["unchanged"] == 3


def test_sitemap_index_and_news_sitemaps_are_polled(server: TestServer, monitor: Presswatch) -> None:
    for n in range(4):
        server.add(
            f"/s/{n}.html", page(f"Story {n}", ENGLISH.replace("Tuesday", f"day {n}"), url=server.url(f"/s/{n}.html"))
        )
    news = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{}</urlset>'
    )
    entry = (
        "<url><loc>{}</loc><news:news><news:publication><news:name>T</news:name><news:language>en</news:language>"
        "</news:publication><news:publication_date>2026-10-0{}T10:00:00Z</news:publication_date>"
        "<news:title>Story {}</news:title></news:news></url>"
    )
    for half in (0, 1):
        urls = "".join(entry.format(server.url(f"/s/{n}.html"), n + 1, n) for n in (2 * half, 2 * half + 1))
        server.add(f"/sitemap-{half}.xml", news.format(urls), "application/xml")
    index = "".join(f"<sitemap><loc>{server.url(f'/sitemap-{h}.xml')}</loc></sitemap>" for h in (0, 1))
    server.add(
        "/sitemap.xml",
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>',
        "application/xml",
    )
    added = monitor.add_source(server.url("/sitemap.xml"), name="Sitemap Times", allow_private=True)
    assert added["kind"] == "sitemap"
    report = monitor.fetch(allow_private=True)
    assert report.queued == 4 and report.articles.counts["new"] == 4
    # The index's health counts what its sitemaps listed: it yielded, so it is polled sooner.
    [source] = monitor.sources(watched_only=True)
    assert source["items_found"] == 4 and source["status"] == "ok" and report.polled == 1
    assert source["poll_interval"] == 900  # the first interval (1800 s), halved
    assert {a["title"] for a in monitor.articles()} == {f"Story {n}" for n in range(4)}


def test_a_poll_finds_only_new_items_and_the_interval_adapts(server: TestServer, monitor: Presswatch) -> None:
    feed = good_site(server)
    monitor.add_source(feed, allow_private=True)
    monitor.fetch(allow_private=True)
    first = monitor.sources(watched_only=True)[0]
    assert first["items_found"] == 3 and first["next_poll_at"] > first["last_polled_at"]
    # Not due yet: nothing is polled.
    assert monitor.fetch(allow_private=True).polled == 0
    with monitor.store.begin() as conn:
        conn.execute(update(sources).values(next_poll_at=now() - timedelta(seconds=1)))
    report = monitor.fetch(allow_private=True)
    second = monitor.sources(watched_only=True)[0]
    assert report.polled == 1 and report.queued == 0 and report.pages == 0
    assert second["poll_interval"] > first["poll_interval"]  # no new items: it waits longer


def test_one_poll_queues_at_most_max_new_per_poll_urls(server: TestServer, tmp_path: Path) -> None:
    feed = good_site(server)
    app = Presswatch(db=str(tmp_path / "cap.db"), data_dir=str(tmp_path / "data"), **{**LIMITS, "max_new_per_poll": 1})
    try:
        app.add_source(feed, allow_private=True)
        report = app.fetch(allow_private=True)
        assert report.queued == 1 and report.articles.counts["new"] == 1
    finally:
        app.close()


def test_health_rules() -> None:
    bounds = PollBounds(minimum=60, maximum=3600, blocked_after=3)
    fresh = SimpleNamespace(poll_interval=600, items_found=0, error_streak=0, last_status=None)
    moment = now()
    assert health_after(fresh, PollOutcome(200, new_items=2), bounds, moment)["poll_interval"] == 300
    assert health_after(fresh, PollOutcome(304), bounds, moment)["poll_interval"] == 900
    assert health_after(fresh, PollOutcome(500, "HTTP 500", "http"), bounds, moment)["status"] == "failing"
    assert health_after(fresh, PollOutcome(404, "HTTP 404", "http"), bounds, moment)["status"] == "gone"
    assert health_after(fresh, PollOutcome(None, "robots", "robots"), bounds, moment)["status"] == "blocked"
    refused = SimpleNamespace(poll_interval=3600, items_found=0, error_streak=2, last_status=429)
    after = health_after(refused, PollOutcome(429, "HTTP 429", "http", retry_after=7200), bounds, moment)
    assert after["status"] == "blocked" and after["poll_interval"] == 3600  # bounded by the maximum
    mixed = SimpleNamespace(poll_interval=60, items_found=0, error_streak=2, last_status=500)
    assert health_after(mixed, PollOutcome(403, "HTTP 403", "http"), bounds, moment)["status"] == "failing"
    tiny = SimpleNamespace(poll_interval=60, items_found=5, error_streak=4, last_status=500)
    ok = health_after(tiny, PollOutcome(200, new_items=1), bounds, moment)
    assert ok["poll_interval"] == 60 and ok["error_streak"] == 0 and ok["items_found"] == 6


def test_watch_stops_cleanly_on_ctrl_c(server: TestServer, tmp_path: Path) -> None:
    feed = good_site(server)
    db = tmp_path / "watch.db"
    env = {**os.environ, **{f"PRESSWATCH_{k.upper()}": str(v) for k, v in LIMITS.items()}}
    env["PRESSWATCH_DATA_DIR"] = str(tmp_path / "data")
    cli = [sys.executable, "-m", "presswatch", "--db", str(db)]
    subprocess.run([*cli, "sources", "add", feed, "--allow-private"], env=env, check=True, capture_output=True)
    watcher = subprocess.Popen(
        [*cli, "watch", "--allow-private", "--quiet"], env=env, stderr=subprocess.PIPE, text=True, cwd=PROJECT
    )
    try:
        deadline = time.monotonic() + 40
        while stored_articles(db) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # into the pause between rounds
        watcher.send_signal(signal.SIGINT)
        _, errors = watcher.communicate(timeout=15)
    finally:
        watcher.kill()
    assert watcher.returncode == 130, errors
    assert "stopped; 3 articles stored (3 new" in errors and "Traceback" not in errors
    check = Presswatch(db=str(db))
    try:
        assert len(check.articles()) == 3
    finally:
        check.close()


def stored_articles(db: Path) -> int:
    """Articles in a store another process is writing (read with sqlite3, not through our code)."""
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=5) as conn:
        try:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def test_warc_files_rotate_and_each_record_reads_back(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "warc", max_bytes=600)
    written = [
        archive.write(f"https://h.example/{n}", 200, "OK", [("Content-Type", "text/html")], b"<p>%d</p>" % n, [])
        for n in range(4)
    ]
    archive.close()
    assert len({record.path for record in written}) >= 2  # a new file once the current one passed 600 bytes
    for n, record in enumerate(written):
        assert read_record_payload(record.path, record.offset) == b"<p>%d</p>" % n
        assert record.length > 0 and record.record_id.startswith("<urn:uuid:")


def test_fetched_articles_are_stored_a_batch_per_transaction(server: TestServer, monitor: Presswatch) -> None:
    """Twelve pages, one commit for their articles and queue states, not one per page (and nothing lost)."""
    for n in range(12):
        server.add(f"/batch/{n}.html", page(f"Harbour report {n}", f"Report number {n}. " + ENGLISH))
    links = [(server.url(f"/batch/{n}.html"), f"Report {n}") for n in range(12)]
    feed = server.add("/batch-feed.xml", rss(links, "Harbour Ledger"), "application/rss+xml")
    monitor.add_source(feed, allow_private=True)
    inserted = [0]  # article inserts in the open transaction
    per_commit: list[int] = []

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        inserted[0] += statement.lstrip().upper().startswith("INSERT INTO ARTICLES")

    def on_commit(conn: Any) -> None:
        if inserted[0]:
            per_commit.append(inserted[0])
        inserted[0] = 0

    event.listen(monitor.store.engine, "before_cursor_execute", on_execute)
    event.listen(monitor.store.engine, "commit", on_commit)
    try:
        report = monitor.fetch(allow_private=True)
    finally:
        event.remove(monitor.store.engine, "before_cursor_execute", on_execute)
        event.remove(monitor.store.engine, "commit", on_commit)
    assert report.articles.counts["new"] == 12 and len(monitor.articles()) == 12
    assert sum(per_commit) == 12 and len(per_commit) < 12, per_commit  # articles arrived in batches
    with monitor.store.connect() as conn:
        states = conn.execute(select(fetch_queue.c.status, func.count()).group_by(fetch_queue.c.status)).all()
    assert dict(states) == {"done": 12}


def test_a_news_sitemap_entry_with_an_empty_title_does_not_cut_the_listing_short() -> None:
    entry = (
        "<url><loc>https://drita.example/{n}</loc><news:news><news:publication><news:name>D</news:name>"
        "<news:language>sq</news:language></news:publication>"
        "<news:publication_date>2026-10-0{n}T10:00:00Z</news:publication_date>"
        "<news:title>{title}</news:title></news:news></url>"
    )
    entries = "".join(entry.format(n=n, title="" if n == 2 else f"Lajm {n}") for n in (1, 2, 3))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>'
    ).encode()
    listed = read_listing(body, "https://drita.example/news-sitemap.xml")
    assert [link.url for link in listed.links] == [f"https://drita.example/{n}" for n in (1, 2, 3)]
    assert listed.links[2].title == "Lajm 3"
