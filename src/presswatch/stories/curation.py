"""An editor's corrections to the stories: merge two, split one, move an article, rename one.

Each edit is recorded in `story_edits` (who, when, which articles) and pins
every article of the stories it leaves behind to the story it is now in
(`story_pins`). The stories stage honours both: a pinned article goes back to
its story when everything is clustered again (`process --redo stories`), a
curated story keeps its id and the name an editor gave it, and new articles
still join it by the usual rule. Story ids an edit names are never given to
another story.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ..errors import NotFound, UsageError
from ..store.queries import now
from ..store.schema import articles, sources, stories, story_articles, story_edits, story_pins
from .queries import WHEN, chunks

ACTIONS = ("merge", "split", "move", "rename")
MAX_TITLE = 300  # characters of a name an editor gives a story
EDITOR_JOIN = "editor"  # story_articles.joined_by of an article an editor placed


# ---- what the stories stage reads -------------------------------------------------------------------


def next_story_id(conn: Connection) -> int:
    """An id no stored story, edit or pin has used: a rebuilt story never takes a curated story's id."""
    highest = (
        select(func.max(stories.c.id)),
        select(func.max(story_edits.c.story_id)),
        select(func.max(story_edits.c.from_story_id)),
        select(func.max(story_pins.c.story_id)),
    )
    return max(int(conn.execute(query).scalar() or 0) for query in highest) + 1


def curated_names(conn: Connection) -> dict[int, str]:
    """The name an editor last gave each story, by story id."""
    query = (
        select(story_edits.c.story_id, story_edits.c.title)
        .where(story_edits.c.title.is_not(None))
        .order_by(story_edits.c.id)
    )
    return {story_id: title for story_id, title in conn.execute(query)}


def pins_after(conn: Connection, watermark: int) -> dict[int, int]:
    """Article id -> the story an editor pinned it to, for the articles after `watermark`."""
    query = select(story_pins.c.article_id, story_pins.c.story_id).where(story_pins.c.article_id > watermark)
    return {article_id: story_id for article_id, story_id in conn.execute(query)}


def carry_pins(conn: Connection, new_versions: dict[int, int]) -> None:
    """A new version of a page takes over its earlier version's pin (old article id -> new)."""
    for old, new in new_versions.items():
        conn.execute(update(story_pins).where(story_pins.c.article_id == old).values(article_id=new))


# ---- the edits -----------------------------------------------------------------------------------------


def merge(conn: Connection, into: int, other: int, editor: str) -> int:
    """Move every article of story `other` into story `into`; `other` is left empty. Returns `into`."""
    if into == other:
        raise UsageError(f"story {into} cannot be merged with itself; name two different stories")
    _story(conn, into)
    _story(conn, other)
    moved = _members(conn, other)
    edit = _record(conn, "merge", into, other, moved, editor)
    _place(conn, moved, into)
    _refresh(conn, [into, other])
    _pin(conn, [into], edit)
    return into


def split(conn: Connection, story_id: int, article_ids: list[int], editor: str, title: str | None = None) -> int:
    """Move the chosen articles of a story into a new story (named `title`, if given); the new story's id."""
    _story(conn, story_id)
    chosen = sorted(set(article_ids))
    if not chosen:
        raise UsageError(f"choose the articles of story {story_id} that form the new story")
    members = set(_members(conn, story_id))
    strangers = [a for a in chosen if a not in members]
    if strangers:
        listed = f"`presswatch stories show {story_id}` lists its own"
        raise UsageError(f"articles {_ids(strangers)} are not in story {story_id}; {listed}")
    if len(chosen) == len(members):
        raise UsageError(f"a split leaves at least one article in story {story_id}; choose fewer than all of them")
    name = _checked_title(title) if title is not None and title.strip() else None
    new_id = next_story_id(conn)
    conn.execute(insert(stories).values(id=new_id, articles=0, updated_at=now()))
    edit = _record(conn, "split", new_id, story_id, chosen, editor, title=name)
    _place(conn, chosen, new_id)
    _refresh(conn, [story_id, new_id])
    _pin(conn, [story_id, new_id], edit)
    return new_id


def move(conn: Connection, article_id: int, story_id: int, editor: str) -> int:
    """Move one article into another story; the story it left."""
    _story(conn, story_id)
    found = conn.execute(select(articles.c.id).where(articles.c.id == article_id)).first()
    if found is None:
        raise NotFound(f"no article {article_id}; find one with `presswatch articles list`")
    source = conn.execute(select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)).scalar()
    if source is None:
        raise UsageError(f"article {article_id} is in no story yet; run `presswatch process` first")
    if source == story_id:
        raise UsageError(f"article {article_id} is already in story {story_id}")
    edit = _record(conn, "move", story_id, int(source), [article_id], editor)
    _place(conn, [article_id], story_id)
    _refresh(conn, [story_id, int(source)])
    _pin(conn, [story_id, int(source)], edit)
    return int(source)


