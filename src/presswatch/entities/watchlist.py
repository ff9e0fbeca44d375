"""The watchlist: a TOML file of topics and entities with their aliases, kept in the store.

See `sample/watchlist.toml` for the documented format. Loading replaces the
watchlist in the store, except aliases added with `watchlist add-alias`, which
are kept for entities that still exist.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
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


# The keys each table may hold; anything else is a typo that would switch matching off in silence.
TABLE_KEYS = {
    "entity": ("id", "name", "kind", "aliases", "exclude", "note"),
    "topic": ("id", "name", "entities", "description"),
}
ALIAS_KEYS = ("text", "lang", "script", "case_sensitive", "note")


def parse_watchlist(path: Path) -> Watchlist:
    """Read and check a watchlist file; errors name the entry, the line where it can be told, and what is wrong."""
    try:
        text = path.read_text("utf-8")
        document = tomllib.loads(text)
    except FileNotFoundError:
        raise UsageError(f"watchlist {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"watchlist {path} is not valid TOML: {exc}") from None
    strict = _Strict(path, text)
    strict.check_top(document)
    tables = {name: strict.tables(document, name) for name in TABLE_KEYS}
    found = [_entity(raw, path, strict.at("entity", number)) for number, raw in enumerate(tables["entity"])]
    ids = [e.id for e in found]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise UsageError(f"watchlist {path}: entity ids must be unique, repeated: {', '.join(duplicated)}")
    listed = [_topic(raw, path, set(ids), strict.at("topic", n)) for n, raw in enumerate(tables["topic"])]
    if not found:
        raise UsageError(
            f"watchlist {path} defines no entities, so nothing would be matched; "
            "each one is a table written [[entity]] with an id, a name and its aliases"
        )
    return Watchlist(listed, found)


class _Strict:
    """Unknown tables and keys of one watchlist file, named with the line they are on."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def tables(self, document: dict[str, Any], name: str) -> list[dict[str, Any]]:
        found = document.get(name, [])
        if not isinstance(found, list) or not all(isinstance(table, dict) for table in found):
            line = self._first(re.compile(rf"\s*(?:\[{{1,2}}\s*)?{_written(name)}\s*[\].=]"), 0, len(self.lines))
            raise UsageError(f"watchlist {self.path}{_at(line)}: {name!r} must be tables, each written [[{name}]]")
        return found

    def at(self, table: str, number: int) -> _Table:
        return _Table(self, table, number)

    def check_top(self, document: dict[str, Any]) -> None:
        """UsageError for a table or key other than [[entity]] and [[topic]] (such as [[entities]])."""
        for key, value in document.items():
            if key in TABLE_KEYS:
                continue
            header = re.compile(rf"\s*\[{{1,2}}\s*{_written(key)}\s*[\].]")
            line = self._first(header, 0, len(self.lines))
            if line is None:  # a key of the top level is set before the first table
                first_table = next((n for n, text in enumerate(self.lines) if _TABLE_HEADER.match(text)), None)
                line = self._first(re.compile(rf"\s*{_written(key)}\s*[=.]"), 0, first_table or len(self.lines))
            close = difflib.get_close_matches(key, TABLE_KEYS, n=1)
            shown = f"table [[{key}]]" if isinstance(value, dict | list) else f"key {key!r}"
            hint = f"; did you mean [[{close[0]}]]?" if close else ""
            raise UsageError(
                f"watchlist {self.path}{_at(line)}: unknown {shown}{hint} (a watchlist holds [[entity]] and [[topic]])"
            )

    def check_keys(self, keys: Any, known: tuple[str, ...], where: tuple[str, int], what: str) -> None:
        """UsageError for the first key not in `known`, with its line and the closest known one."""
        for key in keys:
            if key in known:
                continue
            start, end = self._block(*where)
            line = self._first(re.compile(rf"(?:^|[{{,])\s*{_written(key)}\s*[=.]"), start, end)
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(
                f"watchlist {self.path}{_at(line)}: unknown {what} {key!r} in the {ordinal(where[1] + 1)} "
                f"[[{where[0]}]]{hint} (known: {', '.join(known)})"
            )

    def _block(self, table: str, number: int) -> tuple[int, int]:
        """The lines of the `number`-th [[table]]: from its header to the next table header."""
        header = re.compile(rf"\s*\[\[\s*{re.escape(table)}\s*\]\]")
        starts = [n for n, line in enumerate(self.lines) if header.match(line)]
        if number >= len(starts):
            return 0, len(self.lines)
        start = starts[number]
        end = next(
            (n for n in range(start + 1, len(self.lines)) if _TABLE_HEADER.match(self.lines[n])), len(self.lines)
        )
        return start, end

    def _first(self, pattern: re.Pattern[str], start: int, end: int) -> int | None:
        """The first line (0-based) between `start` and `end` that `pattern` finds something on."""
        return next((n for n in range(start, end) if pattern.search(self.lines[n])), None)


