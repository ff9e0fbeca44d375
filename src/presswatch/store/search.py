"""Search as a research tool: one query's matches with copies grouped under the earliest, the counts, the
facets and the coverage over time. The matches are gathered once (FTS5 on SQLite, tsquery on PostgreSQL) into a
temporary table; the page with the counts, then the facets with the coverage, are one SQL statement each over it.

Copies group along the reuse links, from copy to origin: duplicates and translations, and a partial copy
with its one origin (a page quoting several articles, as a weekly round-up does, joins none of them: it would
chain unrelated stories into one group). A copy of a copy joins the first origin of the chain. A group stands
in the results as its earliest matching article; its other matches are that result's `copies`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Float,
    MetaData,
    Select,
    String,
    Table,
    TextClause,
    bindparam,
    cast,
    delete,
    distinct,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.schema import CreateTable

from .queries import (
    _FTS,
    _LISTED,
    MAX_ID,
    PUBLISHED,
    ArticleFilter,
    SearchLimits,
    _filtered,
    check_query,
    statement_deadline,
)
from .schema import Id, articles, entities, links, mentions, sources
from .search_postgres import text_match

SORTS = ("relevance", "date")  # best match first, or newest first
COPIES_LISTED = 50  # copies listed with a result; `copy_count` counts them all
FACET_VALUES = 100  # values listed per facet, the largest counts first
# Which link kind names a copy's relation to its result when it has several: the closest first.
KIND_ORDER = ("duplicate", "partial", "translation")
# Aliases and joins built once: building one copies every column of its tables, which costs more than running
# a search of a few words.
_SIBLING, _ABOVE = links.alias("sibling"), links.alias("above")
_WITH_SOURCE = articles.join(sources, sources.c.id == articles.c.source_id)
_FTS_WITH_SOURCE = _FTS.join(_WITH_SOURCE, articles.c.id == _FTS.c.rowid)


@dataclass
class SearchResults:
    """One page of a search: results (copies grouped), the counts, and the facets and coverage of every match."""

    query: str
    total: int | None  # matching articles, copies included (None: the newest articles, not counted)
    groups: int | None  # results once copies are grouped
    hits: list[dict[str, Any]]
    offset: int
    limit: int
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False  # uncounted: whether a next page exists

    @property
    def has_next(self) -> bool:
        return self.more if self.groups is None else self.offset + len(self.hits) < self.groups

    def as_dict(self, filters: dict[str, Any]) -> dict[str, Any]:
        """The shape `search --json` prints and /api/search answers (which adds its `page`, `size`, `export`)."""
        return {
            "query": self.query,
            "filters": filters,
            "total": self.total,
            "groups": self.groups,
            "offset": self.offset,
            "limit": self.limit,
            "has_next": self.has_next,
            "results": self.hits,
            "facets": self.facets,
            "timeline": self.timeline,
        }


def search(
    conn: Connection, query: str, where: ArticleFilter, limits: SearchLimits, aggregates: bool = True
) -> SearchResults:
    """A page of results, best match first (or newest, `where.sort == "date"`), with counts, and with the
    facets and coverage over time when `aggregates`. No words: every article the filters keep, newest first;
    neither words nor filters: the newest articles, uncounted (counting the whole store is no way to start).

    UsageError for a query past the limits, QueryTimeout for one that runs past their time.
    """
    match = _match(conn, query, limits)
    with statement_deadline(conn, limits.seconds):
        found = SearchResults(query, 0, 0, [], where.offset, where.limit)
        if match is None:
            return found
        if match.condition is None and not _narrowed(where):
            _browse(conn, where, found)
            return found
        _gather(conn, match, where, ranked=not _newest_first(match, where))
        _fill_page(conn, match, where, found)
        if aggregates:
            found.facets, found.timeline = _aggregates(conn)
    return found


def coverage(conn: Connection, query: str, where: ArticleFilter, limits: SearchLimits) -> list[dict[str, Any]]:
    """The matches per day and language: `{day, language, articles}`, oldest first."""
    match = _match(conn, query, limits)
    if match is None:
        return []
    with statement_deadline(conn, limits.seconds):
        _gather(conn, match, where, ranked=False)
        return _aggregates(conn)[1]


def matching_ids(conn: Connection, query: str, where: ArticleFilter, limits: SearchLimits) -> list[int]:
    """Every matching article (copies too), in the search's order, found within the limits' time."""
    match = _match(conn, query, limits)
    if match is None:
        return []
    matched = _matched(match, where).subquery()
    order: tuple[Any, ...]
    if _newest_first(match, where):
        order = (matched.c.published_at.desc().nulls_last(), matched.c.id.desc())
    else:
        order = (matched.c.rank, matched.c.id)
    with statement_deadline(conn, limits.seconds):
        return list(conn.execute(select(matched.c.id).order_by(*order)).scalars())


# ---- the match -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    """What an article's title or text must meet: FTS5 MATCH on SQLite, a tsquery on PostgreSQL (with its
    `ranking` and `snippet`, search_postgres.py), LIKE elsewhere; None: every article."""

    condition: ColumnElement[bool] | TextClause | None
    fts: bool = False
    ranking: ColumnElement[float] | None = None
    snippet: ColumnElement[str] | None = None

    @property
    def rank(self) -> ColumnElement[float]:
        if self.ranking is not None:
            return self.ranking
        return literal_column("bm25(articles_fts, 5.0, 1.0)") if self.fts else literal(0.0)


def _match(conn: Connection, query: str, limits: SearchLimits) -> _Match | None:
    """The match for what a user typed; None when nothing can match (a query of quotes only)."""
    fts = check_query(query, limits)
    if not query.strip():
        return _Match(None)
    if conn.dialect.name == "postgresql":
        found = text_match(fts)
        return _Match(found.condition, ranking=found.rank, snippet=found.snippet) if found else None
    if conn.dialect.name != "sqlite":
        pattern = f"%{query}%"
        return _Match(articles.c.title.ilike(pattern) | articles.c.text.ilike(pattern))
    return _Match(text("articles_fts MATCH :match").bindparams(match=fts), fts=True) if fts else None


def _newest_first(match: _Match, where: ArticleFilter) -> bool:
    return where.sort == "date" or match.condition is None


def _narrowed(where: ArticleFilter) -> bool:
    return any((where.source, where.language, where.since, where.until, where.entity, where.topic))


# Every match of one search, gathered once and read by each of its statements (the page, the counts, the facets);
# a temporary table lives and dies with its connection, and its rows with the connection's transaction.
_MATCHES = Table(
    "search_matches",
    MetaData(),
    Column("id", Id, primary_key=True),
    Column("rank", Float),
    Column("published_at", DateTime),
    Column("published", DateTime),
    Column("language", String),
    Column("source_id", Id),
    Column("linked", Boolean),
    prefixes=["TEMPORARY"],
)
_CREATE_MATCHES, _CLEAR_MATCHES = CreateTable(_MATCHES, if_not_exists=True), delete(_MATCHES)


def _gather(conn: Connection, match: _Match, where: ArticleFilter, ranked: bool) -> None:
    """The matches into `_MATCHES`: one pass over the full-text index (`ranked`: with each one's bm25)."""
    conn.execute(_CREATE_MATCHES)
    conn.execute(_CLEAR_MATCHES)
    conn.execute(insert(_MATCHES).from_select(list(_MATCHES.c.keys()), _matched(match, where, ranked)))


def _matched(match: _Match, where: ArticleFilter, ranked: bool = True) -> Select[Any]:
    """The matching current articles: id, rank (0 unless `ranked`), publication time, language, outlet, and
    whether the article has any reuse link.

    FTS5's matches are gathered first, in one pass over the index: joined as a table, the planner would start
    from a filter's index (a language, an outlet) and ask FTS5 about each of its articles, one by one.
    """
    joined = _WITH_SOURCE
    rank: ColumnElement[float] = literal(0.0)
    if match.fts and match.condition is not None:
        found = (
            select(_FTS.c.rowid.label("id"), (match.rank if ranked else literal(0.0)).label("rank"))
            .where(match.condition)
            .cte("fts")
            .prefix_with("MATERIALIZED")
        )
        joined = found.join(joined, articles.c.id == found.c.id)
        rank = found.c.rank
    elif ranked:
        rank = match.rank
    query = select(
        articles.c.id,
        rank.label("rank"),
        articles.c.published_at,
        PUBLISHED.label("published"),
        articles.c.language,
        articles.c.source_id,
        _LINKED.label("linked"),
    ).select_from(joined)
    if match.condition is not None and not match.fts:
        query = query.where(match.condition)
    filtered: Select[Any] = _filtered(query, where)
    return filtered


# ---- copies grouped ----------------------------------------------------------------------------------


def _joins_group(link: Any) -> ColumnElement[bool]:
    """Whether a link makes its copy one with its origin: any but a partial copy of several origins."""
    other_origin = (
        select(_SIBLING.c.id)
        .where(_SIBLING.c.copy_id == link.c.copy_id, _SIBLING.c.kind == "partial", _SIBLING.c.id != link.c.id)
        .exists()
    )
    return or_(link.c.kind != "partial", ~other_origin)


_UP_JOINS_GROUP = _joins_group(links)
# Whether an article has a link at all: most have none, and they are results of their own without a look up.
_LINKED = or_(
    select(_ABOVE.c.id).where(_ABOVE.c.copy_id == articles.c.id).exists(),
    select(_ABOVE.c.id).where(_ABOVE.c.origin_id == articles.c.id).exists(),
)


# A group's first origin is the farthest one up the chain (the smallest id among the farthest): one GROUP BY
# finds it as the largest of depth * SPAN + (SPAN - id), article ids staying below SPAN (a trillion).
SPAN = 2**40
MAX_DEPTH = 32  # copies of copies followed this far up; a cycle of links (contradicting dates) ends here too


def _groups(matched: Any) -> Any:
    """Each linked match's group `grp`: the first origin up its chain of origins.

    Up the links, never down: a copy reaches its origin in a step or two, while the members of a group reached
    from each member would cost the square of the group's size (a wire story runs in hundreds of outlets).
    """
    up = (
        select(matched.c.id.label("start"), matched.c.id.label("node"), literal(0).label("depth"))
        .where(matched.c.linked)
        .cte("up", recursive=True)
    )
    step = (
        select(up.c.start, links.c.origin_id, up.c.depth + 1)
        .select_from(up)
        .join(links, links.c.copy_id == up.c.node)
        .join(articles, articles.c.id == links.c.origin_id)
        .where(up.c.depth < MAX_DEPTH, articles.c.is_current, _UP_JOINS_GROUP)
    )
    up = up.union(step)
    span = literal(SPAN, BigInteger)  # PostgreSQL: not an INTEGER, which stops at 2**31
    farthest = func.max(up.c.depth * span + (span - up.c.node))
    return select(up.c.start.label("id"), (span - farthest % span).label("grp")).group_by(up.c.start).cte("groups")


def _fill_page(conn: Connection, match: _Match, where: ArticleFilter, found: SearchResults) -> None:
    """The page's results, each with its copies, and the counts: one statement, then the page's details."""
    page = {"page_limit": min(max(where.limit, 0), MAX_ID), "page_offset": min(max(where.offset, 0), MAX_ID)}
    rows = conn.execute(_page_query(_newest_first(match, where)), page).all()
    found.total, found.groups = int(rows[0].total), int(rows[0].groups)
    if rows[0].id is not None:
        found.hits = _page_details(conn, match, list(rows))


@lru_cache(maxsize=2)
def _page_query(newest: bool) -> Select[Any]:
    """The statement of a page (`page_limit` results after `page_offset`) over the gathered matches: its results
    and their listed copies, each row with the counts of the whole search (one row of counts for a page past
    the last result). Built once: it reads only `_MATCHES`.

    Only the matches with links are grouped; with the others, each a result of its own, they make the results,
    of which the page is the first `limit` after `offset` (a sort that keeps only those, not a sort of all).
    """
    matched = _MATCHES
    groups = _groups(matched)
    in_group = groups.c.grp
    members = (
        select(
            matched,
            in_group,
            func.row_number().over(partition_by=in_group, order_by=(matched.c.published, matched.c.id)).label("nth"),
            func.min(matched.c.rank).over(partition_by=in_group).label("best"),
            func.count().over(partition_by=in_group).label("size"),
        )
        .join(groups, groups.c.id == matched.c.id)
        .cte("members")
        .prefix_with("MATERIALIZED")
    )
    alone = select(
        matched.c.id,
        matched.c.id.label("grp"),
        matched.c.rank.label("best"),
        matched.c.published_at,
        literal(1).label("size"),
    ).where(~matched.c.linked)
    heads = union_all(
        alone,
        select(members.c.id, members.c.grp, members.c.best, members.c.published_at, members.c.size).where(
            members.c.nth == 1
        ),
    ).subquery("heads")
    order = (heads.c.published_at.desc().nulls_last(), heads.c.id.desc()) if newest else (heads.c.best, heads.c.id)
    page = (
        select(heads)
        .order_by(*order)
        .limit(bindparam("page_limit", type_=BigInteger))  # up to MAX_ID: past PostgreSQL's INTEGER
        .offset(bindparam("page_offset", type_=BigInteger))
        .cte("page")
    )
    copies = (
        select(members.c.id, members.c.grp, members.c.nth, page.c.size, page.c.best, page.c.published_at)
        .add_columns(page.c.id.label("head"))
        .join(page, page.c.grp == members.c.grp)
        .where(members.c.nth > 1, members.c.nth <= COPIES_LISTED + 1)
    )
    listed = union_all(
        select(
            page.c.id, page.c.grp, literal(1).label("nth"), page.c.size, page.c.best, page.c.published_at
        ).add_columns(page.c.id.label("head")),
        copies,
    ).subquery("listed")
    outlets = (
        select(members.c.grp, func.count(distinct(members.c.source_id)).label("outlets"))
        .join(page, page.c.grp == members.c.grp)
        .where(members.c.nth > 1)
        .group_by(members.c.grp)
        .subquery("outlets")
    )
    counts = select(
        select(func.count()).select_from(matched).scalar_subquery().label("total"),
        (
            select(func.count()).select_from(matched).where(~matched.c.linked).scalar_subquery()
            + select(func.count(distinct(members.c.grp))).scalar_subquery()
        ).label("groups"),
    ).subquery("counts")
    in_order = (
        (listed.c.published_at.desc().nulls_last(), listed.c.head.desc()) if newest else (listed.c.best, listed.c.head)
    )
    return (
        select(counts, listed, func.coalesce(outlets.c.outlets, 0).label("outlets"))
        .select_from(counts.outerjoin(listed, true()).outerjoin(outlets, outlets.c.grp == listed.c.grp))
        .order_by(*in_order, listed.c.nth)
    )


def _browse(conn: Connection, where: ArticleFilter, found: SearchResults) -> None:
    """The newest articles, a page at a time along the index of publication dates; neither grouped nor counted."""
    query = (
        select(*_LISTED, null().label("snippet"), literal(0.0).label("rank"))
        .select_from(_WITH_SOURCE)
        .where(articles.c.is_current)
        .order_by(articles.c.published_at.desc().nulls_last(), articles.c.id.desc())
        .limit(min(max(where.limit, 0), MAX_ID - 1) + 1)
        .offset(min(max(where.offset, 0), MAX_ID))
    )
    rows = [dict(r._mapping) for r in conn.execute(query)]
    found.total = found.groups = None
    found.more = len(rows) > where.limit
    found.hits = [{**r, "copy_count": 0, "copy_outlets": 0, "copies": []} for r in rows[: where.limit]]


def _page_details(conn: Connection, match: _Match, rows: list[Any]) -> list[dict[str, Any]]:
    """The page's results with their snippets, and each one's copies with the kind of link that makes them one."""
    heads = [r.id for r in rows if r.nth == 1]
    listed = {r["id"]: r for r in _listed(conn, match, heads, snippets=True)}
    copy_ids = [r.id for r in rows if r.nth > 1]
    copies = {r["id"]: r for r in _listed(conn, match, copy_ids, snippets=False)}
    kinds = _kinds(conn, rows)
    hits = []
    for row in rows:
        if row.nth == 1:
            hit = {**listed[row.id], "copy_count": row.size - 1, "copy_outlets": row.outlets, "copies": []}
            hits.append(hit)
        else:
            hits[-1]["copies"].append({**copies[row.id], "kind": kinds.get(row.id, "related")})
    return hits


def _listed(conn: Connection, match: _Match, ids: list[int], snippets: bool) -> list[dict[str, Any]]:
    """These articles as a result lists them; `snippets`: with the snippet and rank of the match."""
    if not ids:
        return []
    joined = _WITH_SOURCE
    columns: list[Any] = list(_LISTED)
    chosen = articles.c.id.in_(bindparam("ids", expanding=True))
    if snippets and match.fts:
        joined = _FTS_WITH_SOURCE
        columns.append(literal_column("snippet(articles_fts, 1, '[', ']', '…', 16)").label("snippet"))
        chosen = _FTS.c.rowid.in_(bindparam("ids", expanding=True))  # FTS5 looks each up, not every match
    elif snippets:
        columns.append((match.snippet if match.snippet is not None else null()).label("snippet"))
    if snippets:
        columns.append(match.rank.label("rank"))
    query = select(*columns).select_from(joined).where(chosen)
    if snippets and match.fts and match.condition is not None:
        query = query.where(match.condition)
    return [dict(r._mapping) for r in conn.execute(query, {"ids": ids})]


def _kinds(conn: Connection, rows: list[Any]) -> dict[int, str]:
    """How each copy on the page is linked into its group: to its result directly if it is, else to any member."""
    head_of = {r.grp: r.id for r in rows if r.nth == 1}
    group_of = {r.id: r.grp for r in rows}
    ids = list(group_of)
    found: dict[int, tuple[int, int]] = {}  # copy id -> (0 if linked to its head else 1, kind's place)
    for link in conn.execute(
        select(links.c.origin_id, links.c.copy_id, links.c.kind).where(
            links.c.origin_id.in_(bindparam("ids", expanding=True)),
            links.c.copy_id.in_(bindparam("ids", expanding=True)),
        ),
        {"ids": ids},
    ):
        for this, other in ((link.origin_id, link.copy_id), (link.copy_id, link.origin_id)):
            if group_of.get(this) != group_of.get(other) or head_of.get(group_of[this]) == this:
                continue
            rank = (0 if head_of[group_of[this]] == other else 1, KIND_ORDER.index(link.kind))
            found[this] = min(found.get(this, rank), rank)
    return {copy: KIND_ORDER[rank[1]] for copy, rank in found.items()}


# ---- facets and coverage over time -----------------------------------------------------------------


def _aggregates_query() -> Any:
    """Matching articles per language, outlet and watched entity, and per day and language: one statement."""
    matched = _MATCHES
    day = func.date(matched.c.published)
    parts = [
        select(literal("language"), matched.c.language, null(), null(), func.count()).group_by(matched.c.language),
        select(literal("source"), sources.c.name, null(), null(), func.count())
        .select_from(matched.join(sources, sources.c.id == matched.c.source_id))
        .group_by(sources.c.name),
        select(literal("entity"), mentions.c.entity_id, entities.c.name, null(), func.count(distinct(matched.c.id)))
        .select_from(
            # `+ 0`: no index of the matches can serve the join, so the planner walks the matches and looks up
            # their mentions, rather than every mention in the store (it knows nothing of the table's size)
            matched.join(mentions, mentions.c.article_id == matched.c.id + 0).outerjoin(
                entities, entities.c.id == mentions.c.entity_id
            )
        )
        .group_by(mentions.c.entity_id, entities.c.name),
        # the day as text: PostgreSQL's UNION will not put a date in the column of the names
        select(literal("day"), cast(day, String), null(), matched.c.language, func.count()).group_by(
            day, matched.c.language
        ),
    ]
    return union_all(*parts)


_AGGREGATES = _aggregates_query()


def _aggregates(conn: Connection) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """The facets and the coverage over time of the gathered matches (`_MATCHES`)."""
    facets: dict[str, list[dict[str, Any]]] = {"language": [], "source": [], "entity": []}
    timeline = []
    for facet, value, name, language, count in conn.execute(_AGGREGATES):
        if facet == "day":
            timeline.append({"day": str(value), "language": language, "articles": count})
        elif facet == "entity":
            facets[facet].append({"value": value, "name": name or value, "count": count})
        else:
            facets[facet].append({"value": value, "count": count})
    for values in facets.values():
        values.sort(key=lambda v: (-v["count"], str(v["value"])))
        del values[FACET_VALUES:]
    timeline.sort(key=lambda t: (t["day"], t["language"] or ""))
    return facets, timeline


def iter_articles(conn: Connection, ids: list[int], batch: int = 500) -> Iterator[Any]:
    """The current articles with these ids, with their outlet's name, in the order of `ids`."""
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        query = (
            select(articles, sources.c.name.label("source"))
            .join(sources, sources.c.id == articles.c.source_id)
            .where(articles.c.id.in_(bindparam("ids", expanding=True)))
        )
        by_id = {row.id: row for row in conn.execute(query, {"ids": chunk})}
        yield from (by_id[i] for i in chunk if i in by_id)


def new_matching_ids(conn: Connection, query: str, where: ArticleFilter, limits: SearchLimits, after: int) -> list[int]:
    """The matching current articles with an id above `after`, oldest first (an alert's new articles).

    The full-text index is asked for those rowids only (FTS5 seeks its doclists past `after`), so the cost grows
    with the new articles, not with the store.
    """
    match = _match(conn, query, limits)
    if match is None:
        return []
    query_ids: Select[Any]
    if match.fts and match.condition is not None:
        found = select(_FTS.c.rowid.label("id")).where(match.condition, _FTS.c.rowid > after).subquery()
        query_ids = select(articles.c.id).select_from(found.join(_WITH_SOURCE, articles.c.id == found.c.id))
    else:
        query_ids = select(articles.c.id).select_from(_WITH_SOURCE)
        if match.condition is not None:
            query_ids = query_ids.where(match.condition)
    filtered = _filtered(query_ids.where(articles.c.id > after), where).order_by(articles.c.id)
    with statement_deadline(conn, limits.seconds):
        return list(conn.execute(filtered).scalars())
