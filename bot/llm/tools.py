"""The skills offered to the model as tools, with typed arguments.

The model chooses a tool and fills its arguments; the skill does the work and enforces every
rule, exactly as it would for a typed message. A tool that starts or changes a flow (a booking,
a handover) ends the model's turn: its reply goes to the customer as the skill wrote it, and
the customer's next message (예/아니오) is read by the skill itself, never by the model.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from bot.availability import check, free_table, serving_starts
from bot.korean_time import format_clock, format_date
from bot.messages import Reply, Source, Turn


class SearchKnowledge(BaseModel):
    """가게의 FAQ·메뉴·매장 정보에서 질문에 대한 답을 찾아요. 주차, 포장, 와이파이 같은 이용 안내에 써요."""

    query: str = Field(description="찾을 내용을 손님 말투 그대로, 한 가지 주제만", max_length=300)


class GetMenuItems(BaseModel):
    """메뉴 항목의 가격, 설명, 알레르기 성분, 맵기를 가져와요."""

    names: list[str] = Field(default_factory=list, description="메뉴 이름들 (비우면 분류로)", max_length=10)
    category: str = Field(default="", description="메뉴 분류 (예: 커피, 찌개)", max_length=40)


class RecommendMenu(BaseModel):
    """손님의 조건에 맞는 메뉴를 추천해요. 조건을 지키는 건 이 도구가 해요."""

    allergies: list[str] = Field(default_factory=list, description="피해야 할 알레르기 성분 (예: 땅콩, 우유)", max_length=10)
    not_spicy: bool = Field(default=False, description="맵지 않은 것만")
    budget_per_person: int | None = Field(default=None, ge=0, le=1_000_000, description="1인 예산(원)")
    party: int | None = Field(default=None, ge=1, le=100, description="인원")
    with_kids: bool = Field(default=False, description="아이와 함께")
    vegetarian: bool = Field(default=False, description="채식")


class CheckAvailability(BaseModel):
    """예약 가능한 시간인지, 빈 시간이 언제인지 확인해요 (예약을 만들지는 않아요)."""

    date: str = Field(description="YYYY-MM-DD", pattern=r"^\d{4}-\d{2}-\d{2}$")
    time: str = Field(default="", description="HH:MM (비우면 그날 빈 시간 목록)", pattern=r"^(\d{2}:\d{2})?$")
    party: int = Field(default=2, ge=1, le=100)


class StartBooking(BaseModel):
    """테이블 예약을 시작해요. 아는 내용만 채우면 나머지는 예약 기능이 손님에게 물어보고, 마지막에 손님이 '예'라고 해야 확정돼요."""

    date: str = Field(default="", description="YYYY-MM-DD", pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    time: str = Field(default="", description="HH:MM", pattern=r"^(\d{2}:\d{2})?$")
    party: int | None = Field(default=None, ge=1, le=100)
    name: str = Field(default="", max_length=30)
    phone: str = Field(default="", max_length=20)


class ConfirmBooking(BaseModel):
    """손님이 방금 예약 요약에 '예'라고 분명히 답했을 때만 예약을 확정해요."""


class CancelBooking(BaseModel):
    """손님의 예약 취소를 시작해요 (손님이 한 번 더 확인해요)."""


class ChangeBooking(BaseModel):
    """손님의 예약 변경을 시작해요."""


class CheckMyBooking(BaseModel):
    """손님 본인의 예약 내용을 확인해요."""


class HandoverToStaff(BaseModel):
    """직원에게 대화를 넘겨요: 손님이 사람을 원하거나, 화가 났거나, 기록으로 답할 수 없을 때."""

    reason: str = Field(default="", max_length=200)


TOOLS: dict[str, type[BaseModel]] = {
    "search_knowledge": SearchKnowledge,
    "get_menu_items": GetMenuItems,
    "recommend_menu": RecommendMenu,
    "check_availability": CheckAvailability,
    "start_booking": StartBooking,
    "confirm_booking": ConfirmBooking,
    "cancel_booking": CancelBooking,
    "change_booking": ChangeBooking,
    "check_my_booking": CheckMyBooking,
    "handover_to_staff": HandoverToStaff,
}


def schemas() -> list[dict[str, Any]]:
    """The tools in the chat-completions `tools` format."""
    out = []
    for name, model in TOOLS.items():
        params = model.model_json_schema()
        params.pop("title", None)
        for prop in params.get("properties", {}).values():
            prop.pop("title", None)
        out.append({"type": "function", "function": {"name": name, "description": model.__doc__ or name, "parameters": params}})
    return out


@dataclass
class Outcome:
    """A tool's result: text for the model, the facts it may cite, or a reply that ends the turn."""

    content: str
    sources: list[Source] = field(default_factory=list)
    final: Reply | None = None


Ask = Callable[[Turn, bool], Awaitable[Reply]]  # run the offline skills on a turn (True: within the flow under way)


