"""Hostile input mixed with good real pages: only named errors, no HTTP 500, nothing good lost, bounded cost.

Corpus (written to a temporary folder at run time, nothing kept):
* good: the first 36 AEB pages (`extraction/aeb/html/*.html.gz`, sorted by name) and one real WARC file,
  `warc/resiliparse/warcfile.warc.gz` (a Common Crawl excerpt: 16 HTML responses, pages in gb2312 and
  windows-1251 among them);
* hostile, one file per kind the issue names: malformed HTML, 300,000 `<p>`, 100,000 nested `<div>`,
  `charset=undefined`, a bogus charset, a charset that does not fit the bytes, NUL bytes, lone surrogates
  (their UTF-8-ish bytes, and `\\ud800` escapes in JSON), overflowing dates (0001-01-01 with a positive
  offset, 9999-12-31 with a negative one) in HTML metadata, RSS, Atom, JSON Feed, sitemaps, WARC headers and
  JSONL, script in titles, a JSON Feed with the wrong type in every field, deeply nested JSON (100,000
  levels), a 5,000-digit number, a JSONL text field past `max_page_bytes`, bad WARC headers (missing, empty,
  garbage), a truncated gzip, a gzip bomb (1 GB of zeros), a sparse WARC file of `--sparse-gb` GB (1) made
  with truncate after one good record, empty files;
* planted good records inside the hostile files (a JSON Feed item, RSS and Atom entries, WARC records,
  JSONL lines) that must be stored whatever their neighbours are.

Runs, each in a child process (a hang is a finding, not the end of the evaluation):
1. clean: `ingest` of the good files alone; the articles it stores are the good records;
2. mixed: `ingest` of good and hostile files together (interleaved by name, one run, default workers), then
   `process`, the stories, emerging names, searches (words, operators, NUL, a lone surrogate, a 30,000-word
   query) and the HTTP API through FastAPI's TestClient (an editor logged in) with hostile parameters: ids
   past SQLite's integer, weeks 9999-W52 and 0001-W01, `until=9999-12-31`, pages and sizes out of range;
3. costs: each hostile file ingested alone, one after another in one process: wall time, and the peak of the
   process tree's memory (PSS summed, sampled every 50 ms) above what it held before the file.

The budgets are the settings `item_seconds` and `item_memory_bytes` (or `item_memory_mb`) when presswatch
has them, set small here (`--item-seconds`, default 10; `--item-memory-mb`, default 512) so that the run
takes a couple of minutes; without them the costs are reported only.

Goals (exit 1 when one fails):
* unexpected errors: 0 (outcomes with the catch-all messages "unexpected error ... please report it" or a
  dead worker; any exception other than a presswatch UsageError/ItemError/QueryTimeout out of ingest,
  process, the readings or search);
* HTTP 500s: 0;
* good records lost against the clean run: 0; planted good records lost: 0;
* worst time per hostile file <= item_seconds + 5 s (stopping and replacing a worker, reading the file);
  peak memory per hostile file <= item_memory + 100 MB (the reading process holds up to max_page_bytes of
  the input) + what starting a fresh worker costs: pages past presswatch's HEAVY_BYTES are always extracted
  in a worker, which each run starts afresh; a control page (a good article padded past that size with a
  comment, cheap to parse) is measured first, and its peak is that start-up cost, reported on its own.

    .venv/bin/python eval/hostile.py [--data DIR] [--json] [--sparse-gb 1] [--item-seconds 10]
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _common import emit, parser, quiet_libraries, require

AEB_PAGES = 36
REAL_WARC = "warc/resiliparse/warcfile.warc.gz"
NAMELESS = re.compile(r"unexpected error|please report it|the extraction worker failed")
MIXED_TIMEOUT = 900
COSTS_TIMEOUT = 900
TIME_GRACE = 5.0
MEMORY_GRACE = 100 * 2**20
LONG_QUERY_WORDS = 30_000
TEXT = (
    "The regional council met on Tuesday to discuss the future of the old harbour district, where hundreds of "
    "families have lived for decades without secure title to their homes. Officials said the plan would be "
    "published next month, after consultations with residents, shop owners and the port authority, which has "
    "long argued for an expansion of the docks. Residents who attended the meeting said they had heard such "
    "promises before, and asked for written guarantees that nobody would be evicted before new housing was ready."
)
DATES = ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-14:00")
RFC_DATES = ("Mon, 01 Jan 0001 00:00:00 +0500", "Fri, 31 Dec 9999 23:59:59 -1400")


# ---- the hostile corpus ---------------------------------------------------------------------------------


def page(title: str, body: str = TEXT, head: str = "", charset: str = "utf-8", url: str = "") -> str:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="{charset}"><title>{title}</title>{canonical}{head}'
        f"</head><body><article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    )


def planted(kind: str, number: int) -> str:
    return f"https://planted.example/{kind}/{number}"


PAGES = {number: planted("html", number) for number in range(4, 12)}  # the text-bearing hostile pages


def planted_text(kind: str, number: int) -> str:
    return f"{TEXT} This is the planted {kind} record number {number}, which must be kept."


def warc_record(
    uri: str | None, date: str | None, content_type: str | None, body: bytes, kind: str = "response"
) -> bytes:
    """One WARC record, byte by byte (warcio's writer refuses the odd headers wanted here), gzipped."""
    http = b"HTTP/1.1 200 OK\r\n"
    if content_type is not None:
        http += b"Content-Type: " + content_type.encode("utf-8", "surrogatepass") + b"\r\n"
    block = http + b"\r\n" + body
    headers = [("WARC-Type", kind), ("Content-Type", "application/http; msgtype=response")]
    headers += [(n, v) for n, v in (("WARC-Target-URI", uri), ("WARC-Date", date)) if v is not None]
    head = "WARC/1.0\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers) + f"Content-Length: {len(block)}\r\n\r\n"
    return gzip.compress(head.encode("utf-8", "surrogatepass") + block + b"\r\n\r\n", mtime=0)


def hostile_files() -> dict[str, bytes]:
    """Every hostile file but the two big ones (written by `write_corpus`), by name."""
    files: dict[str, bytes] = {}
    files["h01-malformed.html"] = (
        "<html><head><title>Broken<body><p>unclosed <div><span>" + TEXT + "</p></div></table></html></html><p><"
    ).encode()
    files["h02-300k-paragraphs.html"] = (
        "<html><head><title>Many paragraphs</title></head><body>" + "<p>word</p>" * 300_000 + "</body></html>"
    ).encode()
    files["h03-deep-nesting.html"] = ("<html><body>" + "<div>" * 100_000 + TEXT + "</body></html>").encode()
    # Pages with article text under hostile wrapping: each must be stored (planted, by its canonical URL).
    files["h04-charset-undefined.html"] = page("Undefined charset", charset="undefined", url=PAGES[4]).encode()
    files["h05-charset-bogus.html"] = page("Bogus charset", charset="x-bogus\x00-charset", url=PAGES[5]).encode()
    misfit = page("Declared UTF-16, written UTF-8 — ünïcödé", charset="utf-16", url=PAGES[6])
    files["h06-charset-misfit.html"] = misfit.encode()
    nul_page = page("NUL bytes", body=TEXT + " " * 4096 + TEXT.replace(" the ", " the\x00 "), url=PAGES[7]).encode()
    files["h07-nul-bytes.html"] = nul_page[:300] + b"\x00" * 3 + nul_page[300:]  # 3 in the head, more further on
    surrogates = page("Lone \ud800 surrogate", body=TEXT + " \udfff end", url=PAGES[8])
    files["h08-lone-surrogates.html"] = surrogates.encode("utf-8", "surrogatepass")
    for number, when in enumerate(DATES, 9):
        head = (
            f'<meta property="article:published_time" content="{when}">'
            f'<script type="application/ld+json">{{"datePublished": "{when}"}}</script>'
        )
        files[f"h{number:02d}-date-{when[:4]}.html"] = page(f"Dated {when}", head=head, url=PAGES[number]).encode()
    script = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    files["h11-script-title.html"] = page(script, url=PAGES[11]).encode()
    whole = gzip.compress(page("Truncated").encode(), mtime=0)
    files["h12-truncated.html.gz"] = whole[: len(whole) // 2]
    files["h14-json-feed-wrong-types.json"] = json_feed()
    deep = "[" * 100_000 + "]" * 100_000
    files["h14b-json-feed-deep.json"] = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Deep", "items": [{"url": '
        f'"https://hostile.example/deep", "title": {deep}, "content_html": "<p>{TEXT}</p>"}}]}}'
    ).encode()
    files["h15-rss-hostile.rss"] = rss()
    files["h16-rss-nul.xml"] = rss().replace(b"<title>", b"<title>\x00", 3)
    files["h17-atom-dates.atom"] = atom()
    files["h18-sitemap-bad.xml"] = sitemap()
    files["h19-warc-bad-headers.warc.gz"] = bad_warc()
    files["h21-records.jsonl"] = jsonl()
    files["h22-empty.html"] = b""
    files["h23-empty.warc"] = b""
    files["h24-empty.jsonl"] = b""
    return files


def json_feed() -> bytes:
    wrong = [
        {"id": 1, "url": 12345, "title": "Integer URL", "content_html": f"<p>{TEXT}</p>"},
        {"id": 2, "url": ["https://hostile.example/a"], "title": "List URL", "content_html": f"<p>{TEXT}</p>"},
        {"id": 3, "url": {"href": "x"}, "title": {"text": "Dict title"}, "content_html": f"<p>{TEXT}</p>"},
        {"id": None, "url": "https://hostile.example/dates", "date_published": DATES[1], "content_html": TEXT},
        {"url": "https://hostile.example/old", "date_published": DATES[0], "date_modified": 10**20},
        {"url": "https://hostile.example/nul", "title": "NUL \u0000 title", "content_html": f"<p>\u0000{TEXT}</p>"},
        {"url": "https://hostile.example/sur", "title": "\ud800", "content_text": TEXT + "\udfff"},
        {"url": "https://hostile.example/types", "content_html": [1, 2], "authors": "me", "tags": {"a": 1}},
        "not an item",
        None,
    ]
    good = {
        "id": "good",
        "url": planted("json-feed", 1),
        "title": "Planted JSON Feed item",
        "content_html": f"<p>{planted_text('json-feed', 1)}</p>",
        "date_published": "2026-03-01T10:00:00Z",
    }
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": {"wrong": "type"},
        "home_page_url": 42,
        "items": [*wrong, good],
    }
    return json.dumps(document).encode()


