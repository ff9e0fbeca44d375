"""alert_groups: the "new coordinated group" alert trigger

`alert_group_matches`: a coordinated group (a run's group, by run and number) a rule alerted on, with its
accounts, so that a later run's group is compared with what the rule already told of; one row per rule and
group. `alert_rules.seen_coordination_run_id`: coordination runs up to this id were evaluated (the runs' own
watermark, as `seen_article_id` is the articles').

Revision ID: 0015_alert_groups
Revises: 0014_postgres_bigint_ids
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_alert_groups"
down_revision = "0014_postgres_bigint_ids"
branch_labels = None
depends_on = None

# 64-bit on PostgreSQL like every id since 0014; SQLite keeps INTEGER (the rowid)
ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("alert_rules") as batch:
        batch.add_column(sa.Column("seen_coordination_run_id", ID, nullable=False, server_default="0"))
    op.create_table(
        "alert_group_matches",
        sa.Column("id", ID, primary_key=True),
        sa.Column("rule_id", ID, sa.ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
        sa.Column("run_id", ID, sa.ForeignKey("coordination_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("group_number", sa.Integer, nullable=False),
        sa.Column("accounts", sa.Text, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("matched_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("rule_id", "run_id", "group_number", name="uq_alert_group_matches_rule_group"),
    )


def downgrade() -> None:
    op.drop_table("alert_group_matches")
    with op.batch_alter_table("alert_rules") as batch:
        batch.drop_column("seen_coordination_run_id")
