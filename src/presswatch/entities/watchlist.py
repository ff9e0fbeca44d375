"""The watchlist: a TOML file of topics and entities with their aliases, kept in the store.

See `sample/watchlist.toml` for the documented format. Loading replaces the
watchlist in the store, except aliases added with `watchlist add-alias`, which
are kept for entities that still exist.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from ..errors import NotFound, UsageError
from ..store.schema import aliases, entities, exclusions, topic_entities, topics

KINDS = ("organisation", "person", "place", "topic")


@dataclass(frozen=True)
class AliasEntry:
    text: str
    lang: str | None = None
    script: str | None = None
    case_sensitive: bool = False
    note: str | None = None
    origin: str = "watchlist"


@dataclass
class EntityEntry:
    id: str
    name: str
    kind: str
    aliases: list[AliasEntry] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass
class TopicEntry:
    id: str
    name: str
    entities: list[str]
    description: str | None = None


@dataclass
class Watchlist:
    topics: list[TopicEntry]
    entities: list[EntityEntry]

    def fingerprint(self) -> str:
        """Changes whenever anything that matching depends on changes."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]

    def entity(self, entity_id: str) -> EntityEntry:
        for entry in self.entities:
            if entry.id == entity_id:
                return entry
        known = ", ".join(e.id for e in self.entities) or "none; load a watchlist first"
        raise NotFound(f"no entity {entity_id!r} in the watchlist (known: {known})")


def parse_watchlist(path: Path) -> Watchlist:
    """Read and check a watchlist file; errors name the entry and say what is wrong."""
    try:
        document = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"watchlist {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"watchlist {path} is not valid TOML: {exc}") from None
    found = [_entity(raw, path) for raw in document.get("entity", [])]
    ids = [e.id for e in found]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise UsageError(f"watchlist {path}: entity ids must be unique, repeated: {', '.join(duplicated)}")
    listed = [_topic(raw, path, set(ids)) for raw in document.get("topic", [])]
    return Watchlist(listed, found)


def _entity(raw: dict[str, Any], path: Path) -> EntityEntry:
    entity_id = raw.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise UsageError(f"watchlist {path}: every [[entity]] needs an id (got {raw!r:.80})")
    kind = raw.get("kind", "organisation")
    if kind not in KINDS:
        raise UsageError(f"watchlist {path}: entity {entity_id!r} has kind {kind!r}; use one of {', '.join(KINDS)}")
    entry = EntityEntry(entity_id, str(raw.get("name") or entity_id), kind, note=raw.get("note"))
    entry.aliases = [_alias(item, entity_id, path) for item in raw.get("aliases", [])]
    if not any(a.text == entry.name for a in entry.aliases):
        entry.aliases.insert(0, AliasEntry(entry.name))  # the display name is always an alias
    entry.exclude = [str(text) for text in raw.get("exclude", []) if str(text).strip()]
    return entry


def _alias(item: Any, entity_id: str, path: Path) -> AliasEntry:
    if isinstance(item, str):
        item = {"text": item}
    if not isinstance(item, dict) or not str(item.get("text", "")).strip():
        raise UsageError(f"watchlist {path}: entity {entity_id!r} has an alias without text: {item!r:.80}")
    return AliasEntry(
        text=str(item["text"]).strip(),
        lang=item.get("lang"),
        script=item.get("script"),
        case_sensitive=bool(item.get("case_sensitive", False)),
        note=item.get("note"),
    )


def _topic(raw: dict[str, Any], path: Path, entity_ids: set[str]) -> TopicEntry:
    topic_id = raw.get("id")
    if not isinstance(topic_id, str) or not topic_id.strip():
        raise UsageError(f"watchlist {path}: every [[topic]] needs an id")
    listed = [str(e) for e in raw.get("entities", [])]
    unknown = [e for e in listed if e not in entity_ids]
    if unknown:
        raise UsageError(f"watchlist {path}: topic {topic_id!r} names unknown entities: {', '.join(unknown)}")
    return TopicEntry(topic_id, str(raw.get("name") or topic_id), listed, raw.get("description"))


# ---- in the store ----------------------------------------------------------------------------


def store_watchlist(conn: Connection, watchlist: Watchlist) -> None:
    """Replace the stored watchlist; aliases added by hand survive for entities that remain."""
    added = [r for r in conn.execute(select(aliases).where(aliases.c.origin == "added"))]
    for table in (topic_entities, exclusions, aliases, topics, entities):
        conn.execute(delete(table))
    for entity in watchlist.entities:
        conn.execute(insert(entities).values(id=entity.id, name=entity.name, kind=entity.kind, note=entity.note))
        texts = set()
        for alias in entity.aliases:
            if alias.text not in texts:
                texts.add(alias.text)
                conn.execute(insert(aliases).values(entity_id=entity.id, **asdict(alias)))
        for text in entity.exclude:
            conn.execute(insert(exclusions).values(entity_id=entity.id, text=text))
    kept = {e.id for e in watchlist.entities}
    for row in added:
        if row.entity_id in kept and not _has_alias(conn, row.entity_id, row.text):
            values = {k: v for k, v in row._mapping.items() if k != "id"}
            conn.execute(insert(aliases).values(**values))
    for topic in watchlist.topics:
        conn.execute(insert(topics).values(id=topic.id, name=topic.name, description=topic.description))
        for entity_id in dict.fromkeys(topic.entities):
            conn.execute(insert(topic_entities).values(topic_id=topic.id, entity_id=entity_id))


def _has_alias(conn: Connection, entity_id: str, text: str) -> bool:
    query = select(aliases.c.id).where(aliases.c.entity_id == entity_id, aliases.c.text == text)
    return conn.execute(query).first() is not None


def load_stored(conn: Connection) -> Watchlist:
    """The watchlist as the store holds it (with added aliases)."""
    found = {
        row.id: EntityEntry(row.id, row.name, row.kind, note=row.note)
        for row in conn.execute(select(entities).order_by(entities.c.id))
    }
    for row in conn.execute(select(aliases).order_by(aliases.c.id)):
        found[row.entity_id].aliases.append(
            AliasEntry(row.text, row.lang, row.script, bool(row.case_sensitive), row.note, row.origin)
        )
    for row in conn.execute(select(exclusions).order_by(exclusions.c.id)):
        found[row.entity_id].exclude.append(row.text)
    members: dict[str, list[str]] = {}
    for row in conn.execute(select(topic_entities)):
        members.setdefault(row.topic_id, []).append(row.entity_id)
    listed = [
        TopicEntry(row.id, row.name, sorted(members.get(row.id, [])), row.description)
        for row in conn.execute(select(topics).order_by(topics.c.id))
    ]
    return Watchlist(listed, list(found.values()))


def add_alias(conn: Connection, entity_id: str, alias: AliasEntry) -> bool:
    """Add an accepted alias; False when the entity already has it."""
    load_stored(conn).entity(entity_id)  # raises a clear error for an unknown entity
    if _has_alias(conn, entity_id, alias.text):
        return False
    values = asdict(alias) | {"origin": "added"}
    conn.execute(insert(aliases).values(entity_id=entity_id, **values))
    return True
