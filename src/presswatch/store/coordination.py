"""Reading coordination runs back: runs, their groups, one group with its evidence, an account's groups, export rows.

The detection engine writes these tables (`coordination/`); nothing here writes. Times are kept as UTC epoch
milliseconds and handed on as naive UTC date-times, as the rest of the store does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.orm import aliased

from .schema import (
    accounts,
    coordination_edges,
    coordination_groups,
    coordination_members,
    coordination_runs,
    posts,
    sources,
)

TIMELINE_POSTS = 2000  # a group page draws at most this many of its coordinated posts
EVIDENCE_ROWS = 500  # and lists at most this many pieces of evidence
_CHUNK = 500  # ids per IN (...) list: well under SQLite's bound-parameter limit


def moment(ms: int | None) -> datetime | None:
    """Epoch milliseconds as a naive UTC date-time."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None)


def _json(text: str | None, empty: Any) -> Any:
    if not text:
        return empty
    try:
        return json.loads(text)
    except ValueError:
        return empty


def _methods(value: str | None) -> list[str]:
    return [m for m in (value or "").split(",") if m]


# ---- runs -------------------------------------------------------------------------------------------


def latest_run(conn: Connection) -> int | None:
    found = conn.execute(select(func.max(coordination_runs.c.id))).scalar()
    return int(found) if found is not None else None


def run_exists(conn: Connection, run_id: int) -> bool:
    return conn.execute(select(coordination_runs.c.id).where(coordination_runs.c.id == run_id)).first() is not None


