"""Chat Korean: spelling clean-up, the shop lexicon, dates, times, counts, money, particles."""

from __future__ import annotations

from datetime import date

import pytest

from bot.josa import josa
from bot.kb.text import build_lexicon, builtin_lexicon, clean
from bot.korean_time import format_clock, parse_date, parse_party, parse_time, parse_won

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("주차 되나여?", "주차 되나요?"),
        ("고구마라떼 잇나요?", "고구마라떼 있나요?"),
        ("카라멜마끼아또 얼마에여", "카라멜마끼아또 얼마예요"),
        ("와파 비번 머에요ㅠㅠ", "와파 비번 뭐예요"),
        ("감사합니다!!😊ㅋㅋㅋ", "감사합니다!!"),
        ("금욜 몇시까지 해요", "금요일 몇 시까지 해요"),
        ("7시반쯤 가요", "7시 반쯤 가요"),
        ("2시간 뒤에 갈게요", "2시간 뒤에 갈게요"),  # a duration, never "2시 간" (two o'clock)
    ],
)
def test_clean_fixes_chat_spellings(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "text,canonical",
    [
        ("아아 한잔", "아이스 아메리카노"),
        ("take out 할게요", "포장"),
        ("테이크아웃", "포장"),
        ("애견 동반", "반려동물"),
        ("댕댕이랑", "반려동물"),
        ("와파 비번", "와이파이"),
        ("wifi 비번", "비밀번호"),
        ("엘베 있어요", "엘리베이터"),
        ("현영 돼요", "현금영수증"),
        ("들고 나갈 수 있어요", None),
    ],
)
def test_builtin_lexicon(text: str, canonical: str | None) -> None:
    found = build_lexicon(builtin_lexicon()).expand(clean(text))
    if canonical:
        assert canonical in found
    else:
        assert "포장" not in found  # surface form only; stems are matched on morphemes (see retrieval tests)


def test_two_syllable_words_need_a_word_boundary() -> None:
    lexicon = build_lexicon(builtin_lexicon())
    assert "아이" in lexicon.expand(clean("아이랑 가요"))
    assert "아이" not in lexicon.expand(clean("아이스 라떼"))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("내일 저녁 7시에 4명", date(2026, 11, 25)),
        ("모레 18:30 3인", date(2026, 11, 26)),
        ("글피 점심", date(2026, 11, 27)),
        ("이번 주 토요일 세 시 반 두 명이요", date(2026, 11, 28)),
        ("다음 주 월요일", date(2026, 11, 30)),
        ("이번 주 월요일", date(2026, 11, 30)),  # already passed this week: the customer means the next one
        ("금요일 저녁", date(2026, 11, 27)),
        ("12월 24일 오후 6시에 다섯 명", date(2026, 12, 24)),
        ("1월 3일", date(2027, 1, 3)),
        ("크리스마스에", date(2026, 12, 25)),
        ("2027-02-01", date(2027, 2, 1)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    mention = parse_date(text, TUESDAY)
    assert mention is not None and mention.day == expected


def test_month_end_and_impossible_dates() -> None:
    assert parse_date("12월 31일", date(2026, 12, 30)).day == date(2026, 12, 31)  # type: ignore[union-attr]
    assert parse_date("내일", date(2026, 12, 31)).day == date(2027, 1, 1)  # type: ignore[union-attr]
    assert parse_date("2월 30일", TUESDAY) is None
    assert parse_date("주차 되나요", TUESDAY) is None


@pytest.mark.parametrize(
    "text,opening,expected",
    [
        ("저녁 7시", None, (19, 0)),
        ("7시", 600, (19, 0)),  # a shop that opens at 10 means the evening
        ("11시", 600, (11, 0)),
        ("오전 11시 반", None, (11, 30)),
        ("세 시 반", 540, (15, 30)),
        ("18:30", None, (18, 30)),
        ("점심 1시", None, (13, 0)),
        ("오후 12시", None, (12, 0)),
        ("밤 9시 15분", None, (21, 15)),
    ],
)
def test_times(text: str, opening: int | None, expected: tuple[int, int]) -> None:
    t = parse_time(text, opening)
    assert t is not None and (t.at.hour, t.at.minute) == expected


@pytest.mark.parametrize("text,n", [("4명", 4), ("두 명이요", 2), ("2인", 2), ("다섯 명", 5), ("셋이서", 3), ("친구 셋이랑", 4), ("예약", None),
                                    ("대략 사십 명쯤", 40), ("이십오 명", 25), ("마흔 명", 40), ("삼십분 걸려요", None)])
def test_party(text: str, n: int | None) -> None:
    assert parse_party(text) == n


@pytest.mark.parametrize("text,won", [("만원 이하", 10000), ("5천원 이하", 5000), ("1만 5천원", 15000), ("8000원", 8000), ("오천 원", 5000), ("2.5만원", 25000),
                                      ("만이천원 안 넘게", 12000), ("이만 오천 원", 25000), ("삼만원 안쪽", 30000), ("삼천오백원", 3500)])
def test_money(text: str, won: int) -> None:
    assert parse_won(text) == won


@pytest.mark.parametrize("text", ["사원 두 명이요", "직원분 계세요", "일이천원 정도"])
def test_words_ending_in_won_are_no_amount(text: str) -> None:
    assert parse_won(text) is None


def test_clock_format() -> None:
    assert [format_clock(m) for m in (540, 750, 1230, 1440, 0)] == ["오전 9시", "낮 12시 30분", "오후 8시 30분", "밤 12시", "밤 12시"]


@pytest.mark.parametrize(
    "word,particle,expected",
    [("콩국수", "은", "콩국수는"), ("된장국", "은", "된장국은"), ("라떼", "이", "라떼가"), ("02-332-6417", "이에요", "02-332-6417이에요"),
     ("서울", "으로", "서울로"), ("연말 정비", "으로", "연말 정비로"), ("11월 24일(화)", "은", "11월 24일(화)는"), ("Latte", "은", "Latte는"), ("Salmon", "을", "Salmon을"), ("Bagel", "으로", "Bagel로"),
     ("주차 되나요?", "이", "주차 되나요?가"), ("β", "은", "β은(는)")],
)
def test_josa(word: str, particle: str, expected: str) -> None:
    assert josa(word, particle) == expected
