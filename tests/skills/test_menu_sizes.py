"""Items sold in several sizes (수정과 1L and 수정과 350ml, 모둠전(소) and 모둠전(대)): the size does not
name the item, so the shared name names them all; an allergy question about them answers each, and an
allergy question no file answers goes to staff, in any language."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.kb.loader import load_knowledge
from bot.kb.menu_match import MenuMatcher
from bot.kb.text import build_lexicon, builtin_lexicon
from tests.support.stores import ask_in, shop_fixture, write_store

MENU = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
        "수정과 1L,음료,\"7,000\",계피 생강 달인 수정과 큰 병. 잣 띄움,,,0,Y\n"
        "수정과 350ml,음료,\"3,000\",계피 생강 달인 수정과 작은 병. 잣 띄움,,,0,Y\n"
        "모둠전(소),전,\"12,000\",동그랑땡 호박전 새우전,,\"밀,계란,새우\",0,Y\n"
        "모둠전(대),전,\"20,000\",동그랑땡 호박전 새우전,,\"밀,계란,새우\",0,Y\n"
        "쌍화차,차,\"6,000\",대추 띄운 쌍화차,,,0,Y\n")


shop = shop_fixture("sizes", menu=MENU)


def test_the_size_does_not_name_the_item(shop: Path) -> None:
    knowledge = load_knowledge(shop)
    matcher = MenuMatcher(knowledge.menu, build_lexicon(builtin_lexicon()))
    kinds = {k.word: {i.name for i in k.items} for k in matcher.find_kinds("수정과 있어요?")}
    assert kinds.get("수정과") == {"수정과 1L", "수정과 350ml"}
    assert {m.item.name for m in matcher.find("수정과 350ml 얼마예요")} == {"수정과 350ml"}


@pytest.mark.parametrize(("text", "allergen", "items"), [
    ("수정과에 잣 들어가요? 잣 알레르기가 있어서요", "잣", {"수정과 1L", "수정과 350ml"}),
    ("모둠전 시키려는데 새우 알러지 있으면 못 먹나요?", "새우", {"모둠전(소)", "모둠전(대)"}),
])
def test_an_allergy_question_about_the_sizes_answers_each(shop: Path, text: str, allergen: str, items: set[str]) -> None:
    reply = asyncio.run(ask_in(shop, text))
    assert reply.intent == "menu" and {s.id for s in reply.sources} == items
    answer = "\n".join(reply.texts)
    assert not answer.startswith(("네", "예", "괜찮")) and answer.count(f"{allergen}") >= 2 and "들어가" in answer


def test_an_allergy_question_the_files_cannot_answer_goes_to_staff(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "I have a severe allergy, is the house special safe for me?"))
    assert reply.escalate and reply.intent == "escalate"


def test_the_general_allergy_note_does_not_answer_for_an_item_the_bot_cannot_find(tmp_path: Path) -> None:
    """An FAQ about allergies in general is not the answer to "is X safe for me": staff are."""
    faq = "# 이용\n\n## 알레르기 있으면 어떻게 해요?\n주문하실 때 말씀해 주시면 재료를 알려 드려요.\n"
    shop = write_store(tmp_path, menu=MENU, faqs={"이용.md": faq})
    for text in ("Peanut allergy here, would the house special be safe?", "땅콩 알레르기 있는데 오늘 특선 먹어도 괜찮아요?"):
        reply = asyncio.run(ask_in(shop, text))
        assert reply.escalate and reply.intent == "escalate", text
    general = asyncio.run(ask_in(shop, "알레르기 있으면 어떻게 해요?"))
    assert general.intent == "faq"


@pytest.mark.parametrize(("text", "items"), [
    ("수정과 작은 거 얼마예요?", ["수정과 350ml"]),
    ("수정과 큰 병은 가격이 어떻게 돼요", ["수정과 1L"]),
    ("수정과 1리터짜리 얼마", ["수정과 1L"]),
    ("수정과 얼마예요?", ["수정과 1L", "수정과 350ml"]),  # the kind's list, in the menu's order
])
def test_a_price_asked_of_a_family_of_sizes_is_the_size_meant_or_each(shop: Path, text: str, items: list[str]) -> None:
    reply = asyncio.run(ask_in(shop, text))
    assert reply.intent == "menu" and [s.id for s in reply.sources] == items, (reply.intent, reply.texts)
    for name in items:
        price = {"수정과 350ml": "3,000원", "수정과 1L": "7,000원"}[name]
        assert price in " ".join(reply.texts)


def test_a_geun_of_meat_is_six_hundred_grams(tmp_path: Path) -> None:
    """At a butcher's counter 한 근 is 600 g: the price asked by the 근 is the 600 g row's."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "한돈 목살 100g,정육,\"3,500\",구이용 두툼한 목살,,돼지고기,0,Y\n"
            "한돈 목살 600g,정육,\"20,000\",구이용 두툼한 목살 한 근,,돼지고기,0,Y\n"
            "한돈 앞다리 600g,정육,\"12,000\",찌개용,,돼지고기,0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    reply = asyncio.run(ask_in(folder, "목살 두 근 사려면 한 근에 얼마씩이에요?"))
    assert reply.sources and reply.sources[0].id == "한돈 목살 600g" and "20,000원" in reply.texts[0], (reply.sources, reply.texts)


