"""Storage: conversations, every message in and out, multi-turn state, handoff requests.

SQLModel on SQLite by default (WAL, one file), PostgreSQL by URL. Calls are synchronous and
short; the async channel code runs them in a worker thread so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    Text,
    UniqueConstraint,
    delete,
    event,
    func,
    insert,
    text,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Field, Session, SQLModel, col, create_engine, select

from bot import safe
from bot.messages import Turn
from bot.state import ConversationState

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outbound:
    message_id: int
    handoff_started: bool  # this answer handed a chat that was with the bot to staff


@dataclass(frozen=True)
class Pending:
    """An Outbox row a restart takes over."""

    id: int
    conversation_id: int
    channel: str
    user_key: str
    question: str
    target: str
    payload: dict[str, Any] | None
    status: str
    attempts: int
    error: str
    created_at: datetime


@dataclass(frozen=True)
class Inbound:
    conversation_id: int
    handoff: str  # who had the chat when the message came: bot, waiting or human
    last_at: datetime | None  # the conversation's last message before this one (when not with the bot)
    state: ConversationState  # the multi-turn memory as it was when the message came
    staff: str = ""  # who claimed the chat (when `handoff` is human)
    queued: int = 0  # staff replies and notices not yet delivered: they go out with this turn's answer


class Conversation(SQLModel, table=True):
    """One customer on one channel; the unique key keeps two first messages from making two."""

    __table_args__ = (UniqueConstraint("channel", "user_key"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(index=True, max_length=20)
    user_key: str = Field(index=True, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    awaiting: str | None = Field(default=None, max_length=40)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    handoff: str = Field(default="bot", max_length=10)  # bot, waiting (for staff), human (staff took it)
    handoff_at: datetime | None = None
    staff: str = Field(default="", max_length=60)  # who claimed it
    misses: int = 0  # answers in a row the bot could not give
    note: str = Field(default="", max_length=500)  # staff's internal note, never shown to the customer
    under14: bool | None = None  # TalkTalk's `open` event says whether the user is under 14; Kakao says nothing (None)


class Message(SQLModel, table=True):
    # Every inbound message asks "is anything waiting for this customer?": a partial index over the
    # few undelivered rows answers it without reading the conversation's history.
    __table_args__ = (Index("ix_message_undelivered", "conversation_id", sqlite_where=text("delivered = 0"),
                            postgresql_where=text("delivered = false")),)
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    direction: str = Field(max_length=3)  # "in" from the customer, "out" from the bot or staff
    author: str = Field(default="customer", max_length=20)  # customer, bot, staff:<name>, system
    delivered: bool = True  # False: a staff reply waiting for the customer's next message (Kakao)
    text: str = ""
    intent: str | None = Field(default=None, max_length=20)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    meta: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # what the bot knew: sources
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Handoff(SQLModel, table=True):
    """A request for a person; the staff console works through these."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    reason: str = Field(default="", max_length=200)  # the customer's words that started it
    trigger: str = Field(default="", max_length=20)  # why: complaint, request, unknown, allergy, booking, other
    status: str = Field(default="waiting", max_length=10)  # waiting, claimed, resolved
    claimed_by: str = Field(default="", max_length=60)
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None


class SavedReply(SQLModel, table=True):
    """A reply staff use often ("잠시만 기다려 주세요, 확인해 볼게요"), inserted with a tap in the console."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=40)
    text: str = Field(max_length=1000)
    created_by: str = Field(default="", max_length=60)
    created_at: datetime = Field(default_factory=utcnow)


class Reservation(SQLModel, table=True):
    """A table booking. Times are stored in UTC; the store's timezone turns them back into local times."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=12)
    channel: str = Field(default="", max_length=20)
    user_key: str = Field(default="", index=True, max_length=200)
    name: str = Field(default="", max_length=60)
    phone: str = Field(default="", index=True, max_length=20)  # digits only
    party: int
    request: str = Field(default="", max_length=200)
    starts_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    ends_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    table_no: int  # index into the store's table list
    seats: int
    status: str = Field(default="confirmed", index=True, max_length=12)  # confirmed, cancelled, no_show, completed
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ReservationCell(SQLModel, table=True):
    """One 5-minute cell of one table held by a confirmed booking.

    The primary key (table, cell) is the no-double-booking rule in the database itself: two
    overlapping bookings of a table share a cell, so the second insert fails on SQLite and
    PostgreSQL alike, however the requests interleave.
    """

    table_no: int = Field(primary_key=True)
    cell: int = Field(primary_key=True)  # minutes since the Unix epoch, UTC
    reservation_id: int = Field(foreign_key="reservation.id", index=True)


