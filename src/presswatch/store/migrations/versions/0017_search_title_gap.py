"""PostgreSQL search: no phrase across the end of the title and the start of the text (nothing on SQLite).

`tsvector || tsvector` numbers the text's words on from the title's last one, so the phrase "vote residents"
matched an article titled "... vote" whose text begins "Residents ...". FTS5 keeps title and text in columns
of their own, where no phrase crosses. The title now ends with a placeholder word that takes one position and
is then deleted (`ts_delete`): the gap stays, the word is not searchable.

Revision ID: 0017_search_title_gap
Revises: 0016_covering_trace_index
"""

from __future__ import annotations

from alembic import op

revision = "0017_search_title_gap"
down_revision = "0016_covering_trace_index"
branch_labels = None
depends_on = None

# as in 0013: the text indexed, and punctuation a space
INDEXED_CHARS = 300_000
PUNCTUATION = "[[:punct:]]"
GAP = "presswatchtitleend"  # one word no article is searched for, deleted once it has taken its position


def _document(title: str) -> str:
    body = f"regexp_replace(left(coalesce(text, ''), {INDEXED_CHARS}), '{PUNCTUATION}', ' ', 'g')"
    return (
        f"setweight(to_tsvector('presswatch_simple'::regconfig, {title}), 'A') || "
        f"setweight(to_tsvector('presswatch_simple'::regconfig, {body}), 'B')"
    )


def _replace(expression: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_articles_search_document")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_document")
    op.execute(f"ALTER TABLE articles ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({expression}) STORED")
    op.execute("CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    title = f"regexp_replace(coalesce(title, ''), '{PUNCTUATION}', ' ', 'g') || ' {GAP}'"
    _replace(f"ts_delete({_document(title)}, '{GAP}')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _replace(_document(f"regexp_replace(coalesce(title, ''), '{PUNCTUATION}', ' ', 'g')"))
