"""Fuzzing presswatch's parsers, one target each, for a bounded time: atheris (libFuzzer), else hypothesis.

Targets (each gets bytes and may only raise a presswatch ItemError or UsageError; anything else is a crash):

* html     `decode_html` (the first byte picks a declared charset, or none) then `extract_html`
* feed     `parse_feed` (RSS, Atom, JSON Feed; sitemaps too, as fetch hands them over)
* sitemap  `parse_sitemap`
* warc     `iter_warc` over the bytes written to a file, every record read
* jsonl    `jsonl_hints` of one line
* fts      `check_query` (the search query parser, with the default caps), then its FTS5 query run against an
           in-memory SQLite FTS5 table: a query it lets through must be one FTS5 accepts

Each target runs in its own process for `--seconds` (default 30): with atheris, coverage-guided over seed
inputs written by this script (the corpus it grows is kept in `<out>/<target>/corpus`, so later runs start
from it); libFuzzer also stops an input that runs past 20 s or 3 GB and saves it there (`timeout-*`,
`oom-*`, `crash-*` for a dead process). Without atheris (it needs a wheel for this platform, or clang and
libFuzzer to build) the same targets run on hypothesis-generated inputs instead: random bytes and mutated
seeds, not coverage-guided, so it finds less in the same time; the output says which engine ran.

A crash is counted once per (exception type, innermost presswatch frame); the first input of each is saved
as `<out>/<target>/crash-<n>-<type>.bin` with its traceback beside it (`.txt`). Printed per target: engine,
executions, executions per second, unique crashes, and for each its exception and input file.
`--strict` exits 1 when any target crashed; otherwise the script exits 0, as the other bench scripts do.

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python bench/fuzz.py                          # every target, 30 s each
    .venv/bin/python bench/fuzz.py --seconds 300 --targets warc,feed --out test-output/fuzz --json
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import re
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGETS = ("html", "feed", "sitemap", "warc", "jsonl", "fts")
# Declared charsets the html target picks from with its first byte: real ones, aliases and nonsense.
CHARSETS = (None, "utf-8", "latin-1", "windows-1251", "gb2312", "utf-16", "utf-7", "undefined", "bogus", "punycode")
STATS_EVERY = 1.0  # seconds between two writes of a child's figures
LIBFUZZER_OPTIONS = ("-timeout=20", "-rss_limit_mb=3072", "-print_final_stats=1", "-max_len=65536")


# ---- seeds ----------------------------------------------------------------------------------------------

PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council meets on harbour plan</title>'
    '<meta property="article:published_time" content="2026-03-01T10:00:00Z">'
    '<link rel="canonical" href="https://seed.example/harbour"></head><body><nav><a href="/">Home</a></nav>'
    "<article><h1>Council meets on harbour plan</h1><p>The regional council met on Tuesday to discuss the "
    "future of the old harbour district, where hundreds of families have lived for decades.</p><p>Officials "
    "said the plan would be published next month, after consultations with residents.</p></article>"
    "<footer>All rights reserved.</footer></body></html>"
)
RSS = (
    "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' xmlns:content="
    "'http://purl.org/rss/1.0/modules/content/'><channel><title>Seed</title><link>https://seed.example/</link>"
    "<item><title>Harbour plan</title><link>https://seed.example/a</link><pubDate>Sun, 01 Mar 2026 10:00:00 GMT"
    "</pubDate><guid>https://seed.example/a</guid><content:encoded><![CDATA[<p>The council met.</p>]]>"
    "</content:encoded></item></channel></rss>"
)
ATOM = (
    "<feed xmlns='http://www.w3.org/2005/Atom'><title>Seed</title><entry><title>Harbour</title>"
    "<link href='https://seed.example/b'/><id>tag:seed.example,2026:b</id><updated>2026-03-01T10:00:00Z</updated>"
    "<content type='html'>&lt;p&gt;The council met.&lt;/p&gt;</content></entry></feed>"
)
JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Seed",
        "items": [{"id": "1", "url": "https://seed.example/c", "title": "Harbour", "content_html": "<p>Met.</p>"}],
    }
)
SITEMAP = (
    "<?xml version='1.0' encoding='utf-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
    "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'><url><loc>https://seed.example/d</loc>"
    "<lastmod>2026-03-01</lastmod><news:news><news:publication_date>2026-03-01T10:00:00Z</news:publication_date>"
    "<news:title>Harbour</news:title></news:news></url><url><loc>https://seed.example/e</loc></url></urlset>"
)
JSONL = json.dumps(
    {"url": "https://seed.example/f", "title": "Harbour", "text": "The council met.", "published": "2026-03-01"}
)
QUERIES = ('harbour AND "camp tolou" OR press* NOT week', "a OR b", '"unclosed phrase', "x* AND NOT y")
# Bytes that tend to break parsers, spliced into seeds by the hypothesis engine's mutations.
TOKENS = (
    b"\x00",
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"9999-12-31T23:59:59-14:00",
    b"0001-01-01T00:00:00+05:00",
    b"charset=undefined",
    b"[" * 2000,
    b"<div>" * 2000,
    b"&#0;",
    b"]]>",
    b"Content-Length: 99999999\r\n",
    b"\r\n\r\n",
    b'"',
    b"*",
    b"NEAR(",
)


def warc_seed(gzipped: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "https://seed.example/g", "response", payload=io.BytesIO(PAGE.encode()), http_headers=http
    )
    writer.write_record(record)
    return out.getvalue()


def seeds(target: str) -> list[bytes]:
    if target == "html":
        return [b"\x01" + PAGE.encode(), b"\x07" + PAGE.replace("utf-8", "undefined").encode()]
    if target == "feed":
        return [RSS.encode(), ATOM.encode(), JSON_FEED.encode(), SITEMAP.encode()]
    if target == "sitemap":
        return [SITEMAP.encode()]
    if target == "warc":
        return [warc_seed(False), warc_seed(True)]
    if target == "jsonl":
        return [JSONL.encode()]
    # A lone surrogate's bytes, as a browser's percent-encoding of one reaches /api/search.
    return [q.encode() for q in QUERIES] + [b"harbour \xed\xa0\x80 council"]


# ---- targets ----------------------------------------------------------------------------------------------


def build(target: str, workdir: Path) -> Callable[[bytes], None]:
    """The function one input goes through; presswatch is imported here, after atheris instruments imports."""
    if target == "html":
        from presswatch.extract import Hints, LanguageOptions, decode_html, extract_html

        options = LanguageOptions()

        def html(data: bytes) -> None:
            declared = CHARSETS[data[0] % len(CHARSETS)] if data else None
            extract_html(decode_html(data[1:], declared), Hints(), options, default_url="https://fuzz.example/")

        html(seeds("html")[0])  # lingua's models load once, before the clock matters
        return html
    if target == "feed":
        from presswatch.ingest import parse_feed

        return lambda data: _consume(parse_feed(data, "https://fuzz.example/feed"))
    if target == "sitemap":
        from presswatch.ingest.readers.sitemaps import parse_sitemap

        return lambda data: _consume(parse_sitemap(data))
    if target == "warc":
        from presswatch.ingest import iter_warc

        path = workdir / "input.warc"

        def warc(data: bytes) -> None:
            path.write_bytes(data)
            for _ in iter_warc(path, 10_000_000):
                pass

        return warc
    if target == "jsonl":
        from presswatch.ingest.readers.jsonl import jsonl_hints

        return lambda data: _consume(jsonl_hints(data, None))
    from presswatch.store.queries import SearchLimits, check_query

    database = sqlite3.connect(":memory:")
    database.execute("CREATE VIRTUAL TABLE t USING fts5(title, text)")
    database.execute("INSERT INTO t VALUES ('Harbour plan', 'The council met on the harbour plan of Camp Tolou')")
    limits = SearchLimits()

    def fts(data: bytes) -> None:
        match = check_query(data.decode("utf-8", "surrogatepass"), limits) if _utf8ish(data) else ""
        if match:
            database.execute("SELECT rowid, bm25(t) FROM t WHERE t MATCH ?", (match,)).fetchall()

    return fts


def _utf8ish(data: bytes) -> bool:
    """What a browser or terminal can send as a query: UTF-8, lone surrogates included (they reach the API)."""
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


def _consume(found: Any) -> None:
    """Touch every field of a parse result, as ingest does: a lazy failure must surface here."""
    for entry in getattr(found, "entries", None) or []:
        repr(entry)
    repr(found)


# ---- one target in a child process ------------------------------------------------------------------------


class Recorder:
    """Counts executions; keeps the first input of each unique crash; writes the figures now and then."""

    def __init__(self, target: str, folder: Path, engine: str) -> None:
        from presswatch.errors import ItemError, UsageError

        self.allowed = (ItemError, UsageError)
        self.target = target
        self.folder = folder
        self.engine = engine
        self.executions = 0
        self.started = time.monotonic()
        self.crashes: dict[str, dict[str, Any]] = {}
        self.next_write = 0.0

    def run(self, function: Callable[[bytes], None], data: bytes) -> None:
        self.executions += 1
        try:
            function(data)
        except self.allowed:
            pass
        except Exception as exc:  # noqa: BLE001 - any other exception is what we are looking for
            self._crash(exc, data)
        if time.monotonic() >= self.next_write:
            self.write()

    def _crash(self, exc: Exception, data: bytes) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in frames if "/presswatch/" in f.filename] or frames
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
        key = f"{type(exc).__name__} at {where}"
        if key in self.crashes:
            self.crashes[key]["count"] += 1
            return
        number = len(self.crashes) + 1
        path = self.folder / f"crash-{number}-{type(exc).__name__}.bin"
        path.write_bytes(data)
        trace = "".join(traceback.format_exception(exc))
        path.with_suffix(".txt").write_text(f"{key}\n\n{trace}", encoding="utf-8", errors="replace")
        message = " ".join(str(exc).split())[:200]
        self.crashes[key] = {"exception": f"{type(exc).__name__}: {message}", "input": str(path), "count": 1}
        self.write()

    def write(self) -> None:
        self.next_write = time.monotonic() + STATS_EVERY
        figures = {
            "target": self.target,
            "engine": self.engine,
            "executions": self.executions,
            "seconds": round(time.monotonic() - self.started, 1),
            "crashes": list(self.crashes.values()),
        }
        (self.folder / "stats.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


def run_atheris(target: str, seconds: int, folder: Path) -> None:
    import atheris

    with atheris.instrument_imports(include=["presswatch"]):
        function = build(target, folder)
    recorder = Recorder(target, folder, "atheris")
    corpus = folder / "corpus"
    corpus.mkdir(exist_ok=True)
    for seed in seeds(target):
        (corpus / f"seed-{hashlib.sha1(seed).hexdigest()[:12]}").write_bytes(seed)
    recorder.write()
    options = [f"-max_total_time={seconds}", f"-artifact_prefix={folder}/", *LIBFUZZER_OPTIONS, str(corpus)]
    atheris.Setup([sys.argv[0], *options], lambda data: recorder.run(function, data))
    atheris.Fuzz()


def mutate(seed: bytes, chance: random.Random) -> bytes:
    """A seed with one to four random edits: a byte changed, a slice cut or repeated, a token spliced in."""
    data = bytearray(seed)
    for _ in range(chance.randint(1, 4)):
        at = chance.randint(0, len(data))
        edit = chance.randrange(4)
        if edit == 0 and data:
            data[min(at, len(data) - 1)] = chance.randrange(256)
        elif edit == 1:
            del data[at : at + chance.randint(1, 64)]
        elif edit == 2:
            data[at:at] = data[at : at + chance.randint(1, 64)] * chance.randint(1, 50)
        else:
            data[at:at] = chance.choice(TOKENS)
    return bytes(data)


def run_hypothesis(target: str, seconds: int, folder: Path) -> None:
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st

    function = build(target, folder)
    recorder = Recorder(target, folder, "hypothesis")
    deadline = time.monotonic() + seconds
    inputs = st.one_of(
        st.binary(max_size=4096),
        st.builds(mutate, st.sampled_from(seeds(target)), st.randoms(use_true_random=False)),
    )

    class TimeUp(Exception):
        pass

    @settings(
        max_examples=10**9,
        deadline=None,
        phases=(Phase.generate,),
        database=None,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs)
    def one(data: bytes) -> None:
        if time.monotonic() > deadline:
            raise TimeUp
        recorder.run(function, data)

    try:
        one()
    except TimeUp:
        pass
    recorder.write()


# ---- the parent: every target, one after the other ---------------------------------------------------------


def has_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def fuzz_target(target: str, seconds: int, out: Path, engine: str) -> dict[str, Any]:
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stats.json").unlink(missing_ok=True)
    log = folder / "fuzzer.log"
    command = [sys.executable, __file__, "--child", target, "--seconds", str(seconds), "--out", str(out)]
    command += ["--engine", engine]
    started = time.monotonic()
    with open(log, "w") as stream:
        try:
            done = subprocess.run(command, stdout=stream, stderr=subprocess.STDOUT, timeout=seconds + 180)
            code: int | str = done.returncode
        except subprocess.TimeoutExpired:
            code = "killed after the time limit"
    figures: dict[str, Any] = {"target": target, "engine": engine, "executions": 0, "crashes": []}
    if (folder / "stats.json").exists():
        figures.update(json.loads((folder / "stats.json").read_text(encoding="utf-8")))
    text = log.read_text(errors="replace")
    final = re.search(r"stat::number_of_executed_units: (\d+)", text) or re.search(r"Done (\d+) runs", text)
    if final:
        figures["executions"] = max(figures["executions"], int(final.group(1)))
    figures["seconds"] = round(time.monotonic() - started, 1)
    # libFuzzer's own findings: an input past the time or memory limit, or one that killed the process.
    for kind, artifact in re.findall(r"ERROR: libFuzzer: (\S+).*?Test unit written to (\S+)", text, re.S):
        figures["crashes"].append({"exception": f"libFuzzer {kind}", "input": artifact, "count": 1})
    if code not in (0,) and not figures["crashes"]:
        figures["crashes"].append({"exception": f"the fuzzer exited with {code}; see {log}", "input": "", "count": 1})
    figures["log"] = str(log)
    return figures


def report(results: list[dict[str, Any]]) -> list[str]:
    lines = [f"{'target':8} {'engine':10} {'executions':>11} {'exec/s':>8} {'unique crashes':>15}"]
    for r in results:
        rate = r["executions"] / r["seconds"] if r["seconds"] else 0.0
        lines.append(f"{r['target']:8} {r['engine']:10} {r['executions']:>11,} {rate:>8,.0f} {len(r['crashes']):>15}")
    for r in results:
        for crash in r["crashes"]:
            lines.append(f"  {r['target']}: {crash['exception']} (x{crash['count']}) -> {crash['input']}")
    if not any(r["crashes"] for r in results):
        lines.append("no crashes")
    return lines


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    args.add_argument("--seconds", type=int, default=30, help="time per target (default 30)")
    args.add_argument("--targets", default=",".join(TARGETS), help=f"comma-separated, of {', '.join(TARGETS)}")
    args.add_argument("--out", type=Path, default=Path("test-output/fuzz"), help="where inputs and logs go")
    args.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    args.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args.add_argument("--strict", action="store_true", help="exit 1 when any target crashed")
    args.add_argument("--child", help=argparse.SUPPRESS)
    options = args.parse_args()
    engine = options.engine
    if engine == "auto":
        engine = "atheris" if has_atheris() else "hypothesis"
    if options.child:
        folder = options.out / options.child
        (run_atheris if engine == "atheris" else run_hypothesis)(options.child, options.seconds, folder)
        return 0
    targets = [t.strip() for t in options.targets.split(",") if t.strip()]
    unknown = sorted(set(targets) - set(TARGETS))
    if unknown:
        args.error(f"unknown targets {unknown}; choose from {', '.join(TARGETS)}")
    if engine == "hypothesis" and options.engine == "auto":
        print("atheris is not installed (.venv/bin/pip install -e '.[fuzz]'); using hypothesis-generated inputs")
    results = [fuzz_target(target, options.seconds, options.out, engine) for target in targets]
    if options.json:
        print(json.dumps({"seconds_per_target": options.seconds, "results": results}, indent=2))
    else:
        print("\n".join(report(results)))
    return 1 if options.strict and any(r["crashes"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
