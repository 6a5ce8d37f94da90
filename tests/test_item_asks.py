"""The trained reader of what a question about a menu item asks (bot/understand/item_asks.py): it
scores as its trainer did, it tells the row's questions (price, size, spiciness) from the ones beyond
the row (keeping it, changing it), and it gives the owner's FAQ a question the menu rules kept for
the item only when it is sure."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.understand import item_asks
from tests.support.stores import ask_in, write_store
from tests.support.textmodels import analysed, assert_scores_as_trained


def test_the_product_scores_as_the_trainer_did() -> None:
    assert_scores_as_trained(item_asks.load(), "sigmoid")


def probability(text: str) -> float:
    p = item_asks.beyond_row(*analysed(item_asks.ITEM.sub(" ", text)))
    assert p is not None
    return p


@pytest.mark.parametrize("text", [  # written for this test
    "{김밥} 냉동했다가 먹어도 돼요?",
    "{수육} 미리 썰어서 통에 넣어 주시겠어요",
    "{도가니탕} 택배로 받으면 며칠 안에 먹어야 돼요?",
])
def test_questions_beyond_the_row(text: str) -> None:
    assert probability(text) >= item_asks.OVERRULES


@pytest.mark.parametrize("text", [
    "{떡볶이} 얼마예요",
    "{순대} 한 접시 양이 어느 정도예요",
    "{떡볶이} 많이 매워요?",
    "포장해 갈 건데 {모둠전} 큰 거 가격이 어떻게 돼요",
])
def test_questions_the_row_answers(text: str) -> None:
    assert probability(text) < 0.5


MENU = """분류,이름,가격,설명,태그,알레르기,맵기,판매
분식,떡볶이,5000,쌀떡과 어묵,,"밀,대두",2,Y
분식,순대,5000,찹쌀순대,,돼지고기,0,Y
"""
FAQ = """# 이용

## 맵기 조절 되나요?
주문하실 때 말씀하시면 순하게도, 더 맵게도 해 드려요.

## 포장 되나요?
네, 모든 메뉴 포장돼요.
"""


def test_the_faq_takes_a_question_the_menu_rules_kept(tmp_path: Path) -> None:
    """A spiciness word made the rules keep this for the item's row (it has a spiciness); the reader
    is sure it asks for a change, which the owner's FAQ answers."""
    shop = write_store(tmp_path, menu=MENU, faqs={"이용.md": FAQ})
    reply = asyncio.run(ask_in(shop, "떡볶이 맵기 조절 가능한가요?"))
    assert (reply.intent, [s.id for s in reply.sources]) == ("faq", ["맵기 조절 되나요?"])
    reply = asyncio.run(ask_in(shop, "떡볶이 많이 매워요?"))  # the row's own question stays the row's
    assert (reply.intent, [s.id for s in reply.sources]) == ("menu", ["떡볶이"])
