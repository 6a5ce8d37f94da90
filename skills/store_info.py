"""Opening hours, "open now?", holidays, address, phone and the booking policy, from store.toml only."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.josa import josa
from bot.kb.records import WEEKDAY_KO, WEEKDAYS, Store
from bot.kb.schedule import DayHours, hours_on, open_state
from bot.kb.tokenizer import kiwi
from bot.korean_time import format_clock, format_clock_both, format_date, parse_date, parse_time
from bot.messages import QuickReply, Reply, Source, Turn
from skills.base import BOOK_QR, Context

HOURS = re.compile(
    r"영업|장사|오픈|open|(월|화|수|목|금|토|일)요일\s*(에|에도|도|은|엔)?\s*(하세요|해요|하나요|하시나요|여세요|하죠)|문\s*(을\s*)?(열|닫|여)|열어|여나|여는|열려|열었|닫아|닫나|닫는|마감|몇\s*시\s*(까지|부터)|\d+\s*시\s*까지\s*(하|해|영업|열)|"
    r"라스트\s*오더|마지막\s*주문|주문\s*마감|브레이크|브타|쉬는\s*시간|운영\s*시간|하는\s*시간|끝나|"
    r"(?<![가-힣])여(?:세요|시나요|시죠|시는지|나요|는지|요\?)|(?<![가-힣])닫(?:으세요|으시나요|아요|나요|는지)|까지\s*(?:하|해|영업|열)|"
    r"[월화수목금토일]요일[^?.!]{0,8}?(?:하세요|해요|하나요|하시나요|여세요|열어요|장사|영업)"
)
CLOSED_DAY = re.compile(r"휴무|쉬는\s*날|쉬어요|쉬나요|쉬세요|쉬는지|쉬시|쉬십|쉽니까|쉬어|노는\s*날|휴일|정기\s*휴|문\s*(?:안|닫는)\s*(?:여|열|날)")
HOLIDAY = re.compile(r"임시\s*휴무|연휴|명절|설날|설\s*연휴|(?<![가-힣])설(?:에|날|\s*때|때|\s*(?:쇠|지나|끝|전|후|다음|당일|연휴|명절))|구정|추석|한가위|공휴일|휴가|연말|연초|크리스마스|성탄|신정|빨간\s*날|대체\s*휴일|어린이날|현충일|광복절|개천절|한글날|삼일절|석가탄신일|부처님\s*오신\s*날")
# Words of their own: 지도 is a map, not the end of 강아지도 ("우리 강아지도 안에 데려가도 돼요?").
ADDRESS = re.compile(
    # Not the customer's own address of a parcel or delivery (받는 주소, 배송지 주소, 주소 바꿔도).
    r"(?<!받는\s)(?<!받는)(?<!보낼\s)(?<!보낼)(?<!보내는\s)(?<!배송지\s)(?<!배송지)(?<!우리\s)(?<!우리집\s)(?<!집\s)주소(?!\s*(를|로)?\s*(다르게|바꿔|바꾸|변경|적|알려\s*드|남기))|(?<![가-힣])위치|찾아\s*가|찾아가|오시는\s*길|가는\s*길|가는\s*방법|네비|내비|(?<![가-힣])지도|(네이버|카카오|구글)\s*지도|몇\s*번\s*출구|(가게|매장|카페|식당|거기)\s*(가|는|이)?\s*어디"
)
# How to get there (an exit, a bus, the way from somewhere): the owner's directions FAQ, when one
# answers, says more than the address in store.toml.
DIRECTIONS = re.compile(r"찾아\s*가|오시는\s*길|가는\s*길|가는\s*방법|어떻게\s*가|출구|(?<![가-힣])역에서|버스|지하철|전철|택시|\b(station|exit|subway|bus|get there)\b", re.I)
# "어디쯤이에요?", "몇 동이에요?": the shop's place unless an FAQ answers it (화장실은 어디쯤이에요?).
WEAK_ADDRESS = re.compile(r"어디쯤|몇\s*동이|몇\s*호")
PHONE = re.compile(r"전화\s*(번호\s*)?(가\s*)?몇\s*번|(전화\s*번호|연락처|전번|가게\s*번호|매장\s*번호|(?<![가-힣])번호)\s*(좀|를|가|는|은|이)?\s*(알려|뭐|몇|어떻게|주세요|좀요|부탁|요$|$)|전화\s*(어떻게|하려면|드리려)")
# Only what store.toml's [reservation] knows (party size, days ahead, duration, lead time);
# deposits or no-show rules are the owner's FAQ to answer.
BOOKING_POLICY = re.compile(
    r"예약[^.?!]*(최대|몇\s*명\s*까지|몇\s*명이?\s*(까지|되|가능|받)|며칠|몇\s*일\s*(뒤|후|전|까지)|언제까지|몇\s*시간|몇\s*분|얼마\s*동안|동안|이용\s*시간|시간\s*제한)|"
    r"(당일|오늘\s*바로|바로)\s*예약\s*(도|은|이)?\s*(돼|되|가능|받)|예약\s*(은|도)?\s*(며칠|얼마나)\s*(전|미리)|예약제|예약\s*(을|도|은)?\s*(받으|받아|받나|받는|받으시|하나요|되나요|돼요|가능한가요|가능해요)\S*\s*\??$|"
    r"예약\s*(을|도|은)?\s*(받는|되는|하는|가능한)\s*(집|곳|가게|식당|데)"
)
NOW = re.compile(r"지금|현재|아직|이제")
# "지금 나서면 십오 분이면 가는데 주문 받으세요?", "가는 길인데 아직 열려 있죠?": whether the shop is still open,
# for ordering, when the customer gets there. The timing is the question, whatever they will order.
ARRIVING = re.compile(r"지금\s*(출발|가면|가믄|가도|갈게|가는|나가|나서|튀어)|가는\s*중|출발\s*(하면|하믄|하몬|할게|했)|도착\s*(하면|하믄|할\s*것|할\s*거|예정|하는데|하는디)|"
                      r"튀어\s*갈|(\d+|한|두|세|십|이십|삼십|사십|오십)\s*(분|시간)\s*(정도|쯤|이면|이믄)?\s*걸려|"
                      r"(\d+|한|두|세|십|이십|삼십|사십|오십)\s*(분|시간)\s*(정도|쯤)?\s*걸리")
# ... but not when the arrival only frames another question: a wait, room for a group, something to
# set up first, another day, or whether an item is there ("가자마자 포장할 빵 남아 있어요?").
NOT_ARRIVAL = re.compile(r"기다려|기다리|웨이팅|대기|사람\s*(이\s*)?(많|없)|자리\s*(가\s*)?(있|없|남)|들어갈|인원|단체|\d+\s*명|[가-힣]+\s*명\s*(정도|이|인데|쯤)|"
                         r"미리|번호|코스|처음부터|얼마나|내일|모레|다음\s*(주|달)|주말|[월화수목금토일]요일|"
                         r"(살|먹을|드실|마실)\s*수\s*있는\s*[가-힣]+\s*(이|가)?\s*(있|뭐)")
# A visit at a clock time ("8시 반쯤 들르면", "10시 지나서 가도"), on a day named or today; not a wait or a group.
AT_TIME = re.compile(r"시\s*(반|\d+\s*분)?\s*(에|쯤|넘어서|넘어|넘어서도|지나서|지나|전에|까지)?\s*(가면|가믄|가도|도착|들르면|들러도|들러|가서|가면은)")
NOT_AT_TIME = re.compile(r"기다려|기다리|웨이팅|대기|사람\s*(이\s*)?(많|없)|들어갈|인원|단체|\d+\s*명|미리|번호|코스|얼마나|줄\s*(서|이)|"
                         r"남아|남았|품절|팔려|떨어|다\s*나가")  # an item's being left at that hour is the menu's or a person's
# Verb stems of a visit and a purchase ("지나서 들러도 사 갈 수 있나요"): shared with an FAQ, they make no topic.
VISIT_STEMS = frozenset({"가", "오", "넘", "지나", "살", "사", "먹", "되", "하", "있", "받", "주", "들르", "들리"})
CAN_STILL = re.compile(r"(돼|되|될까|되나|되능|가능|있을까|있나|있능|수\s*있|안\s*닫|열어|열려|열었|받아|받나|받을|괜찮|하나요|하죠|할까)")
# Minutes on the way: "20분 걸리는데", "한 시간 걸려요", "삼십 분이면 가요".
TRAVEL = re.compile(r"(\d+|한|두|세|십|이십|삼십|사십|오십)\s*(분|시간)\s*(정도|쯤|이면|이믄)?\s*(걸|이면|이믄|안에|후|뒤)")
WORD_NUMBER = {"한": 1, "두": 2, "세": 3, "십": 10, "이십": 20, "삼십": 30, "사십": 40, "오십": 50}
MONTH = re.compile(r"(?<!\d)\d{1,2}\s*월(?!\s*\d+\s*일)|이번\s*달|다음\s*달|담달|이달|올해|연말|연초|"
                   r"(?:한|1)\s*달에\s*(?:한|두|1|2)\s*번|매달|매월|달마다|월\s*(?:1|2|한|두)\s*회|격주")
# Another business as the subject: "옆 가게는 언제 닫아요", "근처 꽃집", "중앙시장은 몇 시에 닫아요".
ELSEWHERE = re.compile(
    r"(?:옆|근처|주변|건너편|맞은편|앞|뒤|위층|아래층|윗층|다른)[가-힣\s\d]{0,12}?(?:집|가게|시장|마트|편의점|카페|식당|은행|약국|병원|미용실|세탁소|학원|노래방|피시방|주유소|헬스장|사진관|술집|매장)(?:은|는|이|가|도)?(?![가-힣])|"
    r"(?:[가-힣]{2,}\s?)?(?:야시장|시장|마트|백화점|해수욕장|공원|터미널|박물관)(?:은|는|이|가)(?![가-힣])"
)
# A place by its kind ("성동시장", "황남공원", "시외버스터미널"): another place unless the files name it.
PLACE = re.compile(r"([가-힣]{1,10}(?:시장|마트|백화점|해수욕장|공원|터미널|박물관|미술관|도서관|기념관|전시관|유원지|수목원|동물원|"
                   r"시청|구청|군청|주민센터|우체국|은행|성당|교회|사찰))(?:은|는|이|가|도|에서는)?(?![가-힣])")
# Holidays of one day or season, as a closure's reason and as a customer says them.
NAMED_HOLIDAYS = ((r"설|구정", r"(?<![가-힣])설|구정"), (r"추석|한가위", r"추석|한가위"), (r"크리스마스|성탄", r"크리스마스|성탄"),
                  (r"신정|새해|1월\s*1일", r"신정|새해\s*첫날"), (r"어린이날", r"어린이날"))
# Words of a closure's reason that name no day of their own.
GENERIC_REASON = frozenset({"연휴", "휴무", "임시", "임시휴무", "정기", "휴일", "쉽니다", "쉬어요", "하루", "가게", "매장", "사정",
                            "개인", "개인사정", "집안", "행사로", "당일", "전날", "다음날", "오전", "오후", "영업", "하루만",
                            "직원", "이틀", "사흘", "이어서", "정기휴무와", "정기휴무"})
# A holiday of a year the files cannot speak for yet.
NEXT_YEAR = re.compile(r"내년|내후년|다음\s*해|next\s+year", re.I)
# The words that place another business ("근처", "옆"): shared with an FAQ, they do not make it about that place.
LOCATORS = frozenset({"옆", "근처", "주변", "건너편", "맞은편", "앞", "뒤", "위층", "아래층", "윗층", "다른"})
TIME_TERM = re.compile(r"타임|시간|시각|오픈|영업|운영|휴무|휴일|쉬|날|임시|^\d+$|^[월일시주년달]$")
VISIT = re.compile(r"가도\s*(돼|되|괜찮)|열어|여나|열려|영업|문\s*(열|닫|여)|주문\s*(받|돼|되|가능)")
TIME_WORDS = re.compile(r"몇\s*시|\d+\s*시|오늘|내일|모레|주말|평일|[월화수목금토일]요일|아침|저녁|밤|점심|오전|오후|반")
# A visit's words whole, with their endings ("가도 되남" leaves no 남 to meet "남은 게장 싸 가요?").
VISIT_WORDS = re.compile(rf"(?:{VISIT.pattern}|{AT_TIME.pattern})\S*")


def _range(h: DayHours) -> str:
    assert h.span is not None
    return f"{format_clock(h.span.start)}부터 {format_clock(h.span.end)}까지"


def listing_clock(minute: int) -> str:
    """Minutes after midnight as a shop listing writes them (09:00, 21:30, 24:00; 02:00 past midnight)."""
    hour, m = divmod(minute - 1440 if minute > 1440 else minute, 60)
    return f"{hour:02d}:{m:02d}"


def week_summary(store: Store) -> str:
    """Group equal days: '화~목 09:00~21:00, 월 휴무'. The week is written as the owner wrote it in
    store.toml and as map listings show it (24-hour clock); the sentences around it speak (오후 9시)."""
    groups: list[tuple[list[str], str]] = []
    for key, ko in zip(WEEKDAYS, WEEKDAY_KO):
        span = store.hours.get(key)
        value = f"{listing_clock(span.start)}~{listing_clock(span.end)}" if span else "휴무"
        if groups and groups[-1][1] == value:
            groups[-1][0].append(ko)
        else:
            groups.append(([ko], value))
    parts = []
    for days, value in groups:
        label = days[0] if len(days) == 1 else f"{days[0]}~{days[-1]}"
        parts.append(f"{label} {value}")
    text = ", ".join(parts)
    extras = []
    if store.break_time:
        extras.append(f"브레이크 타임 {listing_clock(store.break_time.start)}~{listing_clock(store.break_time.end)}")
    if store.last_order_minutes:
        extras.append(f"라스트오더는 마감 {store.last_order_minutes}분 전")
    return text + (f" ({', '.join(extras)})" if extras else "")


def day_sentence(h: DayHours, today: date) -> str:
    label = format_date(h.day, today)
    if h.holiday:
        reason = f"{josa(h.holiday.reason, '으로')} " if h.holiday.reason else ""
        return f"{josa(label, '은')} {reason}쉬는 날이에요."
    if h.span is None:
        return f"{josa(label, '은')} 정기 휴무일이에요."
    text = f"{josa(label, '은')} {_range(h)} 영업해요."
    if h.break_time:
        text += f" {format_clock(h.break_time.start)}~{josa(format_clock(h.break_time.end), '은')} 브레이크 타임이에요."
    if h.last_order is not None:
        text += f" 마지막 주문은 {format_clock_both(h.last_order)}까지 받아요."
    return text


def _reopens(at: datetime | None, today: date) -> str:
    """" 11월 25일(수) 오전 11시에 다시 열어요.", or nothing when no opening is in sight."""
    return f" {format_date(at.date(), today)} {format_clock(at.hour * 60 + at.minute)}에 다시 열어요." if at else ""


def _before_break_last_order(store: Store, at: datetime) -> tuple[int, int] | None:
    """(last order, break end) when `at` falls after the last order before the break and before the
    break itself: open, but taking no orders (knowledge-format.md: the last order comes before the
    break starts too). None otherwise."""
    h = hours_on(store, at.date())
    if not (h.break_time and store.last_order_minutes):
        return None
    last, minute = h.break_time.start - store.last_order_minutes, at.hour * 60 + at.minute
    return (last, h.break_time.end) if last < minute < h.break_time.start else None


class StoreInfoSkill:
    name = "store_info"
    description = "영업시간, 지금 영업 중인지, 휴무일, 주소, 전화번호, 예약 규정을 매장 정보 그대로 알려 줘요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        store = ctx.knowledge.store
        if store.reservation.enabled and (ctx.booking_shaped or ctx.has(r"예약") and ctx.names_booking_details):
            return None  # "다음 주 수요일 세 명 돼요?": a booking, which the reservation skill takes
        if ctx.allergies:
            return None  # "명절에 약밥 … 견과류 알레르기": a question of safety, never of opening days
        if ctx.has(BOOKING_POLICY) and not ctx.names_booking_details:
            return self._reservation(ctx)
        if (ctx.has(ADDRESS) or ctx.has(WEAK_ADDRESS) and ctx.best_faq() is None) and store.address:
            if ctx.has(DIRECTIONS) and ctx.best_faq() is not None:
                return None  # "몇 번 출구로 나가요?": the owner's own directions, not the street address
            return self._address(store)
        if ctx.has(PHONE) and store.phone:
            return self._phone(store)
        hours, closed, holiday = ctx.has(HOURS), ctx.has(CLOSED_DAY), ctx.has(HOLIDAY) or bool(self._owners_closure(ctx))
        if holiday and not (hours or closed) and ctx.has(r"메뉴|이벤트|할인|행사|특선|선물|세트|케이크|굿즈"):
            return None  # "성탄절엔 한정 메뉴 나와요?": the day frames another question
        if ctx.has(ARRIVING) and ctx.has(CAN_STILL) and not ctx.has(r"배달|택배|배송|예약|보내|부쳐|픽업\s*시간") \
                and not ctx.has(NOT_ARRIVAL) and len(ctx.text) <= 120 \
                and not (ctx.has(ELSEWHERE) or self._other_place(ctx)):
            return self._arriving(ctx)
        if ctx.has(AT_TIME) and parse_time(ctx.text) and ctx.has(CAN_STILL) and not ctx.has(r"배달|택배|배송|예약|보내|부쳐|픽업\s*시간|자리|좌석") \
                and not ctx.has(NOT_AT_TIME) and not any(m.score >= 0.8 for m in ctx.mentions) and len(ctx.text) <= 120 \
                and not (ctx.has(ELSEWHERE) or self._other_topic(ctx) or self._other_place(ctx)):
            return self._arriving(ctx)  # "금요일 밤 10시 지나서 들러도 포장 되나요?": open and ordering then
        dated = parse_date(ctx.text, ctx.now.date())
        if dated and dated.explicit and ctx.has(VISIT):
            holiday = True  # "12월 31일에 가도 돼요?": whether the store is open that day
        elif (dated or parse_time(ctx.text)) and ctx.has(VISIT) and not ctx.has(r"예약|자리|좌석"):
            hours = True  # "토요일 밤 늦게 가도 주문 돼요?"
        if not (hours or closed or holiday):
            learned = self._learned_topic(ctx)
            if learned == "address" and store.address:
                return self._address(store)
            if learned == "phone" and store.phone:
                return self._phone(store)
            if learned == "booking_policy" and not ctx.names_booking_details:
                return self._reservation(ctx)
            hours, holiday = learned == "hours", learned == "holidays"
            if not (hours or holiday):
                return None
        if ctx.has(r"예약|자리\s*(있|잡|맡|남)") and (parse_time(ctx.text) or re.search(r"\d+\s*(명|인)|[한두세네]\s*(명|분)", ctx.text)):
            return None  # "성탄절 저녁 6시에 다섯 명 예약": a booking, not a question about that day's hours
        if ctx.has(ELSEWHERE) or self._other_topic(ctx) or self._other_place(ctx):
            return None  # store.toml knows this shop's hours only
        if (ctx.has(HOLIDAY) or self._owners_closure(ctx)) and ctx.has(NEXT_YEAR) and not self._next_year_listed(ctx):
            return None  # "내년 설에도 해요?": the dated closures do not reach it; an owner's FAQ or a person answers
        return self._hours(ctx, holiday)

    @staticmethod
    def _address(store: Store) -> Reply:
        return Reply("store_info", [f"{josa(store.name, '은')} {store.address}에 있어요."], [Source("store", "address")],
                     quick_replies=[QuickReply("전화번호", "전화번호 알려 주세요"), BOOK_QR])

    @staticmethod
    def _phone(store: Store) -> Reply:
        return Reply("store_info", [f"{store.name} 전화번호는 {josa(store.phone or '', '이에요')}."], [Source("store", "phone")])

    @staticmethod
    def _learned_topic(ctx: Context) -> str | None:
        """The trained reader's topic (bot/understand/store_topics.py) for a question the patterns
        above missed, taken only when nothing else claims it: no FAQ answers it, it names no menu item,
        and it is not about another business."""
        if ctx.best_faq() is not None or any(m.score >= 1.0 for m in ctx.mentions) or ctx.has(ELSEWHERE):
            return None
        if ctx.faq_hits and ctx.learned_faq(ctx.faq_hits, ctx.query) is not None:
            return None  # the trained FAQ gate's answer ("갓 튀긴 거 몇 시쯤 나와요?") comes first
        from bot.understand import store_topics

        topic = store_topics.topic_of(ctx.query.clean, ctx.query.morphemes)
        if topic == "booking_policy" and ctx.has(r"확인|취소|변경|바꾸|바꿔|미루|010"):
            return None  # a booking of their own to check or change (with its name and 010 number): the reservation skill's
        return topic

    @staticmethod
    def _arriving(ctx: Context) -> Reply:
        """Open, and still taking orders, when the customer arrives: now plus the time on the way
        they give ("20분 걸리는데"), or the clock time they give ("7시 반쯤 도착")."""
        store, now = ctx.knowledge.store, ctx.now
        arrive, said = now, ""
        travel = TRAVEL.search(ctx.text)
        dated = parse_date(ctx.text, now.date())
        day = dated.day if dated and not travel else now.date()
        h_day = hours_on(store, day)
        asked = parse_time(ctx.text, h_day.span.start if h_day.span else None)
        if travel:
            n = int(travel[1]) if travel[1].isdigit() else WORD_NUMBER[travel[1]]
            arrive = now + timedelta(minutes=n * (60 if travel[2] == "시간" else 1))
        elif asked:
            at = now.replace(year=day.year, month=day.month, day=day.day, hour=asked.at.hour, minute=asked.at.minute)
            arrive = at if at >= now else now
        past = bool(asked and not travel and ctx.has(r"시\s*(반|\d+\s*분)?\s*(넘어|지나)"))  # "9시 넘어서": after it
        if arrive != now:
            on = "" if arrive.date() == now.date() else f"{format_date(arrive.date(), now.date())} "
            said = f"도착하실 {on}{format_clock(arrive.hour * 60 + arrive.minute)}" + (" 넘어서" if past else "쯤")
            if past:
                arrive += timedelta(minutes=1)
        state = open_state(store, arrive)
        h = state.today
        minute = arrive.hour * 60 + arrive.minute
        when = (f"{said}는" if past else f"{said}에는") if said else "지금은"
        that_day = "오늘은" if arrive.date() == now.date() else "그날은"
        gap = _before_break_last_order(store, arrive)
        if state.open and gap is not None:
            text = f"{when} 브레이크 타임 전 마지막 주문({format_clock(gap[0])})이 지나서 주문이 어려워요. {format_clock(gap[1])}에 다시 주문 받아요."
        elif state.open and h.last_order is not None and minute > h.last_order:
            text = f"{when} 마지막 주문({format_clock(h.last_order)})이 지나서 주문이 어려워요. {that_day} {format_clock(h.span.end)}에 문을 닫아요."  # type: ignore[union-attr]
        elif state.open:
            last = f" 마지막 주문은 {format_clock_both(h.last_order)}까지예요." if h.last_order is not None else ""
            text = f"네, {when} 영업 중이에요. {that_day} {format_clock(h.span.end)}까지 열어요.{last}"  # type: ignore[union-attr]
        else:
            why = {"break": "브레이크 타임이에요.", "before": "아직 문을 열기 전이에요.", "after": "영업이 끝난 뒤예요.",
                   "closed_day": "정기 휴무일이에요.", "holiday": "쉬는 날이에요."}[state.reason]
            nxt = _reopens(state.next_open, now.date())
            text = f"{when} {why}{nxt}"
        return Reply("store_info", [text, f"영업시간: {week_summary(store)}"], [Source("store", "hours")])

    @staticmethod
    def _owners_closure(ctx: Context) -> str | None:
        """A word of a closure's reason the owner wrote that the message says ("다사인 연휴엔 문 닫으세요?",
        "김장하는 날 문 닫아요?"): the owner's own names for their days off are holiday words, whatever
        the calendar calls them. Words every reason has (연휴, 휴무, 임시) are no name."""
        if not (ctx.has(CLOSED_DAY) or ctx.has(VISIT) or ctx.has(HOURS) or ctx.has(r"쉬|장사|영업|문\s*(열|닫|여)")):
            return None  # the word must come with a question of opening ("오븐 점검" is no reason to ask about an 오븐)
        for h in ctx.knowledge.store.holidays:
            for word in re.findall(r"[가-힣]{2,}", h.reason):
                if word in GENERIC_REASON or word in ctx.knowledge.own_names or re.search(r"요일|[일월주]$", word) \
                        or TIME_WORDS.search(word) or CLOSED_DAY.search(word):
                    continue  # a menu's word (김장 김치) names a dish, a weekday or a date no day off
                if re.search(rf"(?<![가-힣]){re.escape(word)}", ctx.text):
                    return word
        return None

    @classmethod
    def _next_year_listed(cls, ctx: Context) -> bool:
        """Whether the owner listed next year's closure the customer names: a 설 asked needs a
        closure next year that says 설 (a 신정 on 1월 1일 is not it); a holiday word of no one day
        (연휴, 명절) is met by any closure next year."""
        ahead = [h for h in ctx.knowledge.store.holidays if h.day.year > ctx.now.year]
        own = cls._owners_closure(ctx)
        if own and not ctx.has(HOLIDAY):
            return any(own in h.reason for h in ahead)
        for names, pattern in NAMED_HOLIDAYS:
            if re.search(pattern, ctx.text):
                return any(re.search(names, h.reason) for h in ahead)
        return bool(ahead)

    @staticmethod
    def _other_place(ctx: Context) -> bool:
        """Whether the hours asked are another place's: a place named by its kind (시장, 공원, 터미널)
        or a proper noun (Kiwi's NNP: 첨성대, a bakery chain) that is not in the shop's name, address or
        menu, and that is not where the customer comes from or is ("부산에서 가는데", "서울인데"). The
        shop's own name said short (two syllables of it) is the shop."""
        own, name = ctx.knowledge.own_names, "".join(ctx.knowledge.store.name.split())
        if any("".join(m.group(1).split()) not in own for m in PLACE.finditer(ctx.text)):
            return True
        tok = kiwi()
        if tok is None:
            return False
        morphs = tok.morphemes(ctx.text)
        for i, m in enumerate(morphs):
            if m.tag != "NNP" or len(m.form) < 2 or not re.fullmatch(r"[가-힣]+", m.form):
                continue
            after = morphs[i + 1] if i + 1 < len(morphs) else None
            if after is not None and (after.tag.startswith("JKB") or after.tag == "VCP" or after.form in ("사람", "출신", "사", "살", "소재", "거주", "근처", "부근", "쪽")):
                continue  # where they come from or live ("서울인데"), or where the shop is by it, not the place asked about
            if m.form in own or any(m.form[j:j + 2] in name for j in range(len(m.form) - 1)):
                continue
            if HOLIDAY.search(m.form) or TIME_WORDS.search(m.form) or MONTH.search(m.form) or HOURS.search(m.form):
                continue
            if ctx.kb.index.lexicon.expand(m.form):
                continue  # shop words Kiwi calls proper nouns (라스트오더, 테이블링) name no place
            return True
        return False

    def _other_topic(self, ctx: Context) -> bool:
        """True when the message is really about an FAQ topic that mentions time (배달 몇 시까지)."""
        rest = ctx.text
        for pattern in (HOURS, CLOSED_DAY, HOLIDAY, NOW, TIME_WORDS, VISIT_WORDS):  # "8시쯤 들르면 주문돼요?" is no ordering FAQ
            rest = pattern.sub(" ", rest)
        hit = ctx.best_faq(ctx.kb.index.search(ctx.kb.index.query(rest), "faq", 3))
        if hit is None or hit.plain_confidence < 0.3:
            return False
        # An FAQ the message shares only time words with is not another topic, whatever it is about
        # (브레이크타임이 있나요?, or an item's "연어회 저녁에 가도 있어요?" for "몇 시에 열어요?"): store.toml, the one
        # source of opening times, answers; a message that shares more with the entry than its time
        # words (마감 할인, 추석 음식 주문 마감) is the entry's.
        other = [t for t in hit.matched if not any(p.search(t) for p in (HOURS, CLOSED_DAY, HOLIDAY, NOW, TIME_WORDS, TIME_TERM))
                 and t not in VISIT_STEMS]
        return bool(other)

    def _hours(self, ctx: Context, holiday_words: bool) -> Reply:
        store, now = ctx.knowledge.store, ctx.now
        today = now.date()
        mention = parse_date(ctx.text, today)
        if mention and holiday_words and not mention.explicit:
            # "설 쇠고 그 주 금요일": a weekday counted from a holiday the clock cannot place (추석, 설
            # move every year) may be another week's; the dated closures answer instead.
            mention = None
        weekend = re.search(r"주말", ctx.text)
        sources = [Source("store", "hours")]
        texts: list[str] = []
        if mention:
            h = hours_on(store, mention.day)
            texts.append(day_sentence(h, today))
            asked = parse_time(ctx.text, h.span.start if h.span else None)  # "3시" in a shop open 11-21 is 15:00
            if asked and h.span:
                minute = asked.at.hour * 60 + asked.at.minute
                if minute < h.span.start:
                    texts.append(f"{format_clock(minute)}에는 아직 문을 열기 전이에요.")
                elif minute >= h.span.end:
                    texts.append(f"{format_clock(minute)}에는 이미 영업이 끝난 시간이에요.")
                elif h.break_time and h.break_time.contains(minute):
                    texts.append(f"{josa(format_clock(minute), '은')} 브레이크 타임이에요.")
                else:
                    texts.append(f"{format_clock(minute)}에는 영업 중이에요.")
            if h.holiday or ctx.has(HOLIDAY):
                # The fact comes from the dated closures, or the customer asks about a holiday the
                # owner did not list (the shop is open then); an ordinary date, even one named by its
                # day of the month, is answered from the weekly hours.
                sources.insert(0, Source("store", "holidays"))
        elif weekend:
            for offset in range(7):
                d = today + timedelta(days=offset)
                if d.weekday() >= 5:
                    texts.append(day_sentence(hours_on(store, d), today))
        elif ctx.has(NOW) or re.search(r"오늘", ctx.text):
            state = open_state(store, now)
            gap = _before_break_last_order(store, now)
            if state.open and gap is not None:
                # Open, but the orders before the break have closed (knowledge-format.md).
                texts.append(f"지금은 영업 중이지만 브레이크 타임 전 마지막 주문({format_clock(gap[0])})이 지나서, "
                             f"주문은 {format_clock(gap[1])}부터 다시 받아요.")
            elif state.open:
                h = state.today
                last = f" 마지막 주문은 {format_clock_both(h.last_order)}까지예요." if h.last_order is not None else ""
                texts.append(f"네, 지금 영업 중이에요! 오늘은 {format_clock(h.span.end)}까지 열어요.{last}")  # type: ignore[union-attr]
            else:
                why = {
                    "break": "지금은 브레이크 타임이에요.",
                    "before": "아직 문을 열기 전이에요.",
                    "after": "오늘 영업은 끝났어요.",
                    "closed_day": "오늘은 정기 휴무일이에요.",
                    "holiday": f"오늘은 {state.today.holiday.reason or '임시 휴무'}로 쉬어요." if state.today.holiday else "",
                }[state.reason]
                nxt = _reopens(state.next_open, today)
                texts.append(why + nxt)
        elif holiday_words or ctx.has(CLOSED_DAY) and (ctx.has(MONTH) or not closed_weekdays(store) and any(h.day >= today for h in store.holidays)):
            # "다음 달에 따로 쉬는 날 있을까요?": a month's closures are the dated holidays, not the weekday;
            # so are a shop's days off when it has no weekly one ("노는 날이 따로 있어요?").
            sources = [Source("store", "holidays"), Source("store", "hours")]
            texts.append(self._holiday_text(store, today))
        if re.search(r"브레이크|브타|쉬는\s*시간", ctx.text) and not texts:
            if store.break_time:
                texts.append(f"브레이크 타임은 매일 {format_clock(store.break_time.start)}부터 {format_clock(store.break_time.end)}까지예요. 이 시간에는 주문과 입장이 어려워요.")
            else:
                texts.append("브레이크 타임 없이 영업시간 내내 주문하실 수 있어요.")
        if re.search(r"라스트\s*오더|마지막\s*주문|주문\s*마감", ctx.text) and store.last_order_minutes and not texts:
            h = hours_on(store, today)
            tail = f" 오늘은 {format_clock_both(h.last_order)}까지예요." if h.last_order is not None else ""
            if h.last_order is not None and h.break_time is not None:
                # The last order also falls before the break (shared/spec/knowledge-format.md): lunch
                # has its own, which a customer planning a late lunch asks about.
                lunch = h.break_time.start - store.last_order_minutes
                tail = f" 오늘은 점심 {format_clock_both(lunch)}, 저녁 {format_clock_both(h.last_order)}까지예요."
            texts.append(f"마지막 주문은 마감 {store.last_order_minutes}분 전까지 받아요.{tail}")
        closed_days = closed_weekdays(store)
        if closed_days and ctx.has(CLOSED_DAY) and not any("정기 휴무" in t for t in texts):
            # "노는 요일이 언제죠?", "수요일이 휴무 맞나요?": the weekly closed day said in full,
            # also after the answer about the day named, which may not be it.
            days = ", ".join(closed_days)
            texts.append(f"정기 휴무는 매주 {josa(days, '이에요')}." if texts else f"매주 {josa(days, '은')} 정기 휴무예요.")
            soon = [h for h in store.holidays if today <= h.day <= today + timedelta(days=14)]
            if soon and not any("휴무일은" in t for t in texts):
                # A closure in the next two weeks is what someone asking about days off must hear too.
                if len(soon) == 1:
                    label, reason = format_date(soon[0].day, today), soon[0].reason
                    texts.append(f"그리고 {josa(label, '은')} {josa(reason, '으로') + ' ' if reason else ''}쉬어요.")
                else:
                    texts.append(f"그리고 {', '.join(format_date(h.day, today) for h in soon)}에도 쉬어요.")
        texts.append(f"영업시간: {week_summary(store)}")
        return Reply("store_info", texts, sources, quick_replies=[BOOK_QR, QuickReply("오시는 길", "주소 알려 주세요")])

    def _holiday_text(self, store: Store, today: date) -> str:
        upcoming = [h for h in store.holidays if h.day >= today][:5]
        closed = closed_weekdays(store)
        parts = []
        if upcoming:
            days = ", ".join(f"{format_date(h.day)}{f'({h.reason})' if h.reason else ''}" for h in upcoming)
            parts.append(f"예정된 휴무일은 {josa(days, '이에요')}.")
        else:
            parts.append("따로 예정된 임시 휴무는 없어요.")
        if closed:
            parts.append(f"정기 휴무는 매주 {josa(', '.join(closed), '이에요')}.")
        return " ".join(parts)

    def _reservation(self, ctx: Context) -> Reply:
        policy = ctx.knowledge.store.reservation
        if not policy.enabled:
            text = "죄송해요, 지금은 예약을 받지 않고 있어요. 방문하시면 바로 자리를 안내해 드릴게요."
            return Reply("store_info", [text], [Source("store", "reservation")])
        # A shop that takes bookings: the details that follow ("모레요") start one.
        return Reply("store_info", [policy_text(ctx.knowledge.store) + " 예약하시려면 날짜와 시간, 인원을 알려 주세요."],
                     [Source("store", "reservation")], quick_replies=[BOOK_QR], awaiting="reservation", state={"mode": "book", "soft": True})


def closed_weekdays(store: Store) -> list[str]:
    """The weekly closed days, as said in a sentence (월요일, 화요일)."""
    return [WEEKDAY_KO[i] + "요일" for i, key in enumerate(WEEKDAYS) if store.hours.get(key) is None]


def policy_text(store: Store) -> str:
    p = store.reservation
    duration, lead = span_text(p.duration_minutes), span_text(p.min_lead_minutes)
    parts = [
        f"예약은 최대 {p.max_party}명까지 받고, 한 번 예약하시면 {duration} 동안 이용하실 수 있어요.",
        f"오늘부터 {p.max_days_ahead}일 뒤까지 예약할 수 있고, 방문 {lead} 전까지 예약해 주셔야 해요.",
        f"{p.max_party + 1}명 이상 단체는 직원이 따로 도와드려요.",
    ]
    return " ".join(parts)


def span_text(minutes: int) -> str:
    """90 -> '1시간 30분', 120 -> '2시간', 45 -> '45분'."""
    h, m = divmod(minutes, 60)
    return " ".join(part for part in (f"{h}시간" if h else "", f"{m}분" if m else "") if part) or "0분"