def rename(conn: Connection, story_id: int, title: str, editor: str) -> None:
    """Give a story a name of the editor's own, kept however the story grows."""
    row = _story(conn, story_id)
    name = _checked_title(title)
    edit = _record(conn, "rename", story_id, None, [], editor, title=name, previous_title=row.title)
    conn.execute(update(stories).where(stories.c.id == story_id).values(title=name, updated_at=now()))
    _pin(conn, [story_id], edit)


def merged_into(conn: Connection, story_id: int) -> dict[str, Any] | None:
    """The last edit that took articles out of a story (to find where an emptied story went)."""
    query = select(story_edits).where(story_edits.c.from_story_id == story_id).order_by(story_edits.c.id.desc())
    row = conn.execute(query).first()
    return None if row is None else dict(row._mapping)


# ---- helpers ---------------------------------------------------------------------------------------------


def _story(conn: Connection, story_id: int) -> Any:
    row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
    if row is None or not row.articles:
        raise NotFound(f"no story {story_id}; list them with `presswatch stories list`")
    return row


def _members(conn: Connection, story_id: int) -> list[int]:
    query = select(story_articles.c.article_id).where(story_articles.c.story_id == story_id)
    return sorted(conn.execute(query).scalars())


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in ids)


def _checked_title(title: str) -> str:
    name = " ".join(title.split())
    if not name:
        raise UsageError("a story's name cannot be empty")
    if len(name) > MAX_TITLE:
        raise UsageError(f"a story's name is at most {MAX_TITLE} characters, not {len(name)}")
    return name


def _checked_editor(editor: str) -> str:
    name = editor.strip()
    if not name:
        raise UsageError("an edit needs the name of the editor who makes it")
    return name


def _record(
    conn: Connection,
    action: str,
    story_id: int,
    from_story_id: int | None,
    article_ids: list[int],
    editor: str,
    title: str | None = None,
    previous_title: str | None = None,
) -> int:
    values = {
        "action": action,
        "story_id": story_id,
        "from_story_id": from_story_id,
        "articles": json.dumps(article_ids),
        "title": title,
        "previous_title": previous_title,
        "editor": _checked_editor(editor),
        "created_at": now(),
    }
    key = conn.execute(insert(story_edits).values(values)).inserted_primary_key
    assert key is not None  # an insert of one row
    return int(key[0])


def _place(conn: Connection, article_ids: list[int], story_id: int) -> None:
    for part in chunks(article_ids):
        conn.execute(
            update(story_articles)
            .where(story_articles.c.article_id.in_(part))
            .values(story_id=story_id, joined_by=EDITOR_JOIN, score=1.0)
        )


def _pin(conn: Connection, story_ids: list[int], edit_id: int) -> None:
    """Pin every article of these stories to its story, as this edit left it."""
    for story_id in story_ids:
        members = _members(conn, story_id)
        for part in chunks(members):
            conn.execute(delete(story_pins).where(story_pins.c.article_id.in_(part)))
        if members:
            conn.execute(
                insert(story_pins), [{"article_id": a, "story_id": story_id, "edit_id": edit_id} for a in members]
            )


def _refresh(conn: Connection, story_ids: list[int]) -> None:
    """A story's size, dates, languages, outlets and title, from the articles it now holds."""
    names = curated_names(conn)
    for story_id in story_ids:
        row = conn.execute(select(stories).where(stories.c.id == story_id)).one()
        members = conn.execute(
            select(articles.c.id, articles.c.title, articles.c.language, sources.c.name.label("source"))
            .add_columns(WHEN.label("when"))
            .join(story_articles, story_articles.c.article_id == articles.c.id)
            .join(sources, sources.c.id == articles.c.source_id)
            .where(story_articles.c.story_id == story_id)
            .order_by(WHEN, articles.c.id)
        ).all()
        values: dict[str, Any] = {"articles": len(members), "updated_at": now()}
        languages = Counter(m.language or "und" for m in members)
        outlets = Counter(m.source for m in members)
        values["languages"] = json.dumps(dict(languages.most_common()), ensure_ascii=False)
        values["outlets"] = json.dumps(dict(outlets.most_common()), ensure_ascii=False)
        if members:
            times = [m.when for m in members]
            values.update(first_seen=min(times), last_seen=max(times))
            values.update(_title(row, members, names.get(story_id)))
        conn.execute(update(stories).where(stories.c.id == story_id).values(values))


def _title(row: Any, members: Sequence[Any], name: str | None) -> dict[str, Any]:
    """The editor's name for the story, else its title article's title while it stays, else its first's."""
    ids = {m.id for m in members}
    if row.title_article_id in ids and row.title:
        chosen = (row.title, row.title_article_id)
    else:
        first = next((m for m in members if m.title), members[0])
        chosen = (first.title, first.id)
    return {"title": name or chosen[0], "title_article_id": chosen[1]}
