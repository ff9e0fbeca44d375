"""Saved digests: the draft of a period and topic (version 0), its edits, and immutable published versions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ..errors import NotFound, UsageError
from ..store.schema import digest_items, digests
from .coordination import coordinated_activity
from .model import RULE_TOPIC, Digest, Item, Period, item_data, item_from_data, period_of
from .select import DIGEST_ITEMS, _topic_name, build_digest

MAX_VERSION = 1_000_000  # sorts the draft (version 0) before a period's published versions


@dataclass
class DigestVersion:
    digest_id: int
    period: str
    topic: str | None
    version: int
    status: str
    title: str | None
    items: int  # included items
    created_at: datetime
    published_at: datetime | None
    rule: str | None = None  # what chose the items (model.RULES)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _topic_is(topic: str | None) -> Any:
    return digests.c.topic_id.is_(None) if topic is None else digests.c.topic_id == topic


def _draft_id(conn: Connection, period: str, topic: str | None) -> int | None:
    return conn.execute(
        select(digests.c.id).where(digests.c.period == period, _topic_is(topic), digests.c.version == 0)
    ).scalar()


def _write_items(conn: Connection, digest_id: int, items: list[Item]) -> None:
    for position, item in enumerate(items):
        result = conn.execute(
            insert(digest_items).values(
                digest_id=digest_id,
                story_id=item.story_id,
                position=position,
                included=item.included,
                language=item.language,
                title=item.title,
                summary=item.summary,
                story_articles=item.articles,
                data=json.dumps(item_data(item), ensure_ascii=False, sort_keys=True),
            )
        )
        item.item_id = result.inserted_primary_key[0] if result.inserted_primary_key else None


def save_draft(conn: Connection, digest: Digest) -> int:
    """Store ``digest`` as the draft (version 0) of its period and topic, replacing the draft's items; the
    draft's editor's note stays unless ``digest.intro`` gives one. Returns the draft's digest id (also set on
    the digest and its items)."""
    digest_id = _draft_id(conn, digest.period.label, digest.topic)
    now = _now()
    values = {"title": digest.title, "created_at": now, "rule": digest.rule, "rule_text": digest.rule_text}
    if digest_id is None:
        digest_id = conn.execute(
            insert(digests).values(
                period=digest.period.label,
                topic_id=digest.topic,
                version=0,
                status="draft",
                intro=digest.intro,
                **values,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    else:
        if digest.intro:
            values["intro"] = digest.intro
        conn.execute(update(digests).where(digests.c.id == digest_id).values(**values))
        digest.intro = conn.execute(select(digests.c.intro).where(digests.c.id == digest_id)).scalar() or ""
        conn.execute(delete(digest_items).where(digest_items.c.digest_id == digest_id))
    _write_items(conn, digest_id, digest.items)
    digest.digest_id, digest.version, digest.status, digest.created_at = digest_id, 0, "draft", now
    return int(digest_id)


def load_digest(conn: Connection, digest_id: int) -> Digest:
    """A saved digest, draft or published, with every item (excluded ones too), in position order."""
    row = conn.execute(select(digests).where(digests.c.id == digest_id)).one_or_none()
    if row is None:
        raise NotFound(f"there is no digest {digest_id}")
    items = []
    for it in conn.execute(
        select(digest_items).where(digest_items.c.digest_id == digest_id).order_by(digest_items.c.position)
    ):
        item = item_from_data(
            json.loads(it.data or "{}"),
            it.story_id,
            it.title or "",
            it.summary or "",
            it.language or "und",
            it.story_articles or 0,
        )
        item.included, item.item_id = bool(it.included), it.id
        items.append(item)
    period = period_of(row.period)
    return Digest(
        period=period,
        title=row.title or "",
        topic=row.topic_id,
        items=items,
        topic_name=_topic_name(conn, row.topic_id),
        digest_id=row.id,
        version=row.version,
        status=row.status,
        created_at=row.created_at,
        published_at=row.published_at,
        intro=row.intro or "",
        rule=row.rule or RULE_TOPIC,
        rule_text=row.rule_text or "",
        coordination=coordinated_activity(conn, period.since, period.until),
    )


def set_intro(conn: Connection, digest_id: int, intro: str) -> None:
    """Write the editor's note of a draft (plain text; empty for none)."""
    status = conn.execute(select(digests.c.status).where(digests.c.id == digest_id)).scalar()
    if status is None:
        raise NotFound(f"there is no digest {digest_id}")
    if status != "draft":
        raise UsageError(f"digest {digest_id} is published and cannot change; edit the draft")
    conn.execute(update(digests).where(digests.c.id == digest_id).values(intro=intro.strip()))


def open_draft(conn: Connection, period: Period | str, topic: str | None = None, limit: int = DIGEST_ITEMS) -> Digest:
    """The draft of a period and topic: the saved one, or a new one built and saved."""
    period = period_of(period) if isinstance(period, str) else period
    digest_id = _draft_id(conn, period.label, topic)
    if digest_id is not None:
        return load_digest(conn, digest_id)
    digest = build_digest(conn, period, topic=topic, limit=limit)
    save_draft(conn, digest)
    return digest


