"""The raw-record type every reader yields, the options of a run, and what happened to each item."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Settings
from ..extract import Hints, LanguageOptions
from ..extract.dates import DateWindow


@dataclass(frozen=True)
class IngestOptions:
    base_url: str | None = None
    source: str | None = None
    max_bytes: int = 10_000_000
    feed_min_words: int = 60
    workers: int = 0  # 0: one per CPU core
    language: LanguageOptions = field(default_factory=LanguageOptions)
    dates: DateWindow = field(default_factory=DateWindow)  # dates outside it are dropped with a warning
    item_seconds: float = Settings.item_seconds  # the budget per item, enforced by the worker pool; 0: none
    item_memory_bytes: int = Settings.item_memory_bytes


@dataclass
class Item:
    """One input on its way to the store.

    `kind` says what the pipeline does with it: html, warc, feed and jsonl
    items are extracted into articles; a feed-document is kept raw only; a
    teaser (a feed entry without full text) is queued for fetching.
    """

    label: str
    kind: str
    origin: str
    record: str | None
    payload: bytes  # what is kept in `raw`
    hints: Hints
    default_url: str | None = None  # used when the page names no URL of its own
    charset: str | None = None
    status: int | None = None
    headers: dict[str, str] | None = None
    content_type: str | None = None
    warc_offset: int | None = None
    raw_id: int | None = None  # set when the item is rebuilt from a kept raw record
    sha256: str | None = None  # of the payload, once computed
    packed: bytes | None = None  # the input's own gzip of the payload, kept in `raw` as it is


@dataclass
class Outcome:
    """What happened to one item: new | version | unchanged | queued | skipped | failed."""

    label: str
    status: str
    message: str = ""
    article_id: int | None = None
