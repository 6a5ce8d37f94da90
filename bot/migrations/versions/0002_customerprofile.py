"""Customer profiles shared through a channel (TalkTalk's profile API).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customerprofile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("nickname", sa.String(length=100), nullable=True),
        sa.Column("cellphone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "user_key"),
    )
    op.create_index("ix_customerprofile_user_key", "customerprofile", ["user_key"])


def downgrade() -> None:
    op.drop_table("customerprofile")
