"""Kinds of dish named in a recommendation request: noodles as a word of their own, a kind kept when
a longer name holding it is left out, both kinds at once, the kind named as company, a family of
drinks left out, and a warm cup of tea. The wordings are this file's own."""

from __future__ import annotations

from pathlib import Path

from tests.support.stores import picks, shop_fixture, write_store

MENU = (
    "이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
    "족발(중),족발보쌈,32000,앞다리만 삶은 족발,,돼지고기,0,Y\n"
    "불족발,족발보쌈,34000,매운 양념에 구운 족발,,돼지고기,2,Y\n"
    "보쌈(중),족발보쌈,30000,삼겹살 수육과 김치,,돼지고기,0,Y\n"
    "반반족발보쌈,족발보쌈,34000,족발 반 수육 반,,돼지고기,0,Y\n"
    "굴보쌈,족발보쌈,36000,생굴을 듬뿍 올린 수육,,\"돼지고기,굴\",0,Y\n"
    "잔치국수,식사,7000,멸치 육수에 만 국수,,\"밀,생선\",0,Y\n"
    "비빔국수,식사,7500,새콤달콤한 비빔 국수,,밀,1,Y\n"
    "김치전,사이드,8000,바삭하게 부친 김치전,,밀,1,Y\n"
    "계란찜,사이드,5000,뚝배기 계란찜,,알류,0,Y\n"
    "콜라,음료,2000,캔,,,0,Y\n"
    "사이다,음료,2000,캔,,,0,Y\n"
    "식혜,음료,3000,직접 담근 식혜,,,0,Y\n"
    "레몬에이드,차·에이드,4500,시원한 레몬 음료,,,0,Y\n"
    "생강차,차·에이드,4000,뜨겁게 우린 생강차,,,0,Y\n"
    "유자차,차·에이드,4000,따끈한 유자차,,,0,Y\n"
    "소주,주류,5000,참이슬,,,0,Y\n"
)

shop = shop_fixture("kinds", menu=MENU)


def test_noodles_named_as_a_word_of_their_own(shop: Path) -> None:
    got = picks(shop, "점심은 면이 좋겠어요 하나 골라 주세요")
    assert got and set(got) <= {"잔치국수", "비빔국수"}, got


def test_a_kind_stays_wished_when_a_longer_name_holding_it_is_left_out(shop: Path) -> None:
    got = picks(shop, "불족발은 말고 족발로 하나 골라 주실래요?")  # 불족발 is left out, not 족발
    assert got and set(got) <= {"족발(중)", "반반족발보쌈"}, got


def test_an_item_filed_under_a_category_does_not_hold_the_categorys_words(shop: Path) -> None:
    got = picks(shop, "보쌈 들어간 메뉴로 골라 주세요")  # 족발 filed under 족발보쌈 holds no 보쌈
    assert got and set(got) <= {"보쌈(중)", "반반족발보쌈", "굴보쌈"}, got


def test_both_kinds_at_once(shop: Path) -> None:
    assert picks(shop, "보쌈하고 족발을 반반으로 먹을 수 있는 거 골라 주세요") == ["반반족발보쌈"]


def test_the_kind_named_as_company_is_not_the_wish(shop: Path) -> None:
    got = picks(shop, "족발에 곁들일 만한 사이드 있으면 골라 주세요")
    assert got and set(got) <= {"김치전", "계란찜"}, got


def test_a_family_of_drinks_left_out(shop: Path) -> None:
    got = picks(shop, "탄산음료 빼고 시원한 거 하나 골라 주세요")
    assert got and not set(got) & {"콜라", "사이다", "레몬에이드", "소주"}, got


def test_a_warm_cup_of_tea_is_tea_and_no_drink_of_alcohol(shop: Path) -> None:
    got = picks(shop, "감기 기운이 있어서 따뜻한 차로 한잔 하고 싶은데 뭐가 좋아요?")
    assert got and set(got) <= {"생강차", "유자차"}, got


def test_a_kind_named_in_english(shop: Path) -> None:
    got = picks(shop, "which side would you recommend with the pork?")
    assert got and set(got) <= {"김치전", "계란찜"}, got


def test_a_side_goes_with_the_dish_being_ordered_not_another_of_its_kind(shop: Path) -> None:
    """A side for a dish being had is neither that dish nor another of its category, nor a drink."""
    for text in ("불족발 시킬 거예요. 옆에 곁들일 사이드 하나 권해 주세요", "잔치국수 주문할 건데 같이 먹을 거 하나 골라 주세요"):
        got = picks(shop, text)
        assert got and set(got) <= {"김치전", "계란찜"}, (text, got)


def test_a_side_asked_alone_is_from_the_owners_side_category(shop: Path) -> None:
    got = picks(shop, "곁들여 먹을 만한 거 추천 좀")
    assert got and set(got) <= {"김치전", "계란찜"}, got


def test_eating_together_with_a_friend_is_no_side(shop: Path) -> None:
    got = picks(shop, "친구랑 함께 먹을 메뉴 골라 주세요")
    assert got and not set(got) <= {"김치전", "계란찜"}, got


