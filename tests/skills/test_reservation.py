"""The reservation skill on its first turn (whole conversations: tests/test_reservation_scenarios.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.kb.base import KnowledgeBase
from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


@pytest.mark.parametrize(
    "message,start",
    [("내일 저녁 7시에 4명 예약하고 싶어요", "[내일 11월 25일(수) · 오후 7시 · 4명] 예약하실 분 성함을 알려 주세요."),
     ("예약 취소할게요", "예약 내역을 찾지 못했어요."), ("7시 말고 8시로 바꿀 수 있어요? 예약이요", "예약 내역을 찾지 못했어요."),
     ("내 예약 확인해 주세요", "예약 내역을 찾지 못했어요.")],
)
def test_reservation_intents(ask, message: str, start: str) -> None:  # type: ignore[no-untyped-def]
    reply = ask(message)
    assert reply.intent == "reservation" and reply.text.startswith(start)

def test_a_time_from_now_in_digits_is_a_duration(ask) -> None:  # type: ignore[no-untyped-def]
    # "2시간 뒤" is two hours from now, not two o'clock (the chat clean-up once split it into "2시 간").
    reply = ask("2시간 뒤에 3명 예약하고 싶어요", now=datetime(2026, 11, 24, 17, 30))
    assert reply.text.startswith("[오늘 11월 24일(화) · 오후 7시 30분 · 3명]")


def test_reservation_on_a_closed_day_says_so(ask) -> None:  # type: ignore[no-untyped-def]
    assert ask("다음 주 월요일 예약 되나요?").text == "11월 30일(월)은 정기 휴무일이라 예약을 받지 않아요. 어느 날짜로 예약해 드릴까요?"
    too_many = ask("토요일 12명 예약하고 싶어요")
    assert too_many.escalate and "12명 예약은 직원이 직접 도와드릴게요." in too_many.text

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

def test_a_picker_date_at_the_edge_of_the_calendar_is_ignored_not_a_crash(demo_kb) -> None:  # type: ignore[no-untyped-def]
    """A Kakao date picker once sent 0001-01-01 (found by the fuzz suite): the day before it does not exist."""
    import asyncio
    from zoneinfo import ZoneInfo

    from bot.engine import Engine
    from bot.messages import Turn
    from bot.settings import RetrievalSettings

    engine = Engine(demo_kb, RetrievalSettings())
    now = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    asyncio.run(engine.respond(Turn("예약하고 싶어요", "edge", "kakao", {}, now)))
    for day in ("0001-01-01", "9999-12-31"):
        reply = asyncio.run(engine.respond(Turn("", "edge", "kakao", {"date": day}, now)))
        assert reply.awaiting == "reservation" and "날짜" in reply.text, reply.text


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


def test_a_rule_asked_with_a_day_and_a_party_is_the_owners_rule_not_a_booking(ask) -> None:  # type: ignore[no-untyped-def]
    # The demo FAQ writes its deposit rule; a day and a head count beside the question do not make it a booking.
    rule = ask("이번 금요일 여섯 명이면 예약금 따로 보내야 해요?")
    assert rule.intent == "faq" and "예약금" in rule.text, (rule.intent, rule.text)
    booking = ask("이번 금요일 저녁 여섯 명 예약할게요")
    assert booking.intent == "reservation", (booking.intent, booking.text)


def test_a_deposit_asked_in_other_words_is_the_owners_rule_not_a_booking(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"돈 보내" is the lexicon's 예약금: with a head count it is still a question the FAQ answers."""
    import asyncio

    from tests.support.stores import STORE, ask_in, write_store

    store = STORE + "\n[reservation]\nenabled = true\nmax_party = 8\ntables = [4, 4, 6]\n"
    faq = "# 예약\n\n## 예약금 있나요?\n여섯 분 이상은 1인 5,000원을 미리 받아요.\n\n## 주차 되나요?\n가게 앞에 두 대 세울 수 있어요.\n"
    shop = write_store(tmp_path, store=store, faqs={"예약.md": faq})
    reply = asyncio.run(ask_in(shop, "일곱 명 예약하려면 돈 보내 드려야 하나요?"))
    assert (reply.intent, [s.id for s in reply.sources]) == ("faq", ["예약금 있나요?"]), reply.texts
    assert asyncio.run(ask_in(shop, "목요일 여섯시 반에 일곱 명 예약 부탁해요")).intent == "reservation"
