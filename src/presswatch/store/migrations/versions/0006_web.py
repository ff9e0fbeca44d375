"""web: users of the editor UI (argon2 password hashes, roles), their login sessions and saved searches,
and the app's signing keys

Revision ID: 0006_web
Revises: 0005_monitor
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_web"
down_revision = "0005_monitor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("password_hash", sa.String, nullable=False),  # argon2id, with its parameters and salt
        sa.Column("role", sa.String, nullable=False),  # viewer | editor | admin
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        # SHA-256 of the cookie's random token: a copy of the database does not hand out live sessions
        sa.Column("token_hash", sa.String, nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("filters", sa.Text),  # JSON {language, source, entity, topic, since, until, sort}
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_search_user_name"),
    )
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String, primary_key=True),  # what the key signs, e.g. "csrf"
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("app_secrets", "saved_searches", "web_sessions", "users"):
        op.drop_table(table)
