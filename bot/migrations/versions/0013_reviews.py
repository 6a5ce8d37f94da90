"""Reviews copied from the platforms, and the owner's approved replies.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("author", sa.String(length=60), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("platform_reply", sa.Text(), nullable=False),
        sa.Column("menu", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("sentiment", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("aspects", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("urgent", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("replied_at", TIMESTAMP, nullable=True),
        sa.Column("replied_by", sa.String(length=60), nullable=False),
        sa.Column("imported_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "fingerprint", name="uq_review_platform_fingerprint"),
    )
    op.create_index("ix_review_platform", "review", ["platform"])
    op.create_index("ix_review_status", "review", ["status"])
    op.create_index("ix_review_imported_at", "review", ["imported_at"])
    op.create_table(
        "reviewreply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=60), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reviewreply_review_id", "reviewreply", ["review_id"])


def downgrade() -> None:
    op.drop_index("ix_reviewreply_review_id", table_name="reviewreply")
    op.drop_table("reviewreply")
    for index in ("ix_review_imported_at", "ix_review_status", "ix_review_platform"):
        op.drop_index(index, table_name="review")
    op.drop_table("review")
