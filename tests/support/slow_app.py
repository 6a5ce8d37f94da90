"""The real application with one deliberately slow skill, for testing Kakao's time budget.

Run as `uvicorn tests.support.slow_app:app`. A message containing 천천히 is answered by the slow skill
after SLOW_SECONDS; everything else goes to the normal skills.
"""

from __future__ import annotations

import asyncio
import os

from bot.messages import Reply, Turn
from bot.server import create_app
from bot.settings import load_settings
from skills import SKILLS
from skills.base import Context


class SlowSkill:
    name = "slow"
    description = "A stand-in for a model call that takes longer than Kakao allows."
    slow = True

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        if "천천히" not in turn.text:
            return None
        await asyncio.sleep(float(os.environ.get("SLOW_SECONDS", "2.5")))
        return Reply("faq", ["천천히 준비한 답변이에요."])


app = create_app(load_settings(), skills=(SlowSkill(), *SKILLS))
