"""post_traces: the detection index covers the columns detection reads (account and post besides the time).

Detection streams one method's traces sorted by (trace, time); with the account and the post in the index too,
SQLite and PostgreSQL answer from the index alone instead of fetching each row it points to, about a third of
the time of a run on a few hundred thousand traces.

Revision ID: 0016_covering_trace_index
Revises: 0015_alert_groups
"""

from __future__ import annotations

from alembic import op

revision = "0016_covering_trace_index"
down_revision = "0015_alert_groups"
branch_labels = None
depends_on = None

OLD, NEW = "ix_post_traces_method_trace_at", "ix_post_traces_detection"


def upgrade() -> None:
    op.create_index(NEW, "post_traces", ["method", "trace", "at_ms", "account_id", "post_id"])
    op.drop_index(OLD, "post_traces")


def downgrade() -> None:
    op.create_index(OLD, "post_traces", ["method", "trace", "at_ms"])
    op.drop_index(NEW, "post_traces")
