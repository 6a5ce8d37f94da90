"""The owner's own words for an item meet the need a request tells: a noun of the need said in an
item's description ("개업 축하용"), a size written in its name, and a kind and another category named
side by side as alternatives, and the head count the owner wrote an item for. The wordings are this file's own."""

from __future__ import annotations

from pathlib import Path

from tests.support.stores import picks, shop_fixture

MENU = (
    "이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
    "참나무 통닭,통닭,19000,장작 불에 천천히 돌려 구운 통닭,인기,닭고기,0,Y\n"
    "옛날 통닭,통닭,16000,가마솥 기름에 튀긴 통닭,인기,\"닭고기,밀\",0,Y\n"
    "양념 통닭,통닭,18000,달콤한 양념을 버무린 통닭,인기,\"닭고기,밀,대두\",1,Y\n"
    "떡 바구니,선물,30000,개업 축하용으로 많이 찾으시는 모둠 떡 바구니,,\"대두,참깨\",0,Y\n"
    "과일 바구니,선물,35000,제철 과일을 담은 바구니,,,0,Y\n"
    "한과 상자,선물,28000,유과와 약과를 담은 상자,,\"밀,대두\",0,Y\n"
    "콜라 500ml,음료,2000,,,,0,Y\n"
    "콜라 1.5L,음료,4000,,,,0,Y\n"
    "사이다 1.5L,음료,4000,,,,0,Y\n"
    "보리차,음료,1500,구수한 보리차,,보리,0,Y\n"
    "혼술 세트,세트,15000,통닭 반 마리와 맥주 한 잔. 1인 메뉴,,\"닭고기,밀\",0,Y\n"
    "도시락 세트,세트,11000,통닭 반 마리와 밥. 1인 메뉴,,\"닭고기,밀\",0,Y\n"
    "둘이 세트,세트,29000,통닭 한 마리와 감자. 2~3인이 드시기 좋아요,,\"닭고기,밀\",0,Y\n"
    "잔치 세트,세트,52000,통닭 세 마리와 떡볶이. 5~6인 모임용,,\"닭고기,밀\",0,Y\n"
    "우유 푸딩,디저트,3500,우유로 만든 푸딩,,\"우유,알류\",0,Y\n"
    "크림 케이크,디저트,5000,생크림 조각 케이크,,\"우유,밀,알류\",0,Y\n"
)

shop = shop_fixture("owner-words", menu=MENU)


def test_a_noun_of_the_need_meets_the_description_that_says_it(shop: Path) -> None:
    assert picks(shop, "친척 가게 개업하는데 들고 갈 선물로 하나 골라 주세요") == ["떡 바구니"]


def test_a_way_of_cooking_named_meets_the_item_cooked_so(shop: Path) -> None:
    assert picks(shop, "통닭은 장작으로 구운 게 좋던데 하나 골라 주실래요") == ["참나무 통닭"]


def test_a_size_written_picks_the_items_of_that_size(shop: Path) -> None:
    got = picks(shop, "여럿이 마실 거라 1.5L짜리 음료 하나만 권해 주세요")
    assert got and set(got) <= {"콜라 1.5L", "사이다 1.5L"}, got


def test_a_kind_and_another_category_named_together_are_alternatives(shop: Path) -> None:
    # Every 디저트 holds milk; the 음료 named beside it still offers a pick.
    got = picks(shop, "우유를 못 마시는 조카가 마실 음료나 디저트 하나 골라 주세요")
    assert got and set(got) <= {"콜라 500ml", "콜라 1.5L", "사이다 1.5L", "보리차"}, got


def test_the_party_size_meets_the_head_count_the_owner_wrote(shop: Path) -> None:
    assert picks(shop, "우리 셋이 먹을 세트 하나 골라 주세요") == ["둘이 세트"]
    assert picks(shop, "다섯이서 모이는데 세트로 뭐 시킬까요") == ["잔치 세트"]
    # One person: never what the owner wrote for two or more.
    got = picks(shop, "퇴근하고 혼자 먹을 세트 하나만 골라 줄래요")
    assert got and set(got) <= {"혼술 세트", "도시락 세트"}, got


def test_a_taste_named_to_leave_out_asks_for_its_opposite(shop: Path) -> None:
    # "매운맛은 말고" names 매운 only to leave it out; the 맵기 1 통닭 is no pick.
    for text in ("통닭 하나 권해 주세요, 매운맛은 말고요", "덜 매운 통닭으로 하나 골라 주세요"):
        got = picks(shop, text)
        assert got and "양념 통닭" not in got, (text, got)


