"""Social posts and their accounts: batched upserts (SQLite and PostgreSQL alike), traces, counts, reads.

Writes take whole batches: one SELECT per few hundred keys to learn what is stored, then one executemany
each for the inserts, the updates and the traces, so that a million posts cost thousands of statements,
not millions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from .schema import accounts, post_traces, posts

# Keys per IN (...): far below SQLite's and PostgreSQL's bound-parameter limits.
KEYS_PER_QUERY = 500
ACCOUNT_FIELDS = ("name", "screen_name", "created_ms", "followers", "following", "language")
# What makes a re-imported post "unchanged": everything it says, not where or when it was read.
POST_FIELDS = (
    "account_id",
    "posted_ms",
    "text",
    "language",
    "links",
    "hashtags",
    "mentions",
    "reply_to",
    "repost_of",
    "quote_of",
    "client",
)
Key = tuple[str, str]  # (platform, key as the input spelled it)


def _chunks(keys: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(keys), KEYS_PER_QUERY):
        yield keys[start : start + KEYS_PER_QUERY]


def _execute_many(conn: Connection, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
    """`statement` once per row through the driver's executemany: SQLAlchemy's per-row parameter
    processing costs more than SQLite's insert itself. Compiled for the connection's dialect, so the
    same code runs on SQLite (positional ?) and PostgreSQL (named %(x)s); the columns are plain types
    that need no bind processing."""
    compiled = statement.compile(dialect=conn.dialect)
    if compiled.positional:
        order = compiled.positiontup or []
        conn.exec_driver_sql(str(compiled), [tuple(row[name] for name in order) for row in rows])
    else:
        conn.exec_driver_sql(str(compiled), list(rows))


def _by_platform(keys: Iterable[Key]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for platform, key in keys:
        grouped.setdefault(platform, []).append(key)
    return grouped


def _stored_accounts(conn: Connection, keys: Iterable[Key]) -> dict[Key, Any]:
    found: dict[Key, Any] = {}
    for platform, wanted in _by_platform(keys).items():
        for chunk in _chunks(wanted):
            query = select(accounts).where(accounts.c.platform == platform, accounts.c.account_key.in_(chunk))
            found.update({(platform, row.account_key): row for row in conn.execute(query)})
    return found


def upsert_accounts(conn: Connection, given: Sequence[dict[str, Any]]) -> dict[Key, int]:
    """Store these accounts (dicts of platform, account_key and ACCOUNT_FIELDS); their ids by (platform, key).

    A value the input leaves out (None) keeps the stored one: a CooRTweet file has no names, an
    archive file does, and importing the first after the second must not wipe them.
    """
    merged: dict[Key, dict[str, Any]] = {}
    for account in given:
        key = (account["platform"], account["account_key"])
        seen = merged.setdefault(key, dict(account))
        seen.update({name: value for name, value in account.items() if value is not None})
    stored = _stored_accounts(conn, merged)
    fresh = [values for key, values in merged.items() if key not in stored]
    changed = []
    for key, values in merged.items():
        row = stored.get(key)
        if row is None:
            continue
        kept = {name: getattr(row, name) if values.get(name) is None else values[name] for name in ACCOUNT_FIELDS}
        if any(kept[name] != getattr(row, name) for name in ACCOUNT_FIELDS):
            changed.append({"_id": row.id, **kept})
    if fresh:
        _execute_many(
            conn,
            insert(accounts).values({name: bindparam(name) for name in ("platform", "account_key", *ACCOUNT_FIELDS)}),
            [
                {"platform": v["platform"], "account_key": v["account_key"], **{n: v.get(n) for n in ACCOUNT_FIELDS}}
                for v in fresh
            ],
        )
    if changed:
        columns: dict[str, Any] = {name: bindparam(name) for name in ACCOUNT_FIELDS}
        _execute_many(conn, update(accounts).where(accounts.c.id == bindparam("_id")).values(columns), changed)
    ids = {key: row.id for key, row in stored.items()}
    if fresh:
        ids.update({key: row.id for key, row in _stored_accounts(conn, [k for k in merged if k not in ids]).items()})
    return ids


def _stored_posts(conn: Connection, keys: Iterable[Key]) -> dict[Key, Any]:
    found: dict[Key, Any] = {}
    columns = [posts.c.id, posts.c.post_key, posts.c.imported_at, *(posts.c[name] for name in POST_FIELDS)]
    for platform, wanted in _by_platform(keys).items():
        for chunk in _chunks(wanted):
            query = select(*columns).where(posts.c.platform == platform, posts.c.post_key.in_(chunk))
            found.update({(platform, row.post_key): row for row in conn.execute(query)})
    return found


def upsert_posts(conn: Connection, given: Sequence[dict[str, Any]], stamp: datetime) -> list[tuple[str, int]]:
    """Store these posts (dicts of platform, post_key, origin and POST_FIELDS); each one's status and id.

    Status: new, updated or unchanged. `stamp` is this run's imported_at: a post already written with
    it is a duplicate id within the run, and the later copy wins as "updated" even when it says the same.
    Keys must be distinct within `given`.
    """
    keys = [(post["platform"], post["post_key"]) for post in given]
    stored = _stored_posts(conn, keys)
    to_driver = posts.c.imported_at.type.bind_processor(conn.dialect)
    stamped = to_driver(stamp) if to_driver else stamp  # the driver gets what SQLAlchemy would give it
    statuses: list[str] = []
    fresh, changed = [], []
    for key, post in zip(keys, given, strict=True):
        row = stored.get(key)
        if row is None:
            statuses.append("new")
            fresh.append({**post, "imported_at": stamped})
        elif row.imported_at == stamp or any(post[name] != getattr(row, name) for name in POST_FIELDS):
            statuses.append("updated")
            changed.append({"_id": row.id, "origin": post["origin"], **{name: post[name] for name in POST_FIELDS}})
        else:
            statuses.append("unchanged")
    if fresh:
        names = ("platform", "post_key", "origin", "imported_at", *POST_FIELDS)
        _execute_many(conn, insert(posts).values({name: bindparam(name) for name in names}), fresh)
        stored.update(_stored_posts(conn, [key for key, status in zip(keys, statuses, strict=True) if status == "new"]))
    if changed:
        columns: dict[str, Any] = {name: bindparam(name) for name in (*POST_FIELDS, "origin")}
        statement = (
            update(posts)
            .where(posts.c.id == bindparam("_id"))
            .values({**columns, "imported_at": bindparam("imported_at")})
        )
        _execute_many(conn, statement, [{**row, "imported_at": stamped} for row in changed])
    return [(status, stored[key].id) for key, status in zip(keys, statuses, strict=True)]


def replace_traces(conn: Connection, post_ids: Sequence[int], rows: Sequence[dict[str, Any]]) -> None:
    """Drop the stored traces of these posts and store `rows` (post_id, method, trace, account_id, at_ms)."""
    if post_ids:
        deleting = delete(post_traces).where(post_traces.c.post_id == bindparam("_id"))
        _execute_many(conn, deleting, [{"_id": post_id} for post_id in post_ids])
    if rows:
        names = ("post_id", "method", "trace", "account_id", "at_ms")
        _execute_many(conn, insert(post_traces).values({name: bindparam(name) for name in names}), rows)


# ---- reads -------------------------------------------------------------------------------------


def post_counts(conn: Connection) -> dict[str, Any]:
    """Posts, accounts, platforms, the time span and traces per method."""
    total, first, last = conn.execute(
        select(func.count(), func.min(posts.c.posted_ms), func.max(posts.c.posted_ms))
    ).one()
    platforms = conn.execute(
        select(posts.c.platform, func.count()).group_by(posts.c.platform).order_by(posts.c.platform)
    ).all()
    traces = conn.execute(
        select(post_traces.c.method, func.count()).group_by(post_traces.c.method).order_by(post_traces.c.method)
    ).all()
    return {
        "posts": int(total),
        "accounts": int(conn.execute(select(func.count()).select_from(accounts)).scalar_one()),
        "platforms": {platform: int(count) for platform, count in platforms},
        "first_ms": first,
        "last_ms": last,
        "first_at": None if first is None else _iso_ms(first),
        "last_at": None if last is None else _iso_ms(last),
        "traces": {method: int(count) for method, count in traces},
    }


def account_by_key(conn: Connection, platform: str, key: str) -> dict[str, Any] | None:
    """An account by its key as the input spelled it, with its post count and first and last post times."""
    found = conn.execute(
        select(accounts.c.id).where(accounts.c.platform == platform, accounts.c.account_key == key)
    ).scalar()
    return None if found is None else account_row(conn, int(found))


def account_row(conn: Connection, account_id: int) -> dict[str, Any] | None:
    """An account with `posts` (its post count), `first_ms` and `last_ms` (its first and last post times)."""
    row = conn.execute(select(accounts).where(accounts.c.id == account_id)).first()
    if row is None:
        return None
    activity = select(func.count(), func.min(posts.c.posted_ms), func.max(posts.c.posted_ms))
    count, first, last = conn.execute(activity.where(posts.c.account_id == account_id)).one()
    return {**row._asdict(), "posts": int(count), "first_ms": first, "last_ms": last}


_WITH_ACCOUNT = select(
    posts,
    accounts.c.account_key,
    accounts.c.name.label("account_name"),
    accounts.c.screen_name.label("account_screen_name"),
).join(accounts, accounts.c.id == posts.c.account_id)


def posts_by_ids(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """These posts with their account's key and names, in the order of `ids` (ids not stored left out)."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), KEYS_PER_QUERY):
        chunk = list(ids[start : start + KEYS_PER_QUERY])
        found.update({row.id: row._asdict() for row in conn.execute(_WITH_ACCOUNT.where(posts.c.id.in_(chunk)))})
    return [found[post_id] for post_id in ids if post_id in found]


