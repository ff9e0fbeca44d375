"""Hostile input (#17): one bad record is one named failure, dates outside the plausible window are dropped,
any stored date is safe for every stage and query, and every stored text is valid UTF-8.

Each test ingests its hostile files together with a good page that must still be stored, with
`Presswatch(db=...).ingest([...])`, the way a user's run would.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from presswatch import Presswatch
from presswatch.api import render_digest, resolve_period, sample_dir
from presswatch.digest import Period
from presswatch.extract.dates import DateWindow, parse_iso
from presswatch.extract.text import clean_text
from presswatch.fetch.listing import read_listing
from presswatch.ingest import IngestReport, Outcome
from presswatch.store.schema import articles, fetch_queue, sources

from .conftest import ENGLISH, page

BODY = "".join(f"<p>{p}</p>" for p in ENGLISH.split("\n"))
CATCH_ALLS = ("unexpected error", "please report it", "the store refused it")


def ingest_with_a_good_page(pw: Presswatch, tmp_path: Path, hostile: list[Path]) -> IngestReport:
    """Ingest the hostile files and then a good page; the good page must be stored and nothing may be a catch-all."""
    good = tmp_path / "good.html"
    good.write_text(page("Harbour plan", ENGLISH, url="https://good.example/a"))
    report = pw.ingest([*map(str, hostile), str(good)])
    assert pw.article("https://good.example/a") is not None, "a hostile file stopped the run"
    for problem in report.problems:
        assert not any(phrase in problem.message for phrase in CATCH_ALLS), problem
    return report


def failures(report: IngestReport) -> dict[str, str]:
    return {p.label: p.message for p in report.problems if p.status == "failed"}


def json_feed(items: list[Any]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Drita", "items": items})


def json_item(number: int, **fields: Any) -> dict[str, Any]:
    item = {"id": str(number), "url": f"https://j.example/{number}", "title": f"Item {number}", "content_html": BODY}
    return item | fields


# ---- one bad record, one named failure; the rest of the file is read -----------------------------


def test_json_feed_items_of_the_wrong_types_fail_alone(pw: Presswatch, tmp_path: Path) -> None:
    feed = tmp_path / "drita.json"
    feed.write_text(
        json_feed(
            [
                json_item(1, url=5),
                json_item(2, url=["https://j.example/2"]),
                json_item(3, title={"text": "a dict"}),
                "not an object",
                json_item(5),
            ]
        )
    )
    report = ingest_with_a_good_page(pw, tmp_path, [feed])
    failed = failures(report)
    assert failed[f"{feed} entry 1 (Item 1)"] == (
        "the item's 'url' is a JSON number, not a URL string; it cannot be stored"
    )
    assert "'url' is a JSON array" in failed[f"{feed} entry 2 (Item 2)"]
    assert failed[f"{feed} entry 4 (no link)"] == "the item is a JSON str, not an object"
    untitled = pw.article("https://j.example/3")
    assert untitled is not None and untitled["title"] != "{'text': 'a dict'}"  # the dict is left out, the item kept
    assert pw.article("https://j.example/5") is not None


def test_a_deeply_nested_jsonl_line_fails_alone(pw: Presswatch, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    lines = [
        json.dumps({"url": "https://l.example/1", "text": ENGLISH}),
        '{"url": "https://l.example/2", "text": "x", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"url": "https://l.example/3", "text": "x", "n": ' + "9" * 5000 + "}",
        json.dumps({"url": "https://l.example/4", "text": ENGLISH + " Four."}),
    ]
    records.write_text("\n".join(lines))
    report = ingest_with_a_good_page(pw, tmp_path, [records])
    failed = failures(report)
    assert failed[f"{records} line 2"] == "JSON nested too deeply to read (thousands of levels)"
    assert failed[f"{records} line 3"].startswith("not valid JSON (Exceeds the limit")
    assert pw.article("https://l.example/1") is not None and pw.article("https://l.example/4") is not None


def test_links_that_do_not_parse_fail_alone(pw: Presswatch, tmp_path: Path) -> None:
    feed = tmp_path / "drita.json"
    feed.write_text(
        json_feed([json_item(1, url="https://[::1"), json_item(2, url="javascript:alert(1)"), json_item(3)])
    )
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"url": "https://h.example:99999/", "text": ENGLISH}))
    warc = tmp_path / "bad-uri.warc"
    warc.write_bytes(response("https://[::1/x", html("Bad URI")) + response("https://w.example/ok", html("OK")))
    report = ingest_with_a_good_page(pw, tmp_path, [feed, records, warc])
    assert set(failures(report).values()) == {
        "the entry's link 'https://[::1' is not an http(s) URL",
        "the entry's link 'javascript:alert(1)' is not an http(s) URL",
        "the record needs a 'url' field with an http(s) URL",
        "its WARC-Target-URI 'https://[::1/x' is not an http(s) URL",
    }
    assert pw.article("https://j.example/3") is not None and pw.article("https://w.example/ok") is not None


def warc_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode() + block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str | None = "text/html; charset=utf-8") -> bytes:
    head = "HTTP/1.1 200 OK\r\n" + (f"Content-Type: {content_type}\r\n" if content_type is not None else "") + "\r\n"
    return head.encode() + body


def response(url: str | None, body: bytes, content_type: str | None = "text/html", **more: str) -> bytes:
    headers = [("WARC-Type", "response"), ("Content-Type", "application/http; msgtype=response")]
    headers += [("WARC-Target-URI", url)] if url else []
    headers += [(name.replace("_", "-"), value) for name, value in more.items()]
    return warc_record(headers, http_response(body, content_type))


def html(title: str) -> bytes:
    return page(title, ENGLISH + f" {title}.").encode()


@pytest.mark.parametrize("compressed", [False, True], ids=["warc", "warc.gz"])
def test_warc_records_without_mandatory_headers_fail_alone(pw: Presswatch, tmp_path: Path, compressed: bool) -> None:
    records = [
        response(None, html("No URI")),  # warcio itself trips over this one (NoneType)
        response("https://w.example/after-no-uri", html("After one")),
        warc_record([("WARC-Target-URI", "https://w.example/no-type")], http_response(html("No type"))),
        response("https://w.example/no-content-type", html("Sniffed"), content_type=None),
        response("https://w.example/undefined", html("Undefined"), content_type="text/html; charset=undefined"),
        response("https://w.example/bogus", html("Bogus"), content_type='text/html; charset="x-\x00bogus"'),
        response("https://w.example/dated", html("Dated"), WARC_Date="0001-01-01T00:00:00+01:00"),
        response("https://w.example/last", html("Last")),
    ]
    path = tmp_path / ("hostile.warc.gz" if compressed else "hostile.warc")
    path.write_bytes(b"".join(gzip.compress(r) if compressed else r for r in records))
    report = ingest_with_a_good_page(pw, tmp_path, [path])
    messages = sorted(failures_of_file(report, path))
    assert messages == [
        "record at offset 0 is unreadable: it has no WARC-Target-URI header; reading went on after it",
        f"record at offset {offset_of(records, 2, compressed)} has no WARC-Type header; passed over",
    ]
    for name in ("after-no-uri", "no-content-type", "undefined", "bogus", "dated", "last"):
        assert pw.article(f"https://w.example/{name}") is not None, name
    dated = pw.article("https://w.example/dated")
    assert dated is not None and dated["fetched_at"] is None


def failures_of_file(report: IngestReport, path: Path) -> list[str]:
    return [p.message for p in report.problems if p.status == "failed" and p.label.startswith(str(path))]


def offset_of(records: list[bytes], index: int, compressed: bool) -> int:
    return sum(len(gzip.compress(r)) if compressed else len(r) for r in records[:index])


NUL_RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Harbour\x00 Ledger</title><link>https://h.example/</link>
<item><title>Harbour\x00 plan</title><link>https://h.example/{name}\x00</link><dc:creator>Ana\x01 Brook</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded></item></channel></rss>"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8\x00", "undefined", "x-bogus"])
def test_nul_bytes_and_bogus_encodings_in_a_feed_are_read_past(pw: Presswatch, tmp_path: Path, encoding: str) -> None:
    feed = tmp_path / "ledger.rss"
    feed.write_text(NUL_RSS.format(encoding=encoding, name="nul", body=BODY), "utf-8")
    ingest_with_a_good_page(pw, tmp_path, [feed])
    article = pw.article("https://h.example/nul")
    assert article is not None and article["title"] == "Harbour plan"
    with pw.store.connect() as conn:
        names = conn.execute(select(sources.c.name)).scalars().all()
    assert not any("\x00" in name for name in names)


def test_lone_surrogates_in_json_are_stored_as_replacement_characters(pw: Presswatch, tmp_path: Path) -> None:
    feed = tmp_path / "drita.json"
    feed.write_text(json_feed([json_item(1, title="Lajme \ud800")]))
    assert "\\ud800" in feed.read_text()  # escaped in the file, a lone surrogate once decoded
    records = tmp_path / "records.jsonl"
    records.write_text(
        '{"url": "https://l.example/s", "title": "x\\udfffy", "source": "Peyk \\ud83d", "text": '
        + json.dumps(ENGLISH)[:-1]
        + ' \\ud800\\u0000"}\n'
    )
    ingest_with_a_good_page(pw, tmp_path, [feed, records])
    titled = pw.article("https://j.example/1")
    assert titled is not None and titled["title"] == "Lajme \ufffd"
    record = pw.article("https://l.example/s")
    assert record is not None and record["title"] == "x\ufffdy" and record["source"] == "Peyk \ufffd"
    assert "\x00" not in record["text"] and record["text"].endswith("\ufffd")


# ---- dates outside the plausible window --------------------------------------------------------


BEYOND = ["0000-01-01", "99999-01-01T00:00:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-05:00"]


def test_dates_beyond_the_calendar_are_held_at_its_edges() -> None:
    assert [parse_iso(value) for value in BEYOND] == [datetime.min, datetime.max, datetime.min, datetime.max]
    assert parse_iso("yesterday") is None and parse_iso("2026-13-01") is None
    assert parse_iso("2026-01-01T00:00:00+99:00") is None
    window = DateWindow()
    assert window.admit(datetime(1989, 12, 31), "the stated publication", "x") is None
    assert window.admit(datetime(2026, 1, 1), "the stated publication", "x") == datetime(2026, 1, 1)
    assert window.admit(datetime.max, "the stated publication", "x") is None


def test_out_of_range_dates_are_dropped_with_a_warning_and_the_records_kept(
    pw: Presswatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    records = tmp_path / "records.jsonl"
    lines = [{"url": f"https://l.example/{n}", "text": ENGLISH, "published": d} for n, d in enumerate(BEYOND)]
    lines.append({"url": "https://l.example/fine", "text": ENGLISH, "published": "2026-10-07"})
    records.write_text("\n".join(map(json.dumps, lines)))
    feed = tmp_path / "drita.json"
    feed.write_text(json_feed([json_item(1, date_published="0000-01-01T00:00:00Z")]))
    rss = tmp_path / "ledger.rss"
    rss.write_text(
        NUL_RSS.format(encoding="utf-8", name="rss", body=BODY).replace(
            "<link>https://h.example/rss",
            ("<pubDate>Mon, 05 Oct 1970 08:30:00 +0200</pubDate><link>https://h.example/rss"),
        )
    )
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://s.example/a</loc><lastmod>0001-01-01T00:00:00+05:00</lastmod></url>"
        "<url><loc>https://s.example/b</loc><lastmod>99999-01-01</lastmod></url>"
        "<url><loc>https://s.example/c</loc><lastmod>2026-01-01</lastmod></url></urlset>"
    )
    with caplog.at_level(logging.WARNING, logger="presswatch"):
        report = ingest_with_a_good_page(pw, tmp_path, [records, feed, rss, sitemap])
    assert report.failed == 0
    for url in [f"https://l.example/{n}" for n in range(len(BEYOND))] + [
        "https://j.example/1",
        "https://h.example/rss",
    ]:
        article = pw.article(url)
        assert article is not None and article["published_at"] is None and article["published_how"] == "none", url
    fine = pw.article("https://l.example/fine")
    assert fine is not None and fine["published_how"] == "record"
    with pw.store.connect() as conn:
        queued = dict(conn.execute(select(fetch_queue.c.url, fetch_queue.c.published_at)).all())
    assert queued == {
        "https://s.example/a": None,
        "https://s.example/b": None,
        "https://s.example/c": datetime(2026, 1, 1),
    }
    warned = [r.getMessage() for r in caplog.records if "outside 1990-01-01" in r.getMessage()]
    assert any("l.example/1" in w and "9999-12-31" in w for w in warned)
    assert any("sitemap.xml entry 1" in w for w in warned)


def test_a_polled_sitemap_with_bad_dates_keeps_every_page() -> None:
    dates = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "99999-01-01", "2026-01-01T00:00:00Z"]
    urls = "".join(f"<url><loc>https://s.example/{n}</loc><lastmod>{d}</lastmod></url>" for n, d in enumerate(dates))
    body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    listed = read_listing(body.encode(), "https://s.example/sitemap.xml")
    assert [(link.url, link.published) for link in listed.links] == [
        ("https://s.example/0", datetime.min),  # held at the calendar's edge; the poll's window drops it
        ("https://s.example/1", datetime.max),
        ("https://s.example/2", None),
        ("https://s.example/3", datetime(2026, 1, 1)),
    ]


def test_the_window_is_a_setting(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"url": "https://l.example/1", "text": ENGLISH, "published": "2015-05-05"}))
    strict = Presswatch(db=str(tmp_path / "strict.db"), earliest_date="2020-01-01", future_days=0)
    try:
        strict.ingest([str(records)])
        article = strict.article("https://l.example/1")
        assert article is not None and article["published_at"] is None
    finally:
        strict.close()


# ---- any stored date is safe ----------------------------------------------------------------------


EXTREMES = [datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59), datetime(1, 1, 1, 0, 0, 1), datetime.max]


def test_every_stage_and_query_is_safe_for_the_extremes_of_the_calendar(pw: Presswatch, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(6):
        text = (
            ENGLISH + f"\nErjon Cela of the Sunrise Vanguard of Iran spoke about Camp Tolou ({n}). Zorblax Quint said."
        )
        (inputs / f"{n}.html").write_text(page(f"Camp Tolou {n}", text, url=f"https://x.example/{n}"))
    pw.ingest([str(inputs)])
    pw.load_watchlist(sample_dir() / "watchlist.toml")
    with pw.store.begin() as conn:  # written straight into the store, as an older version or another tool may have
        ids = conn.execute(select(articles.c.id).order_by(articles.c.id)).scalars().all()
        for article_id, when in zip(ids, EXTREMES, strict=False):
            values = {"published_at": when, "fetched_at": when, "created_at": when}
            conn.execute(update(articles).where(articles.c.id == article_id).values(values))
    assert all(report.off_reason is None for report in pw.process())
    pw.process()  # and again, resuming over the same stored dates
    assert pw.stories() and pw.stories(datetime.min, datetime.max)
    week, _ = pw.emerging_in_week()  # the newest article's week: 9999-W52
    assert week == "9999-W52"
    pw.emerging(datetime(9999, 12, 24), datetime.max)
    for label in ("9999-W52", "0001-W01"):
        digest = pw.build_digest(resolve_period(label))
        assert digest.items, label
        for fmt in ("md", "html", "json", "atom", "eml"):
            assert render_digest(digest, fmt)
    pw.build_digest(Period("whole calendar", datetime.min, datetime.max))
    assert pw.search("harbour")
    for table in ("articles", "mentions", "relevance", "links", "stories"):
        for fmt in ("jsonl", "csv"):
            pw.export(table, fmt, datetime.min, io.StringIO())
    assert pw.stats()["articles"] == 6 and pw.reextract().failed == 0


# ---- text hygiene ---------------------------------------------------------------------------


# Any code point, with lone surrogates (Cs) and control characters (Cc) drawn often: the full range alone rarely does.
ANY_CHARACTER = st.one_of(st.characters(codec=None, exclude_categories=()), st.characters(categories=["Cs", "Cc"]))
ANY_TEXT = st.lists(ANY_CHARACTER, max_size=300).map("".join)  # st.text() with this alphabet drops the surrogates


@given(ANY_TEXT)
def test_clean_text_leaves_valid_utf8_without_control_characters(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in cleaned) and "\x7f" not in cleaned
    assert clean_text(cleaned) == cleaned


def test_any_title_and_text_are_stored_as_valid_utf8(tmp_path: Path) -> None:
    pw = Presswatch(db=str(tmp_path / "any.db"))
    numbers = iter(range(1_000_000))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(title=ANY_TEXT, text=ANY_TEXT, author=ANY_TEXT)
    def stored_as_utf8(title: str, text: str, author: str) -> None:
        url = f"https://any.example/{next(numbers)}"
        record = tmp_path / "any.jsonl"
        line = json.dumps({"url": url, "title": title, "author": author, "text": text + " " + ENGLISH[:200]})
        record.write_text(line + "\n", "utf-8")
        report = pw.ingest([str(record)])
        assert report.failed == 0, report.problems
        article = pw.article(url)
        assert article is not None
        for name in ("title", "author", "text", "source"):
            (article[name] or "").encode("utf-8")

    try:
        stored_as_utf8()
    finally:
        pw.close()


def test_an_empty_jsonl_file_is_named_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    pw = Presswatch(db=str(tmp_path / "empty.db"))
    try:
        outcomes: list[Outcome] = []
        pw.ingest([str(tmp_path / "empty.jsonl")], on_outcome=outcomes.append)
        assert [(o.status, o.message) for o in outcomes] == [("skipped", "an empty JSONL file: no records in it")]
    finally:
        pw.close()
