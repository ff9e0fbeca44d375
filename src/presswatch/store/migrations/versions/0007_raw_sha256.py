"""raw_sha256: an index on raw.sha256, so that asking whether an input was ingested before stays cheap

Every ingested item asks it before extraction; without the index each question
reads the whole raw table (6 ms a question at 50,000 raw records, and growing).

Revision ID: 0007_raw_sha256
Revises: 0006_web
"""

from alembic import op

revision = "0007_raw_sha256"
down_revision = "0006_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_raw_sha256", "raw", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_raw_sha256", table_name="raw")
