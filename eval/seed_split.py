"""Split the seed page into the articles it republishes, with the dates the page gives them.

<data>/seed/000_97f0bdeadcdb7fcf.txt is one weekly digest page. The pieces it
republishes are named by line numbers in eval/seed_split/split.json (outlet,
title, first and last line, lines the digest inserted inside, the piece it
translates); their text is cut out of the page at run time, nothing of it is
kept in the repository. Unlike eval/reuse.py, which gives every piece a date of
its own choosing, this splitter takes each piece's date from the page itself,
as a reader would see it:

* a date line at the head of the piece ("7 September 2018", "GAZETA IMPAKT –
  August 21, 2018", "Publikuar tek: AKTUALITET, më 13:42 10-09-2018",
  "15 Sep 2018 08:09 GMT");
* else the "Also read:" teaser just above it ("Outlet, Month DD YYYY:…");
* else none: the record has no `published` field (the page dates nothing).

The page names no URLs, so each piece gets a made-up one on its outlet's
domain; the language is left to presswatch's detection unless
`with_language=True`. `syndicated=True` adds, for every piece that belongs to
a translation pair, a verbatim copy on a syndication outlet of its own,
dated a day after the piece (or undated when the piece is).

    .venv/bin/python eval/seed_split.py OUT_DIR [--syndicated] [--with-language]

writes OUT_DIR/seed.jsonl, which `presswatch ingest OUT_DIR` reads.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SEED_FILE = "seed/000_97f0bdeadcdb7fcf.txt"
SPLIT = Path(__file__).parent / "seed_split" / "split.json"
PAGE_ID = "PAGE"
PAGE_URL = "https://iran-interlink.example/weekly-digest-2019-04-05"
PAGE_SOURCE = "Iran Interlink"
HEAD_LINES = 6  # a piece's own date line is among its first lines (after the headline)

_MONTHS = {
    name: number
    for number, names in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
    for name in [names]
}
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# "August 21, 2018" / "November 06 2018"; "7 September 2018" / "15 Sep 2018 08:09 GMT"; "13:42 10-09-2018"
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})(?:\s+(\d{{1,2}}):(\d{{2}}))?")
_TIME_NUMERIC = re.compile(r"\b(\d{1,2}):(\d{2})\s+(\d{1,2})-(\d{1,2})-(\d{4})\b")


def find_date(line: str) -> str | None:
    """The first date a line states, as ISO 8601 (a date alone, or with the time when the line gives one)."""
    found: list[tuple[int, str]] = []
    if m := _TIME_NUMERIC.search(line):
        hour, minute, day, month, year = (int(x) for x in m.groups())
        found.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00"))
    if m := _DAY_MONTH_YEAR.search(line):
        day, month, year = int(m.group(1)), _MONTHS[m.group(2).lower()[:3]], int(m.group(3))
        stamp = f"{year:04d}-{month:02d}-{day:02d}"
        if m.group(4):
            stamp += f"T{int(m.group(4)):02d}:{m.group(5)}:00Z"  # the page says GMT
        found.append((m.start(), stamp))
    if m := _MONTH_DAY_YEAR.search(line):
        month, day, year = _MONTHS[m.group(1).lower()[:3]], int(m.group(2)), int(m.group(3))
        found.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    if not found:
        return None
    stamp = min(found)[1]
    try:
        datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp


def piece_date(lines: list[str], piece: dict[str, Any]) -> tuple[str | None, str]:
    """The date the page gives a piece, and where it was found ("head", "teaser" or "none")."""
    start, end = piece["start_line"], piece["end_line"]
    for n in range(start, min(end, start + HEAD_LINES) + 1):  # a dateline the digest inserted counts too
        if stamp := find_date(lines[n - 1]):
            return stamp, "head"
    # The teaser block above: back to the "Also read:" that opens it, never into another piece.
    for n in range(start - 1, max(0, start - 20), -1):
        text = lines[n - 1]
        if ":…" in text and (stamp := find_date(text.split(":…")[0])):
            return stamp, "teaser"
        if text.strip() == "Also read:":
            break
    return None, "none"


def page_date(lines: list[str]) -> str | None:
    return find_date(lines[0])


def split_records(data: Path, syndicated: bool = False, with_language: bool = False) -> list[dict[str, Any]]:
    """One record per piece (key `id`; `translation_of` and `part_of` kept for scoring), then the page itself."""
    lines = (data / SEED_FILE).read_text(encoding="utf-8").splitlines()
    split = json.loads(SPLIT.read_text(encoding="utf-8"))
    in_pairs = {p["id"] for p in split if p.get("translation_of")} | {
        p["translation_of"] for p in split if p.get("translation_of")
    }
    records: list[dict[str, Any]] = []
    for piece in split:
        skip = set(piece.get("skip_lines") or [])
        body = [lines[n - 1] for n in range(piece["start_line"], piece["end_line"] + 1) if n not in skip]
        stamp, found_in = piece_date(lines, piece)
        record: dict[str, Any] = {
            "id": piece["id"],
            "url": piece["url"],
            "title": lines[piece["start_line"] - 1].strip(),
            "text": "\n".join(body).strip(),
            "source": piece["source"],
            "date_from": found_in,
            "translation_of": piece.get("translation_of"),
            "part_of": piece.get("part_of"),
            "language": piece["language"],
        }
        if stamp:
            record["published"] = stamp
        records.append(record)
        if syndicated and piece["id"] in in_pairs:
            copy = {**record, "id": piece["id"] + "~syndicated", "source": "Syndication Desk " + piece["id"]}
            copy["url"] = f"https://syndication-desk.example/{piece['id']}"
            copy["translation_of"], copy["part_of"] = None, None
            if stamp:
                copy["published"] = (
                    datetime.fromisoformat(stamp.replace("Z", "+00:00")) + timedelta(days=1)
                ).isoformat()
            records.append(copy)
    page: dict[str, Any] = {
        "id": PAGE_ID,
        "url": PAGE_URL,
        "title": lines[0].strip(),
        "text": "\n".join(lines).strip(),
        "source": PAGE_SOURCE,
        "date_from": "head",
        "translation_of": None,
        "part_of": None,
        "language": "en",
    }
    if stamp := page_date(lines):
        page["published"] = stamp
    records.append(page)
    if not with_language:
        for record in records:
            record.pop("language")
    return records


INGESTED_FIELDS = ("url", "title", "text", "source", "language", "published")


def write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    """The records as `presswatch ingest` reads them (only the documented fields)."""
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps({k: record[k] for k in INGESTED_FIELDS if k in record}, ensure_ascii=False) + "\n")
    return path


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("out", type=Path, help="folder to write seed.jsonl into")
    args.add_argument("--data", type=Path, default=Path("../shared/data"), help="the shared data folder")
    args.add_argument("--syndicated", action="store_true", help="add a syndicated copy of each translation-pair text")
    args.add_argument("--with-language", action="store_true", help="state each piece's language (else detected)")
    opts = args.parse_args()
    if not (opts.data / SEED_FILE).is_file():
        print(f"{opts.data / SEED_FILE} is absent; nothing to split")
        return 0
    records = split_records(opts.data, opts.syndicated, opts.with_language)
    opts.out.mkdir(parents=True, exist_ok=True)
    path = write_jsonl(records, opts.out / "seed.jsonl")
    for record in records:
        print(f"{record['id']:34} {record.get('published') or '-':25} ({record['date_from']}) {record['url']}")
    print(f"{len(records)} records -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
