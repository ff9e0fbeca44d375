"""Reading links back: an article's provenance, the outlet copy network, the export rows."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import aliased

from ..errors import UsageError
from ..store.schema import articles, links, sources

_ORIGIN = aliased(articles, name="origin")
_COPY = aliased(articles, name="copy")
_ORIGIN_SOURCE = aliased(sources, name="origin_source")
_COPY_SOURCE = aliased(sources, name="copy_source")
EXCERPT = 240  # characters of a shared passage shown: its start and end, enough to recognise it


def _article(conn: Connection, article_id: int) -> dict[str, Any]:
    row = conn.execute(
        select(
            articles.c.id,
            articles.c.url,
            articles.c.title,
            articles.c.language,
            articles.c.published_at,
            articles.c.published_how,
            sources.c.name.label("source"),
            sources.c.id.label("source_id"),
        )
        .join(sources, sources.c.id == articles.c.source_id)
        .where(articles.c.id == article_id)
    ).one()
    return dict(row._mapping)


def _links_of(conn: Connection, ids: set[int]) -> list[Any]:
    query = select(links).where(or_(links.c.origin_id.in_(ids), links.c.copy_id.in_(ids)))
    return list(conn.execute(query))


def group_of(conn: Connection, article_id: int) -> tuple[set[int], list[Any]]:
    """Every article linked to this one, directly or through others, and the links among them."""
    members, frontier = {article_id}, {article_id}
    found: dict[int, Any] = {}
    while frontier:
        for link in _links_of(conn, frontier):
            found[link.id] = link
        reached = {x for link in found.values() for x in (link.origin_id, link.copy_id)}
        frontier = reached - members
        members |= reached
    return members, list(found.values())


def group_origin(conn: Connection, members: set[int], group_links: list[Any]) -> dict[str, Any] | None:
    """The group's first publisher: no directed link makes it a copy; among those, the earliest date."""
    if not group_links:
        return None
    copied = {link.copy_id for link in group_links if link.directed}
    candidates = [_article(conn, i) for i in members if i not in copied] or [_article(conn, i) for i in members]
    candidates.sort(key=lambda a: (a["published_at"] or datetime.max, a["id"]))
    return candidates[0]


def provenance_of(conn: Connection, article_id: int) -> dict[str, Any]:
    """This article, its group's origin, and its own links: what it copies and what copies it."""
    members, group_links = group_of(conn, article_id)
    this = _article(conn, article_id)
    texts = {
        a.id: a.text for a in conn.execute(select(articles.c.id, articles.c.text).where(articles.c.id.in_(members)))
    }
    relations = []
    for link in group_links:
        if article_id not in (link.origin_id, link.copy_id):
            continue
        other = link.copy_id if link.origin_id == article_id else link.origin_id
        relations.append(
            {
                "relation": _relation(link, article_id),
                # which end of the link this article is, for the passages' "origin"/"copy" offsets
                "side": "origin" if link.origin_id == article_id else "copy",
                "kind": link.kind,
                "score": link.score,
                "method": link.method,
                "directed": link.directed,
                "confidence": link.confidence,
                "reason": link.reason,
                "article": _article(conn, other),
                "passages": _excerpts(link, texts),
            }
        )
    relations.sort(key=lambda r: (r["relation"], r["kind"], -r["score"]))
    return {
        "article": this,
        "origin": group_origin(conn, members, group_links),
        "group_size": len(members),
        "links": relations,
    }


def _relation(link: Any, article_id: int) -> str:
    if not link.directed:
        return "related"
    return "copied from" if link.copy_id == article_id else "copied by"


def _excerpts(link: Any, texts: dict[int, str]) -> list[dict[str, Any]]:
    """Each aligned passage, both sides, cut to a readable length."""
    passages = json.loads(link.passages or "[]")
    shown = []
    for origin_start, origin_end, copy_start, copy_end, words in passages:
        shown.append(
            {
                "words": words,
                "origin": {
                    "start": origin_start,
                    "end": origin_end,
                    "text": _cut(texts.get(link.origin_id, "")[origin_start:origin_end]),
                },
                "copy": {
                    "start": copy_start,
                    "end": copy_end,
                    "text": _cut(texts.get(link.copy_id, "")[copy_start:copy_end]),
                },
            }
        )
    return shown


