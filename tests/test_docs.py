"""Every command example in the README runs here, in README order, in a folder laid out like a user's.

The README's fenced shell blocks are parsed; `EXAMPLES` says how each presswatch example runs and what its
output must show, and the first test fails when the README and the table disagree, so no example goes
untested. Examples that name hosts on the internet run against the local test server (tests/httpserver.py):
only the URL's origin (scheme://host) becomes the server's, paths and options stay as written, and
`--allow-private` is added because the server is on 127.0.0.1.
"""

from __future__ import annotations

import csv
import email
import email.policy
import html
import io
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.api import ARTICLE_FIELDS
from presswatch.cli import app
from presswatch.digest import period_of

from .conftest import PROJECT, page
from .httpserver import Reply, Request, TestServer, rss

README = PROJECT / "README.md"
SAMPLE = PROJECT / "src" / "presswatch" / "sample"
BINARIES = (".venv/bin/presswatch", "presswatch")
SHELL_FENCES = ("", "sh", "bash", "shell", "console")
WAIT = 90.0  # seconds a subprocess may take to get going: a ceiling for a loaded CI machine, not the usual time


# ---- the README's examples ------------------------------------------------------------------


def readme_commands() -> tuple[list[str], list[str], list[str]]:
    """The presswatch examples (arguments after the program, comment stripped), the make commands, and any
    other command line of the README's shell blocks, each in README order."""
    examples: list[str] = []
    makes: list[str] = []
    others: list[str] = []
    fence: str | None = None
    for line in README.read_text("utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = stripped[3:].strip() if fence is None else None
            continue
        if fence not in SHELL_FENCES:
            continue
        words = shlex.split(stripped.removeprefix("$ "), comments=True)
        if not words:
            continue
        if words[0] in BINARIES:
            examples.append(shlex.join(words[1:]))
        elif words[0] == "make":
            makes.append(shlex.join(words))
        else:
            others.append(stripped)
    return examples, makes, others


# ---- the user's folder and the outlets on the local server ------------------------------------

OFFLINE_PAGES = (  # sorted by path, as `ingest pages/` reads them: articles 1 to 11
    "ayenehsharq/families-outside-tolou-camp.html",
    "balkanwire/albanian-police-search-iranian-exile-camp-near-durres.html",
    "gazetaliqeni/kryetari-kellici-kampi-i-spk-se-ka-zene-tokat-e-fermereve.html",
    "gazetaliqeni/organizata-iraniane-spk-padit-gazetarin-erjon-cela.html",
    "harbourledger/albanian-police-search-iranian-exile-camp-near-durres.html",
    "harbourledger/eu-lawmakers-question-who-funds-iranian-exile-groups.html",
    "kronikabregut/kryetari-kellici-kampi-ka-zene-tokat.html",
    "polnews/eu-lawmakers-funding-iranian-exile-groups-translation.html",
    "rozaneh/families-outside-tolou-camp.html",
    "vanguardwatch/camp-tolou-search-questions-nobody-in-tirana-wants-to-answer.html",
    "vanguardwatch/families-wait-outside-camp-tolou.html",
)
# The WARC's first record comes next, as article 12: Adriatic Review's republication of the Harbour Ledger's
# police-search story (pages/harbourledger/albanian-police-search-...), so `provenance 12` has a story to tell.
ARTICLE_12 = "https://www.adriaticreview.example/politics/partner-harbour-ledger-police-search-camp-near-durres"
ARTICLE_12_ORIGIN = (
    "https://www.harbourledger.example/world/2026/10/01/albanian-police-search-iranian-exile-camp-near-durres"
)

CLOSURE_EN = (
    "The Albanian government said on Friday that it had no plan for a camp closure at Camp Tolou, the base of "
    "the Sunrise Vanguard of Iran near Durrës, after reports that the interior ministry was studying the move.\n"
    "A ministry spokesman said the residents of the camp were protected by the agreement signed when they "
    "arrived, and that any change would be debated in parliament first.\n"
    "Critics of the Sunrise Vanguard said the statement left open what would happen to members who want to "
    "leave the camp, and asked the ministry to publish the agreement in full so that families could read it."
)
CLOSURE_SQ = (
    "Qeveria shqiptare tha të premten se nuk ka asnjë plan për mbylljen e kampit Tolu pranë Durrësit, ku "
    "jetojnë rreth 2.400 anëtarë të Pishtarëve të Diellit, pas raportimeve se Ministria e Brendshme po e "
    "studionte këtë hap.\n"
    "Një zëdhënës i ministrisë tha se banorët e kampit mbrohen nga marrëveshja e nënshkruar kur ata mbërritën, "
    "dhe se çdo ndryshim do të diskutohet fillimisht në parlament.\n"
    "Kritikët e organizatës thanë se deklarata nuk sqaron çfarë do të ndodhë me anëtarët që duan të largohen "
    "nga kampi, dhe i kërkuan ministrisë të publikojë marrëveshjen e plotë që familjet ta lexojnë."
)
RECORDS = (  # week 2026-W42; the third is a wire copy of the first
    {
        "url": "https://balkanwire.example/news/government-denies-camp-tolou-closure-plan-40402",
        "title": "Government denies camp closure plan for Camp Tolou",
        "text": CLOSURE_EN,
        "published": "2026-10-16T09:00:00+00:00",
        "author": "Mira Hoxha",
        "source": "Balkan Wire",
        "language": "en",
        "fetched": "2026-10-16T09:20:00+00:00",
    },
    {
        "url": "https://oradurresit.example/qeveria-mohon-planin-per-mbylljen-e-kampit-tolu/",
        "title": "Qeveria mohon planin për mbylljen e kampit Tolu",
        "text": CLOSURE_SQ,
        "published": "2026-10-16T11:30:00+00:00",
        "author": "Arben Dervishi",
        "source": "Ora e Durrësit",
        "fetched": "2026-10-16T12:00:00+00:00",
    },
    {
        "url": "https://www.adriaticreview.example/politics/partner-balkan-wire-government-denies-camp-closure-plan",
        "title": "Government denies camp closure plan for Camp Tolou",
        "text": CLOSURE_EN,
        "published": "2026-10-17T07:45:00+00:00",
        "source": "Adriatic Review",
    },
)

# The bundled feed's three teasers (entries without full text) are queued by `ingest` and fetched by
# `fetch`, so the feed's origin becomes the local server's (as `localhost`, so that the feed's outlet is not
# the domain of the live examples' outlets, 127.0.0.1), which serves these pages for them.
TEASERS = {
    "/2026/10/25/former-camp-tolou-residents-form-association": (
        "Former residents of Camp Tolou form an association in Tirana",
        "Eleven people who have left the camp near Durrës registered an association in Tirana on Saturday to help "
        "others who want to leave, with legal advice, housing and help in finding work.\n"
        "Its chair, a former member who spent nine years inside the camp, said families in Iran write to the "
        "association every week asking for news of relatives they have not heard from in years.",
    ),
    "/2026/10/24/eu-committee-sets-november-vote-exile-group-funding": (
        "EU committee sets November vote on exile-group funding rules",
        "The European Parliament's foreign affairs committee will vote on 12 November on transparency rules for "
        "foreign-funded political groups, after a hearing that heard how exile organisations raise money.\n"
        "The draft would oblige groups that lobby the Parliament to name every donor giving more than ten "
        "thousand euros a year, and to publish their accounts in the transparency register.",
    ),
    "/2026/10/23/calmer-seas-forecast-after-storm-ilona": (
        "Calmer seas forecast after Storm Ilona",
        "Forecasters expect calmer seas along the Adriatic coast from Saturday, after Storm Ilona flooded coastal "
        "towns and cancelled ferries between Durrës and Bari for three days.\n"
        "Port officials said the first ferries would sail on Saturday night, and that passengers holding tickets "
        "for cancelled crossings could travel on any sailing until the end of the month.",
    ),
}
FEED_ORIGIN = "https://www.northgateobserver.example"


class LocalWeb:
    """The test server as the outlets the live examples name: a homepage naming its feed, a news sitemap,
    a feed listed in the OPML file, and the pages they list (sample pages, their origin made local)."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.mail: list[tuple[list[str], bytes]] = []  # (recipients, message) the local SMTP server received
        self.harbour_items = [
            self.sample_page("harbourledger/storm-ilona-floods-coastal-towns-adriatic-ferries-cancelled.html")
        ]
        # Published after `fetch` and before `watch`, so that `watch` has something new to store.
        self.later = self.sample_page("harbourledger/former-member-says-he-was-held-for-months-inside-camp-tolou.html")
        server.add(
            "/",
            "<!doctype html><html><head><title>Harbour Ledger</title>"
            '<link rel="alternate" type="application/rss+xml" title="Harbour Ledger" href="/world/rss.xml">'
            "</head><body><h1>Harbour Ledger</h1></body></html>",
        )
        server.route("/world/rss.xml", self._harbour_feed)
        drita = [
            self.sample_page("gazetaliqeni/ish-anetari-me-mbajten-me-muaj-te-mbyllur-ne-kampin-tolu.html"),
            self.sample_page("oradurresit/zjarr-ne-nje-magazine-te-kampit-tolu.html"),
        ]
        server.add("/news-sitemap.xml", news_sitemap(drita), "application/xml")
        kronika = [
            self.sample_page("kronikabregut/lejet-e-qendrimit-per-banoret-e-kampit-tolu.html"),
            self.sample_page("kronikabregut/mitingu-i-pishtareve-te-diellit-ne-paris.html"),
        ]
        server.add(
            "/lajme/rss.xml",
            rss([(url, slug_title(url)) for url in kronika], "Kronika e Bregut"),
            "application/rss+xml",
        )
        self.feed_origin = server.base.replace("127.0.0.1", "localhost")
        for path, (title, body) in TEASERS.items():
            server.add(path, page(title, body, url=self.feed_origin + path, site="Northgate Observer"))
        self.fetched_pages = self.harbour_items + drita + kronika + [self.feed_origin + path for path in TEASERS]

    def sample_page(self, name: str) -> str:
        """Serve a sample page at its canonical path, its own origin replaced by the server's; its URL."""
        html = (SAMPLE / "pages" / name).read_text("utf-8")
        found = re.search(r'<link rel="canonical" href="([^"]+)"', html)
        assert found, name
        parts = urlsplit(found.group(1))
        self.server.add(parts.path, html.replace(f"{parts.scheme}://{parts.netloc}", self.server.base))
        return self.server.url(parts.path)

    def _harbour_feed(self, request: Request) -> Reply:
        items = [(url, slug_title(url)) for url in self.harbour_items]
        return Reply(200, {"Content-Type": "application/rss+xml"}, rss(items, "Harbour Ledger"))

    def publish_later(self) -> None:
        self.harbour_items.insert(0, self.later)

    def localise(self, args: list[str]) -> list[str]:
        """Each internet URL's origin replaced by the local server's (path kept), and --allow-private added."""
        server = urlsplit(self.server.base)
        local = [
            urlunsplit(urlsplit(arg)._replace(scheme=server.scheme, netloc=server.netloc)) if "://" in arg else arg
            for arg in args
        ]
        return [*local, "--allow-private"]


def slug_title(url: str) -> str:
    """A title for a feed or sitemap entry: the URL's last path segment, in words."""
    return url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html").replace("-", " ")


def news_sitemap(urls: list[str]) -> str:
    """A Google News sitemap of the URLs."""
    entries = "".join(
        f"<url><loc>{url}</loc><news:news><news:publication><news:name>Drita</news:name>"
        f"<news:language>sq</news:language></news:publication>"
        f"<news:publication_date>2026-10-1{n}T08:00:00+00:00</news:publication_date>"
        f"<news:title>{slug_title(url)}</news:title></news:news></url>"
        for n, url in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>'
    )


def readme_newsletter() -> str:
    """The README's presswatch.toml for the digest: its ```toml block that sets digest_name."""
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text("utf-8"), re.DOTALL)
    return next(block for block in blocks if "digest_name" in block)


