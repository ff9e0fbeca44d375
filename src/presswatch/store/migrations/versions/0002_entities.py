"""watchlist (topics, entities, aliases, exclusions), mentions, relevance, stage state

Revision ID: 0002_entities
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_entities"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topics",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "topic_entities",
        sa.Column("topic_id", sa.String, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("entity_id", sa.String, sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entity_id", sa.String, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang", sa.String),
        sa.Column("script", sa.String),
        sa.Column("case_sensitive", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("note", sa.Text),
        sa.Column("origin", sa.String, nullable=False, server_default="watchlist"),
        sa.UniqueConstraint("entity_id", "text", name="uq_alias_entity_text"),
    )
    op.create_table(
        "exclusions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entity_id", sa.String, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("entity_id", sa.String, nullable=False, index=True),
        sa.Column("alias", sa.Text, nullable=False),
        sa.Column("surface", sa.Text, nullable=False),
        sa.Column("field", sa.String, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("method", sa.String, nullable=False),
    )
    op.create_table(
        "relevance",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("topic_id", sa.String, primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
    )
    op.create_table(
        "stage_state",
        sa.Column("stage", sa.String, primary_key=True),
        sa.Column("watermark", sa.Integer, nullable=False, server_default="0"),
        sa.Column("fingerprint", sa.String),
        sa.Column("updated_at", sa.DateTime),
    )


def downgrade() -> None:
    for table in (
        "stage_state",
        "relevance",
        "mentions",
        "exclusions",
        "aliases",
        "topic_entities",
        "entities",
        "topics",
    ):
        op.drop_table(table)
