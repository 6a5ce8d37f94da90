"""Each first-turn skill on the demo store (소담식당 연남점), asked at Tuesday 14:00 unless stated."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kb.base import KnowledgeBase
from bot.kb.loader import load_knowledge
from skills import SKILLS
from skills.recommend import has_caffeine
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}


def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


def test_registry_is_a_literal_ordered_list_ending_with_fallback() -> None:
    names = [s.name for s in SKILLS]
    assert names == ["media", "escalate", "smalltalk", "store_info", "reservation", "recommend", "menu", "faq", "fallback"]
    assert all(s.description for s in SKILLS)


# --- store_info ---------------------------------------------------------------------------

def test_open_now_uses_the_store_clock(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("지금 영업해요?")
    assert reply.intent == "store_info" and sources(reply) == ["hours"]
    assert reply.texts[0] == "네, 지금 영업 중이에요! 오늘은 오후 9시까지 열어요. 마지막 주문은 오후 8시까지예요."


@pytest.mark.parametrize(
    "when,expected",
    [
        (datetime(2026, 11, 24, 15, 30), "지금은 브레이크 타임이에요. 오늘 11월 24일(화) 오후 5시에 다시 열어요."),
        (datetime(2026, 11, 24, 22, 0), "오늘 영업은 끝났어요. 내일 11월 25일(수) 오전 11시에 다시 열어요."),
        (datetime(2026, 11, 30, 12, 0), "오늘은 정기 휴무일이에요. 내일 12월 1일(화) 오전 11시에 다시 열어요."),
        (datetime(2026, 12, 31, 12, 0), "오늘은 연말 대청소·직원 송년회로 쉬어요. 모레 1월 2일(토) 오전 11시에 다시 열어요."),
    ],
)
def test_open_now_when_closed(ask, when: datetime, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert ask("지금 문 열었나요?", now=when).texts[0] == expected


def test_weekday_and_holiday_questions(ask) -> None:  # type: ignore[no-untyped-def]
    monday = ask("월요일에도 문 여나요??")
    assert sources(monday)[0] == "hours" and "11월 30일(월)은 정기 휴무일이에요." in monday.text
    new_year = ask("신정에 영업하세요?")
    assert sources(new_year)[0] == "holidays" and "1월 1일(금)은 신정 휴무로 쉬는 날이에요." in new_year.text
    december = ask("12월에 임시휴무 있어요?")
    assert sources(december)[0] == "holidays" and "12월 31일(목)" in december.text and "1월 1일(금)" in december.text


def test_last_order_and_break(ask) -> None:  # type: ignore[no-untyped-def]
    assert "마지막 주문은 마감 60분 전까지 받아요. 오늘은 오후 8시까지예요." in ask("라스트오더 몇시예요?").text
    assert "브레이크 타임은 매일 오후 3시부터 오후 5시까지예요." in ask("브타 언제에요").text


def test_store_info_address_phone_and_booking_policy(ask) -> None:  # type: ignore[no-untyped-def]
    assert ask("가게 위치 어디예요?").texts == ["소담식당 연남점은 서울 마포구 연남로 38-7, 1층에 있어요."]
    assert ask("전화번호 알려주세요").texts == ["소담식당 연남점 전화번호는 02-332-6417이에요."]
    policy = ask("예약은 최대 몇 명까지 돼요?")
    assert policy.intent == "store_info" and sources(policy) == ["reservation"]
    assert "최대 8명" in policy.text and "1시간 30분" in policy.text and "30일" in policy.text


# --- faq ------------------------------------------------------------------------------------

def test_faq_answer_is_the_owners_text(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("주차 되나여?")
    answer = next(f.answer for f in load_knowledge(DEMO).faqs if f.id == "주차할 수 있나요?")
    assert reply.intent == "faq" and reply.texts == [answer] and sources(reply) == ["주차할 수 있나요?"]


def test_close_faqs_get_a_clarifying_question(demo_kb: KnowledgeBase, ask) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    engine = Engine(demo_kb, RetrievalSettings(clarify_margin=1.0))  # every runner-up counts as close
    reply = asyncio.run(engine.respond(Turn("반찬 리필 돼요?", now=datetime(2026, 11, 24, 14))))
    assert reply.intent == "faq" and reply.texts[0].startswith("어떤 내용이 궁금하신지 골라 주시겠어요?")
    assert len(reply.quick_replies) >= 3 and all(len(q.label) <= 14 for q in reply.quick_replies)


# --- menu -------------------------------------------------------------------------------------

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


def test_whole_menu(ask) -> None:  # type: ignore[no-untyped-def]
    text = ask("메뉴 보여주세요").text
    assert "[찌개] 돼지김치찌개 9,000원" in text and "콩국수" not in text


JJIGAE = [n for n, i in MENU.items() if i.category == "찌개" and i.available]


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
     ("찌개 포장 돼요?", "faq", "포장 되나요?"), ("찌개 중에 안 매운 거 뭐 있어요?", "faq", "맵기 조절 되나요?")],
)
def test_a_kind_named_in_another_question_is_not_listed(ask, message: str, intent: str, source: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == intent and sources(reply)[0] == source


# --- recommend --------------------------------------------------------------------------------

ALLERGENS = ["새우", "우유", "달걀", "대두", "밀", "돼지고기", "쇠고기"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    allergen=st.sampled_from([None, *ALLERGENS]),
    mild=st.booleans(),
    budget=st.sampled_from([None, 7000, 9000, 12000]),
    kids=st.booleans(),
)
def test_recommendations_never_break_a_constraint(ask, allergen, mild: bool, budget, kids: bool) -> None:  # type: ignore[no-untyped-def]
    parts = []
    if allergen:
        parts.append(f"{allergen} 알레르기 있어요.")
    if mild:
        parts.append("매운 건 못 먹어요.")
    if kids:
        parts.append("6살 아이랑 가요.")
    if budget:
        parts.append(f"{budget // 1000}천원 이하로")
    reply = ask(" ".join(parts) + " 메뉴 추천해 주세요")
    assert reply.intent == "recommend"
    assert 0 <= len(reply.sources) <= 5
    for name in sources(reply):
        item = MENU[name]
        assert item.available
        if allergen:
            normalized = {"계란": "달걀"}.get(allergen, allergen)
            assert normalized not in item.allergens, (name, item.allergens)
        if mild or kids:
            assert item.spicy == 0
        if kids:
            assert not has_caffeine(item) and item.category != "음료·주류" or item.name in ("콜라", "사이다", "수제 식혜", "복숭아 에이드")
        if budget:
            assert item.price is not None and item.price <= budget


def test_recommend_explains_why(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("새우 알러지 있는데 찌개 중에 뭐 먹을 수 있어요?")
    assert sources(reply) and all("찌개" in MENU[n].category and "새우" not in MENU[n].allergens for n in sources(reply))
    assert "새우 표시 없음" in reply.text and "교차 오염" in reply.text  # never "새우 없음" as a guarantee (allergens.md)


def test_spicy_lovers_get_the_spiciest_first(ask) -> None:  # type: ignore[no-untyped-def]
    picked = sources(ask("완전 매운 거 추천해 주세요"))
    assert picked and MENU[picked[0]].spicy == max(i.spicy for i in MENU.values() if i.available)


def test_vegan(ask) -> None:  # type: ignore[no-untyped-def]
    picked = sources(ask("비건인데 뭐 먹을 수 있어요? 추천해 주세요"))
    assert picked and all("비건" in MENU[n].tags for n in picked)


@pytest.mark.parametrize("message", ["메뉴 추천해 주세요", "추천 메뉴 있어요?", "뭐가 제일 맛있어요?"])
def test_recommend_without_constraints_leads_with_the_owners_pride(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    picked = sources(ask(message))
    assert picked == ["돼지김치찌개", "해물파전", "제육덮밥"]  # 시그니처+인기 twice, then 인기 from a third category
    assert not any(MENU[n].category in ("아이 메뉴", "음료·주류") for n in picked)


def test_childrens_dishes_only_for_children(ask) -> None:  # type: ignore[no-untyped-def]
    kids = [n for n, i in MENU.items() if i.category == "아이 메뉴"]
    assert not set(kids) & set(sources(ask("9천원 이하로 추천해 주세요")))
    assert set(sources(ask("6살 아이랑 가요. 추천해 주세요"))) <= set(kids) | {n for n, i in MENU.items() if "아이" in i.tags}
    assert sources(ask("어린이 메뉴 추천해 주세요"))[0] in kids


CAFE_MENU = """이름,분류,가격,설명,태그,알레르기,맵기,판매
아메리카노,커피,4500,기본 커피 (HOT/ICE),베스트,,0,Y
카페라떼,커피,5000,우유를 더한 라떼,,우유,0,Y
바닐라라떼,커피,5500,바닐라 시럽을 넣은 달콤한 라떼,,우유,0,Y
딸기라떼,논커피,6500,"생딸기청 라떼, 카페인 없음",계절,우유,0,Y
자몽에이드,논커피,6000,"자몽청 에이드, 카페인 없음",,,0,Y
고구마라떼,논커피,5800,"고구마 라떼, 카페인 없음",,우유,0,N
소금빵,베이커리,3500,버터 소금빵,대표,"밀,우유",0,Y
앙버터 소금빵,베이커리,4800,팥앙금과 버터를 채운 소금빵,,"밀,우유",0,Y
크루아상,베이커리,4300,버터 크루아상,,"밀,우유,달걀",0,Y
키즈 쿠키,키즈,2500,아이용 작은 쿠키,,"밀,우유",0,Y
"""


def test_kinds_and_pride_are_read_from_any_menu(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A cafe with other categories, head nouns and tag words: nothing in the code names them."""
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    kb = KnowledgeBase(make_knowledge(menu=CAFE_MENU), tmp_path / "i", RetrievalSettings())
    kb.reload()
    engine = Engine(kb, RetrievalSettings())

    def ask_cafe(text: str):  # type: ignore[no-untyped-def]
        return asyncio.run(engine.respond(Turn(text, now=datetime(2026, 11, 24, 14))))

    lattes = ask_cafe("라떼 종류 뭐 있어요?")  # a head noun across two categories
    assert lattes.intent == "menu" and sources(lattes) == ["카페라떼", "바닐라라떼", "딸기라떼"]
    assert "[커피] 카페라떼 5,000원, 바닐라라떼 5,500원" in lattes.text and "[논커피] 딸기라떼 6,500원" in lattes.text
    assert "고구마라떼는 지금은 판매하지 않아요." in lattes.text and len(lattes.cards) == 3
    assert sources(ask_cafe("커피 메뉴 보여주세요")) == ["아메리카노", "카페라떼", "바닐라라떼"]
    assert sources(ask_cafe("빵 뭐 있어요?")) == ["소금빵", "앙버터 소금빵", "크루아상"]  # the 베이커리 category
    assert sources(ask_cafe("커피 말고 뭐 있어요?"))[:2] == ["딸기라떼", "자몽에이드"]
    picked = sources(ask_cafe("메뉴 추천해 주세요"))
    assert picked[:2] == ["아메리카노", "소금빵"] and "키즈 쿠키" not in picked  # 베스트 and 대표 count as pride
    assert sources(ask_cafe("대표 메뉴 추천해 주세요")) == ["소금빵"]


