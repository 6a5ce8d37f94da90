"""The check every model answer passes before a customer sees it.

A model that phrases well can still say 4,000원 where the menu says 4,500원, or invent a dish.
Each price, clock time, date, phone number and food name in the answer must appear in the
evidence (the knowledge records and tool results the model was given); anything else sends the
offline answer instead. The check is deliberately literal: a false alarm costs a plainer
answer, a miss costs a shop its customer's trust.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PRICE = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)\s*원|(\d+(?:\.\d+)?)\s*만\s*(\d)?\s*천?\s*원|(\d+)\s*천\s*원")
CLOCK = re.compile(r"(오전|오후|낮|저녁|밤|새벽)?\s*(\d{1,2})\s*(?::\s*(\d{2})|시\s*(?:(\d{1,2})\s*분|(반))?)")
DATE = re.compile(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일")
PHONE = re.compile(r"0\d{1,2}[-.\s]?\d{3,4}[-.\s]?\d{4}|1[5-9]\d{2}[-.\s]?\d{4}")
LEAK = ("<knowledge>", "</knowledge>", "<customer_message>", "SYSTEM RULES", "시스템 지시", "system prompt")


def prices(text: str) -> set[int]:
    """Amounts in won: 4,500원, 4500원, 1만 2천원, 1.5만원, 3천원."""
    out = set()
    for m in PRICE.finditer(text):
        if m[1]:
            out.add(int(m[1].replace(",", "")))
        elif m[2]:
            out.add(int(float(m[2]) * 10_000) + (int(m[3]) * 1_000 if m[3] else 0))
        elif m[4]:
            out.add(int(m[4]) * 1_000)
    return out


def clocks(text: str) -> set[int]:
    """Times of day as minutes after midnight; a bare "7시" may mean 07:00 or 19:00, so both are kept."""
    return {m for m, _ in _clocks(text)} | {m + 12 * 60 for m, qualified in _clocks(text) if not qualified and m < 13 * 60}


def _clocks(text: str) -> list[tuple[int, bool]]:
    """(minutes after midnight, whether 오전/오후/밤… or HH:MM fixed the half of the day)."""
    out = []
    for m in CLOCK.finditer(text):
        hour = int(m[2])
        minute = int(m[3] or m[4] or 0) + (30 if m[5] else 0)
        if hour > 24 or minute >= 60:
            continue
        if m[1] in ("오후", "저녁", "밤") and hour < 12:
            hour += 12
        if m[1] == "낮" and hour < 6:
            hour += 12
        out.append((hour * 60 + minute, bool(m[1]) or m[3] is not None))
    return out


def dates(text: str) -> set[tuple[int, int]]:
    return {(int(m[1]), int(m[2])) for m in DATE.finditer(text)}


def phones(text: str) -> set[str]:
    return {re.sub(r"\D", "", m[0]) for m in PHONE.finditer(text)}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problems: tuple[str, ...] = ()


CLAUSE = re.compile(r"(?:[^.!?\n]|\.(?=\d))+")  # sentences (a decimal point does not end one)


def _totals(unit_prices: list[int]) -> set[int]:
    """Prices and the totals of up to ten servings of each (at most three different items)."""
    totals = {0}
    for p in unit_prices[:3]:
        totals = {t + n * p for t in totals for n in range(0, 11)}
    return totals - {0}


def check(answer: str, evidence: Iterable[str], foods: Iterable[str] = (), menu_names: Iterable[str] = (),
          items_in: Callable[[str], list[tuple[str, int | None]]] | None = None) -> Verdict:
    """Whether every checkable fact in `answer` is backed by `evidence`.

    A price said in a clause that names menu items must be one of those items' prices (or a
    total of a few servings of them): 8,000원 is on the menu, but not as 돼지김치찌개's price.
    `items_in` finds the items a clause names (aliases included). `foods` are dish words a
    model might invent; those the answer names must appear in the evidence too.
    """
    corpus = "\n".join(evidence)
    problems: list[str] = []
    allowed_prices = prices(corpus)
    multiples = _totals(sorted(allowed_prices)[:1]) | {p * n for p in allowed_prices for n in range(1, 11)}
    for clause in CLAUSE.findall(answer):
        said = prices(clause)
        if not said:
            continue
        named = [price for _, price in (items_in(clause) if items_in else []) if price is not None]
        for p in sorted(said):
            if named:
                if p not in _totals(named):
                    problems.append(f"price {p:,}원 for {clause.strip()[:40]}")
            elif p not in allowed_prices and p not in multiples:
                problems.append(f"price {p:,}원")
    allowed_clocks = clocks(corpus)
    for c, qualified in sorted(_clocks(answer)):
        readings = {c} if qualified else {c, c + 12 * 60}
        if not readings & allowed_clocks:
            problems.append(f"time {c // 60:02d}:{c % 60:02d}")
    for d in sorted(dates(answer) - dates(corpus)):
        problems.append(f"date {d[0]}월 {d[1]}일")
    for number in sorted(phones(answer) - phones(corpus)):
        problems.append(f"phone {number}")
    known = "\n".join([corpus, *menu_names])
    compact_known = re.sub(r"\s+", "", known)
    for food in foods:
        if len(food) >= 2 and food in answer and food not in known and food not in compact_known:
            problems.append(f"item {food}")
    for marker in LEAK:
        if marker.lower() in answer.lower():
            problems.append(f"leak {marker}")
    return Verdict(not problems, tuple(problems))
