"""A message that names an item but asks for a service the owner's FAQ describes (holding it for
later, how early to order it) is the FAQ's, however the words around the item are glued together."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.stores import ask_in, write_store

MENU = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
        "찹쌀떡,떡,\"1,500\",팥앙금 찹쌀떡 한 개,,,0,Y\n"
        "호박설기,떡,\"4,000\",늙은 호박 넣은 설기 한 팩,,,0,Y\n")
FAQ = ("# 주문\n\n## 사 갈 떡 맡아 두실 수 있나요?\n"
       "네, 전화나 카톡으로 말씀해 주시면 저녁 7시까지 빼 둘게요.\n\n"
       "## 며칠 전에 주문해야 하나요?\n맞춤 주문은 사흘 전까지 말씀해 주세요.\n")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("services"), menu=MENU, faqs={"주문.md": FAQ})


@pytest.mark.parametrize("text", ["찹쌀떡 세 개만 빼놔 주세요 이따 갈게요", "호박설기 한 팩 빼놔 줄래요? 저녁에 들를게요"])
def test_holding_a_named_item_is_the_faqs(shop: Path, text: str) -> None:
    reply = asyncio.run(ask_in(shop, text))
    assert reply.intent == "faq" and [s.id for s in reply.sources] == ["사 갈 떡 맡아 두실 수 있나요?"]


def test_the_items_own_facts_stay_the_menus(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "찹쌀떡 얼마예요?"))
    assert reply.intent == "menu" and "1,500원" in reply.texts[0]
