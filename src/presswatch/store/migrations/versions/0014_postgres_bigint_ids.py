"""PostgreSQL: 64-bit row ids, and 64-bit columns that hold one (foreign keys, watermarks) or a WARC offset.

SQLite's INTEGER is 64-bit already, so nothing changes there. On PostgreSQL an INTEGER is 32-bit: an id a client
sends in a path past 2**31 - 1 failed the query instead of finding nothing, and a WARC file over 2 GiB could
not be pointed into. Each sequence behind a serial id becomes 64-bit too.

Revision ID: 0014_postgres_bigint_ids
Revises: 0013_postgres_search
"""

from __future__ import annotations

from alembic import op

revision = "0014_postgres_bigint_ids"
down_revision = "0013_postgres_search"
branch_labels = None
depends_on = None

# table -> its columns that hold a row id or an offset, as the tables stand at 0013
COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": ("id",),
    "alert_deliveries": ("id", "rule_id"),
    "alert_matches": ("id", "rule_id", "article_id"),
    "alert_rules": ("id", "seen_article_id", "seen_link_id"),
    "aliases": ("id",),
    "anchors": ("article_id",),
    "articles": ("id", "source_id", "raw_id"),
    "coordination_edges": ("id", "run_id", "account_a", "account_b"),
    "coordination_groups": ("id", "run_id"),
    "coordination_members": ("group_id", "account_id"),
    "coordination_runs": ("id",),
    "digest_items": ("id", "digest_id", "story_id"),
    "digests": ("id",),
    "exclusions": ("id",),
    "fetch_queue": ("id", "source_id", "found_in"),
    "links": ("id", "origin_id", "copy_id"),
    "lsh_buckets": ("article_id",),
    "mentions": ("id", "article_id"),
    "passage_hashes": ("article_id", "source_id"),
    "post_traces": ("post_id", "account_id"),
    "posts": ("id", "account_id"),
    "raw": ("id", "warc_offset", "warc_length"),
    "relevance": ("article_id",),
    "saved_searches": ("id", "user_id"),
    "sources": ("id",),
    "stage_state": ("watermark",),
    "stories": ("id", "title_article_id"),
    "story_articles": ("story_id", "article_id"),
    "story_edits": ("id", "story_id", "from_story_id"),
    "story_pins": ("article_id", "story_id", "edit_id"),
    "users": ("id",),
    "web_sessions": ("id", "user_id"),
}


def upgrade() -> None:
    _retype("BIGINT")


def downgrade() -> None:
    _retype("INTEGER")


def _retype(sql_type: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        changes = ", ".join(f"ALTER COLUMN {column} TYPE {sql_type}" for column in columns)
        op.execute(f"ALTER TABLE {table} {changes}")
        if "id" in columns:  # the serial's sequence, where the id has one (SERIAL made it 32-bit)
            op.execute(
                f"DO $$ DECLARE s text := pg_get_serial_sequence('{table}', 'id'); "
                f"BEGIN IF s IS NOT NULL THEN EXECUTE 'ALTER SEQUENCE ' || s || ' AS {sql_type}'; END IF; END $$"
            )
