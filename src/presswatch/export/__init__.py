"""Export: the store's tables as JSONL or CSV rows for other tools (pandas, R, spreadsheets).

Reads: articles, links, mentions, relevance and stories. Writes: nothing in the store.
"""

from __future__ import annotations

from .tables import FORMATS, TABLES, export_table, plain

__all__ = ["FORMATS", "TABLES", "export_table", "plain"]
