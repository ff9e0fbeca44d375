"""posts_coordination: social posts and their accounts, the traces they share, and coordination runs

Revision ID: 0011_posts_coordination
Revises: 0010_digest_newsletter
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_posts_coordination"
down_revision = "0010_digest_newsletter"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String, nullable=False),
        sa.Column("account_key", sa.String, nullable=False),
        sa.Column("name", sa.String),
        sa.Column("screen_name", sa.String),
        sa.Column("created_ms", sa.BigInteger),
        sa.Column("followers", sa.Integer),
        sa.Column("following", sa.Integer),
        sa.Column("language", sa.String),
        sa.UniqueConstraint("platform", "account_key", name="uq_account_platform_key"),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String, nullable=False),
        sa.Column("post_key", sa.String, nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("posted_ms", sa.BigInteger, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("language", sa.String),
        sa.Column("links", sa.Text),
        sa.Column("hashtags", sa.Text),
        sa.Column("mentions", sa.Text),
        sa.Column("reply_to", sa.String),
        sa.Column("repost_of", sa.String),
        sa.Column("quote_of", sa.String),
        sa.Column("client", sa.String),
        sa.Column("origin", sa.String),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("platform", "post_key", name="uq_post_platform_key"),
    )
    op.create_index("ix_posts_account_id", "posts", ["account_id"])
    op.create_index("ix_posts_posted_ms", "posts", ["posted_ms"])
    op.create_table(
        "post_traces",
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("method", sa.String, nullable=False),
        sa.Column("trace", sa.String, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("post_id", "method", "trace", name="uq_post_trace"),
    )
    op.create_index("ix_post_traces_post_id", "post_traces", ["post_id"])
    op.create_index("ix_post_traces_method_trace_at", "post_traces", ["method", "trace", "at_ms"])
    op.create_table(
        "coordination_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("summary", sa.Text),
    )
    op.create_table(
        "coordination_edges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("coordination_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("account_a", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("account_b", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("methods", sa.String, nullable=False),
        sa.Column("weight", sa.Integer, nullable=False),
        sa.Column("p_value", sa.Float),
        sa.Column("first_ms", sa.BigInteger, nullable=False),
        sa.Column("last_ms", sa.BigInteger, nullable=False),
        sa.Column("a_first", sa.Integer, nullable=False),
        sa.Column("b_first", sa.Integer, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
    )
    op.create_index("ix_coordination_edges_run_id", "coordination_edges", ["run_id"])
    op.create_index("ix_coordination_edges_run_a", "coordination_edges", ["run_id", "account_a"])
    op.create_index("ix_coordination_edges_run_b", "coordination_edges", ["run_id", "account_b"])
    op.create_table(
        "coordination_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("coordination_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("methods", sa.String, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.UniqueConstraint("run_id", "number", name="uq_coordination_group_number"),
    )
    op.create_index("ix_coordination_groups_run_id", "coordination_groups", ["run_id"])
    op.create_table(
        "coordination_members",
        sa.Column(
            "group_id",
            sa.Integer,
            sa.ForeignKey("coordination_groups.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    )
    op.create_index("ix_coordination_members_account_id", "coordination_members", ["account_id"])


def downgrade() -> None:
    for table in (
        "coordination_members",
        "coordination_groups",
        "coordination_edges",
        "coordination_runs",
        "post_traces",
        "posts",
        "accounts",
    ):
        op.drop_table(table)
