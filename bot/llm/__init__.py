"""The optional language model: configuration, prompt, tools, grounding check.

Nothing in this package imports langchain at import time; `with_model` is the one entry point
the server and the terminal use, and only when `[llm] provider` is not "none".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.settings import LLMSettings

if TYPE_CHECKING:
    from skills.base import Skill

log = logging.getLogger(__name__)


def with_model(skills: tuple[Skill, ...], settings: LLMSettings, **kwargs: Any) -> tuple[tuple[Skill, ...], Any]:
    """`skills` with the model's skill after the escalation skill, and that skill (None when offline).

    A configured but unusable model (no key, no model name) is logged and the bot stays offline:
    a typo in config.toml must never take the shop's chat down.
    """
    if settings.provider == "none":
        return skills, None
    from bot.llm.model import ChatModel, ModelUnavailable
    from skills.llm import LlmSkill

    try:
        model = ChatModel(settings)
    except ModelUnavailable as e:
        log.error("llm: not used (%s); answering offline", e)
        return skills, None
    except ImportError as e:
        log.error("llm: not used (%s: install with pip install 'danggol[llm]'); answering offline", e)
        return skills, None
    skill = LlmSkill(model, skills, settings, **kwargs)
    first = 1 if skills and skills[0].name == "escalate" else 0
    return (*skills[:first], skill, *skills[first:]), skill


class StoredHistory:
    """The last turns of a chat from the database (the current message, already stored, left out)."""

    def __init__(self, storage: Any):
        self.storage = storage

    async def __call__(self, turn: Any, limit: int) -> list[tuple[str, str]]:
        rows = await self.storage.call(self.storage.recent, channel=turn.channel, user_key=turn.user_key, limit=limit + 1)
        if rows and rows[-1][0] == "in" and rows[-1][2] == turn.text:
            rows = rows[:-1]
        return [("user" if d == "in" else "assistant", text) for d, author, text in rows[-limit:] if author != "system" and text]


class StoredUsage:
    """The monthly token count in the database, shared by every server process."""

    def __init__(self, storage: Any):
        self.storage = storage

    async def spent(self, month: str) -> int:
        return int(await self.storage.call(self.storage.llm_spent, month=month))

    async def add(self, month: str, tokens: int, fallback: bool) -> None:
        await self.storage.call(self.storage.llm_add, month=month, tokens=tokens, fallback=fallback)
