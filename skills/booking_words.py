"""What booking messages say: dates, times, party, names, phones and requests in chat Korean.

The booking flow reads every message with these, so a customer may give the details in any
order, several at once, or change one mid-flow ("7시 말고 8시로").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from bot.availability import business_day, serving_starts, start_at
from bot.bookings import digits
from bot.kb.records import Store
from bot.kb.schedule import hours_on
from bot.korean_time import parse_date, parse_party, parse_time
from bot.messages import Turn
from bot.understand.slots import name_in, party_change, relative_day, relative_time, request_in
from skills.base import Context

STOP = re.compile(r"그만|안\s*할래|안\s*할게|됐어요|됐습니다|취소할게|취소해\s*주세요|다음에\s*할게|나중에\s*할게|필요\s*없|관둘")
PHONE = re.compile(r"(01[016789]|0\d{1,2})[-\s.]?\d{3,4}[-\s.]?\d{4}")
CODE = re.compile(r"(?<![A-Za-z0-9])([ACDEFGHJKLMNPRTUVWXY34679]{6})(?![A-Za-z0-9])")


# Asking for seats: with a day or time, these make a booking request without the word 예약.
SEAT_ASK = re.compile(r"자리|좌석|테이블|룸\s*(있|돼|되|잡|비)|창가|단체석|잡아\s*(주|줄|둘|놔)|맡아\s*(주|줄|둘|놔)")
# Orders to take away are not bookings; nor are questions about the opening hours ("…까지 해요?",
# "…에 열려 있어요?") unless they also name a party ("수요일 문 열어요? 7시에 세 명 자리 돼요?").
# A day that has passed ("지난주 토요일 그 자리에…"): a story about a visit, not a table to book.
PAST = re.compile(r"지난\s*(주|번|달|해)|저번|어제|그저께|엊그제|아까|작년|\b(last (week|night|time)|yesterday)\b", re.I)
NOT_A_TABLE = re.compile(r"포장|배달|택배|픽업|찾으러|테이크아웃|주문|케이크|케익")
WALK_IN = re.compile(r"가면|가믄|가문|가도|가서|들르면|방문하면|찾아가면|오면")  # "if I come": a walk-in's question
WHICH = re.compile(r"뭐가|뭘|무엇|어떤\s*(메뉴|코스|걸|게)|추천")  # asks what to order, not for a table
HOURS_ASK = re.compile(r"영업|문\s*(열|닫)|몇\s*시까지|쉬|열려|열었|여나요|여는지|까지\s*(하|해|영업|운영|열)")
OCCASION = re.compile(r"회식|모임|송년회|신년회|망년회|생일|생신|환갑|칠순|팔순|돌잔치|상견례|기념일|약속|단체|동창회|집들이|뒤풀이|가족\s*식사")
ASKING = re.compile(r"가능|돼요|되나|될까|되요|됩니|돼\?|있어요|있나|있을까|남았|비어|빈\s*(자리|테이블|시간)|ㄱㄴ|갈게|갈께|갈\s*수|갈\s*건|갈\s*거|가려|방문|알아보")


def looks_like_booking(ctx: Context) -> bool:
    """A booking without the word 예약, from its evidence: a day or time with a party or a seat
    word, a day and a time together, or a party with an occasion and a request ("12명 회식 가능해요?").
    Never an order to take away, a question about the opening hours, or a long story."""
    text = ctx.text
    if ctx.has(NOT_A_TABLE) or len(text) > 160 or ctx.has(PAST):
        return False
    day = parse_date(text, ctx.now.date())
    clock = parse_time(text) or relative_time(text, ctx.now)
    party = parse_party(text)
    if (ctx.has(HOURS_ASK) or ctx.has(WALK_IN) or ctx.has(WHICH)) and not party:
        return False  # "목요일 6시쯤 가도 줄 없어요?", "일요일 돌잔치인데 어떤 코스가 좋아요?": not a booking
    seats = ctx.has(SEAT_ASK)
    if (day or clock) and (party or seats):
        return True
    if day and clock and (ctx.has(ASKING) or ctx.has(OCCASION) or len(text) <= 30):
        return True
    return bool(party and ctx.has(OCCASION) and (ctx.has(ASKING) or seats))


def has_details(text: str, now: datetime) -> bool:
    """Whether a message names a day, a time, a party or a time from now: a booking, not a question about the rules."""
    return bool(parse_date(text, now.date()) or parse_time(text) or parse_party(text) or relative_time(text, now))


def after_change(text: str) -> str:
    """The new value in "7시 말고 8시로", "2명에서 4명으로": what follows 말고 or sits before 로."""
    for marker in ("말고", "아니고", "아니라", "아니구"):
        if marker in text:
            return text.split(marker, 1)[1]
    later = re.split(r"(?:^|\s)(?:그럼|그러면|대신|대신에|차라리)(?:\s|$)", text)
    if len(later) > 1 and later[-1].strip():
        return later[-1]  # "그날 쉬시는군요, 그럼 목요일 같은 시간이요": what follows 그럼
    m = re.search(r"(?:을|를)\s+(.+?)(?:으로|로)\s*(?:좀\s*)?(?:옮|바꾸|바꿔|바꿀|변경|미루|미뤄|미룰|당기|당겨|늦추|늦춰|늦출|앞당)", text)
    if m:  # "15일 예약을 17일로 옮겨 주세요": the new value sits between the object and 로
        return m[1]
    m = re.search(r"((?:\S+\s+){0,2}\S+?)(?:으로|로)\s*(?:좀\s*)?(?:옮|바꾸|바꿔|바꿀|변경|미루|미뤄|미룰|당기|당겨|늦추|늦춰|늦출|앞당)", text)
    if m:  # "8시 예약 9시 반으로 늦춰 주세요": the words right before 로 and the verb
        return m[1]
    m = re.search(r"에서\s*(.+?)(으로|로)(?![가-힣]{2})", text)
    return m[1] if m else text


def opening(store: Store, day: date) -> int:
    """Minute the store opens that day (10:00 when closed): "7시" before opening means evening."""
    starts = hours_on(store, day)
    return starts.span.start if starts.span else 600


def _exists(day: str) -> bool:
    """A real calendar day a booking could be about: a picker sending 0001-01-01 would overflow the
    day-before arithmetic of late-closing shops, and no shop books a year outside 1900-2999."""
    try:
        return 1900 <= date.fromisoformat(day).year <= 2999
    except ValueError:
        return False


def _servable(store: Store, day: date, minute: int, meridiem_given: bool) -> int:
    """A clock time without 오전/오후 read the way the shop serves: "1시 반" in a pub open until
    02:00 is 01:30, in a restaurant 13:30; the parser's reading stays when both or neither serve."""
    if meridiem_given:
        return minute
    serving = {m % 1440 for m in serving_starts(store, day)}
    if minute % 1440 in serving:
        return minute
    other = (minute + 720) % 1440
    return other if other in serving else minute


