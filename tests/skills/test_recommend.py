"""The recommend skill on the demo store."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kb.base import KnowledgeBase
from bot.kb.loader import load_knowledge
from skills.recommend import has_caffeine
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


ALLERGENS = ["새우", "우유", "달걀", "대두", "밀", "돼지고기", "쇠고기"]


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

def test_other_places_are_not_recommended(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("근처 맛집 추천해 주세요")
    assert reply.intent == "unknown" and not reply.sources and "다른 가게나 동네 정보" in reply.text
