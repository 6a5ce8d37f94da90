"""The fallback skill: what nothing else answers."""

from __future__ import annotations

import pytest

from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


@pytest.mark.parametrize("message", ["삼성전자 주가 어때요?", "사장님 MBTI 뭐예요ㅋㅋ", "영어 메뉴판 있어요?"])
def test_fallback_says_it_does_not_know_and_offers_a_person(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "unknown" and not reply.sources
    assert "직원에게 연결" in reply.text and any(q.label == "직원 연결" for q in reply.quick_replies)

@pytest.mark.parametrize("message", ["", "   ", "ㅋㅋㅋㅋ", "😀😀", "a" * 5000, "\u200b\u200b", "주차\x00되나요"])
def test_odd_input_gets_a_polite_answer(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.texts and all(reply.texts)
