"""Outreach: marketing consents and their history, campaigns and their recipients, 정보 notices, and
TalkTalk's under-14 flag on the conversation.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("under14", sa.Boolean(), nullable=True))
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("words", sa.String(length=200), nullable=False),
        sa.Column("wording", sa.String(length=20), nullable=False),
        sa.Column("adult", sa.Boolean(), nullable=False),
        sa.Column("adult_source", sa.String(length=10), nullable=False),
        sa.Column("granted_at", TIMESTAMP, nullable=True),
        sa.Column("withdrawn_at", TIMESTAMP, nullable=True),
        sa.Column("reconfirmed_at", TIMESTAMP, nullable=True),
        sa.Column("asked_at", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("customer_id", "channel", name="uq_consent_customer_channel"),
    )
    op.create_index("ix_consent_customer_id", "consent", ["customer_id"])
    op.create_table(
        "consentevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("words", sa.String(length=200), nullable=False),
        sa.Column("wording", sa.String(length=20), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consentevent_customer_id", "consentevent", ["customer_id"])
    op.create_index("ix_consentevent_at", "consentevent", ["at"])
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("preset", sa.String(length=30), nullable=False),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column("coupon", sa.String(length=60), nullable=False),
        sa.Column("coupon_days", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("holdout_percent", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("approved_by", sa.String(length=60), nullable=False),
        sa.Column("approved_at", TIMESTAMP, nullable=True),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_campaign_status", "campaign", ["status"])
    op.create_table(
        "campaignrecipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("grp", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("route", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("coupon_code", sa.String(length=12), nullable=True),
        sa.Column("task_id", sa.String(length=80), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("redeemed_at", TIMESTAMP, nullable=True),
        sa.Column("redeemed_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "customer_id", name="uq_recipient_campaign_customer"),
        sa.UniqueConstraint("coupon_code"),
    )
    op.create_index("ix_campaignrecipient_campaign_id", "campaignrecipient", ["campaign_id"])
    op.create_index("ix_campaignrecipient_customer_id", "campaignrecipient", ["customer_id"])
    op.create_index("ix_campaignrecipient_status", "campaignrecipient", ["status"])
    op.create_index("ix_campaignrecipient_sent_at", "campaignrecipient", ["sent_at"])
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "ref", name="uq_notice_kind_ref"),
    )
    op.create_index("ix_notice_created_at", "notice", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_notice_created_at", table_name="notice")
    op.drop_table("notice")
    for index in ("ix_campaignrecipient_sent_at", "ix_campaignrecipient_status", "ix_campaignrecipient_customer_id",
                  "ix_campaignrecipient_campaign_id"):
        op.drop_index(index, table_name="campaignrecipient")
    op.drop_table("campaignrecipient")
    op.drop_index("ix_campaign_status", table_name="campaign")
    op.drop_table("campaign")
    op.drop_index("ix_consentevent_at", table_name="consentevent")
    op.drop_index("ix_consentevent_customer_id", table_name="consentevent")
    op.drop_table("consentevent")
    op.drop_index("ix_consent_customer_id", table_name="consent")
    op.drop_table("consent")
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("under14")