def prepare_folder(folder: Path, web: LocalWeb) -> None:
    """What a user would have in the folder the README's examples run in."""
    (folder / "presswatch.toml").write_text(readme_newsletter(), "utf-8")  # names the digest
    for name in OFFLINE_PAGES:
        target = folder / "pages" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((SAMPLE / "pages" / name).read_bytes())
    (folder / "crawl.warc.gz").write_bytes((SAMPLE / "warc" / "presswatch-sample.warc.gz").read_bytes())
    feed = (SAMPLE / "feeds" / "northgateobserver.xml").read_text("utf-8")
    assert all(FEED_ORIGIN + path in feed for path in TEASERS)
    (folder / "feed.xml").write_text(feed.replace(FEED_ORIGIN, web.feed_origin), "utf-8")
    (folder / "records.jsonl").write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in RECORDS), "utf-8"
    )
    (folder / "my-watchlist.toml").write_bytes((SAMPLE / "watchlist.toml").read_bytes())
    # One feed already watched (added by `sources add`), one new.
    (folder / "subscriptions.opml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>Miniflux</title></head><body>'
        '<outline text="Albania">'
        f'<outline type="rss" text="Harbour Ledger" xmlUrl="{web.server.url("/world/rss.xml")}"'
        f' htmlUrl="{web.server.url("/")}"/>'
        f'<outline type="rss" text="Kronika" xmlUrl="{web.server.url("/lajme/rss.xml")}"'
        f' htmlUrl="{web.server.url("/lajme/")}" language="sq"/>'
        "</outline></body></opml>\n",
        "utf-8",
    )


