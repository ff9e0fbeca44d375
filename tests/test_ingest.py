from __future__ import annotations

import gzip
import json
import zlib
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from presswatch import ArticleFilter, Presswatch, UsageError
from presswatch.ingest import FEED_ENTRY_TYPE, feed_entry_json
from presswatch.store.schema import articles, fetch_queue, raw

from .conftest import ALBANIAN, ENGLISH, PERSIAN, page


def write_warc(path: Path, pages: list[tuple[str, bytes, str]], status: str = "200 OK") -> Path:
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        for url, body, content_type in pages:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
            writer.write_record(record)
    return path


def count(pw: Presswatch, table) -> int:  # type: ignore[no-untyped-def]
    with pw.store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_html_file_takes_its_canonical_url_and_source(pw: Presswatch, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page("Harbour plan", ENGLISH, url="https://www.harbourledger.example/a"))
    report = pw.ingest([str(tmp_path / "a.html")])
    assert report.summary()["new"] == 1 and report.exit_code == 0
    [row] = pw.articles()
    assert row["url"] == "https://www.harbourledger.example/a"
    assert row["source"] == "Harbour Ledger"
    assert row["language"] == "en"


def test_base_url_names_pages_without_a_canonical_link(pw: Presswatch, tmp_path: Path) -> None:
    folder = tmp_path / "site" / "world"
    folder.mkdir(parents=True)
    (folder / "b.htm").write_text(page("Lajme", ALBANIAN, lang="sq", site="Gazeta Drita"))
    pw.ingest([str(tmp_path / "site")], base_url="https://drita.example/")
    [row] = pw.articles()
    assert row["url"] == "https://drita.example/world/b.htm"
    assert row["language"] == "sq"


