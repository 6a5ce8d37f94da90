"""What booking messages say: dates, times, party, names, phones and requests in chat Korean.

The booking flow reads every message with these, so a customer may give the details in any
order, several at once, or change one mid-flow ("7시 말고 8시로").
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.bookings import digits
from bot.kb.records import Store
from bot.kb.schedule import hours_on
from bot.korean_time import parse_date, parse_party, parse_time
from bot.messages import Turn
from skills.base import Context

STOP = re.compile(r"그만|안\s*할래|안\s*할게|됐어요|됐습니다|취소할게|취소해\s*주세요|다음에\s*할게|나중에\s*할게|필요\s*없|관둘")
NO = re.compile(r"^\s*(아니|아뇨|아니요|아니오|노|no|ㄴㄴ|잠깐|잠시만)", re.I)
SKIP = re.compile(r"없어요|없음|건너|생략|안\s*(남길|알려|드릴)|괜찮아요|패스|skip", re.I)
PHONE = re.compile(r"(01[016789]|0\d{1,2})[-\s.]?\d{3,4}[-\s.]?\d{4}")
CODE = re.compile(r"(?<![A-Za-z0-9])([ACDEFGHJKLMNPRTUVWXY34679]{6})(?![A-Za-z0-9])")
REQUEST = re.compile(r"[^.,!?\n]{0,12}(창가|아기\s*의자|유아\s*의자|룸|방|조용한|구석|생일|기념일|휠체어|유모차|단체석|안쪽|바깥|테라스|2층|1층)[^.,!?\n]{0,12}")
NAME_PREFIX = re.compile(r"(이름은|성함은|예약자는?|예약자\s*이름은?)\s*([가-힣A-Za-z]{2,10})")
NAME_AS = re.compile(r"([가-힣]{2,5})\s*(으로|로|이름으로)\s*(예약|해\s*주|부탁|할게)")


def after_change(text: str) -> str:
    """The new value in "7시 말고 8시로", "2명에서 4명으로": what follows 말고 or sits before 로."""
    if "말고" in text:
        return text.split("말고", 1)[1]
    m = re.search(r"에서\s*(.+?)(으로|로)(?![가-힣]{2})", text)
    return m[1] if m else text


def opening(store: Store, day: date) -> int:
    """Minute the store opens that day (10:00 when closed): "7시" before opening means evening."""
    starts = hours_on(store, day)
    return starts.span.start if starts.span else 600


def _exists(day: str) -> bool:
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def read_details(turn: Turn, ctx: Context, state: dict[str, Any], dry_run: bool = False) -> bool:
    """Read every booking detail the message carries into `state`; True when it carried any.

    Structured values from a channel (a Kakao date or time picker) win over the text.
    """
    store, text = ctx.knowledge.store, ctx.text
    today = ctx.now.date()
    step = state.get("step")
    found = False
    new = after_change(text) if "말고" in text or re.search(r"에서.+로", text) else text
    day = turn.params.get("date")
    if isinstance(day, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day, re.ASCII) and _exists(day):
        value: Any = day
    else:
        mention = parse_date(new, today)
        value = mention.day.isoformat() if mention else None
    if value:
        found = True
        if not dry_run:
            state["date"] = value
    clock = turn.params.get("time")
    if isinstance(clock, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", clock, re.ASCII):
        hhmm: str | None = clock
    else:
        first = opening(store, date.fromisoformat(state["date"])) if state.get("date") else 600
        t = parse_time(new, first)
        hhmm = f"{t.at.hour:02d}:{t.at.minute:02d}" if t else None
    if hhmm:
        found = True
        if not dry_run:
            state["time"] = hhmm
    given = turn.params.get("party")
    party = given if isinstance(given, int) and not isinstance(given, bool) else parse_party(new)
    if party is None and step == "party":
        m = re.fullmatch(r"\s*(\d{1,3})\s*(명|분|인)?\s*(이요|요)?\s*", text)
        party = int(m[1]) if m else None
    number = turn.params.get("number")
    if party is None and step == "party" and isinstance(number, int | float) and not isinstance(number, bool):
        party = int(number)  # Kakao's sys.number entity
    if party is not None:
        found = True
        if not dry_run:
            state["party"] = party
    phone = PHONE.search(turn.text)
    if phone:
        found = True
        if not dry_run:
            state["phone"] = digits(phone[0])
    elif step == "phone" and SKIP.search(text):
        found = True
        if not dry_run:
            state["phone"] = ""
    request = REQUEST.search(text)
    if request and not dry_run:
        state["request"] = request[0].strip()[:60]
    name = read_name(turn.text, step)
    if name:
        found = True
        if not dry_run:
            state["name"] = name
    return found


def read_name(text: str, step: str | None) -> str | None:
    """A name given as 이름은 김민지 / 김민지로 예약, or any plain name when the bot just asked for one."""
    m = NAME_PREFIX.search(text) or NAME_AS.search(text)
    if m:
        return m[2] if m.re is NAME_PREFIX else m[1]
    if step == "name":
        candidate = re.sub(r"\s*(이에요|예요|입니다|이요|요|으로\s*해\s*주세요|로\s*해\s*주세요|으로요|로요)\s*[.!~]*$", "", text.strip())
        if re.fullmatch(r"[가-힣A-Za-z]{2,10}( [가-힣A-Za-z]{1,10})?", candidate) and not re.search(r"예약|언제|몇|뭐|어디", candidate):
            return candidate
    return None
