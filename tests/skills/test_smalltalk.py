"""The smalltalk skill."""

from __future__ import annotations

import pytest

from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


@pytest.mark.parametrize("message,start", [("안녕하세요~", "안녕하세요, 소담식당 연남점이에요!"), ("감사합니다!!", "천만에요!"),
                                            ("수고하세요~", "감사합니다! 좋은 하루"), ("어제 김치찌개 맛있게 먹었어요 ㅎㅎ", "맛있게 드셨다니")])
def test_smalltalk(ask, message: str, start: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "smalltalk" and reply.texts[0].startswith(start)


@pytest.mark.parametrize("message,start", [
    ("どうもありがとう！", "천만에요!"), ("多谢啦", "천만에요!"), ("ty!!", "천만에요!"),  # thanks in other languages
    ("좋은 주말 되세요~", "감사합니다! 좋은 하루"), ("그럼 이따 봐요!", "감사합니다! 좋은 하루"),
    ("사장님 파이팅이에요", "감사합니다! 손님도"), ("こんにちは", "안녕하세요, 소담식당 연남점이에요!"),
])
def test_thanks_farewells_and_cheers_in_many_forms_are_smalltalk(ask, message: str, start: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "smalltalk" and reply.texts[0].startswith(start), (reply.intent, reply.texts)
