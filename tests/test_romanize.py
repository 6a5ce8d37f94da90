"""Dish names typed in romanized Korean, as travellers and signs spell them, find the menu's items."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.kb.romanize import fold, romanize
from tests.support.stores import ask_in, shop_fixture


@pytest.mark.parametrize(("hangul", "latin"), [
    ("김치찌개", "kimchi jjigae"), ("막걸리", "makgeolli"), ("물냉면", "mul naengmyeon"), ("잡채", "japchae"), ("호떡", "hotteok"),
])
def test_the_spellings_in_use_fold_to_the_menus_key(hangul: str, latin: str) -> None:
    assert fold(romanize(hangul)) == fold(latin)


def test_romanization_is_revised_romanization_by_syllable() -> None:
    assert romanize("비빔밥 정식") == "bibimbap jeongsik" and romanize("ICE 식혜") == "sikhye"


MENU = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
        "순두부찌개,식사,9000,해물 순두부,,\"대두,조개류\",1,Y\n"
        "제육볶음,식사,10000,매콤한 돼지고기 볶음,,\"돼지고기,대두\",2,Y\n"
        "수정과,음료,3000,계피 생강 수정과,,,0,Y\n"
        "라떼,음료,4500,우유 라떼,,우유,0,Y\n")


shop = shop_fixture("roman", menu=MENU)


@pytest.mark.parametrize(("text", "item", "said"), [
    ("How much is the soondubu jjigae?", "순두부찌개", "9,000원"),
    ("is jeyuk bokkeum very spicy", "제육볶음", "매"),
    ("Do you have sujeonggwa?", "수정과", "3,000원"),
])
def test_a_romanized_name_is_the_item(shop: Path, text: str, item: str, said: str) -> None:
    reply = asyncio.run(ask_in(shop, text))
    assert reply.intent == "menu" and [s.id for s in reply.sources][:1] == [item] and said in reply.text, (reply.intent, reply.text)


def test_an_english_word_is_not_a_short_name(shop: Path) -> None:
    # "late" folds like 라떼; four letters are too few to tell a name from a word.
    reply = asyncio.run(ask_in(shop, "sorry we will be 10 minutes late"))
    assert "라떼" not in [s.id for s in reply.sources]
