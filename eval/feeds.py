"""Feed parsing: presswatch's parse_feed against rss-parser's output on real-world feeds.

Data: <data>/feeds/rss_parser_realworld/test/input/<name>.<ext> and the fields
rss-parser extracted, test/output/<name>.json = {"feed": {"items": [...]}}.

Matching: each reference item takes our first unused entry with the same link,
else our entry at the same position. Fields compared per reference item:
* title: HTML entities decoded and white space collapsed on both sides; a
  U+FFFD in the reference (rss-parser read a Latin-1 feed as UTF-8) matches
  any one non-ASCII character of ours, or a space (a no-break space collapsed);
* link: equal after stripping white space (absent on both sides matches); a
  relative reference link ("/gulpjs/...") matches ours when ours is the same
  link resolved to an absolute http(s) URL, which is what presswatch stores;
* date: the reference isoDate and our `published` equal to the second, or both
  absent. Where rss-parser gave no isoDate it could not parse the date either
  (uolNoticias' Portuguese day names), so our date must be absent too.
A reference item we have no entry for counts as three mismatches.

Feeds without a reference output are not scored: rss-parser's suite keeps no
expected fields for them (unrecognized.rss is an HTML "Document Moved" page,
itunes-missing-image.rss only has to parse). They are listed with our entry
count or ItemError message. The overall rate is field matches over field
comparisons across all scored items; goal >= 0.98, exit 1 below it.

Also parsed and counted: every file in trafilatura_resources/ and
commoncrawl_newscrawl_sitemaps/ (gzipped files are gunzipped first, as ingest
does). Any exception other than ItemError from parse_feed is a crash and
also makes the run exit 1.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import emit, parser, quiet_libraries, require

from presswatch import ItemError
from presswatch.ingest import FeedEntry, parse_feed

GOAL = 0.98
FIELDS = ("title", "link", "date")
SHOWN_MISMATCHES = 25
OTHER_FEEDS = ("trafilatura_resources", "commoncrawl_newscrawl_sitemaps")


@dataclass
class Mismatch:
    feed: str
    index: int
    field: str
    ours: Any
    reference: Any


@dataclass
class FeedResult:
    name: str
    items: int
    ours: int
    matches: dict[str, int]
    error: str | None = None


# ---- reading -------------------------------------------------------------------------------


def load_reference(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # encoding.json was written in Latin-1
    return json.loads(text)["feed"]["items"]


def parse_file(path: Path) -> list[FeedEntry] | str:
    """Our entries, or the ItemError message; other exceptions propagate (they are crashes)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    try:
        return parse_feed(data).entries
    except ItemError as exc:
        return f"ItemError: {exc}"


def parse_guarded(path: Path) -> tuple[list[FeedEntry] | str, bool]:
    """(entries or message, crashed)."""
    try:
        return parse_file(path), False
    except Exception as exc:  # noqa: BLE001 - a crash is a finding to report, not a reason to stop
        return f"CRASH {type(exc).__name__}: {exc}", True


# ---- comparing ----------------------------------------------------------------------------


def clean(text: str | None) -> str:
    return " ".join(html.unescape(text or "").split())


def same_title(ours: str | None, reference: str | None) -> bool:
    want, got = clean(reference), clean(ours)
    if "\ufffd" not in want:
        return want == got
    # A lost Latin-1 byte may have been a no-break space, which clean() turned into a plain one.
    pattern = "".join("(?:[^\\x00-\\x7f]| )" if ch == "\ufffd" else re.escape(ch) for ch in want)
    return re.fullmatch(pattern, got) is not None


def same_link(ours: str | None, reference: str | None) -> bool:
    ours, reference = (ours or "").strip(), (reference or "").strip()
    if reference.startswith("/") and ours.startswith(("http://", "https://")):
        return ours.endswith(reference) and ours[: -len(reference)].count("/") == 2
    return ours == reference


def reference_date(item: dict[str, Any]) -> datetime | None:
    value = item.get("isoDate")
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def same_date(ours: datetime | None, reference: datetime | None) -> bool:
    if ours is None or reference is None:
        return ours is reference
    return ours.replace(microsecond=0) == reference


def align(items: list[dict[str, Any]], entries: list[FeedEntry]) -> list[FeedEntry | None]:
    """For each reference item, our entry: same link first, else the same position."""
    unused = set(range(len(entries)))
    by_link: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        by_link.setdefault((entry.link or "").strip(), []).append(i)
    chosen: list[FeedEntry | None] = []
    for position, item in enumerate(items):
        candidates = [i for i in by_link.get((item.get("link") or "").strip(), []) if i in unused]
        pick = candidates[0] if candidates else (position if position in unused else None)
        if pick is not None:
            unused.discard(pick)
        chosen.append(entries[pick] if pick is not None else None)
    return chosen


def field_checks(item: dict[str, Any], entry: FeedEntry | None) -> dict[str, tuple[Any, Any, bool]]:
    """Per field: (ours, reference, equal); no entry of ours fails every field."""
    when = reference_date(item)
    if entry is None:
        return {
            "title": (None, item.get("title"), False),
            "link": (None, item.get("link"), False),
            "date": (None, when, False),
        }
    return {
        "title": (entry.title, item.get("title"), same_title(entry.title, item.get("title"))),
        "link": (entry.link, item.get("link"), same_link(entry.link, item.get("link"))),
        "date": (entry.published, when, same_date(entry.published, when)),
    }


