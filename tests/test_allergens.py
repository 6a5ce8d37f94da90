"""Allergy safety per shared/spec/allergens.md: groups and members both ways, names and
descriptions counted, no affirmative opening, no claim about an allergen the files never name."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.kb.records import MenuItem, Origin
from bot.understand import allergens
from tests.support.stores import ask_in, shop_fixture, write_store

MENU = """이름,분류,가격,설명,태그,알레르기,맵기,판매
김치전,전,12000,새우젓으로 간을 한 바삭한 김치전,인기,밀,1,Y
해물파전,전,15000,오징어와 홍합을 듬뿍 넣은 파전,,"밀,갑각류",0,Y
감자전,전,11000,강원도 감자만 갈아 부친 전,,,0,Y
버터 소금빵,빵,3500,버터를 넣고 구운 소금빵,,밀,0,Y
호두 파이,디저트,6000,고소한 파이,,견과류,0,Y
땅콩 쿠키,디저트,3000,땅콩을 듬뿍,,땅콩,0,Y
녹두전,전,12000,녹두를 갈아 부친 전,,,0,Y
새우젓,젓갈,8000,국산 새우로 담근 젓,,갑각류,0,Y
"""


def item(name: str, description: str = "", column: tuple[str, ...] = ()) -> MenuItem:
    return MenuItem(name, "", 1000, description, (), column, 0, True, "", Origin("menu.csv", 2))


@pytest.mark.parametrize(
    ("customer", "column", "description", "held"),
    [
        ("새우", ("갑각류",), "", True),  # member named, group in the column
        ("갑각류", ("새우",), "", True),  # group named, member in the column
        ("갑각류", (), "새우젓으로 간을 한", True),  # description only
        ("해산물", ("꽃게",), "", True),  # a group of groups
        ("견과류", ("땅콩",), "", True),  # 견과류 also keeps 땅콩 away
        ("땅콩", ("호두",), "", False),  # but 땅콩 does not imply tree nuts
        ("우유", (), "버터를 넣고", True),  # milk in any form
        ("달걀", ("계란",), "", True),  # spellings
        ("게", (), "맛있게 구운", False),  # 게 inside another word
        ("굴", (), "동굴에서 숙성", False),
        ("대두", (), "홍콩식", False),
        ("새우", ("게",), "", True),  # the same group is the same allergy (allergens.md)
        ("새우", ("고등어",), "", False),  # but a wide group (해산물) does not make fish a shellfish
        ("해산물", (), "성게알을 듬뿍 올린", True),  # sea animals beyond the spec's list are seafood too
        ("해산물", (), "보말을 넣고 끓인", True),
        ("갑각류", (), "성게알을 듬뿍 올린", False),  # but not a shellfish allergy's
        ("달걀", (), "반숙 노른자를 터뜨려 비벼 드세요", True),  # a yolk is egg
        ("달걀", (), "흰자만 써서 담백한", True),
        ("생선", (), "연어알을 얹은 덮밥", True),  # roe is fish
        ("생선", ("알류",), "톡톡 터지는 날치알", True),
        ("생선", ("밀",), "꾸덕하게 말린 아구를 튀긴", True),  # a fish by its market spelling
        ("해산물", (), "겨울 물메기로 끓인 맑은 탕", True),
        ("생선", ("밀",), "붕어빵 틀에 구운 와플", False),  # the pastry holds no fish
        ("밀", ("대두",), "간장에 졸여 윤기 나는 닭", True),  # brewed soy sauce holds wheat
        ("글루텐", (), "고추장 양념에 재운 구이", True),
        ("대두", (), "고추장 양념에 재운 구이", True),
    ],
)
def test_groups_and_members_both_ways(customer: str, column: tuple[str, ...], description: str, held: bool) -> None:
    assert bool(allergens.contains(item("메뉴", description, column), customer)) is held


def test_the_word_shown_keeps_its_own_last_syllable() -> None:
    # 계란후라이 ends in 이 that is no particle; 새우젓이 ends in one.
    assert [e.word for e in allergens.evidence(item("볶음밥", "계란후라이 얹은 볶음밥"), "달걀")] == ["계란후라이"]
    assert [e.word for e in allergens.evidence(item("볶음밥", "새우젓이 살짝 들어간"), "새우")] == ["새우젓"]


def test_the_group_table_is_what_keeps_members_away(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the table a customer allergic to 새우 would be offered a dish marked 갑각류."""
    dish = item("해물파전", "", ("갑각류",))
    assert allergens.contains(dish, "새우")
    monkeypatch.setattr(allergens, "GROUPS", {})
    monkeypatch.setattr(allergens, "PARENTS", {})
    allergens.lineage.cache_clear()
    allergens._item_pattern.cache_clear()
    try:
        assert not allergens.contains(dish, "새우")
    finally:
        allergens.lineage.cache_clear()
        allergens._item_pattern.cache_clear()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("새우 알레르기가 있어서요, 김치전은 어때요?", ["새우"]),
        ("게랑 새우 알러지 있어요", ["게", "새우"]),
        ("좋은 게 뭐예요?", []),
        ("땅콩 알레르기요", ["땅콩"]),
        ("계란 못 먹어요", ["달걀"]),
        ("키위 알레르기 있는데요", ["키위"]),
        ("알레르기 표시는 어디서 봐요?", []),
        # English plurals, and the Korean glossed after an English message never read as a food
        ("My daughter is allergic to walnuts, what can she have?", ["호두"]),
        ("no eggs please - allergy", ["달걀"]),
        ("Allergic to crabs. Anything you'd suggest?", ["게"]),
        # Chinese and Japanese: glossed in Korean after the message
        ("我对花生过敏，有什么可以吃的？", ["땅콩"]),
        ("卵アレルギーです。食べられるものは？", ["달걀"]),
    ],
)
def test_reading_a_customers_allergies(text: str, expected: list[str]) -> None:
    assert allergens.read(text) == expected


