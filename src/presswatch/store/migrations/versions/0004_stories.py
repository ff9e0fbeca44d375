"""stories: clusters of articles about one event, and weekly digests with their items and versions

Revision ID: 0004_stories
Revises: 0003_reuse
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_stories"
down_revision = "0003_reuse"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("title_article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("first_seen", sa.DateTime, index=True),
        sa.Column("last_seen", sa.DateTime, index=True),
        sa.Column("articles", sa.Integer, nullable=False, server_default="0"),
        sa.Column("languages", sa.Text),
        sa.Column("outlets", sa.Text),
        sa.Column("updated_at", sa.DateTime),
    )
    op.create_table(
        "story_articles",
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("joined_by", sa.String, nullable=False),
    )
    op.create_index("ix_story_articles_article", "story_articles", ["article_id"])
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("topic_id", sa.String),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("published_at", sa.DateTime),
        sa.UniqueConstraint("period", "topic_id", "version", name="uq_digest_version"),
    )
    op.create_table(
        "digest_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("digest_id", sa.Integer, sa.ForeignKey("digests.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="SET NULL")),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("included", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("language", sa.String),
        sa.Column("title", sa.Text),
        sa.Column("summary", sa.Text),
        sa.Column("story_articles", sa.Integer),
        sa.Column("data", sa.Text),
    )


def downgrade() -> None:
    for table in ("digest_items", "digests", "story_articles", "stories"):
        op.drop_table(table)