# ---- how an example runs ----------------------------------------------------------------------


@dataclass
class Ran:
    """An example that ran: its output (stdout and stderr), the folder it ran in and the local outlets."""

    example: str
    output: str
    folder: Path
    web: LocalWeb

    @property
    def text(self) -> str:
        """The output with its line wrapping undone (rich wraps at the terminal's width)."""
        return " ".join(self.output.split())

    def shows(self, *parts: str) -> None:
        for part in parts:
            assert part in self.text, f"`{self.example}` does not show {part!r}:\n{self.output}"


def run_in_process(args: list[str], way: Way, folder: Path, web: LocalWeb) -> str:
    # An exception that is not an exit code (a bug) propagates with its traceback.
    result = CliRunner().invoke(app, args, input=way.input, catch_exceptions=False)
    assert result.exit_code == 0, f"`presswatch {shlex.join(args)}` exited {result.exit_code}:\n{result.output}"
    return result.output


def presswatch_process(args: list[str], folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "presswatch", *args],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_until_ctrl_c(args: list[str], way: Way, folder: Path, web: LocalWeb) -> str:
    """`watch`: a new article appears on a watched feed; once watch has stored it, Ctrl-C."""
    web.publish_later()
    process = presswatch_process(args, folder)
    lines: list[str] = []
    stored = threading.Event()

    def read(stream: Iterator[str]) -> None:
        for line in stream:
            lines.append(line)
            if re.search(r"\b[1-9]\d* new articles", line):
                stored.set()

    assert process.stderr and process.stdout
    reader = threading.Thread(target=read, args=(process.stderr,), daemon=True)
    reader.start()
    try:
        assert stored.wait(WAIT), f"`presswatch {shlex.join(args)}` stored nothing in {WAIT:.0f} s:\n{''.join(lines)}"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=WAIT)
        finally:
            process.kill()  # only if Ctrl-C did not stop it; a no-op once it has ended
        reader.join(timeout=WAIT)
    output = process.stdout.read() + "".join(lines)
    expected = documented_ctrl_c_exit("watch")
    assert process.returncode == expected, (
        f"Ctrl-C ended `watch` with exit {process.returncode}, not {expected}:\n{output}"
    )
    return output