def _run_spans(conn: Connection, run_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each run's edges and the time its evidence spans."""
    e = coordination_edges.c
    query = (
        select(e.run_id, func.count(), func.min(e.first_ms), func.max(e.last_ms))
        .where(e.run_id.in_(run_ids))
        .group_by(e.run_id)
    )
    return {
        row[0]: {"edges": row[1], "first_at": moment(row[2]), "last_at": moment(row[3])} for row in conn.execute(query)
    }


def runs(conn: Connection, run_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The runs (or these ones), newest first: parameters, summary, how many edges and groups, the time spanned."""
    r = coordination_runs.c
    groups = select(func.count()).where(coordination_groups.c.run_id == r.id).scalar_subquery()
    query = select(r.id, r.created_at, r.parameters, r.summary, groups.label("groups")).order_by(r.id.desc())
    if run_ids is not None:
        query = query.where(r.id.in_(run_ids))
    rows = conn.execute(query).all()
    spans = _run_spans(conn, [row.id for row in rows])
    return [
        {
            "run": row.id,
            "created_at": row.created_at,
            "parameters": _json(row.parameters, {}),
            "summary": _json(row.summary, {}),
            "groups": row.groups,
            **spans.get(row.id, {"edges": 0, "first_at": None, "last_at": None}),
        }
        for row in rows
    ]


# ---- groups -----------------------------------------------------------------------------------------


def _group_spans(conn: Connection, run_id: int) -> dict[int, tuple[int, int, int]]:
    """Per group of the run: the first and last time of the edges among its members, and how many edges."""
    e = coordination_edges.c
    ma, mb = aliased(coordination_members), aliased(coordination_members)
    g = coordination_groups.c
    query = (
        select(ma.c.group_id, func.min(e.first_ms), func.max(e.last_ms), func.count())
        .select_from(coordination_edges)
        .join(ma, ma.c.account_id == e.account_a)
        .join(mb, and_(mb.c.account_id == e.account_b, mb.c.group_id == ma.c.group_id))
        .join(coordination_groups, and_(g.id == ma.c.group_id, g.run_id == e.run_id))
        .where(e.run_id == run_id)
        .group_by(ma.c.group_id)
    )
    return {row[0]: (row[1], row[2], row[3]) for row in conn.execute(query)}


def _member_keys(conn: Connection, group_ids: list[int]) -> dict[int, list[str]]:
    m = coordination_members.c
    found: dict[int, list[str]] = {}
    for chunk in _chunks(group_ids):
        query = (
            select(m.group_id, accounts.c.account_key)
            .join(accounts, accounts.c.id == m.account_id)
            .where(m.group_id.in_(chunk))
            .order_by(m.group_id, accounts.c.account_key)
        )
        for group_id, key in conn.execute(query):
            found.setdefault(group_id, []).append(key)
    return found


def groups(
    conn: Connection, run_id: int, since_ms: int | None = None, until_ms: int | None = None
) -> list[dict[str, Any]]:
    """The groups of a run, by number (largest first); with `since_ms`/`until_ms` only those whose edges fall
    (partly) between the two."""
    g = coordination_groups.c
    rows = conn.execute(select(coordination_groups).where(g.run_id == run_id).order_by(g.number)).all()
    spans = _group_spans(conn, run_id)
    keys = _member_keys(conn, [row.id for row in rows])
    found = []
    for row in rows:
        first, last, edges = spans.get(row.id, (None, None, 0))
        if since_ms is not None and (last is None or last < since_ms):
            continue
        if until_ms is not None and (first is None or first >= until_ms):
            continue
        found.append(
            {
                "run": run_id,
                "group": row.number,
                "size": row.size,
                "score": row.score,
                "methods": _methods(row.methods),
                "accounts": keys.get(row.id, []),
                "edges": edges,
                "first_at": moment(first),
                "last_at": moment(last),
                "summary": _json(row.summary, {}),
            }
        )
    return found


def group_id(conn: Connection, run_id: int, number: int) -> int | None:
    g = coordination_groups.c
    found = conn.execute(select(g.id).where(g.run_id == run_id, g.number == number)).scalar()
    return int(found) if found is not None else None


def _account_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "platform": row.platform,
        "account_key": row.account_key,
        "name": row.name,
        "screen_name": row.screen_name,
        "created_at": moment(row.created_ms),
        "followers": row.followers,
        "following": row.following,
        "language": row.language,
    }


def _edge_dict(row: Any, keys: dict[int, str], post_keys: dict[int, Any]) -> dict[str, Any]:
    evidence = []
    for item in _json(row.evidence, []):
        post_a, post_b = post_keys.get(item.get("post_a")), post_keys.get(item.get("post_b"))
        evidence.append(
            {
                "trace": item.get("trace"),
                "method": item.get("method"),
                "post_a": post_a["post_key"] if post_a else item.get("post_a"),
                "post_b": post_b["post_key"] if post_b else item.get("post_b"),
                "text_a": post_a["text"] if post_a else None,
                "text_b": post_b["text"] if post_b else None,
                "time_a": moment(item.get("time_a")),
                "time_b": moment(item.get("time_b")),
            }
        )
    return {
        "account_a": keys.get(row.account_a, str(row.account_a)),
        "account_b": keys.get(row.account_b, str(row.account_b)),
        "account_a_id": row.account_a,
        "account_b_id": row.account_b,
        "methods": _methods(row.methods),
        "weight": row.weight,
        "p_value": row.p_value,
        "first_at": moment(row.first_ms),
        "last_at": moment(row.last_ms),
        "a_first": row.a_first,
        "b_first": row.b_first,
        "evidence": evidence,
    }


def _posts_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    wanted = sorted({i for i in ids if isinstance(i, int)})
    found: dict[int, dict[str, Any]] = {}
    p = posts.c
    for chunk in _chunks(wanted):
        query = select(p.id, p.post_key, p.account_id, p.posted_ms, p.text, p.language, p.links).where(p.id.in_(chunk))
        for row in conn.execute(query):
            found[row.id] = {
                "id": row.id,
                "post_key": row.post_key,
                "account_id": row.account_id,
                "posted_at": moment(row.posted_ms),
                "text": row.text,
                "language": row.language,
                "links": _json(row.links, []),
            }
    return found


def group(conn: Connection, run_id: int, number: int) -> dict[str, Any] | None:
    """One group: its members (with their account rows and their weight inside the group), the edges among them
    with their evidence, the coordinated posts in time order and the members' creation dates."""
    gid = group_id(conn, run_id, number)
    if gid is None:
        return None
    row = conn.execute(select(coordination_groups).where(coordination_groups.c.id == gid)).one()
    member_rows = conn.execute(
        select(accounts)
        .join(coordination_members, coordination_members.c.account_id == accounts.c.id)
        .where(coordination_members.c.group_id == gid)
        .order_by(accounts.c.account_key)
    ).all()
    members = {m.id: _account_dict(m) for m in member_rows}
    keys = {i: m["account_key"] for i, m in members.items()}
    e = coordination_edges.c
    ids = list(members)
    edge_rows: list[Any] = []
    for chunk in _chunks(ids):
        edge_rows += conn.execute(
            select(coordination_edges).where(e.run_id == run_id, e.account_a.in_(chunk)).order_by(e.weight.desc())
        ).all()
    edge_rows = [r for r in edge_rows if r.account_b in members]
    edge_rows.sort(key=lambda r: (-r.weight, r.account_a, r.account_b))
    post_ids: list[int] = []
    for r in edge_rows:
        for item in _json(r.evidence, []):
            post_ids += [item.get("post_a"), item.get("post_b")]
    post_keys = _posts_by_id(conn, post_ids)
    edges = [_edge_dict(r, keys, post_keys) for r in edge_rows]
    for m in members.values():
        m.update(degree=0, strength=0)
    for r in edge_rows:
        for end in (r.account_a, r.account_b):
            members[end]["degree"] += 1
            members[end]["strength"] += r.weight
    timeline = sorted(
        ({**p, "account_key": keys.get(p["account_id"], "")} for p in post_keys.values()),
        key=lambda p: (p["posted_at"], p["id"]),
    )
    total = len(timeline)
    if total > TIMELINE_POSTS:  # evenly over the whole span, not its first hours
        timeline = timeline[:: -(-total // TIMELINE_POSTS)]
    first = min((r.first_ms for r in edge_rows), default=None)
    last = max((r.last_ms for r in edge_rows), default=None)
    return {
        "run": run_id,
        "group": row.number,
        "size": row.size,
        "score": row.score,
        "methods": _methods(row.methods),
        "summary": _json(row.summary, {}),
        "first_at": moment(first),
        "last_at": moment(last),
        "members": sorted(members.values(), key=lambda m: (-m["strength"], m["account_key"])),
        "edges": edges,
        "timeline": timeline,
        "posts": total,
        "created": sorted(
            ({"account_key": m["account_key"], "created_at": m["created_at"]} for m in members.values()),
            key=lambda c: (c["created_at"] is None, c["created_at"] or datetime.min, c["account_key"]),
        ),
    }


# ---- accounts ---------------------------------------------------------------------------------------


def find_accounts(conn: Connection, key_or_id: str, platform: str | None = None) -> list[dict[str, Any]]:
    """Accounts whose key (as the input spelled it) or screen name is `key_or_id`, or whose row id it is
    (written `#12` or, when no key matches, `12`)."""
    a = accounts.c
    text = key_or_id.strip()
    by_row = text.removeprefix("#")
    query = select(accounts).where(or_(a.account_key == text, a.screen_name == text))
    if platform:
        query = query.where(a.platform == platform)
    rows = conn.execute(query.order_by(a.id)).all()
    if (not rows or text.startswith("#")) and by_row.isdigit() and len(by_row) < 19:
        rows = conn.execute(select(accounts).where(a.id == int(by_row))).all()
    return [_account_dict(row) for row in rows]


def account_groups(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    """The groups the account is in, over every run, newest run first."""
    g = coordination_groups.c
    query = (
        select(coordination_groups)
        .join(coordination_members, coordination_members.c.group_id == g.id)
        .where(coordination_members.c.account_id == account_id)
        .order_by(g.run_id.desc(), g.number)
    )
    return [
        {
            "run": row.run_id,
            "group": row.number,
            "size": row.size,
            "score": row.score,
            "methods": _methods(row.methods),
        }
        for row in conn.execute(query)
    ]


def account_partners(conn: Connection, run_id: int, account_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The accounts it is linked to in a run, strongest first."""
    e = coordination_edges.c
    query = (
        select(e.account_a, e.account_b, e.weight, e.methods, e.p_value, e.a_first, e.b_first)
        .where(e.run_id == run_id, or_(e.account_a == account_id, e.account_b == account_id))
        .order_by(e.weight.desc())
        .limit(limit)
    )
    rows = conn.execute(query).all()
    others = {r.account_b if r.account_a == account_id else r.account_a for r in rows}
    names = {
        r.id: r
        for chunk in _chunks(sorted(others))
        for r in conn.execute(
            select(accounts.c.id, accounts.c.account_key, accounts.c.platform).where(accounts.c.id.in_(chunk))
        )
    }
    found = []
    for r in rows:
        mine_a = r.account_a == account_id
        other = names.get(r.account_b if mine_a else r.account_a)
        found.append(
            {
                "account_id": other.id if other else None,
                "account_key": other.account_key if other else None,
                "platform": other.platform if other else None,
                "weight": r.weight,
                "methods": _methods(r.methods),
                "p_value": r.p_value,
                "led": r.a_first if mine_a else r.b_first,  # traces this account used first
                "followed": r.b_first if mine_a else r.a_first,
            }
        )
    return found


def account_activity(conn: Connection, account_id: int) -> dict[str, Any]:
    p = posts.c
    count, first, last = conn.execute(
        select(func.count(), func.min(p.posted_ms), func.max(p.posted_ms)).where(p.account_id == account_id)
    ).one()
    return {"posts": count, "first_post_at": moment(first), "last_post_at": moment(last)}


def outlet_accounts(conn: Connection, source_id: int) -> list[int]:
    """The accounts an outlet takes part in detection as (platform "web", keyed by its name or domain)."""
    row = conn.execute(select(sources.c.name, sources.c.domain).where(sources.c.id == source_id)).first()
    if row is None:
        return []
    keys = [k for k in (row.name, row.domain) if k]
    query = select(accounts.c.id).where(accounts.c.platform == "web", accounts.c.account_key.in_(keys))
    return [int(i) for i in conn.execute(query).scalars()]


# ---- export rows ------------------------------------------------------------------------------------


def _keys_of(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks(sorted(set(ids))):
        query = select(accounts.c.id, accounts.c.account_key).where(accounts.c.id.in_(chunk))
        found.update({row.id: row.account_key for row in conn.execute(query)})
    return found


def edge_rows(conn: Connection, run_id: int, since_ms: int | None = None) -> Iterator[dict[str, Any]]:
    """Every edge of a run, strongest first, with its accounts and evidence posts by their keys."""
    e = coordination_edges.c
    query = select(coordination_edges).where(e.run_id == run_id).order_by(e.weight.desc(), e.id)
    if since_ms is not None:
        query = query.where(e.last_ms >= since_ms)
    batch: list[Any] = []
    for row in conn.execute(query).yield_per(_CHUNK):
        batch.append(row)
        if len(batch) == _CHUNK:
            yield from _edge_batch(conn, batch)
            batch = []
    yield from _edge_batch(conn, batch)


def _edge_batch(conn: Connection, batch: list[Any]) -> Iterator[dict[str, Any]]:
    if not batch:
        return
    keys = _keys_of(conn, [end for r in batch for end in (r.account_a, r.account_b)])
    post_ids = [item.get(side) for r in batch for item in _json(r.evidence, []) for side in ("post_a", "post_b")]
    found = _posts_by_id(conn, post_ids)
    for r in batch:
        yield {"run": r.run_id, **_edge_dict(r, keys, found)}


def group_rows(conn: Connection, run_id: int) -> Iterator[dict[str, Any]]:
    yield from groups(conn, run_id)


def memberships(conn: Connection, run_id: int) -> dict[int, int]:
    """account id -> the number of its group in the run."""
    g = coordination_groups.c
    query = (
        select(coordination_members.c.account_id, g.number)
        .join(coordination_groups, g.id == coordination_members.c.group_id)
        .where(g.run_id == run_id)
    )
    return {row[0]: row[1] for row in conn.execute(query)}


def network(conn: Connection, run_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A run's network for Gephi: its accounts (id, label, platform, group) and edges (weight, methods, p-value)."""
    e = coordination_edges.c
    edges = [
        {
            "source": r.account_a,
            "target": r.account_b,
            "weight": r.weight,
            "methods": r.methods,
            "p_value": r.p_value,
            "a_first": r.a_first,
            "b_first": r.b_first,
        }
        for r in conn.execute(
            select(e.account_a, e.account_b, e.weight, e.methods, e.p_value, e.a_first, e.b_first)
            .where(e.run_id == run_id)
            .order_by(e.id)
        )
    ]
    groups_of = memberships(conn, run_id)
    ids = sorted({end for edge in edges for end in (edge["source"], edge["target"])} | set(groups_of))
    nodes = []
    for chunk in _chunks(ids):
        for row in conn.execute(select(accounts).where(accounts.c.id.in_(chunk)).order_by(accounts.c.id)):
            nodes.append(
                {
                    "id": row.id,
                    "label": row.screen_name or row.name or row.account_key,
                    "account_key": row.account_key,
                    "platform": row.platform,
                    "group": groups_of.get(row.id, 0),
                }
            )
    return nodes, edges


def _chunks(ids: list[Any]) -> Iterator[list[Any]]:
    for at in range(0, len(ids), _CHUNK):
        yield ids[at : at + _CHUNK]
