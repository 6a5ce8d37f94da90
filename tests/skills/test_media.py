"""The media skill: photos, stickers, links and shared products."""

from __future__ import annotations

import pytest

from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


@pytest.mark.parametrize(
    ("text", "params", "starts"),
    [
        ("", {"image_url": "https://talk.kakaocdn.net/dn/abc/photo.jpg"}, "사진은"),
        ("https://talk.kakaocdn.net/dn/bXyZ/btsAbc/img_xl.jpg", {}, "사진은"),  # Kakao's utterance may be the photo's link
        ("https://blog.example.com/post/1", {}, "보내 주신 링크는"),
        ("", {"sticker": True}, "무엇을 도와드릴까요?"),
        ("😊😊", {}, "무엇을 도와드릴까요?"),
        ("(이모티콘)", {}, "무엇을 도와드릴까요?"),
        ("없는상품", {"product": "없는상품"}, "보내 주신 상품(없는상품)은"),
    ],
)
def test_media_turns_are_never_misses(demo_kb, text: str, params: dict, starts: str) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    reply = asyncio.run(Engine(demo_kb, RetrievalSettings()).respond(Turn(text, user_key="media", params=params)))
    assert reply.intent == "smalltalk" and not reply.escalate and reply.texts[0].startswith(starts)

def test_a_shared_product_on_the_menu_is_answered_from_it(demo_kb) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    reply = asyncio.run(Engine(demo_kb, RetrievalSettings()).respond(Turn("김치전", user_key="product", params={"product": "김치전"})))
    assert reply.intent == "menu" and sources(reply) == ["김치전"]
