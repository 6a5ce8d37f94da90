"""A partial index over undelivered messages: each inbound message checks for staff replies and
notices waiting for the customer without reading the conversation's history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_message_undelivered", "message", ["conversation_id"], sqlite_where=sa.text("delivered = 0"),
                    postgresql_where=sa.text("delivered = false"))


def downgrade() -> None:
    op.drop_index("ix_message_undelivered", table_name="message")