def rss() -> bytes:
    items = [
        ("<script>alert(1)</script>", "https://hostile.example/rss-script", "Sun, 01 Mar 2026 10:00:00 GMT"),
        ("Year one", "https://hostile.example/rss-0001", RFC_DATES[0]),
        ("Year 9999", "https://hostile.example/rss-9999", RFC_DATES[1]),
        ("Bad IPv6 link", "https://[::1", "garbage date"),
        ("No link", "", ""),
    ]
    entries = "".join(
        f"<item><title>{t.replace('<', '&lt;')}</title><link>{link}</link><pubDate>{d}</pubDate>"
        f"<content:encoded><![CDATA[<p>{TEXT}</p><p>{t}</p>]]></content:encoded></item>"
        for t, link, d in items
    )
    good = planted("rss", 1)
    entries += (
        f"<item><title>Planted RSS entry</title><link>{good}</link><pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate>"
        f"<content:encoded><![CDATA[<p>{planted_text('rss', 1)}</p>]]></content:encoded></item>"
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel><title>Hostile</title>"
        f"<link>https://hostile.example/</link>{entries}</channel></rss>"
    ).encode()


def atom() -> bytes:
    entries = "".join(
        f"<entry><title>Dated {when}</title><link href='https://hostile.example/atom-{when[:4]}'/>"
        f"<id>tag:hostile.example,2026:{when[:4]}</id><updated>{when}</updated>"
        f"<content type='html'>&lt;p&gt;{TEXT}&lt;/p&gt;</content></entry>"
        for when in (*DATES, "0000-00-00T00:00:00Z", "not a date")
    )
    good = planted("atom", 1)
    entries += (
        f"<entry><title>Planted Atom entry</title><link href='{good}'/><id>{good}</id>"
        f"<updated>2026-03-01T10:00:00Z</updated><content type='html'>&lt;p&gt;{planted_text('atom', 1)}"
        "&lt;/p&gt;</content></entry>"
    )
    return f"<feed xmlns='http://www.w3.org/2005/Atom'><title>Hostile</title>{entries}</feed>".encode()


