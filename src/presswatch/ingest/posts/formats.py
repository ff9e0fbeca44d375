"""Which format a file is in: the one given, or, for `auto`, told from its suffix, header or JSON shape."""

from __future__ import annotations

import csv
import json

from ...errors import UsageError
from .inputs import Input
from .readers import COORTWEET_COLUMNS, IO_ARCHIVE_COLUMNS, QUT_COLUMNS, READERS
from .records import FileFailed

FORMATS = ("auto", *READERS)
HEAD_BYTES = 1 << 16
_BY_HEADER = (("io-archive", IO_ARCHIVE_COLUMNS), ("coortweet", COORTWEET_COLUMNS), ("qut", QUT_COLUMNS))


def format_of(source: Input, fmt: str, mapped: bool) -> str:
    """The format to read `source` with; UsageError when `auto` cannot tell (naming the formats)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt != "auto":
        return fmt
    with source.open() as stream:
        head = stream.read(HEAD_BYTES).decode("utf-8-sig", errors="replace")
    if not head.strip():
        raise FileFailed("the file is empty")
    found = _json_format(head, source.suffix) if head.lstrip()[:1] in "{[" else _csv_format(head, mapped)
    if found is None:
        raise UsageError(
            f"{source.name}: cannot tell its format; give --format, one of {', '.join(READERS)} "
            "(csv and jsonl take --map COLUMN=FIELD)"
        )
    return found


def _json_format(head: str, suffix: str) -> str | None:
    first_line = head.lstrip().split("\n", 1)[0]
    try:
        json.loads(first_line)
        return "jsonl"
    except ValueError:
        return "telegram" if '"messages"' in head or suffix == ".json" else None


def _csv_format(head: str, mapped: bool) -> str | None:
    try:
        header = {column.strip() for column in next(csv.reader([head.split("\n", 1)[0]]))}
    except (csv.Error, StopIteration):
        return None
    for fmt, columns in _BY_HEADER:
        if set(columns) <= header:
            return fmt
    return "csv" if mapped or {"post_key", "account_key", "posted_ms"} <= header else None
