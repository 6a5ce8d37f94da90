"""Korean dates and times in booking messages, asked on Tuesday 2026-11-24 (and at month and year ends)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.korean_time import parse_date, parse_party, parse_time

TUE = date(2026, 11, 24)
DATES = [
    # (message, today, expected date)
    ("오늘 저녁", TUE, date(2026, 11, 24)), ("금일", TUE, date(2026, 11, 24)), ("내일", TUE, date(2026, 11, 25)),
    ("낼 점심", TUE, date(2026, 11, 25)), ("모레", TUE, date(2026, 11, 26)), ("글피", TUE, date(2026, 11, 27)),
    ("내일 저녁 7시에 4명", TUE, date(2026, 11, 25)), ("모레 18:30 3인", TUE, date(2026, 11, 26)),
    ("이번 주 토요일 세 시 반 두 명이요", TUE, date(2026, 11, 28)), ("이번주 금요일", TUE, date(2026, 11, 27)),
    ("이번 주 수요일", TUE, date(2026, 11, 25)), ("이번 주 화요일", TUE, date(2026, 11, 24)),
    ("이번 주 월요일", TUE, date(2026, 11, 30)), ("다음 주 월요일", TUE, date(2026, 11, 30)),
    ("다음주 금요일", TUE, date(2026, 12, 4)), ("담주 토욜", TUE, date(2026, 12, 5)), ("다다음 주 일요일", TUE, date(2026, 12, 13)),
    ("금요일 저녁", TUE, date(2026, 11, 27)), ("금욜", TUE, date(2026, 11, 27)), ("일요일 오전 11시", TUE, date(2026, 11, 29)),
    ("월요일에", TUE, date(2026, 11, 30)), ("화요일", TUE, date(2026, 11, 24)), ("토요일 3시에 4명", TUE, date(2026, 11, 28)),
    ("12월 24일 오후 6시에 다섯 명", TUE, date(2026, 12, 24)), ("12월 3일 목요일 1시 반에 3명", TUE, date(2026, 12, 3)),
    ("11월 30일", TUE, date(2026, 11, 30)), ("1월 3일", TUE, date(2027, 1, 3)), ("2027년 2월 1일", TUE, date(2027, 2, 1)),
    ("2026-12-05", TUE, date(2026, 12, 5)), ("2026.12.06", TUE, date(2026, 12, 6)), ("12/24", TUE, date(2026, 12, 24)),
    ("27일", TUE, date(2026, 11, 27)), ("30일 저녁", TUE, date(2026, 11, 30)), ("5일에", TUE, date(2026, 12, 5)),
    ("31일", TUE, date(2026, 12, 31)), ("다음 달 5일", TUE, date(2026, 12, 5)), ("3일 뒤", TUE, date(2026, 11, 27)),
    ("일주일 후", TUE, date(2026, 12, 1)), ("크리스마스", TUE, date(2026, 12, 25)), ("크리스마스 이브", TUE, date(2026, 12, 24)),
    ("신정", TUE, date(2027, 1, 1)),
    # month and year ends
    ("내일", date(2026, 11, 30), date(2026, 12, 1)), ("모레", date(2026, 12, 30), date(2027, 1, 1)),
    ("내일", date(2026, 12, 31), date(2027, 1, 1)), ("글피", date(2027, 2, 27), date(2027, 3, 2)),
    ("다음 주 월요일", date(2026, 12, 30), date(2027, 1, 4)), ("1일", date(2026, 12, 20), date(2027, 1, 1)),
    ("1월 2일", date(2026, 12, 28), date(2027, 1, 2)), ("12월 31일", date(2026, 12, 30), date(2026, 12, 31)),
    ("토요일", date(2026, 12, 31), date(2027, 1, 2)), ("2월 28일", date(2027, 2, 27), date(2027, 2, 28)),
]
NO_DATE = ["주차 되나요", "예약하고 싶어요", "4명이요", "3일 동안 휴가예요", "2월 30일", "13월 1일"]
TIMES = [
    # (message, opening minute of the day or None, (hour, minute))
    ("저녁 7시", None, (19, 0)), ("7시", 600, (19, 0)), ("7시", 420, (7, 0)), ("11시", 600, (11, 0)),
    ("오전 11시 반", None, (11, 30)), ("오후 2시", None, (14, 0)), ("점심 1시", None, (13, 0)), ("점심 12시", None, (12, 0)),
    ("저녁 6시 반", None, (18, 30)), ("밤 9시", None, (21, 0)), ("아침 9시", None, (9, 0)), ("오후 12시", None, (12, 0)),
    ("18:30", None, (18, 30)), ("19:00", None, (19, 0)), ("7:30", 600, (7, 30)), ("세 시 반", 540, (15, 30)),
    ("세시 반", 540, (15, 30)), ("두 시", 660, (14, 0)), ("일곱 시", 600, (19, 0)), ("여섯시", 600, (18, 0)),
    ("열두 시", None, (12, 0)), ("열한 시", None, (11, 0)), ("오후 세 시 15분", None, (15, 15)), ("5시 45분", 600, (17, 45)),
    ("19시", None, (19, 0)), ("정오", None, (12, 0)), ("낮 1시", None, (13, 0)), ("1시 반", 660, (13, 30)),
    ("오후 6시에 다섯 명", None, (18, 0)), ("저녁 일곱 시 반", None, (19, 30)),
]
PARTIES = [("4명", 4), ("두 명이요", 2), ("2인", 2), ("다섯 명", 5), ("셋이서", 3), ("친구 셋이랑", 4), ("열 명", 10), ("한 명", 1),
           ("여섯 분", 6), ("3인 예약", 3), ("네 사람", 4), ("넷이서", 4)]


@pytest.mark.parametrize("text,today,expected", DATES, ids=[f"{d[0]}@{d[1]}" for d in DATES])
def test_dates(text: str, today: date, expected: date) -> None:
    found = parse_date(text, today)
    assert found is not None and found.day == expected


@pytest.mark.parametrize("text", NO_DATE)
def test_no_date(text: str) -> None:
    assert parse_date(text, TUE) is None


@pytest.mark.parametrize("text,opening,expected", TIMES, ids=[t[0] for t in TIMES])
def test_times(text: str, opening: int | None, expected: tuple[int, int]) -> None:
    found = parse_time(text, opening)
    assert found is not None and (found.at.hour, found.at.minute) == expected


@pytest.mark.parametrize("text,n", PARTIES)
def test_parties(text: str, n: int) -> None:
    assert parse_party(text) == n


def test_the_table_is_big_enough() -> None:
    assert len(DATES) + len(NO_DATE) + len(TIMES) + len(PARTIES) >= 80
