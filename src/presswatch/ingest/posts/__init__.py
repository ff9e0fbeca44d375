"""Social posts from files: one reader per format (`readers`), the format told (`formats`), the import (`importer`).

Formats: io-archive (Twitter/X information-operations CSV), coortweet, qut (coordination-network-toolkit
CSV), telegram (Telegram Desktop JSON export), csv and jsonl with --map COLUMN=FIELD; plain, .gz or .zip.
"""

from __future__ import annotations

from .formats import FORMATS
from .importer import (
    ImportOptions,
    OnProblem,
    OnProgress,
    PostImportReport,
    PostProblem,
    PostProgress,
    check_mapping,
    import_posts,
)
from .records import FIELDS, PostRecord, TimeWindow, iso_ms

__all__ = [
    "FIELDS",
    "FORMATS",
    "ImportOptions",
    "OnProblem",
    "OnProgress",
    "PostImportReport",
    "PostProblem",
    "PostProgress",
    "PostRecord",
    "TimeWindow",
    "check_mapping",
    "import_posts",
    "iso_ms",
]
