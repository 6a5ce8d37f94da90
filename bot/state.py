"""A conversation's multi-turn memory: which skill awaits an answer, and what it has gathered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.messages import Turn


@dataclass
class ConversationState:
    """`awaiting` names the skill that asked something; `data` is what it gathered (with `_at`, when)."""

    awaiting: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class StateStore(Protocol):
    """Where a conversation's multi-turn memory lives (memory for the CLI, the database for channels)."""

    async def load(self, turn: Turn) -> ConversationState: ...

    async def save(self, turn: Turn, state: ConversationState) -> None: ...
