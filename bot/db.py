"""Storage: conversations, every message in and out, multi-turn state, handoff requests.

SQLModel on SQLite by default (WAL, one file), PostgreSQL by URL. Calls are synchronous and
short; the async channel code runs them in a worker thread so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, event, text
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, create_engine, select

from bot.engine import ConversationState
from bot.messages import Turn


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    state_expires_at: datetime | None = None
    handoff: str = Field(default="bot", max_length=10)  # bot, waiting, human


class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    direction: str = Field(max_length=3)  # "in" from the customer, "out" from the bot or staff
    text: str = ""
    intent: str | None = Field(default=None, max_length=20)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Handoff(SQLModel, table=True):
    """A request for a person; the staff console (later) works through these."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    reason: str = Field(default="", max_length=200)
    status: str = Field(default="waiting", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)


def make_engine(url: str, base_dir: Path) -> SqlEngine:
    """An engine for `url`; a relative SQLite path is relative to `base_dir` and its folder is made."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = base_dir / url.removeprefix("sqlite:///")
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):  # type: ignore[no-untyped-def]
            # WAL lets readers (the console) run while the bot writes; NORMAL sync is safe with WAL.
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    SQLModel.metadata.create_all(engine)
    return engine


class Storage:
    """Keyword-only operations on the database, each one short transaction."""

    def __init__(self, engine: SqlEngine, state_ttl: timedelta = timedelta(minutes=30)):
        self.engine = engine
        self.state_ttl = state_ttl

    # --- synchronous core --------------------------------------------------------------

    def _conversation(self, session: Session, channel: str, user_key: str) -> Conversation:
        conv = session.exec(select(Conversation).where(Conversation.channel == channel, Conversation.user_key == user_key)).first()
        if conv is None:
            conv = Conversation(channel=channel, user_key=user_key)
            session.add(conv)
            try:
                session.flush()
            except IntegrityError:  # another request created it first: use that one
                session.rollback()
                conv = session.exec(select(Conversation).where(Conversation.channel == channel, Conversation.user_key == user_key)).one()
        return conv

    def record_in(self, *, channel: str, user_key: str, text: str, payload: dict[str, Any] | None) -> int:
        """Store an inbound message; returns its conversation's id."""
        with Session(self.engine) as session:
            conv = self._conversation(session, channel, user_key)
            assert conv.id is not None
            conv.updated_at = utcnow()
            session.add(Message(conversation_id=conv.id, direction="in", text=text, payload=payload))
            session.commit()
            return conv.id

    def record_out(self, *, conversation_id: int, text: str, intent: str | None, payload: dict[str, Any] | None,
                   handoff_reason: str | None = None) -> None:
        """Store the bot's answer (before it leaves), and a handoff request when it escalates."""
        with Session(self.engine) as session:
            session.add(Message(conversation_id=conversation_id, direction="out", text=text, intent=intent, payload=payload))
            if handoff_reason is not None:
                conv = session.get(Conversation, conversation_id)
                if conv is not None and conv.handoff == "bot":
                    conv.handoff = "waiting"
                    session.add(Handoff(conversation_id=conversation_id, reason=handoff_reason[:200]))
            session.commit()

    def load_state(self, *, channel: str, user_key: str) -> ConversationState:
        with Session(self.engine) as session:
            conv = session.exec(select(Conversation).where(Conversation.channel == channel, Conversation.user_key == user_key)).first()
            if conv is None or conv.awaiting is None:
                return ConversationState()
            if conv.state_expires_at and conv.state_expires_at < utcnow():
                return ConversationState()
            return ConversationState(conv.awaiting, dict(conv.state or {}), None)

    def save_state(self, *, channel: str, user_key: str, state: ConversationState) -> None:
        with Session(self.engine) as session:
            conv = self._conversation(session, channel, user_key)
            conv.awaiting = state.awaiting
            conv.state = state.data if state.awaiting else {}
            conv.state_expires_at = utcnow() + self.state_ttl if state.awaiting else None
            session.add(conv)
            session.commit()

    def messages(self, *, channel: str, user_key: str) -> list[Message]:
        with Session(self.engine) as session:
            conv = session.exec(select(Conversation).where(Conversation.channel == channel, Conversation.user_key == user_key)).first()
            if conv is None:
                return []
            return list(session.exec(select(Message).where(Message.conversation_id == conv.id).order_by(Message.id)))  # type: ignore[arg-type]

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True


class DbStates:
    """The engine's StateStore backed by the conversations table."""

    def __init__(self, storage: Storage):
        self.storage = storage

    async def load(self, turn: Turn) -> ConversationState:
        return await asyncio.to_thread(self.storage.load_state, channel=turn.channel, user_key=turn.user_key)

    async def save(self, turn: Turn, state: ConversationState) -> None:
        await asyncio.to_thread(self.storage.save_state, channel=turn.channel, user_key=turn.user_key, state=state)
