"""The menu skill on the demo store."""

from __future__ import annotations

import pytest

from bot.kb.base import KnowledgeBase
from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


JJIGAE = [n for n, i in MENU.items() if i.category == "찌개" and i.available]


def test_menu_price_is_formatted_from_the_menu(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("김찌 얼마에여")
    assert reply.intent == "menu" and sources(reply) == ["돼지김치찌개"]
    assert reply.texts[0].startswith("돼지김치찌개는 9,000원이에요.")
    assert reply.cards[0].price == 9000 and reply.cards[0].image.startswith("https://")

def test_sold_out_item(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("콩국수 아직 팔아요?")
    assert reply.intent == "menu" and sources(reply) == ["콩국수"]
    assert reply.texts[0] == "죄송해요, 콩국수는 지금은 판매하지 않아요."
    suggested = reply.texts[1]
    assert all(MENU[name].available for name in MENU if name in suggested)

def test_allergen_and_spiciness_questions(ask) -> None:  # type: ignore[no-untyped-def]
    # allergens.md: when the item holds the allergen, say so plainly and never open with a yes.
    answer = ask("계란말이에 뭐 들어가요? 계란 알레르기 있어요").texts[0]
    assert answer.startswith("주의해 주세요. 계란말이에는 달걀") and "드시지 않는 게 좋아요" in answer
    assert ask("제육 많이 매워요?").texts[0].startswith("제육덮밥은 맵기 2단계로 꽤 매운 편이에요.")

def test_item_not_on_the_menu_is_unknown(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("짜장면 팔아요?")
    assert reply.intent == "unknown" and reply.texts[0].startswith("죄송해요, 짜장면은 저희 메뉴에 없어요.")

def test_a_dish_not_sold_is_not_answered_by_an_faq_sharing_another_word(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # "같이" of a pets FAQ is not about 순대: the dish is not on the menu, and the bot says so.
    import asyncio

    from tests.support.stores import ask_in, write_store

    shop = write_store(tmp_path, faqs={"이용.md": "# 이용\n\n## 강아지랑 같이 가도 돼요?\n목줄 하시면 테라스에 같이 앉으셔도 돼요.\n"})
    reply = asyncio.run(ask_in(shop, "순대도 같이 파시나요?"))
    assert reply.intent == "unknown" and "순대는 저희 메뉴에 없어요" in reply.texts[0], (reply.intent, reply.texts)


def test_a_word_the_lexicon_reads_as_another_dish_is_this_menus_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The lexicon reads 비빔 as 비빔밥, which this menu does not sell; its own 비빔 dish is what the
    customer means, never "비빔밥은 없어요"."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "물냉면,냉면,\"9,000\",동치미 육수,,\"메밀,밀\",0,Y\n"
            "비빔냉면,냉면,\"9,500\",매운 양념,,\"메밀,밀\",2,Y\n")
    reply = asyncio.run(ask_in(write_store(tmp_path, menu=menu), "비빔은 얼마 받아요?"))
    assert reply.intent == "menu" and [s.id for s in reply.sources] == ["비빔냉면"] and "없어요" not in reply.text, (reply.intent, reply.texts)


def test_whole_menu(ask) -> None:  # type: ignore[no-untyped-def]
    text = ask("메뉴 보여주세요").text
    assert "[찌개] 돼지김치찌개 9,000원" in text and "콩국수" not in text

@pytest.mark.parametrize("message", ["찌개 종류 뭐 있어요?", "찌개 메뉴 보여주세요", "어떤 찌개 있어요?", "찌개는 뭐뭐 있나요", "찌개종류 알려줘"])
def test_a_named_category_lists_that_category(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "menu" and sources(reply) == JJIGAE
    assert "돼지김치찌개 9,000원" in reply.text and "부대찌개 11,000원" in reply.text
    assert "제육덮밥" not in reply.text and "[덮밥" not in reply.text
    assert [c.title for c in reply.cards] == JJIGAE and all(c.price == MENU[c.title].price for c in reply.cards)

def test_a_kind_in_a_mixed_category_lists_the_items_named_so(ask) -> None:  # type: ignore[no-untyped-def]
    deopbap = ask("덮밥 메뉴 알려 주세요")
    assert deopbap.intent == "menu" and sources(deopbap) == ["제육덮밥", "불고기덮밥", "오징어덮밥", "참치마요덮밥"]
    jeon = ask("전 종류 알려 주세요")  # a one-syllable kind: 전 of 해물파전, 김치전, 감자전
    assert sources(jeon) == ["해물파전", "김치전", "감자전"] and "한우육전은 지금은 판매하지 않아요." in jeon.text
    noodles = ask("국수 뭐 있어요?")
    assert sources(noodles) == ["잔치국수", "비빔국수", "바지락칼국수", "들기름 메밀국수"] and "콩국수는 지금은 판매하지 않아요." in noodles.text

def test_words_inside_other_words_are_not_kinds(demo_kb: KnowledgeBase) -> None:
    menu = demo_kb.snapshot.menu
    assert [k.word for k in menu.find_kinds("국수랑 덮밥 뭐있어요")] == ["국수", "덮밥"]
    assert menu.find_kinds("먹을 수 있는 거 뭐 있어요") == []  # 수 ends 국수, but is not a kind
    assert menu.find_kinds("전에 먹었던 거 뭐였죠") == [] and menu.find_kinds("술안주로 좋은 거") == []

@pytest.mark.parametrize(
    "message,intent,source",
    [("아이 메뉴 뭐 있어요?", "faq", "아이가 먹을 만한 메뉴가 있나요?"),  # the owner wrote that list
     ("찌개 포장 돼요?", "faq", "포장 되나요?"),
     # which of them is mild: a pick by spice, which the FAQ on changing spice does not make
     ("찌개 중에 안 매운 거 뭐 있어요?", "recommend", "채소된장찌개")],
)
def test_a_kind_named_in_another_question_is_not_listed(ask, message: str, intent: str, source: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == intent and sources(reply)[0] == source


@pytest.mark.parametrize(("message", "item"), [
    ("공깃밥 하나 얼마예요", "공기밥"),  # the lexicon's spelling of the name the owner spelled otherwise
    ("곱창 볶음도 있어요?", "매콤곱창볶음"),  # two words the name writes as one, its head said
    ("보쌈 정식 얼마예요", "보쌈 정식"),  # the name said exactly, not a one-syllable slip of a longer one
])
def test_a_name_said_another_way_is_the_item(tmp_path, message: str, item: str) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.support.stores import ask_in, write_store

    menu = ("분류,이름,가격,설명,태그,알레르기,맵기,판매\n식사,제육덮밥,8000,,,,1,Y\n안주,매콤곱창볶음,15000,,,,2,Y\n"
            "안주,오징어볶음,13000,,,오징어,2,Y\n식사,공기밥,1000,,,,0,Y\n식사,보쌈 정식,12000,,,,0,Y\n식사,보쌈 정식반,15000,,,,0,Y\n")
    reply = asyncio.run(ask_in(write_store(tmp_path, menu=menu), message))
    assert (reply.intent, sources(reply)) == ("menu", [item]), reply.texts


def test_marks_and_parts_of_names_are_not_questions_about_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A bracketed mark ("(포장)") names no item, and a name said in part that holds an allergen's
    word (순살고등어) asks the item's price, not about the allergen."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    menu = ("분류,이름,가격,설명,태그,알레르기,맵기,판매\n반찬,순살고등어 2팩(포장),9000,구워 먹는 순살,,고등어,0,Y\n"
            "식사,고등어구이 정식,11000,,,고등어,0,Y\n")
    faq = "# 이용\n\n## 포장 되나요?\n네, 모든 메뉴 포장돼요. 용기값은 받지 않아요.\n"
    shop = write_store(tmp_path, menu=menu, faqs={"이용.md": faq})
    reply = asyncio.run(ask_in(shop, "포장해 가도 되나요?"))
    assert (reply.intent, sources(reply)) == ("faq", ["포장 되나요?"]), reply.texts
    reply = asyncio.run(ask_in(shop, "순살고등어 2팩 얼마예요?"))
    assert reply.intent == "menu" and "9,000원" in reply.text and "주의" not in reply.text, reply.texts


def test_a_service_asked_of_a_dish_the_shop_does_not_sell(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"네, 포장돼요" would say the shop sells it: the dish is named as not on the menu instead."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    menu = "분류,이름,가격,설명,태그,알레르기,맵기,판매\n분식,떡볶이,5000,,,\"밀,대두\",2,Y\n분식,순대,5000,,,돼지고기,0,Y\n"
    shop = write_store(tmp_path, menu=menu, faqs={"이용.md": "# 이용\n\n## 포장 되나요?\n네, 모든 메뉴 포장돼요.\n"})
    reply = asyncio.run(ask_in(shop, "간장치킨도 포장해서 가져갈 수 있어요?"))
    assert reply.intent == "unknown" and "간장치킨은 저희 메뉴에 없어요" in reply.text, (reply.intent, reply.texts)
    reply = asyncio.run(ask_in(shop, "떡볶이 포장해서 가져갈 수 있어요?"))
    assert reply.intent == "faq" and sources(reply) == ["포장 되나요?"], (reply.intent, reply.texts)


def test_a_recommendation_word_inside_an_item_name_names_the_item(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """시그니처 asks for the shop's pick, unless it is a word of the item the customer names: an
    allergy question about that item is answered about it, never with other picks."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    menu = ("분류,이름,가격,설명,태그,알레르기,맵기,판매\n버거,동네 시그니처 버거,9500,소고기 패티와 체다,인기,\"우유,밀,소고기\",0,Y\n"
            "버거,치킨 버거,8000,,,\"닭고기,밀\",0,Y\n")
    shop = write_store(tmp_path, menu=menu)
    reply = asyncio.run(ask_in(shop, "우유 알레르기인 아이가 시그니처 버거 먹어도 되나요?"))
    assert reply.intent == "menu" and sources(reply) == ["동네 시그니처 버거"] and "우유" in reply.text, (reply.intent, reply.texts)
    assert not reply.text.startswith("네"), reply.text


def test_a_dish_ending_in_another_food_is_not_the_item_it_partly_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"낙지초밥" is no 낙지덮밥: a partial match is never an answer about a dish the shop does not sell;
    a spelling the lexicon knows (돈가스 of 돈까스) still names the item."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "낙지덮밥,덮밥,\"12,000\",매콤한 낙지 볶아 올린 덮밥,,낙지,2,Y\n"
            "치즈 돈까스,돈까스,\"11,000\",모짜렐라 듬뿍,,\"밀,우유,돼지고기\",0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    no = asyncio.run(ask_in(folder, "낙지초밥도 하세요?"))
    assert no.intent != "menu" and "낙지덮밥" not in no.text, (no.intent, no.texts)
    yes = asyncio.run(ask_in(folder, "치즈돈가스 얼마예요?"))
    assert yes.intent == "menu" and yes.sources[0].id == "치즈 돈까스", (yes.intent, yes.texts)


def test_a_word_written_exactly_names_its_item_not_the_one_a_syllable_away(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two names a syllable apart (마라보쌈, 마늘보쌈): the word the customer writes is the item that
    holds it, never the other one by a slip, above all in an allergy question."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "마라보쌈 정식,정식,16000,땅콩 마라소스에 버무린 보쌈,,\"땅콩,돼지고기\",2,Y\n"
            "마늘보쌈 정식,정식,15000,편마늘 듬뿍 보쌈,,돼지고기,0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    reply = asyncio.run(ask_in(folder, "땅콩 알레르기 있는데 마라보쌈은 먹어도 돼요?"))
    assert sources(reply) == ["마라보쌈 정식"] and "마늘보쌈" not in reply.text, (reply.intent, reply.texts)
    assert not reply.text.startswith("네"), reply.text


def test_each_choice_a_name_lists_with_a_slash_names_the_item(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Owners list choices in one row ("식혜/수정과", "막걸리 (장수/지평)"): each one said alone is that
    row, its price answered; a short choice inside a longer word is not (안동식혜 is another drink)."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "식혜/수정과,음료,3000,직접 담근 전통음료,,,0,Y\n"
            "막걸리 (장수/지평),주류,5000,750ml,,,0,Y\n"
            "파전,전,15000,쪽파 듬뿍,,밀,0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    sikhye = asyncio.run(ask_in(folder, "수정과 한 잔 얼마예요?"))
    assert sikhye.intent == "menu" and sources(sikhye) == ["식혜/수정과"] and "3,000" in sikhye.text, (sikhye.intent, sikhye.texts)
    brand = asyncio.run(ask_in(folder, "지평 있어요?"))
    assert brand.intent == "menu" and sources(brand) == ["막걸리 (장수/지평)"], (brand.intent, brand.texts)
    inside = asyncio.run(ask_in(folder, "안동식혜 파나요?"))
    assert "식혜/수정과" not in sources(inside), (inside.intent, inside.texts)
