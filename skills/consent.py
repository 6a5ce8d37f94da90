"""The customer's answer to the marketing-consent question the engine adds after a booking or a
stamp (bot/outreach/service.py asks and records). Anything that is not a short yes or no is left to
the other skills: the question is optional, and ignoring it changes nothing."""

from __future__ import annotations

from bot.messages import Reply, Turn
from skills.base import Context


class ConsentSkill:
    name = "consent"
    description = "광고성 정보 수신 동의 질문에 대한 손님의 답(받을게요, 안 받을게요, 나이 확인)을 기록해요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        if ctx.awaiting != self.name or ctx.outreach is None:
            return None
        return await ctx.outreach.answer(turn, str(ctx.state.get("step", "ask")), ctx.now)  # type: ignore[no-any-return]
