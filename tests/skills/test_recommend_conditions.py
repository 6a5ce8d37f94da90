"""A condition the customer states (something cold, something warm, a broth, what must be in it, a
price floor) filters; when no item meets it, nothing is offered and the reply names the wish, because
an item that ignores what was asked reads as the shop's answer to it. Tastes and occasions still only
rank. The wordings are this file's own."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.support.stores import ask_in, picks, shop_fixture

MENU = (
    "이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
    "숯불 닭갈비,구이,14000,숯불에 구운 닭갈비,인기,\"닭고기,대두\",1,Y\n"
    "간장 닭구이,구이,13000,간장 양념 닭구이,,\"닭고기,대두\",0,Y\n"
    "닭곰탕,탕,10000,뜨끈하게 고아 낸 맑은 닭 국물,,닭고기,0,Y\n"
    "막국수,면,9000,살얼음 띄운 차가운 동치미 국물,,메밀,0,Y\n"
    "유자 에이드,음료,5000,유자청과 탄산수,,,0,Y\n"
    "보리차,음료,1000,구수한 보리차,,보리,0,Y\n"
)
GRILL_ONLY = (
    "이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
    "숯불 닭갈비,구이,14000,숯불에 구운 닭갈비,인기,\"닭고기,대두\",1,Y\n"
    "간장 닭구이,구이,13000,간장 양념 닭구이,,\"닭고기,대두\",0,Y\n"
    "닭껍질 튀김,튀김,7000,바삭하게 튀긴 닭껍질,,\"닭고기,밀\",0,Y\n"
)

shop = shop_fixture("conditions", menu=MENU)
grill = shop_fixture("grill-only", menu=GRILL_ONLY)


def test_something_cold_is_a_cold_dish_or_drink(shop: Path) -> None:
    got = picks(shop, "오늘 푹푹 쪄서 차가운 걸로 한 가지만 추천 좀 해 줄래요")
    assert got and set(got) <= {"막국수", "유자 에이드"}, got


def test_the_cool_of_a_broth_is_a_hot_soup_not_a_cold_one(shop: Path) -> None:
    assert picks(shop, "해장하게 국물이 시원한 걸로 한 가지만 추천 좀 해 줄래요") == ["닭곰탕"]


def test_a_condition_no_item_meets_offers_nothing_and_says_so(grill: Path) -> None:
    for text, wish in (("날씨가 더워서 시원한 메뉴로 추천 좀 해 줄래요", "시원한"),
                       ("몸이 으슬으슬한데 국물 요리로 추천 좀 해 줄래요", "국물")):
        reply = asyncio.run(ask_in(grill, text))
        assert reply.intent == "recommend" and not reply.sources, (text, reply.sources)
        assert wish in reply.texts[0] and "직원" in reply.texts[0], reply.texts


def test_what_must_be_in_it_is_a_condition_but_a_word_before_있는_only_ranks(grill: Path) -> None:
    reply = asyncio.run(ask_in(grill, "마늘 들어간 메뉴로 하나 권해 주세요"))
    assert not reply.sources, reply.texts
    # "알레르기 있는 동생": no ingredient to find, so the picks stand.
    assert picks(grill, "대두 알레르기 있는 동생 몫으로 한 가지 추천 좀 해 줄래요") == ["닭껍질 튀김"]


def test_권하다_asks_for_a_recommendation(shop: Path) -> None:
    # The plain verb of recommending, beside 추천: "권해 주실래요", "뭘 권하세요".
    got = picks(shop, "차가운 마실 거 한 잔만 권해 주실래요")
    assert got and set(got) <= {"유자 에이드"}, got
