"""The skills offered to the model as tools, with typed arguments and typed entry points.

The model chooses a tool and fills its arguments; the tool calls the skill's own entry point
(ReservationSkill.start, RecommendSkill.recommend, EscalateSkill.hand_over…) with those values,
never a Korean sentence for the skill's patterns to read back. A tool that starts a flow (a
booking, a cancellation, a handover) or answers under constraints (a recommendation) ends the
model's turn: its reply goes to the customer as the skill wrote it, and the customer's next
message (예/아니오) is read by the skill itself. A booking is therefore only ever confirmed by
the customer's own yes to the skill's summary, so there is no tool to confirm one.

Tool results the model may cite carry ids: `{"facts": {"t1": "1월 10일(토) 오후 6시"}}` is cited
as `{fact:t1}` and filled by the server (bot.llm.references), like any other fact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from bot.availability import check, free_table, serving_starts
from bot.korean_time import format_clock, format_date
from bot.messages import Reply, Source
from bot.understand import allergens


class SearchKnowledge(BaseModel):
    """가게의 자주 묻는 질문(FAQ)과 메뉴에서 찾아요. 결과의 FAQ 번호는 {faq:N}으로 인용해요."""

    query: str = Field(description="찾을 내용을 손님 말투 그대로, 한 가지 주제만", max_length=300)


class GetMenuItems(BaseModel):
    """메뉴 항목의 설명, 알레르기 성분, 맵기, 판매 여부를 가져와요. 가격은 {price:이름}으로 인용해요."""

    names: list[str] = Field(default_factory=list, description="메뉴 이름들 (비우면 분류로)", max_length=10)
    category: str = Field(default="", description="메뉴 분류", max_length=40)


class RecommendMenu(BaseModel):
    """손님의 조건에 맞는 메뉴를 추천해요. 조건을 지키는 건 이 도구가 하고, 추천은 그대로 손님에게 가요."""

    allergies: list[str] = Field(default_factory=list, description="피해야 할 알레르기 성분", max_length=10)
    not_spicy: bool = Field(default=False, description="맵지 않은 것만")
    budget_per_person: int | None = Field(default=None, ge=0, le=1_000_000, description="1인 예산(원)")
    with_kids: bool = Field(default=False, description="아이와 함께")
    vegetarian: bool = Field(default=False, description="채식")


class CheckAvailability(BaseModel):
    """예약 가능한 시간인지, 빈 시간이 언제인지 확인해요 (예약을 만들지는 않아요). 결과의 시각은 {fact:ID}로 인용해요."""

    date: str = Field(description="YYYY-MM-DD", pattern=r"^\d{4}-\d{2}-\d{2}$")
    time: str = Field(default="", description="HH:MM (비우면 그날 빈 시간 목록)", pattern=r"^(\d{2}:\d{2})?$")
    party: int = Field(default=2, ge=1, le=100)


class StartBooking(BaseModel):
    """테이블 예약을 시작해요. 아는 내용만 채우면 나머지는 예약 기능이 손님에게 물어보고, 마지막에 손님이 '예'라고 해야 확정돼요."""

    date: str = Field(default="", description="YYYY-MM-DD", pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    time: str = Field(default="", description="HH:MM", pattern=r"^(\d{2}:\d{2})?$")
    party: int | None = Field(default=None, ge=1, le=100)
    name: str = Field(default="", max_length=30)
    phone: str = Field(default="", max_length=20, pattern=r"^[0-9+\-\s]*$")


class CancelBooking(BaseModel):
    """손님의 예약 취소를 시작해요 (손님이 한 번 더 확인해요)."""


class ChangeBooking(BaseModel):
    """손님의 예약 변경을 시작해요."""


class CheckMyBooking(BaseModel):
    """손님 본인의 예약 내용을 확인해요."""


class HandoverToStaff(BaseModel):
    """직원에게 대화를 넘겨요: 손님이 사람을 원하거나, 화가 났거나, 기록으로 답할 수 없을 때."""

    reason: str = Field(default="", max_length=200)
    complaint: bool = Field(default=False, description="불만·사과가 필요한 경우")


TOOLS: dict[str, type[BaseModel]] = {
    "search_knowledge": SearchKnowledge,
    "get_menu_items": GetMenuItems,
    "recommend_menu": RecommendMenu,
    "check_availability": CheckAvailability,
    "start_booking": StartBooking,
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
    """A tool's result: text for the model, the records it drew on, or a reply that ends the turn."""

    content: str
    sources: list[Source] = field(default_factory=list)
    final: Reply | None = None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class Toolbox:
    """Runs the model's tool calls through the skills' entry points, for one customer turn."""

    def __init__(self, ctx: Any, skills: dict[str, Any]):
        self.ctx = ctx  # skills.base.Context of the customer's real turn
        self.skills = skills  # the offline skills by name
        self.facts: dict[str, str] = {}  # values tool results let the model cite as {fact:ID}

    def _fact(self, value: str) -> str:
        key = f"t{len(self.facts) + 1}"
        self.facts[key] = value
        return key

    async def run(self, name: str, raw: dict[str, Any]) -> Outcome:
        model = TOOLS.get(name)
        if model is None:
            return Outcome(_json({"error": f"unknown tool {name}"}))
        try:
            args = model.model_validate(raw)
        except ValidationError as e:
            return Outcome(_json({"error": "invalid arguments", "detail": e.errors(include_url=False)[:3]}))
        return await getattr(self, name)(args)  # type: ignore[no-any-return]

    async def search_knowledge(self, a: SearchKnowledge) -> Outcome:
        kb = self.ctx.kb
        number = {f.id: n for n, f in enumerate(self.ctx.knowledge.faqs, 1)}
        faqs = {f.id: f for f in self.ctx.knowledge.faqs}
        hits = [h for h in kb.index.search(kb.index.query(a.query), "faq", 3) if h.id in faqs]
        rows = [{"faq": number[h.id], "question": faqs[h.id].aliases[0] if faqs[h.id].aliases else h.id, "answer": faqs[h.id].answer}
                for h in hits]
        items = [m.item.name for m in kb.menu.find(a.query)][:5]
        if not rows and not items:
            return Outcome(_json({"found": False}))
        return Outcome(_json({"found": True, "faq": rows, "menu_items": items}),
                       [Source("faq", h.id) for h in hits] + [Source("menu", n) for n in items])

    async def get_menu_items(self, a: GetMenuItems) -> Outcome:
        menu = self.ctx.knowledge.menu
        wanted = {n.replace(" ", "") for n in a.names}
        items = [i for i in menu if i.name.replace(" ", "") in wanted or (a.category and a.category in i.category)]
        if wanted and len(items) < len(wanted):
            items += [m.item for n in a.names for m in self.ctx.kb.menu.find(n) if m.item not in items]
        rows = [{"name": i.name, "category": i.category, "description": i.description, "allergens": list(i.allergens),
                 "spicy": i.spicy, "available": i.available, "price": f"{{price:{i.name}}}"} for i in items[:15]]
        return Outcome(_json({"items": rows} if rows else {"items": [], "note": "메뉴에 없어요"}),
                       [Source("menu", i.name) for i in items[:15]])

    async def recommend_menu(self, a: RecommendMenu) -> Outcome:
        from skills.recommend import (
            Wants,  # skills import this package's callers: late, to keep the layers apart
        )

        named = allergens.read(" ".join(a.allergies) + " 알레르기") if a.allergies else []
        wants = Wants(avoid_allergens=named, vegan=a.vegetarian, spicy=False if a.not_spicy else None,
                      budget=a.budget_per_person, kids=a.with_kids)
        return Outcome("", final=self.skills["recommend"].recommend(self.ctx, wants))

    async def check_availability(self, a: CheckAvailability) -> Outcome:
        store, now = self.ctx.knowledge.store, self.ctx.now
        day = date.fromisoformat(a.date)
        booked = await self.ctx.bookings.booked_on(day) if self.ctx.bookings else []
        if a.time:
            hh, mm = (int(x) for x in a.time.split(":"))
            start = datetime.combine(day, time(hh, mm), now.tzinfo)
            verdict = check(store, booked, start, a.party, now)
            result: dict[str, Any] = {"available": verdict.ok, "when": self._fact(f"{format_date(day, now.date())} {format_clock(hh * 60 + mm)}")}
            if not verdict.ok:
                result["reason"] = verdict.reason
            return Outcome(_json(result))
        free = [m for m in serving_starts(store, day)
                if free_table(store, booked, datetime.combine(day, time(0), now.tzinfo).replace(hour=m // 60, minute=m % 60), a.party) is not None]
        return Outcome(_json({"date": self._fact(format_date(day, now.date())), "free_times": [self._fact(format_clock(m)) for m in free][:12]}))

    async def start_booking(self, a: StartBooking) -> Outcome:
        details = {"date": a.date, "time": a.time, "party": a.party, "name": a.name,
                   "phone": "".join(ch for ch in a.phone if ch.isdigit())}
        return Outcome("", final=await self.skills["reservation"].start(self.ctx, details))

    async def cancel_booking(self, a: CancelBooking) -> Outcome:
        return Outcome("", final=await self.skills["reservation"].cancel(self.ctx))

    async def change_booking(self, a: ChangeBooking) -> Outcome:
        return Outcome("", final=await self.skills["reservation"].change(self.ctx))

    async def check_my_booking(self, a: CheckMyBooking) -> Outcome:
        return Outcome("", final=await self.skills["reservation"].check_mine(self.ctx))

    async def handover_to_staff(self, a: HandoverToStaff) -> Outcome:
        return Outcome("", final=self.skills["escalate"].hand_over(self.ctx, a.complaint))