class ReservationEvent(SQLModel, table=True):
    """The audit trail: who created, changed or cancelled a booking, and what changed."""

    id: int | None = Field(default=None, primary_key=True)
    reservation_id: int = Field(foreign_key="reservation.id", index=True)
    action: str = Field(max_length=20)
    actor: str = Field(default="customer", max_length=40)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    created_at: datetime = Field(default_factory=utcnow)


class CustomerProfile(SQLModel, table=True):
    """What a customer agreed to share through a channel (TalkTalk's profile API); deleted when they withdraw."""

    __table_args__ = (UniqueConstraint("channel", "user_key"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    user_key: str = Field(index=True, max_length=200)
    nickname: str | None = Field(default=None, max_length=100)
    cellphone: str | None = Field(default=None, max_length=20)
    address: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = Field(default_factory=utcnow)


class LlmUsage(SQLModel, table=True):
    """Model use per calendar month (store time), shared by every server process: the token budget."""

    month: str = Field(primary_key=True, max_length=7)  # 2026-11
    tokens: int = 0
    calls: int = 0
    fallbacks: int = 0  # answers where the offline answer went out instead of the model's


class Outbox(SQLModel, table=True):
    """An answer promised to a customer and not yet handed to the channel (a Kakao callback, TalkTalk
    sends). Written before the promise is made, so a crash leaves a row that the next start retries
    or marks failed: a customer is never left waiting in silence."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    channel: str = Field(max_length=20)
    user_key: str = Field(max_length=200)
    question: str = ""  # what the customer asked, to answer again after a crash
    target: str = Field(default="", max_length=1000)  # the Kakao callback URL
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # the answer, once made
    status: str = Field(default="pending", index=True, max_length=10)  # pending, sent, failed
    attempts: int = 0
    error: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class StaffUser(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=60)
    password_hash: str = Field(max_length=300)
    role: str = Field(default="owner", max_length=10)  # owner (knowledge, dashboards) or staff (chats, bookings)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class StaffSession(SQLModel, table=True):
    """A staff login. The cookie holds a random token; only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    staff_id: int = Field(foreign_key="staffuser.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked: bool = False


class KnowledgeVersion(SQLModel, table=True):
    """One version of one knowledge file (bot/kb/history.py): who changed it, when, and its whole content."""

    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(index=True, max_length=300)  # relative to the knowledge folder: faq/기타.md
    digest: str = Field(default="", max_length=64)  # sha256 of the file's bytes; "" when deleted
    content: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # text, or base64 for .xlsx
    encoding: str = Field(default="utf-8", max_length=20)
    newline: str = Field(default="\n", max_length=4)
    author: str = Field(default="", max_length=60)  # the staff name of a console change; "" for the files edited directly
    summary: str = Field(default="", max_length=200)  # what the console did, in Korean
    deleted: bool = False
    restored_from: int | None = None  # the version a restore wrote back
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Customer(SQLModel, table=True):
    """One person the shop knows (bot/ledger/): identities, visits and contacts hang off it."""

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(default="", max_length=60)  # a name from a booking, or what the owner wrote
    pseudonym: str = Field(index=True, unique=True, max_length=16)  # what shop-wide statistics use
    note: str = Field(default="", max_length=500)
    personal: bool | None = None  # may the bot use their history for recommendations (asked in the chat); None: not asked
    personal_at: datetime | None = None  # when they answered
    created_at: datetime = Field(default_factory=utcnow)


class Identity(SQLModel, table=True):
    """A way to recognise a customer: a phone (digits only), a Kakao or TalkTalk user, a POS customer id."""

    __table_args__ = (UniqueConstraint("kind", "value", name="uq_identity_kind_value"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(max_length=10)  # phone, kakao, naver, web, pos
    value: str = Field(max_length=200)
    manual: bool = False  # placed by the owner (merge or split): automatic matching never moves it
    created_at: datetime = Field(default_factory=utcnow)


class Visit(SQLModel, table=True):
    """A visit (or a no-show) from one source; (source, ref) makes every import idempotent."""

    __table_args__ = (UniqueConstraint("source", "ref", name="uq_visit_source_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    source: str = Field(max_length=10)  # booking, stamp, staff, pos
    kind: str = Field(default="visit", max_length=10)  # visit or no_show
    ref: str = Field(max_length=80)
    party: int | None = None
    amount: int | None = None
    items: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    created_at: datetime = Field(default_factory=utcnow)


class LedgerSetting(SQLModel, table=True):
    """The owner's ledger settings: segment thresholds, the stamp card, the POS column mapping, the stamp secret."""

    key: str = Field(primary_key=True, max_length=40)
    value: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))


class Consent(SQLModel, table=True):
    """A customer's marketing consent on one channel (bot/outreach/consent.py): the proof the law asks
    for (when, through which words, to which wording, the age confirmation) and its current state."""

    __table_args__ = (UniqueConstraint("customer_id", "channel", name="uq_consent_customer_channel"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    channel: str = Field(max_length=20)  # kakao, naver
    user_key: str = Field(default="", max_length=200)  # the chat user the consent was given from (where messages go)
    status: str = Field(default="granted", max_length=10)  # granted, withdrawn, declined
    words: str = Field(default="", max_length=200)  # the customer's own words that decided it
    wording: str = Field(default="", max_length=20)  # the version of the consent text they were shown
    adult: bool = False  # confirmed 14 or older (TalkTalk's flag, or the customer's answer in a Kakao chat)
    adult_source: str = Field(default="", max_length=10)  # talktalk, asked
    granted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    reconfirmed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))  # the last 2-year notice sent
    asked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))  # last time the bot asked
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class ConsentEvent(SQLModel, table=True):
    """Every consent step, never changed: asked, granted, declined, withdrawn, reconfirmed, age answers."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    channel: str = Field(max_length=20)
    action: str = Field(max_length=20)
    words: str = Field(default="", max_length=200)
    wording: str = Field(default="", max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class Campaign(SQLModel, table=True):
    """A 광고 the owner builds from a segment and a preset, previews and approves (bot/outreach/campaigns.py)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    preset: str = Field(max_length=30)
    body: str = Field(default="", max_length=1000)  # the owner's middle text; the code adds the rest
    coupon: str = Field(default="", max_length=60)  # what the coupon gives ("5% 할인"); "" for no coupon
    coupon_days: int = 30
    item: str = Field(default="", max_length=100)  # the menu item a preset names (a recommendation, a restock)
    holdout_percent: int = 10
    status: str = Field(default="draft", index=True, max_length=10)  # draft, approved, sending, done, cancelled
    created_by: str = Field(default="", max_length=60)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    approved_by: str = Field(default="", max_length=60)
    approved_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class CampaignRecipient(SQLModel, table=True):
    """One customer in one campaign: sent, held out or suppressed (and why), by which route, with
    their own coupon code. (campaign, customer) is unique: nobody gets a campaign twice, whatever
    the channel or however often the sender runs."""

    __table_args__ = (UniqueConstraint("campaign_id", "customer_id", name="uq_recipient_campaign_customer"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    grp: str = Field(default="send", max_length=8)  # send, holdout
    status: str = Field(default="queued", index=True, max_length=10)  # queued, sending, sent, manual, failed, unknown, suppressed, held
    reason: str = Field(default="", max_length=20)  # why suppressed or failed
    route: str = Field(default="", max_length=20)  # event_api, talktalk, friend_group, copy
    channel: str = Field(default="", max_length=20)
    user_key: str = Field(default="", max_length=200)
    coupon_code: str | None = Field(default=None, unique=True, max_length=12)
    task_id: str = Field(default="", max_length=80)  # Kakao Event API task
    attempts: int = 0
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), index=True))
    redeemed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    redeemed_by: str = Field(default="", max_length=60)


class Notice(SQLModel, table=True):
    """A 정보 message the shop sent first (a booking reminder, a change, a consent re-confirmation):
    (kind, ref) is unique, so a restart or a second process never sends one twice."""

    __table_args__ = (UniqueConstraint("kind", "ref", name="uq_notice_kind_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # reminder, changed, cancelled, no_show, reconfirm
    ref: str = Field(max_length=80)
    channel: str = Field(default="", max_length=20)
    user_key: str = Field(default="", max_length=200)
    text: str = Field(default="", max_length=1000)
    status: str = Field(default="pending", max_length=10)  # pending, sent, failed, skipped
    detail: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class Review(SQLModel, table=True):
    """A review the owner copied from a platform (bot/reviews/): never fetched with a password. The
    fingerprint of (platform, author, date, text) keeps a review pasted twice from counting twice."""

    __table_args__ = (UniqueConstraint("platform", "fingerprint", name="uq_review_platform_fingerprint"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20, index=True)  # naver, kakao, baemin, coupangeats, yogiyo, table
    author: str = Field(default="", max_length=60)
    written_on: date | None = None
    rating: int | None = None
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    platform_reply: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # a reply already on the platform
    menu: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))  # ordered items the page showed
    items: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))  # menu items of the shop it names
    sentiment: str = Field(default="neutral", max_length=10)
    score: float = 0.0
    aspects: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    evidence: dict[str, list[str]] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    urgent: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    fingerprint: str = Field(max_length=64)
    status: str = Field(default="new", index=True, max_length=10)  # new, replied
    replied_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    replied_by: str = Field(default="", max_length=60)
    imported_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class ReviewReply(SQLModel, table=True):
    """Every reply the owner approved for a review, kept as its history."""

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    author: str = Field(default="", max_length=60)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


SCHEMA_HEAD = "0013"  # the newest revision in bot/migrations (tests/test_meta.py keeps them equal)


def make_engine(url: str, base_dir: Path, *, migrate: bool = True) -> SqlEngine:
    """An engine for `url` on the newest schema: upgraded now (`migrate`), or checked (SchemaError if behind)."""
    engine = connect(url, base_dir)
    if _at_head(engine):
        return engine  # the usual start: Alembic (about 12 MB and 0.13 s) is not even imported
    from bot.migrate import check, upgrade

    if migrate or url in ("sqlite://", "sqlite:///:memory:"):  # a new in-memory database has nothing to keep
        upgrade(engine)
    else:
        check(engine)
    return engine


def _at_head(engine: SqlEngine) -> bool:
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD)
    except SQLAlchemyError:
        return False  # no version table yet: a new or pre-migration database


