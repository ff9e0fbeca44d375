"""Social posts and their accounts: batched upserts (SQLite and PostgreSQL alike), traces, counts, reads.

Writes take whole batches through the driver's own cursor with plain tuples (SQLAlchemy's per-row
processing cost more than the database's work): posts go in with multi-row INSERT ... ON CONFLICT DO
NOTHING RETURNING (SQLite >= 3.35, PostgreSQL), which gives the new posts' ids at once; only the posts
already stored are read back (a few hundred keys per IN) to tell unchanged from updated. Accounts are
few: the importer keeps the ids and stored fields it has seen for the run, so an account is read or
written again only when a row says something new about it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from .schema import accounts, post_traces, posts

# Keys per IN (...): far below SQLite's and PostgreSQL's bound-parameter limits.
KEYS_PER_QUERY = 500
# Rows per multi-row INSERT, and the bound parameters one statement may take (SQLite >= 3.32: 32766).
VALUES_ROWS = 500
MAX_PARAMS = 30_000
IMPORT_CACHE_KIB = 65_536  # SQLite's page cache while importing (its default is 2 MiB)
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
# (platform, account_key, *ACCOUNT_FIELDS)
AccountRow = tuple[str, str, str | None, str | None, int | None, int | None, int | None, str | None]
# (platform, post_key, origin, *POST_FIELDS)
PostRow = tuple[Any, ...]
# (post_id, method, trace, account_id, at_ms)
TraceRow = tuple[int, str, str, int, int]
# What a run knows of the accounts it wrote or read: id and ACCOUNT_FIELDS as stored, by (platform, key).
KnownAccounts = dict[Key, tuple[int, tuple[Any, ...]]]


@contextmanager
def import_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a larger page cache for this connection while an import writes (IMPORT_CACHE_KIB: the
    indexes' pages stay in memory between batches), put back after. Memory only: durability is untouched.
    Nothing on other databases."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    conn.commit()
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.exec_driver_sql(f"PRAGMA cache_size = {before}")
        conn.commit()


def _chunks(keys: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(keys), KEYS_PER_QUERY):
        yield keys[start : start + KEYS_PER_QUERY]


def _by_platform(keys: Sequence[Key]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for platform, key in keys:
        grouped.setdefault(platform, []).append(key)
    return grouped


def _mark(conn: Connection) -> str:
    """The driver's positional placeholder: ? for SQLite, %s for the PostgreSQL drivers."""
    style = conn.dialect.paramstyle
    if style == "qmark":
        return "?"
    if style in ("format", "pyformat"):
        return "%s"
    raise NotImplementedError(f"posts import: driver paramstyle {style!r} is not supported")


def _cursor(conn: Connection) -> Any:
    """The driver's own cursor, inside the connection's transaction: plain tuples in and out, no per-row
    SQLAlchemy processing (the columns written here are plain types that need none)."""
    return conn.connection.cursor()


def _in_chunks(
    cur: Any, mark: str, head: str, platform: str, keys: Sequence[str], column: str
) -> Iterator[tuple[Any, ...]]:
    """Rows of `head` (a SELECT ... WHERE platform = mark) for these keys of `column`, a few hundred per IN."""
    for chunk in _chunks(keys):
        cur.execute(f"{head} AND {column} IN ({', '.join([mark] * len(chunk))})", (platform, *chunk))
        yield from cur.fetchall()