def documented_ctrl_c_exit(command: str) -> int:
    """The exit code the README's section on `presswatch COMMAND` gives for Ctrl-C."""
    section = README.read_text("utf-8").split(f"### `presswatch {command}`", 1)[1].split("\n#", 1)[0]
    found = re.search(r"Ctrl-C stops it[^.]*\bexit (\d+)", section)
    assert found, f"the README's `presswatch {command}` section does not say how Ctrl-C ends it"
    return int(found.group(1))


def run_server(args: list[str], way: Way, folder: Path, web: LocalWeb) -> str:
    """`serve`, on a free port instead of 8000: wait until it answers GET /, then stop it as its user
    would, with Ctrl-C (uvicorn's "Press CTRL+C to quit")."""
    port = free_port()
    process = presswatch_process([*args, "--port", str(port)], folder)
    try:
        answer = wait_for_http(f"http://127.0.0.1:{port}/", process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=WAIT)
        finally:
            process.kill()  # only if Ctrl-C did not stop it; a no-op once it has ended
    assert process.returncode == 0, f"Ctrl-C ended `serve` with exit {process.returncode}:\n{stdout}{stderr}"
    return answer + "\n" + stdout + stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen[str]) -> str:
    """The page at `url` (redirects followed) once the server answers; fails if the process ends first."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"`serve` ended with exit {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server on 127.0.0.1
                return str(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"`serve` answered {url} with {exc.code}: {exc.read()[:500]!r}") from None
        except OSError:  # not listening yet
            time.sleep(0.2)
    raise AssertionError(f"`serve` did not answer {url} within {WAIT:.0f} s")


# ---- what each example must show ----------------------------------------------------------------


def made_the_store(ran: Ran) -> None:
    ran.shows("presswatch.db")
    assert (ran.folder / "presswatch.db").is_file()


def ingested_everything(ran: Ran) -> None:
    # 11 pages, 10 WARC articles and a changed page, 8 full feed entries, 3 records; 3 teasers queued.
    ran.shows("33 ok (32 new, 1 new versions), 0 skipped, 0 failed, 3 queued")


def loaded_the_watchlist(ran: Ran) -> None:
    ran.shows("watchlist loaded: 1 topics, 7 entities")


def ran_every_stage(ran: Ran) -> None:
    ran.shows("stage reuse: 32 articles", "stage entities: 32 articles", "stage stories: 32 articles")


def counted_languages(ran: Ran) -> None:
    ran.shows("32 articles", "language", "│ en ", "│ sq ", "│ fa ", "The Harbour Ledger", "Adriatic Review")


def found_the_phrase(ran: Ran) -> None:
    ran.shows("[camp closure]", "[police search]", "Balkan Wire", "Adriatic Review", "1 copy in 1 outlet")


def exported_the_search(ran: Ran) -> None:
    """A CSV that a spreadsheet reads as UTF-8 (a byte order mark first) with every match, in three languages."""
    data = (ran.folder / "tolou.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(ARTICLE_FIELDS)
    ran.shows(f"exported {len(rows)} matching articles to tolou.csv")
    assert {row["language"] for row in rows} >= {"en", "sq", "fa"}


def named_the_first_publisher(ran: Ran) -> None:
    ran.shows("Adriatic Review", "first published: #", "The Harbour Ledger", "copied from (duplicate")


def showed_the_copy_network(ran: Ran) -> None:
    ran.shows("copier", "Adriatic Review", "The Harbour Ledger", "Kronika e Bregut", "Gazeta Liqeni")


def wrote_the_digest(ran: Ran) -> None:
    html = non_empty(ran.folder / "digest.html")
    assert html.lstrip().lower().startswith("<!doctype html"), html[:200]
    assert "2026-W42" in html and "Government denies camp closure plan" in html


def wrote_the_links(ran: Ran) -> None:
    rows = non_empty(ran.folder / "links.csv").splitlines()
    assert rows[0].startswith("origin_url,copy_url,origin_id,copy_id,kind,")
    assert any(row.startswith(f"{ARTICLE_12_ORIGIN},{ARTICLE_12},") for row in rows[1:]), rows


def found_the_feed(ran: Ran) -> None:
    ran.shows(f"added Harbour Ledger: feed {ran.web.server.url('/world/rss.xml')}")


def added_the_sitemap(ran: Ran) -> None:
    ran.shows(f"sitemap {ran.web.server.url('/news-sitemap.xml')}")


def imported_the_opml(ran: Ran) -> None:
    ran.shows("1 sources added, 1 already watched")


def fetched_the_articles(ran: Ran) -> None:
    pages = len(ran.web.fetched_pages)
    ran.shows("3 sources polled (0 failed)", f"{pages} pages fetched (0 failed, 0 skipped), {pages} new articles")
    asked = {request.path for request in ran.web.server.requests}
    assert {urlsplit(url).path for url in ran.web.fetched_pages} <= asked


def listed_healthy_sources(ran: Ran) -> None:
    ran.shows("Harbour Ledger", "Kronika", "Northgate Observer", "feed", "sitemap")
    assert re.findall(r"\bok\b", ran.output) and "failing" not in ran.output, ran.output


def stored_the_new_article(ran: Ran) -> None:
    ran.shows("stopped;")
    assert "Traceback" not in ran.output, ran.output
    pw = Presswatch(db=str(ran.folder / "presswatch.db"))
    try:
        assert pw.article(ran.web.later) is not None, f"{ran.web.later} was not stored:\n{ran.output}"
    finally:
        pw.close()


def listed_the_largest_stories(ran: Ran) -> None:
    ran.shows("Government denies camp closure plan for Camp Tolou", "Albanian police search Iranian exile camp")


def split_the_story(ran: Ran) -> None:
    ran.shows("split 3 articles off story 5: story 13, 3 articles", "Camp Tolou closure plan denied")


def moved_the_article(ran: Ran) -> None:
    ran.shows("moved article 27: story 4")


def merged_the_stories(ran: Ran) -> None:
    ran.shows("merged story 11 into story 5: story 5")


def renamed_the_story(ran: Ran) -> None:
    ran.shows("renamed: story 5", "Who funds the Iranian exile groups")
    pw = Presswatch(db=str(ran.folder / "presswatch.db"))
    try:
        edits = [(e["action"], e["story_id"]) for e in pw.story(5)["edits"]]
        assert edits == [("split", 13), ("move", 4), ("merge", 5), ("rename", 5)], edits
    finally:
        pw.close()


def built_the_draft(ran: Ran) -> None:
    ran.shows("digest 2026-W42:", "(saved as the draft)", "selection: Stories on a watchlist topic")
    intro = shlex.split(ran.example).pop(shlex.split(ran.example).index("--intro") + 1)
    shown = ran.output.split("digest 2026-W42:")[0]  # the Markdown on standard output
    assert shown.startswith(f"# {tomllib.loads(readme_newsletter())['digest_name']}\n"), shown[:300]
    assert f"> {intro}" in shown, shown[:1200]


def published_the_digest(ran: Ran) -> None:
    ran.shows("digest 2026-W42 published as version 1")


def run_with_smtp(args: list[str], way: Way, folder: Path, web: LocalWeb) -> str:
    """`digest send` to a real SMTP server (aiosmtpd) on a free port of 127.0.0.1, in place of the README's
    --smtp-host and --smtp-port; what it receives is kept in `web.mail`."""
    from aiosmtpd.controller import Controller

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
            web.mail.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))  # type: ignore[attr-defined]
            return "250 OK"

    port = free_port()
    local = list(args)
    local[local.index("--smtp-host") + 1] = "127.0.0.1"
    local[local.index("--smtp-port") + 1] = str(port)
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        return run_in_process(local, way, folder, web)
    finally:
        controller.stop()


def mailed_the_digest(ran: Ran) -> None:
    """The mail parsed back: the newsletter's name, tagline, sign-off and sender, the editor's note, every
    item of the published issue, in the text part and in the HTML part."""
    ran.shows("digest 2026-W42 (version 1) sent to desk@example.org")
    [(recipients, raw)] = ran.web.mail
    assert recipients == ["desk@example.org"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    news = tomllib.loads(readme_newsletter())
    assert message["Subject"].startswith(f"{news['digest_name']} — ") and "2026-W42" in message["Subject"]
    assert message["From"] == news["digest_sender"] and message["To"] == "desk@example.org"
    pw = Presswatch(db=str(ran.folder / "presswatch.db"))
    try:
        issue = pw.published_version(period_of("2026-W42"), 1)
    finally:
        pw.close()
    assert issue.intro and len(issue.included) >= 3
    expected = [news["digest_name"], news["digest_tagline"], news["digest_signoff"], issue.intro]
    expected += [item.title for item in issue.included]
    for kind in ("plain", "html"):
        body = message.get_body((kind,))
        assert body is not None, kind
        text = " ".join((html.unescape(body.get_content()) if kind == "html" else body.get_content()).split())
        for part in expected:
            assert " ".join(part.split()) in text, f"the {kind} part lacks {part!r}"


def added_the_user(ran: Ran) -> None:
    ran.shows("user ana added with role editor")


def answered_http(ran: Ran) -> None:
    # GET / asks a visitor without a session to log in (every page needs one without --public).
    ran.shows("<form", 'name="password"', "Application shutdown complete")
    assert "Traceback" not in ran.output, ran.output


def non_empty(path: Path) -> str:
    assert path.is_file() and path.stat().st_size > 0, f"{path.name} is missing or empty"
    return path.read_text("utf-8")


# ---- the table: every README example and how it runs -----------------------------------------------

Runner = Callable[[list[str], "Way", Path, LocalWeb], str]


@dataclass(frozen=True)
class Way:
    """How one README example runs here, and what its output must show."""

    run: Runner
    check: Callable[[Ran], None]
    live: bool = False  # names hosts on the internet: run against the local server (LocalWeb.localise)
    input: str | None = None  # what the user types at its prompts


EXAMPLES: dict[str, Way] = {
    # Quick start: the store in the working folder, as the README's `./presswatch.db` says.
    "init": Way(run_in_process, made_the_store),
    "ingest pages/ crawl.warc.gz feed.xml records.jsonl": Way(run_in_process, ingested_everything),
    "watchlist load my-watchlist.toml": Way(run_in_process, loaded_the_watchlist),
    "process": Way(run_in_process, ran_every_stage),
    "stats": Way(run_in_process, counted_languages),
    'search \'"camp closure" OR "police search"\'': Way(run_in_process, found_the_phrase),
    "provenance 12": Way(run_in_process, named_the_first_publisher),
    "copies": Way(run_in_process, showed_the_copy_network),
    "digest build --week 2026-W42 --format html --out digest.html": Way(run_in_process, wrote_the_digest),
    "export links --format csv --out links.csv": Way(run_in_process, wrote_the_links),
    "search 'Tolou OR Tolu OR طلوع' --format csv --excel --out tolou.csv": Way(run_in_process, exported_the_search),
    # Live monitoring, against the local server.
    "sources add https://harbour-ledger.example/": Way(run_in_process, found_the_feed, live=True),
    "sources add https://drita.example/news-sitemap.xml --language sq --country AL": Way(
        run_in_process, added_the_sitemap, live=True
    ),
    "sources import subscriptions.opml": Way(run_in_process, imported_the_opml),
    "fetch": Way(run_in_process, fetched_the_articles, live=True),
    "sources list": Way(run_in_process, listed_healthy_sources),
    "watch": Way(run_until_ctrl_c, stored_the_new_article, live=True),  # a process: Ctrl-C is a real SIGINT
    # Correcting stories.
    "stories list --sort size --min-size 3": Way(run_in_process, listed_the_largest_stories),
    "stories split 5 31 32 33 --title 'Camp Tolou closure plan denied'": Way(run_in_process, split_the_story),
    "stories move 27 --to 4": Way(run_in_process, moved_the_article),
    "stories merge 5 11": Way(run_in_process, merged_the_stories),
    "stories rename 5 'Who funds the Iranian exile groups'": Way(run_in_process, renamed_the_story),
    # The digest as a newsletter (named by the README's presswatch.toml), mailed to a real local SMTP server.
    "digest build --week 2026-W42 --intro 'A fire inside the camp, families at its gate, and a lawsuit.'": Way(
        run_in_process, built_the_draft
    ),
    "digest publish --week 2026-W42": Way(run_in_process, published_the_digest),
    "digest send --week 2026-W42 --recipient desk@example.org --smtp-host localhost --smtp-port 2525": Way(
        run_with_smtp, mailed_the_digest
    ),
    # The web UI.
    "users add ana --role editor": Way(run_in_process, added_the_user, input="ana-password-1\nana-password-1\n"),
    "serve": Way(run_server, answered_http),  # a process: a real server on a real port
}

# Not run here: they build the venv and run every test (this one included) or the demo, which CI covers.
COVERED_ELSEWHERE = {
    "make test": ".ci/run (CI) runs it, after `make lint`",
    "make demo": "the `presswatch demo` it runs is run by tests/test_demo.py, and from the wheel by test_packaging.py",
}


# ---- the tests ------------------------------------------------------------------------------------


def test_every_readme_example_has_a_way_to_run_here() -> None:
    examples, makes, others = readme_commands()
    assert examples, "no presswatch examples found in the README: has the parser broken?"
    untested = [e for e in examples if e not in EXAMPLES]
    gone = [e for e in EXAMPLES if e not in examples]
    assert not untested, f"README examples this test does not know how to run (add them to EXAMPLES): {untested}"
    assert not gone, f"EXAMPLES the README no longer has (remove them): {gone}"
    assert len(examples) == len(set(examples)), "an example appears twice in the README"
    assert set(makes) == set(COVERED_ELSEWHERE), f"make commands in the README: {makes}"
    assert not others, f"README shell lines that are neither presswatch nor make: {others}"


def test_the_make_examples_are_covered_elsewhere() -> None:
    assert "make test" in (PROJECT / ".ci" / "run").read_text("utf-8")
    assert "$(BIN)/presswatch demo" in (PROJECT / "Makefile").read_text("utf-8")
    assert '["demo"' in (PROJECT / "tests" / "test_demo.py").read_text("utf-8")


@pytest.fixture
def local_web() -> Iterator[LocalWeb]:
    with TestServer() as server:
        yield LocalWeb(server)


@pytest.mark.sqlite_only(reason="the examples build and check the file presswatch.db, some in subprocesses")
def test_every_readme_example_runs_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_web: LocalWeb
) -> None:
    for variable in [name for name in os.environ if name.startswith("PRESSWATCH_")]:
        monkeypatch.delenv(variable)
    # One local server stands in for every outlet: no pause between requests to it. A poll interval of
    # seconds, not minutes, so that `watch` polls the feeds again while the test waits.
    monkeypatch.setenv("PRESSWATCH_HOST_INTERVAL", "0")
    monkeypatch.setenv("PRESSWATCH_POLL_INTERVAL_MIN", "1")
    monkeypatch.setenv("PRESSWATCH_POLL_INTERVAL_MAX", "2")
    monkeypatch.setenv("COLUMNS", "250")  # without a terminal rich wraps at 80 columns, and tables squeeze their cells
    prepare_folder(tmp_path, local_web)
    monkeypatch.chdir(tmp_path)
    examples, _, _ = readme_commands()
    for example in examples:
        way = EXAMPLES.get(example)
        if way is None:
            pytest.fail(f"no way to run `{example}`: see test_every_readme_example_has_a_way_to_run_here")
        args = shlex.split(example)
        if way.live:
            args = local_web.localise(args)
        output = way.run(args, way, tmp_path, local_web)
        way.check(Ran(example, output, tmp_path, local_web))