shop = shop_fixture("allergy", menu=MENU)


def test_recommendation_never_offers_what_the_files_say_contains_it(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "새우 알레르기예요. 전 중에 추천 좀 해 주세요"))
    picked = [s.id for s in reply.sources]
    assert reply.intent == "recommend" and picked
    assert "김치전" not in picked and "해물파전" not in picked
    assert "새우 없음" not in reply.text and "교차 오염" in reply.text


def test_nuts_keep_peanuts_away_and_butter_is_milk(shop: Path) -> None:
    nuts = [s.id for s in asyncio.run(ask_in(shop, "견과류 알레르기가 심한데 디저트 하나 골라 주세요")).sources]
    assert "호두 파이" not in nuts and "땅콩 쿠키" not in nuts
    milk = [s.id for s in asyncio.run(ask_in(shop, "우유 알레르기인데 빵 추천해 주세요")).sources]
    assert "버터 소금빵" not in milk


def test_yes_no_never_opens_with_yes_when_it_contains(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "새우 알레르기가 있어서요, 김치전 시켜도 될까요?"))
    text = reply.text
    assert not text.lstrip().startswith(("네", "예", "괜찮", "드셔도"))
    assert "새우젓" in text and "드시지 않는 게 좋아요" in text


def test_not_listed_is_no_guarantee(shop: Path) -> None:
    text = asyncio.run(ask_in(shop, "저 새우 알레르기라서요, 감자전 시켜도 될까요?")).text
    assert "표시가 없어요" in text and "직원" in text
    assert "전혀" not in text and "안 들어가요" not in text


@pytest.mark.parametrize("question", ["복숭아 알러지가 심해요. 감자전 시켜도 될까요?", "복숭아 알러지가 심한데 메뉴 하나 골라 주실래요?"])
def test_an_allergen_the_files_never_name_goes_to_staff(shop: Path, question: str) -> None:
    reply = asyncio.run(ask_in(shop, question))
    assert reply.escalate and reply.intent == "escalate"
    assert "확인해 드리기 어려워요" in reply.text and "없음" not in reply.text


def test_a_storage_question_is_not_an_allergy_question(shop: Path) -> None:
    """새우젓 names 새우, but the question is about keeping it, not about an allergy."""
    text = asyncio.run(ask_in(shop, "새우젓은 얼려서 보관해도 되나요?")).text
    assert "알레르기가 있으시면" not in text and "주의해 주세요" not in text


