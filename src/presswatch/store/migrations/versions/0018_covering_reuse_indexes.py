"""Reuse's candidate lookups answered from their indexes alone: each index also holds the article id.

Finding the candidates of a new article asks three indexes for the articles that share its LSH buckets, its
rare passage hashes and its rare translation anchors, up to a few thousand entries an article. Each index held
only the key, so every entry cost a second look-up in its table for the article id; with the id in the index,
reuse costs about a tenth less (5,000 synthetic articles of bench/corpus.py: 120 CPU seconds before, 101-109
after, in runs on a shared machine; the same links).

Revision ID: 0018_covering_reuse_indexes
Revises: 0017_search_title_gap
"""

from __future__ import annotations

from alembic import op

revision = "0018_covering_reuse_indexes"
down_revision = "0017_search_title_gap"
branch_labels = None
depends_on = None

# table: (old index, old columns, new index, new columns)
CHANGES = {
    "lsh_buckets": (
        "ix_lsh_band_bucket",
        ["band", "bucket"],
        "ix_lsh_band_bucket_article",
        ["band", "bucket", "article_id"],
    ),
    "passage_hashes": ("ix_passage_hashes_hash", ["hash"], "ix_passage_hashes_hash_article", ["hash", "article_id"]),
    "anchors": ("ix_anchors_key", ["key"], "ix_anchors_key_article", ["key", "article_id"]),
}


def upgrade() -> None:
    for table, (old, _, new, columns) in CHANGES.items():
        op.create_index(new, table, columns)
        op.drop_index(old, table)


def downgrade() -> None:
    for table, (old, columns, new, _) in CHANGES.items():
        op.create_index(old, table, columns)
        op.drop_index(new, table)