def test_ingest_twice_adds_nothing(pw: Presswatch, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.html").write_text(page("Harbour plan", ENGLISH, url="https://h.example/a"))
    pw.ingest([str(inputs)])
    before = (count(pw, raw), count(pw, articles))
    again = pw.ingest([str(inputs)])
    assert again.summary()["new"] == 0 and again.skipped == 1
    assert (count(pw, raw), count(pw, articles)) == before


def test_a_changed_page_becomes_a_new_version(pw: Presswatch, tmp_path: Path) -> None:
    url = "https://h.example/a"
    (tmp_path / "a.html").write_text(page("Harbour plan", ENGLISH, url=url))
    pw.ingest([str(tmp_path / "a.html")])
    (tmp_path / "b.html").write_text(
        page("Harbour plan", ENGLISH + "\nCorrection: the meeting was on Monday.", url=url)
    )
    report = pw.ingest([str(tmp_path / "b.html")])
    assert report.summary()["versions"] == 1
    article = pw.article(url)
    assert article is not None and article["version"] == 2
    assert [v["version"] for v in article["versions"]] == [1, 2]
    assert len(pw.articles()) == 1  # listings show the current version only


def test_warc_html_responses_become_articles_and_the_rest_is_skipped(pw: Presswatch, tmp_path: Path) -> None:
    warc = write_warc(
        tmp_path / "crawl.warc.gz",
        [
            ("https://h.example/en", page("Harbour plan", ENGLISH).encode(), "text/html; charset=utf-8"),
            ("https://h.example/fa", page("بندر", PERSIAN, lang="fa").encode(), "text/html"),
            ("https://h.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(50), "image/png"),
        ],
    )
    report = pw.ingest([str(warc)])
    assert report.summary()["new"] == 2, report.problems
    assert {a["language"] for a in pw.articles()} == {"en", "fa"}
    with pw.store.connect() as conn:
        pointers = conn.execute(select(raw.c.warc_path, raw.c.warc_offset).where(raw.c.kind == "warc")).all()
    assert all(path == str(warc.resolve()) and offset is not None for path, offset in pointers)


def test_truncated_warc_keeps_what_came_before(pw: Presswatch, tmp_path: Path) -> None:
    whole = write_warc(
        tmp_path / "whole.warc",
        [
            ("https://h.example/1", page("One", ENGLISH).encode(), "text/html"),
            ("https://h.example/2", page("Two", ENGLISH + "\nMore.").encode(), "text/html"),
        ],
    )
    data = whole.read_bytes()
    (tmp_path / "cut.warc").write_bytes(data[: len(data) - 900])
    report = pw.ingest([str(tmp_path / "cut.warc")])
    assert report.summary()["new"] >= 1
    assert len(pw.articles()) == report.summary()["new"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.html.gz", b"\x1f\x8b\x08\x00" + b"garbage" * 50, "broken gzip"),
        ("junk.html", bytes(range(256)) * 100, "binary data"),
        ("bad.warc.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 300, "WARC"),
    ],
)
def test_bad_files_fail_with_a_message_naming_them(
    pw: Presswatch, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / name).write_bytes(content)
    (inputs / "good.html").write_text(page("Harbour plan", ENGLISH, url="https://h.example/a"))
    report = pw.ingest([str(inputs)])
    assert report.summary()["new"] == 1  # the run goes on
    assert report.failed == 1 and report.exit_code == 1
    [problem] = [p for p in report.problems if p.status == "failed"]
    assert name in problem.label and expected.lower() in problem.message.lower()


def test_empty_page_is_skipped_with_a_reason(pw: Presswatch, tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><head><title>x</title></head><body></body></html>")
    report = pw.ingest([str(tmp_path / "empty.html")])
    assert report.skipped == 1 and report.failed == 0
    assert "no article text" in report.problems[0].message


def test_a_50_mb_page_is_refused_without_reading_it(pw: Presswatch, tmp_path: Path) -> None:
    huge = tmp_path / "huge.html"
    with open(huge, "wb") as stream:
        stream.write(b"<html><body><p>")
        stream.seek(50 * 1024 * 1024)
        stream.write(b"</p></body></html>")
    report = pw.ingest([str(huge)])
    assert report.failed == 1 and "cap" in report.problems[0].message


def test_a_gzip_bomb_is_stopped_at_the_cap(pw: Presswatch, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as stream:
        block = b"<p>" + b"a" * (1 << 20) + b"</p>"
        for _ in range(30):
            stream.write(block)
    assert bomb.stat().st_size < 200_000
    report = pw.ingest([str(bomb)])
    assert report.failed == 1 and "cap" in report.problems[0].message


def test_undecodable_charset_still_reads_the_text(pw: Presswatch, tmp_path: Path) -> None:
    body = page("Lajme", ALBANIAN, lang="sq", url="https://drita.example/a").replace("utf-8", "x-klingon")
    (tmp_path / "odd.html").write_bytes(body.encode("utf-8"))
    pw.ingest([str(tmp_path / "odd.html")])
    article = pw.article("https://drita.example/a")
    assert article is not None and "Këshilli" in article["text"]


def test_windows_1251_page_is_decoded(pw: Presswatch, tmp_path: Path) -> None:
    text = "Региональный совет собрался во вторник, чтобы обсудить будущее старого портового района. " * 8
    (tmp_path / "ru.html").write_bytes(
        page("Новости", text, lang="ru", url="https://ru.example/a", charset="windows-1251").encode("cp1251")
    )
    pw.ingest([str(tmp_path / "ru.html")])
    article = pw.article("https://ru.example/a")
    assert article is not None and "Региональный" in article["text"] and article["language"] == "ru"


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Harbour Ledger</title><link>https://h.example/</link>
<item><title>Harbour plan &lt;script&gt;alert(1)&lt;/script&gt;</title><link>https://h.example/full</link>
<pubDate>Mon, 05 Oct 2026 08:30:00 +0200</pubDate><dc:creator>Ana Brook</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded></item>
<item><title>Teaser only</title><link>https://h.example/teaser</link><description>One line.</description></item>
</channel></rss>"""


def test_feed_entries_with_content_are_stored_and_teasers_queued(pw: Presswatch, tmp_path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in ENGLISH.split("\n"))
    (tmp_path / "ledger.rss").write_text(RSS.format(body=body))
    report = pw.ingest([str(tmp_path / "ledger.rss")])
    assert report.summary() | {} == report.summary() and report.summary()["new"] == 1
    assert report.summary()["queued"] == 1
    article = pw.article("https://h.example/full")
    assert article is not None
    assert article["author"] == "Ana Brook" and article["published_how"] == "feed"
    assert article["published_at"].isoformat() == "2026-10-05T06:30:00"
    with pw.store.connect() as conn:
        assert conn.execute(select(fetch_queue.c.url)).scalars().all() == ["https://h.example/teaser"]
        assert conn.execute(select(func.count()).where(raw.c.kind == "feed-document")).scalar() == 1
    assert pw.ingest([str(tmp_path / "ledger.rss")]).summary()["new"] == 0


def test_json_feed_is_read(pw: Presswatch, tmp_path: Path) -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Drita",
        "items": [
            {
                "id": "1",
                "url": "https://drita.example/1",
                "title": "Lajme",
                "content_text": ALBANIAN + "\n" + ALBANIAN,
                "date_published": "2026-10-06T10:00:00Z",
                "authors": [{"name": "Arta"}],
            }
        ],
    }
    (tmp_path / "drita.json").write_text(json.dumps(feed))
    pw.ingest([str(tmp_path / "drita.json")])
    article = pw.article("https://drita.example/1")
    assert article is not None and article["language"] == "sq" and article["author"] == "Arta"


def test_jsonl_records_are_validated_one_by_one(pw: Presswatch, tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "url": "https://p.example/1",
                "title": "Bandar",
                "text": PERSIAN,
                "published": "2026-10-07",
                "source": "Peyk",
            }
        ),
        "{not json",
        json.dumps({"url": "ftp://p.example/2", "text": "x"}),
        json.dumps({"url": "https://p.example/3", "html": page("Harbour", ENGLISH)}),
        "",
    ]
    (tmp_path / "records.jsonl").write_text("\n".join(lines))
    report = pw.ingest([str(tmp_path / "records.jsonl")])
    assert report.summary()["new"] == 2 and report.failed == 2
    assert {p.label.split(" ")[-1] for p in report.problems} == {"2", "3"}
    article = pw.article("https://p.example/1")
    assert article is not None and article["source"] == "Peyk" and article["language"] == "fa"
    assert article["published_how"] == "record"


def test_reextract_reruns_over_kept_raw_records(pw: Presswatch, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page("Harbour plan", ENGLISH, url="https://h.example/a"))
    warc = write_warc(tmp_path / "c.warc", [("https://h.example/w", page("W", ENGLISH).encode(), "text/html")])
    pw.ingest([str(tmp_path / "a.html"), str(warc)])
    (tmp_path / "a.html").unlink()  # the raw copy is what counts now
    report = pw.reextract()
    assert report.counts["unchanged"] == 2 and report.failed == 0
    assert len(pw.articles()) == 2


def test_a_gzipped_page_is_kept_as_its_own_gzip_and_read_back(pw: Presswatch, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    html = page("Harbour plan", ENGLISH, url="https://h.example/gz").encode()
    (inputs / "one.html.gz").write_bytes(gzip.compress(html))
    # two gzip members: read whole, but not kept as they are
    (inputs / "two.html.gz").write_bytes(gzip.compress(html[:100]) + gzip.compress(html[100:].replace(b"/gz", b"/gz2")))
    assert pw.ingest([str(inputs)]).summary()["new"] == 2
    with pw.store.connect() as conn:
        bodies = dict(conn.execute(select(raw.c.origin, raw.c.body)).all())
    assert bodies[str((inputs / "one.html.gz").resolve())] == (inputs / "one.html.gz").read_bytes()
    assert bodies[str((inputs / "two.html.gz").resolve())][:2] != b"\x1f\x8b"
    for name in ("one.html.gz", "two.html.gz"):
        (inputs / name).unlink()
    report = pw.reextract()
    assert report.counts["unchanged"] == 2 and report.failed == 0


def test_raw_bodies_are_zstd_and_older_zlib_rows_still_read(pw: Presswatch, tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.html").write_text(page(f"Title {name}", ENGLISH, url=f"https://h.example/{name}"))
    pw.ingest([str(tmp_path / "a.html"), str(tmp_path / "b.html")])
    with pw.store.begin() as conn:
        bodies = dict(conn.execute(select(raw.c.url, raw.c.body)).all())
        assert all(body[:4] == b"\x28\xb5\x2f\xfd" for body in bodies.values())  # zstd frames
        # b's row as a store written before zstd holds it: zlib
        conn.execute(
            raw.update()
            .where(raw.c.url == "https://h.example/b")
            .values(body=zlib.compress((tmp_path / "b.html").read_bytes(), 1))
        )
    for name in ("a", "b"):
        (tmp_path / f"{name}.html").unlink()
    report = pw.reextract()
    assert report.counts["unchanged"] == 2 and report.failed == 0


@pytest.mark.sqlite_only(reason="the refusal is a SQLite trigger")
def test_an_item_the_store_refuses_fails_alone(pw: Presswatch, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b", "c"):
        (inputs / f"{name}.html").write_text(
            page(f"Title {name}", ENGLISH + f" {name}", url=f"https://h.example/{name}")
        )
    with pw.store.begin() as conn:  # the store itself refuses one URL, as a constraint or a full disk would
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse_b BEFORE INSERT ON articles WHEN new.url LIKE '%/b' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the store'); END"
        )
    report = pw.ingest([str(inputs)])
    assert report.summary()["new"] == 2 and report.failed == 1
    assert "refused by the store" in report.problems[0].message and "b.html" in report.problems[0].label
    assert sorted(a["url"] for a in pw.articles()) == ["https://h.example/a", "https://h.example/c"]


def test_globs_and_missing_paths(pw: Presswatch, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page("Harbour plan", ENGLISH, url="https://h.example/a"))
    assert pw.ingest([str(tmp_path / "*.html")]).summary()["new"] == 1
    with pytest.raises(UsageError, match="no such file"):
        pw.ingest([str(tmp_path / "nope.html")])
    with pytest.raises(UsageError, match="no file matches"):
        pw.ingest([str(tmp_path / "*.warc")])


def test_article_filters(pw: Presswatch, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page("A", ENGLISH, url="https://h.example/a", published="2026-10-01T00:00:00Z"))
    (tmp_path / "b.html").write_text(
        page("B", ALBANIAN, url="https://d.example/b", lang="sq", site="Drita", published="2026-10-09T00:00:00Z")
    )
    pw.ingest([str(tmp_path / "*.html")])
    assert [a["title"] for a in pw.articles(ArticleFilter(language="sq"))] == ["B"]
    from datetime import datetime

    assert [a["title"] for a in pw.articles(ArticleFilter(since=datetime(2026, 10, 5)))] == ["B"]
    assert [a["title"] for a in pw.articles(ArticleFilter(source="Harbour Ledger"))] == ["A"]
    assert [a["title"] for a in pw.search("këshilli")] == ["B"]
    assert [a["title"] for a in pw.search('"old harbour district"')] == ["A"]


def test_a_jsonl_file_of_other_records_is_skipped_as_a_whole(pw: Presswatch, tmp_path: Path) -> None:
    (tmp_path / "manifest.jsonl").write_text('{"file": "a.warc", "size": 1}\n{"file": "b.warc", "size": 2}\n')
    report = pw.ingest([str(tmp_path / "manifest.jsonl")])
    assert report.failed == 0 and report.skipped == 1
    assert "not article records" in report.problems[0].message


def test_a_feed_entry_record_in_a_warc_gives_its_page_the_feed_hints(pw: Presswatch, tmp_path: Path) -> None:
    dated, undated, damaged = (f"https://wire.example/{n}" for n in ("dated", "undated", "damaged"))
    path = tmp_path / "fetched.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, note in (
            (dated, feed_entry_json("Harbour plan", datetime(2026, 10, 1, 8, 0), "https://wire.example/feed", "Wire")),
            (undated, None),
            (damaged, b"{not json"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = page("Story", ENGLISH).encode()
            record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
            writer.write_record(record)
            if note is not None:
                meta = writer.create_warc_record(
                    url,
                    "metadata",
                    payload=BytesIO(note),
                    length=len(note),
                    warc_content_type=FEED_ENTRY_TYPE,
                    warc_headers_dict={"WARC-Refers-To": record.rec_headers.get_header("WARC-Record-ID")},
                )
                writer.write_record(meta)
    assert pw.ingest([str(path)]).failed == 0
    found = {url: pw.article(url) for url in (dated, undated, damaged)}
    assert found[dated]["published_how"] == "feed" and found[dated]["title"] == "Harbour plan"  # type: ignore[index]
    assert found[dated]["source"] == "Wire"  # type: ignore[index]
    assert found[undated]["published_how"] == "none" and found[damaged]["published_how"] == "none"  # type: ignore[index]