def _editable_item(conn: Connection, item_id: int) -> Any:
    row = conn.execute(
        select(digest_items.c.id, digest_items.c.digest_id, digests.c.status)
        .join(digests, digests.c.id == digest_items.c.digest_id)
        .where(digest_items.c.id == item_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"there is no digest item {item_id}")
    if row.status != "draft":
        raise UsageError(f"digest {row.digest_id} is published and cannot change; edit the draft")
    return row


def set_included(conn: Connection, item_id: int, included: bool) -> None:
    """Include or exclude one item of a draft."""
    _editable_item(conn, item_id)
    conn.execute(update(digest_items).where(digest_items.c.id == item_id).values(included=included))


def edit_item(conn: Connection, item_id: int, summary: str | None = None, title: str | None = None) -> None:
    """Change the summary and/or the title of one item of a draft (plain text; renderers escape it)."""
    _editable_item(conn, item_id)
    values = {k: v for k, v in (("summary", summary), ("title", title)) if v is not None}
    if values:
        conn.execute(update(digest_items).where(digest_items.c.id == item_id).values(**values))


def reorder(conn: Connection, digest_id: int, item_ids: list[int]) -> None:
    """Put a draft's items in this order; items not named keep their relative order after them."""
    current = [
        r.id
        for r in conn.execute(
            select(digest_items.c.id).where(digest_items.c.digest_id == digest_id).order_by(digest_items.c.position)
        )
    ]
    unknown = set(item_ids) - set(current)
    if unknown:
        raise UsageError(f"items {sorted(unknown)} are not in digest {digest_id}")
    if current:
        _editable_item(conn, current[0])
    order = list(dict.fromkeys(item_ids)) + [i for i in current if i not in item_ids]
    for position, item_id in enumerate(order):
        conn.execute(update(digest_items).where(digest_items.c.id == item_id).values(position=position))


def publish(conn: Connection, period: Period | str, topic: str | None = None) -> int:
    """Copy the draft of a period and topic into a new published version (never changed after); returns
    its version number (1, 2, ...). The draft stays, for the next edit."""
    label = period.label if isinstance(period, Period) else period_of(period).label
    draft_id = _draft_id(conn, label, topic)
    if draft_id is None:
        raise NotFound(f"there is no draft digest for {label}; build one first")
    draft = load_digest(conn, draft_id)
    if not draft.included:
        raise UsageError(f"the draft of {label} has no item to publish; include one, or build it for another period")
    last = conn.execute(select(func.max(digests.c.version)).where(digests.c.period == label, _topic_is(topic))).scalar()
    version = int(last or 0) + 1
    now = _now()
    new_id = conn.execute(
        insert(digests).values(
            period=label,
            topic_id=topic,
            version=version,
            status="published",
            title=draft.title,
            created_at=now,
            published_at=now,
            intro=draft.intro,
            rule=draft.rule,
            rule_text=draft.rule_text,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    rows = conn.execute(select(digest_items).where(digest_items.c.digest_id == draft_id)).all()
    for row in rows:
        values = {k: v for k, v in row._mapping.items() if k not in ("id", "digest_id")}
        conn.execute(insert(digest_items).values(digest_id=new_id, **values))
    return version


def list_versions(conn: Connection, period: Period | str, topic: str | None = None) -> list[DigestVersion]:
    """The draft and every published version of a period and topic, oldest first."""
    label = period.label if isinstance(period, Period) else period_of(period).label
    rows = conn.execute(
        select(digests, _included().label("items"))
        .where(digests.c.period == label, _topic_is(topic))
        .order_by(digests.c.version)
    )
    return [_version(r) for r in rows]


def _version(r: Any) -> DigestVersion:
    return DigestVersion(
        r.id, r.period, r.topic_id, r.version, r.status, r.title, r.items, r.created_at, r.published_at, r.rule
    )


def _included() -> Any:
    return (
        select(func.count()).where(digest_items.c.digest_id == digests.c.id, digest_items.c.included).scalar_subquery()
    )


def list_issues(conn: Connection, limit: int = 200) -> list[DigestVersion]:
    """Every draft and published version, of every period and topic: the newest period first, and in a period
    the draft first, then the versions newest first."""
    found = [_version(r) for r in conn.execute(select(digests, _included().label("items")))]
    found.sort(key=lambda v: (_since(v.period), v.topic or "", v.version or MAX_VERSION), reverse=True)
    return found[:limit]


def _since(label: str) -> datetime:
    try:
        return period_of(label).since
    except UsageError:  # a label written by hand that names no period sorts last
        return datetime.min


def published_digests(conn: Connection, topic: str | None = None, all_topics: bool = True) -> list[Digest]:
    """The latest published version of every period (and topic), newest period first."""
    query = select(digests.c.id, digests.c.period, digests.c.topic_id, digests.c.version).where(
        digests.c.status == "published"
    )
    if not all_topics:
        query = query.where(_topic_is(topic))
    latest: dict[tuple[str, str | None], tuple[int, int]] = {}
    for row in conn.execute(query):
        key = (row.period, row.topic_id)
        if key not in latest or row.version > latest[key][0]:
            latest[key] = (row.version, row.id)
    loaded = [load_digest(conn, digest_id) for _, digest_id in latest.values()]
    loaded.sort(key=lambda d: (d.period.since, d.period.until, d.topic or ""), reverse=True)
    return loaded
