"""WARC/ARC reading: presswatch's iter_warc against what warcio 1.8.1 reads (manifest.jsonl).

Every file in <data>/warc/manifest.jsonl is scanned with `iter_warc` in a
child process with a 60 s timeout, so that a crash (a traceback, a dead
process) or a hang is caught and named rather than taking the run down.

* files warcio reads (warcio_ok): our scan.html_responses must be at least the
  manifest's html_responses;
* files warcio cannot read: the scan must end with exactly one ItemError
  (scan.error set), no exception escaping and no hang.

Then the whole folder is ingested with `Presswatch.ingest` into a temporary
store (also in a child, 300 s timeout) and the summary and failures are shown.

Exit 1 if a readable file gives fewer HTML responses than warcio, or any file
crashes or hangs. Fewer responses before the error on an unreadable file is
shown as a warning only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import emit, parser, quiet_libraries, require, temp_store

from presswatch import ItemError, Outcome, load_settings
from presswatch.ingest import WarcPage, WarcScan, WarcSkip, iter_warc

SCAN_TIMEOUT = 60
INGEST_TIMEOUT = 300


# ---- child side: run one piece of presswatch and print JSON ---------------------------


def scan_file(path: Path, max_bytes: int) -> dict[str, Any]:
    scan = WarcScan()
    found: Counter[str] = Counter()
    errors: list[str] = []
    for item in iter_warc(path, max_bytes, scan):
        if isinstance(item, ItemError):
            errors.append(str(item))
        found[type(item).__name__] += 1
    return {
        "html_responses": scan.html_responses,
        "record_types": dict(scan.record_types),
        "error": scan.error,
        "errors": errors,
        "pages": found[WarcPage.__name__],
        "skips": found[WarcSkip.__name__],
    }


def ingest_folder(folder: Path) -> dict[str, Any]:
    outcomes: list[Outcome] = []
    with temp_store() as pw:
        summary = pw.ingest([str(folder)], on_outcome=outcomes.append).summary()
        stored = pw.stats()
    # Labels of records inside a file start with the file's path; group by the file to keep the report short.
    failures = Counter(f"{_file_of(o.label, folder)}: {o.message}" for o in outcomes if o.status == "failed")
    return {
        "summary": summary,
        "stats": stored,
        "failures": dict(failures.most_common()),
        "failed_labels": [f"{o.label}: {o.message}" for o in outcomes if o.status == "failed"],
    }


def _file_of(label: str, folder: Path) -> str:
    path = label.split(" @")[0].split(" line ")[0].split(" entry ")[0]
    return path.removeprefix(str(folder)).lstrip("/")


def child(argv: list[str]) -> int:
    quiet_libraries()
    mode, target = argv[0], Path(argv[1])
    result = scan_file(target, load_settings().max_page_bytes) if mode == "--child-scan" else ingest_folder(target)
    print(json.dumps(result, default=str))
    return 0


# ---- parent side -------------------------------------------------------------------------


@dataclass
class Run:
    """What a child process gave back: its JSON, or how it died."""

    result: dict[str, Any] = field(default_factory=dict)
    crash: str | None = None  # "hang after 60 s", or the last line of the traceback


def run_child(mode: str, target: Path, timeout: int) -> Run:
    command = [sys.executable, str(Path(__file__).resolve()), mode, str(target)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(crash=f"hang: no result after {timeout} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return Run(crash=f"crash: {last}")
    return Run(result=json.loads(done.stdout))


def judge(entry: dict[str, Any], run: Run) -> dict[str, Any]:
    """One file's verdict: ok, fewer (responses than warcio), unclean (error not as expected), crash."""
    want = int(entry.get("html_responses") or 0)
    row = {"file": entry["file"], "warcio_ok": entry["warcio_ok"], "reference": want}
    if run.crash:
        return {**row, "ours": None, "verdict": "crash", "detail": run.crash}
    got, errors = run.result["html_responses"], run.result["errors"]
    row.update(ours=got, errors=errors, record_types=run.result["record_types"])
    if entry["warcio_ok"]:
        verdict = "fewer" if got < want else "ok"
    else:
        clean = len(errors) == 1 and run.result["error"] == errors[0]
        verdict = "ok" if clean else "unclean"
    return {**row, "verdict": verdict, "detail": "; ".join(errors)}


def scan_all(folder: Path, manifest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [judge(entry, run_child("--child-scan", folder / entry["file"], SCAN_TIMEOUT)) for entry in manifest]


def lines_for(rows: list[dict[str, Any]], ingest: Run) -> list[str]:
    readable = [r for r in rows if r["warcio_ok"]]
    broken = [r for r in rows if not r["warcio_ok"]]
    crashed = [r for r in rows if r["verdict"] == "crash"]
    ours = sum(r["ours"] or 0 for r in readable)
    lines = [
        f"WARC/ARC files: {len(rows)} in the manifest, {len(readable)} readable by warcio, {len(broken)} not",
        f"HTML responses on readable files: ours {ours}, warcio {sum(r['reference'] for r in readable)}",
        f"unreadable files ending in one clean ItemError: {sum(r['verdict'] == 'ok' for r in broken)}/{len(broken)}",
        f"crashes or hangs: {len(crashed)}",
    ]
    differing = [r for r in rows if r["ours"] is not None and r["ours"] != r["reference"]]
    if differing:
        lines.append("files where HTML responses differ (ours vs warcio):")
        lines += [
            f"  {r['file']}: {r['ours']} vs {r['reference']}" + ("  <-- FEWER" if r["ours"] < r["reference"] else "")
            for r in differing
        ]
    lines.append("errors per file (unreadable files, and readable files that ended in an error):")
    lines += [
        f"  {r['file']}: {r['verdict']}: {r['detail'] or '(no error)'}"
        for r in rows
        if not r["warcio_ok"] or r["detail"] or r["verdict"] != "ok"
    ]
    return lines + ingest_lines(ingest)


def ingest_lines(ingest: Run) -> list[str]:
    if ingest.crash:
        return [f"ingest of the whole folder: {ingest.crash}"]
    result = ingest.result
    lines = [
        f"ingest of the whole folder: {result['summary']}; {result['stats']['articles']} current articles",
        "failures (count x file: message):",
    ]
    lines += [f"  {count} x {message}" for message, count in result["failures"].items()] or ["  none"]
    return lines


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] in ("--child-scan", "--child-ingest"):
        return child(sys.argv[1:])
    args = parser(__doc__.splitlines()[0]).parse_args()
    folder = require(args.data / "warc")
    manifest = [json.loads(line) for line in (folder / "manifest.jsonl").read_text("utf-8").splitlines() if line]
    rows = scan_all(folder, manifest)
    ingest = run_child("--child-ingest", folder, INGEST_TIMEOUT)
    gate = [r["file"] for r in rows if r["verdict"] in ("crash", "fewer")] + (["(ingest)"] if ingest.crash else [])
    figures = {
        "files": rows,
        "ingest": ingest.result or {"crash": ingest.crash},
        "failing": gate,
        "warnings": [
            r["file"]
            for r in rows
            if r["verdict"] == "unclean" or (not r["warcio_ok"] and (r["ours"] or 0) < r["reference"])
        ],
    }
    lines = lines_for(rows, ingest)
    lines.append(f"gate: {'FAIL (' + ', '.join(gate) + ')' if gate else 'PASS'}")
    emit(figures, lines, args.json)
    return 1 if gate else 0


if __name__ == "__main__":
    sys.exit(main())
