"""Every conversation, searchable: by words said, customer, channel, state, date range, intent and
whether it was handed over. Two queries per page of results, whatever the size of the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from bot.db import Conversation, Handoff, Message, Storage
from bot.staff.console import CHANNEL_KO, STATE_KO, aware

PAGE = 30


@dataclass(frozen=True)
class Filters:
    """What the owner filters by; empty fields filter nothing."""

    text: str = ""
    customer: str = ""
    channel: str = ""
    state: str = ""  # bot, waiting, human
    intent: str = ""
    handed: str = ""  # "yes", "no" or ""
    since: date | None = None
    until: date | None = None
    page: int = 1

    @property
    def any(self) -> bool:
        return any((self.text, self.customer, self.channel, self.state, self.intent, self.handed, self.since, self.until))


@dataclass
class Found:
    rows: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False


def _like(text: str) -> str:
    """A LIKE pattern that matches `text` literally (%, _ and \\ escaped)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(storage: Storage, filters: Filters, timezone: str) -> Found:
    zone = ZoneInfo(timezone)
    q = select(Conversation)
    if filters.text.strip():
        said = select(Message.id).where(Message.conversation_id == Conversation.id,
                                        col(Message.text).like(_like(filters.text.strip()), escape="\\"))
        q = q.where(exists(said))
    if filters.customer.strip():
        q = q.where(col(Conversation.user_key).like(_like(filters.customer.strip()), escape="\\"))
    if filters.channel:
        q = q.where(Conversation.channel == filters.channel)
    if filters.state in STATE_KO:
        q = q.where(Conversation.handoff == filters.state)
    if filters.intent:
        q = q.where(exists(select(Message.id).where(Message.conversation_id == Conversation.id, Message.intent == filters.intent)))
    if filters.handed in ("yes", "no"):
        handed = exists(select(Handoff.id).where(Handoff.conversation_id == Conversation.id))
        q = q.where(handed if filters.handed == "yes" else ~handed)
    if filters.since:
        q = q.where(col(Conversation.updated_at) >= datetime.combine(filters.since, time(0), zone).astimezone(UTC).replace(tzinfo=None))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(0), zone).astimezone(UTC).replace(tzinfo=None)
        q = q.where(col(Conversation.created_at) < end)
    page = max(1, filters.page)
    q = q.order_by(col(Conversation.updated_at).desc(), col(Conversation.id).desc()).offset((page - 1) * PAGE).limit(PAGE + 1)
    with Session(storage.engine) as s:
        convs = list(s.exec(q))
        more = len(convs) > PAGE
        convs = convs[:PAGE]
        ids = [c.id for c in convs]
        last: dict[int, Message] = {}
        handoffs: dict[int, int] = {}
        if ids:
            newest = select(Message.conversation_id, func.max(Message.id).label("last")).where(
                col(Message.conversation_id).in_(ids)).group_by(col(Message.conversation_id)).subquery()
            for m in s.exec(select(Message).join(newest, col(Message.id) == newest.c.last)):
                last[m.conversation_id] = m
            handoffs = {cid: n for cid, n in s.exec(select(Handoff.conversation_id, func.count()).where(
                col(Handoff.conversation_id).in_(ids)).group_by(col(Handoff.conversation_id))).all()}
    rows = []
    for c in convs:
        assert c.id is not None
        final = last.get(c.id)
        rows.append({"id": c.id, "channel": CHANNEL_KO.get(c.channel, c.channel), "customer": f"손님 {c.user_key[-4:]}",
                     "state": c.handoff, "state_ko": STATE_KO.get(c.handoff, c.handoff), "handoffs": handoffs.get(c.id, 0),
                     "last": (final.text[:100] if final else ""), "at": aware(final.created_at if final else c.updated_at), "note": c.note})
    return Found(rows, more)


def channels_and_intents(storage: Storage) -> tuple[list[str], list[str]]:
    """The channels and intents that occur, for the filter's choices (two small grouped queries)."""
    with Session(storage.engine) as s:
        channels = [c for c in s.exec(select(Conversation.channel).group_by(col(Conversation.channel))).all() if c]
        intents = [i for i in s.exec(select(Message.intent).where(col(Message.intent).is_not(None)).group_by(col(Message.intent))).all()
                   if i]
    return sorted(channels), sorted(intents)


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