def test_a_doe_and_a_mal_are_measures_counted_in_native_numbers(tmp_path: Path) -> None:
    """Rice wine, grain and sesame go by the 되 and the 말: "두 되" is the (2되) row, and an FAQ about
    the drink that states no price does not answer its price."""
    from bot.kb.menu_match import sizes

    assert sizes("막걸리(2되)") == sizes("막걸리 두 되 주세요") == {("2", "되")}
    assert sizes("쌀 반말") == {("0.5", "말")} and not sizes("포장 한 되나요")
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "막걸리(1되),술,\"9,000\",집에서 빚은 막걸리,,밀,0,Y\n"
            "막걸리(2되),술,\"16,000\",집에서 빚은 막걸리,,밀,0,Y\n"
            "감자전,안주,\"8,000\",강원도 감자,,,0,Y\n")
    faq = "# 술\n\n## 막걸리는 어디 거예요?\n저희가 누룩으로 직접 빚어요.\n"
    folder = write_store(tmp_path, menu=menu, faqs={"술.md": faq})
    reply = asyncio.run(ask_in(folder, "막걸리 두되 얼마 해요"))
    assert reply.intent == "menu" and reply.sources[0].id == "막걸리(2되)" and "16,000원" in reply.texts[0], (reply.sources, reply.texts)


def test_an_faq_about_another_item_does_not_answer_for_the_item_named(tmp_path: Path) -> None:
    """The owner's "막걸리 직접 빚으세요?" shares 직접 with a question about the 식혜, which its own row
    answers; a question about the 막걸리 itself stays the FAQ's."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "막걸리,술,\"9,000\",누룩 막걸리,,밀,0,Y\n"
            "식혜,음료,\"3,000\",엿기름으로 가게에서 직접 삭힌 식혜,,,0,Y\n")
    faq = "# 술\n\n## 막걸리 직접 빚으세요?\n네, 매주 월요일에 누룩으로 빚어요.\n"
    folder = write_store(tmp_path, menu=menu, faqs={"술.md": faq})
    reply = asyncio.run(ask_in(folder, "식혜도 가게에서 직접 삭혀요?"))
    assert reply.intent == "menu" and reply.sources[0].id == "식혜", (reply.intent, reply.sources, reply.texts)
    reply = asyncio.run(ask_in(folder, "막걸리는 가게에서 손수 담그세요?"))
    assert reply.intent == "faq" and reply.sources[0].id == "막걸리 직접 빚으세요?", (reply.intent, reply.sources, reply.texts)


def test_a_name_is_said_by_its_last_word_before_brackets_and_sizes(tmp_path: Path) -> None:
    """"막걸리 있어요?" names 지평 막걸리 (750ml) and a question of how many 전병 수수 전병 3장: brackets, sizes and
    counts end the name on the menu, not in the customer's mouth."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "지평 막걸리 (750ml),주류,\"5,000\",쌀로 빚은 생막걸리,,,0,Y\n"
            "수수 전병 3장,전,\"9,000\",수수 반죽에 팥소,,,0,Y\n"
            "감자전,전,\"8,000\",강판에 간 감자,,,0,Y\n")
    answered_from_menu(write_store(tmp_path, menu=menu), (("막걸리 있어요? 한 병에 얼마예요?", "지평 막걸리 (750ml)"), ("전병 시키면 몇 장 올라가요?", "수수 전병 3장")))


