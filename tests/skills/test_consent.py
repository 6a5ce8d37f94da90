"""The consent skill on its own: it answers only when the bot asked the consent question last turn,
and only a short yes or no; anything else is left to the other skills (the question never traps a
chat). The whole flow through the channels is in tests/outreach/test_consent_chat.py."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from bot.kb.base import KnowledgeBase
from bot.messages import Reply, Turn
from bot.settings import RetrievalSettings
from skills.base import Context
from skills.consent import ConsentSkill


class Outreach:
    """Records what the skill asked of the outreach service."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def answer(self, turn: Turn, step: str, now: datetime) -> Reply | None:
        self.calls.append((turn.text, step))
        return Reply("smalltalk", ["ok"]) if turn.text in ("네", "아니요") else None


def run(kb: KnowledgeBase, text: str, awaiting: str | None, outreach: Any, state: dict[str, Any] | None = None) -> Reply | None:
    ctx = Context(Turn(text, "u", "kakao"), kb.snapshot, datetime(2026, 11, 24, 14, 0), RetrievalSettings(), state=state or {},
                  awaiting=awaiting, outreach=outreach)
    return asyncio.run(ConsentSkill().respond(ctx.turn, ctx))


def test_it_answers_only_after_the_question(demo_kb: KnowledgeBase) -> None:
    outreach = Outreach()
    assert run(demo_kb, "네", None, outreach) is None and outreach.calls == []
    assert run(demo_kb, "네", "reservation", outreach) is None and outreach.calls == []
    assert run(demo_kb, "네", "consent", None) is None  # no outreach service (the terminal): nothing to record
    reply = run(demo_kb, "네", "consent", outreach, {"step": "age"})
    assert reply is not None and reply.texts == ["ok"] and outreach.calls == [("네", "age")]
    assert run(demo_kb, "주차 돼요?", "consent", outreach) is None  # another question: the other skills answer
    assert outreach.calls[-1] == ("주차 돼요?", "ask")
