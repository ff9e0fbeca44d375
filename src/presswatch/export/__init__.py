"""Export: the store's tables as JSONL or CSV rows for other tools (pandas, R, spreadsheets).

Reads: articles, links, mentions, relevance and stories. Writes: nothing in the store.
"""

from __future__ import annotations

from .coordination_tables import NETWORK_FORMATS, export_network, run_or_latest
from .tables import ARTICLE_FIELDS, FORMATS, TABLE_FORMATS, TABLES, export_articles, export_table, plain, plain_tree

__all__ = [
    "ARTICLE_FIELDS",
    "FORMATS",
    "NETWORK_FORMATS",
    "TABLES",
    "TABLE_FORMATS",
    "export_articles",
    "export_network",
    "export_table",
    "plain",
    "plain_tree",
    "run_or_latest",
]