def test_an_allergy_told_by_its_symptoms(shop: Path) -> None:
    text = asyncio.run(ask_in(shop, "제가 견과류만 먹으면 두드러기가 나서요 호두 파이 주문해도 될까요?")).text
    assert not text.startswith(("네", "예", "괜찮")) and "들어가서" in text


@pytest.mark.parametrize(("text", "names"), [
    ("게하고 콩 둘 다 알러지라서요", ["게", "대두"]),  # a floating 둘 다 between the names and the allergy
    ("게랑 새우 다 알레르기예요", ["게", "새우"]),
    ("맛있는 게 다 알레르기 때문에 못 먹어요", []),  # 게 after a modifier is 것이
    ("남은 게 있는데 알레르기 성분이 뭐예요", []),
    ("초콜릿 브라우니에는 달걀 빠졌나요?", ["달걀"]),  # 우니 (sea urchin) inside the name of a common food
    ("우니 알러지가 심해요", ["성게"]),
    ("밀이랑 우유는 모두 안 돼서요", ["밀", "우유"]),  # a one-syllable allergen refused without the word 알레르기
    ("굴이 안 되는 사람이에요", ["굴"]),
    ("예쁜 게 안 보여요", []),
    ("빵마다 알러지 유발 재료 적혀 있나요", []),  # "each item's", no food named
    ("음료별 알레르기 정보 볼 수 있어요?", []),
])
def test_allergies_read_around_quantifiers_and_the_thing_word(text: str, names: list[str]) -> None:
    assert sorted(allergens.read(text)) == names


def test_a_thing_is_not_a_mention_of_crab(tmp_path: Path) -> None:
    """A shop whose files say "빠진 게 있으면" says nothing about crab: the bot must not claim its
    dishes are crab-free; "꽃게" or a 게 of its own still counts."""
    from bot.kb.loader import load_knowledge

    folder = write_store(tmp_path, menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n후라이드,치킨,\"18,000\",바삭한 한 마리,,\"닭고기,밀\",0,Y\n",
                         faqs={"이용.md": "# 이용\n\n## 주문한 거 빠지면요?\n빠진 게 있으면 바로 다시 보내 드려요.\n"})
    knowledge = load_knowledge(folder)
    assert not allergens.mentioned(knowledge, "갑각류") and not allergens.mentioned(knowledge, "게")
    crab = write_store(tmp_path / "crab", menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n꽃게탕,탕,\"30,000\",꽃게 두 마리,,,0,Y\n")
    assert allergens.mentioned(load_knowledge(crab), "갑각류")


def test_a_wide_group_in_a_dishs_name_is_no_mention_of_each_member(tmp_path: Path) -> None:
    """해물칼국수 says the dish is seafood, not that the owner tracks 고등어: a mackerel allergy meets
    files that say nothing of it, so no confident pick; the same word in the allergen column speaks."""
    from bot.kb.loader import load_knowledge

    named = write_store(tmp_path, menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
                        "해물칼국수,면,\"10,000\",바지락 오징어 듬뿍,,\"밀,조개류,오징어\",0,Y\n"
                        "비빔국수,면,\"8,000\",새콤한 양념,,밀,1,Y\n")
    assert not allergens.mentioned(load_knowledge(named), "고등어")
    reply = asyncio.run(ask_in(named, "고등어 알레르기가 있어서요 시킬 수 있는 국수가 뭐예요"))
    assert reply.intent != "recommend" or not reply.sources, (reply.intent, reply.texts)
    column = write_store(tmp_path / "column", menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
                         "비빔국수,면,\"8,000\",새콤한 양념,,\"밀,해산물\",1,Y\n")
    assert allergens.mentioned(load_knowledge(column), "고등어")


