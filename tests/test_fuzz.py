"""The fuzz suite: hostile input of every kind ends as a stored record or a named error, never anything else.

For every input kind presswatch reads (HTML, RSS/Atom, JSON Feed, sitemaps, WARC, JSONL), hypothesis draws a
hostile file (`tests/fuzz_strategies.py`), the test writes it with good records around it and a good page
after it, and ingests them in one run. The property:

* `ingest` raises nothing; every outcome is new/version/unchanged/queued/kept, or skipped/failed with a named
  reason, never the catch-alls ("unexpected error ... please report it", a dead extraction worker);
* the good page after the hostile file is stored (a bad file never stops the run);
* a good record in the same file is stored whenever the reference reader (json, feedparser, lxml, warcio)
  reads it: a bad record never drops the rest of its file.

Search and the HTTP API run in a child process over a pre-filled store, so that a query that takes minutes
fails its example after SEARCH_SECONDS instead of hanging the suite: a search answers, or raises a UsageError
(or a named timeout), within a few seconds; no request is answered with a 500.

The suite is bounded for CI (about 40 s on 2 cores when nothing fails); with CI=true it is derandomized, so
that CI runs the same examples every time, and a failure is reported as found, without shrinking (set
PRESSWATCH_FUZZ_SHRINK=1 to shrink it). PRESSWATCH_FUZZ_SCALE=10 runs ten times as many examples.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import logging
import os
import random
import re
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import feedparser
import pytest
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st
from lxml import etree
from warcio.archiveiterator import ArchiveIterator

from presswatch import Outcome, Presswatch
from presswatch.api import resolve_period, sample_dir
from presswatch.errors import UsageError

from . import fuzz_strategies as fs
from .conftest import ENGLISH, page

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CI = os.environ.get("CI") == "true"
SCALE = float(os.environ.get("PRESSWATCH_FUZZ_SCALE", "1"))
# "A few seconds": a search or a request that takes longer fails its example (its process is killed).
SEARCH_SECONDS = 5.0
HTTP_SECONDS = 10.0
# The catch-all messages of the pipeline (`ingest.pipeline._read`, `ingest.workers.guarded`, a dead worker):
# an outcome that ends with one of them is a crash that was caught, not a named error.
NAMELESS = re.compile(r"unexpected error|please report it|the extraction worker failed")
STATUSES = {"new", "version", "unchanged", "queued", "kept", "skipped", "failed"}
# What stored text must never hold (#17, text hygiene): NUL, C0 controls but tab and line breaks, lone surrogates.
DIRTY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


# Shrinking a failure to its smallest form can take minutes; CI reports the failing example as found (it is
# repeatable there: derandomized, and printed with its @reproduce_failure blob). PRESSWATCH_FUZZ_SHRINK=1 shrinks.
SHRINK = not CI or os.environ.get("PRESSWATCH_FUZZ_SHRINK") == "1"


def fuzz(examples: int, shrink: bool = True) -> settings:
    """Bounded runs: `examples` (times PRESSWATCH_FUZZ_SCALE), no per-example deadline, repeatable in CI."""
    phases = tuple(Phase) if shrink and SHRINK else (Phase.explicit, Phase.reuse, Phase.generate)
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        derandomize=CI,
        phases=phases,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
        **({"database": None} if CI else {}),
    )


@pytest.fixture(scope="module", autouse=True)
def quiet_logs() -> Iterator[None]:
    """Hostile pages make trafilatura and presswatch log a line each; thousands of them would bury a failure."""
    names = ("trafilatura", "htmldate", "courlan", "charset_normalizer", "presswatch")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


# ---- ingest ---------------------------------------------------------------------------------------------

_case_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def ingest_pw(fuzz_root: Path) -> Iterator[Presswatch]:
    """One store for every ingest example (a store per example would cost more than the example)."""
    app = Presswatch(db=str(fuzz_root / "ingest.db"), workers=1)
    app.init()
    yield app
    app.close()


class Case:
    """One example's folder and its good records: URLs and texts unique to it, so each must be stored anew."""

    def __init__(self, root: Path) -> None:
        self.number = next(_case_numbers)
        self.folder = root / f"case{self.number}"
        self.folder.mkdir()

    def url(self, what: str) -> str:
        return f"https://good.example/{what}/{self.number}"

    def text(self, what: str) -> str:
        return f"{ENGLISH}\nThe clerk filed {what} report number {self.number} before the council rose."

    def page(self, what: str = "page") -> bytes:
        title = f"Harbour council {what} {self.number}"
        return page(title, self.text(what), url=self.url(what), published="2026-03-01T10:00:00+00:00").encode()

    def content_html(self, what: str) -> str:
        return "".join(f"<p>{line}</p>" for line in self.text(what).split("\n"))

    def write(self, name: str, data: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(data)
        return path

    def good_page_file(self) -> Path:
        return self.write("zz-good.html", self.page())

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def ingest_checked(pw: Presswatch, paths: list[Path]) -> list[Outcome]:
    """Ingest in one run; every outcome must be a stored record with clean text, or a named error."""
    outcomes: list[Outcome] = []
    pw.ingest([str(p) for p in paths], on_outcome=outcomes.append)
    for outcome in outcomes:
        assert outcome.status in STATUSES, f"{outcome.label}: unknown status {outcome.status!r}"
        if outcome.status in ("failed", "skipped"):
            assert outcome.message, f"{outcome.label}: {outcome.status} without a reason"
            assert not NAMELESS.search(outcome.message), f"not a named error: {outcome.message}"
        if outcome.status in ("new", "version") and outcome.article_id is not None:
            stored = pw.article(str(outcome.article_id)) or {}
            for name in ("url", "title", "text", "author", "sitename"):
                value = stored.get(name)
                assert not (isinstance(value, str) and DIRTY.search(value)), f"stored {name} not clean: {value!r:.300}"
    return outcomes


def assert_stored(pw: Presswatch, url: str, what: str, outcomes: list[Outcome]) -> None:
    if pw.article(url) is None:
        said = [f"{o.label}: {o.status} {o.message}" for o in outcomes]
        raise AssertionError(f"{what} ({url}) was not stored; outcomes: {said}")


def run_case(pw: Presswatch, case: Case, hostile: Path) -> list[Outcome]:
    """The hostile file, then a good page, in one run; the good page must be stored."""
    outcomes = ingest_checked(pw, [hostile, case.good_page_file()])
    assert_stored(pw, case.url("page"), "the good page after the hostile file", outcomes)
    return outcomes


@fuzz(60)
@given(data=fs.html_pages(), packing=st.sampled_from(("plain", "plain", "gzip", "truncated-gzip")))
# Found by this suite: a time zone offset of 24 hours in any attribute reached htmldate, which raised ValueError.
@example(
    data=b'<html><head><meta property="article:published_time" content="2026-01-01T00:00:00+24:00">', packing="plain"
)
def test_html_pages_end_stored_or_named(ingest_pw: Presswatch, fuzz_root: Path, data: bytes, packing: str) -> None:
    case = Case(fuzz_root)
    try:
        if packing == "plain":
            hostile = case.write("hostile.html", data)
        else:
            packed = fs.gzip_bytes(data)
            hostile = case.write("hostile.html.gz", packed if packing == "gzip" else packed[: len(packed) // 2])
        run_case(ingest_pw, case, hostile)
    finally:
        case.remove()


def _feedparser_links(data: bytes) -> set[str]:
    """The entry links feedparser reads; none when feedparser itself trips on the document."""
    try:
        return {str(e.get("link")) for e in feedparser.parse(data).entries}
    except Exception:  # noqa: BLE001 - the reference reads what it reads; its own crash asks nothing of us
        return set()


@fuzz(50)
@given(feed=fs.xml_feeds())
# Found by this suite: a link urlsplit cannot read ("Invalid IPv6 URL") dropped the whole feed.
@example(feed=fs.XmlFeed(False, "utf-8", "utf-8", "F", [fs.Entry("IPv6", "https://[::1", "", "<p>x</p>", "g")]))
def test_rss_and_atom_feeds_end_stored_or_named(ingest_pw: Presswatch, fuzz_root: Path, feed: fs.XmlFeed) -> None:
    case = Case(fuzz_root)
    try:
        link = case.url("entry")
        good = fs.Entry(f"Good entry {case.number}", link, "2026-03-01T10:00:00Z", case.content_html("entry"), link)
        data = fs.xml_feed_file(feed, good)
        outcomes = run_case(ingest_pw, case, case.write("feed.atom" if feed.atom else "feed.rss", data))
        if link in _feedparser_links(data):
            assert_stored(ingest_pw, link, "the good entry feedparser reads after the hostile ones", outcomes)
    finally:
        case.remove()


@fuzz(60)
@given(feed=fs.json_feeds())
def test_json_feeds_end_stored_or_named(ingest_pw: Presswatch, fuzz_root: Path, feed: fs.JsonFeed) -> None:
    case = Case(fuzz_root)
    try:
        link = case.url("item")
        good = {
            "id": link,
            "url": link,
            "title": f"Good item {case.number}",
            "content_html": case.content_html("item"),
            "date_published": "2026-03-01T10:00:00Z",
        }
        outcomes = run_case(ingest_pw, case, case.write("feed.json", fs.json_feed_file(feed, good)))
        version = feed.top.get("version", "https://jsonfeed.org/version/1.1")
        if feed.items_wrong is None and "jsonfeed.org" in str(version):
            assert_stored(ingest_pw, link, "the good item after the hostile ones", outcomes)
    finally:
        case.remove()


def _lxml_reads(data: bytes) -> bool:
    try:
        etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return False
    return True


@fuzz(50)
@given(sitemap=fs.sitemaps())
def test_sitemaps_end_queued_or_named(ingest_pw: Presswatch, fuzz_root: Path, sitemap: fs.Sitemap) -> None:
    case = Case(fuzz_root)
    try:
        link = case.url("listed")
        data = fs.sitemap_file(sitemap, link)
        outcomes = run_case(ingest_pw, case, case.write("sitemap.xml", data))
        if _lxml_reads(data):
            queued = [o for o in outcomes if link in o.label and o.status == "queued"]
            said = [f"{o.label}: {o.status} {o.message}" for o in outcomes]
            assert queued, f"the good URL after the hostile entries was not queued; outcomes: {said}"
    finally:
        case.remove()


def _warcio_pages(data: bytes) -> list[str]:
    """The target URIs of the HTML response and resource records warcio reads (bodies read, as presswatch reads
    them) before it stops: the records presswatch must read too."""
    found = []
    try:
        for record in ArchiveIterator(io.BytesIO(data), arc2warc=True):
            record.content_stream().read()
            headers = record.http_headers or record.rec_headers
            if record.rec_type in ("response", "resource") and "html" in (headers.get_header("Content-Type") or ""):
                found.append(str(record.rec_headers.get_header("WARC-Target-URI")))
    except Exception:  # noqa: BLE001 - the reference stops where it stops; that is all we ask of it
        pass
    return found


@fuzz(60)
@given(
    records=st.lists(fs.warc_records(), min_size=1, max_size=3),
    gzipped=st.booleans(),
    damage=st.one_of(st.none(), st.none(), st.sampled_from(fs.RAW_WARC_DAMAGE)),
    at=st.integers(0, 1000),
)
def test_warc_files_end_stored_or_named(
    ingest_pw: Presswatch,
    fuzz_root: Path,
    records: list[fs.WarcRecord],
    gzipped: bool,
    damage: str | None,
    at: int,
) -> None:
    case = Case(fuzz_root)
    try:
        link = case.url("record")
        data = b"".join(fs.warc_record_bytes(r, gzipped) for r in records)
        if damage is not None:
            data = fs.damaged(data, damage, at)
        data += fs.good_warc_record(link, case.page("record"), gzipped)
        outcomes = run_case(ingest_pw, case, case.write("crawl.warc.gz" if gzipped else "crawl.warc", data))
        if link in _warcio_pages(data):
            assert_stored(ingest_pw, link, "the good record warcio reads after the hostile ones", outcomes)
    finally:
        case.remove()


@fuzz(80)
@given(lines=st.lists(fs.jsonl_lines(), min_size=1, max_size=4), packed=st.booleans())
def test_jsonl_lines_end_stored_or_named(
    ingest_pw: Presswatch, fuzz_root: Path, lines: list[bytes], packed: bool
) -> None:
    case = Case(fuzz_root)
    try:
        first, last = case.url("first"), case.url("last")
        good = [json.dumps({"url": u, "text": case.text(u), "title": "Good"}).encode() for u in (first, last)]
        data = b"\n".join([good[0], *lines, good[1]]) + b"\n"
        name = "records.jsonl.gz" if packed else "records.jsonl"
        outcomes = run_case(ingest_pw, case, case.write(name, fs.gzip_bytes(data) if packed else data))
        assert_stored(ingest_pw, first, "the good first line", outcomes)
        assert_stored(ingest_pw, last, "the good line after the hostile ones", outcomes)
    finally:
        case.remove()


# Inputs the fuzzers found (this suite, bench/fuzz.py), reduced: each must end named, its good record kept.
FOUND = {
    # etree.QName on a name libxml2 let through with an undeclared prefix: ValueError out of the sitemap reader
    "qname.xml": (
        b"<?l?><urlset m=''><url><loc></loc><news:news><news:publication_date></news:publication_date><news:title>"
        b"<urlset xmlns='9'><url><loc></loc></url></urlset></news:title></news:news></url><url><loc></loc></url>"
        b"</urlset>"
    ),
    # urlsplit's "Invalid IPv6 URL" out of the JSONL reader
    "ipv6.jsonl": b'{"url": "https://x]/", "text": "t"}\n',
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_inputs_the_fuzzers_found_end_named(ingest_pw: Presswatch, fuzz_root: Path, name: str) -> None:
    case = Case(fuzz_root)
    try:
        run_case(ingest_pw, case, case.write(name, FOUND[name]))
    finally:
        case.remove()


def test_a_record_before_a_sparse_tail_is_kept(ingest_pw: Presswatch, fuzz_root: Path) -> None:
    """A WARC file cut short by a sparse tail (2 MB of zeros after its one record, as `truncate` leaves it):
    the record before the tail is read, as warcio reads it (eval/hostile.py does the same at 1 GB)."""
    case = Case(fuzz_root)
    try:
        link = case.url("sparse")
        data = fs.good_warc_record(link, case.page("sparse"), gzipped=False)
        path = case.write("sparse.warc", data)
        os.truncate(path, len(data) + 2 * 2**20)
        assert _warcio_pages(path.read_bytes()) == [link]
        assert_stored(ingest_pw, link, "the record before the sparse tail", run_case(ingest_pw, case, path))
    finally:
        case.remove()


def test_a_page_that_declares_utf16_in_its_meta_tag_is_read_as_utf8(ingest_pw: Presswatch, fuzz_root: Path) -> None:
    """The HTML standard reads a meta charset of UTF-16 as UTF-8 (bytes with an ASCII <meta> cannot be UTF-16),
    as browsers do; decoding them as UTF-16 turns the page into CJK noise with no article in it."""
    case = Case(fuzz_root)
    try:
        page_bytes = case.page("utf16").replace(b'charset="utf-8"', b'charset="utf-16"')
        outcomes = run_case(ingest_pw, case, case.write("utf16.html", page_bytes))
        assert_stored(ingest_pw, case.url("utf16"), "the page declared UTF-16 and written in UTF-8", outcomes)
    finally:
        case.remove()


def test_process_and_readings_survive_extreme_dates(pw: Presswatch, tmp_path: Path) -> None:
    """Articles dated at the ends of the calendar, by every input kind: ingest names or keeps each, and
    `process`, the stories, emerging names and a digest over them still run."""
    lines, entries = [], []
    for number, when in enumerate(fs.EXTREME_DATES[:12], 1):
        url = f"https://dates.example/jsonl/{number}"
        text = f"{ENGLISH}\nDated record {number}."
        lines.append(json.dumps({"url": url, "text": text, "title": f"Dated {number}", "published": when}))
        entries.append(
            fs.Entry(
                f"Dated entry {number}", f"https://dates.example/rss/{number}", when, f"<p>{text}</p>", str(number)
            )
        )
    (tmp_path / "dated.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    feed = fs.XmlFeed(atom=False, declared="utf-8", encoding="utf-8", title="Dated feed", items=entries)
    (tmp_path / "dated.rss").write_bytes(fs.xml_feed_file(feed, None))
    warc = b"".join(
        fs.warc_record_bytes(
            fs.WarcRecord(
                "response",
                f"https://dates.example/warc/{n}",
                when,
                None,
                "text/html",
                "200 OK",
                [],
                page(f"Warc {n}", f"{ENGLISH}\nArchived record {n}.", published=when).encode(),
            ),
            gzipped=True,
        )
        for n, when in enumerate(fs.EXTREME_DATES[:12], 1)
    )
    (tmp_path / "dated.warc.gz").write_bytes(warc)
    ingest_checked(pw, [tmp_path])
    pw.load_watchlist(sample_dir() / "watchlist.toml")
    pw.process()
    pw.stories()
    pw.emerging_in_week()
    for week in ("0001-W01", "9999-W52", "2026-W10"):
        try:
            pw.emerging_in_week(week)
            pw.build_digest(resolve_period(week))
        except UsageError:
            pass  # a week presswatch cannot hold is a usage error, said as such


# ---- search and the HTTP API, in a child process ----------------------------------------------------------

# The child: opens the store, logs an editor in through the app, then answers one JSON request a line.
_CHILD = r"""
import json, logging, os, re, sys, time, traceback
out = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the answers
from fastapi.testclient import TestClient
from presswatch import Presswatch
from presswatch.api import ArticleFilter, date_range
from presswatch.errors import PresswatchError, UsageError
from presswatch.web.app import create_app

crashes = []
class Crashes(logging.Handler):
    def emit(self, record):
        if record.exc_info:
            crashes.append("".join(traceback.format_exception(*record.exc_info))[-4000:])
logging.getLogger("presswatch.web").addHandler(Crashes())

pw = Presswatch(db=sys.argv[1], workers=1)
client = TestClient(create_app(pw, public=True), raise_server_exceptions=False, follow_redirects=False)
token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text).group(1)
client.post("/login", data={"name": "editor", "password": "editor-pass-1", "csrf_token": token})

def error(exc):
    return {"error": type(exc).__name__, "module": type(exc).__module__, "usage": isinstance(exc, UsageError),
            "ours": isinstance(exc, PresswatchError), "code": getattr(exc, "code", None), "message": str(exc)[:500],
            "trace": traceback.format_exc()[-1500:]}

def search(request):
    try:
        since, until = date_range(request.get("since"), request.get("until"))
        where = ArticleFilter(since=since, until=until, sort=request.get("sort", "relevance"))
        return {"results": len(pw.search(request["q"], where))}
    except BaseException as exc:
        return error(exc)

def http(request):
    crashes.clear()
    headers = {"x-csrf-token": token}
    if request.get("content_type"):
        headers["content-type"] = request["content_type"]
    body = request["body"].encode("utf-8", "surrogatepass") if request.get("body") is not None else None
    try:
        response = client.request(request["method"], request["url"], content=body, headers=headers)
    except BaseException as exc:
        return error(exc)
    return {"status": response.status_code, "type": response.headers.get("content-type", ""),
            "body": response.text[:1000], "crash": crashes[-1] if crashes else None}

out.write('{"ready": true}\n'); out.flush()
for line in sys.stdin:
    request = json.loads(line)
    start = time.perf_counter()
    answer = search(request) if request["op"] == "search" else http(request)
    answer["seconds"] = time.perf_counter() - start
    out.write(json.dumps(answer) + "\n"); out.flush()
"""


class Probe:
    """A child process that searches and serves the app over one store; killed when an answer is late."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.log = db.with_suffix(".child.log")  # the child's stderr: why it died, when it does
        self.process: subprocess.Popen[str] | None = None

    def ask(self, request: dict[str, Any], seconds: float) -> dict[str, Any] | None:
        """The child's answer, or None when it took more than `seconds` (the child is killed)."""
        process = self._running()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], seconds)
        if not ready:
            self.close()
            return None
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            self.process = None
            raise AssertionError(f"the child died (exit code {code}) on {json.dumps(request)[:300]}\n{self._tail()}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _running(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            with open(self.log, "w") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-c", _CHILD, str(self.db)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                    encoding="utf-8",
                )
            assert self.process.stdout is not None
            ready, _, _ = select.select([self.process.stdout], [], [], 120)
            started = ready and self.process.stdout.readline().strip() == '{"ready": true}'
            assert started, f"the child did not start\n{self._tail()}"
        return self.process

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _search_corpus(count: int) -> str:
    """JSONL articles over three months, each its own text of generated words with the query strategy's words
    sprinkled in: queries match many articles, and `process` finds no copies to spend its time on."""
    vocabulary = ["".join(random.Random(n).choices("bcdfghklmnprstvz", k=2)) + f"a{n}o" for n in range(3_000)]
    lines = []
    for number in range(count):
        chance = random.Random(number)
        words = [chance.choice(fs.SEARCH_WORDS if chance.random() < 0.2 else vocabulary) for _ in range(150)]
        record = {
            "url": f"https://search.example/{number}",
            "title": f"Harbour council {number} " + ("<script>alert(1)</script>" if number == 0 else ""),
            "text": " ".join(words) + ".",
            "published": f"2026-{1 + number % 3:02d}-{1 + number % 27:02d}T10:00:00Z",
            "source": f"Outlet {number % 5}",
            "language": "en",
        }
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def probe(fuzz_root: Path) -> Iterator[Probe]:
    """A pre-filled store (articles, the sample watchlist, `process`, an editor, a draft) and its child."""
    db = fuzz_root / "search.db"
    corpus = fuzz_root / "search.jsonl"
    corpus.write_text(_search_corpus(150), encoding="utf-8")
    app = Presswatch(db=str(db), workers=1)
    try:
        assert app.ingest([str(corpus)]).failed == 0
        app.load_watchlist(sample_dir() / "watchlist.toml")
        app.process()
        app.add_user("editor", "editor-pass-1", "editor")
        app.open_draft(resolve_period("2026-W05"))
    finally:
        app.close()
    found = Probe(db)
    yield found
    found.close()


def check_search(probe: Probe, request: dict[str, Any]) -> None:
    answer = probe.ask({"op": "search", **request}, SEARCH_SECONDS)
    assert answer is not None, f"the search took more than {SEARCH_SECONDS} s (query of {len(request['q'])} chars)"
    if "error" in answer:
        named_timeout = re.search(r"time|slow|busy", f"{answer['error']} {answer['code']}", re.I)
        assert answer["usage"] or (answer["ours"] and named_timeout), (
            f"search raised {answer['module']}.{answer['error']}: {answer['message']}\n{answer['trace']}"
        )


@fuzz(150, shrink=False)  # a slow search costs SEARCH_SECONDS an attempt: report the first one as it is
@given(
    q=fs.queries(),
    since=st.one_of(st.none(), fs.dates()),
    until=st.one_of(st.none(), fs.dates()),
    sort=st.sampled_from(("relevance", "date")),
)
@example(q="harbour \ud800", since=None, until=None, sort="relevance")  # found here: SQLite got the surrogate
def test_search_answers_or_says_why_within_seconds(
    probe: Probe, q: str, since: str | None, until: str | None, sort: str
) -> None:
    check_search(probe, {"q": q, "since": since, "until": until, "sort": sort})


def _words_up_to(chars: int) -> str:
    """Query-strategy words, as many as fit in `chars` characters: they match many articles of the store."""
    words = itertools.cycle(fs.SEARCH_WORDS)
    q = next(words)
    while len(q) + 1 + len(fs.SEARCH_WORDS[0]) < chars:
        q += " " + next(words)
    return q


# httpx refuses to send a URL past 64 KB (and servers refuse such request lines before the app sees them).
URL_LIMIT = 65_000


@pytest.mark.parametrize("chars", ["cap", 8_000, 30_000, 200_000])
def test_long_queries_answer_or_say_why_within_seconds(probe: Probe, chars: int | str) -> None:
    """The issue's 4,000- and 30,000-word queries, and one just under the length cap (if there is one): each
    answers or is refused with a UsageError within seconds, through the API and through the web."""
    cap = getattr(Presswatch(db=str(probe.db)).settings, "max_query_chars", 8_000)
    q = _words_up_to(cap if chars == "cap" else int(chars))
    check_search(probe, {"q": q})
    url = "/api/search?" + urlencode({"q": q})
    if len(url) < URL_LIMIT:
        answer = probe.ask({"op": "http", "method": "GET", "url": url}, SEARCH_SECONDS)
        assert answer is not None, f"/api/search with {len(q)} characters took more than {SEARCH_SECONDS} s"
        assert answer.get("status") in (200, 400, 503), answer


def _segment(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _query(params: dict[str, str]) -> str:
    return urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in params.items()})


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """A request to a route of the API or the pages, with hostile ids, dates, weeks, pages and bodies."""

    def seg(strategy: st.SearchStrategy[str]) -> str:
        return _segment(draw(strategy))

    text = st.one_of(fs.junk_text(20), st.sampled_from(("", "svi", "tolou", "en", "Outlet 1")))
    route = draw(st.integers(0, 19))
    method, body, content_type = "GET", None, None
    if route == 0:
        params = {
            "q": draw(st.one_of(st.sampled_from(fs.SEARCH_WORDS), fs.junk_text(30))),
            "since": draw(fs.dates()),
            "until": draw(fs.dates()),
            "page": draw(fs.ids()),
            "size": draw(fs.ids()),
            "sort": draw(st.sampled_from(("relevance", "date", "", "rank", "\x00"))),
            "language": draw(text),
            "source": draw(text),
            "entity": draw(text),
            "topic": draw(text),
        }
        keep = draw(st.lists(st.sampled_from(sorted(params)), unique=True))
        path = draw(st.sampled_from(("/api/search", "/search"))) + "?" + _query({k: params[k] for k in keep})
    elif route == 1:
        path = f"/api/articles/{seg(fs.ids())}" + draw(st.sampled_from(("", "/provenance")))
    elif route == 2:
        path = f"/api/stories?{_query({'limit': draw(fs.ids())})}"
    elif route == 3:
        path = draw(st.sampled_from(("/api/stories/", "/stories/", "/charts/story/"))) + seg(fs.ids())
        path += ".svg" if path.startswith("/charts") else ""
    elif route == 4:
        path = draw(st.sampled_from(("/api/entities/", "/entities/", "/charts/entity/"))) + seg(text)
        path += ".svg" if path.startswith("/charts") else ""
    elif route == 5:
        path = f"/api/digests/{seg(fs.weeks())}?{_query({'topic': draw(text)})}"
    elif route == 6:
        path = f"/api/digests/{seg(fs.weeks())}/v{seg(fs.ids())}"
    elif route in (7, 8):
        method = "POST"
        path = f"/api/digests/{seg(fs.weeks())}/" + ("draft" if route == 7 else "publish")
    elif route == 9:
        method, content_type = "PATCH", "application/json"
        path = f"/api/digest-items/{seg(fs.ids())}"
        body = json.dumps({"included": draw(fs.json_values()), "title": draw(fs.json_values())})
    elif route == 10:
        method, content_type = "PUT", "application/json"
        path = f"/api/digests/{seg(fs.ids())}/order"
        body = json.dumps(
            {"items": draw(st.one_of(st.lists(st.integers(-(2**70), 2**70), max_size=4), fs.json_values()))}
        )
    elif route == 11:
        method, content_type = "POST", "application/json"
        path = "/api/saved-searches"
        filters = draw(st.dictionaries(st.sampled_from(("since", "until", "sort", "language", "bogus")), fs.dates()))
        body = json.dumps({"name": draw(fs.junk_text(30)), "query": draw(fs.queries()), "filters": filters})
    elif route == 12:
        method, path = "DELETE", f"/api/saved-searches/{seg(fs.ids())}"
    elif route == 13:
        path = draw(st.sampled_from(("/editor/", "/digests/"))) + seg(fs.weeks())
        path += draw(st.sampled_from(("", "/preview"))) if path.startswith("/editor/") else f"/v{seg(fs.ids())}"
    elif route == 14:
        method, content_type, path = "POST", "application/x-www-form-urlencoded", "/editor/open"
        body = _query({"week": draw(fs.weeks()), "topic": draw(text)})
    elif route == 15:
        path = f"/articles/{seg(fs.ids())}"
    elif route == 16:
        method, content_type = "POST", "application/x-www-form-urlencoded"
        path = draw(st.sampled_from(("/editor/items/", "/editor/digests/"))) + seg(fs.ids())
        path += "/include" if path.startswith("/editor/items/") else draw(st.sampled_from(("/move", "/order")))
        body = _query({"included": draw(text), "step": draw(fs.ids()), "items": draw(fs.ids())})
    elif route == 17:
        method, path = "POST", f"/editor/{seg(fs.weeks())}/" + draw(st.sampled_from(("publish", "rebuild")))
    elif route == 18:
        path = draw(st.sampled_from(("/api/entities", "/api/sources", "/api/copies", "/stories", "/copies")))
    else:
        path = "/api/" + seg(fs.junk_text(20))
    return {"op": "http", "method": method, "url": path, "body": body, "content_type": content_type}


@fuzz(150)
@given(request=requests())
# Found here: the coverage chart of a story of one article (every story of this store) failed in Vega.
@example(request={"op": "http", "method": "GET", "url": "/charts/story/1.svg", "body": None, "content_type": None})
def test_no_request_is_answered_with_a_500(probe: Probe, request: dict[str, Any]) -> None:
    answer = probe.ask(request, HTTP_SECONDS)
    assert answer is not None, f"{request['method']} {request['url'][:200]} took more than {HTTP_SECONDS} s"
    note(f"answer: {answer}")
    assert "error" not in answer, f"the test client raised {answer['error']}: {answer['message']}\n{answer['trace']}"
    assert answer["status"] != 500, f"{request['method']} {request['url'][:300]} → 500\n{answer['crash']}"
    if request["url"].startswith("/api/") and answer["status"] >= 400:
        body = json.loads(answer["body"])
        assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], answer["body"]


def test_the_reference_readers_see_a_clean_files_good_record(fuzz_root: Path) -> None:
    """The conditions above are not vacuous: each reference reads the good record of a clean file."""
    case = Case(fuzz_root)
    link = case.url("x")
    entry = fs.Entry("Good", link, "2026-03-01T10:00:00Z", case.content_html("x"), link)
    assert link in _feedparser_links(fs.xml_feed_file(fs.XmlFeed(True, "utf-8", "utf-8", "F"), entry))
    assert link in _feedparser_links(fs.xml_feed_file(fs.XmlFeed(False, "utf-8", "utf-8", "F"), entry))
    assert _lxml_reads(fs.sitemap_file(fs.Sitemap(False, "utf-8", [], True), link))
    for gzipped in (False, True):
        assert _warcio_pages(fs.good_warc_record(link, case.page(), gzipped)) == [link]
    assert gzip.decompress(fs.gzip_bytes(b"page")) == b"page"