def _insert_returning(
    cur: Any,
    mark: str,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    returning: str,
    skip_conflicts: bool = False,
) -> list[tuple[Any, ...]]:
    """Multi-row INSERT ... RETURNING (SQLite >= 3.35, PostgreSQL), VALUES_ROWS rows a statement; the rows
    returned, in no promised order (callers return a key with the id). `skip_conflicts` leaves out the rows
    whose unique key is stored (ON CONFLICT DO NOTHING): they are not returned."""
    one = f"({', '.join([mark] * len(columns))})"
    per = max(1, min(VALUES_ROWS, MAX_PARAMS // len(columns)))
    conflict = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        values = ", ".join([one] * len(chunk))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}{conflict} RETURNING {returning}"
        cur.execute(sql, [value for row in chunk for value in row])
        found += cur.fetchall()
    return found


def upsert_accounts(
    conn: Connection, given: Sequence[AccountRow], known: KnownAccounts | None = None
) -> dict[Key, int]:
    """Store these accounts; their ids by (platform, key). `known` (kept by the caller for a run, updated
    here) spares the reads and writes of accounts already seen that the rows say nothing new about.

    A value the input leaves out (None) keeps the stored one: a CooRTweet file has no names, an
    archive file does, and importing the first after the second must not wipe them. For one key, the
    last row's values win over earlier ones.
    """
    known = {} if known is None else known
    merged: dict[Key, list[Any]] = {}
    wanted: dict[Key, None] = {}
    for row in given:
        key = (row[0], row[1])
        wanted[key] = None
        values = row[2:]
        seen = merged.get(key)
        if seen is None:
            cached = known.get(key)
            if cached is not None and (
                values == _NO_FIELDS or all(v is None or v == c for v, c in zip(values, cached[1], strict=True))
            ):
                continue  # nothing new about an account this run already has
            merged[key] = list(values)
        else:
            for i, value in enumerate(values):
                if value is not None:
                    seen[i] = value
    if merged:
        _write_accounts(conn, merged, known)
    return {key: known[key][0] for key in wanted}


_NO_FIELDS = (None,) * len(ACCOUNT_FIELDS)  # a row that says nothing about its account (CooRTweet's)


def _write_accounts(conn: Connection, merged: dict[Key, list[Any]], known: KnownAccounts) -> None:
    cur, mark = _cursor(conn), _mark(conn)
    table = accounts.name
    unknown = [key for key in merged if key not in known]
    head = f"SELECT id, account_key, {', '.join(ACCOUNT_FIELDS)} FROM {table} WHERE platform = {mark}"
    for platform, wanted in _by_platform(unknown).items():
        for row in _in_chunks(cur, mark, head, platform, wanted, "account_key"):
            known[(platform, row[1])] = (row[0], tuple(row[2:]))
    fresh: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    for key, values in merged.items():
        cached = known.get(key)
        if cached is None:
            fresh.append((*key, *values))
            continue
        kept = tuple(c if v is None else v for v, c in zip(values, cached[1], strict=True))
        if kept != cached[1]:
            changed.append((*kept, cached[0]))
            known[key] = (cached[0], kept)
    if fresh:
        columns = ("platform", "account_key", *ACCOUNT_FIELDS)
        by_key = {(row[0], row[1]): row[2:] for row in fresh}
        for platform, account_key, account_id in _insert_returning(
            cur, mark, table, columns, fresh, "platform, account_key, id"
        ):
            known[(platform, account_key)] = (account_id, tuple(by_key[(platform, account_key)]))
    if changed:
        sets = ", ".join(f"{name} = {mark}" for name in ACCOUNT_FIELDS)
        cur.executemany(f"UPDATE {table} SET {sets} WHERE id = {mark}", changed)


def upsert_posts(conn: Connection, given: Sequence[PostRow], stamp: datetime) -> list[tuple[str, int]]:
    """Store these posts (tuples of platform, post_key, origin and POST_FIELDS); each one's status and id.

    Status: new, updated or unchanged. `stamp` is this run's imported_at: a post already written with
    it is a duplicate id within the run, and the later copy wins as "updated" even when it says the same.
    Keys must be distinct within `given`.
    """
    cur, mark = _cursor(conn), _mark(conn)
    table = posts.name
    to_driver = posts.c.imported_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    stamped = to_driver(stamp) if to_driver else stamp  # the driver gets what SQLAlchemy would give it
    columns = ("platform", "post_key", "origin", "imported_at", *POST_FIELDS)
    rows = [(post[0], post[1], post[2], stamped, *post[3:]) for post in given]
    ids: dict[Key, int] = {
        (platform, key): post_id
        for platform, key, post_id in _insert_returning(
            cur, mark, table, columns, rows, "platform, post_key, id", skip_conflicts=True
        )
    }
    statuses: dict[Key, str] = dict.fromkeys(ids, "new")
    if len(ids) < len(given):
        by_key = {(post[0], post[1]): post for post in given}
        stored = [key for key in by_key if key not in ids]
        head = f"SELECT id, post_key, imported_at, {', '.join(POST_FIELDS)} FROM {table} WHERE platform = {mark}"
        changed = []
        for platform, wanted in _by_platform(stored).items():
            for row in _in_chunks(cur, mark, head, platform, wanted, "post_key"):
                key = (platform, row[1])
                post = by_key[key]
                ids[key] = row[0]
                if row[2] == stamped or tuple(row[3:]) != tuple(post[3:]):
                    statuses[key] = "updated"
                    changed.append((*post[3:], post[2], stamped, row[0]))
                else:
                    statuses[key] = "unchanged"
        if changed:
            sets = ", ".join(f"{name} = {mark}" for name in (*POST_FIELDS, "origin", "imported_at"))
            cur.executemany(f"UPDATE {table} SET {sets} WHERE id = {mark}", changed)
    return [(statuses[key], ids[key]) for key in ((post[0], post[1]) for post in given)]


def replace_traces(conn: Connection, post_ids: Sequence[int], rows: Sequence[TraceRow]) -> None:
    """Drop the stored traces of these posts and store `rows` (post_id, method, trace, account_id, at_ms)."""
    cur, mark = _cursor(conn), _mark(conn)
    table = post_traces.name
    if post_ids:
        cur.executemany(f"DELETE FROM {table} WHERE post_id = {mark}", [(post_id,) for post_id in post_ids])
    if rows:
        names = ("post_id", "method", "trace", "account_id", "at_ms")
        cur.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join([mark] * 5)})", rows)


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
    for row in conn.execute(query, execution_options={"yield_per": 2000}):  # this statement's, not the connection's
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
