"""Translations that are also copies: the seed page's three English/Albanian pairs.

The seed page (a weekly digest) republishes an open letter in English and in
Albanian, an Albanian police report and its English translation, and an
Albanian column and its English translation, among 17 pieces (eval/seed_split.py
cuts them out, with the dates the page gives them; languages are detected).
Each run ingests the pieces and the page into a fresh store as JSONL and runs
`process`:

* `page`: the pieces and the digest page that carries each pair side by side;
* `syndicated`: the same plus a verbatim syndicated copy of every text of a
  pair, on an outlet of its own, a day later.

It prints, per run, each pair (linked as `translation` or not, and which way),
every translation link that is not one of the pairs (a syndicated copy of a
pair's text linked to the other text counts as the pair, not as wrong), and
the partial links of the page to the pair texts. Goal (exit 1 otherwise), in
every run: the 3 pairs linked as translations with the original as origin,
and no wrong translation link.

    .venv/bin/python eval/seed_translations.py [--data DIR] [--json]
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import emit, parser, quiet_libraries, require, temp_store
from seed_split import PAGE_ID, SEED_FILE, split_records, write_jsonl
from sqlalchemy import select

from presswatch import Presswatch
from presswatch.extract import canonical_url
from presswatch.store.schema import articles

SUFFIX = "~syndicated"


def run(data: Path, syndicated: bool) -> dict[str, Any]:
    records = split_records(data, syndicated=syndicated)
    started = time.perf_counter()
    with temp_store() as pw, tempfile.TemporaryDirectory(prefix="presswatch-seed-") as folder:
        pw.ingest([str(write_jsonl(records, Path(folder) / "seed.jsonl"))])
        pw.process()
        found = _links(pw, records)
    seconds = time.perf_counter() - started
    base = {r["id"]: r for r in records}
    pairs = [(r["translation_of"], r["id"]) for r in records if r.get("translation_of")]  # (original, translation)
    pair_members = {m for pair in pairs for m in pair}

    def root(key: str) -> str:
        return key.removesuffix(SUFFIX)

    translations = [link for link in found if link["kind"] == "translation"]
    rows = []
    for original, translation in pairs:
        got = [t for t in translations if {root(t["origin"]), root(t["copy"])} == {original, translation}]
        exact = [t for t in got if {t["origin"], t["copy"]} == {original, translation}]
        best = (exact or got or [None])[0]
        rows.append(
            {
                "original": original,
                "translation": translation,
                "linked": bool(exact),
                "linked_via_copy": len(got) - len(exact),
                "directed_right": bool(best and best["directed"] and root(best["origin"]) == original),
                "link": best,
                "dates": (base[original].get("published"), base[translation].get("published")),
            }
        )
    wrong = [t for t in translations if not any({root(t["origin"]), root(t["copy"])} == {o, c} for o, c in pairs)]
    page_partials = {
        (link["copy"] if link["origin"] == PAGE_ID else link["origin"]): link
        for link in found
        if link["kind"] == "partial" and PAGE_ID in (link["origin"], link["copy"])
    }
    return {
        "syndicated": syndicated,
        "articles": len(records),
        "seconds": round(seconds, 1),
        "links": len(found),
        "pairs": rows,
        "pairs_linked": sum(r["linked"] for r in rows),
        "pairs_directed_right": sum(r["linked"] and r["directed_right"] for r in rows),
        "wrong_translation_links": wrong,
        "page_partial_to_pair_texts": sum(1 for m in pair_members if m in page_partials),
        "page_partials": len(page_partials),
        "languages": {r["id"]: r.get("detected") for r in records},
    }


def _links(pw: Presswatch, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    key_of_url = {canonical_url(r["url"]): r["id"] for r in records}
    with pw.store.connect() as conn:
        rows = conn.execute(select(articles.c.id, articles.c.url, articles.c.language)).all()
    key_of_id = {row.id: key_of_url.get(row.url, f"?{row.url}") for row in rows}
    detected = {key_of_id[row.id]: row.language for row in rows}
    for record in records:
        record["detected"] = detected.get(record["id"])
    stream = io.StringIO()
    pw.export("links", "jsonl", None, stream)
    found = []
    for line in stream.getvalue().splitlines():
        if line.strip():
            link = json.loads(line)
            link["origin"], link["copy"] = key_of_id[link["origin_id"]], key_of_id[link["copy_id"]]
            found.append(link)
    return found


def _describe(link: dict[str, Any] | None) -> str:
    if link is None:
        return "-"
    way = "directed" if link["directed"] else "undirected"
    return f"{link['origin']} -> {link['copy']} score {link['score']:.3f} {way} ({link['reason']})"


def main() -> int:
    args = parser(__doc__.split("\n")[0]).parse_args()
    data = require(args.data)
    if not (data / SEED_FILE).is_file():
        print(f"{data / SEED_FILE} is absent; nothing to measure")
        return 0
    quiet_libraries()
    results = [run(data, syndicated=False), run(data, syndicated=True)]
    lines: list[str] = []
    ok = True
    for result in results:
        name = "page + syndicated copies" if result["syndicated"] else "page"
        lines.append(
            f"run '{name}': {result['articles']} articles, {result['links']} links ({result['seconds']} s); "
            f"page partial to {result['page_partials']} pieces "
            f"({result['page_partial_to_pair_texts']} of the 6 pair texts)"
        )
        for row in result["pairs"]:
            state = "linked" if row["linked"] else "MISSED"
            way = "direction right" if row["directed_right"] else "direction WRONG or none"
            extra = f", +{row['linked_via_copy']} via syndicated copies" if row["linked_via_copy"] else ""
            lines.append(
                f"  {state:6} {row['original']} ({row['dates'][0] or 'undated'}) ~ {row['translation']} "
                f"({row['dates'][1] or 'undated'}): {way}{extra}"
            )
            lines.append(f"         {_describe(row['link'])}")
        lines.append(f"  wrong translation links: {len(result['wrong_translation_links'])}")
        for link in result["wrong_translation_links"]:
            lines.append(f"    {_describe(link)}")
        good = result["pairs_directed_right"] == len(result["pairs"]) and not result["wrong_translation_links"]
        lines.append(f"  goal: 3 pairs linked, directed right, 0 wrong ... {'PASS' if good else 'FAIL'}")
        ok = ok and good
    emit({"runs": results, "pass": ok}, lines, args.json)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
