"""Personal recommendations: what a recognised customer had before, and one new item close to it.

Only among the items today's recommender would allow for this message (every hard constraint: the
allergens named, sold out, spice, children, caffeine, budget...), from this customer's own history
(never another customer's), and only when they said yes to it in the chat. Their habits weigh more
when they match the moment: a latte bought on weekday mornings ranks first on a weekday morning.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.josa import josa
from bot.kb.records import MenuItem

HALF_LIFE_DAYS = 60.0


@dataclass(frozen=True)
class Pick:
    item: MenuItem
    reason: str
    again: bool  # had it before (False: a new item close to what they like)


def _same_moment(then: datetime, now: datetime) -> float:
    """1 when bought at a similar time (weekday vs weekend, within two hours), else 0."""
    same_kind_of_day = (then.weekday() >= 5) == (now.weekday() >= 5)
    near = abs(then.hour - now.hour) <= 2
    return 1.0 if same_kind_of_day and near else 0.0


def scores(history: list[tuple[datetime, list[str]]], now: datetime, resolve: Callable[[str], MenuItem | None]) -> dict[str, float]:
    """Each menu item's weight in this customer's history: recent purchases count more, and those
    made at a time like now count double."""
    out: dict[str, float] = {}
    for when, names in history:
        age = max((now - when).total_seconds() / 86400, 0.0)
        weight = math.pow(0.5, age / HALF_LIFE_DAYS) * (1.0 + _same_moment(when, now))
        for name in names:
            item = resolve(name)
            if item is not None:
                out[item.name] = out.get(item.name, 0.0) + weight
    return out


def picks(allowed: list[MenuItem], history: list[tuple[datetime, list[str]]], now: datetime,
          resolve: Callable[[str], MenuItem | None], n: int = 3) -> list[Pick]:
    """Up to `n` picks from `allowed` (already filtered by every constraint): the customer's own
    favourites first, then one item they have not had, of the same category as their favourite."""
    weights = scores(history, now, resolve)
    allowed_names = {i.name: i for i in allowed}
    liked = sorted((name for name in weights if name in allowed_names), key=lambda name: -weights[name])
    if not liked:
        return []
    out: list[Pick] = []
    morning_kind = "평일" if now.weekday() < 5 else "주말"
    for name in liked[: n - 1]:
        item = allowed_names[name]
        usual = any(_same_moment(when, now) and any(resolve(x) is item for x in names) for when, names in history)
        out.append(Pick(item, f"{morning_kind} 이맘때 자주 드신 메뉴" if usual else "지난번에 드신 메뉴", True))
    favourite = allowed_names[liked[0]]
    tried = set(weights)
    fresh = [i for i in allowed if i.name not in tried and i.category == favourite.category] or [i for i in allowed if i.name not in tried]
    if fresh:
        shared = sorted(fresh, key=lambda i: (-len(set(i.tags) & set(favourite.tags)), i.name))
        out.append(Pick(shared[0], f"좋아하시는 {josa(favourite.name, '와')} 비슷한 메뉴", False))
    for name in liked[n - 1:]:
        if len(out) >= n:
            break
        out.append(Pick(allowed_names[name], "지난번에 드신 메뉴", True))
    return out[:n]
