"""The day's bookings, bookings taken by phone, and changes by staff (the same booking service
and tables as the chat; staff may overrule the customer-facing limits, never the hours or tables)."""

from __future__ import annotations

from datetime import date as date_type
from datetime import datetime, timedelta
from datetime import time as time_type
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.staff.console import STATUS_KO
from bot.staff.deps import BookingsDep, ConsoleDep, KbDep, Page, check_csrf, render

router = APIRouter(prefix="/staff", include_in_schema=False)
MAX_DAYS_AWAY = 3650  # ten years either way (and never past the calendar's ends)


@router.get("/reservations", response_class=HTMLResponse)
async def reservations_page(request: Request, staff: Page, kb: KbDep, bookings: BookingsDep, date: str = "",
                            error: str = "") -> Response:
    store = kb.snapshot.knowledge.store
    today = datetime.now(ZoneInfo(store.timezone)).date()
    try:
        day = date_type.fromisoformat(date) if date else today
    except ValueError:
        raise HTTPException(status_code=400, detail="날짜는 2026-11-27처럼 적어 주세요.") from None
    if abs((day - today).days) > MAX_DAYS_AWAY:
        raise HTTPException(status_code=400, detail="10년 안쪽의 날짜를 골라 주세요.")
    rows = await bookings.list_day(day)
    context = {"staff": staff, "day": day, "rows": rows, "error": error, "prev": day - timedelta(days=1),
               "next": day + timedelta(days=1), "status_ko": STATUS_KO, "tables": store.reservation.tables}
    return render(request, "reservations.html", context)  # type: ignore[no-any-return]


@router.post("/reservations")
async def reservation_create(staff: Page, console: ConsoleDep, kb: KbDep, bookings: BookingsDep, csrf: Annotated[str, Form()] = "",
                             day: Annotated[str, Form()] = "", clock: Annotated[str, Form()] = "",
                             party: Annotated[int, Form(ge=1, le=500)] = 2, name: Annotated[str, Form(max_length=60)] = "",
                             phone: Annotated[str, Form(max_length=20)] = "", note: Annotated[str, Form(max_length=200)] = "") -> Response:
    """A booking taken by phone: the same tables and rules as the chat, the lead time left to staff."""
    check_csrf(staff, csrf)
    store = kb.snapshot.knowledge.store
    zone = ZoneInfo(store.timezone)
    try:
        start = datetime.combine(date_type.fromisoformat(day), time_type.fromisoformat(clock), zone)
        if abs((start.date() - datetime.now(zone).date()).days) > MAX_DAYS_AWAY:
            raise ValueError(day)
    except ValueError:
        return RedirectResponse("/staff/reservations?error=날짜와 시간을 확인해 주세요.", status_code=303)
    error = await console.book(bookings, store, staff, start, party, name.strip() or "전화 예약", phone, note)
    suffix = f"&error={error}" if error else ""
    return RedirectResponse(f"/staff/reservations?date={start.date().isoformat()}{suffix}", status_code=303)


@router.post("/reservations/{code}/{action}")
async def reservation_action(code: str, action: str, staff: Page, console: ConsoleDep, kb: KbDep, bookings: BookingsDep,
                             csrf: Annotated[str, Form()] = "", day: Annotated[str, Form()] = "", clock: Annotated[str, Form()] = "",
                             party: Annotated[int, Form(ge=0, le=500)] = 0) -> Response:
    check_csrf(staff, csrf)
    booking = await bookings.find(code)
    if booking is None:
        raise HTTPException(status_code=404, detail="그 예약을 찾을 수 없어요.")
    statuses = {"cancel": "cancelled", "no_show": "no_show", "complete": "completed"}
    error = ""
    if action in statuses:
        await bookings.set_status(code, statuses[action], actor=f"staff:{staff.name}")
    elif action == "change":
        store = kb.snapshot.knowledge.store
        zone = ZoneInfo(store.timezone)
        try:
            start = datetime.combine(date_type.fromisoformat(day or booking.start.date().isoformat()),
                                     time_type.fromisoformat(clock or booking.start.strftime("%H:%M")), zone)
        except ValueError:
            start = booking.start
        if abs((start.date() - datetime.now(zone).date()).days) > MAX_DAYS_AWAY:
            start = booking.start
        try:
            error = await console.move(bookings, store, staff, booking, start, party or booking.party)
        except LookupError:
            error = "취소되었거나 끝난 예약은 바꿀 수 없어요."
    else:
        raise HTTPException(status_code=404, detail="알 수 없는 동작이에요.")
    suffix = f"&error={error}" if error else ""
    return RedirectResponse(f"/staff/reservations?date={booking.start.date().isoformat()}{suffix}", status_code=303)