def sitemap() -> bytes:
    urls = [
        "<url><loc>https://hostile.example/s1</loc><lastmod>0001-01-01T00:00:00+05:00</lastmod></url>",
        "<url><loc>https://hostile.example/s2</loc><lastmod>9999-12-31T23:59:59-14:00</lastmod></url>",
        "<url><loc>https://hostile.example/s3</loc><lastmod>yesterday-ish</lastmod></url>",
        "<url><lastmod>2026-03-01</lastmod></url>",
        "<url><loc></loc></url>",
        "<url><loc>https://[::1</loc></url>",
        "<url><loc>https://hostile.example/s4</loc><news:news><news:publication_date>"
        "0001-01-01T00:00:00+05:00</news:publication_date><news:title>&lt;script&gt;x&lt;/script&gt;"
        "</news:title></news:news></url>",
        "<url><loc>https://planted.example/sitemap/1</loc><lastmod>2026-03-01</lastmod></url>",
    ]
    return (
        "<?xml version='1.0' encoding='utf-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
        f"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>{''.join(urls)}</urlset>"
    ).encode()


def bad_warc() -> bytes:
    body = page("WARC record").encode()
    records = [
        warc_record("https://hostile.example/w1", DATES[0], "text/html", body),
        warc_record("https://hostile.example/w2", DATES[1], "text/html; charset=undefined", body),
        warc_record("https://hostile.example/w3", "garbage", "text/html; charset=bogus", body),
        warc_record("https://hostile.example/w4", None, "text/html", body),
        warc_record(None, "2026-03-01T10:00:00Z", "text/html", body),
        warc_record("https://hostile.example/w5", "", None, body),
        warc_record("https://hostile.example/w6", "\ud800", "text/html\x00", body),
        warc_record("https://[::1", "2026-03-01T10:00:00Z", "text/html", body),
    ]
    for number in (1, 2):
        good = page("Planted WARC record", body=planted_text("warc", number)).encode()
        records.insert(number * 4, warc_record(planted("warc", number), "2026-03-01T10:00:00Z", "text/html", good))
    return b"".join(records)


