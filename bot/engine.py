"""The engine: one turn in, one reply out, the same for every channel.

It serializes the turns of one user, gives an awaiting skill the first look (a booking in
progress), otherwise asks the skills in registry order, and never lets an exception reach a
channel: a failure becomes a polite Korean answer and a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from bot import metrics, safe
from bot.bookings import Bookings
from bot.kb.base import KnowledgeBase, Snapshot
from bot.kb.schedule import local_now
from bot.messages import QuickReply, Reply, Turn
from bot.settings import RetrievalSettings
from bot.state import ConversationState, StateStore
from bot.understand.parts import focus, questions
from skills import SKILLS
from skills.base import BOOK_QR, HOURS_QR, MENU_QR, RECOMMEND_QR, Context, Skill, first_reply
from skills.smalltalk import greeting

log = logging.getLogger(__name__)
MAX_TEXT = 1000  # longer messages are cut before analysis; nobody asks a question in 5 pages
STATE_TTL = timedelta(minutes=30)


@contextlib.asynccontextmanager
async def _no_lock(channel: str, user_key: str) -> AsyncIterator[None]:
    yield


class MemoryStates:
    def __init__(self) -> None:
        self._states: dict[tuple[str, str], ConversationState] = {}

    async def load(self, turn: Turn) -> ConversationState:
        return self._states.get((turn.channel, turn.user_key), ConversationState())

    async def save(self, turn: Turn, state: ConversationState) -> None:
        self._states[(turn.channel, turn.user_key)] = state


class Engine:
    def __init__(
        self,
        kb: KnowledgeBase,
        retrieval: RetrievalSettings,
        skills: tuple[Skill, ...] = SKILLS,
        states: StateStore | None = None,
        clock: Callable[[], datetime] | None = None,
        bookings: Bookings | None = None,
        turn_lock: Callable[[str, str], AbstractAsyncContextManager[None]] | None = None,
        counted: bool = True,
        ledger: Any = None,
        outreach: Any = None,
    ):
        self.kb = kb
        self.bookings = bookings
        self.ledger = ledger  # bot/ledger/service.py: the stamp card and a known customer's history
        self.outreach = outreach  # bot/outreach/service.py: the consent question after a booking or a stamp
        self.clock = clock  # a fixed clock for tests; None means the real time
        self.retrieval = retrieval
        self.skills = skills
        self.states = states or MemoryStates()
        self.turn_lock = turn_lock or _no_lock  # across processes: Storage.user_lock
        self.counted = counted  # False for the console's probe engine: its questions are not customers'
        # One lock per user while any of their turns is running or waiting; gone with the last one.
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = weakref.WeakValueDictionary()

    async def respond(self, turn: Turn, fast_only: bool = False) -> Reply:
        """Answer one turn; turns of the same user are answered one at a time, in order.

        `fast_only` skips skills marked `slow` (model calls): a channel out of time asks again
        this way for the best offline answer.
        """
        key = (turn.channel, turn.user_key)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock, self.turn_lock(turn.channel, turn.user_key):
            try:
                return await self._respond(turn, fast_only)
            except Exception:
                log.exception("engine failed on a turn from %s/%s", turn.channel, turn.user_key)
                metrics.ENGINE_ERRORS.inc()
                return Reply(
                    "unknown",
                    ["죄송해요, 잠시 문제가 생겨서 답을 드리지 못했어요. 잠시 후 다시 물어봐 주시거나 직원 연결을 눌러 주세요."],
                    quick_replies=[QuickReply("직원 연결", "직원 연결해 주세요")],
                )

    async def _respond(self, turn: Turn, fast_only: bool) -> Reply:
        t0 = time.perf_counter()
        if turn.text != safe.text(turn.text):
            turn = Turn(safe.text(turn.text), turn.user_key, turn.channel, turn.params, turn.now)
        if not turn.text.strip() and not turn.params:
            return Reply("smalltalk", ["메시지를 잘 받지 못했어요. 궁금한 점을 글로 적어 주시겠어요?"])
        if len(turn.text) > MAX_TEXT:
            # A long story usually asks at its end: keep the questions, not the first page.
            turn = Turn(focus(turn.text, MAX_TEXT), turn.user_key, turn.channel, turn.params, turn.now)
        snapshot = self.kb.snapshot
        now = local_now(snapshot.knowledge.store, turn.now or (self.clock() if self.clock else None))
        state = await self.states.load(turn)
        saved_at = state.data.get("_at")
        if state.awaiting and saved_at and now - datetime.fromisoformat(saved_at) > STATE_TTL:
            state = ConversationState()  # an abandoned flow expires
        data = {k: v for k, v in state.data.items() if k != "_at"}
        ctx = Context(turn, snapshot, now, self.retrieval, state=data if state.awaiting else {}, awaiting=state.awaiting,
                      bookings=self.bookings, ledger=self.ledger, outreach=self.outreach)
        reply, skill = await self._skills(turn, ctx, state.awaiting, fast_only)
        if reply.moment and self.outreach is not None and self.counted:
            reply = await self.outreach.offer(turn, reply, now)
        log.debug("%s answered in %.1f ms", skill.name, (time.perf_counter() - t0) * 1000)
        if state.awaiting is None and not reply.escalate and reply.awaiting in (None, "faq"):
            parts = questions(turn.text)
            if len(parts) > 1:
                reply = await self._all_parts(turn, parts, reply, snapshot, now, fast_only)
        if self.counted:
            metrics.answered(turn.channel, reply.intent)
        waiting = next((s for s in self.skills if s.name == state.awaiting), None)
        if waiting is not None and skill is not waiting and getattr(waiting, "resume", None) and not reply.escalate:
            # An unrelated question in the middle of a flow (a booking): answer it, keep the flow
            # (over whatever the other skill would have waited for, such as the offer of a person).
            remind = getattr(waiting, "reminder", None)
            note = remind(data, now.date()) if remind else ""
            # The flow is still open: the answer says what it waits for, so nobody thinks it is done.
            offer = [waiting.resume] if note or remind is None else []  # type: ignore[attr-defined]
            reply = dataclasses.replace(reply, texts=[*reply.texts, note] if note else reply.texts,
                                        quick_replies=[*offer, *reply.quick_replies])
            return reply  # the flow's state stays as it was, and so does its age: a detour does not keep it alive
        new_state = {**reply.state, "_at": now.isoformat()} if reply.awaiting else {}
        await self.states.save(turn, ConversationState(reply.awaiting, new_state))
        return reply

    async def _skills(self, turn: Turn, ctx: Context, awaiting: str | None, fast_only: bool) -> tuple[Reply, Skill]:
        """The first skill's answer, in registry order (the awaiting skill first)."""
        found = await first_reply(self.skills, turn, ctx, fast_only)
        if found is None:
            raise AssertionError("the fallback skill always answers")
        return found

    async def _all_parts(self, turn: Turn, parts: list[str], whole: Reply, snapshot: Snapshot, now: datetime,
                         fast_only: bool) -> Reply:
        """"주차 되고 아이 의자 있어요?": each question answered, in the order asked.

        Only answers of record (an FAQ entry, the store's facts, a menu item) are joined; a part
        that would start a flow, hand over or not know is left to the whole message's answer.
        """
        record = ("faq", "store_info", "menu")
        first = whole.sources[0] if whole.intent in record and whole.sources and not whole.awaiting else None
        answers: list[Reply] = []
        for part in parts:
            sub = Turn(part, turn.user_key, turn.channel, {}, turn.now)
            ctx = Context(sub, snapshot, now, self.retrieval, bookings=self.bookings, ledger=self.ledger)
            if first is not None and first.kind == "faq" and any(
                    h.id == first.id and h.plain_confidence >= self.retrieval.min_confidence for h in ctx.faq_hits[:2]):
                answers.append(whole)  # the whole message's answer is this part's (a question asked twice)
                continue
            reply, _ = await self._skills(sub, ctx, None, fast_only)
            if reply.intent in record and reply.sources and not reply.awaiting and not reply.escalate:
                answers.append(reply)
        distinct: list[Reply] = []
        for r in answers:
            if all(r.sources[0] != d.sources[0] for d in distinct):
                distinct.append(r)
        if first is not None and all(d is not whole for d in distinct):
            distinct.insert(0, whole)  # what the whole message was answered with stays
        if len(distinct) < 2:
            return distinct[0] if distinct and whole.intent == "unknown" else whole
        base, extra = distinct[0], distinct[1:]  # in the order asked
        seen = {(s.kind, s.id) for s in base.sources}
        texts, sources = list(base.texts), list(base.sources)
        for r in extra:
            if (r.sources[0].kind, r.sources[0].id) in seen:
                continue
            seen |= {(s.kind, s.id) for s in r.sources}
            texts += r.texts
            sources += r.sources
        return Reply(base.intent, texts, sources, cards=base.cards, quick_replies=base.quick_replies)

    async def warm(self) -> float:
        """Answer a few made-up questions about the shop's own menu once, before the first customer.

        A first answer compiles the skills' item-specific patterns and loads the small models the
        understanding reads lazily (tens of milliseconds, once); the server calls this on its probe
        engine (counted=False: nothing stored, counted or sent) before it reports ready, so no
        customer pays for it. Returns the milliseconds it took, for the log.
        """
        t0 = time.perf_counter()
        menu = [i.name for i in self.kb.snapshot.knowledge.menu][:2] or ["메뉴"]
        asks = [f"{menu[0]} 얼마예요?", f"{menu[-1]}에 우유 들어가요?", f"땅콩 알레르기 있는데 {menu[0]} 먹어도 돼요?",
                "안 매운 걸로 추천해 주세요", "오늘 몇 시까지 해요?", "주차 되나요? 아이 의자도 있어요?",
                "내일 저녁 7시에 두 명 자리 있어요?", "사장님 바꿔 주세요", "감사합니다"]
        for n, text in enumerate(asks):
            await self.respond(Turn(text, user_key=f"warm-up-{n}", channel="warm-up"))
        return (time.perf_counter() - t0) * 1000

    def welcome(self) -> Reply:
        """The first words when a customer opens the chat: the owner's greeting and the usual next steps."""
        return Reply("smalltalk", [greeting(self.kb.snapshot.knowledge.store)], quick_replies=[MENU_QR, RECOMMEND_QR, HOURS_QR, BOOK_QR])
