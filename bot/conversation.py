"""The Inbox: the one owner of a customer's turn, whatever channel it came through.

A channel parses its wire format, checks who is calling and keeps its platform's time budget;
everything between is here, once: store the message before anything answers it, decide by the
chat's handoff state who answers, let the engine answer, count the answers the bot could not
give, deliver what staff (or the system) queued for this customer, store the answer before it
leaves, and tell staff of a new handoff.

The promises it keeps:
- no staff word is lost: a staff reply or a closing notice not yet delivered goes out with the
  customer's next answer, whatever the chat's state by then, exactly once;
- no customer meets silence: while a chat waits for staff each message is acknowledged (and a
  question the bot can answer from the files is answered), with a way back to the bot; once a
  person has the chat, the acknowledgement says who;
- no promise it cannot keep: a handoff outside opening hours says when staff will read it.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.db import Outbound, Storage
from bot.engine import Engine
from bot.handoff import Handoffs
from bot.kb.schedule import local_now, open_state
from bot.korean_time import format_clock, format_date
from bot.messages import QuickReply, Reply, Turn
from bot.outreach.optout import is_optout

log = logging.getLogger(__name__)

BACK_TO_BOT = QuickReply("챗봇과 대화하기", "챗봇과 계속 대화할게요")  # a short label: TalkTalk cuts titles
WAITING_ACKS = (
    "메시지 잘 받았어요. 직원이 확인하는 대로 이 채팅으로 답변드릴게요.",
    "남겨 주신 내용도 직원에게 함께 전달했어요. 조금만 기다려 주세요.",
    "네, 직원이 곧 확인할게요. 기다리시는 동안 챗봇에게 물어보셔도 돼요.",
)
CLAIMED_ACKS = (
    "{staff} 직원이 이 대화를 보고 있어요. 곧 답변드릴게요.",
    "{staff} 직원에게 전달했어요. 잠시만 기다려 주세요.",
)
ALSO_STAFF = "직원도 곧 이어서 도와드릴게요."
BACK_TEXT = "네, 다시 챗봇이 도와드릴게요. 궁금한 걸 편하게 물어봐 주세요."
CONFIDENT = ("faq", "menu", "store_info", "recommend")  # answers of record, safe to give while staff are coming


@dataclass
class Ticket:
    """One customer message, stored, with what the chat's state says about answering it."""

    turn: Turn
    conversation_id: int
    mode: str  # bot | waiting | human
    staff: str = ""
    queued: list[str] = field(default_factory=list)  # staff replies and notices to deliver first