def jsonl() -> bytes:
    def good(number: int) -> str:
        return json.dumps({"url": planted("jsonl", number), "text": planted_text("jsonl", number), "title": "Ok"})

    url = "https://hostile.example/j"
    lines = [
        good(1),
        json.dumps({"url": url + "1", "text": TEXT, "published": DATES[0]}),
        json.dumps({"url": url + "2", "text": TEXT, "published": DATES[1], "fetched": "99999-01-01"}),
        good(2),
        '{"url": "' + url + '3", "text": "deep", "title": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({"url": url + "4", "text": TEXT + " \ud800", "title": "\udfff"}),
        '{"url": "' + url + '5", "text": "raw \xed\xa0\x80 bytes"}',
        json.dumps({"url": url + "6", "text": "NUL \u0000 in " + TEXT, "title": "a\u0000b"}),
        json.dumps({"url": 12345, "text": TEXT}),
        json.dumps({"url": [url], "text": TEXT}),
        json.dumps({"url": url + "7", "text": ["list"], "title": {"dict": 1}}),
        '{"url": "' + url + '8", "text": "big number", "title": ' + "1" * 5_000 + "}",
        json.dumps({"url": "https://[::1", "text": TEXT}),
        "not json at all",
        json.dumps([1, 2, 3]),
        good(3),
    ]
    return "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"


def write_corpus(folder: Path, data: Path, sparse_gb: float) -> tuple[list[Path], list[Path]]:
    """The good files (copied in) and the hostile files, named so that the two interleave in a run."""
    good = []
    for number, source in enumerate(sorted((data / "extraction/aeb/html").glob("*.html.gz"))[:AEB_PAGES]):
        good.append(folder / f"g{number:02d}-aeb-{source.name}")
        shutil.copyfile(source, good[-1])
    good.append(folder / "h13-warc-real.warc.gz")  # among the hostile ones, by name
    shutil.copyfile(data / REAL_WARC, good[-1])
    hostile = []
    for name, content in hostile_files().items():
        hostile.append(folder / name)
        hostile[-1].write_bytes(content)
    hostile.append(folder / "h20-gzip-bomb.html.gz")
    write_bomb(hostile[-1], 2**30)
    hostile.append(folder / "h25-sparse.warc")
    good_record = warc_record(planted("sparse", 1), "2026-03-01T10:00:00Z", "text/html", page("Sparse").encode())
    hostile[-1].write_bytes(gzip.decompress(good_record))
    os.truncate(hostile[-1], int(sparse_gb * 2**30))
    big = json.dumps({"url": "https://hostile.example/huge", "text": "word " * 5_000_000})  # 25 MB
    hostile.append(folder / "h26-huge-text.jsonl")
    hostile[-1].write_text(big + "\n" + json.dumps({"url": planted("jsonl", 4), "text": planted_text("jsonl", 4)}))
    return good, sorted(hostile)


