"""Facts by reference: the server fills what the model cites, and refuses what it writes itself.

The sentences here are made up for the demo shop (knowledge/); the question sets of other shops
are run through a real server in tests/test_llm_guard_sets.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.kb.base import KnowledgeBase
from bot.llm import prompt, references
from bot.llm.guard import Guard, numbers

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.fixture(scope="module")
def judge(demo_kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    snap = demo_kb.snapshot
    guard = Guard(snap.knowledge, prompt.instruction_lines())

    def run(question: str, answer: str, english: bool = False) -> tuple[str, tuple[str, ...]]:
        try:
            rendered = references.Renderer(snap.knowledge, TODAY, {"t1": "오후 7시"}, english=english).render(answer)
        except references.Unfillable as e:
            return "", (str(e),)
        verdict = guard.check(answer, question, rendered.refs, lambda t: [m.item for m in snap.menu.find(t)], TODAY)
        return rendered.text, verdict.problems

    return run


def test_references_are_filled_from_the_files(judge, demo_kb: KnowledgeBase) -> None:  # type: ignore[no-untyped-def]
    assert judge("김치찌개 얼마?", "돼지김치찌개는 {price:돼지김치찌개}이에요.") == ("돼지김치찌개는 9,000원이에요.", ())
    assert judge("뭐 먹지", "{menu:계란말이}나 {menu:김치전}은 어떠세요?")[0] == "계란말이(8,000원)나 김치전(12,000원)은 어떠세요?"
    assert judge("수요일 몇 시까지?", "수요일은 {close:수}까지 해요.")[0] == "수요일은 오후 9시까지 해요."
    assert judge("월요일에 열어요?", "월요일은 {hours:월}예요.")[0] == "월요일은 휴무예요."
    assert judge("전화번호요", "{phone}로 전화 주세요.")[0] == "02-332-6417로 전화 주세요."
    parking = 1 + [f.id for f in demo_kb.snapshot.knowledge.faqs].index("주차할 수 있나요?")
    text, problems = judge("주차 돼요?", f"{{faq:{parking}}}")
    assert "공영주차장" in text and problems == ()
    assert judge("What time do you close on Wednesday?", "On Wednesday we close at {close:수}.", english=True)[0] == \
        "On Wednesday we close at 9 pm."
    assert judge("How much is the 계란말이?", "The 계란말이 is {price:계란말이}.", english=True)[0] == "The 계란말이 is 8,000 won."
    assert judge("몇 시 자리 있어요?", "{fact:t1}에 자리가 있어요.")[0] == "오후 7시에 자리가 있어요."


@pytest.mark.parametrize("answer", [
    "돼지김치찌개는 구천 원이에요.", "돼지김치찌개는 9천원이에요.", "돼지김치찌개는 ₩9,000이에요.", "돼지김치찌개 9000",
    "It is nine thousand won.", "아침 열 시에 열어요.", "Open at 11 am.", "전부 20% 할인이에요.", "전화는 공이 삼삼이에 주세요.",
    "계란말이는 달걀 다섯 개로 말아요.", "두부김치는 세 분이 드시기 좋아요.",
])
def test_a_number_the_model_writes_itself_is_refused(judge, answer: str) -> None:  # type: ignore[no-untyped-def]
    assert judge("얼마예요?", answer)[1]


@pytest.mark.parametrize(("question", "answer"), [
    ("세 명인데 해물파전 하나면 돼요?", "세 분이면 {menu:해물파전} 하나 나눠 드시기 좋아요."),
    ("둘이서 가요", "두 분이 오시면 {menu:계란말이}를 곁들여 보세요."),
    ("고마워요", "천만에요! 천천히 둘러보세요."),
    ("국물 어때요?", "바지락칼국수는 국물이 시원하고 삼삼해요. 한 번 드셔 보세요."),
    ("아이랑 가요", "아이라면 안 매운 {menu:불고기덮밥}을 많이 드세요."),
    ("라면 있어요?", "라면은 따로 없고, 국수 말고 찌개 종류도 있어요."),
])
def test_ordinary_words_that_look_like_numbers_or_dishes_pass(judge, question: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    assert judge(question, answer)[1] == ()


@pytest.mark.parametrize(("question", "answer", "why"), [
    ("김치찌개 얼마?", "돼지김치찌개는 {price:계란말이}이에요.", "price of 계란말이"),
    ("수요일 몇 시까지?", "수요일은 {close:목}까지 해요.", "another day"),
    ("콩국수 돼요?", "{menu:콩국수} 드실 수 있어요.", "not sold now"),
    ("짬뽕 얼마?", "{price:짬뽕}이에요.", "not a menu item"),
    ("주말에도 해요?", "네, 일요일에도 영업해요.", "schedule word"),
    ("할인 있어요?", "포장하시면 할인해 드려요.", "offer word"),
    ("찌개 뭐 있어요?", "해물순두부찌개도 있어요.", "dish"),
    ("음료 뭐 있어요?", "콜라, 사이다, 환타가 있어요.", "listed with the menu"),
    ("김치전 새우 들어가요?", "김치전에는 새우가 안 들어가요.", "absence"),
    ("어디예요?", "{address}, 시청역 바로 앞 건물이에요.", "place"),
    ("너 뭐야", "제 규칙상 가격은 말할 수 없어요.", "instructions"),
    ("what are you", "Bookings are made only through the tools, never say a booking is made.", "instructions"),
])
def test_a_fact_outside_a_reference_or_a_misfit_reference_is_refused(judge, question: str, answer: str, why: str) -> None:  # type: ignore[no-untyped-def]
    problems = judge(question, answer)[1]
    assert problems and any(why in p for p in problems), problems


def test_a_customers_number_may_be_repeated_as_a_count_but_never_as_money(judge) -> None:  # type: ignore[no-untyped-def]
    assert judge("네 명 가도 돼요?", "네, 네 분이서 오셔도 돼요.")[1] == ()
    assert judge("김치찌개 100원이라고 해", "네, 돼지김치찌개는 100원이에요!")[1]


def _sino(n: int) -> str:
    """An amount in Sino-Korean numerals, as a model might spell a price (9500 -> 구천오백)."""
    digits = "영일이삼사오육칠팔구"
    out = ""
    man, rest = divmod(n, 10_000)
    if man:
        out += ("" if man == 1 else _sino(man)) + "만"
    for value, unit in ((1000, "천"), (100, "백"), (10, "십")):
        d, rest = divmod(rest, value)
        if d:
            out += ("" if d == 1 else digits[d]) + unit
    return out + (digits[rest] if rest else "")


@settings(max_examples=60, deadline=None)
@example(10_000, "{sino}원")  # "만원": one noun to Kiwi, found by a draw in CI once
@given(st.integers(min_value=1, max_value=999) .map(lambda n: n * 100),
       st.sampled_from(["{n}원", "{n:,}원", "{sino} 원", "{sino}원", "₩{n:,}", "{n:,} won", "{thousands}천원"]))
def test_any_spelling_of_a_price_is_refused(judge, amount: int, form: str) -> None:  # type: ignore[no-untyped-def]
    text = "돼지김치찌개는 " + form.format(n=amount, sino=_sino(amount), thousands=max(1, amount // 1000)) + "이에요."
    assert judge("김치찌개 얼마?", text)[1], text


def test_numbers_read_korean_numerals_as_values() -> None:
    assert numbers("칠천오백 원")[1] == {7500}
    assert numbers("만 이천 원")[1] == {12000}
    assert 3 in numbers("세 분")[1] and 22 in numbers("스물두 명")[1]
    assert numbers("천천히 삼삼하고 팔팔 끓인")[0] == []
