"""The last skill: say plainly that the bot cannot answer, never guess, and offer a person."""

from __future__ import annotations

import re

from bot.messages import Reply, Turn
from bot.understand import allergens
from skills.base import HOURS_QR, MENU_QR, STAFF_QR, Context
from skills.menu import allergy_question

# Any message about an allergy that reaches the last skill is one the files could not answer
# (shared/spec/allergens.md: it goes to staff with the customer's words), however it is phrased.
ALLERGY_SAFETY = re.compile(rf"{allergens.ALLERGY_WORD}|아나필락시스|앨러지")


class FallbackSkill:
    name = "fallback"
    description = "다른 기능으로 답할 수 없을 때, 모른다고 솔직하게 말하고 직원 연결을 제안해요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        if ctx.has(ALLERGY_SAFETY) or allergy_question(ctx):
            # ("김치에 새우 들어가요? 먹으면 목이 부어서요" with no one item the bot could name)
            # A wrong guess about an allergy can hurt someone: a person answers what the files do not.
            text = "알레르기는 정확하게 확인해야 해서 직원에게 연결해 드릴게요. 직원이 확인해서 바로 답변드릴게요."
            return Reply("escalate", [text], escalate=True, handoff="allergy")
        text = "죄송해요, 그 질문에는 제가 정확한 답을 드리기 어려워요. 직원에게 연결해 드릴까요?"
        return Reply("unknown", [text], quick_replies=[STAFF_QR, MENU_QR, HOURS_QR], awaiting="escalate", state={"offered": True})