def test_the_food_a_shop_is_named_for_is_the_wish_unless_allergy_is_said(tmp_path: Path) -> None:
    """In an eel house "장어요리" asked for is the wish; an eel allergy, or eel said beside any word of
    refusing ("장어랑 밀 다 안 되는"), still takes them out: safety beats coverage."""
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "장어 소금구이,구이,\"40,000\",소금만 뿌린 장어,,장어,0,Y\n"
            "장어 양념구이,구이,\"42,000\",간장 양념 장어,,\"장어,대두,밀\",1,Y\n"
            "장어탕,탕,\"15,000\",장어 뼈 우린 탕,,장어,1,Y\n"
            "비빔국수,식사,\"8,000\",매콤한 국수,,밀,2,Y\n"
            "잔치국수,식사,\"7,000\",멸치 국수,,\"밀,생선\",0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    korean = picks(folder, "장어요리 안 매운 걸로 골라 주세요")
    assert "장어 소금구이" in korean and not set(korean) & {"장어 양념구이", "장어탕", "비빔국수"}, korean
    for text in ("장어 알러지 있는 사람도 먹을 거 추천해 주세요", "장어랑 밀 둘 다 안 되는 친구 뭐 먹어요?"):
        assert not set(picks(folder, text)) & {"장어 소금구이", "장어 양념구이", "장어탕"}, text


def test_teas_filed_under_drinks_and_a_drink_to_go_with_a_dish(tmp_path: Path) -> None:
    """A tea by its name when the owner files every drink as 음료; the dish a drink goes with is no wish."""
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "꽈배기,간식,\"1,500\",설탕 뿌린 꽈배기,,밀,0,Y\n"
            "팥도넛,간식,\"1,500\",팥앙금 도넛,,밀,0,Y\n"
            "대추차,음료,\"3,000\",대추 달인 차,,,0,Y\n"
            "모과차,음료,\"3,000\",모과청 차,,,0,Y\n"
            "콜라,음료,\"1,500\",캔,,,0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    tea = picks(folder, "할머니 드릴 전통차 한 잔 골라 주세요")
    assert tea and set(tea) <= {"대추차", "모과차"}, tea
    drink = picks(folder, "꽈배기하고 함께 마실 음료 골라 주세요")
    assert drink and set(drink) <= {"대추차", "모과차", "콜라"}, drink


def test_spicy_refused_with_an_do_is_mild(shop: Path) -> None:
    got = picks(shop, "아이 둘 데려가는데 매운 건 절대 안 돼요, 뭐 시킬까요")
    assert got and not set(got) & {"불족발", "비빔국수", "김치전"}, got


def test_a_kind_of_dish_left_out_is_no_kind_wished_for(shop: Path) -> None:
    got = picks(shop, "밀가루 알레르기는 없고요, 국수 말고 먹을 만한 거 있어요?")
    assert got and not set(got) & {"잔치국수", "비빔국수"}, got


def test_the_staple_said_as_the_kind_wished_beside_another_allergy_is_the_wish(tmp_path: Path) -> None:
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "장어 소금구이,구이,\"40,000\",소금만 뿌린 장어,,장어,0,Y\n"
            "장어 간장구이,구이,\"42,000\",간장 양념 장어,,\"장어,대두,밀\",1,Y\n"
            "장어탕,탕,\"15,000\",장어 뼈 우린 탕,,장어,1,Y\n"
            "감자전,전,\"9,000\",감자만 갈아 부친 전,,,0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    soy = picks(folder, "콩 알러지가 있어서요 장어 요리로 하나 골라 주세요")
    assert soy and "장어 간장구이" not in soy and set(soy) & {"장어 소금구이", "장어탕"}, soy


def test_no_meat_means_every_meat_not_the_word(tmp_path: Path) -> None:
    """"고기 안 들어간 거" keeps away 갈비 and 제육 whose rows never say 고기, and keeps a row that says "고기 없이"."""
    from tests.support.stores import write_store

    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "갈비찐빵,찐빵,\"3,000\",간장 양념 갈비 소,,\"밀,쇠고기,대두\",0,Y\n"
            "제육찐빵,찐빵,\"3,000\",매콤한 제육 소,,\"밀,돼지고기\",1,Y\n"
            "야채찐빵,찐빵,\"2,500\",고기 없이 당면과 채소만,,밀,0,Y\n")
    got = picks(write_store(tmp_path, menu=menu), "고기 안 들어간 찐빵으로 하나 골라 주세요")
    assert got == ["야채찐빵"], got


def test_the_dish_named_with_a_head_count_picks_among_its_sizes(tmp_path: Path) -> None:
    """"셋이서 부대찌개 먹으려는데 뭘로 시켜요": the dish named is what they will eat; its sizes are the
    choice, and the head count chooses."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "부대찌개(소),찌개,18000,2인분,,\"돼지고기,밀\",1,Y\n"
            "부대찌개(대),찌개,32000,3~4인분,,\"돼지고기,밀\",1,Y\n"
            "치즈부대찌개(대),찌개,35000,3~4인분 치즈 듬뿍,,\"돼지고기,밀,우유\",1,Y\n"
            "라면사리,사리,1000,,,밀,0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    assert picks(folder, "셋이서 부대찌개 먹을 건데 추천 좀 해 주세요")[:1] == ["부대찌개(대)"]
    assert picks(folder, "둘이 부대찌개 먹으려는데 뭐 시키면 좋을까요")[:1] == ["부대찌개(소)"]
