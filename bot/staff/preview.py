"""Preview before publishing: which answers an edit would change, before it is written.

The edit is staged in a scratch copy of the folder (bot/kb/edit.py), loaded into a snapshot that is
not live, and the customers' own recent questions (and the owner's saved tests) are asked of both
the live knowledge and the staged one by probe engines: offline skills, memory state, nothing
stored, counted or sent. Only the questions whose answer differs are shown, old and new side by side.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db import Conversation, Message, Storage
from bot.engine import Engine
from bot.kb.base import Snapshot
from bot.messages import Turn

RECENT_DAYS = 30
RECENT_QUESTIONS = 80  # distinct customer messages asked, newest first


@dataclass(frozen=True)
class Changed:
    question: str
    before: str
    after: str
    source: str  # "손님" (a real customer's message) or "테스트" (the owner's saved test)


@dataclass(frozen=True)
class Preview:
    changed: list[Changed]
    asked: int  # how many questions were compared
    diff: list[tuple[str, list[Any]]]  # (file, diff lines) of the files the edit changes
    problems: list[str]


class _Fixed:
    """A knowledge base that stays on one snapshot (the staged edit)."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self.ready = True


def recent_questions(storage: Storage, limit: int = RECENT_QUESTIONS) -> list[str]:
    """The customers' distinct recent messages, newest first (the owner's simulator tries left out)."""
    since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
    text = func.trim(Message.text)
    with Session(storage.engine) as s:
        rows = s.exec(select(text, func.max(Message.id).label("last")).join(Conversation, col(Conversation.id) == Message.conversation_id)
                      .where(Message.direction == "in", col(Message.created_at) >= since, col(Conversation.channel).not_in(("simulator",)),
                             func.length(Message.text) <= 200, func.length(Message.text) >= 2)
                      .group_by(text).order_by(func.max(Message.id).desc()).limit(limit)).all()
    return [str(t) for t, _ in rows]


class Previewer:
    def __init__(self, kb: Any, live_probe: Engine, retrieval: Any, skills: tuple[Any, ...], bookings: Any, clock: Any = None):
        self.kb = kb
        self.live = live_probe
        self.retrieval, self.skills, self.bookings, self.clock = retrieval, skills, bookings, clock
        self._answers: dict[str, str] = {}
        self._for: object = None
        self._serial = itertools.count()

    async def _ask(self, engine: Engine, question: str) -> str:
        reply = await engine.respond(Turn(question, user_key=f"preview-{next(self._serial)}", channel="probe"), fast_only=True)
        await asyncio.sleep(0)  # customers' turns go first
        return "\n".join(reply.texts).strip()

    async def live_answer(self, question: str) -> str:
        """The live bot's answer, cached per snapshot (every preview asks the same recent questions)."""
        if self._for is not self.kb.snapshot:
            self._answers, self._for = {}, self.kb.snapshot
        if question not in self._answers:
            self._answers[question] = await self._ask(self.live, question)
        return self._answers[question]

    async def compare(self, snapshot: Snapshot, questions: list[tuple[str, str]]) -> list[Changed]:
        fixed: Any = _Fixed(snapshot)
        staged = Engine(fixed, self.retrieval, self.skills, clock=self.clock, bookings=self.bookings, counted=False)
        changed = []
        for question, source in questions:
            before = await self.live_answer(question)
            after = await self._ask(staged, question)
            if before != after:
                changed.append(Changed(question, before, after, source))
        return changed
