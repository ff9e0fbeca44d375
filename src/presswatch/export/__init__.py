"""Export: the store's tables as JSONL or CSV rows for other tools (pandas, R, spreadsheets).

Reads: articles, links, mentions, relevance and stories. Writes: nothing in the store.
"""

from __future__ import annotations

from .tables import ARTICLE_FIELDS, FORMATS, TABLES, export_articles, export_table, plain, plain_tree

__all__ = ["ARTICLE_FIELDS", "FORMATS", "TABLES", "export_articles", "export_table", "plain", "plain_tree"]
