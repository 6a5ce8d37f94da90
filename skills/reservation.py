"""Table bookings in the chat: book, check, change and cancel, against the store's real tables.

Booking is a multi-turn flow kept in the conversation state: every message may carry any of
date, time, party, name, phone and a request, in any order; the bot asks only for what is
missing, one question at a time, confirms with 예/아니오, and only "예" books. Storage makes a
double booking impossible; a customer who loses a race is offered the nearest free times.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.availability import business_day, check, serving_starts, start_at
from bot.bookings import Booking, Refused
from bot.josa import josa
from bot.kb.records import Store
from bot.korean_time import format_clock, format_date, parse_date, parse_party, parse_time
from bot.messages import Card, QuickReply, Reply, Source, Turn
from bot.understand.slots import NO, agrees, party_change, relative_day, relative_time
from skills.base import STAFF_QR, Context
from skills.booking_words import (
    CODE,
    PHONE,
    STOP,
    after_change,
    has_details,
    opening,
    read_details,
)
from skills.escalate import REQUEST as PERSON
from skills.menu import common_foods

BOOKING = re.compile(
    r"예약|부킹|자리\s*(좀\s*)?(맡|잡)|(잡아|맡아)\s*(주|줄|둘|놔)|테이블\s*(잡|맡)|좌석\s*(잡|맡)"
)
# A wish to book; "예약하려면 …?" (if one wants to) asks a condition instead.
WANT = re.compile(r"예약\s*(하려(?!면)|할려(?!면)|하고\s*싶|할게|할께|할래|부탁|해\s*주세요|해주세요|하려구|하러|좀\s*하)")
CHECK = re.compile(r"확인|했는지|됐는지|잡혔|내역|조회|있는지\s*봐|한\s*거\s*있|예약\s*(한\s*거|했던\s*거)\s*(있|봐|알려)")
CHANGE = re.compile(r"변경|바꾸|바꿀|바꿔|늘리|늘릴|늘려|늘어|늘었|줄이|줄일|줄여|줄어|줄었|미루|미룰|미뤄|당기|당길|당겨|앞당|늦추|늦출|늦춰|옮기|옮길|옮겨|말고|빠졌|빠져|추가로|더\s*(온|와|늘)")
CANCEL = re.compile(r"취소|못\s*갈|못\s*가|안\s*갈|캔슬")
# The rules around a booking that the owner's FAQ writes (a deposit, its account, lateness, a smaller
# party's deposit, rain on a terrace): asked with a day or a party, still a question, not a booking.
RULES_ASKED = re.compile(r"예약금|선금|선결제|보증금|계약금|계좌|위약금|노쇼|늦(을|으면|는데|어지|게\s*(되|도착))|연착|지각|"
                         r"(낸|보낸|넣은)\s*돈|비\s*(오면|온대)|\b(deposit|late|prepay)\b", re.I)
TABLE_WORDS = re.compile(r"자리|좌석|테이블|\d+\s*(명|인)|(두|세|네|다섯|여섯|일곱|여덟)\s*명|층|룸|단체석")
STEPS = ("date", "time", "party", "name")  # phone and request are offered at the summary, never asked
DETAILS = ("date", "time", "party", "name", "phone", "request", "date_range")
QUESTIONS = {
    "date": "어느 날짜로 예약해 드릴까요?",
    "time": "몇 시로 예약해 드릴까요?",
    "party": "몇 분이 오세요?",
    "name": "예약하실 분 성함을 알려 주세요.",
}
RESUME = QuickReply("예약 계속하기", "예약 계속할게요")


def _iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M")


def _when(d: datetime, today: date) -> str:
    return f"{format_date(d.date(), today)} {format_clock(d.hour * 60 + d.minute)}"


def _short_when(d: datetime, today: date) -> str:
    """A quick-reply label (at most 14 characters): '오후 7시 30분' today, '11/27 오후 7시' otherwise."""
    clock = format_clock(d.hour * 60 + d.minute)
    return clock if d.date() == today else f"{d.month}/{d.day} {clock}"




class ReservationSkill:
    name = "reservation"
    description = "테이블 예약을 받고(날짜·시간·인원·성함), 예약을 확인·변경·취소해요. 빈 테이블이 있을 때만 예약돼요."
    resume = RESUME  # offered after an unrelated question interrupts a booking

    async def respond(self, turn: Turn, ctx: Context) -> Reply | None:
        state = ctx.state if ctx.awaiting == self.name else {}
        if state:
            reply = await self._continue(turn, ctx, dict(state))
            if reply is not None:
                return reply
        picked = "date" in turn.params or "time" in turn.params  # a date or time picker: only bookings use them
        if not (ctx.has(BOOKING) or picked or ctx.booking_shaped):
            # "7시 말고 8시로 바꿀 수 있어요?", "그거 취소해 주세요" from someone with a booking: about that booking.
            moved = ctx.has(CHANGE) and has_details(after_change(ctx.text), ctx.now)
            if (moved or ctx.has(CANCEL)) and ctx.bookings and await ctx.bookings.upcoming(turn.channel, turn.user_key, ctx.now):
                return await (self._start_change(ctx) if moved else self._start_cancel(ctx))
            return None
        if ctx.group_faq is not None and not (parse_date(ctx.text, ctx.now.date()) or parse_time(ctx.text)) and not ctx.has(WANT):
            return None  # "서른두 명이 한자리에 모일 수 있나요?": the owner's entry for parties that size answers
        # A deposit said in the customer's words ("돈 보내야 돼요?") is the lexicon's 예약금 too.
        deposit = "예약금" in ctx.query.concepts
        rule = ctx.best_faq() if (ctx.has(RULES_ASKED) or deposit) and not ctx.has(WANT) else None
        entry = ctx.knowledge.faq(rule.id) if rule is not None else None
        if rule is not None and entry is not None and (RULES_ASKED.search(f"{entry.id} {entry.answer}") or deposit and "예약금" in rule.matched):
            return None  # "토요일 7명인데 예약금 있나?": the owner's rule on deposits answers, not a new booking
        food = ctx.mentions or any(w in common_foods() for w in re.findall(r"[가-힣]{2,}", ctx.text))
        if not ctx.has(TABLE_WORDS) and food and ctx.best_faq() is not None:
            return None  # "케이크 예약": a pre-order of food, which the owner's FAQ covers
        store = ctx.knowledge.store
        if not store.reservation.enabled and not ctx.has(r"자리|좌석|테이블|룸") and ctx.best_faq() is not None:
            return None  # no tables to book here: "케익 예약" is a pre-order, which the owner's FAQ covers
        if not store.reservation.enabled:
            phone = f" 궁금한 점은 매장 전화({store.phone})로 문의해 주세요." if store.phone else ""
            text = f"죄송해요, 지금은 예약을 받지 않고 있어요.{phone}"
            if not (parse_date(ctx.text, ctx.now.date()) or parse_time(ctx.text) or parse_party(ctx.text)):
                # "예약 받으세요?": a question about the shop's policy, which store.toml answers.
                return Reply("store_info", [text], [Source("store", "reservation")], quick_replies=[STAFF_QR])
            return Reply("reservation", [text], quick_replies=[STAFF_QR])
        wants_facts = ctx.has(TABLE_WORDS) or parse_date(ctx.text, ctx.now.date()) or parse_party(ctx.text)
        hit = ctx.best_faq()
        wish = ctx.has(WANT) and not ctx.is_question  # "환갑이라 식사 자리 예약하려고요": a booking, whatever FAQ matches
        if not (wants_facts or wish or ctx.has(CHECK) or ctx.has(CHANGE) or ctx.has(CANCEL)) and hit is not None and set(hit.matched) - {"예약", "하"}:
            return None  # "예약하면 보증금 내야 돼요?": the owner's FAQ on deposits, not a booking
        dated = parse_date(ctx.text, ctx.now.date()) or parse_time(ctx.text) or relative_time(ctx.text, ctx.now)
        # The words the customer wrote, not the concepts a model read into them ("확인" is no pre-order).
        topic = (set(hit.matched) & set(ctx.query.morphemes)) - {"예약", "하", "명", "인", "자리", "좌석", "단체석", "테이블"} if hit is not None else set()
        if not dated and not wish and hit is not None and hit.plain_head >= 0.4 and any(not t.isdigit() for t in topic) and ctx.is_question:
            return None  # "열 명 예약하면 선금 있어요?": a question about the rules, which the owner's FAQ answers
        if ctx.has(CANCEL) and not ctx.has(CHANGE):
            return await self._start_cancel(ctx)
        if ctx.has(CHANGE) and not wants_facts or ctx.has(CHANGE) and (ctx.has(r"예약\s*(시간|날짜|인원)") or "말고" in ctx.text):
            return await self._start_change(ctx)
        if ctx.has(CHANGE) and ctx.bookings and await ctx.bookings.upcoming(turn.channel, turn.user_key, ctx.now):
            return await self._start_change(ctx)  # "수요일 예약 시간 바꿔 주세요": the booking they have
        if ctx.has(CHECK):
            return await self._check(ctx)
        fresh: dict[str, Any] = {"mode": "book"}
        read_details(turn, ctx, fresh)
        return await self._book(turn, ctx, fresh)

    # --- typed entry points: the model's tools call these, never a made-up sentence ------------

    async def start(self, ctx: Context, details: dict[str, Any]) -> Reply:
        """A booking with what is already known (date "YYYY-MM-DD", time "HH:MM", party, name, phone); the
        flow asks for the rest and books only on the customer's own yes, as for a typed request."""
        state: dict[str, Any] = {"mode": "book", **{k: v for k, v in details.items() if v not in (None, "")}}
        if not ctx.knowledge.store.reservation.enabled:
            phone = f" 궁금한 점은 매장 전화({ctx.knowledge.store.phone})로 문의해 주세요." if ctx.knowledge.store.phone else ""
            return Reply("reservation", [f"죄송해요, 지금은 예약을 받지 않고 있어요.{phone}"], quick_replies=[STAFF_QR])
        return await self._book(ctx.turn, ctx, state)

    async def check_mine(self, ctx: Context) -> Reply:
        return await self._check(ctx)

    async def cancel(self, ctx: Context) -> Reply:
        return await self._start_cancel(ctx)

    async def change(self, ctx: Context) -> Reply:
        return await self._start_change(ctx)

    # --- the booking flow: a dialogue manager over the conversation state ----------------------
    #
    # While a booking is open every customer turn is one of: details (an answer to the pending
    # question, or a correction of a detail already given), a confirmation or a refusal of the
    # summary, a stop, a request for a person, or a new question. Details are read from any turn;
    # a new question is answered by the skill it belongs to and the reply says what the booking
    # still needs (`reminder`); anything else is met with the pending question again, never with
    # a generic reply. Nothing reads as done unless the booking is in the database.

    async def _continue(self, turn: Turn, ctx: Context, state: dict[str, Any]) -> Reply | None:
        mode = state.get("mode")
        if mode == "book":
            return await self._continue_booking(turn, ctx, state)
        if mode in ("cancel", "change") and state.get("code"):
            if ctx.has(PERSON):
                return None
            if state.get("step") == "confirm" and (agrees(turn.text) or agrees(ctx.text)):
                return await self._apply(ctx, state)
            if NO.search(ctx.text) or ctx.has(STOP) and mode == "change" or mode == "cancel" and ctx.has(r"안\s*할|그냥\s*둘|유지"):
                return Reply("reservation", ["알겠어요, 예약은 그대로 두었어요."])
            if mode == "change":
                return await self._change(ctx, state)
            return None
        if mode in ("cancel", "change", "check") and (CODE.search(turn.text.upper()) or PHONE.search(turn.text)):
            # The code and phone asked for; the message's own words win over the earlier request.
            mode = "cancel" if ctx.has(CANCEL) else "change" if ctx.has(CHANGE) else "check" if ctx.has(CHECK) else mode
            return await {"cancel": self._start_cancel, "change": self._start_change, "check": self._check}[mode](ctx)
        return None

    async def _continue_booking(self, turn: Turn, ctx: Context, state: dict[str, Any]) -> Reply | None:
        step = state.get("step")
        if state.pop("soft", False):
            # After "예약 돼요?" was answered with the rules: details start the booking, anything else is not ours.
            if ctx.has(PERSON) or ctx.has(STOP) or not read_details(turn, ctx, state):
                return None
            return await self._book(turn, ctx, state)
        if ctx.has(PERSON):
            return None  # the escalate skill hands the chat over
        if ctx.has(STOP) or ctx.has(CANCEL) and not ctx.has(CHANGE):
            earlier = ctx.has(CANCEL) and ctx.has(r"방금|아까|했던|해\s*둔|해놓|잡은|된\s*거|한\s*거|기존")
            if earlier and ctx.bookings and await ctx.bookings.upcoming(turn.channel, turn.user_key, ctx.now):
                return await self._start_cancel(ctx)  # a booking made before this one: that is what goes
            return Reply("reservation", ["알겠어요, 예약은 진행하지 않았어요. 다른 궁금한 점이 있으면 편하게 물어봐 주세요."],
                         quick_replies=[QuickReply("새로 예약하기", "예약하고 싶어요")])
        before = {k: v for k, v in state.items() if k in DETAILS}
        read_details(turn, ctx, state)
        if {k: v for k, v in state.items() if k in DETAILS} != before:
            return await self._book(turn, ctx, state)  # an answer or a correction: checked, then the next question
        if step == "confirm":
            if NO.search(ctx.text):
                state["step"] = "edit"
                quick = [QuickReply("날짜 바꾸기", "날짜를 바꿀게요"), QuickReply("시간 바꾸기", "시간을 바꿀게요"),
                         QuickReply("인원 바꾸기", "인원을 바꿀게요"), QuickReply("예약 그만하기", "예약 그만할게요")]
                return Reply("reservation", ["어떤 걸 바꿔 드릴까요? 바꿀 날짜, 시간, 인원을 그대로 말씀해 주셔도 돼요."], quick_replies=quick,
                             awaiting=self.name, state=state)
            if agrees(turn.text) or agrees(ctx.text):
                return await self._confirm(turn, ctx, state)
        redo = re.search(r"(날짜|시간|인원|이름|성함|전화\s*번호|연락처)\S*\s*(을|를)?\s*(바꿀|바꿔|변경|다시)", ctx.text)
        if redo:
            field = {"날짜": "date", "시간": "time", "인원": "party", "이름": "name", "성함": "name"}.get(redo[1], "phone")
            state.pop(field, None)
            return await self._book(turn, ctx, state)
        if ctx.has(r"예약\s*계속"):
            return await self._book(turn, ctx, state)
        if ctx.is_question or ctx.mentions or ctx.best_faq() is not None:
            return None  # a new question: its own skill answers, and the reply says what the booking needs
        return await self._book(turn, ctx, state, again=True)

    def reminder(self, state: dict[str, Any], today: date) -> str:
        """What an open booking still needs, said after answering a question in the middle of it."""
        if state.get("mode") != "book" or state.get("soft"):
            return ""
        step = state.get("step")
        progress = self._progress(state, today)
        if step == "confirm":
            return f"예약은 아직 확정 전이에요. {progress} 이대로 예약할까요?".replace("  ", " ")
        ask = QUESTIONS.get(step or "", "")
        return f"예약도 이어서 도와드릴게요. {progress} {ask}".replace("  ", " ").strip() if ask else ""

    async def _book(self, turn: Turn, ctx: Context, state: dict[str, Any], again: bool = False) -> Reply:
        store, now = ctx.knowledge.store, ctx.now
        today = now.date()
        policy = store.reservation
        if state.get("party") is not None and state["party"] < 1:
            state.pop("party")
        if state.get("party") and state["party"] > policy.max_party:
            return self._too_many(ctx, state)
        notes: list[str] = []
        refusal = ""
        quick: list[QuickReply] = []
        span = state.pop("date_range", None)
        if span:
            first, last = (date.fromisoformat(d) for d in span)
            state.pop("date", None)
            notes.append(f"예약은 하루씩 받아요. {format_date(first)}부터 {format_date(last)} 사이에서 하루를 골라 주세요.")
            days = [d for d in self._open_days(store, now, store.reservation.max_days_ahead + 1) if first <= d <= last]
            quick = [QuickReply(format_date(d), format_date(d)) for d in days[:8]]
        if state.get("date"):
            day = date.fromisoformat(state["date"])
            probe = start_at(store, day, 12 * 60, now.tzinfo)
            verdict = check(store, [], probe, state.get("party") or 1, now, allow=frozenset({"passed", "hours", "break", "too_soon", "grid"}))
            gone = day < business_day(store, now)[0]  # at 00:30 in a late shop the evening before is still on
            if gone or not verdict.ok and verdict.code in ("closed", "holiday", "too_far"):
                refusal = "passed" if gone else verdict.code
                notes.append(f"{josa(format_date(day, today), '은')} 이미 지난 날짜예요." if gone else verdict.reason)
                state["asked_date"] = state.pop("date")
                quick = [QuickReply(format_date(d), format_date(d)) for d in self._open_days(store, now, 4)]
        if state.get("date") and state.get("time") and state.get("party"):
            start = self._start(store, state, now)
            refused = await ctx.bookings.verdict(store, start, state["party"], now) if ctx.bookings else None
            if refused is not None:
                return self._unavailable(ctx, state, start, refused, notes)
        for step in STEPS:
            if state.get(step) in (None, ""):
                state["step"] = step
                if step == "date" and not quick:
                    quick = [QuickReply(format_date(d), format_date(d)) for d in self._open_days(store, now, 5)]
                if step == "time" and not quick and state.get("date"):
                    quick = await self._free_times(ctx, state)
                if step == "party":
                    quick = [QuickReply(f"{n}명", f"{n}명") for n in range(1, min(policy.max_party, 6) + 1)]
                lead = "예약을 이어서 할게요." if again else ""
                text = " ".join(p for p in (lead, *notes, self._progress(state, today), QUESTIONS[step]) if p)
                return Reply("reservation", [text], quick_replies=[*quick, QuickReply("예약 그만하기", "예약 그만할게요")],
                             awaiting=self.name, state=state, ask="date" if step == "date" else "time" if step == "time" else None,
                             refusal=refusal)
        state["step"] = "confirm"
        start = self._start(store, state, now)
        summary = self._summary(state, start, today)
        card = Card("예약 내용 확인", summary)
        ask = "이대로 예약할까요? 연락처나 요청 사항이 있으면 함께 적어 주세요."
        if state.get("phone") and state.get("request"):
            ask = "이대로 예약할까요?"
        lead = "아직 예약 전이에요." if again else ""
        return Reply("reservation", [" ".join(p for p in (lead, *notes, ask) if p), summary], cards=[card], card_texts=[ask],
                     quick_replies=[QuickReply("예", "예"), QuickReply("아니오", "아니오")], awaiting=self.name, state=state,
                     refusal=refusal)

    def _too_many(self, ctx: Context, state: dict[str, Any]) -> Reply:
        """A party above `max_party`: staff take it, with what the customer has said so far."""
        store, today = ctx.knowledge.store, ctx.now.date()
        known = self._progress(state, today).strip("[]")
        text = f"{state['party']}명 예약은 직원이 직접 도와드릴게요. 말씀하신 내용({known})을 직원에게 전달했어요. 곧 연락드릴게요."
        if store.phone:
            text += f" 급하시면 매장 전화({store.phone})로 연락 주세요."
        return Reply("reservation", [text], escalate=True, refusal="too_many", handoff="booking")

    def _unavailable(self, ctx: Context, state: dict[str, Any], start: datetime, refused: Refused, notes: list[str]) -> Reply:
        """One reason, the nearest free times, and the valid details kept: only the refused one is asked again."""
        now = ctx.now
        if refused.code in ("too_many", "no_tables"):
            return self._too_many(ctx, state) if refused.code == "too_many" else Reply(
                "reservation", [refused.reason + " 직원이 직접 도와드릴게요."], escalate=True, refusal=refused.code, handoff="booking")
        if refused.code in ("closed", "holiday", "too_far") or refused.code == "passed" and start.date() < now.date():
            state["asked_date"] = state.pop("date", None)
            state["step"] = "date"
        else:
            state.pop("time", None)
            state["step"] = "time"
        options = list(refused.options)
        if options:
            state["offered"] = [_iso(o) for o in options]
            same_day = all(o.date() == start.date() for o in options)
            listed = ", ".join(_short_when(o, start.date()) if same_day else _when(o, now.date()) for o in options)
            text = f"{refused.reason} 가능한 시간은 {listed}이에요. 어느 시간으로 할까요?"
            quick = [QuickReply(_short_when(o, start.date()), _when(o, now.date())) for o in options]
        else:
            text = f"{refused.reason} 가까운 날에는 빈자리가 없어요. 다른 날짜를 알려 주세요."
            quick = []
            state["step"] = "date"
            state["asked_date"] = state.pop("date", None)
        return Reply("reservation", [" ".join([*notes, text])], quick_replies=[*quick, QuickReply("예약 그만하기", "예약 그만할게요")],
                     awaiting=self.name, state=state, refusal=refused.code)

    async def _free_times(self, ctx: Context, state: dict[str, Any]) -> list[QuickReply]:
        store, now = ctx.knowledge.store, ctx.now
        day = date.fromisoformat(state["date"])
        free = await ctx.bookings.free_times(store, day, state.get("party") or 1, now) if ctx.bookings else []
        if len(free) > 8:  # a spread over the day
            free = [free[i] for i in sorted({round(i * (len(free) - 1) / 7) for i in range(8)})]
        return [QuickReply(format_clock(t.hour * 60 + t.minute), format_clock(t.hour * 60 + t.minute)) for t in free]

    @staticmethod
    def _open_days(store: Store, now: datetime, n: int) -> list[date]:
        """The next days with at least one time still bookable (today may be too late already)."""
        days = []
        earliest = now + timedelta(minutes=store.reservation.min_lead_minutes)
        for offset in range(0, store.reservation.max_days_ahead + 1):
            d = now.date() + timedelta(days=offset)
            starts = serving_starts(store, d)
            if starts and datetime.combine(d, time(0), now.tzinfo) + timedelta(minutes=starts[-1]) >= earliest:
                days.append(d)
            if len(days) >= n:
                break
        return days

    @staticmethod
    def _start(store: Store, state: dict[str, Any], now: datetime) -> datetime:
        hh, mm = (int(x) for x in state["time"].split(":"))
        return start_at(store, date.fromisoformat(state["date"]), hh * 60 + mm, now.tzinfo)

    @staticmethod
    def _progress(state: dict[str, Any], today: date) -> str:
        """What is known so far, so the customer sees the booking take shape."""
        parts = []
        if state.get("date"):
            parts.append(format_date(date.fromisoformat(state["date"]), today))
        if state.get("time"):
            hh, mm = (int(x) for x in state["time"].split(":"))
            parts.append(format_clock(hh * 60 + mm))
        if state.get("party"):
            parts.append(f"{state['party']}명")
        if state.get("name"):
            parts.append(state["name"])
        return f"[{' · '.join(parts)}]" if parts else ""

    @staticmethod
    def _summary(state: dict[str, Any], start: datetime, today: date) -> str:
        lines = [f"{_when(start, today)}", f"{state['party']}명 · {state['name']}"]
        if state.get("phone"):
            p = state["phone"]
            lines.append(f"연락처 {p[:3]}-{p[3:-4]}-{p[-4:]}" if len(p) >= 9 else f"연락처 {p}")
        if state.get("request"):
            lines.append(f"요청: {state['request']}")
        return "\n".join(lines)

    async def _confirm(self, turn: Turn, ctx: Context, state: dict[str, Any]) -> Reply:
        store, now = ctx.knowledge.store, ctx.now
        if ctx.bookings is None:
            return Reply("reservation", ["지금은 예약을 저장할 수 없어요. 매장으로 전화 부탁드려요."], quick_replies=[STAFF_QR])
        start = self._start(store, state, now)
        result = await ctx.bookings.book(store, start=start, party=state["party"], name=state["name"], now=now, channel=turn.channel,
                                         user_key=turn.user_key, phone=state.get("phone") or "", request=state.get("request") or "")
        if isinstance(result, Refused):
            return self._unavailable(ctx, state, start, Refused(result.code, f"그 사이에 {result.reason}", result.options), [])
        return Reply("reservation", [self._confirmation(result, store, now.date())], quick_replies=[QuickReply("예약 확인", "내 예약 확인해 주세요")],
                     moment="booked")

    @staticmethod
    def _confirmation(b: Booking, store: Store, today: date) -> str:
        lines = ["예약이 완료됐어요!", f"예약 코드: {b.code}", f"{_when(b.start, today)}, {b.party}명 ({b.name})"]
        if b.request:
            lines.append(f"요청: {b.request}")
        lines.append(f"{store.name} · {store.address}" if store.address else store.name)
        how = "취소나 변경은 이 채팅에서 '예약 취소' 또는 '예약 변경'이라고 보내 주세요."
        if store.phone:
            how += f" 매장 전화({store.phone})로 예약 코드를 알려 주셔도 돼요."
        lines.append(how)
        return "\n".join(lines)

    # --- check, change, cancel -----------------------------------------------------------------

    async def _mine(self, ctx: Context) -> list[Booking]:
        """The customer's upcoming bookings: this chat's, or one named by code and phone."""
        if ctx.bookings is None:
            return []
        code, phone = CODE.search(ctx.turn.text.upper()), PHONE.search(ctx.turn.text)
        if code and phone:
            found = await ctx.bookings.find(code[1], phone[0])
            return [found] if found and found.status == "confirmed" else []
        return await ctx.bookings.upcoming(ctx.turn.channel, ctx.turn.user_key, ctx.now)

    def _not_found(self, mode: str, ctx: Context) -> Reply:
        store = ctx.knowledge.store
        text = ("예약 내역을 찾지 못했어요. 다른 채팅이나 전화로 예약하셨다면 예약 코드와 전화번호를 함께 보내 주세요. "
                "(예: K7Q2XM 010-1234-5678)")
        if store.phone:
            text += f" 매장 전화({store.phone})로도 확인해 드려요."
        return Reply("reservation", [text], quick_replies=[QuickReply("새로 예약하기", "예약하고 싶어요"), STAFF_QR],
                     awaiting=self.name, state={"mode": mode})

    async def _check(self, ctx: Context) -> Reply:
        mine = await self._mine(ctx)
        if not mine:
            return self._not_found("check", ctx)
        today = ctx.now.date()
        lines = [f"• {_when(b.start, today)}, {b.party}명 ({b.name}) · 예약 코드 {b.code}" for b in mine]
        return Reply("reservation", ["확인된 예약이에요.\n" + "\n".join(lines)],
                     quick_replies=[QuickReply("예약 변경", "예약 변경할게요"), QuickReply("예약 취소", "예약 취소할게요")])

    async def _pick(self, ctx: Context, mode: str) -> tuple[Booking | None, Reply | None]:
        mine = await self._mine(ctx)
        if not mine:
            return None, self._not_found(mode, ctx)
        code = CODE.search(ctx.turn.text.upper())
        chosen = [b for b in mine if code and b.code == code[1]] or mine
        if len(chosen) > 1:
            # "10일 건은 취소하고 12일 건은 둘게요": the day named before the verb is the one meant
            verb = (CANCEL if mode == "cancel" else CHANGE).search(ctx.text)
            named = parse_date(ctx.text[: verb.start()] if verb else ctx.text, ctx.now.date())
            if named:
                chosen = [b for b in chosen if b.start.date() == named.day] or chosen
        if len(chosen) > 1:
            today = ctx.now.date()
            quick = [QuickReply(b.code, f"{b.code} 예약 {'취소' if mode == 'cancel' else '변경'}할게요") for b in chosen[:10]]
            lines = [f"• {b.code}: {_when(b.start, today)}, {b.party}명" for b in chosen]
            return None, Reply("reservation", ["어느 예약인지 골라 주세요.\n" + "\n".join(lines)], quick_replies=quick)
        return chosen[0], None

    async def _start_cancel(self, ctx: Context) -> Reply:
        booking, reply = await self._pick(ctx, "cancel")
        if reply:
            return reply
        assert booking is not None
        text = f"{_when(booking.start, ctx.now.date())} {booking.party}명 예약(코드 {booking.code})을 취소할까요?"
        return Reply("reservation", [text], quick_replies=[QuickReply("예", "예"), QuickReply("아니오", "아니오")], awaiting=self.name,
                     state={"mode": "cancel", "code": booking.code, "step": "confirm"})

    async def _start_change(self, ctx: Context) -> Reply:
        booking, reply = await self._pick(ctx, "change")
        if reply:
            return reply
        assert booking is not None
        return await self._change(ctx, {"mode": "change", "code": booking.code})

    async def _change(self, ctx: Context, state: dict[str, Any]) -> Reply:
        store, now = ctx.knowledge.store, ctx.now
        assert ctx.bookings is not None
        booking = await ctx.bookings.find(state["code"])
        if booking is None or booking.status != "confirmed":
            return Reply("reservation", ["그 예약은 이미 취소되었거나 찾을 수 없어요."])
        new = after_change(ctx.text)
        today = now.date()
        ref = booking.start.date()
        mention = parse_date(new, today)
        near = relative_day(new, ref)
        day = mention.day if mention else near if near else None
        t = parse_time(new, opening(store, day or ref))
        party = party_change(ctx.text, booking.party, parse_party) or parse_party(new)
        if not (day or t or party):
            return Reply("reservation", [f"{_when(booking.start, today)} {booking.party}명 예약을 어떻게 바꿔 드릴까요? 새 날짜, 시간, 인원을 알려 주세요."],
                         awaiting=self.name, state={**state, "step": "ask"})
        if day is None:
            day, minute = business_day(store, booking.start)
        else:
            minute = booking.start.hour * 60 + booking.start.minute
        if t:
            minute = t.at.hour * 60 + t.at.minute
        start = start_at(store, day, minute % 1440, now.tzinfo)
        party = party or booking.party
        if start == booking.start and party == booking.party:
            return Reply("reservation", [f"지금 예약이 {_when(booking.start, today)} {booking.party}명이에요. 어떻게 바꿔 드릴까요? 새 날짜, 시간, 인원을 알려 주세요."],
                         awaiting=self.name, state={**state, "step": "ask"})
        if party > store.reservation.max_party:
            return self._too_many(ctx, {"party": party, "date": day.isoformat(), "time": f"{minute // 60 % 24:02d}:{minute % 60:02d}"})
        refused = await ctx.bookings.verdict(store, start, party, now, moving=booking.code)
        if refused is not None:
            listed = ", ".join(_when(o, today) for o in refused.options)
            text = refused.reason + (f" 가능한 시간은 {listed}이에요." if refused.options else "") + " 다른 날짜나 시간을 알려 주세요."
            quick = [QuickReply(_short_when(o, today), f"{_when(o, today)}로 바꿔 주세요") for o in refused.options]
            return Reply("reservation", [text], quick_replies=quick, awaiting=self.name, state={**state, "step": "ask"},
                         refusal=refused.code)
        text = f"{_when(booking.start, today)} {booking.party}명 → {_when(start, today)} {party}명으로 바꿀까요?"
        return Reply("reservation", [text], quick_replies=[QuickReply("예", "예"), QuickReply("아니오", "아니오")], awaiting=self.name,
                     state={**state, "step": "confirm", "start": _iso(start), "party": party})

    async def _apply(self, ctx: Context, state: dict[str, Any]) -> Reply:
        store, now = ctx.knowledge.store, ctx.now
        assert ctx.bookings is not None
        today = now.date()
        if state["mode"] == "cancel":
            b = await ctx.bookings.set_status(state["code"], "cancelled")
            if b is None:
                return Reply("reservation", ["그 예약을 찾을 수 없어요."])
            return Reply("reservation", [f"{_when(b.start, today)} {b.party}명 예약(코드 {b.code})을 취소했어요. 다음에 또 찾아 주세요."],
                         quick_replies=[QuickReply("새로 예약하기", "예약하고 싶어요")])
        start = datetime.fromisoformat(state["start"]).replace(tzinfo=now.tzinfo)
        try:
            result = await ctx.bookings.move(store, state["code"], start=start, party=state["party"], now=now)
        except LookupError:
            return Reply("reservation", ["그 예약은 이미 취소되었거나 찾을 수 없어요."])
        if isinstance(result, Refused):
            return await self._change(ctx, {"mode": "change", "code": state["code"]})
        return Reply("reservation", [f"예약을 {_when(result.start, today)} {result.party}명으로 바꿨어요. 예약 코드는 그대로 {result.code}예요."])
