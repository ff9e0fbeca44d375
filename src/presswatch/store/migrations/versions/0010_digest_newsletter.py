"""digest_newsletter: a digest's editor's note (intro) and the rule that chose its items, with its sentence

Revision ID: 0010_digest_newsletter
Revises: 0009_story_edits
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_digest_newsletter"
down_revision = "0009_story_edits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("digests", sa.Column("intro", sa.Text))
    op.add_column("digests", sa.Column("rule", sa.String))
    op.add_column("digests", sa.Column("rule_text", sa.Text))
    # Digests made before this revision were all chosen by topic relevance.
    op.execute("UPDATE digests SET rule = 'topic'")


def downgrade() -> None:
    with op.batch_alter_table("digests") as batch:
        batch.drop_column("rule_text")
        batch.drop_column("rule")
        batch.drop_column("intro")
