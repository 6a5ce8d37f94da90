"""A message that names an item but asks for a service the owner's FAQ describes (holding it for
later, how early to order it) is the FAQ's, however the words around the item are glued together."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.stores import ask_in, shop_fixture

MENU = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
        "찹쌀떡,떡,\"1,500\",팥앙금 찹쌀떡 한 개,,,0,Y\n"
        "호박설기,떡,\"4,000\",늙은 호박 넣은 설기 한 팩,,,0,Y\n"
        "루이보스 티,차,\"4,500\",카페인 없는 루이보스 차,,,0,Y\n")
FAQ = ("# 주문\n\n## 사 갈 떡 맡아 두실 수 있나요?\n"
       "네, 전화나 카톡으로 말씀해 주시면 저녁 7시까지 빼 둘게요.\n\n"
       "## 며칠 전에 주문해야 하나요?\n맞춤 주문은 사흘 전까지 말씀해 주세요.\n\n"
       "## 지방으로 택배 보내 주세요?\n화요일부터 목요일까지 아이스팩 넣어 보내 드려요.\n\n"
       "## 떡은 어떻게 보관해요?\n당일에 못 드시면 바로 냉동실에 넣었다가 자연 해동해 드세요.\n")


shop = shop_fixture("services", menu=MENU, faqs={"주문.md": FAQ})


@pytest.mark.parametrize("text", ["찹쌀떡 세 개만 빼놔 주세요 이따 갈게요", "호박설기 한 팩 빼놔 줄래요? 저녁에 들를게요"])
def test_holding_a_named_item_is_the_faqs(shop: Path, text: str) -> None:
    reply = asyncio.run(ask_in(shop, text))
    assert reply.intent == "faq" and [s.id for s in reply.sources] == ["사 갈 떡 맡아 두실 수 있나요?"]


def test_the_items_own_facts_stay_the_menus(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "찹쌀떡 얼마예요?"))
    assert reply.intent == "menu" and "1,500원" in reply.texts[0]


@pytest.mark.parametrize(("text", "faq"), [
    ("호박설기 광주 사는 언니한테 좀 부쳐 주실래요?", "지방으로 택배 보내 주세요?"),
    ("찹쌀떡 열 개 사 가면 며칠 두고 먹어도 돼요?", "떡은 어떻게 보관해요?"),
])
def test_a_service_asked_of_a_named_item_is_the_faqs(shop: Path, text: str, faq: str) -> None:
    # Shipping and keeping are nothing a menu row records, whatever item the message names.
    reply = asyncio.run(ask_in(shop, text))
    assert reply.intent == "faq" and [s.id for s in reply.sources][:1] == [faq], (reply.intent, reply.texts)


def test_a_one_syllable_word_of_a_name_is_not_a_slip_for_the_next_word(shop: Path) -> None:
    # "루이보스 카라멜": 카 is the next word, not a typo of 티; the item is still named by 루이보스.
    reply = asyncio.run(ask_in(shop, "루이보스 카라멜 시럽 넣어도 맛있어요?"))
    assert [s.id for s in reply.sources][:1] in (["루이보스 티"], [])
    from bot.kb.base import KnowledgeBase
    from bot.settings import RetrievalSettings

    kb = KnowledgeBase(shop, shop.parent / "probe", RetrievalSettings())
    assert kb.reload()
    spans = [(m.item.name, m.span) for m in kb.snapshot.menu.find("루이보스 카라멜 시럽")]
    assert spans == [("루이보스 티", "루이보스")]
