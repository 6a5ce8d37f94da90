"""What the staff console knows and does, apart from HTTP: the queue, a conversation, bookings by
phone, replies and releases. The page modules (bot/staff/pages/) call these through FastAPI
dependencies (bot/staff/deps.py); every database read here is a plain function the pages run off
the event loop with `Storage.call`, in a fixed number of queries whatever the number of chats.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from bot.bookings import Refused, digits
from bot.db import Conversation, Handoff, Message, Storage
from bot.handoff import Handoffs
from bot.staff import auth

STATE_KO = {"waiting": "대기 중", "human": "상담 중", "bot": "챗봇"}
CHANNEL_KO = {"kakao": "카카오톡", "naver": "네이버 톡톡", "web": "웹", "simulator": "시뮬레이터"}
STATUS_KO = {"confirmed": "확정", "cancelled": "취소", "no_show": "노쇼", "completed": "방문 완료"}
INTENT_KO = {"faq": "FAQ", "menu": "메뉴", "store_info": "매장 정보", "recommend": "추천", "reservation": "예약", "escalate": "직원 연결",
             "smalltalk": "인사", "unknown": "답하지 못함"}
TRIGGER_KO = {"complaint": "불만·항의", "request": "직원 요청", "unknown": "답하지 못함", "allergy": "알레르기 확인",
              "booking": "예약 도움", "other": "직원 연결"}
# Staff taking a phone call may book sooner than the chat's lead time, further ahead, or off the grid;
# never on a closed day, in the break, outside the hours, or on a taken table.
STAFF_MAY_OVERRIDE = frozenset({"passed", "too_soon", "too_far", "grid", "too_many"})
QUEUE_TTL_S = 1.0  # every open tab's live queue shares one read per second


def aware(moment: datetime | None) -> datetime | None:
    """Database times are UTC; SQLite hands them back without a zone."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def elapsed(since: datetime | None, now: datetime | None = None) -> str:
    """'방금', '12분', '1시간 5분': how long a chat has waited."""
    since = aware(since)
    if since is None:
        return ""
    minutes = int(((now or datetime.now(UTC)) - since).total_seconds() // 60)
    return "방금" if minutes < 1 else f"{minutes}분" if minutes < 60 else f"{minutes // 60}시간 {minutes % 60}분"


def waited(since: datetime | None) -> str:
    """'방금 요청', '12분째 대기': the queue's line for how long a chat has waited."""
    span = elapsed(since)
    return "" if not span else "방금 요청" if span == "방금" else f"{span}째 대기"


def queue_rows(storage: Storage) -> list[dict[str, Any]]:
    """Chats waiting for staff or with staff, the longest waiting first, each with why it was handed
    over (the trigger and the customer's words), its last message and how many messages staff have
    not answered. Four queries, whatever the number of chats."""
    with Session(storage.engine) as s:
        convs = list(s.exec(select(Conversation).where(col(Conversation.handoff).in_(("waiting", "human")))
                            .order_by(col(Conversation.handoff_at))))
        ids = [c.id for c in convs]
        if not ids:
            return []
        open_handoffs: dict[int, Handoff] = {}
        for request in s.exec(select(Handoff).where(col(Handoff.conversation_id).in_(ids), col(Handoff.status).in_(("waiting", "claimed")))
                              .order_by(col(Handoff.id))):
            open_handoffs[request.conversation_id] = request  # the newest open request of each chat
        last_in = select(Message.conversation_id, func.max(Message.id).label("last")).where(
            col(Message.conversation_id).in_(ids), Message.direction == "in").group_by(col(Message.conversation_id)).subquery()
        last = {m.conversation_id: m for m in s.exec(select(Message).join(last_in, and_(col(Message.id) == last_in.c.last)))}
        replied = (select(Message.conversation_id, func.max(Message.id).label("at"))
                   .where(col(Message.conversation_id).in_(ids), col(Message.author).like("staff:%")).group_by(col(Message.conversation_id))
                   .subquery())
        unread_rows = s.exec(select(Message.conversation_id, func.count()).outerjoin(replied, replied.c.conversation_id == Message.conversation_id)
                             .where(col(Message.conversation_id).in_(ids), Message.direction == "in",
                                    col(Message.id) > func.coalesce(replied.c.at, 0))
                             .group_by(col(Message.conversation_id))).all()
        unread = {cid: n for cid, n in unread_rows}
    out = []
    for c in convs:
        assert c.id is not None
        h: Handoff | None = open_handoffs.get(c.id)
        m = last.get(c.id)
        since = aware(c.handoff_at)
        trigger = (h.trigger if h is not None else "") or "other"
        out.append({"id": c.id, "channel": CHANNEL_KO.get(c.channel, c.channel), "channel_key": c.channel,
                    "customer": f"손님 {c.user_key[-4:]}", "state": c.handoff, "state_ko": STATE_KO.get(c.handoff, c.handoff),
                    "staff": c.staff, "waiting": waited(c.handoff_at), "since": since.isoformat() if since else "",
                    "trigger": trigger, "trigger_ko": TRIGGER_KO.get(trigger, TRIGGER_KO["other"]),
                    "why": (h.reason if h is not None else "")[:120], "last": (m.text[:80] if m else ""), "unread": unread.get(c.id, 0)})
    return out


def transcript(storage: Storage, conversation_id: int) -> tuple[Conversation, list[Message]] | None:
    if not 0 < conversation_id < 2**63:
        return None
    with Session(storage.engine) as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            return None
        messages = list(s.exec(select(Message).where(Message.conversation_id == conversation_id).order_by(col(Message.id))))
        return conv, messages


def counts(storage: Storage) -> dict[str, int]:
    with Session(storage.engine) as s:
        rows = s.exec(select(Conversation.handoff, func.count()).group_by(col(Conversation.handoff))).all()
    return {state: n for state, n in rows}


class StaffConsole:
    """The console's services: storage, handoffs and the channels that can push a staff message."""

    def __init__(self, storage: Storage, handoffs: Handoffs, channels: dict[str, Any] | None = None):
        self.storage = storage
        self.handoffs = handoffs
        # channel name -> object with `async deliver(user_key, text) -> bool`, `pushes: bool` and
        # optionally `async returned(user_key)` (told when staff give a chat back to the bot)
        self.channels = channels or {}
        self.limiter = auth.LoginLimiter()
        self._queue: tuple[float, list[dict[str, Any]]] | None = None

    async def queue(self, fresh: bool = False) -> list[dict[str, Any]]:
        """The queue, read at most once a second for all open tabs together (`fresh` after an action)."""
        cached = self._queue
        if not fresh and cached is not None and time.monotonic() - cached[0] < QUEUE_TTL_S:
            return cached[1]
        rows = await self.storage.call(queue_rows, storage=self.storage)
        self._queue = (time.monotonic(), rows)
        return rows

    async def transcript(self, conversation_id: int) -> tuple[Conversation, list[Message]] | None:
        return await self.storage.call(transcript, storage=self.storage, conversation_id=conversation_id)

    async def counts(self) -> dict[str, int]:
        return await self.storage.call(counts, storage=self.storage)

    def pushes(self, channel: str) -> bool:
        return bool(getattr(self.channels.get(channel), "pushes", False))

    async def book(self, bookings: Any, store: Any, staff: auth.StaffLogin, start: datetime, party: int, name: str, phone: str,
                   note: str) -> str:
        """Book through the one booking service; staff may overrule the customer-facing limits."""
        result = await bookings.book(store, start=start, party=party, name=name, now=datetime.now(start.tzinfo), channel="phone",
                                     user_key=f"phone:{digits(phone)}", phone=phone, request=note, actor=f"staff:{staff.name}",
                                     override=STAFF_MAY_OVERRIDE)
        return result.reason if isinstance(result, Refused) else ""

    async def move(self, bookings: Any, store: Any, staff: auth.StaffLogin, booking: Any, start: datetime, party: int) -> str:
        try:
            result = await bookings.move(store, booking.code, start=start, party=party, now=datetime.now(start.tzinfo),
                                         actor=f"staff:{staff.name}", override=STAFF_MAY_OVERRIDE)
        except LookupError:
            return "그 예약은 이미 취소되었거나 찾을 수 없어요."
        return result.reason if isinstance(result, Refused) else ""

    async def reply(self, conversation_id: int, staff: str, text: str) -> None:
        """Store the staff reply first (never lost), then push it where the channel can."""
        call = self.storage.call
        message_id = await call(self.handoffs.staff_reply_sync, conversation_id=conversation_id, staff=staff, text=text)
        found = await self.transcript(conversation_id)
        if found is None:
            return
        conv, _ = found
        channel = self.channels.get(conv.channel)
        if channel is not None and self.pushes(conv.channel) and await channel.deliver(conv.user_key, text):
            await call(self.storage.mark_delivered, message_id=message_id)
        self._queue = None

    async def release(self, conv: Conversation, staff: str) -> None:
        """Give the chat back to the bot; a channel that owns threads takes it back, queued replies go out."""
        if await self.storage.call(self.handoffs.release_sync, conversation_id=conv.id, staff=staff):
            channel = self.channels.get(conv.channel)
            returned = getattr(channel, "returned", None)
            if returned is not None:
                await returned(conv.user_key)
            await self.push_queued(conv)
        self._queue = None

    async def claim(self, conversation_id: int, staff: str) -> None:
        await self.storage.call(self.handoffs.claim_sync, conversation_id=conversation_id, staff=staff)
        self._queue = None

    async def push_queued(self, conv: Any) -> None:
        """Where the channel can push (Event API, TalkTalk send API), what waits for this customer goes
        now, each message marked delivered once sent; elsewhere it goes with their next message."""
        channel = self.channels.get(conv.channel)
        if channel is None or not self.pushes(conv.channel):
            return
        for message_id, _, text in await self.storage.call(self.storage.queued_messages, conversation_id=conv.id):
            if not await channel.deliver(conv.user_key, text):
                break
            await self.storage.call(self.storage.mark_delivered, message_id=message_id)
