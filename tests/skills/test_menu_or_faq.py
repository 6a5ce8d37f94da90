"""Which answers a message that names an item: the item's record or the owner's FAQ.

얼마 asks a price, but 얼마나 asks how long or how much of something; and a word that names an
item only by a part of its name (만두 of 만두추가) is the word an FAQ heading may be about."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from skills.menu import PRICE
from tests.support.stores import ask_in, shop_fixture, write_store

MENU = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
        "냉면 밀키트,포장,\"12,000\",2인분 냉동 육수와 면,,밀,0,Y\n"
        "물냉면,면,\"9,000\",동치미 육수,,밀,0,Y\n"
        "만두추가,추가,\"3,000\",만둣국에 만두 세 알 더,,\"밀,돼지고기\",0,Y\n")
FAQ = ("# 이용\n\n## 밀키트는 며칠 보관돼요?\n냉동실에서 3주까지 괜찮아요.\n\n"
       "## 만두는 직접 빚으세요?\n네, 매일 아침 가게에서 손으로 빚어요.\n\n"
       "## 주차 되나요?\n건물 뒤 공영주차장을 이용해 주세요.\n")


shop = shop_fixture("menu_or_faq", menu=MENU, faqs={"이용.md": FAQ})


@pytest.mark.parametrize(("text", "price"), [
    ("물냉면 얼마예요", True), ("물냉면 얼마에요?", True), ("사리 하나 얼마나 해요?", True), ("값이 얼마나 돼요", True),
    ("얼마나 걸려요", False), ("유통기한이 얼마나 남았어요", False), ("양이 얼마나 돼요?", False),
])
def test_how_much_is_a_price_and_how_long_is_not(text: str, price: bool) -> None:
    assert bool(PRICE.search(text)) is price


def test_how_long_an_item_keeps_is_the_faqs(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "냉면 밀키트 사면 유통기한 얼마나 돼요?"))
    assert reply.intent == "faq" and [s.id for s in reply.sources] == ["밀키트는 며칠 보관돼요?"], (reply.intent, reply.texts)


def test_the_price_of_the_same_item_is_the_menus(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "냉면 밀키트 얼마예요?"))
    assert reply.intent == "menu" and "12,000원" in reply.texts[0]


def test_a_word_naming_an_item_by_part_goes_to_the_faq_about_that_word(shop: Path) -> None:
    # 만두 names 만두추가 only by a part of its name; the owner wrote an FAQ about the 만두 itself.
    reply = asyncio.run(ask_in(shop, "여기 만두는 사장님이 빚는 거예요?"))
    assert reply.intent == "faq" and [s.id for s in reply.sources] == ["만두는 직접 빚으세요?"], (reply.intent, reply.texts)


SNACKS = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
          "고구마튀김,튀김,\"4,000\",호박고구마 튀김 다섯 개,,밀,0,Y\n"
          "김치볶음밥,밥,\"7,000\",볶은 김치와 계란 프라이,,\"계란,대두\",1,Y\n"
          "오징어볶음,밥,\"9,000\",매콤한 오볶 한 접시,,오징어,2,Y\n"
          "순대볶음,볶음,\"11,000\",순대와 야채를 들깨 넣고 볶음,,\"돼지고기,들깨\",1,Y\n"
          "비빔국수,면,\"7,000\",새콤달콤 양념 국수,,밀,1,Y\n"
          "비빔국수 곱빼기,면,\"8,500\",면 두 배,,밀,1,Y\n")
SNACK_FAQ = "# 이용\n\n## 쇼핑백 얼마예요?\n종이 쇼핑백은 하나에 500원이에요.\n\n## 주차 되나요?\n건물 뒤 공영주차장을 이용해 주세요.\n"
snacks = shop_fixture("acronyms", menu=SNACKS, faqs={"이용.md": SNACK_FAQ})


@pytest.mark.parametrize(("text", "item"), [
    ("고튀 하나 얼마예요?", "고구마튀김"), ("김볶 많이 매워요?", "김치볶음밥"),
    ("순볶 많이 칼칼한가요", "순대볶음"),  # a name the tokenizer knows whole, split into words it knows alone
    ("비국 하나에 얼마", "비빔국수"),  # the plain item of a family whose other name adds 곱빼기
])
def test_a_chat_acronym_of_a_compound_name_names_the_item(snacks: Path, text: str, item: str) -> None:
    reply = asyncio.run(ask_in(snacks, text))
    assert reply.intent == "menu" and [s.id for s in reply.sources] == [item], (reply.intent, reply.texts)


def test_an_acronym_the_shop_writes_itself_is_not_taken_for_an_item(snacks: Path) -> None:
    # 오볶 is written in a description here (the shop's own word), so it names no item by acronym.
    assert "오볶" not in asyncio.run(ask_in(snacks, "고튀 하나 얼마예요?")).texts[0]
    from bot.kb.base import KnowledgeBase
    from bot.settings import RetrievalSettings

    kb = KnowledgeBase(snacks, snacks.parent / "index-acronyms", RetrievalSettings())
    assert kb.reload()
    assert kb.snapshot.menu.acronyms.get("고튀") is not None and "오볶" not in kb.snapshot.menu.acronyms


def test_an_faq_sharing_only_the_question_word_does_not_price_another_thing() -> None:
    # 얼마 is all that "<something unknown> 얼마?" shares with a fee entry: not its answer.
    from bot.kb.index import Hit
    from skills.base import plainly_answers

    def hit(matched: tuple[str, ...], unsaid: tuple[str, ...]) -> Hit:
        return Hit("faq", "쇼핑백 얼마예요?", 0.03, 2.0, 0.3, 0.6, 0.5, matched, unsaid=unsaid)

    assert plainly_answers(hit(("쇼핑백", "얼마"), ()), frozenset(), 0.28)
    assert not plainly_answers(hit(("얼마",), ("보냉백",)), frozenset(), 0.28)
    assert plainly_answers(hit(("얼마",), ("요",)), frozenset(), 0.28)  # nothing else asked about: the frame is the question


DRINKS_AND_SIZES = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
                    "캔음료,음료,\"2,000\",\"콜라, 사이다, 밀키스\",,,0,Y\n"
                    "망고스무디 라지,음료,\"6,500\",생망고 갈아 만든 스무디,,우유,0,Y\n"
                    "깐풍기(소),요리,\"16,000\",매콤달콤 닭튀김 볶음,,\"닭고기,밀,대두\",1,Y\n"
                    "깐풍기(대),요리,\"24,000\",매콤달콤 닭튀김 볶음,,\"닭고기,밀,대두\",1,Y\n"
                    "새우 깐풍기,요리,\"26,000\",깐풍 소스에 볶은 새우,,\"새우,밀,대두\",1,Y\n")


@pytest.mark.parametrize(("text", "item"), [
    ("사이다도 팔아요?", "캔음료"),  # listed in another item's description: sold, never "없어요"
    ("망고스무디 한 잔 얼마", "망고스무디 라지"),  # the name's own first word, said without its size word
    ("깐풍 큰 사이즈 가격 알려 주세요", "깐풍기(대)"),  # the opening syllables of a dish sold in sizes, the size said
])
def test_an_item_said_short_or_listed_under_another_name_is_found(tmp_path: Path, text: str, item: str) -> None:
    reply = asyncio.run(ask_in(write_store(tmp_path, menu=DRINKS_AND_SIZES), text))
    assert reply.intent == "menu" and reply.sources and reply.sources[0].id == item, (reply.intent, reply.sources, reply.texts)


@pytest.mark.parametrize(("text", "item"), [("굴국밥 한 그릇 값이 얼마죠", "굴 콩나물국밥"), ("닭고기랩에 소스 뭐 들어가요", "닭고기 또띠아 랩")])
def test_a_name_said_by_its_first_word_and_the_end_of_its_last(tmp_path: Path, text: str, item: str) -> None:
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "콩나물국밥,국밥,\"8,000\",멸치 육수에 토렴한 국밥,,대두,1,Y\n"
            "굴 콩나물국밥,국밥,\"11,000\",생굴 듬뿍 올린 국밥,,\"굴,대두\",1,Y\n"
            "황태 콩나물국밥,국밥,\"9,000\",황태 넣어 끓인 국밥,,\"명태,대두\",1,Y\n"
            "닭고기 또띠아 랩,랩,\"7,900\",닭가슴살과 랜치 소스,,\"닭고기,밀\",0,Y\n"
            "불고기 또띠아 랩,랩,\"8,900\",매콤 소불고기,,\"소고기,밀\",1,Y\n"
            "닭고기 추가,추가,\"3,000\",닭가슴살 한 줌,,닭고기,0,Y\n")
    reply = asyncio.run(ask_in(write_store(tmp_path, menu=menu), text))
    assert reply.intent == "menu" and reply.sources and reply.sources[0].id == item, (reply.intent, reply.sources, reply.texts)