def _cut(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT // 2] + " … " + text[-EXCERPT // 2 :]


LINK_KINDS = ("duplicate", "partial", "translation")  # the kinds of `links.kind`


def copy_network(conn: Connection, kinds: tuple[str, ...] = ("duplicate", "partial")) -> list[dict[str, Any]]:
    """Outlet × outlet: how often one republished the other (directed links), and the median delay.
    UsageError for a kind not in LINK_KINDS, naming them."""
    unknown = [kind for kind in kinds if kind not in LINK_KINDS]
    if unknown:
        raise UsageError(f"no link kind {unknown[0]!r}; the kinds are {', '.join(LINK_KINDS)}")
    query = (
        select(
            _COPY_SOURCE.c.name.label("copier"),
            _ORIGIN_SOURCE.c.name.label("origin"),
            _COPY_SOURCE.c.id.label("copier_id"),
            _ORIGIN_SOURCE.c.id.label("origin_id"),
            links.c.kind,
            _ORIGIN.c.published_at.label("origin_at"),
            _COPY.c.published_at.label("copy_at"),
        )
        .join(_ORIGIN, _ORIGIN.c.id == links.c.origin_id)
        .join(_COPY, _COPY.c.id == links.c.copy_id)
        .join(_ORIGIN_SOURCE, _ORIGIN_SOURCE.c.id == _ORIGIN.c.source_id)
        .join(_COPY_SOURCE, _COPY_SOURCE.c.id == _COPY.c.source_id)
        .where(links.c.directed, links.c.kind.in_(kinds), _ORIGIN.c.is_current, _COPY.c.is_current)
    )
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for row in conn.execute(query):
        entry = pairs.setdefault(
            (row.copier, row.origin),
            {
                "copier": row.copier,
                "origin": row.origin,
                "copier_id": row.copier_id,
                "origin_id": row.origin_id,
                "copies": 0,
                "kinds": {},
                "delays": [],
            },
        )
        entry["copies"] += 1
        entry["kinds"][row.kind] = entry["kinds"].get(row.kind, 0) + 1
        if row.origin_at and row.copy_at:
            entry["delays"].append((row.copy_at - row.origin_at).total_seconds() / 3600)
    table = []
    for entry in pairs.values():
        delays = entry.pop("delays")
        entry["median_delay_hours"] = round(statistics.median(delays), 2) if delays else None
        table.append(entry)
    return sorted(table, key=lambda e: (-e["copies"], e["copier"], e["origin"]))


_EDGE_ARTICLE = ("id", "url", "title", "language", "published_at")


def copies_between(
    conn: Connection, origin_source: int, copier_source: int, kinds: tuple[str, ...] = ("duplicate", "partial")
) -> list[dict[str, Any]]:
    """The links behind one edge of the copy network: each copy with the article it copies, oldest copy first."""
    query = (
        select(
            links.c.kind,
            links.c.score,
            links.c.method,
            links.c.confidence,
            links.c.reason,
            *(_ORIGIN.c[name].label(f"origin_{name}") for name in _EDGE_ARTICLE),
            *(_COPY.c[name].label(f"copy_{name}") for name in _EDGE_ARTICLE),
        )
        .join(_ORIGIN, _ORIGIN.c.id == links.c.origin_id)
        .join(_COPY, _COPY.c.id == links.c.copy_id)
        .where(
            links.c.directed,
            links.c.kind.in_(kinds),
            _ORIGIN.c.is_current,
            _COPY.c.is_current,
            _ORIGIN.c.source_id == origin_source,
            _COPY.c.source_id == copier_source,
        )
        .order_by(_COPY.c.published_at, _COPY.c.id)
    )
    found = []
    for row in conn.execute(query):
        origin = {name: getattr(row, f"origin_{name}") for name in _EDGE_ARTICLE}
        copy = {name: getattr(row, f"copy_{name}") for name in _EDGE_ARTICLE}
        delay = None
        if origin["published_at"] and copy["published_at"]:
            delay = round((copy["published_at"] - origin["published_at"]).total_seconds() / 3600, 2)
        found.append(
            {
                "kind": row.kind,
                "score": row.score,
                "method": row.method,
                "confidence": row.confidence,
                "reason": row.reason,
                "delay_hours": delay,
                "origin": origin,
                "copy": copy,
            }
        )
    return found


LINK_FIELDS = {
    "origin_url": "URL of the article that came first (or of either, when `directed` is false)",
    "copy_url": "URL of the copy, partial copy or translation",
    "origin_id": "id of the origin article in this store",
    "copy_id": "id of the copy in this store",
    "kind": "duplicate, partial or translation",
    "score": "the similarity behind the link (Jaccard, share of words in shared passages, translation score)",
    "method": "exact-hash, minhash+jaccard, passages or anchors",
    "directed": "whether the evidence says which came first",
    "confidence": "confidence in the direction, 0 to 1",
    "reason": "why the origin is the origin",
    "passages": "aligned passages as [origin_start, origin_end, copy_start, copy_end, words], character offsets",
}


def link_rows(conn: Connection, since: datetime | None) -> Iterator[dict[str, Any]]:
    query = (
        select(links, _ORIGIN.c.url.label("origin_url"), _COPY.c.url.label("copy_url"))
        .join(_ORIGIN, _ORIGIN.c.id == links.c.origin_id)
        .join(_COPY, _COPY.c.id == links.c.copy_id)
        .where(_ORIGIN.c.is_current, _COPY.c.is_current)
        .order_by(links.c.id)
    )
    if since is not None:
        query = query.where(links.c.created_at >= since)
    for row in conn.execute(query):
        found = {name: getattr(row, name) for name in LINK_FIELDS}
        found["passages"] = json.loads(row.passages or "[]")  # stored as JSON text: exported as a real array
        yield found


def copied_ids(conn: Connection, ids: list[int]) -> set[int]:
    """Which of these articles are copies or partial copies of an earlier article (a directed link says so)."""
    query = select(links.c.copy_id).where(
        links.c.copy_id.in_(ids), links.c.directed, links.c.kind.in_(("duplicate", "partial"))
    )
    return set(conn.execute(query).scalars())