def connect(url: str, base_dir: Path) -> SqlEngine:
    """An engine for `url`, schema untouched; a relative SQLite path is relative to `base_dir` and its folder is made."""
    if url in ("sqlite://", "sqlite:///:memory:"):
        # One shared in-memory database: the terminal's ask and chat try bookings without keeping them.
        engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    elif url.startswith("sqlite"):
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            path = base_dir / url.removeprefix("sqlite:///")
            path.parent.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{path}"
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):  # type: ignore[no-untyped-def]
            # WAL lets readers (the console) run while the bot writes; NORMAL sync is safe with WAL.
            cur = conn.cursor()
            _wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    else:
        # Times without a zone (messages, handoffs, sessions) are UTC: the session must say so, or a
        # server whose default zone is Asia/Seoul would read them back nine hours off.
        options = {"options": "-c timezone=UTC"} if url.startswith("postgresql") else {}
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=options)
    event.listen(engine, "before_cursor_execute", _storable, retval=True)
    return engine


def _storable(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> tuple[str, Any]:
    """Every string bound to a statement made storable (bot/safe.py): NUL and lone surrogates from a
    customer, a staff form or a login name never fail a write or a lookup, on either database."""
    return statement, _clean(parameters)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return safe.text(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


def _wal(cur: Any) -> None:
    """Switch a new SQLite file to WAL. Two processes starting on a new file race here, and SQLite
    answers "database is locked" at once (no busy wait) to the one that loses: retry for a while."""
    for attempt in range(100):
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or attempt == 99:
                raise
            time.sleep(0.05)


TURN_SLOTS = 10  # turns per process holding a PostgreSQL lock connection (pool: 10 + 20 overflow)


def _try_lock(*, conn: Any, key: int) -> bool:
    return bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())


def _unlock(*, conn: Any, key: int) -> None:
    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


def _queued(messages: Any, conversation_id: int) -> tuple[Any, ...]:
    """Messages for the customer that still wait to be delivered: staff replies and system notices."""
    return (messages.c.conversation_id == conversation_id, messages.c.delivered == False, messages.c.direction == "out",  # noqa: E712 - the partial index's own condition
            messages.c.author.like("staff:%") | (messages.c.author == "system"))


def _pending(row: Any) -> ConversationState:
    """A conversation row's multi-turn memory; its age is the engine's to judge (on its own clock)."""
    if row is None or not row.awaiting:
        return ConversationState()
    return ConversationState(row.awaiting, dict(row.state or {}))


class Storage:
    """Keyword-only operations on the database, each one short transaction."""

    def __init__(self, engine: SqlEngine):
        self.engine = engine
        self._ids: dict[tuple[str, str], int] = {}
        # SQLite takes one writer at a time and makes the others sleep and retry (up to 100 ms a
        # try): one database thread keeps them in a queue instead. PostgreSQL gets a small pool.
        workers = 1 if engine.dialect.name == "sqlite" else 8
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="danggol-db")
        self._turn_slots = asyncio.Semaphore(TURN_SLOTS)

    async def call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Run one storage operation off the event loop, on the database thread(s)."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(fn, **kwargs))

    @property
    def shared(self) -> bool:
        """Whether other server processes may use this database too (PostgreSQL): then nothing
        read from it may be cached, and one customer's turns are serialized in the database."""
        return self.engine.dialect.name != "sqlite"

    @contextlib.asynccontextmanager
    async def user_lock(self, channel: str, user_key: str) -> AsyncIterator[None]:
        """Hold one customer's turn against every other server process (a PostgreSQL advisory lock).

        SQLite serves one process, whose engine already serializes a customer's turns. Waiting
        polls `pg_try_advisory_lock` so no database thread ever blocks; at most `TURN_SLOTS` turns
        per process hold a connection for their lock, so the pool always has room for their work.
        """
        if not self.shared:
            yield
            return
        key = int.from_bytes(hashlib.blake2b(f"{channel}\x00{user_key}".encode(), digest_size=8).digest(), "big", signed=True)
        async with self._turn_slots:
            conn = await self.call(self.engine.connect)
            try:
                while not await self.call(_try_lock, conn=conn, key=key):
                    await asyncio.sleep(0.005)
                try:
                    yield
                finally:
                    await self.call(_unlock, conn=conn, key=key)
            finally:
                await self.call(conn.close)

    # --- synchronous core --------------------------------------------------------------
    # The per-message paths use SQLAlchemy Core statements: the ORM's unit of work costs more
    # than the write itself, and every message passes through here twice.

    def conversation_id(self, *, channel: str, user_key: str) -> int:
        """The conversation of (channel, user), created on first contact; cached, since ids never change."""
        key = (channel, user_key)
        cached = self._ids.get(key)
        if cached is not None:
            return cached
        table = Conversation.__table__  # type: ignore[attr-defined]
        where = (table.c.channel == channel) & (table.c.user_key == user_key)
        with self.engine.begin() as conn:
            row = conn.execute(sa_select(table.c.id).where(where)).first()
            if row is None:
                try:
                    with conn.begin_nested():
                        now = utcnow()
                        conn.execute(insert(table).values(channel=channel, user_key=user_key, created_at=now, updated_at=now,
                                                          state={}, handoff="bot", staff="", misses=0))
                except IntegrityError:
                    pass  # another request created it first: use that one
                row = conn.execute(sa_select(table.c.id).where(where)).one()
        if len(self._ids) > 50_000:
            self._ids.clear()
        self._ids[key] = int(row[0])
        return int(row[0])

    def record_in(self, *, channel: str, user_key: str, text: str, payload: dict[str, Any] | None) -> Inbound:
        """Store an inbound message; returns its conversation and who has the chat (read first, in the
        same transaction: one trip to the database per message on the way in)."""
        conversation_id = self.conversation_id(channel=channel, user_key=user_key)
        now = utcnow()
        conversations, messages = Conversation.__table__, Message.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            row = conn.execute(sa_select(conversations.c.handoff, conversations.c.awaiting, conversations.c.state, conversations.c.staff)
                               .where(conversations.c.id == conversation_id)).first()
            if row is None and self._ids.pop((channel, user_key), None) is not None:
                # Deleted since its id was cached (bot/datacare.py: retention, `danggol forget`): start it anew.
                return self.record_in(channel=channel, user_key=user_key, text=text, payload=payload)
            handoff = (row.handoff if row else None) or "bot"
            last = None
            if handoff != "bot":
                last = conn.execute(sa_select(func.max(messages.c.created_at)).where(messages.c.conversation_id == conversation_id)).scalar()
            queued = conn.execute(sa_select(func.count()).where(*_queued(messages, conversation_id))).scalar() or 0
            conn.execute(insert(messages).values(
                conversation_id=conversation_id, direction="in", author="customer", delivered=True, text=text, payload=safe.tree(payload),
                created_at=now))
        return Inbound(conversation_id, handoff, last if last is None or last.tzinfo else last.replace(tzinfo=UTC), _pending(row),
                       (row.staff if row else "") or "", int(queued))

    def queued_messages(self, *, conversation_id: int) -> list[tuple[int, str, str]]:
        """What waits to be delivered to the customer, oldest first, as (message id, author, text)."""
        messages = Message.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            rows = conn.execute(sa_select(messages.c.id, messages.c.author, messages.c.text)
                                .where(*_queued(messages, conversation_id)).order_by(messages.c.id)).all()
        return [(r.id, r.author, r.text) for r in rows]

    def take_queued(self, *, conversation_id: int) -> list[tuple[str, str]]:
        """Staff replies and notices not yet delivered, oldest first, as (author, text); marked
        delivered in the same transaction, so each goes out exactly once."""
        messages = Message.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            rows = conn.execute(sa_select(messages.c.id, messages.c.author, messages.c.text)
                                .where(*_queued(messages, conversation_id)).order_by(messages.c.id)).all()
            if rows:
                conn.execute(update(messages).where(messages.c.id.in_([r.id for r in rows])).values(delivered=True))
        return [(r.author, r.text) for r in rows]

    def record_out(self, *, conversation_id: int, text: str, intent: str | None, payload: dict[str, Any] | None,
                   handoff_reason: str | None = None, author: str = "bot", meta: dict[str, Any] | None = None,
                   delivered: bool = True, handoff_trigger: str = "other") -> Outbound:
        """Store the bot's answer (before it leaves); with `handoff_reason`, hand the chat to staff.

        `delivered=False` for an answer that leaves later through a channel's push API: it is
        marked delivered once the channel confirms, so a crash in between leaves a trace.
        """
        now = utcnow()
        conversations = Conversation.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            message_id = int(conn.execute(insert(Message.__table__).values(  # type: ignore[attr-defined]
                conversation_id=conversation_id, direction="out", author=author, delivered=delivered, text=text, intent=intent,
                payload=payload, meta=meta, created_at=now)).inserted_primary_key[0])  # type: ignore[index]
            if handoff_reason is None:
                return Outbound(message_id, False)
            changed = conn.execute(
                update(conversations).where((conversations.c.id == conversation_id) & (conversations.c.handoff == "bot"))
                .values(updated_at=now, handoff="waiting", handoff_at=now, staff="", misses=0)
            ).rowcount
            if changed:
                conn.execute(insert(Handoff.__table__).values(  # type: ignore[attr-defined]
                    conversation_id=conversation_id, reason=handoff_reason[:200], trigger=handoff_trigger[:20], status="waiting",
                    claimed_by="", created_at=now))
        return Outbound(message_id, bool(changed))

    def saved_replies(self) -> list[SavedReply]:
        with Session(self.engine) as s:
            return list(s.exec(select(SavedReply).order_by(col(SavedReply.title), col(SavedReply.id))))

    def add_saved_reply(self, *, title: str, text: str, created_by: str) -> None:
        with Session(self.engine) as s:
            s.add(SavedReply(title=title[:40], text=text[:1000], created_by=created_by[:60]))
            s.commit()

    def delete_saved_reply(self, *, reply_id: int) -> None:
        with Session(self.engine) as s:
            found = s.get(SavedReply, reply_id)
            if found is not None:
                s.delete(found)
                s.commit()

    def set_note(self, *, conversation_id: int, note: str) -> None:
        """Staff's internal note on a conversation (the console's 메모)."""
        conversations = Conversation.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            conn.execute(update(conversations).where(conversations.c.id == conversation_id).values(note=note[:500]))

    def mark_delivered(self, *, message_id: int) -> None:
        messages = Message.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            conn.execute(update(messages).where(messages.c.id == message_id).values(delivered=True))

    def save_profile(self, *, channel: str, user_key: str, fields: dict[str, Any]) -> None:
        """Merge what the customer agreed to share (only the fields given) into their profile."""
        table = CustomerProfile.__table__  # type: ignore[attr-defined]
        where = (table.c.channel == channel) & (table.c.user_key == user_key)
        values = {k: v for k, v in fields.items() if k in ("nickname", "cellphone", "address")}
        with self.engine.begin() as conn:
            if conn.execute(update(table).where(where).values(**values, updated_at=utcnow())).rowcount == 0:
                conn.execute(insert(table).values(channel=channel, user_key=user_key, updated_at=utcnow(), **values))

    def withdraw_profile(self, *, channel: str, user_key: str, fields: list[str] | None = None) -> None:
        """Forget what a customer no longer consents to share: the fields named, or everything."""
        table = CustomerProfile.__table__  # type: ignore[attr-defined]
        where = (table.c.channel == channel) & (table.c.user_key == user_key)
        known = ("nickname", "cellphone", "address")
        with self.engine.begin() as conn:
            named = [f for f in (fields or []) if f in known]
            if named and set(named) != set(known):
                conn.execute(update(table).where(where).values(**{f: None for f in named}, updated_at=utcnow()))
                row = conn.execute(sa_select(table.c.nickname, table.c.cellphone, table.c.address).where(where)).first()
                if row is not None and any(v is not None for v in row):
                    return
            conn.execute(delete(table).where(where))

    def profile(self, *, channel: str, user_key: str) -> dict[str, Any] | None:
        table = CustomerProfile.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            row = conn.execute(sa_select(table.c.nickname, table.c.cellphone, table.c.address)
                               .where((table.c.channel == channel) & (table.c.user_key == user_key))).first()
        return None if row is None else {"nickname": row.nickname, "cellphone": row.cellphone, "address": row.address}

    def load_state(self, *, channel: str, user_key: str) -> ConversationState:
        table = Conversation.__table__  # type: ignore[attr-defined]
        conversation_id = self.conversation_id(channel=channel, user_key=user_key)
        with self.engine.connect() as conn:
            return _pending(conn.execute(sa_select(table.c.awaiting, table.c.state).where(table.c.id == conversation_id)).first())

    def save_state(self, *, channel: str, user_key: str, state: ConversationState) -> None:
        table = Conversation.__table__  # type: ignore[attr-defined]
        conversation_id = self.conversation_id(channel=channel, user_key=user_key)
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == conversation_id).values(
                awaiting=state.awaiting, state=state.data if state.awaiting else {}))

    def outbox_open(self, *, conversation_id: int, channel: str, user_key: str, question: str, target: str = "") -> int:
        table = Outbox.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            return int(conn.execute(insert(table).values(
                conversation_id=conversation_id, channel=channel, user_key=user_key, question=question[:1000], target=target[:1000],
                payload=None, status="pending", attempts=0, error="", created_at=utcnow())).inserted_primary_key[0])  # type: ignore[index]

    def outbox_fill(self, *, outbox_id: int, payload: dict[str, Any]) -> None:
        table = Outbox.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == outbox_id).values(payload=payload))

    def outbox_close(self, *, outbox_id: int, ok: bool, error: str = "") -> None:
        table = Outbox.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == outbox_id).values(
                status="sent" if ok else "failed", error=error[:200], attempts=table.c.attempts + 1))

    def outbox_pending(self, *, channel: str) -> list[Any]:
        """Promises a crash interrupted, oldest first; taken over by the caller (marked as one more attempt)."""
        table = Outbox.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            rows = conn.execute(sa_select(table).where((table.c.channel == channel) & (table.c.status == "pending"))
                                .order_by(table.c.id)).all()
            if rows:
                conn.execute(update(table).where(table.c.id.in_([r.id for r in rows])).values(attempts=table.c.attempts + 1))
        return [Pending(**{**r._mapping, "created_at": r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)})
                for r in rows]

    def llm_spent(self, *, month: str) -> int:
        table = LlmUsage.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            return int(conn.execute(sa_select(table.c.tokens).where(table.c.month == month)).scalar() or 0)

    def llm_add(self, *, month: str, tokens: int, fallback: bool) -> None:
        """Count one model call (or one fallback); an increment in SQL, so processes never lose each other's counts."""
        table = LlmUsage.__table__  # type: ignore[attr-defined]
        values = {"tokens": table.c.tokens + tokens, "calls": table.c.calls + (0 if fallback else 1),
                  "fallbacks": table.c.fallbacks + (1 if fallback else 0)}
        with self.engine.begin() as conn:
            if conn.execute(update(table).where(table.c.month == month).values(**values)).rowcount:
                return
            try:
                with conn.begin_nested():
                    conn.execute(insert(table).values(month=month, tokens=tokens, calls=0 if fallback else 1, fallbacks=1 if fallback else 0))
            except IntegrityError:
                conn.execute(update(table).where(table.c.month == month).values(**values))

    def recent(self, *, channel: str, user_key: str, limit: int) -> list[tuple[str, str, str]]:
        """The last `limit` messages of a chat as (direction, author, text), oldest first."""
        conversations, messages = Conversation.__table__, Message.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            rows = conn.execute(sa_select(messages.c.direction, messages.c.author, messages.c.text)
                                .join(conversations, conversations.c.id == messages.c.conversation_id)
                                .where((conversations.c.channel == channel) & (conversations.c.user_key == user_key))
                                .order_by(messages.c.id.desc()).limit(limit)).all()
        return [(r.direction, r.author, r.text) for r in reversed(rows)]

    def messages(self, *, channel: str, user_key: str) -> list[Message]:
        with Session(self.engine) as session:
            conv = session.exec(select(Conversation).where(Conversation.channel == channel, Conversation.user_key == user_key)).first()
            if conv is None:
                return []
            return list(session.exec(select(Message).where(Message.conversation_id == conv.id).order_by(Message.id)))  # type: ignore[arg-type]


class DbStates:
    """The engine's StateStore backed by the conversations table."""

    def __init__(self, storage: Storage):
        self.storage = storage
        self._empty: set[tuple[str, str]] = set()  # users known to have no pending state

    async def load(self, turn: Turn) -> ConversationState:
        key = (turn.channel, turn.user_key)
        if key in self._empty and not self.storage.shared:
            # Known to have nothing pending: every state write for this chat goes through here, so
            # the database cannot say otherwise (a second server process would; see docs/decisions.md).
            return ConversationState()
        state = await self.storage.call(self.storage.load_state, channel=turn.channel, user_key=turn.user_key)
        self._empty.add(key) if state.awaiting is None else self._empty.discard(key)
        return state

    async def save(self, turn: Turn, state: ConversationState) -> None:
        key = (turn.channel, turn.user_key)
        if state.awaiting is None and key in self._empty and not self.storage.shared:
            return  # nothing pending before or after: most turns need no write
        await self.storage.call(self.storage.save_state, channel=turn.channel, user_key=turn.user_key, state=state)
        self._empty.discard(key)