def test_a_warm_dish_asked_in_english_is_a_hot_one(tmp_path: Path) -> None:
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "물냉면,면,9000,살얼음 동동 띄운 차가운 육수,,\"소고기,메밀\",0,Y\n"
            "비빔냉면,면,9000,차갑게 비벼 먹는 냉면,,\"소고기,메밀\",1,Y\n"
            "갈비탕,탕,12000,뜨끈하게 끓인 소갈비 국물,,소고기,0,Y\n")
    got = picks(write_store(tmp_path, menu=menu), "Can you suggest something warm for lunch?")
    assert got == ["갈비탕"], got


def test_a_price_floor_keeps_out_what_costs_less_and_what_has_no_price(tmp_path: Path) -> None:
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "한우 등심,구이,42000,1++ 등심 한 접시,인기,소고기,0,Y\n"
            "돼지 갈비,구이,16000,양념 돼지 갈비,인기,돼지고기,0,Y\n"
            "제철 생선구이,구이,시가,그날 들어온 생선,인기,생선,0,Y\n")
    assert picks(write_store(tmp_path, menu=menu), "손님 접대라 4만원 이상 되는 구이로 골라 주세요") == ["한우 등심"]


def test_an_ingredient_wished_for_before_any_noun_is_a_limit(tmp_path: Path) -> None:
    # "해물 들어간 파스타": the wish stands before a noun other than 거 or 메뉴; only what holds it.
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "까르보나라,파스타,15000,베이컨과 노른자 크림 소스,인기,\"우유,계란,돼지고기,밀\",0,Y\n"
            "봉골레,파스타,16000,바지락 듬뿍 오일 파스타,,\"조개류,밀\",0,Y\n"
            "새우 로제,파스타,17000,통새우 올린 로제 소스,,\"새우,우유,밀\",0,Y\n")
    got = picks(write_store(tmp_path, menu=menu), "해물 들어간 파스타로 하나 골라 주세요")
    assert got and set(got) <= {"봉골레", "새우 로제"}, got


def test_nothing_spicy_in_english_is_a_mild_wish(shop: Path) -> None:
    got = picks(shop, "Nothing spicy for me please, which tongdak would you pick?")
    assert got and "양념 통닭" not in got, got


def test_a_stock_made_of_it_does_not_meet_a_wish_for_seafood(tmp_path: Path) -> None:
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "잔치국수,면,7000,멸치·다시마 육수에 말아 낸 국수,인기,밀,0,Y\n"
            "굴국밥,밥,9000,통영 굴 듬뿍 넣고 끓인 국밥,,굴,0,Y\n"
            "김치전,전,8000,묵은지 송송 썰어 부친 전,,밀,1,Y\n")
    got = picks(write_store(tmp_path, menu=menu), "바다 것 좋아해서 해물 들어간 거로 추천 부탁해요")
    assert got == ["굴국밥"], got


def test_a_budget_for_several_of_one_item_is_shared_among_them(shop: Path) -> None:
    # Two birds for at most 35,000: each at most 17,500, which only the 16,000 통닭 meets.
    assert picks(shop, "통닭 두 마리 살 건데 합쳐서 3만 5천원 안 넘게 골라 주세요") == ["옛날 통닭"]


def test_ordering_asked_with_the_verb_conjugated_is_a_request(shop: Path) -> None:
    """시키다 conjugates to 시켜 ("뭘 시켜야 할지"): the same request as 뭐 시킬까요."""
    assert picks(shop, "통닭 중에 뭘 시켜야 할지 모르겠어요") != []
    assert picks(shop, "세트로 뭐 시켜야 돼요?") != []


def test_a_kind_said_to_be_left_out_keeps_it_away(tmp_path: Path) -> None:
    """"국물 없는 걸로" keeps the soups away; "뜨끈한 국물" finds them, a noodle soup of any cuisine
    (라멘, 우동) being served hot without its row saying so."""
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "소유 라멘,면,10000,닭 육수 간장 라멘,,\"밀,대두\",0,Y\n"
            "마제소바,면,10000,비벼 먹는 면,,\"밀,달걀\",1,Y\n"
            "가라아게 덮밥,밥,9500,닭튀김 덮밥,,\"닭고기,밀\",0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    dry = picks(folder, "오늘은 국물 없는 걸로 하나 추천해 주세요")
    assert dry and "소유 라멘" not in dry, dry
    assert picks(folder, "추운데 뜨끈한 국물 있는 거 추천해 주세요")[:1] == ["소유 라멘"]