def test_an_allergen_only_the_owners_column_declares_is_answered_from_it(tmp_path: Path) -> None:
    """옻 is in no allergen table, but this owner's column declares it: a customer who reacts to it is
    told the dish holds it, never "네"; a dish whose column does not declare it is not claimed free."""
    folder = write_store(tmp_path, menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
                         "옻오리탕,탕,\"60,000\",옻나무 달인 물에 끓인 오리,,\"오리고기,옻\",0,Y\n"
                         "누룽지,식사,\"5,000\",구수한 누룽지,,,0,Y\n")
    reply = asyncio.run(ask_in(folder, "저 옻 오르는 편인데 옻오리탕 시켜도 괜찮을까요"))
    assert reply.sources and reply.sources[0].id == "옻오리탕", (reply.intent, reply.texts)
    assert "옻" in reply.texts[0] and "들어가" in reply.texts[0] and not reply.texts[0].startswith(("네", "괜찮")), reply.texts


@pytest.mark.parametrize(("text", "names"), [
    ("잣 먹으면 온몸이 가려워요 차는 어떤 게 좋아요", ["잣"]), ("굴 먹고 나면 입술이 부르터요", ["굴"]),
    ("게 먹으면 배불러요", []), ("좋은 게 먹으면 힘나요", []),
    ("잣 먹으면 큰일 나는 애라서요", ["잣"]), ("밀 먹으면 병원 가야 돼요", ["밀"]),  # danger, not a symptom
])
def test_a_reaction_told_of_eating_a_short_allergen_names_the_allergy(text: str, names: list[str]) -> None:
    assert allergens.read(text) == names


def test_an_english_safety_question_about_a_dish_the_bot_cannot_find_goes_to_staff(tmp_path: Path) -> None:
    """"shrimp" read as 새우꼬치 is the allergy, not the dish asked about: the owner's general note is no
    answer to whether an unfound dish is safe; staff are."""
    folder = write_store(tmp_path, menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
                         "새우꼬치,꼬치,\"6,000\",통새우 세 마리,,새우,0,Y\n"
                         "해물전골,전골,\"30,000\",새우 완자와 오징어,,\"새우,오징어\",1,Y\n",
                         faqs={"알레르기.md": "# 알레르기\n\n## 알레르기 있으면 어떻게 해요?\n주문하실 때 말씀해 주시면 최대한 빼 드려요.\n"})
    reply = asyncio.run(ask_in(folder, "Shrimp makes me sick. Would the seafood stew be okay?"))
    assert reply.intent == "escalate" or (reply.sources and reply.sources[0].id == "해물전골" and "새우" in reply.texts[0]), (reply.intent, reply.texts)
    assert not (reply.sources and reply.sources[0].kind == "faq"), reply.texts


def test_a_short_spelling_inside_another_word_is_no_mention(tmp_path: Path) -> None:
    """백도 (a white peach) inside "가방백도" is a bag and a particle: a shop whose files say only that
    says nothing about peaches, so the bot must not claim a drink holds none; a 황도 of its own counts."""
    from bot.kb.loader import load_knowledge

    bag = write_store(tmp_path, menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n수정과,음료,\"3,000\",계피 달인 물,,,0,Y\n",
                      faqs={"포장.md": "# 포장\n\n## 포장 부탁드려요\n종이가방백도 챙겨 드려요.\n"})
    assert not allergens.mentioned(load_knowledge(bag), "복숭아")
    peach = write_store(tmp_path / "peach", menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n황도 빙수,빙수,\"9,000\",통조림 황도 올린 빙수,,,0,Y\n")
    assert allergens.mentioned(load_knowledge(peach), "복숭아")


def test_a_fish_named_by_its_own_name_in_a_broth_is_fish(tmp_path: Path) -> None:
    """가쓰오부시 in a 달걀찜's broth is fish: a fish allergy is told it is in there, never "표시가 없어요"."""
    folder = write_store(tmp_path, menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
                         "달걀찜,사이드,\"5,000\",가쓰오부시 국물로 부드럽게 찐 달걀찜,,알류,0,Y\n")
    reply = asyncio.run(ask_in(folder, "생선 알러지가 있어서요 달걀찜은 어떨까요?"))
    assert "가쓰오부시" in reply.texts[0] and not reply.texts[0].startswith(("네", "괜찮")), reply.texts


