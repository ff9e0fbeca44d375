"""Full-text search on PostgreSQL: the same query language as SQLite's FTS5 path, over `articles.search_document`.

`queries.fts_query` turns what a user typed into a safe FTS5 query (terms quoted, `"prefix"*`, AND, OR, NOT);
this module reads that query back and builds the equivalent `tsquery` in SQL: each term through
`phraseto_tsquery` with the `presswatch_simple` configuration of migration 0013 (the 'simple' configuration
after `unaccent`), so a term is split and folded exactly as the indexed text was (punctuation a space between
words, as in the index and in FTS5), and a term of several words is a phrase (`<->`); a prefix term gets `:*`
on its last word. FTS5's precedence holds: NOT (binary: "a NOT b" is a and not b) binds tighter than AND (or
two terms side by side), which binds tighter than OR.

Ranking is `ts_rank_cd` over the document's length, with the title weighted five times the text (FTS5's bm25
weights), negated so that, as with bm25, the smaller is the better (bm25 also weighs rare words up, which no
PostgreSQL ranking does: close scores may come in another order); snippets are `ts_headline` with FTS5's
brackets and about 16 words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Text, cast, func, literal, literal_column
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

CONFIG = "presswatch_simple"
# ts_rank's weights are {D, C, B, A}: the title is A, the text B (bm25(articles_fts, 5.0, 1.0) on SQLite)
RANK_WEIGHTS = "'{0, 0, 0.2, 1.0}'::float4[]"
# ts_rank_cd (cover density) divided by the document's length (2), of PostgreSQL's rankings the closest to bm25:
# on the sample corpus it puts the same article first for 12 of 15 queries (ts_rank, by any normalization: 8)
RANK_NORMALIZATION = 2
HEADLINE = "StartSel=[, StopSel=], MaxWords=16, MinWords=6, ShortWord=0, MaxFragments=1, FragmentDelimiter=…"
PUNCTUATION = "[[:punct:]]"  # a space, in the indexed text (migration 0013) and in every term
DOCUMENT: ColumnElement[str] = literal_column("articles.search_document", TSVECTOR)
_CONFIG: ColumnElement[str] = literal_column(f"'{CONFIG}'::regconfig")
# What fts_query writes: a quoted term (quotes never inside), with * after it for a prefix, or an operator.
_FTS_TOKEN = re.compile(r'"([^"]*)"(\*?)|(AND|OR|NOT)')
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class TextMatch:
    """A search's condition on an article, its rank (smaller is better) and its snippet, all in SQL."""

    condition: ColumnElement[bool]
    rank: ColumnElement[float]
    snippet: ColumnElement[str]


def text_match(fts: str) -> TextMatch | None:
    """The PostgreSQL match of an FTS5 query written by `queries.fts_query`; None when it has no term."""
    query = tsquery(fts)
    if query is None:
        return None
    return TextMatch(
        condition=DOCUMENT.op("@@", is_comparison=True)(query),
        rank=-func.ts_rank_cd(literal_column(RANK_WEIGHTS), DOCUMENT, query, RANK_NORMALIZATION),
        snippet=func.ts_headline(_CONFIG, func.coalesce(literal_column("articles.text"), ""), query, HEADLINE),
    )


def tsquery(fts: str) -> ColumnElement[str] | None:
    """The tsquery of an FTS5 query: OR of groups, each an AND of terms, some negated (NOT binds to the next term)."""
    groups: list[list[tuple[bool, ColumnElement[str]]]] = []
    operator = None
    for found in _FTS_TOKEN.finditer(fts):
        phrase, star, word = found.groups()
        if word is not None:
            operator = word
            continue
        term = _term(phrase, prefix=bool(star))
        if operator == "OR" or not groups:
            groups.append([(False, term)])
        else:
            groups[-1].append((operator == "NOT", term))
        operator = None
    if not groups:
        return None
    alternatives = [_all_of(group) for group in groups]
    query = alternatives[0]
    for other in alternatives[1:]:
        query = func.tsquery_or(query, other, type_=TSQUERY)
    return query


def _all_of(group: list[tuple[bool, ColumnElement[str]]]) -> ColumnElement[str]:
    query = group[0][1]  # the first term of a group is never negated: NOT always has a term on its left
    for negated, term in group[1:]:
        query = func.tsquery_and(query, func.tsquery_not(term, type_=TSQUERY) if negated else term, type_=TSQUERY)
    return query


def _term(phrase: str, prefix: bool) -> ColumnElement[str]:
    """One quoted term: its words in order, split and folded as the index was; `prefix`: the last one a prefix."""
    spaced = func.regexp_replace(literal(phrase, Text), PUNCTUATION, " ", "g")
    words = func.phraseto_tsquery(_CONFIG, spaced, type_=TSQUERY)
    if not prefix or not _WORD.search(phrase):
        return words
    return cast(cast(words, Text).concat(":*"), TSQUERY)
