"""The model's references to the shop's facts, and the server's rendering of them.

The model writes `{price:비빔국수}`, `{hours:토}` or `{faq:3}` where a fact goes; this module
reads those references and fills them from the knowledge (or a tool's result), in Korean or in
English. A reference the files cannot fill (an item that is not on the menu or not sold now, a
closed day's opening time, an FAQ number that does not exist) is an error, and the answer is
not sent: a wrong fact can only enter through a reference, and a reference only renders what
the files say. docs/model-protocol.md is the model-facing description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.kb.records import Knowledge, MenuItem
from bot.kb.schedule import hours_on
from bot.kb.text import compact
from bot.korean_time import WEEKDAY_NAMES, format_clock, format_date

REF = re.compile(r"\{\s*([a-z_]+)\s*(?::\s*([^{}]{1,60}?))?\s*\}")
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
KIND_NAMES = ("price", "menu", "desc", "hours", "open", "close", "last_order", "break", "week", "closed_days", "day",
              "holidays", "phone", "address", "faq", "booking", "fact")


class Unfillable(ValueError):
    """A reference the shop's files cannot fill; the message says which and why (for the log)."""


@dataclass(frozen=True)
class Ref:
    kind: str
    arg: str
    start: int
    end: int
    item: MenuItem | None = None  # the item a price/menu/desc reference names
    day: int | None = None  # the weekday (0 = Monday) an hours reference names
    date: date | None = None  # the date a {day:…} or a dated hours reference names


@dataclass
class Rendered:
    text: str
    refs: list[Ref] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (kind, id) of every record the answer cites


def find(text: str) -> list[re.Match[str]]:
    return list(REF.finditer(text))


def outside(text: str) -> str:
    """The model's own words: each reference replaced by a neutral marker (a space-padded ◆)."""
    return REF.sub(" ◆ ", text)


def lookup_item(k: Knowledge, name: str) -> MenuItem | None:
    """The menu item `name` names exactly (spaces and case aside); an alias is not a name here."""
    wanted = compact(name)
    return next((i for i in k.menu if compact(i.name) == wanted), None)


def weekday(arg: str, today: date) -> int | None:
    a = arg.strip().replace("요일", "")
    if a in ("오늘", "today"):
        return today.weekday()
    if a in ("내일", "tomorrow"):
        return (today + timedelta(days=1)).weekday()
    if a in WEEKDAY_NAMES:
        return WEEKDAY_NAMES[a]
    low = a.lower()
    return next((i for i, d in enumerate(EN_DAYS) if low in (d.lower(), d[:3].lower())), None)


def _next(today: date, wd: int) -> date:
    return today + timedelta(days=(wd - today.weekday()) % 7)