class Toolbox:
    """Runs the model's tool calls through the skills, for one customer turn."""

    def __init__(self, turn: Turn, ask: Ask, ctx: Any, confirmable: bool):
        self.turn = turn
        self.ask = ask
        self.ctx = ctx  # skills.base.Context of the customer's real turn
        self.confirmable = confirmable  # a booking summary waits and this message says yes

    def _synthetic(self, text: str, **params: Any) -> Turn:
        return replace(self.turn, text=text, params={**self.turn.params, **{k: v for k, v in params.items() if v not in (None, "")}})

    async def run(self, name: str, raw: dict[str, Any]) -> Outcome:
        model = TOOLS.get(name)
        if model is None:
            return Outcome(json.dumps({"error": f"unknown tool {name}"}))
        try:
            args = model.model_validate(raw)
        except ValidationError as e:
            return Outcome(json.dumps({"error": "invalid arguments", "detail": e.errors(include_url=False)[:3]}, ensure_ascii=False, default=str))
        return await getattr(self, name)(args)

    async def _answer(self, text: str, **params: Any) -> Reply:
        return await self.ask(self._synthetic(text, **params), False)

    async def search_knowledge(self, a: SearchKnowledge) -> Outcome:
        reply = await self._answer(a.query)
        if reply.intent == "unknown" or reply.escalate:
            return Outcome(json.dumps({"found": False}, ensure_ascii=False))
        return Outcome(json.dumps({"found": True, "answer": reply.text}, ensure_ascii=False), reply.sources)

    async def get_menu_items(self, a: GetMenuItems) -> Outcome:
        menu = self.ctx.knowledge.menu
        wanted = {n.replace(" ", "") for n in a.names}
        items = [i for i in menu if i.name.replace(" ", "") in wanted or (a.category and a.category in i.category)]
        if wanted and len(items) < len(wanted):
            items += [m.item for n in a.names for m in self.ctx.kb.menu.find(n) if m.item not in items]
        rows = [{"name": i.name, "price": i.price, "category": i.category, "description": i.description, "allergens": list(i.allergens),
                 "spicy": i.spicy, "available": i.available} for i in items[:15]]
        return Outcome(json.dumps({"items": rows} if rows else {"items": [], "note": "메뉴에 없어요"}, ensure_ascii=False),
                       [Source("menu", i.name) for i in items[:15]])

    async def recommend_menu(self, a: RecommendMenu) -> Outcome:
        parts = [f"{', '.join(a.allergies)} 알레르기가 있어요." if a.allergies else "",
                 "안 매운 걸로" if a.not_spicy else "", "채식으로" if a.vegetarian else "",
                 f"{a.party}명이" if a.party else "", "아이랑 같이" if a.with_kids else "",
                 f"1인 {a.budget_per_person}원 이하로" if a.budget_per_person else "", "메뉴 추천해 주세요"]
        reply = await self._answer(" ".join(p for p in parts if p))
        return Outcome(json.dumps({"recommendation": reply.text}, ensure_ascii=False), reply.sources)

    async def check_availability(self, a: CheckAvailability) -> Outcome:
        store, now = self.ctx.knowledge.store, self.ctx.now
        day = date.fromisoformat(a.date)
        booked = await self.ctx.bookings.booked_on(day) if self.ctx.bookings else []
        if a.time:
            hh, mm = (int(x) for x in a.time.split(":"))
            start = datetime.combine(day, time(hh, mm), now.tzinfo)
            verdict = check(store, booked, start, a.party, now)
            result = {"available": verdict.ok, "when": f"{format_date(day, now.date())} {format_clock(hh * 60 + mm)}"}
            if not verdict.ok:
                result["reason"] = verdict.reason
            return Outcome(json.dumps(result, ensure_ascii=False))
        free = [m for m in serving_starts(store, day)
                if free_table(store, booked, datetime.combine(day, time(0), now.tzinfo).replace(hour=m // 60, minute=m % 60), a.party) is not None]
        return Outcome(json.dumps({"date": format_date(day, now.date()), "free_times": [format_clock(m) for m in free][:12]}, ensure_ascii=False))

    async def start_booking(self, a: StartBooking) -> Outcome:
        words = ["예약하고 싶어요."]
        if a.name:
            words.append(f"예약자 {a.name} .")
        if a.phone:
            words.append(a.phone)
        reply = await self._answer(" ".join(words), date=a.date, time=a.time, party=a.party)
        return Outcome("", final=reply)

    async def confirm_booking(self, a: ConfirmBooking) -> Outcome:
        if not self.confirmable:
            return Outcome(json.dumps({"error": "확정할 예약 요약이 없거나 손님이 '예'라고 하지 않았어요"}, ensure_ascii=False))
        return Outcome("", final=await self.ask(self.turn, True))

    async def cancel_booking(self, a: CancelBooking) -> Outcome:
        return Outcome("", final=await self._answer("예약 취소할게요"))

    async def change_booking(self, a: ChangeBooking) -> Outcome:
        return Outcome("", final=await self._answer("예약 변경할게요"))

    async def check_my_booking(self, a: CheckMyBooking) -> Outcome:
        return Outcome("", final=await self._answer("내 예약 확인해 주세요"))

    async def handover_to_staff(self, a: HandoverToStaff) -> Outcome:
        return Outcome("", final=await self._answer("직원 연결해 주세요"))
