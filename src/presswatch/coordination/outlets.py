"""Outlets as accounts (`--include-articles`): each current article is a use of its text fingerprint by its outlet.

The store keeps no outgoing links of articles, so an article's traces are its co-text band keys only. Its post
id in the evidence is the article id negated, so that readers can tell an article from a post.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, String, Table, insert, select

from ..store.queries import PUBLISHED
from ..store.schema import accounts, articles, sources
from .traces import CO_TEXT, text_keys

OUTLET_PLATFORM = "web"
BATCH = 500

_temporary = MetaData()
article_traces = Table(
    "coordination_article_traces",
    _temporary,
    Column("post_id", Integer, nullable=False),
    Column("method", String, nullable=False),
    Column("trace", String, nullable=False),
    Column("account_id", Integer, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)


def load_article_traces(connection: Connection) -> int:
    """Fill the temporary table with the articles' traces (outlets upserted as accounts); the number of articles."""
    article_traces.create(connection, checkfirst=True)
    outlet_ids = _outlet_accounts(connection)
    count, after = 0, 0
    while batch := _articles_after(connection, after):
        after = batch[-1].id
        batch = [row for row in batch if row.source_id in outlet_ids]  # an article of no known outlet has no account
        count += len(batch)
        keys = text_keys([row.text or "" for row in batch])
        values = [
            {
                "post_id": -row.id,
                "method": CO_TEXT,
                "trace": key,
                "account_id": outlet_ids[row.source_id],
                "at_ms": _epoch_ms(row.published),
            }
            for row, found in zip(batch, keys, strict=True)
            for key in found
        ]
        if values:
            connection.execute(insert(article_traces), values)
    return count


def _articles_after(connection: Connection, after: int) -> list[Any]:
    """The next batch of current articles by id: a large store is read a batch at a time, never whole."""
    query = (
        select(articles.c.id, articles.c.source_id, articles.c.text, PUBLISHED.label("published"))
        .where(articles.c.is_current.is_(True), articles.c.id > after)
        .order_by(articles.c.id)
        .limit(BATCH)
    )
    return list(connection.execute(query).all())


def _outlet_accounts(connection: Connection) -> dict[int, int]:
    """Account id per source id, creating the outlet's account (platform "web", key = source name) if new."""
    known = dict(
        connection.execute(
            select(accounts.c.account_key, accounts.c.id).where(accounts.c.platform == OUTLET_PLATFORM)
        ).all()
    )
    found: dict[int, int] = {}
    for source_id, name, domain in connection.execute(select(sources.c.id, sources.c.name, sources.c.domain)):
        if name not in known:
            made = insert(accounts).values(platform=OUTLET_PLATFORM, account_key=name, screen_name=domain)
            known[name] = connection.execute(made.returning(accounts.c.id)).scalar_one()
        found[source_id] = known[name]
    return found


def _epoch_ms(moment: datetime) -> int:
    """UTC epoch ms of a stored time (naive times in the store are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
