"""alerts: alert rules, their matches, the delivery outbox, and the jobs of `presswatch run`

Revision ID: 0012_alerts
Revises: 0011_posts_coordination
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_alerts"
down_revision = "0011_posts_coordination"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("owner", sa.String, nullable=False),
        sa.Column("recipients", sa.Text, nullable=False),
        sa.Column("trigger", sa.String, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("frequency", sa.String, nullable=False),
        sa.Column("hourly_cap", sa.Integer, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("secret", sa.String, nullable=False),
        sa.Column("feed_token_hash", sa.String),
        sa.Column("seen_article_id", sa.Integer, nullable=False),
        sa.Column("seen_link_id", sa.Integer, nullable=False),
        sa.Column("evaluated_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_alert_rules_feed_token_hash", "alert_rules", ["feed_token_hash"])
    op.create_table(
        "alert_matches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rule_id", sa.Integer, sa.ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("matched_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("rule_id", "article_id", name="uq_alert_matches_rule_article"),
    )
    op.create_index("ix_alert_matches_article_id", "alert_matches", ["article_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rule_id", sa.Integer, sa.ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String, nullable=False),
        sa.Column("batch_key", sa.String, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
        sa.UniqueConstraint("rule_id", "channel", "batch_key", name="uq_alert_deliveries_batch"),
    )
    op.create_index("ix_alert_deliveries_due", "alert_deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "jobs",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("last_run_at", sa.DateTime),
        sa.Column("last_outcome", sa.String),
        sa.Column("last_error", sa.Text),
        sa.Column("last_seconds", sa.Float),
        sa.Column("next_run_at", sa.DateTime),
        sa.Column("runs", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_index("ix_alert_deliveries_due", "alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alert_matches_article_id", "alert_matches")
    op.drop_table("alert_matches")
    op.drop_index("ix_alert_rules_feed_token_hash", "alert_rules")
    op.drop_table("alert_rules")
