"""The schema as the first releases made it with create_all: conversations, messages, handoffs,
reservations, staff.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Every timestamp is stored with its offset (SQLModel's UTCDateTime); SQLite keeps the text.
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("awaiting", sa.String(length=40), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("handoff", sa.String(length=10), nullable=False),
        sa.Column("handoff_at", TIMESTAMP, nullable=True),
        sa.Column("staff", sa.String(length=60), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "user_key"),
    )
    op.create_index("ix_conversation_channel", "conversation", ["channel"])
    op.create_index("ix_conversation_user_key", "conversation", ["user_key"])
    op.create_index("ix_conversation_updated_at", "conversation", ["updated_at"])

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("author", sa.String(length=20), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("intent", sa.String(length=20), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_message_conversation_id", "message", ["conversation_id"])
    op.create_index("ix_message_created_at", "message", ["created_at"])

    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("claimed_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("resolved_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_conversation_id", "handoff", ["conversation_id"])

    op.create_table(
        "reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("party", sa.Integer(), nullable=False),
        sa.Column("request", sa.String(length=200), nullable=False),
        sa.Column("starts_at", TIMESTAMP, nullable=False),
        sa.Column("ends_at", TIMESTAMP, nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reservation_code", "reservation", ["code"], unique=True)
    op.create_index("ix_reservation_user_key", "reservation", ["user_key"])
    op.create_index("ix_reservation_phone", "reservation", ["phone"])
    op.create_index("ix_reservation_starts_at", "reservation", ["starts_at"])
    op.create_index("ix_reservation_status", "reservation", ["status"])

    # The primary key (table, 5-minute cell) is the no-double-booking rule: see bot/db.py.
    op.create_table(
        "reservationcell",
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("cell", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["reservation_id"], ["reservation.id"]),
        sa.PrimaryKeyConstraint("table_no", "cell"),
    )
    op.create_index("ix_reservationcell_reservation_id", "reservationcell", ["reservation_id"])

    op.create_table(
        "reservationevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["reservation_id"], ["reservation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reservationevent_reservation_id", "reservationevent", ["reservation_id"])

    op.create_table(
        "staffuser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staffuser_name", "staffuser", ["name"], unique=True)

    op.create_table(
        "staffsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staffuser.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staffsession_token_hash", "staffsession", ["token_hash"], unique=True)
    op.create_index("ix_staffsession_staff_id", "staffsession", ["staff_id"])


def downgrade() -> None:
    for table in ("staffsession", "staffuser", "reservationevent", "reservationcell", "reservation", "handoff", "message",
                  "conversation"):
        op.drop_table(table)  # a table's indexes go with it
