"""The last skill: say plainly that the bot cannot answer, never guess, and offer a person."""

from __future__ import annotations

from bot.messages import Reply, Turn
from skills.base import HOURS_QR, MENU_QR, STAFF_QR, Context


class FallbackSkill:
    name = "fallback"
    description = "다른 기능으로 답할 수 없을 때, 모른다고 솔직하게 말하고 직원 연결을 제안해요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        text = "죄송해요, 그 질문에는 제가 정확한 답을 드리기 어려워요. 직원에게 연결해 드릴까요?"
        return Reply("unknown", [text], quick_replies=[STAFF_QR, MENU_QR, HOURS_QR], awaiting="escalate", state={"offered": True})
