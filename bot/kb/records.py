"""Typed records of the owner's knowledge; each remembers the file and line it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

from bot.kb.errors import Problem

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_KO = ("월", "화", "수", "목", "금", "토", "일")


@dataclass(frozen=True)
class Origin:
    file: str
    line: int


@dataclass(frozen=True)
class Span:
    """Minutes after midnight; `end` may pass 1440 when a shop closes after midnight."""

    start: int
    end: int

    def contains(self, minute: int) -> bool:
        return self.start <= minute < self.end


@dataclass(frozen=True)
class Holiday:
    day: date
    reason: str
    origin: Origin


@dataclass(frozen=True)
class ReservationPolicy:
    enabled: bool = False
    slot_minutes: int = 30
    duration_minutes: int = 90
    tables: tuple[int, ...] = ()
    max_party: int = 0
    min_lead_minutes: int = 60
    max_days_ahead: int = 30


@dataclass(frozen=True)
class Store:
    name: str
    category: str
    phone: str
    address: str
    timezone: str
    greeting: str
    hours: dict[str, Span | None]
    break_time: Span | None
    last_order_minutes: int
    holidays: tuple[Holiday, ...]
    reservation: ReservationPolicy
    origin: Origin


@dataclass(frozen=True)
class MenuItem:
    name: str
    category: str
    price: int | None
    description: str
    tags: tuple[str, ...]
    allergens: tuple[str, ...]
    spicy: int
    available: bool
    image: str
    origin: Origin
    market_price: bool = False  # 시가: charged at the day's price, which the bot never states
    # Other items this one is made of, as the owner wrote them ("원조 씨앗호떡 3개 묶음", a set of 떡볶이
    # and 순대): their names, descriptions and allergen columns, so an allergy question about the
    # bundle is answered with what its parts hold (bot/kb/loader.py fills it; never shown).
    holds: str = ""


@dataclass(frozen=True)
class FaqEntry:
    id: str
    category: str
    aliases: tuple[str, ...]
    answer: str
    origin: Origin


@dataclass(frozen=True)
class Synonym:
    """`canonical` is the word the owner wrote in menu/FAQ; `variants` are what customers type."""

    canonical: str
    variants: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class Knowledge:
    """One consistent snapshot of the knowledge folder."""

    store: Store
    menu: tuple[MenuItem, ...]
    faqs: tuple[FaqEntry, ...]
    synonyms: tuple[Synonym, ...]
    warnings: tuple[Problem, ...] = ()
    fingerprint: str = ""
    menu_by_name: dict[str, MenuItem] = field(default_factory=dict, compare=False)

    @cached_property
    def allergen_words(self) -> tuple[str, ...]:
        """Every word the menu's allergen column uses, once a snapshot (read on every message)."""
        return tuple(sorted({a for item in self.menu for a in item.allergens if a}))

    @property
    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self.menu:
            if item.category:
                seen.setdefault(item.category)
        return list(seen)

    @cached_property
    def own_names(self) -> str:
        """The shop's name, address and menu names, without spaces: a place the customer asks the
        hours of that is not in it is another place (skills/store_info.py). Not the FAQ answers,
        which name landmarks ("대릉원 정문에서 5분") that are not the shop."""
        parts = [self.store.name, self.store.address, *(f"{i.name} {i.category}" for i in self.menu)]
        return "".join("".join(parts).split())

    def faq(self, faq_id: str) -> FaqEntry:
        """The FAQ entry a search hit names (its id is its question)."""
        return next(f for f in self.faqs if f.id == faq_id)

    @property
    def faq_categories(self) -> list[str]:
        return list(dict.fromkeys(f.category for f in self.faqs if f.category))


Kind = Literal["faq", "menu", "store"]
