"""Dates, times and counts in chat Korean: 내일 저녁 7시, 이번 주 토요일 세 시 반, 12월 24일, 두 명.

Everything is relative to a given `now` in the store's timezone. Parsers return None for
what the message does not say, so a booking flow can ask only for what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

WEEKDAY_NAMES = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
NATIVE_NUMBERS = {
    "한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "석": 3, "네": 4, "넷": 4, "넉": 4,
    "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "열한": 11, "열하나": 11,
    "열두": 12, "열둘": 12, "열세": 13, "열셋": 13, "열네": 14, "열넷": 14, "열다섯": 15, "열여섯": 16, "열일곱": 17,
    "열여덟": 18, "열아홉": 19, "스무": 20, "스물": 20,
}
SINO_NUMBERS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9, "십": 10}
NAMED_DAYS = {"크리스마스이브": (12, 24), "크리스마스": (12, 25), "성탄절": (12, 25), "신정": (1, 1), "새해첫날": (1, 1)}
NATIVE = "|".join(sorted(NATIVE_NUMBERS, key=len, reverse=True))


@dataclass(frozen=True)
class DateMention:
    day: date
    explicit: bool  # a calendar date or a named day, not 오늘/내일 or a weekday
    text: str


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _calendar_date(s: str) -> tuple[int | None, int, int, str] | None:
    """(year or None, month, day, the text) of 12월 24일, 2026-12-24 or 12/24 in squeezed text."""
    m = re.search(r"(?:(\d{4})[년.\-/])?(\d{1,2})월(\d{1,2})일", s) or re.search(r"(?<!\d)(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})", s)
    if m:
        return (int(m[1]) if m[1] else None), int(m[2]), int(m[3]), m[0]
    m = re.search(r"(?<![\d:])(\d{1,2})/(\d{1,2})(?![\d:])", s)
    if m:
        return None, int(m[1]), int(m[2]), m[0]
    return None


def parse_date(text: str, today: date) -> DateMention | None:
    """The first date the message names, resolved forward from `today`."""
    s = _squeeze(text)
    found = _calendar_date(s)
    if found is None:
        m = re.search(r"(?<![\d:/])(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])(?![\d:/])", text)
        if m:  # "3/7 18시": read before squeezing glues the 7 to the 18
            found = (None, int(m[1]), int(m[2]), _squeeze(m[0]))
    if found:
        year, month, day, said = found
        try:
            d = date(year or today.year, month, day)
        except ValueError:
            return None
        if year is None and d < today - timedelta(days=7):
            d = d.replace(year=today.year + 1)  # "1월 3일" asked in November means next year
        return DateMention(d, True, said)
    for name, (month, day) in NAMED_DAYS.items():
        if name in s:
            d = date(today.year, month, day)
            if d < today - timedelta(days=7):
                d = d.replace(year=today.year + 1)
            return DateMention(d, True, name)
    m = re.search(r"(\d{1,2}|일|이|삼|사|오|육|칠|팔|구|십)\s*일\s*(뒤|후)|(일주일|한\s*주|이주일|2주)\s*(뒤|후)", s)
    if m:
        days = {"일주일": 7, "한주": 7, "이주일": 14, "2주": 14}.get(m[3] or "", 0) or (_number(m[1]) or 0)
        return DateMention(today + timedelta(days=days), False, m[0])
    m = re.search(r"(다음\s*달|담달|이번\s*달)?\s*(?<![\d월/])(\d{1,2})일(?!\s*(동안|간|뒤|후|전|째))", s)
    if m and not re.search(r"[월화수목금토]요일|[월화수목금토일]욜", s[m.end(2) : m.end(2) + 2]):
        month_start = today.replace(day=1)
        if m[1] and m[1].startswith(("다음", "담")):
            month_start = (month_start + timedelta(days=32)).replace(day=1)
        for _ in range(3):  # this month, or the next month that has that day (31일 asked in November)
            try:
                candidate: date | None = month_start.replace(day=int(m[2]))
            except ValueError:
                candidate = None
            if candidate is not None and (candidate >= today or m[1]):
                return DateMention(candidate, True, m[0])
            month_start = (month_start + timedelta(days=32)).replace(day=1)
        return None
    for word, offset in (("글피", 3), ("모레", 2), ("내일", 1), ("낼", 1), ("오늘", 0), ("금일", 0)):
        if word in s:
            return DateMention(today + timedelta(days=offset), False, word)
    m = re.search(r"(이번주|이번|다음주|담주|다음|다다음주)?([월화수목금토일])(?:요일|욜)", s)
    if m:
        target = WEEKDAY_NAMES[m[2]]
        week = m[1] or ""
        if week.startswith(("다음", "담")):
            start = today - timedelta(days=today.weekday()) + timedelta(days=7)
            return DateMention(start + timedelta(days=target), False, m[0])
        if week.startswith("다다음"):
            start = today - timedelta(days=today.weekday()) + timedelta(days=14)
            return DateMention(start + timedelta(days=target), False, m[0])
        ahead = (target - today.weekday()) % 7
        if week.startswith("이번") and target < today.weekday():
            # "이번 주 월요일" after Monday has passed: the customer most likely means next week's.
            ahead = 7 - today.weekday() + target
        return DateMention(today + timedelta(days=ahead), False, m[0])
    return None


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word in NATIVE_NUMBERS:
        return NATIVE_NUMBERS[word]
    if word and all(ch in SINO_NUMBERS for ch in word):
        if word == "십":
            return 10
        if word.startswith("십"):
            return 10 + SINO_NUMBERS[word[1]] if len(word) == 2 else None
        if len(word) == 2 and word[1] == "십":
            return SINO_NUMBERS[word[0]] * 10
        if len(word) == 3 and word[1] == "십":
            return SINO_NUMBERS[word[0]] * 10 + SINO_NUMBERS[word[2]]
        if len(word) == 1:
            return SINO_NUMBERS[word]
    return None


@dataclass(frozen=True)
class TimeMention:
    at: time
    meridiem_given: bool  # 오전/오후/저녁/24h given, so no guessing was needed


def parse_time(text: str, opening_minute: int | None = None) -> TimeMention | None:
    """The first clock time in the message; "7시" in a shop open 10-22 means 19:00."""
    s = _squeeze(text)
    m = re.search(r"(?<!\d)([01]?\d|2[0-3]):([0-5]\d)", s)
    if m:
        return TimeMention(time(int(m[1]), int(m[2])), True)
    m = re.search(rf"(오전|오후|아침|점심|저녁|밤|새벽|낮)?(\d{{1,2}}|{NATIVE})시(?!간)(반|(\d{{1,2}})분)?", s)
    if not m:
        if "정오" in s:
            return TimeMention(time(12, 0), True)
        return None
    hour = _number(m[2])
    if hour is None or hour > 24:
        return None
    minute = 30 if m[3] == "반" else int(m[4]) if m[4] else 0
    part = m[1]
    said = hour  # "19시" needs no guessing; "7시" made 19:00 below does
    if part == "밤" and (hour == 12 or hour < 5):
        hour %= 12  # 밤 12시 is midnight, 밤 1시 the small hours
    elif part in ("오후", "저녁", "밤") and hour < 12 or part == "점심" and hour < 6 or part == "낮" and hour < 7:
        hour += 12
    elif part in ("오전", "아침", "새벽") and hour == 12:
        hour = 0
    elif part is None and hour < 12 and opening_minute is not None and hour * 60 + minute < opening_minute:
        # A shop that opens at 10 takes "7시" as the evening: nobody books a table at 7 a.m.
        hour += 12
    if hour == 24:
        hour = 0
    return TimeMention(time(hour % 24, minute), part is not None or said > 12)


def parse_party(text: str) -> int | None:
    """Party size: 4명, 두 명, 2인, 세 분, 셋이서, 친구 셋이랑 (plus the speaker).

    "30분" is a time, not thirty guests: digits count only with 명, 인 or 사람.
    """
    m = re.search(rf"포함(?:해서|하면|이면|해|한)?\s*(?:총\s*|전부\s*|다\s*)?(\d{{1,3}}|{NATIVE})\s*(?:명|분|사람|인)?", text)
    if m:  # "애 둘 포함 다섯": the total is what follows 포함
        return int(m[1]) if m[1].isdigit() else _number(m[1])
    m = re.search(rf"(?:총|전부|다\s*해서|모두)\s*(\d{{1,3}}|{NATIVE})\s*(?:명|분|사람|인)", text)
    if m:
        return int(m[1]) if m[1].isdigit() else _number(m[1])
    groups = re.findall(rf"(어른|성인|대인|아이|애기|애|어린이|아기|유아|소인|초등학생|학생|중학생)(?:들)?\s*(\d{{1,2}}|{NATIVE})(?![가-힣]*시)", text)
    if len(groups) >= 2:  # "어른 둘 아이 하나": everyone counts
        counts = [int(n) if n.isdigit() else _number(n) for _, n in groups]
        if all(counts):
            return sum(c for c in counts if c)
    m = re.search(r"(?<![\d:.])(\d{1,3})\s*(명|인(?!분)|사람)", text)
    if m:
        return int(m[1])
    m = re.search(r"(?<![가-힣])(열|스물|스무|서른|마흔|쉰)\s*(한|하나|두|둘|세|셋|네|넷|다섯|여섯|일곱|여덟|아홉)?\s*(명|분|사람)", text)
    if m:  # "스물세 명"
        tens = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50}[m[1]]
        return tens + (NATIVE_NUMBERS[m[2]] if m[2] else 0)
    m = re.search(r"(?<![가-힣])(이|삼|사|오|육|칠|팔|구)?십\s*(일|이|삼|사|오|육|칠|팔|구)?\s*(명|인(?!분))", text)
    if m:  # "오십 명", "한 삼십명": a crowd counted in Sino-Korean tens
        return SINO_NUMBERS.get(m[1] or "", 1) * 10 + (SINO_NUMBERS[m[2]] if m[2] else 0)
    m = re.search(rf"(?:(?<![가-힣])|(?<=에)|(?<=고)|(?<=요))({NATIVE})\s*(명|분|사람|인(?!분))", text)
    if m:  # "7시에네명" in chat without spaces: a particle may come right before the number
        return _number(m[1])
    s = _squeeze(text)
    m = re.search(r"(둘|셋|넷|다섯|여섯|일곱|여덟|아홉|열)(?:이서|이서요|이요)", s)
    if m:
        return NATIVE_NUMBERS[m[1]]
    m = re.search(r"(?<![가-힣])(둘|셋|넷)이(?=\s|$|[,.!~]|갈|가|먹|방문|오|올)", text)
    if m:  # "둘이 갈게요"
        return NATIVE_NUMBERS[m[1]]
    if re.search(r"(?<![가-힣])(저\s*)?혼자(?!만의)", text):
        return 1
    m = re.search(r"(?:친구|동료|가족|일행)(둘|셋|넷|다섯|여섯|일곱|여덟|아홉|열)(?:이랑|하고|과|와)", s)
    if m:
        return NATIVE_NUMBERS[m[1]] + 1
    return None


def parse_won(text: str) -> int | None:
    """A budget: 만원, 5천원, 1만 5천원, 8000원, 오천 원."""
    s = _squeeze(text).replace(",", "")
    m = re.search(r"(\d+)만(\d)천원?", s)
    if m:
        return int(m[1]) * 10000 + int(m[2]) * 1000
    m = re.search(r"(\d+(?:\.\d)?)만원?", s)
    if m:
        return int(float(m[1]) * 10000)
    m = re.search(r"(\d+)천원?", s)
    if m:
        return int(m[1]) * 1000
    m = re.search(r"(\d{3,7})원", s)
    if m:
        return int(m[1])
    m = re.search(r"(?<![가-힣])([일이삼사오육칠팔구십백천만](?:\s?[일이삼사오육칠팔구십백천만])*)\s*원", text)
    return _sino_won(m[1].replace(" ", "")) if m else None


_UNITS = {"십": 10, "백": 100, "천": 1000}


def _sino_won(words: str) -> int | None:
    """An amount in Sino-Korean number words: 만이천 (12,000), 이만 오천 (25,000), 삼천 (3,000)."""
    total = section = 0
    digit: int | None = None
    for ch in words:
        if ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = None
        elif ch == "만":
            total += (section + (digit or 0) or 1) * 10000
            section, digit = 0, None
        elif digit is not None:
            return None  # two digits in a row (일이천): not one amount
        else:
            digit = SINO_NUMBERS[ch]
    amount = total + section + (digit or 0)
    return amount if amount >= 100 else None


def weekday_ko(d: date) -> str:
    return "월화수목금토일"[d.weekday()]


def format_date(d: date, today: date | None = None) -> str:
    """'11월 25일(수)', with 오늘/내일 when it helps."""
    base = f"{d.month}월 {d.day}일({weekday_ko(d)})"
    if today is not None:
        rel = {0: "오늘", 1: "내일", 2: "모레"}.get((d - today).days)
        if rel:
            return f"{rel} {base}"
    return base


def format_clock(minute: int) -> str:
    """Minutes after midnight as spoken Korean: 오전 9시, 오후 8시 30분, 밤 12시."""
    minute %= 1440
    hour, m = divmod(minute, 60)
    if hour == 0:
        label, h = "밤", 12
    elif hour < 12:
        label, h = "오전", hour
    elif hour == 12:
        label, h = "낮", 12
    else:
        label, h = "오후", hour - 12
    return f"{label} {h}시" + (f" {m}분" if m else "")


def format_clock_both(minute: int) -> str:
    """Spoken Korean with the clock figure the shop's hours are written in: 오후 7시 50분(19:50).
    For the one time a customer plans around (the last order), so it reads as the hours line does."""
    minute %= 1440
    return f"{format_clock(minute)}({minute // 60:02d}:{minute % 60:02d})"


def minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def at(d: date, minute: int, tzinfo) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(d, time(0), tzinfo) + timedelta(minutes=minute)
