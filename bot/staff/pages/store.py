"""The shop's facts from a phone: name, phone, address, greeting, opening hours per weekday, break,
last order, holidays and booking rules (store.toml, written with the owner's comments kept)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.kb.edit import EditRefused, Plan
from bot.kb.errors import Problem
from bot.kb.loader import STORE_FILE
from bot.kb.records import WEEKDAY_KO, WEEKDAYS, Span
from bot.staff.deps import KbDep, Owner, WorkspaceDep, check_csrf, render
from bot.staff.pages.editing import preview_or_apply

router = APIRouter(prefix="/staff/knowledge", include_in_schema=False)
BACK = "/staff/knowledge/store"
TEXTS = ("name", "phone", "address", "greeting")
NUMBERS = ("slot_minutes", "duration_minutes", "max_party", "min_lead_minutes", "max_days_ahead")
NUMBER_KO = {"last_order_minutes": "주문 마감(분)", "slot_minutes": "예약 간격(분)", "duration_minutes": "한 예약 시간(분)",
             "max_party": "최대 인원", "min_lead_minutes": "최소 몇 분 전 예약", "max_days_ahead": "며칠 뒤까지 예약"}
HOLIDAY_ROWS = 3  # empty rows offered for new holidays


def clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def span_fields(span: Span | None) -> tuple[str, str]:
    return ("", "") if span is None else (clock(span.start), clock(span.end))


@router.get("/store", response_class=HTMLResponse)
async def store_page(request: Request, staff: Owner, kb: KbDep, saved: str = "") -> Response:
    store = kb.snapshot.knowledge.store
    days = [{"key": d, "ko": WEEKDAY_KO[i], "closed": store.hours.get(d) is None, "open": span_fields(store.hours.get(d))[0],
             "close": span_fields(store.hours.get(d))[1]} for i, d in enumerate(WEEKDAYS)]
    holidays = [(h.day.isoformat(), h.reason) for h in store.holidays] + [("", "")] * HOLIDAY_ROWS
    r = store.reservation
    context = {"staff": staff, "store": store, "days": days, "brk": span_fields(store.break_time), "holidays": holidays, "r": r,
               "tables": ", ".join(str(t) for t in r.tables), "saved": saved[:200], "numbers_ko": NUMBER_KO}
    return render(request, "store.html", context)  # type: ignore[no-any-return]


def _number(form: Any, key: str, problems: list[Problem]) -> int | str:
    raw = str(form.get(key, "")).strip()
    if not raw:
        return ""
    if not raw.isdigit():
        problems.append(Problem(STORE_FILE, None, f"{NUMBER_KO[key]}은 숫자로 적어 주세요. 지금 값: '{raw}'"))
        return ""
    return int(raw)


def values_from(form: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The form as store.toml values; bad numbers and half-filled times are problems before any file work."""
    problems: list[Problem] = []
    values: dict[str, Any] = {key: str(form.get(key, "")).strip() for key in TEXTS if key in form}
    for i, day in enumerate(WEEKDAYS):
        if form.get(f"closed_{day}"):
            values[f"hours.{day}"] = "휴무"
            continue
        start, end = str(form.get(f"open_{day}", "")).strip(), str(form.get(f"close_{day}", "")).strip()
        if not (start and end):
            problems.append(Problem(STORE_FILE, None, f"{WEEKDAY_KO[i]}요일 여는 시각과 닫는 시각을 모두 적거나 '쉬는 날'을 눌러 주세요."))
            continue
        values[f"hours.{day}"] = f"{start}-{end}"
    b_start, b_end = str(form.get("break_start", "")).strip(), str(form.get("break_end", "")).strip()
    if bool(b_start) != bool(b_end):
        problems.append(Problem(STORE_FILE, None, "브레이크타임은 시작과 끝을 모두 적거나 둘 다 비워 주세요."))
    values["hours.break"] = f"{b_start}-{b_end}" if b_start and b_end else ""
    values["hours.last_order_minutes"] = _number(form, "last_order_minutes", problems)
    values["reservation.enabled"] = bool(form.get("enabled"))
    for key in NUMBERS:
        number = _number(form, key, problems)
        if number != "":
            values[f"reservation.{key}"] = number
    tables = str(form.get("tables", "")).strip()
    if tables:
        parts = [p for p in re.split(r"[,\s]+", tables) if p]
        if not all(p.isdigit() and int(p) > 0 for p in parts):
            problems.append(Problem(STORE_FILE, None, f"테이블 좌석 수는 '2, 2, 4, 6'처럼 숫자와 쉼표로 적어 주세요. 지금 값: '{tables}'"))
        else:
            values["reservation.tables"] = [int(p) for p in parts]
    holidays = []
    for day, reason in zip(form.getlist("holiday_date"), form.getlist("holiday_reason"), strict=False):
        if str(day).strip():
            holidays.append((str(day).strip(), str(reason).strip()))
        elif str(reason).strip():
            problems.append(Problem(STORE_FILE, None, f"휴일 '{str(reason).strip()}'의 날짜를 적어 주세요."))
    if problems:
        raise EditRefused(problems)
    return values, holidays


@router.post("/store")
async def save_store(request: Request, staff: Owner, workspace: WorkspaceDep) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))

    async def make() -> Plan:
        values, holidays = values_from(form)
        return await workspace.plan(workspace.editor.plan_store, values, holidays)  # type: ignore[no-any-return]

    return await preview_or_apply(request, staff, workspace, make, BACK, "매장 정보·영업시간 고치기")