def compare(name: str, items: list[dict[str, Any]], entries: list[FeedEntry]) -> tuple[FeedResult, list[Mismatch]]:
    result = FeedResult(name, len(items), len(entries), dict.fromkeys(FIELDS, 0))
    mismatches: list[Mismatch] = []
    for index, (item, entry) in enumerate(zip(items, align(items, entries), strict=True)):
        for field, (ours, reference, ok) in field_checks(item, entry).items():
            result.matches[field] += ok
            if not ok:
                mismatches.append(Mismatch(name, index, field, ours, reference))
    return result, mismatches


def score_realworld(folder: Path) -> tuple[list[FeedResult], list[Mismatch], dict[str, str], bool]:
    results: list[FeedResult] = []
    mismatches: list[Mismatch] = []
    unscored: dict[str, str] = {}
    crashed = False
    for path in sorted((folder / "input").iterdir()):
        name = path.name.rsplit(".", 1)[0]
        parsed, crash = parse_guarded(path)
        crashed |= crash
        reference = folder / "output" / f"{name}.json"
        if not reference.is_file():
            unscored[path.name] = parsed if isinstance(parsed, str) else f"{len(parsed)} entries"
            continue
        items = load_reference(reference)
        result, found = compare(name, items, [] if isinstance(parsed, str) else parsed)
        result.error = parsed if isinstance(parsed, str) else None
        results.append(result)
        mismatches.extend(found)
    return results, mismatches, unscored, crashed


def count_others(root: Path) -> tuple[dict[str, str], bool]:
    counts: dict[str, str] = {}
    crashed = False
    for folder in OTHER_FEEDS:
        for path in sorted((root / folder).glob("*")):
            if path.name == "LICENSE" or not path.is_file():
                continue
            parsed, crash = parse_guarded(path)
            crashed |= crash
            counts[f"{folder}/{path.name}"] = parsed if isinstance(parsed, str) else f"{len(parsed)} entries"
    return counts, crashed


# ---- reporting -------------------------------------------------------------------------------


def rates(results: list[FeedResult]) -> dict[str, float]:
    items = sum(r.items for r in results) or 1
    per_field = {f: sum(r.matches[f] for r in results) / items for f in FIELDS}
    per_field["overall"] = sum(per_field[f] for f in FIELDS) / len(FIELDS)
    return per_field


def feed_row(r: FeedResult) -> str:
    cells = "".join(f"{r.matches[f] / r.items if r.items else 1:8.3f}" for f in FIELDS)
    note = f"  {r.error}" if r.error else ("" if r.ours == r.items else f"  (ours {r.ours} entries)")
    return f"  {r.name:26}{r.items:6}{cells}{note}"


def shown(value: Any) -> str:
    return repr(value if not isinstance(value, str) else value[:90])


def build_report(
    results: list[FeedResult],
    mismatches: list[Mismatch],
    unscored: dict[str, str],
    others: dict[str, str],
    crashed: bool,
) -> tuple[dict[str, Any], list[str], bool]:
    rate = rates(results)
    ok = rate["overall"] >= GOAL and not crashed
    lines = [
        f"rss-parser real-world feeds: {len(results)} scored, {sum(r.items for r in results)} reference items",
        "match rate: " + ", ".join(f"{k} {v:.4f}" for k, v in rate.items()),
        f"goal: overall >= {GOAL} ... {'PASS' if rate['overall'] >= GOAL else 'FAIL'}"
        + ("; a parser CRASHED (see below)" if crashed else ""),
        f"  {'feed':26}{'items':>6}{'title':>8}{'link':>8}{'date':>8}",
        *[feed_row(r) for r in results],
        "not scored (no reference output): " + "; ".join(f"{k}: {v}" for k, v in unscored.items()),
        f"mismatches ({len(mismatches)}; first {SHOWN_MISMATCHES} shown, all with --json):",
        *[
            f"  {m.feed}[{m.index}] {m.field}: ours {shown(m.ours)} vs reference {shown(m.reference)}"
            for m in mismatches[:SHOWN_MISMATCHES]
        ],
        "other feeds and sitemaps:",
        *[f"  {k}: {v}" for k, v in others.items()],
    ]
    figures = {
        "rates": rate,
        "goal": GOAL,
        "pass": ok,
        "crashed": crashed,
        "feeds": [r.__dict__ for r in results],
        "unscored": unscored,
        "others": others,
        "mismatches": [m.__dict__ for m in mismatches],
    }
    return figures, lines, ok


def main() -> int:
    args = parser(__doc__.splitlines()[0]).parse_args()
    root = require(args.data / "feeds")
    quiet_libraries()
    results, mismatches, unscored, crashed = score_realworld(root / "rss_parser_realworld" / "test")
    others, others_crashed = count_others(root)
    figures, lines, ok = build_report(results, mismatches, unscored, others, crashed or others_crashed)
    emit(figures, lines, args.json)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
