"""One reader per input kind; each turns a file into `Item`s (or `Outcome`s naming what failed) and goes on.

Readers never touch the store. To add an input kind: a module here with a
function `(path, root, options) -> Iterator[Item | Outcome]`, one entry in
`READERS`, and its suffixes in `ingest.files`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..files import kind_of
from ..records import IngestOptions, Item, Outcome
from .feeds import feed_items
from .html_files import html_items
from .jsonl import jsonl_items
from .sitemaps import sitemap_items
from .warc import warc_items

Reader = Callable[[Path, Path | None, IngestOptions], Iterator[Item | Outcome]]

READERS: dict[str, Reader] = {
    "html": html_items,
    "warc": warc_items,
    "feed": feed_items,
    "sitemap": sitemap_items,
    "jsonl": jsonl_items,
}


def items_of(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    """The items of one input file, read by the reader its kind names."""
    reader = READERS.get(kind_of(path) or "")
    if reader is None:
        yield Outcome(str(path), "skipped", "not a known input (HTML, WARC/ARC, RSS/Atom/JSON feed, sitemap or JSONL)")
        return
    yield from reader(path, root, options)
