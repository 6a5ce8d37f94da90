"""How the bot is doing: figures for today and the last 30 days, busiest hours, top questions.

Every figure is a grouped query (ten in all, whatever the number of chats); hours are grouped
in the database by UTC hour and turned into the shop's weekdays and hours here, which is exact for
every zone with whole-hour offsets (Korea's among them). The owner's own tries in the simulator
are not customers and are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db import Conversation, Handoff, Message, Reservation, Storage

NOT_CUSTOMERS = ("simulator", "probe")
NOT_BOT_BOOKINGS = ("phone", "simulator", "")  # staff's phone bookings and the owner's tries
DAYS = 30
WEEKDAYS_KO = ("월", "화", "수", "목", "금", "토", "일")


@dataclass
class Figures:
    conversations: int = 0
    customer_messages: int = 0
    answered: int = 0  # bot replies that answered (FAQ, menu, hours, bookings, ...)
    handed_over: int = 0  # bot replies that passed the chat to staff
    unanswered: int = 0  # bot replies that said it could not answer
    handoffs: dict[str, int] = field(default_factory=dict)  # by trigger
    bookings_by_bot: int = 0
    bookings_by_staff: int = 0

    @property
    def replies(self) -> int:
        return self.answered + self.handed_over + self.unanswered

    def share(self, part: int) -> int:
        """Percent of the bot's replies, rounded; 0 when there were none."""
        return round(100 * part / self.replies) if self.replies else 0


@dataclass
class Activity:
    days: list[tuple[date, int]]  # customer messages per local day, oldest first
    heat: list[list[int]]  # [weekday 0=월][hour 0..23] customer messages

    @property
    def peak(self) -> int:
        return max((v for row in self.heat for v in row), default=0)


def _hour(column: Any, dialect: str) -> Any:
    """The UTC hour a stored time falls in, as the database can group it."""
    if dialect == "sqlite":
        return func.substr(column, 1, 13)  # 'YYYY-MM-DD HH' of the stored ISO text
    return func.date_trunc("hour", column)


def _parse_hour(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.strptime(str(value)[:13], "%Y-%m-%d %H").replace(tzinfo=UTC)


def figures(storage: Storage, since: datetime, until: datetime) -> Figures:
    """The figures of one period [since, until) (UTC). Four queries."""
    f = Figures()
    in_period = (col(Message.created_at) >= since, col(Message.created_at) < until)
    customers = col(Conversation.channel).not_in(NOT_CUSTOMERS)
    with Session(storage.engine) as s:
        row = s.exec(select(func.count(func.distinct(Message.conversation_id)), func.count())
                     .join(Conversation, col(Conversation.id) == Message.conversation_id)
                     .where(*in_period, Message.direction == "in", customers)).one()
        f.conversations, f.customer_messages = int(row[0]), int(row[1])
        for intent, n in s.exec(select(Message.intent, func.count()).join(Conversation, col(Conversation.id) == Message.conversation_id)
                                .where(*in_period, Message.direction == "out", Message.author == "bot", customers)
                                .group_by(Message.intent)).all():
            if intent == "unknown":
                f.unanswered += n
            elif intent == "escalate":
                f.handed_over += n
            else:
                f.answered += n
        f.handoffs = {trigger or "other": n for trigger, n in s.exec(
            select(Handoff.trigger, func.count()).join(Conversation, col(Conversation.id) == Handoff.conversation_id)
            .where(col(Handoff.created_at) >= since, col(Handoff.created_at) < until, customers).group_by(Handoff.trigger)).all()}
        for channel, n in s.exec(select(Reservation.channel, func.count())
                                 .where(col(Reservation.created_at) >= since, col(Reservation.created_at) < until)
                                 .group_by(Reservation.channel)).all():
            if channel in NOT_BOT_BOOKINGS:
                f.bookings_by_staff += n if channel == "phone" else 0
            else:
                f.bookings_by_bot += n
    return f


def activity(storage: Storage, since: datetime, until: datetime, timezone: str) -> Activity:
    """Customer messages per local day and per weekday × hour. One query, grouped by UTC hour."""
    zone = ZoneInfo(timezone)
    hour = _hour(Message.created_at, storage.engine.dialect.name)
    with Session(storage.engine) as s:
        rows = s.exec(select(hour, func.count()).join(Conversation, col(Conversation.id) == Message.conversation_id)
                      .where(col(Message.created_at) >= since, col(Message.created_at) < until, Message.direction == "in",
                             col(Conversation.channel).not_in(NOT_CUSTOMERS))
                      .group_by(hour)).all()
    first, last = since.astimezone(zone).date(), (until - timedelta(microseconds=1)).astimezone(zone).date()
    per_day: Counter[date] = Counter()
    heat = [[0] * 24 for _ in range(7)]
    for bucket, n in rows:
        local = _parse_hour(bucket).astimezone(zone)
        per_day[local.date()] += n
        heat[local.weekday()][local.hour] += n
    days = [(first + timedelta(days=i), per_day[first + timedelta(days=i)]) for i in range((last - first).days + 1)]
    return Activity(days, heat)


def top_questions(storage: Storage, since: datetime, until: datetime, limit: int = 10) -> list[tuple[str, int]]:
    """The customer messages asked most often, as typed (trimmed). One query."""
    text = func.trim(Message.text)
    with Session(storage.engine) as s:
        rows = s.exec(select(text, func.count()).join(Conversation, col(Conversation.id) == Message.conversation_id)
                      .where(col(Message.created_at) >= since, col(Message.created_at) < until, Message.direction == "in",
                             col(Conversation.channel).not_in(NOT_CUSTOMERS), func.length(Message.text) <= 200, Message.text != "")
                      .group_by(text).having(func.count() > 1).order_by(func.count().desc(), text).limit(limit)).all()
    return [(str(t), int(n)) for t, n in rows]


@dataclass
class Dashboard:
    today: Figures
    month: Figures
    activity: Activity
    top: list[tuple[str, int]]


def dashboard(storage: Storage, timezone: str, now: datetime | None = None) -> Dashboard:
    """Today (since local midnight) and the last 30 days (30 local days up to today)."""
    zone = ZoneInfo(timezone)
    now = (now or datetime.now(UTC)).astimezone(zone)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = midnight - timedelta(days=DAYS - 1)
    until = now + timedelta(seconds=1)
    return Dashboard(figures(storage, midnight.astimezone(UTC), until.astimezone(UTC)),
                     figures(storage, month_start.astimezone(UTC), until.astimezone(UTC)),
                     activity(storage, month_start.astimezone(UTC), until.astimezone(UTC), timezone),
                     top_questions(storage, month_start.astimezone(UTC), until.astimezone(UTC)))