# --- reservation, escalate, smalltalk, fallback -------------------------------------------------

@pytest.mark.parametrize(
    "message,start",
    [("내일 저녁 7시에 4명 예약하고 싶어요", "[내일 11월 25일(수) · 오후 7시 · 4명] 예약하실 분 성함을 알려 주세요."),
     ("예약 취소할게요", "예약 내역을 찾지 못했어요."), ("7시 말고 8시로 바꿀 수 있어요? 예약이요", "예약 내역을 찾지 못했어요."),
     ("내 예약 확인해 주세요", "예약 내역을 찾지 못했어요.")],
)
def test_reservation_intents(ask, message: str, start: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "reservation" and reply.text.startswith(start)


def test_reservation_on_a_closed_day_says_so(ask) -> None:  # type: ignore[no-untyped-def]
    assert ask("다음 주 월요일 예약 되나요?").text == "11월 30일(월)은 정기 휴무일이라 예약을 받지 않아요. 어느 날짜로 예약해 드릴까요?"
    too_many = ask("토요일 12명 예약하고 싶어요")
    assert too_many.escalate and "12명 예약은 직원이 직접 도와드릴게요." in too_many.text


@pytest.mark.parametrize("message", ["사장님 바꿔주세요", "챗봇 말고 사람이랑 얘기할래요", "찌개에서 머리카락 나왔어요;;", "카드 결제가 두번 됐어요 취소해주세요", "환불 안 해주시면 신고할 거예요"])
def test_escalate_hands_over_requests_and_complaints(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "escalate" and reply.escalate and "직원" in reply.text


def test_refund_policy_question_is_not_an_escalation(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    root = make_knowledge(faqs={"a.md": "## 주문 취소나 환불이 되나요?\n만들기 전에는 취소돼요.\n"})
    kb = KnowledgeBase(root, tmp_path / "i", RetrievalSettings())
    kb.reload()
    reply = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn("환불 규정이 어떻게 되나요")))
    assert reply.intent == "faq" and not reply.escalate


@pytest.mark.parametrize("message,start", [("안녕하세요~", "안녕하세요, 소담식당 연남점이에요!"), ("감사합니다!!", "천만에요!"),
                                            ("수고하세요~", "감사합니다! 좋은 하루"), ("어제 김치찌개 맛있게 먹었어요 ㅎㅎ", "맛있게 드셨다니")])
def test_smalltalk(ask, message: str, start: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "smalltalk" and reply.texts[0].startswith(start)


@pytest.mark.parametrize("message", ["삼성전자 주가 어때요?", "사장님 MBTI 뭐예요ㅋㅋ", "영어 메뉴판 있어요?"])
def test_fallback_says_it_does_not_know_and_offers_a_person(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "unknown" and not reply.sources
    assert "직원에게 연결" in reply.text and any(q.label == "직원 연결" for q in reply.quick_replies)


@pytest.mark.parametrize("message", ["", "   ", "ㅋㅋㅋㅋ", "😀😀", "a" * 5000, "\u200b\u200b", "주차\x00되나요"])
def test_odd_input_gets_a_polite_answer(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.texts and all(reply.texts)


def test_other_places_are_not_recommended(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("근처 맛집 추천해 주세요")
    assert reply.intent == "unknown" and not reply.sources and "다른 가게나 동네 정보" in reply.text


def test_an_allergy_question_the_files_cannot_answer_goes_to_staff(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    kb = KnowledgeBase(make_knowledge(), tmp_path / "i", RetrievalSettings())  # no FAQ about allergies
    kb.reload()
    reply = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn("우유 알레르기가 심한데 여기 음식 먹어도 안전할까요?")))
    assert reply.intent == "escalate" and reply.escalate and "알레르기는 정확하게 확인해야 해서" in reply.text


# --- media --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "params", "starts"),
    [
        ("", {"image_url": "https://talk.kakaocdn.net/dn/abc/photo.jpg"}, "사진은"),
        ("https://talk.kakaocdn.net/dn/bXyZ/btsAbc/img_xl.jpg", {}, "사진은"),  # Kakao's utterance may be the photo's link
        ("https://blog.example.com/post/1", {}, "보내 주신 링크는"),
        ("", {"sticker": True}, "무엇을 도와드릴까요?"),
        ("😊😊", {}, "무엇을 도와드릴까요?"),
        ("(이모티콘)", {}, "무엇을 도와드릴까요?"),
        ("없는상품", {"product": "없는상품"}, "보내 주신 상품(없는상품)은"),
    ],
)
def test_media_turns_are_never_misses(demo_kb, text: str, params: dict, starts: str) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    reply = asyncio.run(Engine(demo_kb, RetrievalSettings()).respond(Turn(text, user_key="media", params=params)))
    assert reply.intent == "smalltalk" and not reply.escalate and reply.texts[0].startswith(starts)


def test_a_shared_product_on_the_menu_is_answered_from_it(demo_kb) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    reply = asyncio.run(Engine(demo_kb, RetrievalSettings()).respond(Turn("김치전", user_key="product", params={"product": "김치전"})))
    assert reply.intent == "menu" and sources(reply) == ["김치전"]


@pytest.mark.parametrize(
    "message",
    ["주문한 지 두 시간인데 아직도 안 왔어요", "제육 시켰는데 불고기가 왔네요", "국물이 다 새서 왔어요 어떻게 해 주실 거예요?",
     "이게 말이 됩니까 음식이 다 식어서 도착했어요"],
)
def test_complaints_about_an_order_go_to_staff(ask, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "escalate" and reply.escalate


def test_a_calendar_range_asks_which_day_and_takes_none(demo_kb) -> None:  # type: ignore[no-untyped-def]
    """TalkTalk's calendar can send a range ("20261127-20261130"): the bot asks for one day of it."""
    import asyncio
    from zoneinfo import ZoneInfo

    from bot.channels.naver import parse, turn_of
    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    tuesday_2pm = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    engine = Engine(demo_kb, RetrievalSettings())
    event = parse({"event": "send", "user": "ranger", "textContent": {"text": "20261127-20261130", "inputType": "calendar"}})
    assert event is not None
    turn = turn_of(event)
    assert turn.params["date_range"] == ["2026-11-27", "2026-11-30"]
    asyncio.run(engine.respond(Turn("예약하고 싶어요", "ranger", "naver", {}, tuesday_2pm)))
    reply = asyncio.run(engine.respond(Turn(turn.text, "ranger", "naver", turn.params, tuesday_2pm)))
    assert "하루를 골라 주세요" in reply.text and "11월 27일(금)" in reply.text, reply.text
    assert [q.label for q in reply.quick_replies][:3] == ["11월 27일(금)", "11월 28일(토)", "11월 29일(일)"]
    assert reply.state.get("date") is None and reply.awaiting == "reservation"


def test_a_seat_question_is_a_booking_even_when_a_dish_is_named_after_the_word(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """자리 is a seat and also a fish (자리물회): with a day and a party it asks about a table."""
    import asyncio
    from zoneinfo import ZoneInfo

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    menu = "name,category,price,description\n자리물회,식사,15000,제주 자리돔 물회\n고등어구이,식사,13000,\n"
    from tests.conftest import STORE_TOML

    store = STORE_TOML + "\n[reservation]\nenabled = true\nslot_minutes = 30\nduration_minutes = 90\ntables = [2, 4]\nmax_party = 4\n"
    kb = KnowledgeBase(make_knowledge(store=store, menu=menu), tmp_path / "i", RetrievalSettings())
    assert kb.reload()
    now = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    reply = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn("금요일 저녁 7시에 두 명 자리 있어요?", "seat", "kakao", {}, now)))
    assert reply.intent == "reservation" and "성함" in reply.text, reply.text
    dish = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn("자리물회 얼마예요?", "fish", "kakao", {}, now)))
    assert dish.intent == "menu" and "15,000원" in dish.text


def test_a_request_after_which_of_these_is_not_taken_as_a_pick(demo_kb) -> None:  # type: ignore[no-untyped-def]
    """After "어떤 내용이 궁금하신지 골라 주시겠어요?", a booking request is answered as one."""
    import asyncio
    from zoneinfo import ZoneInfo

    from bot.engine import Engine, MemoryStates
    from bot.messages import Turn
    from bot.settings import RetrievalSettings
    from bot.state import ConversationState

    states = MemoryStates()
    now = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    turn = Turn("예약 취소할게요", "picker", "kakao", {}, now)
    asyncio.run(states.save(turn, ConversationState("faq", {"options": ["예약할 수 있나요?", "단체석이나 룸이 있나요?"],
                                                            "_at": now.isoformat()})))
    reply = asyncio.run(Engine(demo_kb, RetrievalSettings(), states=states).respond(turn))
    assert reply.intent == "reservation" and "예약 내역을 찾지 못했어요" in reply.text, reply.text
    pick = Turn("1번", "picker2", "kakao", {}, now)
    asyncio.run(states.save(pick, ConversationState("faq", {"options": ["예약할 수 있나요?", "단체석이나 룸이 있나요?"],
                                                            "_at": now.isoformat()})))
    assert asyncio.run(Engine(demo_kb, RetrievalSettings(), states=states).respond(pick)).sources[0].id == "예약할 수 있나요?"