class Inbox:
    """The channel-neutral owner of a turn (see the module docstring)."""

    engine: Engine  # set when the knowledge is loaded, before the first message
    outreach: Any = None  # bot/outreach/service.py: 수신거부 is honoured in every chat, whoever has it

    def __init__(self, storage: Storage, handoffs: Handoffs):
        self.storage = storage
        self.handoffs = handoffs
        self._acks = itertools.count()

    async def open(self, turn: Turn, payload: dict[str, Any] | None) -> Ticket:
        """Store the message and read the chat's state (one trip), then settle an idle handoff and
        take what waits to be delivered."""
        inbound = await self.storage.call(self.storage.record_in, channel=turn.channel, user_key=turn.user_key, text=turn.text,
                                          payload=payload)
        mode = await self.handoffs.gate(inbound)
        queued: list[str] = []
        if inbound.queued or mode != inbound.handoff:
            taken = await self.storage.call(self.storage.take_queued, conversation_id=inbound.conversation_id)
            queued = [f"직원: {text}" if author.startswith("staff:") else text for author, text in taken]
        return Ticket(turn, inbound.conversation_id, mode, inbound.staff, queued)

    async def answer(self, ticket: Ticket, fast_only: bool = False) -> Reply:
        """The reply to this turn, before `settle` (misses, hours, what staff queued) and `record`."""
        turn = ticket.turn
        if self.outreach is not None and is_optout(turn.text):
            return await self.outreach.withdraw(turn)  # at once, in the same chat, even while staff have it
        if ticket.mode != "bot" and turn.text.strip() == BACK_TO_BOT.text:
            await self.storage.call(self.handoffs.release_sync, conversation_id=ticket.conversation_id, note="")
            ticket.mode = "bot"
            return Reply("smalltalk", [BACK_TEXT])
        if ticket.mode == "human":
            if ticket.queued:
                return Reply("escalate", [])  # what staff wrote is the answer (added by `settle`)
            ack = CLAIMED_ACKS[next(self._acks) % len(CLAIMED_ACKS)].format(staff=ticket.staff or "담당")
            return Reply("escalate", [ack])
        reply = await self.engine.respond(turn, fast_only=fast_only)
        if ticket.mode == "waiting":
            if reply.intent in CONFIDENT and reply.sources and not reply.escalate and not reply.awaiting:
                reply = replace(reply, texts=[*reply.texts, ALSO_STAFF], quick_replies=[BACK_TO_BOT, *reply.quick_replies][:10])
            else:
                ack = WAITING_ACKS[next(self._acks) % len(WAITING_ACKS)]
                reply = Reply("escalate", [ack], quick_replies=[BACK_TO_BOT])
        return reply

    @staticmethod
    def _with_queued(ticket: Ticket, reply: Reply) -> Reply:
        if not ticket.queued:
            return reply
        texts = [*ticket.queued, *reply.texts]
        return replace(reply, texts=texts, card_texts=[*ticket.queued, *reply.card_texts] if reply.card_texts is not None else None)

    async def settle(self, ticket: Ticket, reply: Reply) -> Reply:
        """Count an answer the bot could not give (the Nth in a row hands over), say honestly when
        staff will read a handoff made while the shop is closed, and put what staff queued first."""
        if ticket.mode == "bot":
            # A photo, a sticker or a shared product is never a question the bot failed, whatever answered it.
            media = any(k in ticket.turn.params for k in ("image_url", "sticker", "product"))
            reply = await self.handoffs.after(ticket.conversation_id, reply, "" if media else ticket.turn.text)
        elif reply.escalate:
            reply = replace(reply, escalate=False)  # already with staff: no second handoff
        if reply.escalate:
            note = self.when_staff_read(ticket.turn.now)
            if note:
                reply = replace(reply, texts=[*reply.texts, note])
        return self._with_queued(ticket, reply)

    def when_staff_read(self, now: datetime | None = None) -> str:
        """Outside opening hours: when a person will read the chat (the next opening in store.toml)."""
        store = self.engine.kb.snapshot.knowledge.store
        local = local_now(store, now or (self.engine.clock() if self.engine.clock else None))
        state = open_state(store, local)
        if state.open or state.reason == "break" or state.next_open is None:
            return ""
        at = state.next_open
        return (f"지금은 영업시간이 아니라서 직원이 {format_date(at.date(), local.date())} {format_clock(at.hour * 60 + at.minute)}에 "
                "가게 문을 열면 바로 확인할게요.")

    async def record(self, ticket: Ticket, reply: Reply, payload: dict[str, Any] | None, delivered: bool = True) -> Outbound:
        """Store the answer before it leaves; a new handoff is told to staff (with the hour they can read it)."""
        reason = ticket.turn.text[:200] if reply.escalate else None
        meta = {"sources": [f"{s.kind}:{s.id}" for s in reply.sources]} if reply.sources else None
        recorded = await self.storage.call(self.storage.record_out, conversation_id=ticket.conversation_id, text=reply.text,
                                           intent=reply.intent, payload=payload, handoff_reason=reason, meta=meta, delivered=delivered,
                                           handoff_trigger=reply.handoff or "other")
        if recorded.handoff_started:
            note = self.when_staff_read(ticket.turn.now)
            self.handoffs.notify(channel=ticket.turn.channel, user_key=ticket.turn.user_key,
                                 reason=(reason or "") + (f" ({note})" if note else ""))
        return recorded

    async def converse(self, turn: Turn) -> Reply:
        """A whole turn for a channel that collects the reply itself (`/api/ask`, the console's simulator)."""
        ticket = await self.open(turn, None)
        reply = await self.settle(ticket, await self.answer(ticket))
        await self.record(ticket, reply, None)
        return reply

    # --- promises: answers owed to a customer, kept across a crash -------------------------------

    async def promise(self, ticket: Ticket, target: str = "") -> int:
        return await self.storage.call(self.storage.outbox_open, conversation_id=ticket.conversation_id, channel=ticket.turn.channel,
                                       user_key=ticket.turn.user_key, question=ticket.turn.text, target=target)

    async def fill(self, outbox_id: int, payload: dict[str, Any]) -> None:
        await self.storage.call(self.storage.outbox_fill, outbox_id=outbox_id, payload=payload)

    async def kept(self, outbox_id: int, ok: bool, error: str = "") -> None:
        await self.storage.call(self.storage.outbox_close, outbox_id=outbox_id, ok=ok, error=error)

    async def owed(self, channel: str) -> list[Any]:
        return await self.storage.call(self.storage.outbox_pending, channel=channel)

    def resumed(self, row: Any) -> Ticket:
        """A ticket for an answer a crash interrupted (the message itself was stored before)."""
        return Ticket(Turn(text=row.question, user_key=row.user_key, channel=row.channel), row.conversation_id, "bot")
