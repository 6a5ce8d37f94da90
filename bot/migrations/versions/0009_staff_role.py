"""Staff roles: an owner edits the knowledge and sees the dashboards; staff answer chats.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Accounts made before roles existed could do everything: they stay owners.
    with op.batch_alter_table("staffuser") as batch:
        batch.add_column(sa.Column("role", sa.String(length=10), nullable=False, server_default="owner"))


def downgrade() -> None:
    with op.batch_alter_table("staffuser") as batch:
        batch.drop_column("role")
