"""Table availability from the store's rules (knowledge-format.md, [reservation]): pure functions.

A booking starts on the slot grid, on an open day, inside a serving period (opening to last
order, or break end to last order), at least `min_lead_minutes` from now and at most
`max_days_ahead` days out, and holds the smallest free table that seats the party for
`duration_minutes`. Storage enforces the same "free table" rule with a unique constraint, so
a race between two customers can only end with one booking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.josa import josa
from bot.kb.records import Store
from bot.kb.schedule import hours_on
from bot.korean_time import format_clock, format_date

CELL_MINUTES = 5  # bookings occupy 5-minute cells; two bookings overlap iff they share a cell


@dataclass(frozen=True)
class Booked:
    """What availability needs of an existing booking."""

    table: int  # index into the store's table list
    start: datetime
    end: datetime
    code: str = ""  # the booking's code, so a booking being moved can leave itself out


@dataclass(frozen=True)
class Verdict:
    ok: bool
    table: int | None = None
    reason: str = ""  # one Korean sentence when not ok
    code: str = ""  # closed, holiday, hours, break, grid, passed, too_soon, too_far, full, too_many, no_tables


def serving_starts(store: Store, day: date) -> list[int]:
    """Minutes of the day at which a booking may start (ignoring lead time and tables)."""
    h = hours_on(store, day)
    if h.span is None:
        return []
    slot = store.reservation.slot_minutes
    last_order = store.last_order_minutes
    periods = []
    if h.break_time:
        periods.append((h.span.start, h.break_time.start - last_order))
        periods.append((h.break_time.end, h.span.end - last_order))
    else:
        periods.append((h.span.start, h.span.end - last_order))
    starts = []
    for begin, latest in periods:
        first = h.span.start + -(-(begin - h.span.start) // slot) * slot  # first grid point at or after `begin`
        minute = first
        while minute <= latest and minute < h.span.end:
            starts.append(minute)
            minute += slot
    return starts


def business_day(store: Store, start: datetime) -> tuple[date, int]:
    """The opening day a start belongs to, and its minute counted from that day's midnight.

    A shop open "18:00-02:00" serves 01:00 on the calendar's next day as part of the evening
    before: that start is (the evening's day, 25 x 60).
    """
    day, minute = start.date(), start.hour * 60 + start.minute
    before = hours_on(store, day - timedelta(days=1))
    if before.span and before.span.end > 1440 and minute + 1440 < before.span.end:
        return day - timedelta(days=1), minute + 1440
    return day, minute


def start_at(store: Store, day: date, minute: int, tzinfo: Any) -> datetime:
    """The start a customer means by a clock time on an opening day: a time before opening on a
    day that closes after midnight is that night's small hours ("금요일 새벽 1시")."""
    span = hours_on(store, day).span
    if span and span.end > 1440 and minute < span.start and minute + 1440 < span.end:
        minute += 1440
    return datetime.combine(day, time(0), tzinfo) + timedelta(minutes=minute)


def _runs(starts: list[int], slot: int) -> list[tuple[int, int]]:
    """Consecutive grid points as (first, last) pairs: lunch and dinner when there is a break."""
    runs: list[tuple[int, int]] = []
    for m in starts:
        if runs and m - runs[-1][1] == slot:
            runs[-1] = (runs[-1][0], m)
        else:
            runs.append((m, m))
    return runs


def cells(start: datetime, minutes: int) -> list[datetime]:
    """The 5-minute cells a booking covers, widened outward so no overlap can slip between them."""
    first = start - timedelta(minutes=start.minute % CELL_MINUTES, seconds=start.second, microseconds=start.microsecond)
    end = start + timedelta(minutes=minutes)
    out = []
    cell = first
    while cell < end:
        out.append(cell)
        cell += timedelta(minutes=CELL_MINUTES)
    return out


def free_table(store: Store, booked: Iterable[Booked], start: datetime, party: int) -> int | None:
    """The smallest table seating `party` free for the whole duration, or None."""
    end = start + timedelta(minutes=store.reservation.duration_minutes)
    busy = {b.table for b in booked if b.start < end and start < b.end}
    fitting = sorted((seats, i) for i, seats in enumerate(store.reservation.tables) if seats >= party and i not in busy)
    return fitting[0][1] if fitting else None


def check(store: Store, booked: list[Booked], start: datetime, party: int, now: datetime,
          allow: frozenset[str] = frozenset()) -> Verdict:
    """Whether `party` can book at `start` (store-local); the reason in one sentence when not.

    `allow` names the limits to pass over (staff may book a walk-in after the fact, or a large party).
    """
    policy = store.reservation
    day, minute = business_day(store, start)
    label = format_date(day, now.date())
    if party > policy.max_party and "too_many" not in allow:
        return Verdict(False, reason=f"{party}명 예약은 직원이 직접 도와드려야 해요.", code="too_many")
    if not any(seats >= party for seats in policy.tables):
        return Verdict(False, reason=f"{party}명이 함께 앉을 수 있는 테이블이 없어요.", code="no_tables")
    if start < now and "passed" not in allow:
        if start.date() < now.date():
            return Verdict(False, reason=f"{josa(format_date(start.date(), now.date()), '은')} 이미 지난 날짜예요.", code="passed")
        return Verdict(False, reason=f"{josa(format_clock(start.hour * 60 + start.minute), '은')} 이미 지난 시간이에요.", code="passed")
    h = hours_on(store, day)
    if h.span is None:
        why = f"{josa(h.holiday.reason, '으로')} 쉬는 날" if h.holiday and h.holiday.reason else "정기 휴무일"
        return Verdict(False, reason=f"{josa(label, '은')} {why}이라 예약을 받지 않아요.", code="holiday" if h.holiday else "closed")
    if (day - now.date()).days > policy.max_days_ahead and "too_far" not in allow:
        return Verdict(False, reason=f"예약은 오늘부터 {policy.max_days_ahead}일 뒤까지만 받아요.", code="too_far")
    starts = serving_starts(store, day)
    if minute not in starts:
        runs = _runs(starts, policy.slot_minutes)
        lunch = [b for a, b in runs if h.break_time and b < h.break_time.start]
        if h.break_time and (h.break_time.start <= minute < h.break_time.end or lunch and max(lunch) < minute < h.break_time.end):
            # From the lunch last order until the break ends: the break is the reason, said with both times.
            text = f"{format_clock(h.break_time.start)}부터 {format_clock(h.break_time.end)}까지는 브레이크 타임이라 예약을 받지 않아요."
            if lunch and minute < h.break_time.start:
                text = (f"{format_clock(h.break_time.start)}부터 브레이크 타임이라 점심 예약은 {format_clock(max(lunch))}까지 시작해요. "
                        f"저녁은 {format_clock(h.break_time.end)}부터예요.")
            return Verdict(False, reason=text, code="break")
        if any(a <= minute <= b for a, b in runs):
            if "grid" not in allow:  # off the grid inside serving hours: staff may book it
                return Verdict(False, reason=f"예약은 {policy.slot_minutes}분 단위로 받아요.", code="grid")
        else:
            spans = ", ".join(f"{format_clock(a)}부터 {format_clock(b)}까지" for a, b in runs)
            return Verdict(False, reason=f"{josa(label, '은')} {spans} 시작하는 예약만 받아요.", code="hours")
    if start < now + timedelta(minutes=policy.min_lead_minutes) and "too_soon" not in allow:
        lead = policy.min_lead_minutes
        when = f"{lead // 60}시간" if lead % 60 == 0 else f"{lead}분"
        return Verdict(False, reason=f"예약은 방문 {when} 전까지 해 주셔야 해요.", code="too_soon")
    table = free_table(store, booked, start, party)
    if table is None:
        return Verdict(False, reason=f"{format_clock(minute % 1440)}에는 {party}명 자리가 이미 다 찼어요.", code="full")
    return Verdict(True, table)


def alternatives(store: Store, booked_on, start: datetime, party: int, now: datetime, limit: int = 4) -> list[datetime]:  # type: ignore[no-untyped-def]
    """Free start times nearest to `start`: the same day first, then the following days.

    `booked_on(day)` returns the bookings of that day.
    """
    found: list[datetime] = []
    for offset in range(0, store.reservation.max_days_ahead + 1):
        day = start.date() + timedelta(days=offset)
        if (day - now.date()).days > store.reservation.max_days_ahead:
            break
        booked = booked_on(day)
        times = [datetime.combine(day, datetime.min.time(), start.tzinfo) + timedelta(minutes=m) for m in serving_starts(store, day)]
        times = [t for t in times if check(store, booked, t, party, now).ok]
        times.sort(key=lambda t: abs((t - start).total_seconds()))
        found += [t for t in times if t != start][: limit - len(found)]
        if len(found) >= limit or (offset == 0 and found):
            break
    return sorted(found)
