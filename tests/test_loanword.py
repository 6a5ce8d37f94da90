"""Dishes named in Hangul loanwords are found by the English they came from."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.kb.loader import load_knowledge
from bot.kb.loanword import english_keys, hangul_key
from bot.kb.menu_match import MenuMatcher
from bot.kb.text import build_lexicon, builtin_lexicon
from tests.support.stores import ask_in, shop_fixture, write_store


@pytest.mark.parametrize(("english", "hangul"), [
    ("bacon", "베이컨"), ("mushroom", "머쉬룸"), ("burger", "버거"), ("carbonara", "까르보나라"), ("sandwich", "샌드위치"),
    ("sausage", "소시지"), ("rings", "링"), ("espresso", "에스프레소"), ("pepperoni", "페퍼로니"),
])
def test_a_loanword_keeps_the_consonants_of_its_english(english: str, hangul: str) -> None:
    assert hangul_key(hangul) in english_keys(english)


@pytest.mark.parametrize(("english", "hangul"), [("burger", "베지"), ("bread", "버터"), ("pasta", "피자")])
def test_different_words_keep_different_keys(english: str, hangul: str) -> None:
    assert hangul_key(hangul) not in english_keys(english)


# Names whose romanization ("deobeul chijeubeogeo") no English spelling comes near.
MENU = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
        "더블 치즈버거,버거,9800,패티 두 장,,\"밀,우유,쇠고기\",0,Y\n"
        "치킨버거,버거,8500,바삭한 닭가슴살,,\"밀,닭고기\",1,Y\n"
        "머쉬룸 수프,사이드,6000,양송이 크림 수프,,\"밀,우유\",0,Y\n"
        "코울슬로,사이드,3000,양배추 샐러드,,알류,0,Y\n"
        "바닐라 쉐이크,음료,5500,바닐라 아이스크림,,우유,0,Y\n"
        "초코 쉐이크,음료,5500,초콜릿 아이스크림,,우유,0,Y\n")

shop = shop_fixture("loan", menu=MENU)


@pytest.mark.parametrize(("text", "item", "said"), [
    ("Double cheeseburger - what does it cost?", "더블 치즈버거", "9,800원"),
    ("chicken burger, spicy or not?", "치킨버거", "매"),
    ("mushroom soup price pls", "머쉬룸 수프", "6,000원"),
    ("coleslaw how much", "코울슬로", "3,000원"),
])
def test_an_english_name_is_the_item(shop: Path, text: str, item: str, said: str) -> None:
    reply = asyncio.run(ask_in(shop, text))
    assert reply.intent == "menu" and [s.id for s in reply.sources][:1] == [item] and said in reply.text, (reply.intent, reply.text)


def test_a_word_shared_by_two_names_names_neither(shop: Path) -> None:
    # Two shakes: "shake" alone is not either of them.
    reply = asyncio.run(ask_in(shop, "how long does a shake take"))
    assert [s.id for s in reply.sources][:1] not in (["바닐라 쉐이크"], ["초코 쉐이크"])


def test_function_words_never_spell_a_dish(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "can we sit outside with our dog"))
    assert not {s.id for s in reply.sources} & {"코울슬로", "머쉬룸 수프", "바닐라 쉐이크", "초코 쉐이크"}


def test_a_word_romanized_that_several_names_share_names_each_and_pronouns_name_none(tmp_path: Path) -> None:
    """"the khao pat" where 카오팟 무 and 카오팟 꿍 both start with 카오팟: both, never the one whose whole
    name is a slip away (kaopatmu); and "someone" is no 차마나오, whatever consonants they share."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "카오팟 무,볶음밥,12000,돼지고기 볶음밥,,돼지고기,0,Y\n"
            "카오팟 꿍,볶음밥,13000,새우 볶음밥,,새우,0,Y\n"
            "차마나오,음료,5000,라임 아이스티,,,0,Y\n")
    matcher = MenuMatcher(load_knowledge(write_store(tmp_path, menu=menu)).menu, build_lexicon(builtin_lexicon()))
    assert {m.item.name for m in matcher.find("Is the khao pat ok for someone with a shrimp allergy?")} == {"카오팟 무", "카오팟 꿍"}
