"""Handing a chat to a person and back: bot → waiting → human → bot, over the conversations table.

What the customer hears in each state is the Inbox's (bot/conversation.py). Staff replies and
the notices of a return are stored undelivered until they reach the customer: at once where the
channel can push, otherwise with the customer's next answer. A chat left idle returns to the bot.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import insert, update
from sqlalchemy import select as sa_select

from bot import metrics
from bot.db import Conversation, Handoff, Inbound, Message, Storage, utcnow
from bot.messages import QuickReply, Reply
from bot.settings import HandoffSettings

log = logging.getLogger(__name__)
IDLE_TEXT = "직원 상담이 한동안 없어서 다시 챗봇이 도와드릴게요."
RETURN_TEXT = "직원 상담이 끝났어요. 이제 다시 챗봇이 도와드릴게요."
MISSED_TEXT = "제가 계속 답을 드리지 못해 죄송해요. 직원에게 연결해 드릴게요."


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


class Handoffs:
    """The handoff state machine over the conversations table."""

    def __init__(self, storage: Storage, settings: HandoffSettings):
        self.storage = storage
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(5.0), follow_redirects=False)
        self.pending: set[asyncio.Task[None]] = set()
        self._missing: set[int] = set()  # conversations with a miss counted (most have none)

    # --- synchronous core -------------------------------------------------------------------

    def _move(self, conversation_id: int, to: str, *, staff: str = "", note: str | None = None, only_from: tuple[str, ...] = ()) -> bool:
        table, handoffs = Conversation.__table__, Handoff.__table__  # type: ignore[attr-defined]
        now = utcnow()
        with self.storage.engine.begin() as conn:
            where = table.c.id == conversation_id
            if only_from:
                where = where & table.c.handoff.in_(only_from)
            values = {"handoff": to, "updated_at": now, "staff": staff}
            if to == "bot":
                values |= {"misses": 0, "awaiting": None, "state": {}}
            if not conn.execute(update(table).where(where).values(**values)).rowcount:
                return False
            open_request = handoffs.c.conversation_id == conversation_id
            if to == "human":
                conn.execute(update(handoffs).where(open_request & (handoffs.c.status == "waiting")).values(status="claimed", claimed_by=staff))
            if to == "bot":
                conn.execute(update(handoffs).where(open_request & (handoffs.c.status != "resolved")).values(status="resolved", resolved_at=now))
            if note:  # the customer reads it with their next answer, or at once where the channel can push
                conn.execute(insert(Message.__table__).values(  # type: ignore[attr-defined]
                    conversation_id=conversation_id, direction="out", author="system", delivered=False, text=note, created_at=now))
        return True

    def claim_sync(self, conversation_id: int, staff: str) -> bool:
        """waiting → human (or a colleague takes over a claimed chat)."""
        return self._move(conversation_id, "human", staff=staff, only_from=("waiting", "human"))

    def taken_elsewhere_sync(self, conversation_id: int, staff: str, reason: str) -> bool:
        """A person took the chat outside Danggol (TalkTalk's Partner Center): bot → human, shown in the queue."""
        table, handoffs = Conversation.__table__, Handoff.__table__  # type: ignore[attr-defined]
        now = utcnow()
        with self.storage.engine.begin() as conn:
            moved = conn.execute(update(table).where((table.c.id == conversation_id) & (table.c.handoff == "bot"))
                                 .values(handoff="human", handoff_at=now, staff=staff[:60], updated_at=now, misses=0)).rowcount
            if moved:
                conn.execute(insert(handoffs).values(conversation_id=conversation_id, reason=reason[:200], trigger="other", status="claimed",
                                                     claimed_by=staff[:60], created_at=now))
        return bool(moved)

    def release_sync(self, conversation_id: int, staff: str = "", note: str = RETURN_TEXT) -> bool:
        """Back to the bot (resolved or returned); the customer hears it with their next answer."""
        return self._move(conversation_id, "bot", staff="", note=note, only_from=("waiting", "human"))

    def staff_reply_sync(self, conversation_id: int, staff: str, text: str, delivered: bool = False) -> int:
        """A staff reply; one to an unclaimed chat claims it. Undelivered replies wait for the customer."""
        self.claim_sync(conversation_id, staff)
        with self.storage.engine.begin() as conn:
            return int(conn.execute(insert(Message.__table__).values(  # type: ignore[attr-defined]
                conversation_id=conversation_id, direction="out", author=f"staff:{staff}", delivered=delivered, text=text,
                created_at=utcnow())).inserted_primary_key[0])  # type: ignore[index]

    def miss_sync(self, conversation_id: int, missed: bool) -> int:
        """Count answers in a row the bot could not give; returns the new count."""
        table = Conversation.__table__  # type: ignore[attr-defined]
        with self.storage.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == conversation_id).values(misses=(table.c.misses + 1) if missed else 0))
            return int(conn.execute(sa_select(table.c.misses).where(table.c.id == conversation_id)).scalar_one())

    # --- what channels call ---------------------------------------------------------------------

    async def gate(self, inbound: Inbound, now: datetime | None = None) -> str:
        """Who answers the message just stored (see Storage.record_in): bot, waiting or human. A chat
        left idle with staff past `idle_return_minutes` returns to the bot, with a note."""
        if inbound.handoff == "bot":
            return "bot"
        now = now or datetime.now(UTC)
        idle = timedelta(minutes=self.settings.idle_return_minutes)
        if inbound.last_at is not None and now - inbound.last_at > idle:
            await self.storage.call(self.release_sync, conversation_id=inbound.conversation_id, note=IDLE_TEXT)
            return "bot"
        return inbound.handoff

    async def after(self, conversation_id: int, reply: Reply, question: str) -> Reply:
        """Count misses; the Nth unknown answer in a row to a real question becomes a handoff."""
        missed = reply.intent == "unknown" and not reply.escalate and bool(question.strip())
        if not missed and conversation_id not in self._missing and not self.storage.shared:
            return reply  # the usual case: nothing to count, nothing to reset, no write (one process only)
        misses = await self.storage.call(self.miss_sync, conversation_id=conversation_id, missed=missed)
        self._missing.add(conversation_id) if misses else self._missing.discard(conversation_id)
        if missed and misses >= self.settings.misses_before_handoff:
            return Reply("escalate", [MISSED_TEXT], escalate=True, quick_replies=[QuickReply("처음으로", "처음으로")], handoff="unknown")
        return reply

    def notify(self, *, channel: str, user_key: str, reason: str) -> None:
        """Tell staff of a new handoff: a JSON POST that Slack (`text`) and Discord (`content`) both accept."""
        metrics.HANDOFFS.labels(channel).inc()  # channels call this exactly when a handoff starts
        url = self.settings.webhook_url
        if not url:
            return
        message = f"[단골] 직원 연결 요청 ({channel}): {reason[:200]}"

        async def post() -> None:
            try:
                r = await self.client.post(url, json={"text": message, "content": message, "channel": channel, "user": user_key[-6:]})
                log.info("handoff webhook: HTTP %s", r.status_code)
            except httpx.HTTPError:
                log.exception("handoff webhook failed")

        task = asyncio.get_running_loop().create_task(post())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def close(self) -> None:
        if self.pending:
            await asyncio.wait(self.pending, timeout=5)
        await self.client.aclose()