def test_an_english_name_beside_glossed_words_of_its_description_and_a_size_in_cc(tmp_path: Path) -> None:
    """"bibimnaengmyeon (spicy cold noodles)": "noodles" is glossed 국수, which shortens 잔치국수, but the
    name written is 비빔냉면; "병맥주 (330cc)" is said 병맥주, cc being a size like ml, and a size alone names
    the one item of that size."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "잔치국수,면,\"7,000\",멸치 육수 국수,,\"밀,생선\",0,Y\n"
            "비빔냉면,면,\"10,000\",매콤한 양념장 냉면,,\"메밀,밀,대두\",2,Y\n"
            "병맥주 (330cc),주류,\"4,500\",,,보리,0,Y\n"
            "생맥주 (640cc),주류,\"7,000\",,,보리,0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    for text, name in (("Shrimp allergy - would the bibimnaengmyeon (spicy cold noodles) be fine?", "비빔냉면"),
                       ("보리 알레르기가 있으면 병맥주는 안 되겠죠?", "병맥주 (330cc)"), ("640cc짜리는 얼마 받으세요?", "생맥주 (640cc)")):
        reply = asyncio.run(ask_in(folder, text))
        assert reply.sources and reply.sources[0].id == name, (text, reply.intent, reply.sources, reply.texts)


def test_a_name_is_said_by_its_opening_syllables_whatever_count_follows_and_a_final_i_is_no_particle(tmp_path: Path) -> None:
    """The opening of a one-word name (고구마 of 고구마맛탕 (8개)) is measured against the name's words, not
    its count; and the 이 that ends 떡볶이 is part of the name, not a particle."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "고구마맛탕 (8개),간식,\"5,000\",꿀 시럽 버무린 고구마,,,0,Y\n"
            "짜장떡볶이 (2인분),분식,\"9,000\",춘장 소스 떡볶이,,\"밀,대두\",0,Y\n"
            "순대,분식,\"4,000\",찹쌀 순대,,,0,Y\n")
    answered_from_menu(write_store(tmp_path, menu=menu), (("고구마 하나 값이 어떻게 돼요", "고구마맛탕 (8개)"), ("짜장떡볶이 가격 좀 알려 줘요", "짜장떡볶이 (2인분)")))


def answered_from_menu(folder: Path, cases: tuple[tuple[str, str], ...]) -> None:
    """Each message gets a menu answer whose first source is the item named beside it."""
    for text, name in cases:
        reply = asyncio.run(ask_in(folder, text))
        assert reply.intent == "menu" and reply.sources and reply.sources[0].id == name, (text, reply.intent, reply.sources)


@pytest.mark.parametrize(("text", "item"), [
    ("모둠전 큰 걸로 하면 얼마예요", "모둠전(대)"),
    ("모둠전 소짜는 가격이", "모둠전(소)"),
    ("price for a large plate of 모둠전?", "모둠전(대)"),
])
def test_a_size_said_in_words_picks_the_item_of_that_mark(shop: Path, text: str, item: str) -> None:
    """The owner marks sizes on names ((대), (소)); the customer says them in words (큰 거, 소짜, large)."""
    reply = asyncio.run(ask_in(shop, text))
    assert reply.intent == "menu" and reply.sources and reply.sources[0].id == item, (reply.intent, reply.sources)


