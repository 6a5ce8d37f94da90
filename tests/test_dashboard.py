"""The dashboard's figures: today and 30 days in the shop's time zone, the owner's simulator tries
left out, bookings by the bot told from staff's phone bookings, busiest hours by local weekday."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.db import Conversation, Handoff, Message, Reservation, Storage, make_engine
from bot.staff import charts
from bot.staff.dashboard import dashboard
from tests.conftest import database_url

SEOUL = ZoneInfo("Asia/Seoul")


def kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL).astimezone(UTC)  # type: ignore[misc]


def test_figures_for_today_and_the_last_30_days(tmp_path: Path) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    now = kst(2026, 12, 1, 14, 30)
    with Session(storage.engine) as s:
        kakao, naver, sim = Conversation(channel="kakao", user_key="k1"), Conversation(channel="naver", user_key="n1"), \
            Conversation(channel="simulator", user_key="owner")
        s.add_all([kakao, naver, sim])
        s.flush()
        assert kakao.id and naver.id and sim.id

        def say(conv: int, when: datetime, text: str, intent: str) -> None:
            s.add(Message(conversation_id=conv, direction="in", text=text, created_at=when))
            s.add(Message(conversation_id=conv, direction="out", author="bot", text="…", intent=intent, created_at=when + timedelta(seconds=1)))

        say(kakao.id, kst(2026, 12, 1, 9, 10), "주차 돼요?", "faq")  # today, 09:10 in Seoul (00:10 UTC)
        say(kakao.id, kst(2026, 11, 30, 23, 50), "주차 돼요?", "unknown")  # yesterday in Seoul, the same UTC day
        say(naver.id, kst(2026, 12, 1, 13, 5), "사장님 바꿔 주세요", "escalate")
        s.add(Handoff(conversation_id=naver.id, reason="사장님 바꿔 주세요", trigger="complaint", created_at=kst(2026, 12, 1, 13, 5)))
        say(naver.id, kst(2026, 10, 20, 12, 0), "예전 질문", "unknown")  # before the 30 days
        say(sim.id, kst(2026, 12, 1, 10, 0), "사장님 테스트", "unknown")  # the owner trying the bot
        for i, channel in enumerate(("kakao", "phone", "simulator")):
            start = kst(2026, 12, 5, 18, 0)
            s.add(Reservation(code=f"R{i}", channel=channel, party=2, starts_at=start, ends_at=start + timedelta(hours=2), table_no=i,
                              seats=4, created_at=kst(2026, 12, 1, 11, 0)))
        s.commit()

    d = dashboard(storage, "Asia/Seoul", now=now)
    assert (d.today.conversations, d.today.customer_messages) == (2, 2)
    assert (d.today.answered, d.today.handed_over, d.today.unanswered) == (1, 1, 0)
    assert d.today.handoffs == {"complaint": 1}
    assert (d.today.bookings_by_bot, d.today.bookings_by_staff) == (1, 1)
    assert (d.month.conversations, d.month.customer_messages, d.month.unanswered) == (2, 3, 1)
    assert d.month.share(d.month.unanswered) == 33
    days = dict(d.activity.days)
    assert len(d.activity.days) == 30 and d.activity.days[-1][0] == date(2026, 12, 1) and d.activity.days[0][0] == date(2026, 11, 2)
    assert days[date(2026, 12, 1)] == 2 and days[date(2026, 11, 30)] == 1 and sum(days.values()) == 3
    assert d.activity.heat[date(2026, 11, 30).weekday()][23] == 1  # the local hour, not UTC's 14
    assert d.activity.heat[date(2026, 12, 1).weekday()][9] == 1 and d.activity.heat[date(2026, 12, 1).weekday()][13] == 1
    assert d.top == [("주차 돼요?", 2)]

    heat = charts.heatmap(d.activity)
    busy = [c for c in heat["cells"] if c["value"]]  # type: ignore[attr-defined]
    assert len(busy) == 3 and {c["title"] for c in busy} >= {"월요일 23시: 1건", "화요일 9시: 1건"}
    split = charts.split_bar(d.month)
    assert [p["value"] for p in split] == [1, 1, 1] and abs(sum(p["w"] for p in split) - 600) < 0.5  # type: ignore[misc]
    bars = charts.daily_bars(d.activity.days)
    assert [label for _, label in bars["labels"]][-1] == "12/1"  # type: ignore[index]


def test_an_empty_shop_has_a_dashboard_of_zeros(tmp_path: Path) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    d = dashboard(storage, "Asia/Seoul")
    assert d.today.replies == 0 and d.today.share(0) == 0 and d.top == [] and d.activity.peak == 0
    assert charts.split_bar(d.today)[0]["w"] == 0
