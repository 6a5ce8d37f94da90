"""The skill registry: a literal list in priority order."""

from __future__ import annotations

from bot.kb.loader import load_knowledge
from skills import SKILLS
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


def test_registry_is_a_literal_ordered_list_ending_with_fallback() -> None:
    names = [s.name for s in SKILLS]
    assert names == ["media", "consent", "escalate", "stamp", "smalltalk", "store_info", "reservation", "recommend", "menu", "faq", "fallback"]
    assert all(s.description for s in SKILLS)
