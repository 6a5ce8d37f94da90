"""The owner's daily digest, through the notification webhook the handoffs use: tomorrow's bookings,
yesterday's questions the bot could not answer, chats still waiting for staff, and campaigns waiting
for approval. Once a day after `outreach.digest_time` (store time); the day sent is remembered in
the database, so a restart or a second process does not repeat it. Counts and the customers' own
questions only: no name or phone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from sqlmodel import Session, col, func, select

from bot.db import Campaign, Conversation, Message, Reservation, Storage
from bot.korean_time import format_clock
from bot.ledger import card

log = logging.getLogger(__name__)
KEY = "daily_digest"


@dataclass(frozen=True)
class Digest:
    day: str
    bookings: list[tuple[str, int]]  # tomorrow: (time, party)
    unanswered: list[str]  # yesterday's questions the bot could not answer
    open_chats: int
    drafts: int

    def text(self, store: str) -> str:
        lines = [f"[단골] {store} 오늘의 요약 ({self.day})"]
        if self.bookings:
            times = ", ".join(f"{t} {p}명" for t, p in self.bookings[:8]) + (" 외" if len(self.bookings) > 8 else "")
            lines.append(f"내일 예약 {len(self.bookings)}건: {times}")
        else:
            lines.append("내일 예약은 아직 없어요.")
        if self.unanswered:
            shown = " / ".join(q[:40] for q in self.unanswered[:3])
            lines.append(f"어제 챗봇이 답하지 못한 질문 {len(self.unanswered)}개: {shown}")
        lines.append(f"직원을 기다리는 상담 {self.open_chats}건" if self.open_chats else "기다리는 상담은 없어요.")
        if self.drafts:
            lines.append(f"승인을 기다리는 캠페인 {self.drafts}개 (콘솔 > 캠페인)")
        return "\n".join(lines)


def gather(s: Session, timezone: str, now: datetime) -> Digest:
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    start = datetime.combine(today + timedelta(days=1), time(0), zone).astimezone(UTC)
    rows = s.exec(select(Reservation.starts_at, Reservation.party).where(
        Reservation.status == "confirmed", col(Reservation.starts_at) >= start, col(Reservation.starts_at) < start + timedelta(days=1))
        .order_by(col(Reservation.starts_at))).all()
    bookings = []
    for at, party in rows:
        local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(zone)
        bookings.append((format_clock(local.hour * 60 + local.minute), party))
    y0 = datetime.combine(today - timedelta(days=1), time(0), zone).astimezone(UTC)
    y1 = y0 + timedelta(days=1)
    unknown = s.exec(select(Message.conversation_id, Message.id).where(
        Message.direction == "out", Message.intent == "unknown", col(Message.created_at) >= y0, col(Message.created_at) < y1)).all()
    questions: list[str] = []
    for conversation_id, message_id in unknown:
        q = s.exec(select(Message.text).where(Message.conversation_id == conversation_id, Message.direction == "in",
                                              col(Message.id) < message_id).order_by(col(Message.id).desc())).first()
        if q and q.strip() and q.strip() not in questions:
            questions.append(q.strip())
    open_chats = s.exec(select(func.count()).select_from(Conversation).where(col(Conversation.handoff).in_(("waiting", "human")))).one()
    drafts = s.exec(select(func.count()).select_from(Campaign).where(Campaign.status == "draft")).one()
    return Digest(today.isoformat(), bookings, questions, int(open_chats), int(drafts))


async def send_if_due(storage: Storage, url: str, store: str, timezone: str, at: str, now: datetime,
                      client: httpx.AsyncClient) -> bool:
    """Post today's digest once, after `at` (HH:MM, store time); True when it was posted."""
    local = now.astimezone(ZoneInfo(timezone))
    hour, minute = (int(x) for x in at.split(":"))
    if (local.hour, local.minute) < (hour, minute):
        return False

    def read() -> Digest | None:
        with Session(storage.engine) as s:
            if card.setting(s, KEY).get("day") == local.date().isoformat():
                return None
            return gather(s, timezone, now)

    digest = await storage.call(read)
    if digest is None:
        return False
    text = digest.text(store)
    r = await client.post(url, json={"text": text, "content": text})
    if r.status_code >= 300:
        log.warning("daily digest webhook: HTTP %s", r.status_code)
        return False

    def remember() -> None:
        with Session(storage.engine) as s:
            card.save_setting(s, KEY, {"day": local.date().isoformat()})
            s.commit()

    await storage.call(remember)
    return True
