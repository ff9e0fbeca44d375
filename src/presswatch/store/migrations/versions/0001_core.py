"""core tables: sources, raw, articles (with versions), fetch queue, full-text index

Revision ID: 0001_core
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("domain", sa.String, index=True),
        sa.Column("homepage", sa.String),
        sa.Column("feed_url", sa.String),
        sa.Column("language", sa.String),
        sa.Column("country", sa.String),
        sa.Column("etag", sa.String),
        sa.Column("last_modified", sa.String),
        sa.Column("next_poll_at", sa.DateTime),
        sa.Column("last_success_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", sa.DateTime),
        sa.Column("error_streak", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status", sa.String, nullable=False, server_default="ok"),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "raw",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("origin", sa.String),
        sa.Column("record", sa.String),
        sa.Column("fetched_at", sa.DateTime),
        sa.Column("status", sa.Integer),
        sa.Column("headers", sa.Text),
        sa.Column("content_type", sa.String),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("body", sa.LargeBinary),
        sa.Column("warc_path", sa.String),
        sa.Column("warc_offset", sa.Integer),
        sa.Column("warc_length", sa.Integer),
        sa.Column("hints", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("url", "sha256", name="uq_raw_url_sha256"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String, nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False, index=True),
        sa.Column("raw_id", sa.Integer, sa.ForeignKey("raw.id")),
        sa.Column("title", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("sitename", sa.Text),
        sa.Column("published_at", sa.DateTime, index=True),
        sa.Column("published_how", sa.String),
        sa.Column("fetched_at", sa.DateTime),
        sa.Column("language", sa.String, index=True),
        sa.Column("language_confidence", sa.Float),
        sa.Column("paragraph_languages", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("word_count", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String, nullable=False, index=True),
        sa.Column("extractor", sa.String),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("url", "version", name="uq_articles_url_version"),
    )
    op.create_table(
        "fetch_queue",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String, nullable=False, unique=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("found_in", sa.Integer, sa.ForeignKey("raw.id")),
        sa.Column("title", sa.Text),
        sa.Column("published_at", sa.DateTime),
        sa.Column("status", sa.String, nullable=False, server_default="pending"),
        sa.Column("queued_at", sa.DateTime, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        _create_fts()


def _create_fts() -> None:
    # External-content FTS5 index kept in step by triggers; remove_diacritics
    # lets "Muxhahedinet" find "Muxhahedinët".
    op.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, text, content='articles', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
        "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for table in ("fetch_queue", "articles", "raw", "sources"):
        op.drop_table(table)
