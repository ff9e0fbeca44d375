"""postgres_search: full-text search on PostgreSQL, the counterpart of SQLite's FTS5 index (nothing on SQLite)

A text search configuration `presswatch_simple`: the language-neutral 'simple' configuration (lower case, no
stemming, no stop words: a multilingual corpus gets the same treatment in every language) with `unaccent`
before it, as FTS5's `remove_diacritics` ("Muxhahedinet" finds "Muxhahedinët"). `articles.search_document`,
a generated column (kept in step by PostgreSQL itself) with the title weighted A and the text B, and its GIN
index. The column is not in store/schema.py: like articles_fts, only the search reads it, by name.

Revision ID: 0013_postgres_search
Revises: 0012_alerts
"""

from alembic import op

revision = "0013_postgres_search"
down_revision = "0012_alerts"
branch_labels = None
depends_on = None

# tsvector holds at most 1 MB: the text past this many characters is not indexed (SQLite indexes it all)
INDEXED_CHARS = 300_000
# Punctuation is a space, as to FTS5's unicode61: PostgreSQL's parser would keep a URL, a host name, a decimal
# or a hyphenated word whole ("camp" would not be found in ".../inside-camp-tolou"). search_postgres.py does the
# same to every query term.
PUNCTUATION = "[[:punct:]]"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE TEXT SEARCH CONFIGURATION presswatch_simple (COPY = pg_catalog.simple)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION presswatch_simple ALTER MAPPING FOR "
        "word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple"
    )
    title = f"regexp_replace(coalesce(title, ''), '{PUNCTUATION}', ' ', 'g')"
    body = f"regexp_replace(left(coalesce(text, ''), {INDEXED_CHARS}), '{PUNCTUATION}', ' ', 'g')"
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_document tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('presswatch_simple'::regconfig, {title}), 'A') || "
        f"setweight(to_tsvector('presswatch_simple'::regconfig, {body}), 'B')"
        ") STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_document ON articles USING gin (search_document)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_search_document")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_document")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS presswatch_simple")
