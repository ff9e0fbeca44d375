"""Alert rules, their matches and the delivery outbox, and the jobs of `presswatch run`: reads and writes.

Matches and the deliveries that carry them are written by `record_matches` in the caller's transaction, with
the rule's watermarks: a crash before the commit leaves all three as they were, one after it leaves the
deliveries pending for the sender.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, func, insert, select, update

from ..errors import NotFound, UsageError
from .queries import PUBLISHED
from .schema import (
    accounts,
    alert_deliveries,
    alert_group_matches,
    alert_matches,
    alert_rules,
    articles,
    coordination_edges,
    coordination_groups,
    coordination_members,
    coordination_runs,
    jobs,
    links,
    sources,
)

DELIVERY_STATUSES = ("pending", "sending", "sent", "failed")


@dataclass(frozen=True)
class Found:
    """An article a rule matched, and the sentence saying why."""

    article_id: int
    why: str


@dataclass(frozen=True)
class GroupFound:
    """A coordinated group a rule matched (a run's group), its accounts (ids), new or grown, and why."""

    run_id: int
    number: int
    accounts: list[int]
    kind: str
    why: str
    item: dict[str, Any]  # what a message shows of it


@dataclass(frozen=True)
class Batch:
    """Where a rule's new matches go: the delivery (per channel) with this key, due at `due`."""

    key: str
    due: datetime


# ---- rules -----------------------------------------------------------------------------------------------


def newest_ids(conn: Connection) -> tuple[int, int]:
    """The highest article id and reuse link id: a new rule's watermarks (it alerts on what comes next)."""
    article = conn.execute(select(func.max(articles.c.id))).scalar() or 0
    link = conn.execute(select(func.max(links.c.id))).scalar() or 0
    return int(article), int(link)


def add_rule(conn: Connection, values: dict[str, Any], when: datetime) -> int:
    if conn.execute(select(alert_rules.c.id).where(alert_rules.c.name == values["name"])).first():
        raise UsageError(f"there is already an alert named {values['name']!r}; pick another name or remove it")
    article, link = newest_ids(conn)
    row = {
        **values,
        "seen_coordination_run_id": newest_run(conn),
        "recipients": json.dumps(values["recipients"]),
        "params": json.dumps(values["params"], sort_keys=True),
        "paused": False,
        "seen_article_id": article,
        "seen_link_id": link,
        "created_at": when,
    }
    return _new_id(conn, insert(alert_rules).values(**row))


def newest_run(conn: Connection) -> int:
    """The newest coordination run's id: a new rule's watermark of runs."""
    return int(conn.execute(select(func.max(coordination_runs.c.id))).scalar() or 0)


def list_rules(conn: Connection, active_only: bool = False) -> list[Row[Any]]:
    query = select(alert_rules).order_by(alert_rules.c.id)
    if active_only:
        query = query.where(alert_rules.c.paused.is_(False))
    return list(conn.execute(query))


def find_rule(conn: Connection, key: str | int) -> Row[Any]:
    """A rule by id or name; NotFound naming the rules there are."""
    text = str(key)
    condition = alert_rules.c.id == int(text) if text.isdigit() else alert_rules.c.name == text
    row = conn.execute(select(alert_rules).where(condition)).first()
    if row is None:
        names = [r.name for r in conn.execute(select(alert_rules.c.name).order_by(alert_rules.c.name))]
        there = f"the alerts are: {', '.join(names)}" if names else "there are no alerts; add one with `alerts add`"
        raise NotFound(f"no alert {text!r}; {there}")
    return row


def set_paused(conn: Connection, rule_id: int, paused: bool) -> None:
    values: dict[str, Any] = {"paused": paused}
    if not paused:  # what arrived while it was paused never alerts: it starts again from what is there now
        article, link = newest_ids(conn)
        values.update(seen_article_id=article, seen_link_id=link, seen_coordination_run_id=newest_run(conn))
    conn.execute(update(alert_rules).where(alert_rules.c.id == rule_id).values(**values))


def remove_rule(conn: Connection, rule_id: int) -> None:
    conn.execute(delete(alert_group_matches).where(alert_group_matches.c.rule_id == rule_id))
    conn.execute(delete(alert_deliveries).where(alert_deliveries.c.rule_id == rule_id))
    conn.execute(delete(alert_matches).where(alert_matches.c.rule_id == rule_id))
    conn.execute(delete(alert_rules).where(alert_rules.c.id == rule_id))


def set_feed_token_hash(conn: Connection, rule_id: int, token_hash: str | None) -> None:
    conn.execute(update(alert_rules).where(alert_rules.c.id == rule_id).values(feed_token_hash=token_hash))


def rule_by_feed_hash(conn: Connection, token_hash: str) -> Row[Any] | None:
    return conn.execute(select(alert_rules).where(alert_rules.c.feed_token_hash == token_hash)).first()


def article_rows(conn: Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What a message shows of each article: title, URL, outlet, language, publication time."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = (
        select(
            articles.c.id,
            articles.c.title,
            articles.c.url,
            articles.c.language,
            PUBLISHED.label("published"),
            sources.c.name.label("source"),
        )
        .join(sources, sources.c.id == articles.c.source_id)
        .where(articles.c.id.in_(wanted))
    )
    return {row.id: dict(row._mapping) for row in conn.execute(query)}


def _new_id(conn: Connection, statement: Any) -> int:
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


# ---- matches and the outbox ---------------------------------------------------------------------------------


def record_matches(
    conn: Connection,
    rule: Row[Any],
    found: list[Found],
    channels: list[str],
    batch: Batch,
    when: datetime,
) -> list[int]:
    """Keep the new matches (an article alerts a rule once) and add them to the batch's delivery on every
    channel, in the caller's transaction; the ids of the matches that were new."""
    seen = set(
        conn.execute(
            select(alert_matches.c.article_id).where(
                alert_matches.c.rule_id == rule.id, alert_matches.c.article_id.in_([f.article_id for f in found])
            )
        ).scalars()
    )
    fresh: list[Found] = []
    for item in found:
        if item.article_id not in seen:
            seen.add(item.article_id)
            fresh.append(item)
    if not fresh:
        return []
    rows = [{"rule_id": rule.id, "article_id": f.article_id, "why": f.why, "matched_at": when} for f in fresh]
    conn.execute(insert(alert_matches), rows)  # one executemany: a rule may match thousands at once
    ids = list(
        conn.execute(
            select(alert_matches.c.id)
            .where(alert_matches.c.rule_id == rule.id, alert_matches.c.article_id.in_([f.article_id for f in fresh]))
            .order_by(alert_matches.c.id)
        ).scalars()
    )
    shown = article_rows(conn, [f.article_id for f in fresh])
    items = [_item(shown.get(f.article_id, {"id": f.article_id}), f.why) for f in fresh]
    key = batch.key.replace("{first}", str(ids[0]))
    for channel in channels:
        _add_to_delivery(conn, rule, channel, key, batch.due, items, when)
    return ids


def _item(article: dict[str, Any], why: str) -> dict[str, Any]:
    published = article.get("published")
    return {
        "article_id": article["id"],
        "title": article.get("title") or "",
        "url": article.get("url") or "",
        "source": article.get("source") or "",
        "language": article.get("language") or "",
        "published": published.isoformat() + "Z" if isinstance(published, datetime) else None,
        "why": why,
    }


def _add_to_delivery(
    conn: Connection,
    rule: Row[Any],
    channel: str,
    key: str,
    due: datetime,
    items: list[dict[str, Any]],
    when: datetime,
) -> None:
    """Append to the batch's pending delivery, or open it; a batch already sent takes a new key."""
    for attempt in range(100):
        batch_key = key if attempt == 0 else f"{key}+{attempt}"
        row = conn.execute(
            select(alert_deliveries).where(
                alert_deliveries.c.rule_id == rule.id,
                alert_deliveries.c.channel == channel,
                alert_deliveries.c.batch_key == batch_key,
            )
        ).first()
        if row is None:
            payload = {"rule": rule.name, "trigger": rule.trigger, "frequency": rule.frequency, "items": items}
            conn.execute(
                insert(alert_deliveries).values(
                    rule_id=rule.id,
                    channel=channel,
                    batch_key=batch_key,
                    payload=json.dumps(payload),
                    status="pending",
                    attempts=0,
                    next_attempt_at=due,
                    created_at=when,
                )
            )
            return
        if row.status == "pending":
            payload = json.loads(row.payload)
            payload["items"].extend(items)
            conn.execute(
                update(alert_deliveries).where(alert_deliveries.c.id == row.id).values(payload=json.dumps(payload))
            )
            return
    raise UsageError(f"alert {rule.name!r}: too many batches under {key!r}")


def immediate_messages_since(conn: Connection, rule_id: int, since: datetime) -> int:
    """Messages (batches) of a rule's immediate alerts opened since `since`, on any channel."""
    query = select(func.count(func.distinct(alert_deliveries.c.batch_key))).where(
        alert_deliveries.c.rule_id == rule_id,
        alert_deliveries.c.batch_key.like("immediate:%"),
        alert_deliveries.c.created_at >= since,
    )
    return int(conn.execute(query).scalar() or 0)


def matched_since(conn: Connection, rule_id: int, since: datetime) -> bool:
    query = select(alert_matches.c.id).where(alert_matches.c.rule_id == rule_id, alert_matches.c.matched_at >= since)
    return conn.execute(query.limit(1)).first() is not None


def save_watermarks(
    conn: Connection, rule_id: int, article_id: int, link_id: int, when: datetime, run_id: int | None = None
) -> None:
    values: dict[str, Any] = {"seen_article_id": article_id, "seen_link_id": link_id, "evaluated_at": when}
    if run_id is not None:
        values["seen_coordination_run_id"] = run_id
    conn.execute(update(alert_rules).where(alert_rules.c.id == rule_id).values(**values))


# ---- coordinated groups ---------------------------------------------------------------------------------


def runs_between(conn: Connection, after: int, upper: int) -> list[int]:
    query = select(coordination_runs.c.id).where(coordination_runs.c.id > after, coordination_runs.c.id <= upper)
    return list(conn.execute(query.order_by(coordination_runs.c.id)).scalars())


def group_sets(conn: Connection, run_ids: list[int]) -> list[dict[str, Any]]:
    """The groups of these runs, each with its methods and its members' account ids (a frozenset)."""
    if not run_ids:
        return []
    g, m = coordination_groups.c, coordination_members.c
    rows = list(conn.execute(select(coordination_groups).where(g.run_id.in_(run_ids)).order_by(g.run_id, g.number)))
    members: dict[int, set[int]] = {}
    query = select(m.group_id, m.account_id).join(coordination_groups, g.id == m.group_id).where(g.run_id.in_(run_ids))
    for group_id, account_id in conn.execute(query):
        members.setdefault(group_id, set()).add(account_id)
    return [
        {
            "id": row.id,
            "run": row.run_id,
            "number": row.number,
            "methods": [x for x in row.methods.split(",") if x],
            "accounts": frozenset(members.get(row.id, set())),
        }
        for row in rows
    ]


def shared_traces(conn: Connection, run_id: int, members: Iterable[int]) -> int:
    """The traces the group's members share, summed over the edges among them in the run."""
    ids = sorted(set(members))
    e = coordination_edges.c
    query = select(func.coalesce(func.sum(e.weight), 0)).where(
        e.run_id == run_id, e.account_a.in_(ids), e.account_b.in_(ids)
    )
    return int(conn.execute(query).scalar() or 0)


def account_keys(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    query = select(accounts.c.id, accounts.c.account_key).where(accounts.c.id.in_(wanted))
    return {row.id: row.account_key for row in conn.execute(query)}


def alerted_groups(conn: Connection, rule_id: int) -> list[frozenset[int]]:
    """The account sets of the groups a rule has alerted on, oldest first."""
    query = (
        select(alert_group_matches.c.accounts)
        .where(alert_group_matches.c.rule_id == rule_id)
        .order_by(alert_group_matches.c.id)
    )
    return [frozenset(json.loads(text)) for text in conn.execute(query).scalars()]


def record_group_matches(
    conn: Connection, rule: Row[Any], found: list[GroupFound], channels: list[str], batch: Batch, when: datetime
) -> list[int]:
    """Keep the new group matches (a run's group alerts a rule once) and add them to the batch's delivery on
    every channel, in the caller's transaction; the ids of the matches that were new."""
    gm = alert_group_matches.c
    ids: list[int] = []
    items: list[dict[str, Any]] = []
    for item in found:
        seen = select(gm.id).where(gm.rule_id == rule.id, gm.run_id == item.run_id, gm.group_number == item.number)
        if conn.execute(seen).first() is not None:
            continue
        values = {
            "rule_id": rule.id,
            "run_id": item.run_id,
            "group_number": item.number,
            "accounts": json.dumps(sorted(item.accounts)),
            "kind": item.kind,
            "why": item.why,
            "matched_at": when,
        }
        ids.append(_new_id(conn, insert(alert_group_matches).values(**values)))
        items.append({**item.item, "why": item.why})
    if ids:
        key = batch.key.replace("{first}", f"g{ids[0]}")
        for channel in channels:
            _add_to_delivery(conn, rule, channel, key, batch.due, items, when)
    return ids


def recent_group_matches(conn: Connection, rule_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """A coordination rule's matches, newest first, as a feed entry shows them (a link to the group page)."""
    gm = alert_group_matches.c
    query = select(alert_group_matches).where(gm.rule_id == rule_id).order_by(gm.id.desc()).limit(limit)
    return [
        {
            "id": f"group-{row.id}",
            "article_id": None,
            "run": row.run_id,
            "group": row.group_number,
            "why": row.why,
            "matched_at": row.matched_at,
            "title": f"Coordinated group {row.group_number} of run {row.run_id} ({row.kind})",
            "url": f"/coordination/groups/{row.group_number}?run={row.run_id}",
            "source": "",
        }
        for row in conn.execute(query)
    ]


def last_sent(conn: Connection) -> dict[int, datetime]:
    """Per rule, when a delivery of it was last sent."""
    d = alert_deliveries.c
    query = select(d.rule_id, func.max(d.sent_at)).where(d.sent_at.is_not(None)).group_by(d.rule_id)
    return {rule_id: when for rule_id, when in conn.execute(query)}


def claim_due(conn: Connection, when: datetime, stale_before: datetime, limit: int = 100) -> list[Row[Any]]:
    """Deliveries due now, marked `sending` in the caller's transaction; a `sending` row older than
    `stale_before` is one whose sender died mid-send, and is due again."""
    due = or_due(when, stale_before)
    rows = list(conn.execute(select(alert_deliveries).where(due).order_by(alert_deliveries.c.id).limit(limit)))
    if rows:
        conn.execute(
            update(alert_deliveries)
            .where(alert_deliveries.c.id.in_([r.id for r in rows]))
            .values(status="sending", attempts=alert_deliveries.c.attempts + 1, next_attempt_at=when)
        )
    return rows


def or_due(when: datetime, stale_before: datetime) -> Any:
    d = alert_deliveries.c
    return ((d.status == "pending") & (d.next_attempt_at <= when)) | (
        (d.status == "sending") & (d.next_attempt_at <= stale_before)
    )


def mark_sent(conn: Connection, delivery_id: int, when: datetime) -> None:
    conn.execute(
        update(alert_deliveries)
        .where(alert_deliveries.c.id == delivery_id)
        .values(status="sent", sent_at=when, last_error=None)
    )


def mark_failed(conn: Connection, delivery_id: int, error: str, retry_at: datetime | None) -> None:
    """A failed attempt: pending again at `retry_at`, or failed for good when None."""
    status = "pending" if retry_at is not None else "failed"
    values: dict[str, Any] = {"status": status, "last_error": error[:2000]}
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    conn.execute(update(alert_deliveries).where(alert_deliveries.c.id == delivery_id).values(**values))


def deliveries(conn: Connection, rule_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The outbox, newest first: what was (or will be) sent to whom, and how it went."""
    query = (
        select(alert_deliveries, alert_rules.c.name.label("rule"))
        .join(alert_rules, alert_rules.c.id == alert_deliveries.c.rule_id)
        .order_by(alert_deliveries.c.id.desc())
        .limit(limit)
    )
    if rule_id is not None:
        query = query.where(alert_deliveries.c.rule_id == rule_id)
    return [dict(row._mapping) for row in conn.execute(query)]


def delivery_counts(conn: Connection, rule_id: int) -> dict[str, int]:
    query = (
        select(alert_deliveries.c.status, func.count())
        .where(alert_deliveries.c.rule_id == rule_id)
        .group_by(alert_deliveries.c.status)
    )
    return {status: int(n) for status, n in conn.execute(query)}


def recent_matches(conn: Connection, rule_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """A rule's matches, newest first, with what a feed entry shows of each article."""
    query = (
        select(alert_matches.c.id, alert_matches.c.article_id, alert_matches.c.why, alert_matches.c.matched_at)
        .where(alert_matches.c.rule_id == rule_id)
        .order_by(alert_matches.c.id.desc())
        .limit(limit)
    )
    rows = [dict(row._mapping) for row in conn.execute(query)]
    shown = article_rows(conn, [r["article_id"] for r in rows])
    found = [{**r, **{k: v for k, v in shown.get(r["article_id"], {}).items() if k != "id"}} for r in rows]
    found += recent_group_matches(conn, rule_id, limit)  # a coordination rule's, the groups it told of
    return sorted(found, key=lambda r: r["matched_at"], reverse=True)[:limit]


# ---- jobs of `presswatch run` -----------------------------------------------------------------------------


def job_rows(conn: Connection) -> dict[str, Row[Any]]:
    return {row.name: row for row in conn.execute(select(jobs).order_by(jobs.c.name))}


def save_job(conn: Connection, name: str, values: dict[str, Any]) -> None:
    found = conn.execute(select(jobs.c.runs).where(jobs.c.name == name)).first()
    if found is None:
        conn.execute(insert(jobs).values(name=name, runs=values.pop("runs", 0), **values))
    else:
        conn.execute(update(jobs).where(jobs.c.name == name).values(**values))


def count_job_run(conn: Connection, name: str) -> None:
    conn.execute(update(jobs).where(jobs.c.name == name).values(runs=jobs.c.runs + 1))


def articles_after(conn: Connection, after: int) -> int:
    """How many current articles have an id above `after` (waiting for `process`)."""
    query = select(func.count()).where(and_(articles.c.id > after, articles.c.is_current))
    return int(conn.execute(query).scalar() or 0)