class Renderer:
    """Fills references for one answer: the knowledge, today's date, the tool facts, the language."""

    def __init__(self, k: Knowledge, today: date, facts: dict[str, str] | None = None, english: bool = False):
        self.k = k
        self.today = today
        self.facts = facts or {}
        self.english = english

    def render(self, text: str) -> Rendered:
        out = Rendered("")
        parts: list[str] = []
        at = 0
        for m in find(text):
            ref, value, source = self._fill(m)
            parts += [text[at:m.start()], value]
            at = m.end()
            out.refs.append(ref)
            out.sources.append(source)
        parts.append(text[at:])
        out.text = "".join(parts)
        return out

    # --- one reference -------------------------------------------------------------------------------

    def _fill(self, m: re.Match[str]) -> tuple[Ref, str, tuple[str, str]]:
        kind, arg = m[1], (m[2] or "").strip()
        base = Ref(kind, arg, m.start(), m.end())
        if kind in ("price", "menu", "desc"):
            item = lookup_item(self.k, arg)
            if item is None:
                raise Unfillable(f"{kind}: {arg!r} is not a menu item")
            ref = Ref(kind, arg, m.start(), m.end(), item=item)
            if kind == "desc":
                if not item.description:
                    raise Unfillable(f"desc: {item.name} has no description")
                if not item.available:  # the description alone would read as an offer
                    note = " (not sold right now)" if self.english else " (지금은 판매하지 않아요)"
                    return ref, item.description + note, ("menu", item.name)
                return ref, item.description, ("menu", item.name)
            if not item.available:
                raise Unfillable(f"{kind}: {item.name} is not sold now")
            price = self._price(item)
            return ref, (f"{item.name}({price})" if kind == "menu" else price), ("menu", item.name)
        if kind in ("hours", "open", "close", "last_order") and arg:
            return self._day_value(kind, arg, m)
        if kind == "day":
            try:
                day = date.fromisoformat(arg)
            except ValueError as e:
                raise Unfillable(f"day: {arg!r} is not a date") from e
            return Ref(kind, arg, m.start(), m.end(), day=day.weekday(), date=day), self._date_line(day), ("store", "hours")
        if arg and kind not in ("faq", "booking", "fact"):
            raise Unfillable(f"{kind} takes no argument")
        store = self.k.store
        if kind == "phone" and store.phone:
            return base, store.phone, ("store", "phone")
        if kind == "address" and store.address:
            return base, store.address, ("store", "address")
        if kind == "break":
            if not store.break_time:
                raise Unfillable("break: the shop has no break")
            return base, self._span(store.break_time.start, store.break_time.end), ("store", "hours")
        if kind == "last_order":
            if not store.last_order_minutes:
                raise Unfillable("last_order: no rule")
            n = store.last_order_minutes
            return base, (f"{n} minutes before closing" if self.english else f"마감 {n}분 전"), ("store", "hours")
        if kind == "week":
            from skills.store_info import week_summary  # the one place the week is put into words

            return base, week_summary(store), ("store", "hours")
        if kind == "closed_days":
            days = [i for i, key in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")) if store.hours.get(key) is None]
            if not days:
                raise Unfillable("closed_days: open every day")
            return base, ", ".join(EN_DAYS[d] if self.english else "월화수목금토일"[d] + "요일" for d in days), ("store", "hours")
        if kind == "holidays":
            soon = [h for h in store.holidays if self.today <= h.day <= self.today + timedelta(days=120)]
            if not soon:
                raise Unfillable("holidays: none listed ahead")
            return base, ", ".join(self._date_label(h.day) + (f" {h.reason}" if h.reason else "") for h in soon), ("store", "holidays")
        if kind == "faq":
            if not arg.isdigit() or not 1 <= int(arg) <= len(self.k.faqs):
                raise Unfillable(f"faq: no entry {arg!r}")
            entry = self.k.faqs[int(arg) - 1]
            return base, entry.answer.strip(), ("faq", entry.id)
        if kind == "booking":
            return base, self._booking(arg), ("store", "reservation")
        if kind == "fact":
            if arg not in self.facts:
                raise Unfillable(f"fact: no tool result {arg!r}")
            return base, self.facts[arg], ("store", "reservation")  # tool facts are availability answers
        raise Unfillable(f"unknown reference {{{kind}}}" if kind not in KIND_NAMES else f"{kind}: not in the shop's files")

    def _day_value(self, kind: str, arg: str, m: re.Match[str]) -> tuple[Ref, str, tuple[str, str]]:
        wd = weekday(arg, self.today)
        if wd is None:
            raise Unfillable(f"{kind}: {arg!r} is not a day")
        day = _next(self.today, wd)
        ref = Ref(kind, arg, m.start(), m.end(), day=wd, date=day if arg.strip() in ("오늘", "내일", "today", "tomorrow") else None)
        key = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[wd]
        span = self.k.store.hours.get(key)
        if ref.date is not None:
            h = hours_on(self.k.store, day)
            span = h.span
        if span is None:
            if kind == "hours":
                return ref, ("closed" if self.english else "휴무"), ("store", "hours")
            raise Unfillable(f"{kind}: closed on {arg}")
        if kind == "hours":
            return ref, self._span(span.start, span.end), ("store", "hours")
        if kind == "open":
            return ref, self._clock(span.start), ("store", "hours")
        if kind == "close":
            return ref, self._clock(span.end), ("store", "hours")
        if not self.k.store.last_order_minutes:
            raise Unfillable("last_order: no rule")
        return ref, self._clock(span.end - self.k.store.last_order_minutes), ("store", "hours")

    # --- formats -------------------------------------------------------------------------------------

    def _price(self, item: MenuItem) -> str:
        if item.market_price or item.price is None:
            return "market price (changes daily)" if self.english else "시가(그날 시세에 따라 달라요)"
        return f"{item.price:,} won" if self.english else f"{item.price:,}원"

    def _clock(self, minute: int) -> str:
        if not self.english:
            return format_clock(minute)
        hour, m = divmod(minute % 1440, 60)
        suffix = "am" if hour < 12 else "pm"
        h12 = hour % 12 or 12
        return f"{h12}:{m:02d} {suffix}" if m else f"{h12} {suffix}"

    def _span(self, start: int, end: int) -> str:
        return f"{self._clock(start)} to {self._clock(end)}" if self.english else f"{format_clock(start)}~{format_clock(end)}"

    def _date_label(self, d: date) -> str:
        if self.english:
            return f"{EN_MONTHS[d.month - 1]} {d.day} ({EN_DAYS[d.weekday()][:3]})"
        return format_date(d)

    def _date_line(self, d: date) -> str:
        h = hours_on(self.k.store, d)
        label = self._date_label(d)
        if h.holiday:
            reason = f" {h.holiday.reason}" if h.holiday.reason else ""
            return f"{label}{reason}: closed" if self.english else f"{label}{reason} 휴무"
        if h.span is None:
            return f"{label}: closed (regular day off)" if self.english else f"{label} 정기 휴무"
        return f"{label}: open {self._span(h.span.start, h.span.end)}" if self.english else \
            f"{label} {self._span(h.span.start, h.span.end)} 영업"

    def _booking(self, key: str) -> str:
        r = self.k.store.reservation
        if not r.enabled:
            raise Unfillable("booking: the shop takes no bookings")
        if key == "max_party":
            return f"{r.max_party} people" if self.english else f"{r.max_party}명"
        if key in ("duration", "lead"):
            from skills.store_info import span_text

            n = r.duration_minutes if key == "duration" else r.min_lead_minutes
            return f"{n} minutes" if self.english else span_text(n)
        if key == "ahead":
            return f"{r.max_days_ahead} days" if self.english else f"{r.max_days_ahead}일"
        raise Unfillable(f"booking: no limit {key!r}")
