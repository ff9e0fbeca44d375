"""monitor: how each source is polled (kind, adaptive interval), what the last poll saw, and fetch attempts per URL;
the canonical URL a page declares when it is not the page's own (syndicated copies point to their origin)

Revision ID: 0005_monitor
Revises: 0004_stories
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_monitor"
down_revision = "0004_stories"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("kind", sa.String))  # feed | sitemap | page
        batch.add_column(sa.Column("poll_interval", sa.Integer))  # seconds, adapted after each poll
        batch.add_column(sa.Column("last_polled_at", sa.DateTime))
        batch.add_column(sa.Column("last_status", sa.Integer))  # HTTP status of the last poll
        batch.add_column(sa.Column("items_found", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("declared_url", sa.String))
    with op.batch_alter_table("fetch_queue") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_error", sa.Text))
        batch.add_column(sa.Column("fetched_at", sa.DateTime))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("declared_url")
    with op.batch_alter_table("fetch_queue") as batch:
        for column in ("fetched_at", "last_error", "attempts"):
            batch.drop_column(column)
    with op.batch_alter_table("sources") as batch:
        for column in ("items_found", "last_status", "last_polled_at", "poll_interval", "kind"):
            batch.drop_column(column)
