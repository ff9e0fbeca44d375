"""login_throttle: failed logins per account and per client address, so that throttling survives a restart
and holds across several server processes; web_sessions.last_seen_at, for the idle timeout of sessions

Revision ID: 0008_login_throttle
Revises: 0007_raw_sha256
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_login_throttle"
down_revision = "0007_raw_sha256"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("kind", sa.String, primary_key=True),  # account | address
        sa.Column("subject", sa.String, primary_key=True),  # the name tried, or the client's address
        sa.Column("failures", sa.Integer, nullable=False),  # failed logins in a row, none far apart
        sa.Column("last_failure_at", sa.DateTime, nullable=False),
        sa.Column("locked_until", sa.DateTime),  # no attempt is heard before this
    )
    op.add_column("web_sessions", sa.Column("last_seen_at", sa.DateTime))
    op.execute("UPDATE web_sessions SET last_seen_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("last_seen_at")
    op.drop_table("login_throttle")