def test_the_item_sold_by_its_exact_name_is_not_lost_to_an_old_row_of_it(tmp_path: Path) -> None:
    """An owner keeps last year's row, marked (구) and not sold; asking the price is about the one sold."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "순두부찌개,찌개,\"9,000\",바지락 넣은 순두부,,\"대두,조개류\",1,Y\n"
            "순두부찌개(구),찌개,\"8,000\",작년 가격,,\"대두,조개류\",1,N\n")
    reply = asyncio.run(ask_in(write_store(tmp_path, menu=menu), "순두부찌개 가격 알려 주세요"))
    assert reply.sources and reply.sources[0].id == "순두부찌개" and "9,000원" in reply.texts[0], (reply.sources, reply.texts)


BUNDLES = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
           "기본 찹쌀도넛,도넛,\"1,200\",쫀득한 찹쌀 반죽에 검은깨 솔솔,,\"밀,참깨\",0,Y\n"
           "찹쌀도넛 4개,도넛,\"4,500\",기본 찹쌀도넛 4개 봉투,,밀,0,Y\n"
           "찹쌀도넛 8개,도넛,\"8,500\",기본 8개 박스,,밀,0,Y\n"
           "팥 찹쌀도넛,도넛,\"1,500\",국산 팥앙금,,밀,0,Y\n"
           "야채고로케,고로케,\"2,000\",감자 야채 속,,\"밀,계란\",0,Y\n"
           "야채고로케 (3개),고로케,\"5,500\",야채 고로케 세 개,,\"밀,계란\",0,Y\n")


def test_a_count_in_native_numbers_meets_the_owners_bundle(tmp_path: Path) -> None:
    folder = write_store(tmp_path, menu=BUNDLES)
    answered_from_menu(folder, (("찹쌀도넛 여덟 개 얼마죠", "찹쌀도넛 8개"), ("고로케 세 개 가격이 얼마예요", "야채고로케 (3개)")))


def test_one_of_a_name_sold_singly_and_in_bundles_is_not_a_bundle(tmp_path: Path) -> None:
    folder = write_store(tmp_path, menu=BUNDLES)
    reply = asyncio.run(ask_in(folder, "찹쌀도넛 한 개에 얼마 받으세요?"))
    assert reply.intent == "menu" and reply.sources, (reply.intent, reply.texts)
    assert all("개" not in s.id for s in reply.sources) and reply.sources[0].id == "기본 찹쌀도넛", reply.sources


def test_a_bundle_holds_the_allergens_of_what_it_bundles(tmp_path: Path) -> None:
    """The 8-pack's row says only 밀 and "기본 8개"; the single it bundles has 검은깨 (참깨)."""
    folder = write_store(tmp_path, menu=BUNDLES)
    for text in ("찹쌀도넛 8개짜리에 깨 들어가나요?", "참깨 알레르기 있는데 찹쌀도넛 4개 괜찮을까요?"):
        reply = asyncio.run(ask_in(folder, text))
        assert not reply.text.startswith(("네", "괜찮")) and "검은깨" in reply.text and "표시가 없어요" not in reply.text, (text, reply.texts)


MARKED = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
          "보쌈 반접시,보쌈,\"12,000\",1인 양,,돼지고기,0,Y\n"
          "보쌈(소),보쌈,\"24,000\",2인,,돼지고기,0,Y\n"
          "보쌈(대),보쌈,\"34,000\",3~4인,,돼지고기,0,Y\n"
          "장어덮밥,식사,\"20,000\",양념 장어 덮밥,,\"장어,대두,밀\",1,Y\n"
          "어린이 장어덮밥,어린이,\"10,000\",순한 간장 소스,,\"장어,대두,밀\",0,Y\n")


def test_a_size_word_meets_the_owners_mark_before_the_price(tmp_path: Path) -> None:
    folder = write_store(tmp_path, menu=MARKED)
    answered_from_menu(folder, (("보쌈 작은 사이즈 가격이요", "보쌈(소)"), ("보쌈 큰 사이즈는 몇 인분이에요?", "보쌈(대)")))


