"""Booking details in chat Korean that the calendar parsers in `korean_time` do not cover:
names, relative times and days, requests, yes and no.

General Korean, never phrases from a question set: a name is told by a family name at its start
and the ending people put after it; "한 시간 뒤" is counted from now; "그다음 날" from the day the
conversation was about.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.korean_time import NATIVE_NUMBERS, SINO_NUMBERS

# The family names that cover nearly every Korean (통계청 성씨 조사), one syllable each, plus
# the common two-syllable ones.
SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간상갈단견당"
) | {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문"}
# Words that start with a family-name syllable but are not names, common in booking chats.
NOT_NAMES = re.compile(
    r"^(그걸|그거|그게|이걸|이거|저걸|저거|오늘|내일|모레|이번|다음|저녁|점심|아침|오전|오후|주말|평일|시간|인원|예약|자리|"
    r"성함|이름|연락|전화|문의|확인|변경|취소|가능|안녕|감사|고맙|수고|사장|직원|주차|메뉴|가격|포장|배달|혼자|둘이|셋이|넷이|"
    r"다섯|여섯|일곱|여덟|아홉|한명|두명|세명|네명|네네|예예|좋아|조아|오케|진짜|정말|혹시|그럼|그냥|근데|아니|아뇨|괜찮|어른|"
    r"도착|방문|주문|반반|하나|부탁|상관|기념|생일|회식|모임|가족|친구|동료|아이|아기|유모차|창가|구석|단체|사람|손님|"
    r"금요|토요|일요|월요|화요|수요|목요|이브|연말|신정|설날|추석|성탄|크리|새벽|지금|당일|하루|이틀|사흘|나흘|그날|그다|"
    r"바로|조금|살짝|많이|제일|가장|한번|여기|거기|저기|이쪽|저쪽|먼저|나중|다시|계속|진행|완료|해주|해줘|부탁|알겠|됐어)"
)
NAME_ENDINGS = r"(?:이에요|예요|이고요|이구요|이요|입니다|이예요|인데요|이라고\s*해요|라고\s*해요|이라구요|라구요|으로요|으로|로요|로|요|입니당|이라예|라예|입니더|이라요|라요|이라카이|인데예|이예)"
NAME_LEAD = re.compile(r"(?:이름은|이름이|성함은|성함이|예약자는?|예약자\s*이름은?|예약자\s*성함은?|이름|성함)\s*[:：]?\s*([가-힣]{2,5})")
NAME_AS = re.compile(r"([가-힣]{2,5})\s*(?:으로|로|이름으로|앞으로)\s*(?:예약|해\s*주|해주|부탁|할게|잡아|올려|넣어|바꿔|바꿀|변경|수정|고쳐)")
NAME_SELF = re.compile(rf"(?:^|\s|[,.!~])(?:저는\s*|전\s*)?([가-힣]{{2,4}}?){NAME_ENDINGS}(?=\s|$|[,.!~?])")

YES = re.compile(
    r"^\s*(네|넵|넹|넴|녜|예|응|웅|어|엉|ㅇㅇ|ㅇㅋ|ㅇㅇㅇ|ㅇㅋㅇㅋ|오케이|오키|콜|굿|좋아요|좋아|좋습니다|조아요|그래요|그래|그렇게|그걸로|그대로|"
    r"확정|진행|맞아요|맞습니다|맞아|ok|okay|yes|ㄱㄱ|고고|부탁|예약\s*해|해\s*주세요|해주세요|잡아\s*주|해\s*줘|됐어요\s*예약)",
    re.I,
)
YES_ANYWHERE = re.compile(r"(그렇게\s*해\s*주|그대로\s*(해|진행|예약)|예약\s*(해\s*주|해주|확정|진행|부탁|할게|할께)|확정\s*(해|할)|진행\s*(해|할)|맞아요|좋아요|네\s*네|ㅇㅇ)")
NO = re.compile(r"^\s*(아니|아뇨|아니요|아니오|노|no|ㄴㄴ|잠깐|잠시만|틀려|틀렸)", re.I)

RELATIVE_TIME = re.compile(
    rf"(\d{{1,3}}|{'|'.join(sorted(NATIVE_NUMBERS, key=len, reverse=True))}|반)\s*(시간|분)\s*(반)?\s*(?:쯤|정도|가량)?\s*(?:뒤|후|있다가|있다|이따가|이따|지나서)"
)


def agrees(text: str) -> bool:
    """A yes to a summary, in the raw message (normalizing drops 초성 such as ㅇㅇ)."""
    raw = text.strip()
    return bool((YES.search(raw) or YES_ANYWHERE.search(raw)) and not NO.search(raw))


def _plain(text: str) -> str:
    return re.sub(r"[~!.?,]+$", "", text.strip())


def name_in(text: str, asked: bool) -> str | None:
    """A customer's name: after 이름은/성함은, before (으)로 예약, before an ending such as 이요 or
    입니다, or, when the bot has just asked for it, the message itself. Only words that start with a
    family name count, so "그걸로 할게요" is never a name."""
    for pattern in (NAME_LEAD, NAME_AS):
        m = pattern.search(text)
        if m and _name_like(_strip_ending(m[1])):
            return _strip_ending(m[1])
    plain = _plain(text)
    if asked:
        candidate = _strip_ending(plain)
        if re.fullmatch(r"[가-힣]{2,5}", candidate) and _name_like(candidate, strict=False):
            return candidate
        if re.fullmatch(r"[A-Za-z]{2,12}( [A-Za-z]{2,12})?", candidate):
            return candidate
    whole = _strip_ending(plain)
    if re.fullmatch(r"[가-힣]{3}", whole) and _name_like(whole):
        return whole  # a three-syllable word starting with a family name, sent alone: a name
    for m in NAME_SELF.finditer(plain):
        if len(m[1]) == 3 and _name_like(m[1]):
            return m[1]
    last = re.search(r"(?:예약|명|인|분)\S*\s+([가-힣]{3})$", plain)
    if last and _name_like(last[1]):
        return last[1]  # "…세 명 예약이요 박하람": a name signed at the end
    return None


def _strip_ending(word: str) -> str:
    return re.sub(rf"\s*{NAME_ENDINGS}$", "", word.strip()) or word


# "적을게요", "갈건데요", "뒤로요": verbs and particles, not names (checked when no name was asked for)
VERB_ENDS = set("게께래까죠데해돼봐줘워와니다요네걸건듯는던로에을를랑만")


def _name_like(word: str, strict: bool = True) -> bool:
    if NOT_NAMES.match(word) or len(word) < 2 or strict and word[-1] in VERB_ENDS:
        return False
    if word[:2] in SURNAMES and len(word) >= 3:
        return True
    if word[0] not in SURNAMES:
        return not strict and len(word) in (2, 3)
    return len(word) in (2, 3, 4) if not strict else len(word) == 3


def relative_time(text: str, now: datetime) -> datetime | None:
    """"한 시간 뒤", "30분 있다가", "한 시간 반 후": now plus that much."""
    m = RELATIVE_TIME.search(text)
    if not m:
        return None
    count = 0.5 if m[1] == "반" else int(m[1]) if m[1].isdigit() else NATIVE_NUMBERS.get(m[1]) or SINO_NUMBERS.get(m[1])
    if not count:
        return None
    minutes = count * 60 if m[2] == "시간" else count
    if m[3]:
        minutes += 30
    return now + timedelta(minutes=minutes)


def relative_day(text: str, reference: date | None) -> date | None:
    """"그다음 날", "다음날", "하루 뒤", "그 전날": a day counted from the one being talked about."""
    if reference is None:
        return None
    if re.search(r"(그\s*)?다음\s*날|담날|이튿날|하루\s*(뒤|후|늦게)|그\s*뒷날", text):
        return reference + timedelta(days=1)
    if re.search(r"(그\s*)?전\s*날|하루\s*(전|앞|일찍)", text):
        return reference - timedelta(days=1)
    return None


REQUEST_WORDS = re.compile(
    r"창가|아기\s*의자|유아\s*의자|유아용|하이체어|룸|방으로|조용한|구석|생일|기념일|휠체어|유모차|단체석|안쪽|바깥|테라스|[12]\s*층|"
    r"케이크|케익|좌식|입식|의자석|알레르기|흡연|금연"
)


def request_in(text: str) -> str | None:
    """A wish for the table ("유아 의자 부탁해요"), as the customer put it, without the booking
    details around it."""
    if not REQUEST_WORDS.search(text):
        return None
    clauses = re.split(r"[.,!?\n]|예약\S*|(?<=요)\s|(?<=고)\s", text)
    for clause in clauses:
        if clause and REQUEST_WORDS.search(clause):
            cleaned = clause.strip(" ~")
            if len(cleaned) >= 2:
                return cleaned[:60]
    return None


PARTY_WORD = (r"(?<![가-힣\d])((?:열|스물|스무|서른)\s*(?:하나|한|둘|두|셋|세|넷|네|다섯|여섯|일곱|여덟|아홉)?|\d{1,3}|하나|한|둘|두|셋|세|넷|네|"
              r"다섯|여섯|일곱|여덟|아홉)")


def party_change(text: str, current: int | None, parse: object) -> int | None:
    """A new party size in a correction: "아홉 명으로 해 주세요" (the target wins over "한 명 빠졌어요"),
    "세 명 늘어서 열한 명" (the result), "한 명 더" or "두 명 빠졌어요" (counted from the current size)."""
    from bot.korean_time import parse_party

    target = re.search(rf"{PARTY_WORD}\s*(?:명|분|사람|인)\s*(?:으로|로|이\s*될|될|돼|되|이\s*돼|이\s*되)", text)
    if target:
        return parse_party(target[0])
    delta = re.search(rf"{PARTY_WORD}\s*(?:명|분|사람)?\s*(더|추가|늘|빠|줄|못\s*와|안\s*와|빼)", text)
    if delta and current:
        n = parse_party(delta[1] + "명")
        if n:
            return current + n if delta[2] in ("더", "추가", "늘") else max(1, current - n)
    return None