def iter_posts(conn: Connection, since_ms: int | None = None) -> Iterator[dict[str, Any]]:
    """Every post with its account's key and names, oldest first (the `posts` export)."""
    query = _WITH_ACCOUNT.order_by(posts.c.posted_ms, posts.c.id)
    if since_ms is not None:
        query = query.where(posts.c.posted_ms >= since_ms)
    for row in conn.execution_options(yield_per=2000).execute(query):
        yield row._asdict()


# ---- the `posts` export -------------------------------------------------------------------------

POST_EXPORT_FIELDS = {
    "platform": "the platform the post is from (twitter, telegram, ... or as --platform named it)",
    "post_id": "the post's id exactly as the input spelled it (may be a hash)",
    "account_id": "the account's id exactly as the input spelled it",
    "account_name": "the account's display name (else its screen name), where the input has it",
    "posted_at": "the post's time, UTC, ISO 8601 with milliseconds",
    "text": "the post's text",
    "language": "the language the input gives",
    "links": "the links, normalised as article URLs are",
    "hashtags": "hashtags, lower-cased, without '#'",
    "mentions": "accounts mentioned, lower-cased, without '@'",
    "reply_to": "the id of the post replied to",
    "repost_of": "the id of the post reposted (retweet, forward)",
    "quote_of": "the id of the post quoted",
    "client": "the app it was posted with",
}


def post_export_rows(conn: Connection, since: datetime | None) -> Iterator[dict[str, Any]]:
    """Every post (posted at or after `since`, naive UTC) as the `posts` export writes it."""
    since_ms = None if since is None else int((since - _EPOCH).total_seconds() * 1000)
    for row in iter_posts(conn, since_ms):
        yield {
            "platform": row["platform"],
            "post_id": row["post_key"],
            "account_id": row["account_key"],
            "account_name": row["account_name"] or row["account_screen_name"],
            "posted_at": _iso_ms(row["posted_ms"]),
            "text": row["text"],
            "language": row["language"],
            "links": json.loads(row["links"] or "[]"),
            "hashtags": json.loads(row["hashtags"] or "[]"),
            "mentions": json.loads(row["mentions"] or "[]"),
            "reply_to": row["reply_to"],
            "repost_of": row["repost_of"],
            "quote_of": row["quote_of"],
            "client": row["client"],
        }


_EPOCH = datetime(1970, 1, 1)


def _iso_ms(ms: int) -> str:
    return (_EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds") + "Z"