def test_another_animals_cut_is_no_mention_of_pork(tmp_path: Path) -> None:
    """A 닭갈비 shop's 닭목살 (and its row's bare 목살) says nothing about pork: the bot must not take
    the files for tracking pork and claim a dish holds none; a 목살 of its own still counts."""
    from bot.kb.loader import load_knowledge

    chicken = write_store(tmp_path, menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
                          "닭목살구이,구이,\"13,000\",한 마리에 조금 나오는 목살을 소금에 구워요,,닭고기,0,Y\n")
    assert not allergens.mentioned(load_knowledge(chicken), "돼지고기")
    pork = write_store(tmp_path / "pork", menu="이름,분류,가격,설명,태그,알레르기,맵기,판매\n목살구이,구이,\"15,000\",두툼한 목살,,,0,Y\n")
    assert allergens.mentioned(load_knowledge(pork), "돼지고기")


def test_the_last_word_of_a_longer_name_names_the_item_for_an_allergy_question(tmp_path: Path) -> None:
    # 어묵 is the last word of 바삭 어묵 and stands for fish too: the item is asked about, not the allergy.
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n"
            "바삭 어묵,간식,3000,꼬치에 끼운 어묵 두 개,,밀,0,Y\n"
            "찹쌀 도넛,간식,1500,팥앙금이 든 도넛,,\"밀,대두\",0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    reply = asyncio.run(ask_in(folder, "생선을 먹으면 두드러기가 올라오는데 어묵 먹어도 될까요?"))
    assert reply.intent == "menu" and [s.id for s in reply.sources] == ["바삭 어묵"], (reply.intent, reply.texts)
    assert not reply.texts[0].startswith("네") and "생선" in reply.texts[0]


def test_an_allergen_the_files_never_name_is_not_answered_with_the_owners_allergy_note(tmp_path: Path) -> None:
    # The owner's note speaks of shellfish only; 메밀 is in no file, so staff answer, not the note.
    faq = "# 알레르기\n\n## 알레르기 있는 사람도 먹을 수 있어요?\n전 종류에는 조개가 안 들어가요. 해물파전만 오징어와 홍합이 들어가요.\n"
    folder = write_store(tmp_path, menu=MENU, faqs={"알레르기.md": faq})
    for text in ("저 메밀 알레르기 있거든요", "메밀 알레르기인데 전에 메밀가루 쓰시나요?"):
        reply = asyncio.run(ask_in(folder, text))
        assert reply.escalate and "안 들어가" not in reply.text, (text, reply.intent, reply.texts)


def test_an_allergen_word_before_있나요_asks_what_the_item_holds(shop: Path) -> None:
    reply = asyncio.run(ask_in(shop, "녹두전에 계란 있나요?"))
    assert not reply.text.startswith("네"), reply.text


@pytest.mark.parametrize(("name", "description"), [("쭈삼 정식", "매콤한 쭈삼볶음과 밥"), ("주꾸미 볶음", "철판에 볶은 주꾸미")])
def test_webfoot_octopus_is_seafood(name: str, description: str) -> None:
    assert allergens.contains(item(name, description), "해산물")


def test_buying_something_the_bot_cannot_find_is_not_answered_with_the_allergy_note(tmp_path: Path) -> None:
    # The note speaks of the 전; the customer asks about a jar of 깍두기 the bot finds no item for.
    faq = "# 알레르기\n\n## 새우 알레르기 있어도 전 먹어도 되나요?\n전 반죽에는 새우가 안 들어가요. 김치전만 새우젓으로 간을 해요.\n"
    folder = write_store(tmp_path, menu=MENU, faqs={"알레르기.md": faq})
    for text in ("새우 알레르기인데 깍두기 한 통 사 가도 될까요?", "Shrimp allergy here. Can I buy the radish kimchi jar to take home?"):
        reply = asyncio.run(ask_in(folder, text))
        assert "안 들어가요" not in reply.text.split(".")[0], (text, reply.intent, reply.texts)


def test_a_food_named_without_any_word_of_allergy_is_no_allergy_question(tmp_path: Path) -> None:
    """새우 is an allergen's word, but "혼자서도 새우 먹을 수 있나요" asks whether one may come alone; the
    owner's answer to that stands."""
    faq = "# 이용\n\n## 1인 손님도 받나요?\n네, 혼자 오셔도 1인분부터 드려요.\n"
    folder = write_store(tmp_path, menu=MENU, faqs={"이용.md": faq})
    reply = asyncio.run(ask_in(folder, "혼자서도 새우 먹을 수 있나요? 1인 손님 받아요?"))
    assert reply.intent == "faq" and reply.sources[0].id == "1인 손님도 받나요?", (reply.intent, reply.texts)


