"""Ingest on the real pages, archives and feeds in ../shared/data (skipped when it is absent)."""

from __future__ import annotations

import json
from pathlib import Path

from presswatch import Presswatch
from presswatch.ingest import WarcScan, iter_warc, parse_feed


def test_real_news_pages_are_extracted(pw: Presswatch, shared_data: Path) -> None:
    pages = sorted((shared_data / "extraction" / "aeb" / "html").glob("*.html.gz"))[:12]
    truth = json.loads((shared_data / "extraction" / "aeb" / "ground-truth.json").read_text("utf-8"))
    report = pw.ingest([str(p) for p in pages])
    assert report.failed == 0 and report.ok >= 11
    stored = pw.articles()
    assert all(a["word_count"] > 50 for a in stored)
    assert sum(1 for a in stored if a["language"] == "en") >= 8
    # each stored text shares most of its words with the upstream ground truth
    for article in stored[:5]:
        text = pw.article(str(article["id"]))["text"]  # type: ignore[index]
        best = max(truth.values(), key=lambda t: len(set(t["articleBody"].split()) & set(text.split())))
        overlap = len(set(best["articleBody"].split()) & set(text.split())) / max(1, len(set(text.split())))
        assert overlap > 0.6


def test_every_warc_file_reads_or_fails_cleanly(shared_data: Path) -> None:
    manifest = [json.loads(line) for line in (shared_data / "warc" / "manifest.jsonl").read_text().splitlines()]
    for entry in manifest:
        scan = WarcScan()
        list(iter_warc(shared_data / "warc" / entry["file"], 10_000_000, scan))
        if entry["warcio_ok"]:
            assert scan.html_responses >= entry["html_responses"], entry["file"]
        else:
            assert scan.error, entry["file"]


def test_real_warc_files_ingest_with_charsets(pw: Presswatch, shared_data: Path) -> None:
    report = pw.ingest(
        [
            str(shared_data / "warc" / "resiliparse" / "warcfile.warc.gz"),
            str(shared_data / "warc" / "resiliparse" / "warcfile.warc.lz4"),
        ]
    )
    assert report.ok >= 10
    assert [p.message for p in report.problems if p.status == "failed"] == [
        "lz4-compressed WARC files are not supported; decompress it first (lz4 -d FILE)"
    ]
    languages = {a["language"] for a in pw.articles()}
    assert {"zh", "ru"} & languages


def test_real_feeds_parse(shared_data: Path) -> None:
    folder = shared_data / "feeds" / "rss_parser_realworld" / "test" / "input"
    parsed = {path.name: parse_feed(path.read_bytes()) for path in folder.iterdir() if path.name != "unrecognized.rss"}
    assert len(parsed["guardian.rss"].entries) > 10
    assert all(e.link for e in parsed["heise.atom"].entries)
    json_feed = parse_feed((shared_data / "feeds" / "trafilatura_resources" / "feed.json").read_bytes())
    assert json_feed.entries and json_feed.entries[0].link
