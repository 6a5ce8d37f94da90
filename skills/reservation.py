"""Table bookings: recognise book, check, change and cancel, and answer with the policy and how to book.

The multi-turn booking flow against table capacity is its own piece of work; until it lands
this skill still tells the customer everything true it can (closed days, limits, phone).
"""

from __future__ import annotations

import re

from bot.josa import josa
from bot.kb.schedule import hours_on
from bot.korean_time import format_date, parse_date, parse_party
from bot.messages import QuickReply, Reply, Turn
from skills.base import STAFF_QR, Context
from skills.menu import common_foods
from skills.store_info import policy_text

BOOKING = re.compile(
    r"예약|부킹|자리\s*(좀\s*)?(맡|잡)|(잡아|맡아)\s*(주|줄|둘|놔)|테이블\s*(잡|맡)|좌석\s*(잡|맡)"
)
CHECK = re.compile(r"확인|했는지|됐는지|잡혔|내역|조회|있는지\s*봐|한\s*거\s*있")
CHANGE = re.compile(r"변경|바꾸|바꿀|바꿔|늘리|늘릴|줄이|줄일|미루|미룰|당기|당길|옮기|옮길")
CANCEL = re.compile(r"취소|못\s*갈|못\s*가|안\s*갈|캔슬")
TABLE_WORDS = re.compile(r"자리|좌석|테이블|\d+\s*(명|인)|(두|세|네|다섯|여섯|일곱|여덟)\s*명|층|룸|단체석")


class ReservationSkill:
    name = "reservation"
    description = "테이블 예약을 하거나, 예약을 확인·변경·취소하려는 손님을 도와요."

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        if not ctx.has(BOOKING):
            return None
        # "케이크 예약" or "도시락 예약" is a pre-order of food, which the FAQ covers, not a table.
        food = ctx.mentions or any(w in common_foods() for w in re.findall(r"[가-힣]{2,}", ctx.text))
        if not ctx.has(TABLE_WORDS) and food and ctx.best_faq() is not None:
            return None
        booking_facts = (ctx.has(TABLE_WORDS) or ctx.has(CHECK) or ctx.has(CHANGE) or ctx.has(CANCEL)
                         or parse_date(ctx.text, ctx.now.date()) or parse_party(ctx.text))
        hit = ctx.best_faq()
        if not booking_facts and hit is not None and set(hit.matched) - {"예약", "하"}:
            return None  # "예약하면 보증금 내야 돼요?": the owner's FAQ on deposits, not a booking
        store = ctx.knowledge.store
        policy = store.reservation
        phone = f"매장 전화({store.phone})" if store.phone else "매장"
        if not policy.enabled:
            return Reply("reservation", [f"죄송해요, 지금은 예약을 받지 않고 있어요. 궁금한 점은 {phone}로 문의해 주세요."],
                         quick_replies=[STAFF_QR])
        if ctx.has(CANCEL):
            text = f"예약 취소를 도와드릴게요. 채팅 예약 관리는 준비 중이라, 지금은 {phone}로 예약하신 성함과 날짜를 알려 주시면 바로 취소해 드려요."
        elif ctx.has(CHANGE):
            text = f"예약 변경을 도와드릴게요. 채팅 예약 관리는 준비 중이라, 지금은 {phone}로 예약하신 성함과 바꾸실 내용을 알려 주세요."
        elif ctx.has(CHECK):
            text = f"예약 확인을 도와드릴게요. 채팅 예약 관리는 준비 중이라, 지금은 {phone}로 예약하신 성함을 알려 주시면 확인해 드려요."
        else:
            text = self._booking(ctx, phone)
        return Reply("reservation", [text, policy_text(store)], quick_replies=[STAFF_QR, QuickReply("영업시간", "영업시간 알려 주세요")])

    def _booking(self, ctx: Context, phone: str) -> str:
        store = ctx.knowledge.store
        today = ctx.now.date()
        mention = parse_date(ctx.text, today)
        party = parse_party(ctx.text)
        notes = []
        if mention:
            h = hours_on(store, mention.day)
            if h.span is None:
                why = f"{josa(h.holiday.reason, '으로')} 쉬는 날" if h.holiday and h.holiday.reason else "휴무일"
                notes.append(f"{josa(format_date(mention.day, today), '은')} {josa(why, '이라')} 예약이 어려워요.")
            elif (mention.day - today).days > store.reservation.max_days_ahead:
                notes.append(f"예약은 {store.reservation.max_days_ahead}일 뒤까지만 받아요.")
        if party and party > store.reservation.max_party:
            notes.append(f"{party}명은 온라인 예약 인원({store.reservation.max_party}명)보다 많아서 직원이 직접 도와드릴게요.")
        lead = " ".join(notes)
        return (lead + " " if lead else "") + f"예약은 {phone}로 날짜, 시간, 인원, 성함을 알려 주시면 잡아 드려요."
