"""reuse: links between articles (duplicate, partial, translation, with direction), LSH buckets,
passage fingerprints and translation anchors

Revision ID: 0003_reuse
Revises: 0002_entities
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_reuse"
down_revision = "0002_entities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "origin_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("copy_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("method", sa.String, nullable=False),
        sa.Column("passages", sa.Text),
        sa.Column("directed", sa.Boolean, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("origin_id", "copy_id", "kind", name="uq_links_pair_kind"),
    )
    op.create_table(
        "lsh_buckets",
        sa.Column("band", sa.Integer, nullable=False),
        sa.Column("bucket", sa.BigInteger, nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_lsh_band_bucket", "lsh_buckets", ["band", "bucket"])
    op.create_table(
        "passage_hashes",
        sa.Column("hash", sa.BigInteger, nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
    )
    op.create_index("ix_passage_hashes_hash", "passage_hashes", ["hash"])
    op.create_index("ix_passage_hashes_article", "passage_hashes", ["article_id"])
    op.create_table(
        "anchors",
        sa.Column("key", sa.String, nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_anchors_key", "anchors", ["key"])


def downgrade() -> None:
    for table in ("anchors", "passage_hashes", "lsh_buckets", "links"):
        op.drop_table(table)
