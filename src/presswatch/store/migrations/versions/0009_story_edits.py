"""story_edits: who merged, split, moved or renamed which stories, and when; story_pins: the articles those
edits placed, which stay in their story through later `process` runs and `--redo stories`

Revision ID: 0009_story_edits
Revises: 0008_login_throttle
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_story_edits"
down_revision = "0008_login_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_edits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("story_id", sa.Integer, nullable=False, index=True),
        sa.Column("from_story_id", sa.Integer, index=True),
        sa.Column("articles", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("previous_title", sa.Text),
        sa.Column("editor", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "story_pins",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("story_id", sa.Integer, nullable=False, index=True),
        sa.Column("edit_id", sa.Integer, sa.ForeignKey("story_edits.id", ondelete="CASCADE"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("story_pins")
    op.drop_table("story_edits")