@pytest.mark.parametrize(("name", "description", "allergen", "holds"), [
    ("꼬리곰탕", "소꼬리를 푹 고아 낸 탕", "쇠고기", True),
    ("떡만둣국", "사골 육수에 만두와 떡", "쇠고기", True),
    ("앤초비 파스타", "올리브오일 마늘 파스타", "생선", True),
    ("콩테 치즈 한 조각", "숙성 치즈", "대두", False),   # Comté, not soy
    ("닭다리 콩피", "렌틸콩 곁들임", "대두", False),      # confit and lentils, not soy
    ("훈제오리 반마리", "참나무 훈제", "오리고기", True),  # a meat said with 고기, by the animal's name
    ("오리지널 와플", "버터 와플", "오리고기", False),
    ("고구마튀김", "튀김가루 옷을 입혀 바삭하게", "밀", True),   # a batter mix is wheat flour
    ("호박전", "애호박에 부침가루", "밀", True),
    ("베트남 쌀국수", "피쉬소스로 간한 국물", "생선", True),   # fish sauce, spelled as owners do
    ("겉절이", "까나리액젓으로 버무림", "생선", True),
    ("보쌈 정식", "쌈장과 무말랭이 곁들임", "대두", True),   # a dipping paste of soybean and chili pastes
    ("간짜장", "춘장을 볶아 만든 소스", "밀", True),
    ("미니 떡갈비", "한돈 앞다리살로 빚은 떡갈비", "돼지고기", True),   # 한돈 is Korean pork
    ("북엇국", "황태 대신 북어 채로 끓인 국", "생선", True),
    ("노가리 한 접시", "고추장 마요 곁들임", "생선", True),
    ("맛살 김밥", "게맛살과 단무지", "게", True),         # a crab stick names crab on its wrapper
    ("김밥", "시금치 단무지 게맛살", "갑각류", True),
    ("게으른 토스트", "버터 식빵", "게", False),          # a syllable of another word
])
def test_cuts_loanwords_and_meats_said_with_gogi(name: str, description: str, allergen: str, holds: bool) -> None:
    assert bool(allergens.contains(item(name, description), allergen)) is holds


def test_an_allergy_question_no_item_answers_goes_to_staff(tmp_path: Path) -> None:
    """No one item the bot can name ("반찬에 …"), an allergen asked of it: a person, never "I don't know"
    left waiting for a yes."""
    folder = write_store(tmp_path, menu=MENU)
    reply = asyncio.run(ask_in(folder, "반찬에도 게 들어가나요? 게 먹으면 입술이 부어요"))
    assert reply.escalate and reply.intent == "escalate", (reply.intent, reply.texts)


def test_feeding_a_child_is_a_question_of_safety(tmp_path: Path) -> None:
    folder = write_store(tmp_path, menu=MENU)
    reply = asyncio.run(ask_in(folder, "딸이 새우 알레르기인데 김치전 먹여도 될까요"))
    assert reply.intent == "menu" and not reply.text.startswith(("네", "괜찮")) and "새우" in reply.text, (reply.intent, reply.texts)


def test_a_dish_named_inside_a_longer_dish_is_not_asked_for(tmp_path: Path) -> None:
    """"버섯불고기전골" holds "불고기전골", which the menu sells in sizes; a customer asking about the
    mushroom one with a mushroom allergy must hear about that dish, not the plain one's sizes."""
    menu = """이름,분류,가격,설명,태그,알레르기,맵기,판매
불고기전골(소),전골,20000,2인,,"쇠고기, 대두",0,Y
불고기전골(대),전골,30000,3~4인,,"쇠고기, 대두",0,Y
버섯불고기전골(중),전골,26000,표고와 느타리 듬뿍,,"쇠고기, 대두, 버섯",0,Y
"""
    folder = write_store(tmp_path, menu=menu)
    reply = asyncio.run(ask_in(folder, "버섯불고기전골 가격 알려주세요"))
    assert [s.id for s in reply.sources] == ["버섯불고기전골(중)"], (reply.intent, reply.texts)