def write_bomb(path: Path, size: int) -> None:
    """A gzip file that unpacks to `size` bytes of zeros (about 1 MB a GB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(2**24)
    with open(path, "wb") as out:
        for _ in range(size // len(chunk)):
            out.write(packer.compress(chunk))
        out.write(packer.flush())


PLANTED = [
    *PAGES.values(),
    planted("json-feed", 1),
    planted("rss", 1),
    planted("atom", 1),
    planted("warc", 1),
    planted("warc", 2),
]
PLANTED += [planted("jsonl", n) for n in (1, 2, 3, 4)] + [planted("sparse", 1)]


# ---- child: measure one run ------------------------------------------------------------------------------


def budgets(item_seconds: float, item_memory_mb: int) -> dict[str, Any]:
    """The budget settings presswatch has, at the values asked for."""
    from presswatch.config import Settings

    names = {f.name for f in fields(Settings)}
    found: dict[str, Any] = {}
    if "item_seconds" in names:
        found["item_seconds"] = item_seconds
    if "item_memory_bytes" in names:
        found["item_memory_bytes"] = item_memory_mb * 2**20
    elif "item_memory_mb" in names:
        found["item_memory_mb"] = item_memory_mb
    return found


class TreeMemory:
    """The PSS of this process and all its descendants, summed, sampled in a thread; `peak` since `reset`."""

    def __init__(self, every: float = 0.05) -> None:
        self.every = every
        self.peak = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def reset(self) -> int:
        now = tree_pss()
        self.peak = now
        return now

    def _sample(self) -> None:
        while not self.stopped.wait(self.every):
            self.peak = max(self.peak, tree_pss())

    def stop(self) -> None:
        self.stopped.set()


def tree_pss(root: int | None = None) -> int:
    root = root or os.getpid()
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (OSError, ValueError):
            continue
    return total


def is_named(exc: BaseException) -> bool:
    from presswatch.errors import ItemError, QueryTimeout, UsageError

    return isinstance(exc, (UsageError, ItemError, QueryTimeout))


def attempt(unexpected: list[str], what: str, call: Any) -> Any:
    """Run a call; an exception that is not a named presswatch error is an unexpected error."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - counting them is the point
        if not is_named(exc):
            unexpected.append(f"{what}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
        return None


def record_key(url: str) -> str:
    """An article's URL; for a page that names none, its file's name (the two runs read from two folders)."""
    return url.rsplit("/", 1)[-1] if url.startswith("file://") else url


# What stored text must never hold: NUL, C0 controls but tab and line breaks, lone surrogates.
DIRTY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def clean_text(article: dict[str, Any] | None) -> bool:
    fields = [article.get(k) for k in ("title", "text", "author", "sitename")] if article else []
    return not any(isinstance(v, str) and DIRTY.search(v) for v in fields)


def child_clean(folder: Path, db: Path, files: list[str]) -> dict[str, Any]:
    from presswatch import Presswatch
    from presswatch.api import ArticleFilter

    pw = Presswatch(db=str(db))
    started = time.perf_counter()
    report = pw.ingest(files)
    urls = sorted(record_key(a["url"]) for a in pw.articles(ArticleFilter(limit=100_000)))
    pw.close()
    return {"summary": report.summary(), "urls": urls, "seconds": time.perf_counter() - started}


def child_mixed(folder: Path, db: Path, budget: dict[str, Any]) -> dict[str, Any]:
    from presswatch import Outcome, Presswatch
    from presswatch.api import ArticleFilter, resolve_period, sample_dir

    pw = Presswatch(db=str(db), **budget)
    unexpected: list[str] = []
    outcomes: list[Outcome] = []
    memory = TreeMemory()
    memory.reset()
    started = time.perf_counter()
    report = attempt(unexpected, "ingest", lambda: pw.ingest([str(folder)], on_outcome=outcomes.append))
    ingest_seconds = time.perf_counter() - started
    for o in outcomes:
        if o.status in ("failed", "skipped") and NAMELESS.search(o.message):
            unexpected.append(f"{o.label}: {o.message}")
    stored = pw.articles(ArticleFilter(limit=100_000))
    urls = sorted(record_key(a["url"]) for a in stored)
    dirty = [a["url"] for a in stored if not clean_text(pw.article(str(a["id"])))]
    heard = {o.label.split(" ", 1)[0] for o in outcomes}
    silent = sorted(p.name for p in folder.iterdir() if str(p) not in heard)
    attempt(unexpected, "load_watchlist", lambda: pw.load_watchlist(sample_dir() / "watchlist.toml"))
    started = time.perf_counter()
    attempt(unexpected, "process", pw.process)
    process_seconds = time.perf_counter() - started
    attempt(unexpected, "stories", pw.stories)
    attempt(unexpected, "emerging", pw.emerging_in_week)
    for week in ("0001-W01", "9999-W52"):
        attempt(unexpected, f"emerging {week}", lambda w=week: pw.emerging_in_week(w))
        attempt(unexpected, f"digest {week}", lambda w=week: pw.build_digest(resolve_period(w)))
    searches = search_checks(pw, unexpected)
    attempt(unexpected, "add_user", lambda: pw.add_user("editor", "editor-pass-1", "editor"))
    http = api_checks(pw, unexpected)
    memory.stop()
    pw.close()
    return {
        "summary": report.summary() if report else None,
        "statuses": dict(Counter(o.status for o in outcomes)),
        "problems": [f"{o.label}: {o.status}: {o.message}" for o in outcomes if o.status in ("failed", "skipped")],
        "urls": urls,
        "dirty": dirty,
        "silent": silent,
        "unexpected": unexpected,
        "ingest_seconds": ingest_seconds,
        "process_seconds": process_seconds,
        "peak_mb": memory.peak / 2**20,
        "searches": searches,
        "http": http,
    }


QUERIES = (
    "harbour",
    '"harbour district" OR council',
    "harb* AND NOT docks",
    'NEAR( "unclosed',
    "\x00 harbour",
    "\ud800",
    "AND OR NOT",
    "***",
)


def search_checks(pw: Any, unexpected: list[str]) -> dict[str, Any]:
    long_query = " ".join(["harbour", "council", "residents", "plan"] * (LONG_QUERY_WORDS // 4))
    worst, answers = 0.0, {}
    for query in (*QUERIES, long_query):
        started = time.perf_counter()
        found = attempt(unexpected, f"search {query[:40]!r}", lambda q=query: len(pw.search(q)))
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        answers[query[:40] + ("…" if len(query) > 40 else "")] = {"results": found, "seconds": round(seconds, 3)}
    return {"worst_seconds": worst, "answers": answers}


def hostile_requests() -> list[tuple[str, str, dict[str, Any] | None]]:
    huge = str(2**63)
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/api/search?" + urlencode({"q": "harbour", "until": "9999-12-31"}), None),
        ("GET", "/api/search?" + urlencode({"q": "harbour", "since": "0001-01-01", "until": "0001-01-02"}), None),
        ("GET", "/api/search?" + urlencode({"q": "harbour", "page": "10" + "0" * 30}), None),
        ("GET", "/api/search?" + urlencode({"q": "harbour", "page": huge, "size": "100"}), None),
        ("GET", "/api/search?" + urlencode({"q": "\ud800".encode("utf-8", "surrogatepass")}), None),
        ("GET", "/api/search?" + urlencode({"q": " ".join(["harbour"] * 3000)}), None),
        ("GET", "/api/search?" + urlencode({"since": "9999-12-31T23:59:59-14:00"}), None),
        ("GET", f"/api/articles/{huge}", None),
        ("GET", f"/api/articles/{huge}/provenance", None),
        ("GET", "/api/articles/-1", None),
        ("GET", f"/api/stories/{huge}", None),
        ("GET", f"/api/stories?limit={huge}", None),
        ("GET", "/api/digests/9999-W52", None),
        ("GET", "/api/digests/9999-W53", None),
        ("GET", "/api/digests/0001-W01", None),
        ("GET", "/api/digests/0001-01-01..9999-12-31", None),
        ("GET", f"/api/digests/2026-W10/v{huge}", None),
        ("POST", "/api/digests/9999-W52/draft", None),
        ("POST", "/api/digests/0001-W01/draft", None),
        ("PATCH", f"/api/digest-items/{huge}", {"included": False}),
        ("PUT", f"/api/digests/{huge}/order", {"items": [2**70, -1]}),
        ("DELETE", f"/api/saved-searches/{huge}", None),
        ("POST", "/api/saved-searches", {"name": "x", "query": "a", "filters": {"until": "9999-12-31"}}),
        ("GET", "/editor/9999-W52", None),
        ("GET", "/editor/0001-W01/preview", None),
        ("GET", f"/articles/{huge}", None),
        ("GET", f"/charts/story/{huge}.svg", None),
        ("GET", "/search?" + urlencode({"q": "harbour", "until": "9999-12-31", "page": huge}), None),
        ("GET", "/entities/%00", None),
    ]
    return requests


def api_checks(pw: Any, unexpected: list[str]) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from presswatch.web.app import create_app

    client = TestClient(create_app(pw, public=True), raise_server_exceptions=False, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    csrf = token.group(1) if token else ""
    client.post("/login", data={"name": "editor", "password": "editor-pass-1", "csrf_token": csrf})
    failures, statuses = [], Counter()
    for method, url, body in hostile_requests():
        try:
            response = client.request(method, url, json=body, headers={"x-csrf-token": csrf})
        except Exception as exc:  # noqa: BLE001 - the test client raising is a finding too
            unexpected.append(f"{method} {url[:80]}: the client raised {type(exc).__name__}: {exc}")
            continue
        statuses[response.status_code] += 1
        if response.status_code >= 500 and response.status_code != 503:
            failures.append(f"{method} {url[:100]} -> {response.status_code}")
    return {"requests": sum(statuses.values()), "statuses": dict(statuses), "server_errors": failures}


def child_costs(folder: Path, db: Path, budget: dict[str, Any]) -> None:
    """Each hostile file alone, one after another; one JSON line per file, flushed (a hang shows where)."""
    from presswatch import Presswatch

    pw = Presswatch(db=str(db), **budget)
    warm = folder.parent / "warm-up.html"
    warm.write_text(page("Warm-up"), encoding="utf-8")
    pw.ingest([str(warm)])
    memory = TreeMemory()
    # The control: a good page padded past presswatch's HEAVY_BYTES with a comment that costs nothing to
    # parse. A page that large is extracted in a fresh worker process, whose start-up is a cost per run,
    # not per item; its peak says what that start-up alone costs.
    control = folder.parent / "control-heavy.html"
    control.write_text(page("Control", head="<!--" + " padding" * 320_000 + " -->"), encoding="utf-8")
    for path in [control, *sorted(folder.iterdir())]:
        before = memory.reset()
        started = time.perf_counter()
        statuses: Counter[str] = Counter()
        count = statuses.update
        attempt([], path.name, lambda p=path, c=count: pw.ingest([str(p)], on_outcome=lambda o: c([o.status])))
        seconds = time.perf_counter() - started
        time.sleep(memory.every * 2)
        row = {"file": path.name, "seconds": seconds, "memory_mb": max(0, memory.peak - before) / 2**20}
        print(json.dumps({**row, "statuses": dict(statuses)}), flush=True)
    memory.stop()
    pw.close()


def child(argv: list[str]) -> int:
    quiet_libraries()
    mode, folder, db = argv[0], Path(argv[1]), Path(argv[2])
    budget = json.loads(argv[3]) if len(argv) > 3 else {}
    # The answers go to the real stdout; whatever a library prints goes to stderr instead.
    answers = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = io.TextIOWrapper(os.fdopen(answers, "wb"), encoding="utf-8", line_buffering=True)
    if mode == "--child-costs":
        child_costs(folder, db, budget)
        return 0
    if mode == "--child-clean":
        result = child_clean(folder, db, [str(p) for p in sorted(folder.iterdir())])
    else:
        result = child_mixed(folder, db, budget)
    print(json.dumps(result, default=str))
    return 0


# ---- parent -------------------------------------------------------------------------------------------------


def run_child(mode: str, folder: Path, db: Path, budget: dict[str, Any], timeout: int) -> tuple[list[str], str]:
    """The child's stdout lines, and how it ended ("" when it ended well)."""
    command = [sys.executable, str(Path(__file__).resolve()), mode, str(folder), str(db), json.dumps(budget)]
    with tempfile.TemporaryFile("w+") as out:
        try:
            done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, text=True, timeout=timeout)
            ending = "" if done.returncode == 0 else f"exit status {done.returncode}: " + _last(done.stderr)
        except subprocess.TimeoutExpired:
            ending = f"hang: killed after {timeout} s"
        out.seek(0)
        return [line for line in out.read().splitlines() if line.strip()], ending


def _last(stderr: str) -> str:
    return (stderr.strip().splitlines() or ["(no message)"])[-1]


def main() -> int:
    if len(sys.argv) > 3 and sys.argv[1].startswith("--child-"):
        return child(sys.argv[1:])
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--sparse-gb", type=float, default=1.0, help="size of the sparse WARC file (default 1)")
    args.add_argument("--item-seconds", type=float, default=10.0, help="the time budget per item (default 10)")
    args.add_argument("--item-memory-mb", type=int, default=512, help="the memory budget per item (default 512)")
    options = args.parse_args()
    data = require(options.data)
    quiet_libraries()
    budget = budgets(options.item_seconds, options.item_memory_mb)
    with tempfile.TemporaryDirectory(prefix="presswatch-hostile-") as temp:
        root = Path(temp)
        mixed, only_good, only_hostile = root / "mixed", root / "good", root / "hostile"
        for folder in (mixed, only_good, only_hostile):
            folder.mkdir()
        good, hostile = write_corpus(mixed, data, options.sparse_gb)
        for path in good:
            os.link(path, only_good / path.name)
        for path in hostile:
            os.link(path, only_hostile / path.name)
        clean_lines, clean_end = run_child("--child-clean", only_good, root / "clean.db", {}, MIXED_TIMEOUT)
        mixed_lines, mixed_end = run_child("--child-mixed", mixed, root / "mixed.db", budget, MIXED_TIMEOUT)
        cost_lines, costs_end = run_child("--child-costs", only_hostile, root / "costs.db", budget, COSTS_TIMEOUT)
    figures = judge(clean_lines, clean_end, mixed_lines, mixed_end, cost_lines, costs_end, budget, len(good), hostile)
    emit(figures, report(figures), options.json)
    return 1 if figures["failing"] else 0


def judge(
    clean_lines: list[str],
    clean_end: str,
    mixed_lines: list[str],
    mixed_end: str,
    cost_lines: list[str],
    costs_end: str,
    budget: dict[str, Any],
    good_files: int,
    hostile: list[Path],
) -> dict[str, Any]:
    clean = json.loads(clean_lines[-1]) if clean_lines and not clean_end else {"urls": [], "summary": None}
    mixed = json.loads(mixed_lines[-1]) if mixed_lines and not mixed_end else {}
    unexpected = list(mixed.get("unexpected", []))
    for name, ending in (("clean run", clean_end), ("mixed run", mixed_end), ("cost run", costs_end)):
        if ending:
            unexpected.append(f"{name}: {ending}")
    stored = set(mixed.get("urls", []))
    lost = sorted(set(clean["urls"]) - stored) if mixed else sorted(clean["urls"])
    planted_lost = sorted(set(PLANTED) - stored)
    dirty = mixed.get("dirty", [])
    costs = [json.loads(line) for line in cost_lines]
    control = costs.pop(0) if costs and costs[0]["file"] == "control-heavy.html" else None
    worker_start = (control["memory_mb"] or 0) * 2**20 if control else 0
    measured = {row["file"] for row in costs}
    if costs_end:
        hung = next((p.name for p in hostile if p.name not in measured), "?")
        costs.append({"file": hung, "seconds": float(COSTS_TIMEOUT), "memory_mb": None, "statuses": {"hang": 1}})
    worst_time = max(costs, key=lambda r: r["seconds"], default=None)
    worst_memory = max(costs, key=lambda r: r["memory_mb"] or 0, default=None)
    seconds_budget = budget.get("item_seconds")
    memory_budget = budget.get("item_memory_bytes") or (budget.get("item_memory_mb") or 0) * 2**20 or None
    server_errors = mixed.get("http", {}).get("server_errors", [])
    failing = []
    if unexpected:
        failing.append("unexpected errors")
    if server_errors:
        failing.append("HTTP 500s")
    if lost:
        failing.append("good records lost")
    if planted_lost:
        failing.append("planted good records lost")
    if dirty:
        failing.append("stored text not clean")
    if seconds_budget is not None and worst_time and worst_time["seconds"] > seconds_budget + TIME_GRACE:
        failing.append("time per item")
    if (
        memory_budget is not None
        and worst_memory
        and (worst_memory["memory_mb"] or 0) * 2**20 > (memory_budget + MEMORY_GRACE + worker_start)
    ):
        failing.append("memory per item")
    return {
        "budget": budget,
        "good_files": good_files,
        "hostile_files": [p.name for p in hostile],
        "clean": {"summary": clean.get("summary"), "articles": len(clean["urls"]), "seconds": clean.get("seconds")},
        "mixed": {k: v for k, v in mixed.items() if k != "urls"},
        "unexpected": unexpected,
        "server_errors": server_errors,
        "good_lost": lost,
        "planted": len(PLANTED),
        "planted_lost": planted_lost,
        "dirty": dirty,
        "silent": mixed.get("silent", []),
        "costs": costs,
        "worst_time": worst_time,
        "worst_memory": worst_memory,
        "worker_start_mb": worker_start / 2**20,
        "failing": failing,
    }


def report(f: dict[str, Any]) -> list[str]:
    budget = f["budget"]
    said = ", ".join(f"{k}={v}" for k, v in budget.items()) or "none in presswatch.config: costs reported only"
    mixed = f["mixed"]
    lines = [
        f"corpus: {f['good_files']} good files ({AEB_PAGES} AEB pages, {REAL_WARC}) and "
        f"{len(f['hostile_files'])} hostile files",
        f"budgets: {said}",
        f"clean run: {f['clean']['articles']} articles from the good files",
        f"mixed run: {mixed.get('summary')}; ingest {mixed.get('ingest_seconds', 0):.1f} s, process "
        f"{mixed.get('process_seconds', 0):.1f} s, peak {mixed.get('peak_mb', 0):.0f} MB (PSS, process tree)",
        f"searches: worst {mixed.get('searches', {}).get('worst_seconds', 0):.2f} s "
        f"(a {LONG_QUERY_WORDS:,}-word query among them)",
        f"HTTP requests: {mixed.get('http', {}).get('requests', 0)}, statuses {mixed.get('http', {}).get('statuses')}",
        "",
        f"unexpected errors: {len(f['unexpected'])} (goal 0)",
    ]
    lines += [f"  {u}" for u in f["unexpected"][:30]]
    lines.append(f"HTTP 500s: {len(f['server_errors'])} (goal 0)")
    lines += [f"  {s}" for s in f["server_errors"]]
    lines.append(f"good records lost: {len(f['good_lost'])} of {f['clean']['articles']} (goal 0)")
    lines += [f"  {u}" for u in f["good_lost"][:20]]
    lines.append(f"planted good records lost: {len(f['planted_lost'])} of {f['planted']} (goal 0)")
    lines += [f"  {u}" for u in f["planted_lost"]]
    lines.append(f"stored articles with NUL, control characters or lone surrogates: {len(f['dirty'])} (goal 0)")
    lines += [f"  {u}" for u in f["dirty"][:10]]
    lines.append(f"input files without any outcome (reported only): {len(f['silent'])} {f['silent']}")
    seconds = budget.get("item_seconds")
    goal = f"goal <= {seconds + TIME_GRACE:g} s" if seconds is not None else "no budget: reported only"
    worst = f["worst_time"]
    lines.append(f"worst time per item: {worst['seconds']:.1f} s ({worst['file']}) ({goal})" if worst else "no costs")
    memory = budget.get("item_memory_bytes") or (budget.get("item_memory_mb") or 0) * 2**20 or None
    start = f["worker_start_mb"]
    goal = (
        f"goal <= {(memory + MEMORY_GRACE) / 2**20 + start:.0f} MB: the budget, {MEMORY_GRACE / 2**20:.0f} MB "
        f"and a fresh worker's start-up, {start:.0f} MB, measured on a heavy control page"
        if memory
        else "no budget: reported only"
    )
    worst = f["worst_memory"]
    if worst:
        lines.append(f"peak memory per item: {worst['memory_mb'] or 0:.0f} MB ({worst['file']}) ({goal})")
    lines.append("per hostile file (alone): seconds, MB above the process tree before it, outcomes")
    lines += [f"  {r['file']:34} {r['seconds']:7.1f} {r['memory_mb'] or 0:7.0f}  {r['statuses']}" for r in f["costs"]]
    lines.append("named problems in the mixed run (first 40):")
    lines += [f"  {p[:200]}" for p in mixed.get("problems", [])[:40]]
    lines.append(f"gate: {'FAIL (' + ', '.join(f['failing']) + ')' if f['failing'] else 'PASS'}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