def _written(key: str) -> str:
    """A pattern for a TOML key as it may be written: bare, or in either quotes."""
    return rf"(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')"


def _at(line: int | None) -> str:
    return f", line {line + 1}" if line is not None else ""


_TABLE_HEADER = re.compile(r"\s*\[\[?\s*[\w\"'.-]+\s*\]\]?\s*(#.*)?$")


@dataclass
class _Table:
    """One [[entity]] or [[topic]] of a file: where its unknown keys are looked for."""

    strict: _Strict
    table: str
    number: int

    def check(self, raw: dict[str, Any], known: tuple[str, ...], what: str = "key") -> None:
        self.strict.check_keys(raw.keys(), known, (self.table, self.number), what)


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _entity(raw: dict[str, Any], path: Path, table: _Table) -> EntityEntry:
    table.check(raw, TABLE_KEYS["entity"])
    entity_id = raw.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise UsageError(f"watchlist {path}: every [[entity]] needs an id (got {raw!r:.80})")
    kind = raw.get("kind", "organisation")
    if kind not in KINDS:
        raise UsageError(f"watchlist {path}: entity {entity_id!r} has kind {kind!r}; use one of {', '.join(KINDS)}")
    name = _string(raw, "name", entity_id, path) or entity_id
    entry = EntityEntry(entity_id, name, kind, note=_string(raw, "note", entity_id, path))
    entry.aliases = [_alias(item, entity_id, path, table) for item in _listed(raw, "aliases", entity_id, path)]
    if not any(a.text == entry.name for a in entry.aliases):
        entry.aliases.insert(0, AliasEntry(entry.name))  # the display name is always an alias
    entry.exclude = [str(text) for text in _listed(raw, "exclude", entity_id, path) if str(text).strip()]
    return entry


def _string(raw: dict[str, Any], key: str, owner: str, path: Path) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise UsageError(f"watchlist {path}: {owner!r} has {key} = {value!r:.60}; write a string in quotes")
    return value


def _listed(raw: dict[str, Any], key: str, owner: str, path: Path) -> list[Any]:
    found = raw.get(key, [])
    if not isinstance(found, list):
        raise UsageError(f'watchlist {path}: {owner!r} has {key} = {found!r:.60}; write a list, like {key} = ["..."]')
    return found


def _alias(item: Any, entity_id: str, path: Path, table: _Table) -> AliasEntry:
    if isinstance(item, str):
        item = {"text": item}
    if not isinstance(item, dict) or not str(item.get("text", "")).strip():
        raise UsageError(f"watchlist {path}: entity {entity_id!r} has an alias without text: {item!r:.80}")
    table.check(item, ALIAS_KEYS, "alias key")
    owner = f"{entity_id}: {item['text']}"
    if not isinstance(item.get("case_sensitive", False), bool):
        raise UsageError(
            f"watchlist {path}: {owner!r} has case_sensitive = {item['case_sensitive']!r}; write true or false"
        )
    return AliasEntry(
        text=str(item["text"]).strip(),
        lang=_string(item, "lang", owner, path),
        script=_string(item, "script", owner, path),
        case_sensitive=item.get("case_sensitive", False),
        note=_string(item, "note", owner, path),
    )


def _topic(raw: dict[str, Any], path: Path, entity_ids: set[str], table: _Table) -> TopicEntry:
    table.check(raw, TABLE_KEYS["topic"])
    topic_id = raw.get("id")
    if not isinstance(topic_id, str) or not topic_id.strip():
        raise UsageError(f"watchlist {path}: every [[topic]] needs an id")
    listed = [str(e) for e in _listed(raw, "entities", topic_id, path)]
    unknown = [e for e in listed if e not in entity_ids]
    if unknown:
        raise UsageError(f"watchlist {path}: topic {topic_id!r} names unknown entities: {', '.join(unknown)}")
    name = _string(raw, "name", topic_id, path) or topic_id
    return TopicEntry(topic_id, name, listed, _string(raw, "description", topic_id, path))


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
