"""Knowledge versions: every version of every knowledge file, for the history and one-tap restore.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "knowledgeversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=False),
        sa.Column("newline", sa.String(length=4), nullable=False),
        sa.Column("author", sa.String(length=60), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_knowledgeversion_path", "knowledgeversion", ["path"])
    op.create_index("ix_knowledgeversion_created_at", "knowledgeversion", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_knowledgeversion_created_at", table_name="knowledgeversion")
    op.drop_index("ix_knowledgeversion_path", table_name="knowledgeversion")
    op.drop_table("knowledgeversion")