def _grid_up(store: Store, day: date, minute: int) -> int:
    """The first slot at or after `minute` ("한 시간 뒤" at 17:10 is the 18:30 slot in a 30-minute grid)."""
    span = hours_on(store, day).span
    slot = store.reservation.slot_minutes
    base = span.start if span else 0
    return base + -(-(minute - base) // slot) * slot if minute > base else minute


def read_details(turn: Turn, ctx: Context, state: dict[str, Any], dry_run: bool = False) -> bool:
    """Read every booking detail the message carries into `state`; True when it carried any.

    Structured values from a channel (a Kakao date or time picker) win over the text. `date` is
    the opening day a booking belongs to (a pub's 01:00 belongs to the evening before) and `time`
    its clock time; `availability.start_at` turns the pair into the start.
    """
    store, text, now = ctx.knowledge.store, ctx.text, ctx.now
    today = now.date()
    step = state.get("step")
    found: dict[str, Any] = {}
    new = after_change(text)
    if new != text and not has_details(new, now):
        new = text  # "내일 7시 4명 돼요? 그럼 예약할게요": the details sit before the marker
    day = turn.params.get("date")
    span = turn.params.get("date_range")
    if isinstance(day, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day, re.ASCII) and _exists(day):
        found["date"] = day
    elif isinstance(span, list) and len(span) == 2 and all(isinstance(d, str) and _exists(d) for d in span):
        found["date_range"] = span  # several days picked: which one is asked, none is taken
    else:
        mention = parse_date(new, today)
        if mention:
            found["date"] = mention.day.isoformat()
        else:
            ref = state.get("date") or state.get("asked_date")
            near = relative_day(new, date.fromisoformat(ref) if ref else None)
            if near:
                found["date"] = near.isoformat()
    clock = turn.params.get("time")
    later = relative_time(new, now)
    if isinstance(clock, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", clock, re.ASCII):
        found["time"] = clock
    elif later is not None and parse_time(new) is None:
        # "한 시간 뒤": today (or tonight's small hours), on the next slot of the grid.
        bday, minute = business_day(store, later)
        minute = _grid_up(store, bday, minute)
        found.setdefault("date", bday.isoformat())
        found["time"] = f"{minute // 60 % 24:02d}:{minute % 60:02d}"
    else:
        tonight = business_day(store, now)[0]  # after midnight in a late shop, still the evening before
        on = date.fromisoformat(found.get("date") or state.get("date") or tonight.isoformat())
        t = parse_time(new, opening(store, on))
        if t:
            minute = _servable(store, on, t.at.hour * 60 + t.at.minute, t.meridiem_given)
            if found.get("date") == today.isoformat() and tonight != today and minute < opening(store, today):
                found["date"] = tonight.isoformat()  # "오늘 1시 반" said at 00:20: the night under way
            unnamed = "date" not in found and not state.get("date") and not state.get("asked_date") and step != "date"
            if unnamed and start_at(store, tonight, minute, now.tzinfo) > now and minute % 1440 in {m % 1440 for m in serving_starts(store, tonight)}:
                found["date"] = tonight.isoformat()  # no day named: today, when that time is still ahead today
            found["time"] = f"{minute // 60 % 24:02d}:{minute % 60:02d}"
    given = turn.params.get("party")
    party = given if isinstance(given, int) and not isinstance(given, bool) else parse_party(new)
    if party is None and step == "party":
        m = re.fullmatch(r"\s*(\d{1,3})\s*(명|분|인)?\s*(이요|요)?\s*[.!~]*", text)
        party = int(m[1]) if m else None
    number = turn.params.get("number")
    if party is None and step == "party" and isinstance(number, int | float) and not isinstance(number, bool):
        party = int(number)  # Kakao's sys.number entity
    if turn.params.get("party") is None:
        changed = party_change(new, state.get("party"), parse_party)
        if changed is not None:
            party = changed  # "둘 빠져서 일곱 명으로 할게요"
    if party is not None:
        found["party"] = party
    phone = PHONE.search(turn.text)
    if phone:
        found["phone"] = digits(phone[0])
    wish = request_in(turn.text)
    if wish:
        found["request"] = wish
    name = name_in(turn.text, asked=step == "name" and not found)
    if name:
        found["name"] = name
    if not dry_run:
        state.update(found)
    return bool(found)
