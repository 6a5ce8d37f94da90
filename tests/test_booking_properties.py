"""Properties of the booking conversation over random sequences of customer turns (hypothesis):
details in any order, corrections, confirmations, refusals, side questions, stops and chatter.

After every turn:
- the bot never says a booking was made unless a booking for this customer was written in that
  turn, and a booking is never written without the bot saying so;
- a booking is written only as the answer to a confirmation of a summary the bot had shown, and
  at most one per turn: no double booking from a repeated "네";
- while the booking is open, the reply says what it is waiting for (a question to the customer).
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bookings import Bookings
from bot.db import DbStates, Storage, make_engine
from bot.engine import Engine
from bot.kb.base import KnowledgeBase
from bot.settings import RetrievalSettings
from tests.conftest import DEMO

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # a Tuesday afternoon at the demo store
DONE = re.compile(r"예약이 완료됐어요")
SUMMARY = re.compile(r"이대로 예약할까요\?")
WAITING = re.compile(r"\?|알려 주세요|말씀해 주세요")

days = st.sampled_from(["내일", "모레", "이번 주 금요일", "다음 주 수요일", "11월 28일", "12/1", "오늘", "다음 주 월요일", "크리스마스"])
clocks = st.sampled_from(["저녁 7시", "6시 반", "12시", "오후 3시 30분", "19:00", "11시", "한 시간 뒤", "2시간 뒤", "밤 10시", "저녁 7시 10분"])
parties = st.sampled_from(["2명", "네 명", "다섯이서", "혼자요", "어른 둘 아이 하나", "12명", "3인", "4분이요"])
names = st.sampled_from(["김민지", "이름은 박서준이에요", "최유나요", "정하은입니다", "Kim"])
detail = st.one_of(
    days, clocks, parties, names,
    st.tuples(days, clocks, parties).map(" ".join),
    st.tuples(days, clocks).map(lambda p: f"{p[0]} {p[1]} 자리 있어요?"),
    st.sampled_from(["010-1234-5678", "창가 자리로 부탁해요", "아기 의자 필요해요"]),
)
corrections = st.one_of(
    clocks.map(lambda c: f"아 시간은 {c}로 바꿔 주세요"),
    parties.map(lambda p: f"인원 {p}로 할게요"),
    days.map(lambda d: f"날짜는 {d}로요"),
    st.sampled_from(["한 명 더 와요", "7시 말고 8시로요", "아니요"]),
)
yeses = st.sampled_from(["네", "ㅇㅇ", "좋아요", "네 그렇게 해 주세요", "예약해 주세요", "넵"])
others = st.sampled_from([
    "주차 되나요?", "영업시간 알려 주세요", "메뉴 뭐 있어요?", "감사합니다", "ㅋㅋㅋ", "음...", "예약 그만할게요",
    "예약 취소할게요", "직원 연결해 주세요", "내 예약 확인해 주세요", "예약하고 싶어요", "?", "아 그리고요",
])
full = st.tuples(days, clocks, parties, names).map(lambda p: f"{p[0]} {p[1]} {p[2]} 예약할게요. {p[3]}")
# Most scripts open with a whole request, so summaries (and what follows them) come up often.
turns = st.tuples(st.one_of(full, full, detail, others), st.lists(st.one_of(detail, corrections, yeses, yeses, others), max_size=8)).map(
    lambda t: [t[0], *t[1]])


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Engine, Bookings]]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kb = KnowledgeBase(DEMO, work / "index", RetrievalSettings())
        assert kb.reload()
        storage = Storage(make_engine(f"sqlite:///{work / 'props.db'}", work))
        bookings = Bookings(storage, "Asia/Seoul")
        yield Engine(kb, RetrievalSettings(), states=DbStates(storage), bookings=bookings), bookings
        storage.engine.dispose()


def _mine(bookings: Bookings, user: str) -> int:
    return sum(1 for b in bookings.list_sync(status="confirmed") if b.user_key == user)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=turns)
def test_no_claim_without_a_booking_and_no_silent_wait(world: tuple[Engine, Bookings], script: list[str]) -> None:
    engine, bookings = world
    user = f"prop-{uuid.uuid4().hex[:10]}"

    async def play() -> None:
        from bot.messages import Turn

        summary_shown = False
        for text in script:
            before = _mine(bookings, user)
            reply = await engine.respond(Turn(text, user, "kakao", {}, NOW))
            after = _mine(bookings, user)
            said_done = bool(DONE.search(reply.text))
            assert said_done == (after == before + 1), (script, text, reply.text)
            assert after - before <= 1, (script, text)
            if after > before:
                assert summary_shown, ("a booking without a summary confirmed", script, text)
            state = await engine.states.load(Turn(text, user, "kakao"))
            if state.awaiting == "reservation" and state.data.get("mode") == "book" and not state.data.get("soft"):
                assert WAITING.search(reply.text), ("an open booking that does not say what it waits for", script, text, reply.text)
            if reply.escalate:
                return  # a person answers from here
            summary_shown = bool(SUMMARY.search(reply.text)) and state.awaiting == "reservation"

    asyncio.run(play())
