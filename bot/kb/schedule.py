"""Opening hours as the store defines them: weekly hours, break, last order, holidays, timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.kb.records import WEEKDAYS, Holiday, Span, Store


@dataclass(frozen=True)
class DayHours:
    day: date
    span: Span | None  # None: closed that day
    holiday: Holiday | None
    last_order: int | None  # minute of the last order
    break_time: Span | None


def tz(store: Store) -> ZoneInfo:
    return ZoneInfo(store.timezone)


def local_now(store: Store, now: datetime | None = None) -> datetime:
    """`now` in the store's timezone; a naive `now` is taken as already local."""
    zone = tz(store)
    if now is None:
        return datetime.now(zone)
    return now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)


def holiday_on(store: Store, day: date) -> Holiday | None:
    return next((h for h in store.holidays if h.day == day), None)


def hours_on(store: Store, day: date) -> DayHours:
    holiday = holiday_on(store, day)
    span = None if holiday else store.hours.get(WEEKDAYS[day.weekday()])
    last = span.end - store.last_order_minutes if span and store.last_order_minutes else None
    brk = store.break_time if span and store.break_time and span.start < store.break_time.start < span.end else None
    return DayHours(day, span, holiday, last, brk)


@dataclass(frozen=True)
class OpenState:
    open: bool
    reason: str  # "open", "break", "before", "after", "closed_day", "holiday"
    today: DayHours
    next_open: datetime | None


def open_state(store: Store, now: datetime) -> OpenState:
    """Whether the store is open at `now` (local), and when it next opens if not."""
    minute = now.hour * 60 + now.minute
    yesterday = hours_on(store, now.date() - timedelta(days=1))
    if yesterday.span and yesterday.span.end > 1440 and minute < yesterday.span.end - 1440:
        return OpenState(True, "open", yesterday, None)
    today = hours_on(store, now.date())
    if today.span is None:
        reason = "holiday" if today.holiday else "closed_day"
        return OpenState(False, reason, today, _next_open(store, now))
    if minute < today.span.start:
        return OpenState(False, "before", today, _next_open(store, now))
    if minute >= today.span.end:
        return OpenState(False, "after", today, _next_open(store, now))
    if today.break_time and today.break_time.contains(minute):
        return OpenState(False, "break", today, _next_open(store, now))
    return OpenState(True, "open", today, None)


def _next_open(store: Store, now: datetime) -> datetime | None:
    minute = now.hour * 60 + now.minute
    for offset in range(0, 15):
        day = now.date() + timedelta(days=offset)
        h = hours_on(store, day)
        if h.span is None:
            continue
        starts = [h.span.start] + ([h.break_time.end] if h.break_time else [])
        for start in starts:
            if offset > 0 or start > minute:
                return datetime.combine(day, datetime.min.time(), now.tzinfo) + timedelta(minutes=start)
    return None