def test_a_child_named_picks_the_childrens_dish_of_that_name(tmp_path: Path) -> None:
    folder = write_store(tmp_path, menu=MARKED)
    answered_from_menu(folder, (("우리 애기가 먹을 장어덮밥도 맵나요?", "어린이 장어덮밥"), ("장어덮밥 맵기 어때요", "장어덮밥")))


def test_a_box_said_by_its_name_and_count_in_words(tmp_path: Path) -> None:
    """"버터쿠키 스무 개" of boxes named "… 10개입" and "… 20개입": the count said picks the box, and a
    longer name holding the word (초코버터쿠키) the customer did not say is no rival."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "버터쿠키 10개입,쿠키,8000,,,\"밀,우유\",0,Y\n"
            "버터쿠키 20개입,쿠키,15000,,,\"밀,우유\",0,Y\n"
            "초코버터쿠키 10개입,쿠키,9000,,,\"밀,우유\",0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    matcher = MenuMatcher(load_knowledge(folder).menu, build_lexicon(builtin_lexicon()))
    assert [m.item.name for m in matcher.find("버터 쿠키 스무 개짜리 얼마예요")][:1] == ["버터쿠키 20개입"]
    assert [m.item.name for m in matcher.find("초코버터쿠키 얼마")] == ["초코버터쿠키 10개입"]
    reply = asyncio.run(ask_in(folder, "버터쿠키 얼마예요?"))  # no count: each box of that name (and its kind)
    assert reply.intent == "menu" and {"버터쿠키 10개입", "버터쿠키 20개입"} <= {s.id for s in reply.sources}, (reply.intent, reply.texts)


def test_a_flavour_said_without_the_kind_many_names_end_with(tmp_path: Path) -> None:
    """"플레인 여덟 개짜리" where 어니언베이글, 블루베리베이글 and 플레인베이글 4개입/8개입 share the kind
    베이글: the opening word and the count say the box; a food said alone (치즈) stays the food."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "어니언베이글,베이글,3500,,,밀,0,Y\n"
            "블루베리베이글,베이글,3800,,,밀,0,Y\n"
            "플레인베이글 4개입,베이글,12000,,,밀,0,Y\n"
            "플레인베이글 8개입,베이글,22000,,,밀,0,Y\n"
            "치즈베이글,베이글,4000,,,\"밀,우유\",0,Y\n")
    matcher = MenuMatcher(load_knowledge(write_store(tmp_path, menu=menu)).menu, build_lexicon(builtin_lexicon()))
    assert [m.item.name for m in matcher.find("플레인 여덟 개짜리 있어요?")] == ["플레인베이글 8개입"]
    assert [m.item.name for m in matcher.find("플레인으로 4개입 얼마예요")] == ["플레인베이글 4개입"]
    assert "치즈베이글" not in [m.item.name for m in matcher.find("치즈 추가돼요?")]
    assert [m.item.name for m in matcher.find("어니언은 얼마예요?")] == ["어니언베이글"]  # its price


def test_a_dish_said_by_its_last_word_and_a_size_is_the_row_of_that_size(tmp_path: Path) -> None:
    """"찜 대짜" where the menu has 아귀찜(중)/아귀찜(대) and a 계란찜 of one size: the row marked with the
    size said. With no size said, the short word stays no name (several dishes end in 찜)."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "아귀찜(중),찜,45000,2~3인,,생선,2,Y\n아귀찜(대),찜,58000,3~4인,,생선,2,Y\n"
            "계란찜,사이드,5000,뚝배기,,계란,0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    big = asyncio.run(ask_in(folder, "찜 대짜는 얼마예요?"))
    assert big.intent == "menu" and [s.id for s in big.sources] == ["아귀찜(대)"] and "58,000" in big.text, (big.intent, big.texts)
    plain = asyncio.run(ask_in(folder, "찜 얼마예요?"))
    assert [s.id for s in plain.sources] != ["아귀찜(대)"], (plain.intent, plain.texts)
