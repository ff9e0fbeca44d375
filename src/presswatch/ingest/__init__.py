"""Ingest: input files → raw records → extract → the store, in one pass per file.

Reads: HTML files, WARC/ARC archives, RSS/Atom/JSON feeds, sitemaps and JSONL
files (one reader module each, all yielding `Item`s), and raw records kept in
the store (for `reextract`).
Writes: `raw` (every input kept), `articles` (new ones and new versions),
`sources` and `fetch_queue` (feed teasers and sitemap URLs to fetch later).
"""

from __future__ import annotations

from .files import expand_paths, kind_of
from .pipeline import (
    ARTICLE_KINDS,
    STORE_BATCH,
    IngestReport,
    OnFile,
    OnOutcome,
    ResultWriter,
    count_raw,
    domain_of,
    extraction_pool,
    ingest_paths,
    precheck,
    reextract,
)
from .readers.feeds import parse_feed
from .readers.jsonl import JSONL_FIELDS
from .readers.listing import FeedEntry, ParsedFeed, xml_bytes
from .readers.warc import FEED_ENTRY_TYPE, WarcPage, WarcScan, WarcSkip, feed_entry_hints, feed_entry_json, iter_warc
from .records import IngestOptions, Item, Outcome
from .workers import INLINE_ITEMS, OrderedPool

__all__ = [
    "INLINE_ITEMS",
    "OrderedPool",
    "ResultWriter",
    "STORE_BATCH",
    "FEED_ENTRY_TYPE",
    "FeedEntry",
    "ParsedFeed",
    "WarcPage",
    "WarcScan",
    "WarcSkip",
    "feed_entry_hints",
    "feed_entry_json",
    "iter_warc",
    "kind_of",
    "parse_feed",
    "xml_bytes",
    "ARTICLE_KINDS",
    "JSONL_FIELDS",
    "IngestOptions",
    "IngestReport",
    "Item",
    "OnFile",
    "OnOutcome",
    "Outcome",
    "count_raw",
    "domain_of",
    "expand_paths",
    "extraction_pool",
    "ingest_paths",
    "precheck",
    "reextract",
]