@pytest.mark.parametrize("text", ["我对鱼过敏，可以吃 어묵탕 吗？", "魚アレルギーです。어묵탕は食べられますか？"])
def test_an_allergy_asked_in_chinese_or_japanese_reads_the_allergen(tmp_path: Path, text: str) -> None:
    """A tourist's fish allergy asked in Chinese or Japanese, the dish named in Korean: the dish holds
    fish, and the answer says so (never a yes, never the general allergy note)."""
    menu = "이름,분류,가격,설명,태그,알레르기,맵기,판매\n어묵탕,탕,9000,부산 어묵과 무를 넣고 끓인 탕,,\"생선,밀\",0,Y\n공기밥,밥,1000,,,,0,Y\n"
    folder = write_store(tmp_path, menu=menu)
    reply = asyncio.run(ask_in(folder, text))
    assert reply.intent == "menu" and "생선 알레르기" in reply.text and not reply.text.startswith(("네", "괜찮")), (reply.intent, reply.texts)


@pytest.mark.parametrize("text", ["알레르기 있는 친구랑 가는데 뭐 시킬까요?", "I have a food allergy, what do you recommend?"])
def test_a_recommendation_with_an_allergy_not_named_goes_to_staff(tmp_path: Path, text: str) -> None:
    """Nothing can be kept off the list when the allergen is not said (or not read): no list, a person."""
    folder = write_store(tmp_path, menu=MENU)
    reply = asyncio.run(ask_in(folder, text))
    assert reply.escalate and not reply.sources, (reply.intent, reply.texts)


def test_a_crustacean_allergy_in_japanese_keeps_crab_and_shrimp_off_the_list(tmp_path: Path) -> None:
    folder = write_store(tmp_path, menu=MENU)
    reply = asyncio.run(ask_in(folder, "子どもが甲殻類にアレルギー反応が出ます。何を頼めばいいでしょう"))
    assert reply.escalate or not {"김치전", "해물파전", "새우젓"} & {s.id for s in reply.sources}, (reply.intent, reply.texts)


def test_a_group_word_names_no_flavour_filed_under_it(tmp_path: Path) -> None:
    """The lexicon files 호두 and 아몬드 under 견과류; a nut allergy asked of one flavour is about that
    flavour, not about every flavour named after a nut."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n아몬드,젤라또,5000,구운 아몬드 페이스트,,\"우유,견과류\",0,Y\n"
            "바닐라,젤라또,4500,마다가스카르 바닐라,,우유,0,Y\n호두 쿠키,디저트,3000,호두 조각 쿠키,,\"밀,견과류\",0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    plain = asyncio.run(ask_in(folder, "견과류 알레르기 있는데 바닐라 먹어도 돼요?"))
    assert [s.id for s in plain.sources] == ["바닐라"], (plain.intent, plain.texts)
    said = asyncio.run(ask_in(folder, "아몬드 알레르기인데 쿠키 하나 추가해도 돼요?"))
    assert not said.text.startswith(("네", "괜찮")) and "들어가" in said.text, (said.intent, said.texts)


def test_a_dish_named_with_a_word_of_choosing_is_asked_about(tmp_path: Path) -> None:
    """고르곤졸라 holds 고르 (choose): the allergy question about that pizza is about it, no list of picks."""
    menu = ("이름,분류,가격,설명,태그,알레르기,맵기,판매\n고르곤졸라 피자,피자,19000,꿀과 호두,,\"밀,우유,견과류\",0,Y\n"
            "치즈 피자,피자,16000,모짜렐라,,\"밀,우유\",0,Y\n")
    folder = write_store(tmp_path, menu=menu)
    reply = asyncio.run(ask_in(folder, "호두 알레르기 있는데 고르곤졸라 피자 시켜도 돼요?"))
    assert reply.intent == "menu" and [s.id for s in reply.sources] == ["고르곤졸라 피자"], (reply.intent, reply.texts)
    assert not reply.text.startswith("네") and "호두" in reply.text, reply.texts
